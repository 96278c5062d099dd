"""The private files of jobs, served only here, after the permission check: the office sees its
company's, crew the ones of jobs assigned to them. Another company's, an unassigned job's or
an archived file is "not found". Nothing under MEDIA_ROOT is served by any other URL."""

from django.http import Http404, HttpRequest
from django.urls import path
from django.views.decorators.http import require_safe

from crewdesk.core.decorators import member_required
from crewdesk.core.permissions import Action
from crewdesk.core.responses import PRIVATE, private_file_response
from crewdesk.jobs import selectors
from crewdesk.jobs.models import JobAttachment

THUMBNAIL_CACHE = "private, max-age=3600"


def _attachment(request: HttpRequest, job_id: int, attachment_id: int) -> JobAttachment:
    try:
        attachment = selectors.attachment_get(
            viewer=request.membership, attachment_id=attachment_id
        )
    except JobAttachment.DoesNotExist as error:
        raise Http404 from error
    if attachment.job_id != job_id or attachment.archived_at is not None:
        raise Http404
    return attachment


@require_safe
@member_required(Action.VIEW_JOBS)
def attachment_file(request: HttpRequest, job_id: int, attachment_id: int):
    attachment = _attachment(request, job_id, attachment_id)
    return private_file_response(
        attachment.file,
        name=attachment.name,
        content_type=attachment.content_type,
        inline=attachment.is_image,
        cache=PRIVATE,
    )


@require_safe
@member_required(Action.VIEW_JOBS)
def attachment_thumbnail(request: HttpRequest, job_id: int, attachment_id: int):
    """The small picture of a photo; the photo itself until the thumbnail is made."""
    attachment = _attachment(request, job_id, attachment_id)
    if not attachment.is_image:
        raise Http404
    if attachment.thumbnail:
        try:
            return private_file_response(
                attachment.thumbnail,
                name=attachment.name,
                content_type="image/jpeg",
                inline=True,
                cache=THUMBNAIL_CACHE,
            )
        except Http404:
            pass
    return private_file_response(
        attachment.file,
        name=attachment.name,
        content_type=attachment.content_type,
        inline=True,
        cache=PRIVATE,
    )


urlpatterns = [
    path(
        "jobs/<int:job_id>/files/<int:attachment_id>/",
        attachment_file,
        name="attachment_file",
    ),
    path(
        "jobs/<int:job_id>/files/<int:attachment_id>/thumbnail/",
        attachment_thumbnail,
        name="attachment_thumbnail",
    ),
]
