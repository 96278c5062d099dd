"""The job page: its status buttons, crew, lines, extra clients, the property's access
notes, checklist, photos and documents, notes, status changes and history. An employee is
sent to the crew's view of the job."""

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from crewdesk.accounts.models import Membership
from crewdesk.core.decorators import member_required
from crewdesk.core.navigation import url_or_none
from crewdesk.core.panels import scripts_of
from crewdesk.core.permissions import Action, can
from crewdesk.core.selectors import record_activity_list
from crewdesk.jobs import selectors, transitions
from crewdesk.jobs.display import JOB_PANELS
from crewdesk.jobs.models import AttachmentKind, Job, JobStatus
from crewdesk.jobs.services import job_billing_lock
from crewdesk.jobs.views.common import crew_names, job_or_404, to_crew
from crewdesk.jobs.views.job_checklist import checklist_context
from crewdesk.properties import services as property_services

ACTIVITY_ROWS = 30
NOTE_ROWS = 100
STATUS_BUTTONS = {
    JobStatus.PENDING: "btn-outline-secondary",
    JobStatus.ON_THE_WAY: "btn-outline-primary",
    JobStatus.STARTED: "btn-primary",
    JobStatus.FINISHED: "btn-success",
    JobStatus.CANCELLED: "btn-outline-danger",
}


def _status_buttons(actor: Membership, job: Job, *, billing_lock: str | None) -> list[dict]:
    if job.archived_at or job.bad_debt or billing_lock:
        return []
    return [
        {
            "status": status,
            "label": transitions.action_label(job.status, status),
            "css": STATUS_BUTTONS.get(status, "btn-outline-secondary"),
        }
        for status in transitions.next_statuses(job.status, actor.role)
    ]


def _attachment_groups(actor: Membership, job: Job) -> list[dict]:
    attachments = list(
        selectors.job_attachments(viewer=actor, job=job).select_related("uploaded_by")
    )
    groups = []
    for kind, label in AttachmentKind.choices:
        files = [a for a in attachments if a.kind == kind]
        for a in files:
            a.file_url = url_or_none("jobs:attachment_file", job.pk, a.pk)
            a.thumbnail_url = (
                url_or_none("jobs:attachment_thumbnail", job.pk, a.pk) if a.thumbnail else None
            )
        groups.append({"kind": kind, "label": label, "files": files})
    return groups


def detail_context(request: HttpRequest, job: Job, *, transition_error: str = "") -> dict:
    actor = request.membership
    activity = []
    if can(actor, Action.VIEW_ACTIVITY):
        activity = list(record_activity_list(viewer=actor, record=job)[:ACTIVITY_ROWS])
    lines = list(job.lines.all())
    # An invoiced job stays finished, and its invoice (not the job) is written off.
    billing_lock = job_billing_lock(job=job) if job.status == JobStatus.FINISHED else None
    main_panels = JOB_PANELS.render(request, job, slot="main")
    side_panels = JOB_PANELS.render(request, job, slot="side")
    return {
        "job": job,
        "status_buttons": _status_buttons(actor, job, billing_lock=billing_lock),
        "billing_lock": billing_lock,
        "transition_error": transition_error,
        "zone_start": job.scheduled_start,
        "crew": crew_names(job),
        "lines": lines,
        "lines_total": sum((line.amount for line in lines), Decimal("0.00")),
        "extra_clients": list(job.extra_clients.select_related("client")),
        "access_notes": property_services.access_notes_for(
            viewer=actor, prop=job.property, job=job
        ),
        "map_url": job.property.map_url,
        "client_url": url_or_none("clients:detail", job.client_id),
        "property_url": url_or_none("properties:detail", job.property_id),
        "attachment_groups": _attachment_groups(actor, job),
        "attachment_kinds": AttachmentKind.choices,
        "notes": list(
            job.notes.filter(archived_at__isnull=True).select_related("author")[:NOTE_ROWS]
        ),
        "status_changes": list(job.status_changes.select_related("changed_by")),
        "activity": activity,
        "can_edit": can(actor, Action.EDIT_RECORDS),
        "can_bad_debt": can(actor, Action.MARK_BAD_DEBT)
        and (job.status == JobStatus.FINISHED or job.bad_debt)
        and not billing_lock,
        "note_draft": request.session.pop("job_note_draft", ""),
        # What other apps show on the job page (jobs/display.JOB_PANELS).
        "main_panels": main_panels,
        "side_panels": side_panels,
        "panel_scripts": scripts_of(main_panels, side_panels),
        **checklist_context(request, job),
    }


@member_required(Action.VIEW_JOBS)
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_or_404(request, job_id)
    if not can(request.membership, Action.VIEW_RECORDS):
        return to_crew("jobs:crew_job", job.pk)
    return render(request, "jobs/detail.html", detail_context(request, job))


urlpatterns = [
    path("jobs/<int:job_id>/", job_detail, name="detail"),
]
