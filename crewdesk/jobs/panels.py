"""What jobs show on other apps' pages, registered in apps.py: the office home's "Today's
jobs", the property page's "Jobs here" and "Photos and files", and a client profile's Jobs
tab. The reads they need that only they use are here too."""

from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.http import HttpRequest
from django.utils import timezone

from crewdesk.accounts.models import Membership
from crewdesk.core.formats import format_day
from crewdesk.core.navigation import url_or_none
from crewdesk.jobs.models import Job, JobAttachment, JobClient, JobStatus
from crewdesk.jobs.selectors import JobFilters, day_summary, job_list, with_list_data
from crewdesk.jobs.templatetags.jobs import status_badge

PROPERTY_JOBS_PER_PAGE = 20
PROPERTY_ATTACHMENTS_SHOWN = 24
CLIENT_JOBS_PER_PAGE = 20


# --- the office home ---------------------------------------------------------------------------


def home_week(request: HttpRequest) -> dict:
    """Today's jobs by status and the next seven days as a chart, linked to the schedule."""
    week = day_summary(viewer=request.membership, first=timezone.localdate())
    today = week[0]
    shown_statuses = [(s, label) for s, label in JobStatus.choices if s != JobStatus.CANCELLED]
    chart = {
        "labels": [format_day(d["day"], "weekday_day") for d in week],
        "series": [
            {"label": str(label), "status": status, "data": [d.get(status, 0) for d in week]}
            for status, label in shown_statuses
        ],
    }
    return {
        "week": week,
        "today_jobs": today,
        "today_rows": [
            {"label": label, "badge": status_badge(status), "count": today.get(status, 0)}
            for status, label in shown_statuses
        ],
        "week_chart": chart,
        "schedule_url": url_or_none("jobs:schedule"),
        "jobs_url": url_or_none("jobs:list"),
    }


# --- the property page -------------------------------------------------------------------------


def jobs_at_property(actor: Membership, prop) -> QuerySet[Job]:
    """The property's jobs the member may see, newest first."""
    jobs = job_list(viewer=actor, filters=JobFilters(property=prop.pk))
    return with_list_data(jobs=jobs).order_by("-scheduled_start", "-id")


def property_attachments(prop, limit: int = PROPERTY_ATTACHMENTS_SHOWN) -> list[JobAttachment]:
    """The photos and files of the property's jobs still on record, newest first."""
    return list(
        JobAttachment.objects.filter(
            company_id=prop.company_id,
            job__property=prop,
            job__archived_at__isnull=True,
            archived_at__isnull=True,
        ).order_by("-uploaded_at", "-id")[:limit]
    )


def property_jobs(request: HttpRequest, prop) -> dict:
    jobs_page = Paginator(
        jobs_at_property(request.membership, prop), PROPERTY_JOBS_PER_PAGE
    ).get_page(request.GET.get("jobs_page"))
    for job in jobs_page:
        job.url = url_or_none("jobs:detail", job.pk)
    return {"jobs_page": jobs_page}


def property_photos(request: HttpRequest, prop) -> dict:
    attachments = property_attachments(prop)
    for attachment in attachments:
        attachment.thumb_url = (
            url_or_none("jobs:attachment_thumbnail", attachment.job_id, attachment.pk)
            if attachment.thumbnail
            else None
        )
        attachment.file_url = url_or_none("jobs:attachment_file", attachment.job_id, attachment.pk)
    return {"attachments": attachments}


# --- a client's profile ------------------------------------------------------------------------


def jobs_of_client(actor: Membership, client_id: int) -> QuerySet[Job]:
    """A client's jobs, theirs and those naming them as an extra client (`named_as`, the
    role: billing, technical...): those still to come first (soonest first), then the past
    (newest first)."""
    now = timezone.now()
    roles = JobClient.objects.filter(job=OuterRef("pk"), client_id=client_id).values("role")
    jobs = job_list(viewer=actor, filters=JobFilters(client=client_id)).annotate(
        named_as=Subquery(roles[:1]),
        is_past=Case(
            When(scheduled_start__lt=now, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        upcoming_start=Case(When(scheduled_start__gte=now, then=F("scheduled_start"))),
    )
    return with_list_data(jobs=jobs).order_by(
        "is_past", F("upcoming_start").asc(nulls_last=True), "-scheduled_start", "-id"
    )


def client_jobs_tab(request: HttpRequest, client) -> dict:
    page = Paginator(jobs_of_client(request.membership, client.pk), CLIENT_JOBS_PER_PAGE).get_page(
        request.GET.get("jobs_page")
    )
    now = timezone.now()
    for job in page:
        job.url = url_or_none("jobs:detail", job.pk)
        job.upcoming = job.scheduled_start >= now
    new_job = url_or_none("jobs:new")
    return {
        "jobs_page": page,
        "new_job_url": f"{new_job}?client={client.pk}" if new_job else None,
    }
