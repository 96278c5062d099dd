"""Every pair of statuses, for the crew and the office: allowed moves happen and are recorded
with who and when; forbidden ones are refused with a message and change nothing."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied

from crewdesk.core.roles import Role
from crewdesk.jobs.models import Job, JobStatus, JobStatusChange
from crewdesk.jobs.services import TransitionError, job_transition
from crewdesk.jobs.transitions import OFFICE_ONLY, TRANSITIONS, is_allowed, next_statuses
from tests.factories import make_job, make_property

PAIRS = list(itertools.product(JobStatus.values, JobStatus.values))


@pytest.fixture
def job_at(owner, employee, make_client):
    client = make_client(first_name="Ann", last_name="Lee", email="ann@example.com")
    prop = make_property(owner, client)

    def job_in(status: str) -> Job:
        job = make_job(owner, prop, assignees=[employee])
        Job.objects.filter(pk=job.pk).update(status=status)  # set up directly: the move is the test
        job.refresh_from_db()
        return job

    return job_in


def test_the_table_names_only_real_statuses():
    assert set(TRANSITIONS) == set(JobStatus.values)
    for targets in TRANSITIONS.values():
        assert targets <= set(JobStatus.values)
    assert all(to in TRANSITIONS[frm] for frm, to in OFFICE_ONLY)


@pytest.mark.parametrize(("from_status", "to_status"), PAIRS)
def test_every_pair_for_the_office(job_at, office, from_status, to_status):
    job = job_at(from_status)
    if is_allowed(from_status, to_status, Role.OFFICE):
        moved = job_transition(actor=office, job=job, to_status=to_status)
        assert moved.status == to_status
        change = JobStatusChange.objects.get(job=job)
        assert (change.from_status, change.to_status) == (from_status, to_status)
        assert change.changed_by == office.user and change.changed_at is not None
    else:
        with pytest.raises(TransitionError):
            job_transition(actor=office, job=job, to_status=to_status)
        job.refresh_from_db()
        assert job.status == from_status
        assert not JobStatusChange.objects.filter(job=job).exists()


@pytest.mark.parametrize(("from_status", "to_status"), PAIRS)
def test_every_pair_for_the_crew(job_at, employee, from_status, to_status):
    job = job_at(from_status)
    if is_allowed(from_status, to_status, Role.EMPLOYEE):
        assert job_transition(actor=employee, job=job, to_status=to_status).status == to_status
    else:
        # Reopening and restoring are the office's; the rest the rules forbid for everyone.
        expected = PermissionDenied if (from_status, to_status) in OFFICE_ONLY else TransitionError
        with pytest.raises(expected):
            job_transition(actor=employee, job=job, to_status=to_status)
        job.refresh_from_db()
        assert job.status == from_status


def test_the_refusal_says_what_and_why(job_at, office):
    job = job_at(JobStatus.PENDING)
    with pytest.raises(TransitionError, match="pending cannot become finished"):
        job_transition(actor=office, job=job, to_status=JobStatus.FINISHED)
    with pytest.raises(TransitionError, match="already pending"):
        job_transition(actor=office, job=job, to_status=JobStatus.PENDING)


def test_next_statuses_follow_the_lifecycle_order():
    assert next_statuses(JobStatus.PENDING, Role.EMPLOYEE) == [
        JobStatus.ON_THE_WAY,
        JobStatus.STARTED,
    ]
    assert next_statuses(JobStatus.FINISHED, Role.EMPLOYEE) == []
    assert next_statuses(JobStatus.FINISHED, Role.OWNER) == [JobStatus.STARTED]


@pytest.mark.parametrize("status", [JobStatus.PENDING, JobStatus.ON_THE_WAY, JobStatus.STARTED])
def test_only_the_office_cancels_a_job(job_at, employee, office, status):
    # The crew could cancel what only the office can restore: cancelling is the office's.
    assert JobStatus.CANCELLED not in next_statuses(status, Role.EMPLOYEE)
    assert JobStatus.CANCELLED in next_statuses(status, Role.OFFICE)
    job = job_at(status)
    with pytest.raises(PermissionDenied, match="Only the office"):
        job_transition(actor=employee, job=job, to_status=JobStatus.CANCELLED)
    job.refresh_from_db()
    assert job.status == status
    assert (
        job_transition(actor=office, job=job, to_status=JobStatus.CANCELLED).status
        == JobStatus.CANCELLED
    )


def test_an_employee_cannot_move_a_job_not_assigned_to_them(owner, employee, make_client):
    client = make_client(first_name="Bo", last_name="Ray", email="bo@example.com")
    job = make_job(owner, make_property(owner, client))  # nobody assigned
    with pytest.raises(PermissionDenied):
        job_transition(actor=employee, job=job, to_status=JobStatus.ON_THE_WAY)


def test_a_customer_and_an_outsider_cannot_move_jobs(owner, customer, outsider, make_client):
    client = make_client(first_name="Cy", last_name="Fox", email="cy@example.com")
    job = make_job(owner, make_property(owner, client))
    for member in (customer, outsider):
        with pytest.raises(PermissionDenied):
            job_transition(actor=member, job=job, to_status=JobStatus.ON_THE_WAY)
