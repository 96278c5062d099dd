"""A job's photos and documents on its page: upload (the crew too, on their jobs) and
remove. The files themselves are served by files.py, permission-checked."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from crewdesk.core.decorators import member_required
from crewdesk.core.forms import refusal_text
from crewdesk.core.permissions import Action
from crewdesk.jobs import attachments, selectors
from crewdesk.jobs.models import AttachmentKind
from crewdesk.jobs.views.common import back_url, job_or_404


@member_required(Action.WORK_JOBS)
@require_POST
def attachment_upload(request: HttpRequest, job_id: int) -> HttpResponse:
    job = job_or_404(request, job_id)
    uploads = request.FILES.getlist("file")
    kind = request.POST.get("kind", "")
    if kind not in AttachmentKind.values:
        messages.error(request, _("Say what the file shows: before, after, damage or document."))
    elif not uploads:
        messages.error(request, _("Choose a photo or a document to upload."))
    else:
        try:
            result = attachments.attachments_add(
                request.membership,
                job,
                uploads,
                kind=kind,
                customer_visible=bool(request.POST.get("customer_visible")),
            )
        except ValidationError as error:
            messages.error(request, refusal_text(error))
        else:
            if result.added:
                added = len(result.added)
                messages.success(
                    request,
                    ngettext("%(n)s file added.", "%(n)s files added.", added) % {"n": added},
                )
            for name, error in result.refused:
                messages.error(request, f"{name}: {refusal_text(error)}")
    return redirect(back_url(request, job) + "#job-files")


@member_required(Action.WORK_JOBS)
@require_POST
def attachment_archive(request: HttpRequest, job_id: int, attachment_id: int) -> HttpResponse:
    job = job_or_404(request, job_id)
    try:
        attachment = selectors.attachment_get(
            viewer=request.membership, attachment_id=attachment_id
        )
    except ObjectDoesNotExist as error:
        raise Http404 from error
    if attachment.job_id != job.pk:
        raise Http404
    try:
        attachments.attachment_archive(request.membership, attachment)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("“%(name)s” removed.") % {"name": attachment.name})
    return redirect(back_url(request, job) + "#job-files")


urlpatterns = [
    path("jobs/<int:job_id>/attachments/", attachment_upload, name="attachment_upload"),
    path(
        "jobs/<int:job_id>/attachments/<int:attachment_id>/archive/",
        attachment_archive,
        name="attachment_archive",
    ),
]
