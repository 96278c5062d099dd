"""The crew's pages: "my jobs" and one job, made for a phone held in one hand on a slow
connection. Everything is a plain form post answered with a redirect (htmx only spares the
reload of the checklist); the pages are small and use their own slim base template.

An employee only ever reaches the jobs assigned to them (selectors.job_get says "not found"
otherwise); an owner or office member sees their own jobs on the list and may open any job of
the company here.
"""

import datetime
from itertools import groupby

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crewdesk.clients.normalize import phone_display
from crewdesk.core.decorators import member_required
from crewdesk.core.forms import refusal_text
from crewdesk.core.navigation import url_or_none
from crewdesk.core.permissions import Action, can
from crewdesk.jobs import selectors, services, transitions
from crewdesk.jobs.forms_crew import CrewNoteForm, CrewPhotoForm
from crewdesk.jobs.models import Job, JobChecklistItem, JobStatus
from crewdesk.jobs.services import TransitionError

UPCOMING_DAYS = 14
NOTES_SHOWN = 30
# The moves forward are the big buttons; stepping back or cancelling stays small.
FORWARD = (JobStatus.ON_THE_WAY, JobStatus.STARTED, JobStatus.FINISHED)


def _job(request: HttpRequest, job_id: int) -> Job:
    try:
        return selectors.job_get(viewer=request.membership, job_id=job_id)
    except Job.DoesNotExist as error:
        raise Http404 from error


def _job_url(job: Job, anchor: str = "") -> str:
    url = reverse("jobs:crew_job", args=[job.pk])
    return f"{url}#{anchor}" if anchor else url


@require_GET
@member_required(Action.VIEW_JOBS)
def crew_home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    jobs = list(
        selectors.crew_jobs(viewer=request.membership, today=today, days_ahead=UPCOMING_DAYS)
    )
    todays = [job for job in jobs if job.scheduled_date == today]
    upcoming = [
        (day, list(group))
        for day, group in groupby(
            (job for job in jobs if job.scheduled_date > today), key=lambda job: job.scheduled_date
        )
    ]
    context = {
        "today": today,
        "tomorrow": today + datetime.timedelta(days=1),
        "todays": todays,
        "upcoming": upcoming,
        "days_ahead": UPCOMING_DAYS,
    }
    return render(request, "crew/home.html", context)


def _status_buttons(job: Job, role: str) -> tuple[list[dict], list[dict]]:
    primary, other = [], []
    for status in transitions.next_statuses(job.status, role):
        button = {"status": status, "label": transitions.action_label(job.status, status)}
        forward = status in FORWARD and job.status != JobStatus.FINISHED
        (primary if forward else other).append(button)
    return primary, other


def _job_page(
    request: HttpRequest, job: Job, *, note_form=None, photo_form=None, status: int = 200
) -> HttpResponse:
    from crewdesk.properties.services import access_notes_for

    actor = request.membership
    prop = job.property
    primary, other = _status_buttons(job, actor.role)
    photos = [
        {
            "attachment": attachment,
            "thumbnail": url_or_none("jobs:attachment_thumbnail", job.pk, attachment.pk),
            "file": url_or_none("jobs:attachment_file", job.pk, attachment.pk),
        }
        for attachment in selectors.job_attachments(viewer=actor, job=job).select_related(
            "uploaded_by"
        )
    ]
    checklist = list(selectors.job_checklist(job=job))
    access_notes = access_notes_for(viewer=actor, prop=prop, job=job)
    context = {
        "job": job,
        "client": job.client,
        "phones": [
            {"number": p.number, "display": phone_display(p.number), "kind": p.get_kind_display()}
            for p in job.client.phones.all()
        ],
        "prop": prop,
        "map_url": prop.map_url,
        # Read (and, for an employee, logged) only here, on the one page that shows them.
        "access_notes": access_notes,
        "access_locked": access_notes is None and bool(prop.access_notes),
        "instructions": job.property_service.instructions if job.property_service_id else "",
        "lines": list(job.lines.all()),
        # The office's part (prices, internal notes): the same rule as the API's.
        "show_prices": selectors.sees_office_details(viewer=actor),
        "internal_notes": job.internal_notes if selectors.sees_office_details(viewer=actor) else "",
        "checklist": checklist,
        "checklist_open": job.is_open,
        "required_open": sum(1 for item in checklist if item.required and not item.done),
        "primary_buttons": primary,
        "other_buttons": other,
        "photos": photos,
        "notes": list(
            job.notes.filter(archived_at__isnull=True).select_related("author")[:NOTES_SHOWN]
        ),
        "note_form": note_form or CrewNoteForm(),
        "photo_form": photo_form or CrewPhotoForm(),
        "office_url": url_or_none("jobs:detail", job.pk)
        if can(actor, Action.VIEW_RECORDS)
        else None,
    }
    return render(request, "crew/job.html", context, status=status)


@require_GET
@member_required(Action.VIEW_JOBS)
def crew_job(request: HttpRequest, job_id: int) -> HttpResponse:
    return _job_page(request, _job(request, job_id))


@require_POST
@member_required(Action.WORK_JOBS)
def crew_transition(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    to_status = request.POST.get("status", "")
    try:
        job = services.job_transition(actor=request.membership, job=job, to_status=to_status)
    except (TransitionError, PermissionDenied, ValidationError) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request, _("The job is now %(status)s.") % {"status": job.get_status_display().lower()}
        )
    return redirect(_job_url(job))


@require_POST
@member_required(Action.WORK_JOBS)
def crew_checklist(request: HttpRequest, job_id: int, item_id: int) -> HttpResponse:
    job = _job(request, job_id)
    try:
        item = selectors.job_checklist(job=job).get(pk=item_id)
    except JobChecklistItem.DoesNotExist as error:
        raise Http404 from error
    item.job = job  # already read, with its crew
    try:
        services.checklist_item_set_done(
            actor=request.membership, item=item, done=request.POST.get("done") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(_job_url(job, "checklist"))


@require_POST
@member_required(Action.WORK_JOBS)
def crew_upload(request: HttpRequest, job_id: int) -> HttpResponse:
    from crewdesk.jobs import attachments

    job = _job(request, job_id)
    form = CrewPhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachments.attachment_add(
                request.membership, job, form.cleaned_data["photo"], kind=form.cleaned_data["kind"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Photo added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(_job_url(job, "photos"))


@require_POST
@member_required(Action.WORK_JOBS)
def crew_note(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    form = CrewNoteForm(request.POST)
    if form.is_valid():
        try:
            services.job_note_add(actor=request.membership, job=job, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error.messages)
        else:
            messages.success(request, _("Note added."))
            return redirect(_job_url(job, "notes"))
    return _job_page(request, job, note_form=form, status=400)


urlpatterns = [
    path("crew/", crew_home, name="crew_home"),
    path("crew/jobs/<int:job_id>/", crew_job, name="crew_job"),
    path("crew/jobs/<int:job_id>/status/", crew_transition, name="crew_transition"),
    path("crew/jobs/<int:job_id>/checklist/<int:item_id>/", crew_checklist, name="crew_checklist"),
    path("crew/jobs/<int:job_id>/photos/", crew_upload, name="crew_upload"),
    path("crew/jobs/<int:job_id>/notes/", crew_note, name="crew_note"),
]
