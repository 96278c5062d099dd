"""A job's checklist on its page (htmx, or a plain form post): tick and untick an item
(the crew too, on their jobs), add and remove items (the office)."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from crewdesk.core.decorators import member_required
from crewdesk.core.forms import refusal_text
from crewdesk.core.permissions import Action, can
from crewdesk.jobs import selectors, services
from crewdesk.jobs.models import Job, JobChecklistItem, JobStatus
from crewdesk.jobs.views.common import back_url, job_or_404


def checklist_context(request: HttpRequest, job: Job, error: str = "") -> dict:
    items = list(selectors.job_checklist(job=job))
    return {
        "job": job,
        "checklist": items,
        "checklist_done": sum(1 for item in items if item.done),
        "checklist_open": job.status not in (JobStatus.FINISHED, JobStatus.CANCELLED),
        "checklist_error": error,
        "can_edit": can(request.membership, Action.EDIT_RECORDS),
    }


def _item_or_404(job: Job, item_id) -> JobChecklistItem:
    try:
        item = job.checklist.get(pk=int(item_id))
    except (ObjectDoesNotExist, TypeError, ValueError) as error:
        raise Http404 from error
    item.job = job  # the job already read, with its crew
    return item


def _checklist_answer(request: HttpRequest, job: Job, error: str = "") -> HttpResponse:
    if request.htmx:
        return render(request, "jobs/_checklist.html", checklist_context(request, job, error))
    if error:
        messages.error(request, error)
    return redirect(back_url(request, job) + "#job-checklist")


@member_required(Action.WORK_JOBS)
@require_POST
def checklist_toggle(request: HttpRequest, job_id: int, item_id: int) -> HttpResponse:
    job = job_or_404(request, job_id)
    item = _item_or_404(job, item_id)
    done = request.POST.get("done", "on" if not item.done else "") == "on"
    try:
        services.checklist_item_set_done(actor=request.membership, item=item, done=done)
    except ValidationError as error:
        return _checklist_answer(request, job, refusal_text(error))
    return _checklist_answer(request, job)


@member_required(Action.EDIT_RECORDS)
@require_POST
def checklist_add(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_or_404(request, job_id)
    try:
        services.checklist_item_add(
            actor=request.membership,
            job=job,
            text=request.POST.get("text", ""),
            required=bool(request.POST.get("required")),
        )
    except ValidationError as error:
        return _checklist_answer(request, job, refusal_text(error))
    return _checklist_answer(request, job)


@member_required(Action.EDIT_RECORDS)
@require_POST
def checklist_remove(request: HttpRequest, job_id: int, item_id: int) -> HttpResponse:
    job = job_or_404(request, job_id)
    item = _item_or_404(job, item_id)
    try:
        services.checklist_item_remove(actor=request.membership, item=item)
    except ValidationError as error:
        return _checklist_answer(request, job, refusal_text(error))
    return _checklist_answer(request, job)


urlpatterns = [
    path(
        "jobs/<int:job_id>/checklist/<int:item_id>/toggle/",
        checklist_toggle,
        name="checklist_toggle",
    ),
    path("jobs/<int:job_id>/checklist/add/", checklist_add, name="checklist_add"),
    path(
        "jobs/<int:job_id>/checklist/<int:item_id>/remove/",
        checklist_remove,
        name="checklist_remove",
    ),
]
