"""The job page's actions: move the status, mark bad debt, archive and restore, add a note.
The crew uses the status and note actions too, for the jobs assigned to them (the services
decide), and goes back to the page given in `next`."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crewdesk.core.decorators import member_required
from crewdesk.core.forms import refusal_text
from crewdesk.core.permissions import Action, can
from crewdesk.jobs import services
from crewdesk.jobs.views.common import back_url, job_or_404
from crewdesk.jobs.views.job_page import detail_context


@member_required(Action.WORK_JOBS)
@require_POST
def job_transition(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_or_404(request, job_id)
    to_status = request.POST.get("status", "")
    try:
        job = services.job_transition(actor=request.membership, job=job, to_status=to_status)
    except (services.TransitionError, ValidationError) as error:
        message = refusal_text(error)
        if request.htmx and can(request.membership, Action.VIEW_RECORDS):
            context = detail_context(request, job, transition_error=message)
            return render(request, "jobs/detail.html", context, status=409)
        messages.error(request, message)
    else:
        messages.success(
            request,
            _("Job #%(id)s is now %(status)s.")
            % {"id": job.pk, "status": job.get_status_display().lower()},
        )
    return redirect(back_url(request, job))


@member_required(Action.MARK_BAD_DEBT)
@require_POST
def job_bad_debt(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_or_404(request, job_id)
    on = request.POST.get("value", "on") == "on"
    try:
        services.job_set_bad_debt(actor=request.membership, job=job, bad_debt=on)
    except (services.TransitionError, ValidationError) as error:
        messages.error(request, refusal_text(error))
    else:
        if on:
            messages.success(request, _("Marked bad debt: billing leaves this job out."))
        else:
            messages.success(request, _("No longer bad debt."))
    return redirect(back_url(request, job))


@member_required(Action.EDIT_RECORDS)
@require_POST
def job_archive(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_or_404(request, job_id)
    try:
        services.job_archive(actor=request.membership, job=job)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("Job #%(id)s archived.") % {"id": job.pk})
    return redirect(back_url(request, job))


@member_required(Action.EDIT_RECORDS)
@require_POST
def job_restore(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_or_404(request, job_id)
    services.job_restore(actor=request.membership, job=job)
    messages.success(request, _("Job #%(id)s is active again.") % {"id": job.pk})
    return redirect(back_url(request, job))


@member_required(Action.WORK_JOBS)
@require_POST
def note_add(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_or_404(request, job_id)
    try:
        services.job_note_add(
            actor=request.membership,
            job=job,
            text=request.POST.get("text", ""),
            customer_visible=bool(request.POST.get("customer_visible")),
        )
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        request.session["job_note_draft"] = request.POST.get("text", "")[:5000]
    else:
        messages.success(request, _("Note added."))
    return redirect(back_url(request, job) + "#job-notes")


urlpatterns = [
    path("jobs/<int:job_id>/status/", job_transition, name="transition"),
    path("jobs/<int:job_id>/bad-debt/", job_bad_debt, name="bad_debt"),
    path("jobs/<int:job_id>/archive/", job_archive, name="archive"),
    path("jobs/<int:job_id>/restore/", job_restore, name="restore"),
    path("jobs/<int:job_id>/notes/", note_add, name="note_add"),
]
