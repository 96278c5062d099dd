"""Property services: who reads access notes (and that the crew's readings are logged),
moving a property to another client, coordinates and the geocoder interface, the catalog."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from crewdesk.core.models import Activity
from crewdesk.jobs.models import Job, JobStatus
from crewdesk.jobs.services import job_archive, job_transition
from crewdesk.properties import geocoding
from crewdesk.properties.models import Property
from crewdesk.properties.services import (
    access_notes_for,
    property_archive,
    property_create,
    property_move,
    property_restore,
    property_service_add,
    property_update,
    service_archive,
    service_create,
)
from tests.factories import company_today, make_job, make_property, make_service


@pytest.fixture
def ann(make_client):
    return make_client(first_name="Ann", last_name="Lee", email="ann@example.com")


@pytest.fixture
def prop(owner, ann):
    return make_property(owner, ann, name="Lake house", access_notes="Lockbox 1234, dog Rex")


def _viewings(prop):
    return Activity.objects.filter(verb="property.access_notes_viewed", target_id=prop.pk)


def test_the_office_reads_access_notes_without_a_log_entry(office, prop):
    assert access_notes_for(viewer=office, prop=prop) == "Lockbox 1234, dog Rex"
    assert not _viewings(prop).exists()


def test_crew_reads_them_only_through_their_job_and_the_reading_is_logged(owner, employee, prop):
    mine = make_job(owner, prop, assignees=[employee])
    not_mine = make_job(owner, prop)
    assert access_notes_for(viewer=employee, prop=prop) is None
    assert access_notes_for(viewer=employee, prop=prop, job=not_mine) is None
    assert access_notes_for(viewer=employee, prop=prop, job=mine) == "Lockbox 1234, dog Rex"
    entries = list(_viewings(prop))
    assert len(entries) == 1
    assert entries[0].actor == employee.user and entries[0].data["job_id"] == mine.pk


def test_a_reading_is_logged_once_per_job_and_day_and_again_when_they_change(owner, employee, prop):
    # A crew's visit reloads the job's page a dozen times (each status, tick, photo): the
    # log says once that they read the notes, and again when there is something new to read.
    job = make_job(owner, prop, assignees=[employee])
    for _ in range(5):
        assert access_notes_for(viewer=employee, prop=prop, job=job) == "Lockbox 1234, dog Rex"
    assert _viewings(prop).count() == 1
    other = make_job(owner, prop, hour=15, assignees=[employee])
    access_notes_for(viewer=employee, prop=prop, job=other)
    assert _viewings(prop).count() == 2  # another job
    property_update(actor=owner, prop=prop, data={"access_notes": "Lockbox 9876"})
    assert access_notes_for(viewer=employee, prop=prop, job=job) == "Lockbox 9876"
    access_notes_for(viewer=employee, prop=prop, job=job)
    assert _viewings(prop).count() == 3  # the new notes, once
    # Noon of the company's next day (not "now + 24 hours": a day of a DST change has 25).
    zone = zoneinfo.ZoneInfo(owner.company.timezone)
    tomorrow = company_today(owner) + datetime.timedelta(days=1)
    with time_machine.travel(datetime.datetime.combine(tomorrow, datetime.time(12), zone)):
        access_notes_for(viewer=employee, prop=prop, job=job)
    assert _viewings(prop).count() == 4  # another day


def _job_in(owner, employee, prop, *, days: int, status: str = JobStatus.PENDING):
    day = company_today(owner) + datetime.timedelta(days=days)
    job = make_job(owner, prop, day=day, assignees=[employee])
    Job.objects.filter(pk=job.pk).update(status=status)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize(
    ("days", "status", "unlocks"),
    [
        (0, JobStatus.PENDING, True),
        (0, JobStatus.ON_THE_WAY, True),
        (0, JobStatus.STARTED, True),
        (1, JobStatus.PENDING, True),  # the evening before
        (-1, JobStatus.STARTED, True),  # a visit running late, still open
        (0, JobStatus.FINISHED, False),
        (0, JobStatus.CANCELLED, False),
        (-30, JobStatus.FINISHED, False),  # any past job
        (-30, JobStatus.PENDING, False),  # left open for a month
        (2, JobStatus.PENDING, False),
        (60, JobStatus.PENDING, False),  # a job far ahead does not give today's codes
    ],
)
def test_only_an_open_job_near_its_day_unlocks_them(owner, employee, prop, days, status, unlocks):
    job = _job_in(owner, employee, prop, days=days, status=status)
    expected = "Lockbox 1234, dog Rex" if unlocks else None
    assert access_notes_for(viewer=employee, prop=prop, job=job) == expected
    assert _viewings(prop).count() == (1 if unlocks else 0)
    # The office reads them whatever the job.
    assert access_notes_for(viewer=owner, prop=prop, job=job) == "Lockbox 1234, dog Rex"


def test_an_archived_job_unlocks_nothing(owner, employee, prop):
    job = make_job(owner, prop, assignees=[employee])
    job_transition(actor=owner, job=job, to_status=JobStatus.CANCELLED)
    job_transition(actor=owner, job=job, to_status=JobStatus.PENDING)
    job = job_archive(actor=owner, job=job)
    assert access_notes_for(viewer=employee, prop=prop, job=job) is None


def test_nobody_else_reads_them(owner, customer, outsider, prop):
    job = make_job(owner, prop)
    for member in (customer, outsider):
        assert access_notes_for(viewer=member, prop=prop, job=job) is None


def test_the_log_never_holds_the_access_notes_themselves(owner, prop):
    property_update(actor=owner, prop=prop, data={"access_notes": "New code 9999"})
    entry = Activity.objects.filter(verb="property.updated").get()
    assert "9999" not in str(entry.data)


def test_moving_a_property_takes_its_jobs_not_yet_started_and_is_logged(owner, prop, make_client):
    buyer = make_client(first_name="Bea", last_name="Cole", email="bea@example.com")
    done = make_job(owner, prop)
    for status in (JobStatus.STARTED, JobStatus.FINISHED):
        job_transition(actor=owner, job=done, to_status=status)
    upcoming = make_job(owner, prop)
    property_move(actor=owner, prop=prop, new_client=buyer.pk)
    prop.refresh_from_db()
    done.refresh_from_db()
    upcoming.refresh_from_db()
    assert prop.client == buyer
    assert done.client.first_name == "Ann"  # history stays with whom it was done for
    assert upcoming.client == buyer
    entry = Activity.objects.get(verb="property.moved")
    assert entry.data["from_client"] == "Ann Lee" and entry.data["to_client"] == "Bea Cole"
    assert entry.data["jobs_moved"] == 1


def test_moving_to_another_company_client_is_refused(owner, outsider, prop, make_client):
    theirs = make_client(actor=outsider, first_name="Zed", email="zed@b.example")
    with pytest.raises(ValidationError):
        property_move(actor=owner, prop=prop, new_client=theirs.pk)
    with pytest.raises(PermissionDenied):
        property_move(actor=outsider, prop=prop, new_client=theirs.pk)


def test_only_the_office_writes_properties(employee, customer, ann, prop):
    for member in (employee, customer):
        with pytest.raises(PermissionDenied):
            property_create(actor=member, client=ann, data={"street": "1 Main"})
        with pytest.raises(PermissionDenied):
            property_update(actor=member, prop=prop, data={"name": "Mine"})


def test_coordinates_are_checked(owner, ann):
    with pytest.raises(ValidationError) as error:
        property_create(
            actor=owner, client=ann, data={"street": "1 Main", "latitude": Decimal("91")}
        )
    assert "latitude" in error.value.message_dict
    assert not Property.objects.exists()


class FakeGeocoder:
    asked: list[str] = []

    def geocode(self, query):
        FakeGeocoder.asked.append(query)
        return (41.878113, -87.629799)


def test_a_configured_geocoder_fills_coordinates_and_typed_ones_win(settings, owner, ann):
    settings.CREWDESK_GEOCODER = "tests.properties.test_services.FakeGeocoder"
    geocoding._geocoder.cache_clear()
    try:
        found = property_create(
            actor=owner, client=ann, data={"street": "1 Main", "city": "Chicago"}
        )
        typed = property_create(
            actor=owner,
            client=ann,
            data={"street": "2 Main", "latitude": "10.5", "longitude": "20.25"},
        )
    finally:
        geocoding._geocoder.cache_clear()
    assert (found.latitude, found.longitude) == (Decimal("41.878113"), Decimal("-87.629799"))
    assert (typed.latitude, typed.longitude) == (Decimal("10.5"), Decimal("20.25"))
    assert FakeGeocoder.asked == ["1 Main, Chicago, US"]


def test_no_geocoder_is_called_by_default(owner, ann):
    prop = property_create(actor=owner, client=ann, data={"street": "1 Main"})
    assert prop.latitude is None


def test_archive_and_restore(owner, prop):
    assert property_archive(actor=owner, prop=prop).archived_at is not None
    assert property_restore(actor=owner, prop=prop).archived_at is None
    assert list(
        Activity.objects.filter(target_id=prop.pk, verb__startswith="property.").values_list(
            "verb", flat=True
        )
    ) == ["property.restored", "property.archived", "property.created"]


def test_catalog_names_are_unique_among_active_services(owner):
    first = make_service(owner, "Deep clean")
    with pytest.raises(ValidationError) as error:
        service_create(actor=owner, data={"name": "deep clean", "default_price": "10"})
    assert "name" in error.value.message_dict
    service_archive(actor=owner, service=first)
    assert make_service(owner, "Deep clean").pk != first.pk


def test_a_property_service_takes_the_catalog_price_unless_given(owner, prop):
    service = make_service(owner, "Window washing", "85.00")
    ps = property_service_add(actor=owner, prop=prop, data={"service": service.pk})
    assert ps.price == Decimal("85.00")
    ps = property_service_add(actor=owner, prop=prop, data={"service": service.pk, "price": "70"})
    assert ps.price == Decimal("70")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"frequency": "weekly"}, "starts_on"),
        ({"frequency": "daily", "starts_on": "2027-01-01", "weekdays": "MO"}, "weekdays"),
        ({"frequency": "weekly", "starts_on": "2027-01-01", "weekdays": "XX"}, "weekdays"),
        ({"frequency": "weekly", "starts_on": "2027-02-01", "ends_on": "2027-01-01"}, "ends_on"),
        ({"price": "abc"}, "price"),
    ],
)
def test_bad_service_rules_are_refused(owner, prop, data, field):
    service = make_service(owner, "Pool service", "60")
    with pytest.raises(ValidationError) as error:
        property_service_add(actor=owner, prop=prop, data={"service": service.pk, **data})
    assert field in error.value.message_dict


def test_another_company_service_is_not_found(owner, outsider, prop):
    theirs = make_service(outsider, "Theirs")
    with pytest.raises(ValidationError) as error:
        property_service_add(actor=owner, prop=prop, data={"service": theirs.pk})
    assert "service" in error.value.message_dict
