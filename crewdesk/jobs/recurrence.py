"""Recurring jobs from a property service's rule.

A PropertyService keeps its rule as simple fields (every `interval` days/weeks/months, on
`weekdays`, from `starts_on` until `ends_on`, at `start_time`); properties/recurrence.py
reads them as an RRULE (python-dateutil) and in words. Jobs are generated ahead of time — up
to GENERATE_AHEAD_DAYS from today — when the service is added, when its rule changes, and
daily by the `generate_recurring_jobs` command, which tops every rule up. `generated_until`
remembers how far a rule got, so each run only makes the days it has not made yet; the unique
(property_service, occurrence) constraint of Job makes a day's job exist at most once.

Times are wall-clock times in the company's time zone: a 9:00 job stays at 9:00 local on both
sides of a daylight-saving change."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from crewdesk.accounts.models import Membership
from crewdesk.accounts.selectors import crew_only
from crewdesk.core.dates import company_today, company_zone
from crewdesk.core.money import line_total
from crewdesk.core.permissions import Action, require
from crewdesk.jobs import events
from crewdesk.jobs.models import (
    Job,
    JobAssignment,
    JobAttachment,
    JobChecklistItem,
    JobLine,
    JobNote,
    JobStatus,
    JobStatusChange,
)
from crewdesk.properties.models import PropertyService
from crewdesk.properties.recurrence import rule_for
from crewdesk.properties.selectors import service_price_at

GENERATE_AHEAD_DAYS = 60
DEFAULT_START_TIME = datetime.time(9, 0)


def occurrences(ps: PropertyService, first: datetime.date, last: datetime.date) -> list:
    """The rule's days from `first` through `last` (both included)."""
    rule = rule_for(ps)
    if rule is None or first > last:
        return []
    found = rule.between(
        datetime.datetime.combine(first, datetime.time()),
        datetime.datetime.combine(last, datetime.time()),
        inc=True,
    )
    return [moment.date() for moment in found]


# --- generating ------------------------------------------------------------------------------


def _generates(ps: PropertyService) -> bool:
    prop = ps.property
    client = prop.client
    return bool(
        ps.is_recurring
        and ps.archived_at is None
        and ps.starts_on is not None
        and prop.archived_at is None
        and client.archived_at is None
        and client.merged_into_id is None
    )


def _crew(ps: PropertyService) -> list[int]:
    return list(crew_only(members=ps.assignees.all()).order_by("pk").values_list("pk", flat=True))


def _check_actor(actor: Membership | None, ps: PropertyService) -> None:
    if actor is not None:
        require(actor, Action.EDIT_RECORDS, ps)


def _locked(ps: PropertyService) -> PropertyService:
    """The service read again under a row lock: two runs (the daily command and an edit)
    never generate the same days at once."""
    locked = (
        PropertyService.objects.select_for_update(of=("self",))
        .select_related("company", "service", "property__client")
        .get(pk=ps.pk)
    )
    ps.generated_until = locked.generated_until
    return locked


@transaction.atomic
def recurring_jobs_generate(ps, *, actor=None, horizon_days=GENERATE_AHEAD_DAYS) -> int:
    """Make the pending jobs of the rule's days still to come, through today + horizon.
    Idempotent: days already made are skipped. Returns how many jobs were made."""
    _check_actor(actor, ps)
    current = _locked(ps)
    if not _generates(current):
        return 0
    zone = company_zone(current.company)
    today = company_today(current.company)
    first = max(current.starts_on, today)
    if current.generated_until:
        first = max(first, current.generated_until + datetime.timedelta(days=1))
    last = today + datetime.timedelta(days=horizon_days)
    if current.ends_on:
        last = min(last, current.ends_on)
    if current.generated_until is None or current.generated_until < last:
        # Every day through `last` is now either made below or before today / the start:
        # the daily run will not look at this rule again until the horizon moves on.
        PropertyService.objects.filter(pk=current.pk).update(generated_until=last)
        ps.generated_until = last
    if first > last:
        return 0
    days = occurrences(current, first, last)
    made = set(
        Job.objects.filter(property_service=current, occurrence__in=days).values_list(
            "occurrence", flat=True
        )
    )
    days = [day for day in days if day not in made]
    created: list[Job] = []
    if days:
        created = _jobs_create(current, days, zone, actor)
    if created:
        created[0].company = current.company
        events.job_event(
            actor=actor,
            job=created[0],
            verb=events.Verb.JOBS_GENERATED,
            count=len(created),
            first=created[0].occurrence.isoformat(),
            last=created[-1].occurrence.isoformat(),
            property_service_id=current.pk,
        )
    return len(created)


def _jobs_create(ps: PropertyService, days: list, zone, actor: Membership | None) -> list[Job]:
    service = ps.service
    start_time = ps.start_time or DEFAULT_START_TIME
    length = datetime.timedelta(minutes=service.duration_minutes or 60)
    price = service_price_at(prop=ps.property, service=service, agreement=ps).quantize(
        Decimal("0.01")
    )
    total = line_total(Decimal("1"), price)
    user = actor.user if actor is not None else None
    jobs = []
    for day in days:
        # A wall-clock time in the company's zone: 9:00 stays 9:00 across DST.
        start = datetime.datetime.combine(day, start_time, tzinfo=zone)
        jobs.append(
            Job(
                company_id=ps.company_id,
                client_id=ps.property.client_id,
                property_id=ps.property_id,
                title=service.name[:200],
                scheduled_start=start,
                scheduled_end=start + length,
                scheduled_date=day,
                status=JobStatus.PENDING,
                total=total,
                property_service=ps,
                occurrence=day,
                created_by=user,
            )
        )
    jobs = bulk_create_with_history(jobs, Job, batch_size=500, default_user=user)
    JobLine.objects.bulk_create(
        (
            JobLine(
                company_id=ps.company_id,
                job=job,
                service=service,
                description=service.name[:300],
                quantity=Decimal("1.00"),
                unit_price=price,
                taxable=service.taxable,
                position=0,
            )
            for job in jobs
        ),
        batch_size=500,
    )
    crew = _crew(ps)
    JobAssignment.objects.bulk_create(
        (
            JobAssignment(
                company_id=ps.company_id,
                job=job,
                membership_id=member,
                scheduled_date=job.scheduled_date,
            )
            for job in jobs
            for member in crew
        ),
        batch_size=500,
    )
    return jobs


# --- changing and stopping -------------------------------------------------------------------


def untouched_future_jobs(ps: PropertyService, today: datetime.date):
    """Generated jobs from today on that nobody has worked on or edited: still pending, no
    status change, no photo, no note, no ticked item, not edited (an edit leaves a "~" row in
    the job's history), not archived or marked bad debt."""
    job = OuterRef("pk")
    history = Job.history.model
    return (
        Job.objects.filter(
            property_service=ps,
            occurrence__gte=today,
            status=JobStatus.PENDING,
            archived_at__isnull=True,
            bad_debt=False,
        )
        .exclude(Exists(JobStatusChange.objects.filter(job=job)))
        .exclude(Exists(JobAttachment.objects.filter(job=job)))
        .exclude(Exists(JobNote.objects.filter(job=job)))
        .exclude(Exists(JobChecklistItem.objects.filter(job=job, done_at__isnull=False)))
        .exclude(Exists(history.objects.filter(id=job, history_type="~")))
    )


def _remove_future(ps: PropertyService, today: datetime.date) -> int:
    """Deleting these jobs is fine: they were made by the system ahead of time and carry no
    history yet — nobody moved, worked, photographed, noted or edited them — so they are a
    projection of the rule rather than records. Everything else is kept as it is."""
    ids = list(untouched_future_jobs(ps, today).values_list("pk", flat=True))
    if ids:
        Job.objects.filter(pk__in=ids).delete()
    yesterday = today - datetime.timedelta(days=1)
    if ps.generated_until is None or ps.generated_until > yesterday:
        PropertyService.objects.filter(pk=ps.pk).update(generated_until=yesterday)
        ps.generated_until = yesterday
    return len(ids)


@transaction.atomic
def recurring_jobs_regenerate(ps, *, actor=None) -> int:
    """The rule changed: the future jobs follow it, the past does not.

    The untouched future jobs (see `_remove_future` for why deleting them is fine) are
    removed and made again from today with the new rule. Past jobs, and future ones that
    someone started, moved, edited, photographed or noted, stay as they are — a day whose
    job was kept is not made twice. Returns how many jobs were made."""
    _check_actor(actor, ps)
    current = _locked(ps)
    _remove_future(current, company_today(current.company))
    ps.generated_until = current.generated_until
    return recurring_jobs_generate(ps, actor=actor)


@transaction.atomic
def recurring_jobs_remove_future(ps, *, actor=None) -> int:
    """The service stopped: its untouched future jobs go (they carry no history; see
    `_remove_future`), the rest stay. Returns how many were removed."""
    _check_actor(actor, ps)
    current = _locked(ps)
    removed = _remove_future(current, company_today(current.company))
    ps.generated_until = current.generated_until
    return removed


def due_for_generation(horizon_days: int = GENERATE_AHEAD_DAYS):
    """Every active repeating service whose jobs do not reach the horizon yet, of every
    company (the propservice_recurring index). A day of slack covers zones ahead of UTC."""
    horizon = timezone.now().date() + datetime.timedelta(days=horizon_days + 1)
    return (
        PropertyService.objects.filter(archived_at__isnull=True)
        .exclude(frequency="")
        .filter(Q(generated_until__isnull=True) | Q(generated_until__lt=horizon))
        .filter(
            Q(ends_on__isnull=True)
            | Q(generated_until__isnull=True)
            | Q(ends_on__gt=F("generated_until"))
        )
        .order_by("company_id", "pk")
    )
