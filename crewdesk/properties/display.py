"""Reads the property pages need beyond properties/selectors.py: the jobs, files and history
of one property, and how a status or a rule is shown."""

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from crewdesk.accounts.models import Membership
from crewdesk.core.selectors import record_activity_list
from crewdesk.jobs.models import Job, JobAttachment, JobClient
from crewdesk.jobs.selectors import JobFilters, job_list, with_list_data
from crewdesk.properties.models import Property, PropertyService
from crewdesk.properties.services import jobs_following_a_move

ATTACHMENTS_SHOWN = 24


def jobs_at_property(actor: Membership, prop: Property) -> QuerySet[Job]:
    """The property's jobs the member may see, newest first."""
    jobs = job_list(actor, JobFilters(property=prop.pk))
    return with_list_data(jobs).order_by("-scheduled_start", "-id")


def jobs_of_client(actor: Membership, client_id: int) -> QuerySet[Job]:
    """A client's jobs, theirs and those naming them as an extra client (`named_as`, the
    role: billing, technical...): those still to come first (soonest first), then the past
    (newest first)."""
    now = timezone.now()
    roles = JobClient.objects.filter(job=OuterRef("pk"), client_id=client_id).values("role")
    jobs = job_list(actor, JobFilters(client=client_id)).annotate(
        named_as=Subquery(roles[:1]),
        is_past=Case(
            When(scheduled_start__lt=now, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        upcoming_start=Case(When(scheduled_start__gte=now, then=F("scheduled_start"))),
    )
    return with_list_data(jobs).order_by(
        "is_past", F("upcoming_start").asc(nulls_last=True), "-scheduled_start", "-id"
    )


def jobs_that_follow_a_move(prop: Property) -> int:
    """How many of the property's jobs (not yet started) would move with it to a new client."""
    return jobs_following_a_move(prop).count()


def property_attachments(prop: Property, limit: int = ATTACHMENTS_SHOWN) -> list[JobAttachment]:
    """The photos and files of the property's jobs still on record, newest first."""
    return list(
        JobAttachment.objects.filter(
            company_id=prop.company_id,
            job__property=prop,
            job__archived_at__isnull=True,
            archived_at__isnull=True,
        ).order_by("-uploaded_at", "-id")[:limit]
    )


def property_history(actor: Membership, prop: Property):
    """The activity-log entries about the property, newest first."""
    return record_activity_list(viewer=actor, record=prop)


def properties_with_counts(properties: QuerySet[Property]) -> QuerySet[Property]:
    """Each property with the number of services it gets (stopped ones not counted)."""
    return properties.annotate(
        service_count=Count("services", filter=Q(services__archived_at__isnull=True))
    )


def crew_choices(actor: Membership) -> list[tuple[int, str]]:
    """Who can be crew: the company's active team members, by name."""
    from crewdesk.accounts.selectors import crew_list

    members = crew_list(viewer=actor)
    return sorted(((m.pk, m.user.display_name) for m in members), key=lambda c: c[1].casefold())


def recurrence_text(ps: PropertyService) -> str:
    if not ps.is_recurring:
        return _("Does not repeat")
    from crewdesk.jobs.recurrence import recurrence_summary

    return recurrence_summary(ps)
