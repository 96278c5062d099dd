"""Recurring jobs: the rule's days (property-based), generation across DST, idempotence, and
"editing the rule changes future jobs only"."""

import calendar
import datetime
import zoneinfo
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from crewdesk.clients.services import ClientInput, client_create
from crewdesk.core.models import Activity
from crewdesk.jobs import recurrence
from crewdesk.jobs.events import Verb
from crewdesk.jobs.models import Job, JobAssignment, JobLine, JobStatus
from crewdesk.jobs.recurrence import (
    occurrences,
    recurring_jobs_generate,
    recurring_jobs_regenerate,
    recurring_jobs_remove_future,
)
from crewdesk.jobs.services import JobInput, job_note_add, job_transition, job_update
from crewdesk.properties.models import PropertyService
from crewdesk.properties.recurrence import recurrence_summary
from crewdesk.properties.services import (
    property_archive,
    property_service_add,
    property_service_archive,
    property_service_update,
)
from tests.factories import make_property, make_service

D = datetime.date
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# --- the rule's days, for any rule -------------------------------------------------------------

SPECIAL_DAYS = [
    D(2027, 1, 31),
    D(2027, 1, 30),
    D(2027, 1, 29),
    D(2027, 1, 28),
    D(2027, 3, 31),
    D(2027, 5, 31),
    D(2027, 8, 31),
    D(2027, 12, 31),
    D(2028, 1, 31),
    D(2028, 1, 29),
    D(2024, 2, 29),
    D(2028, 2, 29),
    D(2027, 2, 28),
    D(2027, 3, 14),  # DST starts in America/New_York
    D(2027, 11, 7),  # DST ends in America/New_York
    D(2027, 3, 28),  # DST starts in Europe/London
    D(2027, 10, 31),  # DST ends in Europe/London
]

start_days = st.one_of(
    st.sampled_from(SPECIAL_DAYS), st.dates(min_value=D(2024, 1, 1), max_value=D(2030, 12, 31))
)


@st.composite
def rules(draw):
    starts_on = draw(start_days)
    frequency = draw(st.sampled_from(["daily", "weekly", "monthly"]))
    interval = draw(st.integers(min_value=1, max_value=6))
    weekdays = ""
    if frequency == "weekly":
        weekdays = ",".join(draw(st.sets(st.sampled_from(CODES), max_size=4)))
    ends_on = draw(
        st.one_of(
            st.none(),
            st.integers(min_value=0, max_value=900).map(
                lambda n: starts_on + datetime.timedelta(days=n)
            ),
        )
    )
    ps = PropertyService(
        frequency=frequency,
        interval=interval,
        weekdays=weekdays,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    first = starts_on + datetime.timedelta(days=draw(st.integers(min_value=-40, max_value=400)))
    last = first + datetime.timedelta(days=draw(st.integers(min_value=0, max_value=800)))
    return ps, first, last


def months_between(a: D, b: D) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def expected_days(ps: PropertyService, first: D, last: D) -> list[D]:
    """The rule's days by brute force, day by day."""
    low = max(first, ps.starts_on)
    high = min(last, ps.ends_on) if ps.ends_on else last
    days = []
    day = low
    chosen = {CODES.index(c) for c in ps.weekdays.split(",") if c} or {ps.starts_on.weekday()}
    start_monday = ps.starts_on - datetime.timedelta(days=ps.starts_on.weekday())
    while day <= high:
        if ps.frequency == "daily":
            ok = (day - ps.starts_on).days % ps.interval == 0
        elif ps.frequency == "weekly":
            monday = day - datetime.timedelta(days=day.weekday())
            weeks = (monday - start_monday).days // 7
            ok = day.weekday() in chosen and weeks % ps.interval == 0
        else:
            length = calendar.monthrange(day.year, day.month)[1]
            ok = months_between(ps.starts_on, day) % ps.interval == 0 and day.day == min(
                ps.starts_on.day, length
            )
        if ok:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


@settings(max_examples=300, deadline=None)
@given(rules())
def test_occurrences_follow_the_rule(rule):
    ps, first, last = rule
    days = occurrences(ps, first, last)
    assert all(a < b for a, b in zip(days, days[1:], strict=False)), "strictly increasing"
    for day in days:
        assert ps.starts_on <= day and first <= day <= last
        assert ps.ends_on is None or day <= ps.ends_on
    if ps.frequency == "weekly":
        chosen = {CODES.index(c) for c in ps.weekdays.split(",") if c} or {ps.starts_on.weekday()}
        assert {d.weekday() for d in days} <= chosen
    elif ps.frequency == "monthly":
        months = [(d.year, d.month) for d in days]
        assert len(months) == len(set(months)), "one per month"
        for d in days:
            assert d.day == min(ps.starts_on.day, calendar.monthrange(d.year, d.month)[1])
    else:
        assert all((b - a).days == ps.interval for a, b in zip(days, days[1:], strict=False))
    assert days == expected_days(ps, first, last)


def test_monthly_on_the_31st_takes_the_last_day():
    ps = PropertyService(frequency="monthly", interval=1, starts_on=D(2027, 12, 31))
    assert occurrences(ps, D(2027, 12, 1), D(2028, 4, 30)) == [
        D(2027, 12, 31),
        D(2028, 1, 31),
        D(2028, 2, 29),
        D(2028, 3, 31),
        D(2028, 4, 30),
    ]


def test_not_repeating_has_no_days():
    ps = PropertyService(frequency="", starts_on=D(2027, 1, 1))
    assert occurrences(ps, D(2027, 1, 1), D(2027, 12, 31)) == []
    assert recurrence_summary(ps) == "Does not repeat"


def test_summaries():
    weekly = PropertyService(
        frequency="weekly",
        interval=2,
        weekdays="MO,TH",
        starts_on=D(2027, 1, 4),
        ends_on=D(2027, 6, 30),
    )
    assert recurrence_summary(weekly) == (
        "Every 2 weeks on Mon and Thu, from Jan 4, 2027 until Jun 30, 2027"
    )
    monthly = PropertyService(frequency="monthly", interval=1, starts_on=D(2027, 1, 31))
    assert recurrence_summary(monthly) == (
        "Every month on the 31st (the last day in shorter months), from Jan 31, 2027"
    )
    daily = PropertyService(frequency="daily", interval=3, starts_on=D(2027, 1, 2))
    assert recurrence_summary(daily) == "Every 3 days, from Jan 2, 2027"
    assert recurrence_summary(
        PropertyService(frequency="weekly", interval=1, starts_on=D(2027, 1, 5))
    ).startswith("Every week on Tue,")
    assert "12th" in recurrence_summary(
        PropertyService(frequency="monthly", interval=3, starts_on=D(2027, 1, 12))
    )


# --- generating jobs -----------------------------------------------------------------------------


def at(day: D, hour: int = 12):
    """A moment in New York on `day` (the company's "today")."""
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour), NEW_YORK), tick=False
    )


@pytest.fixture
def world(company_a, owner, employee):
    company_a.timezone = "America/New_York"
    company_a.save()
    owner.company.refresh_from_db()
    client = client_create(
        actor=owner,
        data=ClientInput(fields={"first_name": "Ada"}, phones=[("mobile", "+1 415 555 0199")]),
    )
    prop = make_property(owner, client)
    service = make_service(owner, "Pool clean", "80.00", duration_minutes=90, taxable=False)
    return prop, service


def add(owner, world, assignees=(), **rule):
    prop, service = world
    rule.setdefault("frequency", "daily")
    rule.setdefault("interval", 1)
    return property_service_add(
        actor=owner,
        prop=prop,
        data={"service": service.pk, **rule},
        assignees=[m.pk for m in assignees],
    )


def jobs_of(ps):
    return list(Job.objects.filter(property_service=ps).order_by("occurrence"))


@pytest.mark.parametrize("change_day", [D(2027, 3, 14), D(2027, 11, 7)])
def test_same_wall_clock_time_across_dst(owner, world, change_day):
    with at(change_day - datetime.timedelta(days=5)):
        ps = add(
            owner,
            world,
            starts_on=change_day - datetime.timedelta(days=3),
            ends_on=change_day + datetime.timedelta(days=3),
            start_time=datetime.time(9, 0),
        )
    jobs = jobs_of(ps)
    assert [j.occurrence for j in jobs] == [
        change_day + datetime.timedelta(days=n) for n in range(-3, 4)
    ]
    for job in jobs:
        local = timezone.localtime(job.scheduled_start, NEW_YORK)
        assert (local.date(), local.hour, local.minute) == (job.occurrence, 9, 0)
        assert job.scheduled_date == job.occurrence
        assert job.scheduled_end - job.scheduled_start == datetime.timedelta(minutes=90)
    utc_hours = {timezone.localtime(j.scheduled_start, datetime.UTC).hour for j in jobs}
    assert utc_hours == {13, 14}  # the UTC time moved, the local one did not


def test_generated_job_details(owner, employee, world):
    prop, service = world
    with at(D(2027, 1, 1)):
        ps = add(
            owner,
            world,
            assignees=[employee],
            frequency="weekly",
            weekdays="MO,TH",
            starts_on=D(2027, 1, 4),
            price="95.50",
        )
    jobs = jobs_of(ps)
    assert jobs and all(j.occurrence.weekday() in (0, 3) for j in jobs)
    assert jobs[-1].occurrence <= D(2027, 1, 1) + datetime.timedelta(days=60)
    job = jobs[0]
    assert job.title == "Pool clean"
    assert job.client_id == prop.client_id and job.property_id == prop.pk
    assert job.status == JobStatus.PENDING
    assert job.total == Decimal("95.50")
    assert timezone.localtime(job.scheduled_start, NEW_YORK).time() == datetime.time(9, 0)
    line = JobLine.objects.get(job=job)
    assert (line.service_id, line.quantity, line.unit_price, line.taxable) == (
        service.pk,
        Decimal("1.00"),
        Decimal("95.50"),
        False,
    )
    assert list(JobAssignment.objects.filter(job=job).values_list("membership", flat=True)) == [
        employee.pk
    ]
    ps.refresh_from_db()
    assert ps.generated_until == D(2027, 3, 2)
    entry = Activity.objects.get(verb=Verb.JOBS_GENERATED)
    assert entry.data["count"] == len(jobs)


def test_generate_is_idempotent(owner, world):
    with at(D(2027, 1, 1)):
        ps = add(owner, world, starts_on=D(2027, 1, 1))
        count = Job.objects.filter(property_service=ps).count()
        assert count == 61
        assert recurring_jobs_generate(ps) == 0
        # Even when it has forgotten how far it got, no day is made twice.
        PropertyService.objects.filter(pk=ps.pk).update(generated_until=None)
        ps.refresh_from_db()
        assert recurring_jobs_generate(ps) == 0
    assert Job.objects.filter(property_service=ps).count() == count
    with at(D(2027, 1, 11)):
        assert recurring_jobs_generate(ps) == 10  # topped up to the new horizon
    assert Job.objects.filter(property_service=ps).count() == count + 10


def test_generate_queries_do_not_grow_with_jobs(
    owner, employee, world, django_assert_max_num_queries
):
    with at(D(2027, 1, 1)):
        ps = add(owner, world, assignees=[employee], starts_on=D(2027, 1, 1), ends_on=D(2027, 1, 1))
        PropertyService.objects.filter(pk=ps.pk).update(ends_on=None)
        # A fixed number of statements for a batch of jobs (SQLite splits a bulk insert
        # into statements of ~50 rows, so the batch is kept under that here).
        with django_assert_max_num_queries(13):
            assert recurring_jobs_generate(ps, horizon_days=30) == 30


def test_nothing_before_today_or_starts_on(owner, world):
    with at(D(2027, 1, 10)):
        ps = add(owner, world, frequency="daily", starts_on=D(2027, 1, 1))
        assert jobs_of(ps)[0].occurrence == D(2027, 1, 10)
        later = add(owner, world, frequency="daily", starts_on=D(2027, 6, 1))
        assert jobs_of(later) == []


def test_archived_property_generates_nothing(owner, world):
    prop, _ = world
    with at(D(2027, 1, 1)):
        ps = add(owner, world, starts_on=D(2027, 1, 1), ends_on=D(2027, 1, 2))
        PropertyService.objects.filter(pk=ps.pk).update(ends_on=None)
        property_archive(actor=owner, prop=prop)
        ps.refresh_from_db()
        assert recurring_jobs_generate(ps) == 0


def test_regenerate_keeps_past_and_touched_jobs(owner, employee, world):
    with at(D(2027, 1, 1)):
        ps = add(
            owner,
            world,
            assignees=[employee],
            frequency="weekly",
            weekdays="MO",
            starts_on=D(2027, 1, 4),
        )
    before = {j.occurrence: j.pk for j in jobs_of(ps)}
    with at(D(2027, 1, 20)):
        future = [j for j in jobs_of(ps) if j.occurrence >= D(2027, 1, 20)]
        started, noted, edited = future[0], future[1], future[2]
        job_transition(actor=owner, job=started, to_status=JobStatus.ON_THE_WAY)
        job_note_add(actor=owner, job=noted, text="Gate code changed")
        job_update(
            actor=owner, job=edited, data=JobInput(fields={"internal_notes": "Bring the long pole"})
        )
        ps = property_service_update(actor=owner, ps=ps, data={"weekdays": "TU"})
        after = jobs_of(ps)
    by_day = {j.occurrence: j for j in after}
    # The past stays.
    for day in (D(2027, 1, 4), D(2027, 1, 11), D(2027, 1, 18)):
        assert by_day[day].pk == before[day]
    # Touched future Mondays stay; untouched ones went.
    for job in (started, noted, edited):
        assert by_day[job.occurrence].pk == job.pk
    kept = {started.occurrence, noted.occurrence, edited.occurrence}
    mondays = [d for d in by_day if d.weekday() == 0 and d >= D(2027, 1, 20)]
    assert sorted(mondays) == sorted(kept)
    # Tuesdays from today to the horizon are there.
    tuesdays = [d for d in by_day if d.weekday() == 1]
    assert tuesdays[0] == D(2027, 1, 26)
    assert tuesdays[-1] > D(2027, 3, 1)
    assert all(d >= D(2027, 1, 20) for d in tuesdays)


def test_changing_the_time_moves_untouched_future_jobs(owner, world):
    with at(D(2027, 1, 1)):
        ps = add(owner, world, frequency="daily", starts_on=D(2027, 1, 1))
    with at(D(2027, 1, 5)):
        ps = property_service_update(actor=owner, ps=ps, data={"start_time": datetime.time(14, 30)})
        for job in jobs_of(ps):
            hour = timezone.localtime(job.scheduled_start, NEW_YORK).time()
            if job.occurrence < D(2027, 1, 5):
                assert hour == datetime.time(9, 0)
            else:
                assert hour == datetime.time(14, 30)
        # No day missing, none twice.
        days = [j.occurrence for j in jobs_of(ps)]
        assert days == [D(2027, 1, 1) + datetime.timedelta(days=n) for n in range(len(days))]


def test_remove_future_when_service_stops(owner, world):
    with at(D(2027, 1, 1)):
        ps = add(owner, world, frequency="daily", starts_on=D(2027, 1, 1))
    with at(D(2027, 1, 10)):
        keep = [j for j in jobs_of(ps) if j.occurrence == D(2027, 1, 15)][0]
        job_transition(actor=owner, job=keep, to_status=JobStatus.ON_THE_WAY)
        property_service_archive(actor=owner, ps=ps)
        days = [j.occurrence for j in jobs_of(ps)]
    assert days == [D(2027, 1, 1) + datetime.timedelta(days=n) for n in range(9)] + [D(2027, 1, 15)]
    with at(D(2027, 1, 10)):
        assert recurring_jobs_remove_future(ps) == 0
        assert recurring_jobs_generate(ps) == 0  # archived: nothing more


def test_regenerate_needs_the_office(employee, owner, world):
    from django.core.exceptions import PermissionDenied

    with at(D(2027, 1, 1)):
        ps = add(owner, world, starts_on=D(2027, 1, 1))
        with pytest.raises(PermissionDenied):
            recurring_jobs_regenerate(ps, actor=employee)


def test_command_tops_up_every_company(owner, outsider, world):
    from crewdesk.properties.services import property_create, service_create

    with at(D(2027, 1, 1)):
        ps = add(owner, world, starts_on=D(2027, 1, 1))
        client_b = client_create(
            actor=outsider,
            data=ClientInput(fields={"first_name": "Bo"}, phones=[("mobile", "+1 415 555 0100")]),
        )
        prop_b = property_create(actor=outsider, client=client_b, data={"street": "1 Main St"})
        service_b = service_create(actor=outsider, data={"name": "Lawn", "default_price": "40"})
        ps_b = property_service_add(
            actor=outsider,
            prop=prop_b,
            data={"service": service_b.pk, "frequency": "weekly", "starts_on": D(2027, 1, 1)},
        )
    with at(D(2027, 1, 15)):
        out = StringIO()
        call_command("generate_recurring_jobs", stdout=out)
        assert "Generated 16 jobs for 2 repeating services." in out.getvalue()
        out = StringIO()
        call_command("generate_recurring_jobs", stdout=out)
        assert "Generated 0 jobs" in out.getvalue()
    ps.refresh_from_db()
    ps_b.refresh_from_db()
    assert ps.generated_until == ps_b.generated_until == D(2027, 3, 16)
    assert Job.objects.filter(property_service=ps_b, company=outsider.company).count() == 11


def test_due_for_generation_skips_finished_and_archived(owner, world):
    with at(D(2027, 1, 1)):
        ended = add(owner, world, starts_on=D(2027, 1, 1), ends_on=D(2027, 1, 5))
        running = add(owner, world, starts_on=D(2027, 1, 1))
        stopped = add(owner, world, starts_on=D(2027, 1, 1))
        property_service_archive(actor=owner, ps=stopped)
    with at(D(2027, 1, 15)):
        due = set(recurrence.due_for_generation().values_list("pk", flat=True))
    assert running.pk in due
    assert ended.pk not in due and stopped.pk not in due


def test_a_rule_that_ended_is_not_looked_at_again(owner, world):
    with at(D(2027, 1, 1)):
        ps = add(owner, world, starts_on=D(2027, 1, 1), ends_on=D(2027, 1, 3))
    PropertyService.objects.filter(pk=ps.pk).update(generated_until=None)
    ps.refresh_from_db()
    with at(D(2027, 2, 1)):
        assert ps.pk in set(recurrence.due_for_generation().values_list("pk", flat=True))
        assert recurring_jobs_generate(ps) == 0
        assert ps.pk not in set(recurrence.due_for_generation().values_list("pk", flat=True))
