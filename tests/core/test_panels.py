"""Panels: the parts of a page that other apps register (core/panels.py)."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from crewdesk.core.panels import Panel, PanelRegistry, scripts_of
from crewdesk.core.permissions import Action

TEMPLATE = "includes/messages.html"  # any template renders; what matters is which panels


def _empty(request, *records):
    return {}


def _panel(name, order, **options):
    return Panel(name, TEMPLATE, options.pop("context", _empty), order, **options)


def _request(membership):
    request = RequestFactory().get("/app/")
    request.membership = membership
    return request


def test_panels_come_in_their_order_whoever_registers_first():
    page = PanelRegistry("a page")
    page.register(_panel("invoices", 20), _panel("jobs", 10))
    page.register(_panel("jobs", 10))  # a second ready() adds nothing
    assert [p.name for p in page] == ["jobs", "invoices"]


def test_two_panels_of_one_name_are_a_mistake():
    page = PanelRegistry("a page")
    page.register(_panel("jobs", 10))
    with pytest.raises(ImproperlyConfigured):
        page.register(_panel("jobs", 20))


def test_a_member_sees_the_panels_of_a_slot_their_role_allows(office, owner):
    page = PanelRegistry("a page")
    page.register(
        _panel("jobs", 10, slot="side"),
        _panel("team", 20, slot="side", action=Action.MANAGE_COMPANY),
        _panel("chart", 30, slot="top"),
    )
    assert [p.name for p in page.visible(office, "side")] == ["jobs"]
    assert [p.name for p in page.visible(owner, "side")] == ["jobs", "team"]


def test_a_panel_with_nothing_to_show_is_left_out(owner):
    page = PanelRegistry("a page")
    page.register(
        _panel("empty", 10, context=lambda request: None),
        _panel("shown", 20, scripts=("a.js", "b.js")),
        _panel("also", 30, scripts=("b.js",)),
    )
    shown = page.render(_request(owner))
    assert [p.name for p in shown] == ["shown", "also"]
    assert scripts_of(shown) == ["a.js", "b.js"]


def test_a_panel_gets_the_pages_records(owner):
    seen = []
    page = PanelRegistry("a page")
    page.register(_panel("jobs", 10, context=lambda request, record: seen.append(record) or {}))
    page.render(_request(owner), "the property")
    assert seen == ["the property"]
