"""The job services: totals from lines, checklists that block finishing, what the crew sees,
bad debt, archiving, moving on the schedule, and the client's history rules."""

import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crewdesk.clients.services import client_delete
from crewdesk.jobs.models import Job, JobStatus
from crewdesk.jobs.selectors import JobFilters, job_get, job_list, job_queryset
from crewdesk.jobs.services import (
    JobInput,
    LineInput,
    TransitionError,
    checklist_item_set_done,
    job_archive,
    job_create,
    job_move,
    job_set_bad_debt,
    job_transition,
    job_update,
)
from tests.factories import make_job, make_property, make_service


@pytest.fixture
def prop(owner, make_client):
    client = make_client(first_name="Ann", last_name="Lee", email="ann@example.com")
    return make_property(owner, client, access_notes="Gate 4321")


def _start(day=datetime.date(2027, 3, 1), hour=9):
    return datetime.datetime.combine(day, datetime.time(hour))


def test_total_is_the_sum_of_rounded_lines(owner, prop):
    job = make_job(
        owner,
        prop,
        lines=[LineInput("Windows", "3", "19.995"), LineInput("Oven", "0.5", "0.01")],
    )
    # 3 × 19.995 is charged at the stored unit price 20.00 (2 places), 0.5 × 0.01 = 0.005 → 0.01
    assert job.total == Decimal("60.01")
    assert isinstance(job.total, Decimal)


def test_a_catalog_line_takes_the_service_name_and_price(owner, prop):
    service = make_service(owner, "Deep clean", "240.00", taxable=False)
    job = make_job(owner, prop, lines=[LineInput(service=service.pk)])
    line = job.lines.get()
    assert (line.description, line.unit_price, line.taxable) == (
        "Deep clean",
        Decimal("240.00"),
        False,
    )
    assert job.total == Decimal("240.00")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (LineInput("", 1, "10"), "description"),
        (LineInput("X", 1, None), "price"),
        (LineInput("X", "-1", "10"), "at least"),
        (LineInput("X", "abc", "10"), "number"),
        (LineInput("X", 1, "NaN"), "number"),
    ],
)
def test_bad_lines_are_refused_with_a_message(owner, prop, line, message):
    with pytest.raises(ValidationError, match=message):
        make_job(owner, prop, lines=[line])
    assert not Job.objects.exists()


def test_the_day_is_the_company_day_and_naive_times_are_company_times(owner, prop):
    # 23:30 in Chicago is already the next day in UTC.
    job = make_job(owner, prop, day=datetime.date(2027, 6, 1), hour=23, scheduled_end=None)
    assert job.scheduled_date == datetime.date(2027, 6, 1)
    local = job.scheduled_start.astimezone(zoneinfo.ZoneInfo("America/Chicago"))
    assert local.hour == 23


def test_a_job_needs_a_property_of_the_company(owner, outsider, prop, make_client):
    with pytest.raises(ValidationError) as error:
        job_create(actor=owner, data=JobInput(fields={"scheduled_start": _start()}))
    assert "property" in error.value.message_dict
    other = make_property(outsider, make_client(actor=outsider, first_name="Zed", email="z@b.com"))
    with pytest.raises(ValidationError) as error:
        job_create(
            actor=owner, data=JobInput(fields={"scheduled_start": _start()}, property=other.pk)
        )
    assert "property" in error.value.message_dict


def test_the_end_must_follow_the_start(owner, prop):
    with pytest.raises(ValidationError) as error:
        job_create(
            actor=owner,
            data=JobInput(
                fields={"scheduled_start": _start(), "scheduled_end": _start(hour=8)},
                property=prop.pk,
            ),
        )
    assert "scheduled_end" in error.value.message_dict


def test_crew_must_be_active_staff_of_the_company(owner, customer, outsider, prop):
    for member in (customer, outsider):
        with pytest.raises(ValidationError) as error:
            make_job(owner, prop, assignees=[member])
        assert "assignees" in error.value.message_dict


def test_only_the_office_creates_and_edits_jobs(owner, employee, customer, prop):
    job = make_job(owner, prop, assignees=[employee])
    for member in (employee, customer):
        with pytest.raises(PermissionDenied):
            make_job(member, prop)
        with pytest.raises(PermissionDenied):
            job_update(actor=member, job=job, data=JobInput(fields={"title": "Mine"}))


def test_employee_sees_only_the_jobs_assigned_to_them(owner, office, employee, prop):
    mine = make_job(owner, prop, assignees=[employee])
    other = make_job(owner, prop, assignees=[office])
    nobody = make_job(owner, prop)
    assert list(job_queryset(viewer=employee)) == [mine]
    assert set(job_queryset(viewer=office)) == {mine, other, nobody}
    with pytest.raises(Job.DoesNotExist):
        job_get(viewer=employee, job_id=other.pk)
    assert list(job_list(viewer=employee, filters=JobFilters(status="open"))) == [mine]


def test_a_customer_and_an_outsider_see_no_jobs(owner, customer, outsider, prop):
    make_job(owner, prop)
    with pytest.raises(PermissionDenied):
        job_queryset(viewer=customer)
    assert not job_queryset(viewer=outsider).exists()


@pytest.mark.parametrize("blocks", [True, False])
def test_required_items_block_finishing_when_the_template_says_so(owner, employee, prop, blocks):
    job = make_job(
        owner,
        prop,
        assignees=[employee],
        checklist=[("Mop floors", True), ("Water plants", False)],
        blocks_finish=blocks,
    )
    job_transition(actor=employee, job=job, to_status=JobStatus.STARTED)
    required = job.checklist.get(required=True)
    if blocks:
        with pytest.raises(TransitionError, match="Mop floors"):
            job_transition(actor=employee, job=job, to_status=JobStatus.FINISHED)
        item = checklist_item_set_done(actor=employee, item=required, done=True)
        assert item.done_by == employee.user and item.done_at is not None
    # The optional item never blocks.
    assert (
        job_transition(actor=employee, job=job, to_status=JobStatus.FINISHED).status
        == JobStatus.FINISHED
    )


def test_the_checklist_closes_with_the_job(owner, employee, prop):
    job = make_job(owner, prop, assignees=[employee], checklist=[("Mop", False)])
    job_transition(actor=owner, job=job, to_status=JobStatus.CANCELLED)
    with pytest.raises(ValidationError, match="closed"):
        checklist_item_set_done(actor=employee, item=job.checklist.get(), done=True)


def test_bad_debt_only_for_finished_jobs_and_only_by_the_office(owner, office, employee, prop):
    job = make_job(owner, prop, assignees=[employee])
    with pytest.raises(TransitionError):
        job_set_bad_debt(actor=office, job=job, bad_debt=True)
    for status in (JobStatus.STARTED, JobStatus.FINISHED):
        job = job_transition(actor=office, job=job, to_status=status)
    with pytest.raises(PermissionDenied):
        job_set_bad_debt(actor=employee, job=job, bad_debt=True)
    job = job_set_bad_debt(actor=office, job=job, bad_debt=True)
    assert job.bad_debt and job.bad_debt_at
    # A bad-debt job is frozen until the mark is taken off.
    with pytest.raises(TransitionError):
        job_transition(actor=owner, job=job, to_status=JobStatus.STARTED)
    with pytest.raises(ValidationError):
        job_update(actor=owner, job=job, data=JobInput(fields={"title": "Changed"}))
    assert not job_set_bad_debt(actor=owner, job=job, bad_debt=False).bad_debt


def test_jobs_are_archived_not_deleted_and_not_while_under_way(owner, employee, prop):
    job = make_job(owner, prop, assignees=[employee])
    job_transition(actor=employee, job=job, to_status=JobStatus.STARTED)
    with pytest.raises(ValidationError):
        job_archive(actor=owner, job=job)
    job_transition(actor=owner, job=job, to_status=JobStatus.CANCELLED)
    job = job_archive(actor=owner, job=job)
    assert Job.objects.filter(pk=job.pk, archived_at__isnull=False).exists()
    assert job not in job_list(viewer=owner, filters=JobFilters())
    assert job in job_list(viewer=owner, filters=JobFilters(archived=True))


def test_moving_a_job_keeps_its_wall_clock_time_across_dst(owner, office, prop):
    # Chicago moves its clocks on 14 March 2027; 9:00 stays 9:00.
    job = make_job(owner, prop, day=datetime.date(2027, 3, 12), hour=9)
    job = job_move(actor=owner, job=job, day=datetime.date(2027, 3, 15), assignee=office.pk)
    local = job.scheduled_start.astimezone(zoneinfo.ZoneInfo("America/Chicago"))
    assert (local.date(), local.hour) == (datetime.date(2027, 3, 15), 9)
    assert job.scheduled_end - job.scheduled_start == datetime.timedelta(hours=2)
    assert [a.membership_id for a in job.assignments.all()] == [office.pk]
    job = job_move(actor=owner, job=job, assignee=None)
    assert not job.assignments.exists()


def test_a_finished_job_stays_where_it_was_done(owner, prop):
    job = make_job(owner, prop)
    for status in (JobStatus.STARTED, JobStatus.FINISHED):
        job = job_transition(actor=owner, job=job, to_status=status)
    with pytest.raises(ValidationError):
        job_move(actor=owner, job=job, day=datetime.date(2027, 1, 1))


def test_a_client_with_properties_or_jobs_is_archived_not_deleted(owner, prop):
    with pytest.raises(ValidationError, match="properties"):
        client_delete(actor=owner, client=prop.client)


def test_extra_clients_with_roles(owner, prop, make_client):
    billing = make_client(company_name="Harbor HOA", kind="company", email="hoa@example.com")
    job = job_create(
        actor=owner,
        data=JobInput(
            fields={"scheduled_start": _start()},
            property=prop.pk,
            extra_clients=[(billing.pk, "billing"), (prop.client_id, "secondary")],
        ),
    )
    # The job's own client is not listed again as an extra one.
    assert [(e.client_id, e.role) for e in job.extra_clients.all()] == [(billing.pk, "billing")]
    with pytest.raises(ValidationError):
        job_update(actor=owner, job=job, data=JobInput(extra_clients=[(billing.pk, "boss")]))


def test_a_clients_jobs_include_those_naming_them_in_few_queries(
    owner, employee, prop, make_client, django_assert_num_queries
):
    hoa = make_client(company_name="Harbor HOA", kind="company", email="hoa@example.com")
    theirs = make_job(owner, make_property(owner, hoa), title="Their own")
    billed = make_job(owner, prop, title="Billed to them", assignees=[employee])
    job_update(actor=owner, job=billed, data=JobInput(extra_clients=[(hoa.pk, "billing")]))
    make_job(owner, prop, title="Not theirs")
    # The ids of the jobs naming them (an index range), then the jobs.
    with django_assert_num_queries(2):
        found = set(job_list(viewer=owner, filters=JobFilters(client=hoa.pk)))
    assert found == {theirs, billed}
    # The search reads the matching clients from the word index (active ones, then archived
    # ones), then as above.
    with django_assert_num_queries(4):
        found = set(job_list(viewer=owner, filters=JobFilters(search="Harbor HOA")))
    assert found == {theirs, billed}
    # The crew's search (their own few jobs) finds the job by its extra client too.
    assert list(job_list(viewer=employee, filters=JobFilters(search="HOA"))) == [billed]
    assert list(job_list(viewer=employee, filters=JobFilters(client=hoa.pk))) == [billed]


def test_merging_clients_moves_their_properties_and_jobs_to_the_survivor(owner, make_client):
    from crewdesk.clients.merging import client_merge

    keep = make_client(first_name="Ann", last_name="Lee", email="ann@example.com")
    gone = make_client(first_name="Ann", last_name="Lee", email="ann.lee@example.com")
    third = make_client(company_name="HOA", kind="company", email="hoa@example.com")
    gone_prop = make_property(owner, gone)
    job = make_job(owner, gone_prop)
    # Each job names the other clients too: after the merge each still names them once.
    job_update(
        actor=owner,
        job=job,
        data=JobInput(extra_clients=[(keep.pk, "billing"), (third.pk, "technical")]),
    )
    other = make_job(owner, make_property(owner, third))
    job_update(
        actor=owner,
        job=other,
        data=JobInput(extra_clients=[(keep.pk, "billing"), (gone.pk, "secondary")]),
    )

    client_merge(actor=owner, survivor=keep, others=[gone], choices={})

    gone_prop.refresh_from_db()
    job.refresh_from_db()
    assert gone_prop.client == keep and job.client == keep
    assert [(e.client_id, e.role) for e in job.extra_clients.all()] == [(third.pk, "technical")]
    assert [e.client_id for e in other.extra_clients.all()] == [keep.pk]


def test_the_crews_copy_of_the_day_follows_the_job(owner, employee, prop):
    """JobAssignment keeps the job's day for the crew's index: moved, edited or new crew."""
    from crewdesk.jobs.models import JobAssignment

    job = make_job(owner, prop, day=datetime.date(2027, 3, 1), assignees=[employee])
    job_move(actor=owner, job=job, day=datetime.date(2027, 3, 4))
    start = datetime.datetime(2027, 3, 9, 10)
    job_update(
        actor=owner,
        job=job,
        data=JobInput(fields={"scheduled_start": start, "scheduled_end": None}),
    )
    job_move(actor=owner, job=job, assignee=owner.pk)
    days = set(JobAssignment.objects.filter(job=job).values_list("scheduled_date", flat=True))
    assert days == {datetime.date(2027, 3, 9)}


# --- a job with a new client and property (the office's job form) ----------------------------


def _new_parts(**job_fields):
    from crewdesk.clients.services import ClientInput
    from crewdesk.jobs.services import JobWithParts

    return JobWithParts(
        job=JobInput(fields={"scheduled_start": _start(), **job_fields}),
        new_client=ClientInput(
            fields={"first_name": "Nia", "last_name": "Park", "email": "nia@example.com"}
        ),
        new_property={"street": "4 Pine Road", "city": "Springfield"},
    )


def test_a_job_with_a_new_client_and_property_creates_all_three(owner):
    from crewdesk.jobs.services import job_save_with_parts

    job = job_save_with_parts(actor=owner, job=None, data=_new_parts(title="First visit"))
    assert (str(job.client), job.property.street, job.title) == (
        "Nia Park",
        "4 Pine Road",
        "First visit",
    )


def test_a_refused_job_leaves_no_new_client_or_property(owner):
    from crewdesk.clients.models import Client
    from crewdesk.jobs.services import job_save_with_parts
    from crewdesk.properties.models import Property

    bad = _new_parts(scheduled_end=_start(hour=8))  # ends before it starts
    with pytest.raises(ValidationError) as refused:
        job_save_with_parts(actor=owner, job=None, data=bad)
    assert "scheduled_end" in refused.value.error_dict
    assert not Client.objects.filter(company=owner.company).exists()
    assert not Property.objects.filter(company=owner.company).exists()


def test_a_job_with_parts_is_the_offices(employee):
    from crewdesk.jobs.services import job_save_with_parts

    with pytest.raises(PermissionDenied):
        job_save_with_parts(actor=employee, job=None, data=_new_parts())
