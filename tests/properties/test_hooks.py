"""What higher apps plug into properties: page panels and the service schedule (hooks.py)."""

import pytest

from crewdesk.properties import services
from crewdesk.properties.display import PROPERTY_PANELS
from crewdesk.properties.hooks import ServiceScheduleHandler
from crewdesk.properties.services import (
    property_service_add,
    property_service_archive,
    property_service_update,
)
from tests.factories import company_today, make_property, make_service
from tests.properties.test_pages import new_client

pytestmark = pytest.mark.django_db


def test_jobs_and_billing_registered_their_panels_of_the_property_page():
    assert [(p.name, p.slot) for p in PROPERTY_PANELS] == [
        ("jobs", "main"),
        ("files", "side"),
        ("invoices", "side"),
    ]


def test_a_repeating_service_tells_the_registered_schedulers(monkeypatch, owner):
    calls = []

    def record(what):
        return lambda ps, *, actor: calls.append((what, ps.pk, actor.pk))

    # In place of the jobs' (which make the jobs ahead): this one only says it was called.
    recorder = ServiceScheduleHandler(record("started"), record("changed"), record("stopped"))
    monkeypatch.setattr(services, "SERVICE_SCHEDULE_HANDLERS", [recorder])
    prop = make_property(owner, new_client(owner, email="h@example.com"))
    service = make_service(owner)
    weekly = {"service": service.pk, "frequency": "weekly", "starts_on": company_today(owner)}
    ps = property_service_add(actor=owner, prop=prop, data=weekly)
    property_service_update(actor=owner, ps=ps, data={"interval": 2})
    property_service_update(
        actor=owner, ps=ps, data={"instructions": "Mind the dog"}
    )  # not the schedule
    property_service_archive(actor=owner, ps=ps)
    assert calls == [
        ("started", ps.pk, owner.pk),
        ("changed", ps.pk, owner.pk),
        ("stopped", ps.pk, owner.pk),
    ]
