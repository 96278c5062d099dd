"""A client profile's tabs: clients, properties and jobs register theirs (profile_tabs.py);
billing and the portal will add theirs the same way."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from crewdesk.clients import profile_tabs
from crewdesk.clients.profile_tabs import (
    PROFILE_TABS,
    ProfileTab,
    profile_tabs_for,
    register_profile_tabs,
)
from crewdesk.core.permissions import Action

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def _invoices(request, client):
    return {"invoices": ["INV-12"]}


INVOICES = ProfileTab(
    "invoices",
    "Invoices",
    "receipt",
    "includes/messages.html",  # any template: what matters is where the tab goes
    _invoices,
    order=35,
    show_label="Show the invoices",
    action=Action.MANAGE_COMPANY,
    badge=lambda request, client: 3,
)


def test_the_tabs_come_in_their_order():
    assert [t.name for t in PROFILE_TABS] == ["contacts", "properties", "jobs", "notes", "activity"]


def test_a_member_sees_the_tabs_their_role_allows(owner, employee):
    assert "activity" in [t.name for t in profile_tabs_for(owner)]
    assert "activity" not in [t.name for t in profile_tabs_for(employee)]


def test_a_tab_another_app_registers_takes_its_place(
    monkeypatch, client_as, owner, office, make_client
):
    monkeypatch.setattr(profile_tabs, "PROFILE_TABS", list(PROFILE_TABS))
    register_profile_tabs(INVOICES)
    register_profile_tabs(INVOICES)  # a second ready() adds nothing
    assert [t.name for t in profile_tabs.PROFILE_TABS].index("invoices") == 3

    client = make_client(first_name="Ann", email="ann@example.com")
    url = reverse("clients:detail", args=[client.pk])
    page = client_as(owner).get(url).content.decode()
    assert 'id="tab-invoices"' in page and f'hx-get="{url}?panel=invoices"' in page
    assert (
        page.index('id="tab-jobs"') < page.index('id="tab-invoices"') < page.index('id="tab-notes"')
    )
    assert 'Invoices <span class="badge' in page
    assert client_as(owner).get(url, {"panel": "invoices"}, headers=HX).status_code == 200
    # The office may not see it: no tab, and asking for it is refused.
    assert 'id="tab-invoices"' not in client_as(office).get(url).content.decode()
    assert client_as(office).get(url, {"panel": "invoices"}, headers=HX).status_code == 403


def test_two_tabs_of_one_name_are_a_mistake(monkeypatch):
    monkeypatch.setattr(profile_tabs, "PROFILE_TABS", list(PROFILE_TABS))
    with pytest.raises(ImproperlyConfigured):
        register_profile_tabs(
            ProfileTab("jobs", "Jobs", "x", "x.html", _invoices, order=1, show_label="x")
        )
