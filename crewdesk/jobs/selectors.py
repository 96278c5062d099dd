"""Reads about jobs that pages and the API share.

Who sees which jobs is decided here, once: the office sees every job of its company, an
employee only the jobs they are assigned to. Pages and the API start from `job_queryset`."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from crewdesk.accounts.models import Membership
from crewdesk.core.permissions import Action, can, require, scope
from crewdesk.jobs.filters import OPEN, JobFilters
from crewdesk.jobs.models import (
    ChecklistTemplate,
    Job,
    JobAssignment,
    JobAttachment,
    JobChecklistItem,
    JobClient,
    JobStatus,
)


def sees_all_jobs(*, viewer: Membership) -> bool:
    return can(viewer, Action.VIEW_RECORDS)


def sees_office_details(*, viewer: Membership | None) -> bool:
    """A job's prices and internal notes are the office's: the crew's pages and an employee's
    API token show the job without them."""
    return can(viewer, Action.VIEW_RECORDS)


def job_queryset(*, viewer: Membership) -> QuerySet[Job]:
    """The jobs this member may see: all of the company's for the office, their own for crew."""
    require(viewer, Action.VIEW_JOBS)
    jobs = scope(Job.objects.all(), viewer)
    if not sees_all_jobs(viewer=viewer):
        jobs = jobs.filter(
            Exists(JobAssignment.objects.filter(job=OuterRef("pk"), membership=viewer))
        )
    return jobs


def _assignments() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=JobAssignment.objects.select_related("membership__user").order_by("id"),
    )


def with_list_data(*, jobs: QuerySet[Job]) -> QuerySet[Job]:
    """What a row of a job list shows, in a fixed number of queries for any page size."""
    return jobs.select_related("client", "property").prefetch_related(_assignments())


def job_get(*, viewer: Membership, job_id) -> Job:
    """Raises Job.DoesNotExist for an id the member may not see (another company's, or for an
    employee a job not assigned to them)."""
    try:
        job_id = int(job_id)
    except (TypeError, ValueError) as error:
        raise Job.DoesNotExist from error
    return with_list_data(jobs=job_queryset(viewer=viewer)).get(pk=job_id)


def is_assigned(*, job: Job, viewer: Membership) -> bool:
    return any(a.membership_id == viewer.pk for a in job.assignments.all())


def require_job_access(*, viewer: Membership, job: Job) -> None:
    """Crew may work only the jobs assigned to them; the office any of its company's."""
    require(viewer, Action.WORK_JOBS, job)
    if not sees_all_jobs(viewer=viewer) and not is_assigned(job=job, viewer=viewer):
        raise PermissionDenied


SEARCH_CLIENTS = 500
OPEN_STATUSES = (JobStatus.PENDING, JobStatus.ON_THE_WAY, JobStatus.STARTED)


def job_list(*, viewer: Membership, filters: JobFilters) -> QuerySet[Job]:
    """The jobs list of the page and the API: the jobs this member may see, filtered and
    ordered (see `_list_order`)."""
    jobs = job_queryset(viewer=viewer)
    jobs = jobs.filter(archived_at__isnull=not filters.archived)
    if filters.status == OPEN:
        jobs = jobs.filter(status__in=OPEN_STATUSES)
    elif filters.status in JobStatus.values:
        jobs = jobs.filter(status=filters.status)
    if filters.date_from:
        jobs = jobs.filter(scheduled_date__gte=filters.date_from)
    if filters.date_to:
        jobs = jobs.filter(scheduled_date__lte=filters.date_to)
    if filters.employee == 0:
        jobs = jobs.filter(~Exists(JobAssignment.objects.filter(job=OuterRef("pk"))))
    elif filters.employee:
        # From the assignments' (member, day) index: one member's jobs, in the dates asked.
        theirs = JobAssignment.objects.filter(membership_id=filters.employee)
        if filters.date_from:
            theirs = theirs.filter(scheduled_date__gte=filters.date_from)
        if filters.date_to:
            theirs = theirs.filter(scheduled_date__lte=filters.date_to)
        jobs = jobs.filter(pk__in=theirs.values("job_id"))
    if filters.client:
        jobs = _of_clients(jobs, [filters.client])
    if filters.property:
        jobs = jobs.filter(property_id=filters.property)
    if filters.search:
        jobs = _search(viewer, jobs, filters.search)
    return jobs.order_by(*_list_order(filters))


def _list_order(filters: JobFilters) -> list:
    """Open jobs oldest first: those whose day has passed (overdue) on top, then what comes
    next (the job_open_by_start index). Any other list newest first (the job_recent index).
    A search's few jobs are sorted by an expression no index holds (see `search_order`)."""
    soonest_first = filters.status == OPEN
    if filters.search:
        return search_order(newest_first=not soonest_first)
    if soonest_first:
        return ["scheduled_start", "id"]
    return ["-scheduled_start", "-id"]


def _search(viewer: Membership, jobs: QuerySet[Job], text: str) -> QuerySet[Job]:
    """A job is found by its number ("#123"), or by its client: the clients search itself
    (names, email, phone, and the name, street and city of the client's properties), read
    from its word index, then the client's jobs by the job_by_client and job_client_by_client
    indexes. Nothing here scans every job of a company."""
    text = text.strip()
    number = text.lstrip("#")
    if number.isdigit() and len(number) < 10:
        # A job number; digits that are no job's number may be a phone number (below).
        by_number = jobs.filter(pk=int(number))
        if text.startswith("#") or by_number.exists():
            return by_number
    if not can(viewer, Action.VIEW_RECORDS):
        # The crew's own few jobs: plain matching is cheap there. The client is the job's own
        # or one of its extra clients (the same lookups on both).
        by_client = Q(client__last_name__icontains=text) | Q(client__company_name__icontains=text)
        named = JobClient.objects.filter(by_client, job=OuterRef("pk"))
        return jobs.filter(
            Q(title__icontains=text)
            | Q(property__street__icontains=text)
            | by_client
            | Exists(named)
        )
    from crewdesk.clients.selectors import client_ids_matching

    # The matching clients first, as a list from the word index: inside the jobs query as a
    # subquery PostgreSQL walks the jobs by date and tests each one's client (seconds at a
    # million clients); a list lets it read just these clients' jobs by the job_by_client
    # index. A search that broad (a street name shared by thousands) shows the jobs of the
    # first SEARCH_CLIENTS. A job naming one of them as an extra client is theirs too.
    ids = client_ids_matching(viewer=viewer, text=text, limit=SEARCH_CLIENTS)
    return _of_clients(jobs, ids)


def _of_clients(jobs: QuerySet[Job], client_ids: list[int]) -> QuerySet[Job]:
    """The jobs of these clients, whether a job is theirs or names them as an extra client
    (billing, technical...). The jobs naming them come first as a list of ids (one range of
    the job_client_by_client index), so PostgreSQL reads both kinds by index (a BitmapOr of
    job_by_client and the primary key). A subquery there instead — "client is X, or the job
    is one naming X" — makes it read every job of the company once the clients are many."""
    named = list(
        JobClient.objects.filter(client_id__in=client_ids).values_list("job_id", flat=True)
    )
    # Another company's client names another company's jobs, which `jobs` leaves out anyway.
    condition = Q(client_id__in=client_ids)
    if named:
        condition |= Q(pk__in=named)
    return jobs.filter(condition)


def search_order(*, newest_first: bool) -> list:
    """The order of a searched list. A search's jobs are few (those of the matching clients,
    read by the job_by_client index), but ordered by a column an index holds, PostgreSQL
    walks that index through every job of the company looking for theirs (200 ms and more
    at a million clients). Ordered by an expression no index holds, it sorts the few."""
    from django.db.models.functions import Coalesce

    when = Coalesce("scheduled_start", "scheduled_start")
    if newest_first:
        return [when.desc(), "-id"]
    return [when.asc(), "id"]


def jobs_between(*, viewer: Membership, first: datetime.date, last: datetime.date) -> QuerySet[Job]:
    """Jobs of a period: not archived, not cancelled, in date and time order."""
    return with_list_data(
        jobs=job_queryset(viewer=viewer)
        .filter(scheduled_date__gte=first, scheduled_date__lte=last, archived_at__isnull=True)
        .exclude(status=JobStatus.CANCELLED)
        .order_by("scheduled_start", "id")
    )


def schedule_jobs(
    *,
    viewer: Membership,
    first: datetime.date,
    last: datetime.date,
    members: list[Membership],
    unassigned_per_day: int,
) -> tuple[list[Job], dict[datetime.date, int]]:
    """A page of the schedule: the jobs of `members` in the period, and the first
    `unassigned_per_day` unassigned jobs of each day; with how many unassigned jobs each day
    has in all. A big company's week stays a few hundred rows to read and draw."""
    period = (
        job_queryset(viewer=viewer)
        .filter(scheduled_date__gte=first, scheduled_date__lte=last, archived_at__isnull=True)
        .exclude(status=JobStatus.CANCELLED)
    )
    # The people's jobs from the assignments' (member, day) index...
    theirs = JobAssignment.objects.filter(
        membership__in=members, scheduled_date__gte=first, scheduled_date__lte=last
    ).values("job_id")
    ids = list(period.filter(pk__in=theirs).values_list("pk", flat=True))
    # ...and the jobs nobody is assigned to: light rows (id, day) first, then only those shown.
    unassigned = period.filter(~Exists(JobAssignment.objects.filter(job=OuterRef("pk"))))
    per_day: dict[datetime.date, int] = {}
    for pk, day in unassigned.order_by("scheduled_start", "id").values_list("pk", "scheduled_date"):
        per_day[day] = per_day.get(day, 0) + 1
        if per_day[day] <= unassigned_per_day:
            ids.append(pk)
    jobs = with_list_data(jobs=Job.objects.filter(pk__in=ids).order_by("scheduled_start", "id"))
    return list(jobs), per_day


def crew_jobs(*, viewer: Membership, today: datetime.date, days_ahead: int = 14):
    """The crew view: this member's own jobs, today's open and done ones, then upcoming."""
    require(viewer, Action.VIEW_JOBS)
    last = today + datetime.timedelta(days=days_ahead)
    # One range of the assignments' (member, day) index, however many jobs they ever did.
    assigned = JobAssignment.objects.filter(
        membership=viewer, scheduled_date__gte=today, scheduled_date__lte=last
    ).values("job_id")
    mine = with_list_data(
        jobs=scope(Job.objects.all(), viewer)
        .filter(pk__in=assigned, archived_at__isnull=True)
        .exclude(status=JobStatus.CANCELLED)
        .order_by("scheduled_start", "id")
    )
    return mine


def job_checklist(*, job: Job) -> QuerySet[JobChecklistItem]:
    return job.checklist.select_related("done_by").order_by("position", "id")


def job_attachments(*, viewer: Membership, job: Job) -> QuerySet[JobAttachment]:
    """The job's photos and documents (not archived), oldest first: those the viewer may see
    (a customer only those shown in the portal)."""
    return scope(job.attachments.filter(archived_at__isnull=True), viewer).order_by(
        "uploaded_at", "id"
    )


def checklist_templates(*, viewer: Membership, include_archived: bool = False):
    require(viewer, Action.VIEW_JOBS)
    templates = scope(ChecklistTemplate.objects.all(), viewer).prefetch_related("items")
    if not include_archived:
        templates = templates.filter(archived_at__isnull=True)
    return templates.order_by("name", "id")


def attachment_get(*, viewer: Membership, attachment_id) -> JobAttachment:
    """An attachment of a job this member may see; DoesNotExist otherwise."""
    try:
        attachment_id = int(attachment_id)
    except (TypeError, ValueError) as error:
        raise JobAttachment.DoesNotExist from error
    visible = job_queryset(viewer=viewer).values("pk")
    return (
        scope(JobAttachment.objects.all(), viewer)
        .filter(job_id__in=visible)
        .select_related("job")
        .get(pk=attachment_id)
    )


def day_summary(*, viewer: Membership, first: datetime.date, days: int = 7) -> list[dict]:
    """Jobs per day and status for `days` days from `first`, plus each day's unassigned
    ones: the home page's week at a glance. Two grouped queries whatever the number of jobs."""
    from django.db.models import Count

    last = first + datetime.timedelta(days=days - 1)
    jobs = job_queryset(viewer=viewer).filter(
        scheduled_date__gte=first, scheduled_date__lte=last, archived_at__isnull=True
    )
    by_day = {first + datetime.timedelta(days=i): {"total": 0} for i in range(days)}
    for row in jobs.values("scheduled_date", "status").annotate(n=Count("id")).order_by():
        counts = by_day[row["scheduled_date"]]
        counts[row["status"]] = row["n"]
        if row["status"] != JobStatus.CANCELLED:
            counts["total"] += row["n"]
    unassigned = (
        jobs.exclude(status=JobStatus.CANCELLED)
        .filter(~Exists(JobAssignment.objects.filter(job=OuterRef("pk"))))
        .values("scheduled_date")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in unassigned:
        by_day[row["scheduled_date"]]["unassigned"] = row["n"]
    return [{"day": day, **counts} for day, counts in by_day.items()]
