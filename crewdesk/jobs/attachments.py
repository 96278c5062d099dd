"""Photos and documents of a job.

Every file is checked by crewdesk/core/uploads.py, the check note files go through too: taken
for what it really is (photos — before, after, damage — must be JPEG, PNG or WebP pictures;
documents may also be PDF), pictures re-encoded without their metadata (photos can be shown in
the client portal), and every upload limit applied. The files are stored under private/ in
MEDIA_ROOT, which no URL serves: they are only reached through the permission-checked views in
views/files.py. A thumbnail is made in the background."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crewdesk.accounts.models import Membership
from crewdesk.core.permissions import Action, can, require
from crewdesk.core.uploads import Accept, UploadBatch
from crewdesk.jobs import events
from crewdesk.jobs.models import AttachmentKind, Job, JobAttachment
from crewdesk.jobs.selectors import require_job_access

PHOTO_KINDS = (AttachmentKind.BEFORE, AttachmentKind.AFTER, AttachmentKind.DAMAGE)


def _thumbnail_after_commit(attachment_id: int) -> None:
    from crewdesk.jobs.tasks import attachment_thumbnail

    attachment_thumbnail.enqueue(attachment_id)


def _may_add(actor: Membership, job: Job, *, kind: str, customer_visible: bool) -> None:
    require_job_access(viewer=actor, job=job)
    if customer_visible:
        require(actor, Action.EDIT_RECORDS, job)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": [_("Pick before, after, damage or document.")]})
    if job.archived_at:
        raise ValidationError({"file": [_("This job is archived.")]})


@transaction.atomic
def attachment_add(
    actor: Membership,
    job: Job,
    upload,
    *,
    kind: str,
    customer_visible: bool = False,
    batch: UploadBatch | None = None,
) -> JobAttachment:
    """Check, clean and store an uploaded file on a job. Raises PermissionDenied or a
    ValidationError (under "file" or "kind") with a message for the person uploading.
    `batch` carries the limits of a request sending several files (attachments_add)."""
    _may_add(actor, job, kind=kind, customer_visible=customer_visible)
    if batch is None:
        batch = UploadBatch.start(actor, 1)
    checked = batch.check(
        upload, accept=Accept.DOCUMENT if kind == AttachmentKind.DOCUMENT else Accept.PHOTO
    )
    attachment = JobAttachment(
        company_id=job.company_id,
        job=job,
        kind=kind,
        name=checked.name,
        size=checked.size,
        content_type=checked.content_type,
        is_image=checked.is_image,
        width=checked.width,
        height=checked.height,
        customer_visible=bool(customer_visible),
        uploaded_by=actor.user,
    )
    attachment.file.save(checked.storage_name(), checked.content, save=False)
    stored = attachment.file.name
    try:
        attachment.save()
        events.job_event(actor=actor, job=job, verb=events.Verb.ATTACHMENT_ADDED, file=checked.name)
    except Exception:
        attachment.file.storage.delete(stored)
        raise
    if checked.is_image:
        transaction.on_commit(lambda: _thumbnail_after_commit(attachment.pk))
    return attachment


@dataclass
class AddedFiles:
    """What became of the files of one request: those added, and why each other was not."""

    added: list[JobAttachment] = field(default_factory=list)
    refused: list[tuple[str, ValidationError]] = field(default_factory=list)


def attachments_add(
    actor: Membership, job: Job, uploads: list, *, kind: str, customer_visible: bool = False
) -> AddedFiles:
    """Several files sent at once, each added or refused on its own, within the limits of one
    request. Raises (and adds nothing) when the member may not add files here, the kind is
    unknown or there are more files than one request may send."""
    _may_add(actor, job, kind=kind, customer_visible=customer_visible)
    batch = UploadBatch.start(actor, len(uploads))
    result = AddedFiles()
    for upload in uploads:
        try:
            result.added.append(
                attachment_add(
                    actor,
                    job,
                    upload,
                    kind=kind,
                    customer_visible=customer_visible,
                    batch=batch,
                )
            )
        except ValidationError as error:
            result.refused.append((getattr(upload, "name", "") or _("file"), error))
    return result


def can_archive(actor: Membership, attachment: JobAttachment) -> bool:
    """The office any of its company's files; crew their own uploads while the job is open."""
    if can(actor, Action.EDIT_RECORDS, attachment):
        return True
    return (
        can(actor, Action.WORK_JOBS, attachment)
        and attachment.uploaded_by_id == actor.user_id
        and attachment.job.is_open
    )


@transaction.atomic
def attachment_archive(actor: Membership, attachment: JobAttachment) -> JobAttachment:
    """Take a file off the job (it is kept, archived). The office may archive any; crew only
    their own, while the job is open (ValidationError once it is finished or cancelled)."""
    if not can(actor, Action.EDIT_RECORDS, attachment):
        require_job_access(viewer=actor, job=attachment.job)
        if attachment.uploaded_by_id != actor.user_id:
            raise PermissionDenied
        if not attachment.job.is_open:
            raise ValidationError(_("The job is closed: ask the office to remove this file."))
    if attachment.archived_at is None:
        attachment.archived_at = timezone.now()
        attachment.save(update_fields=["archived_at"])
        events.job_event(
            actor=actor,
            job=attachment.job,
            verb=events.Verb.ATTACHMENT_ARCHIVED,
            file=attachment.name,
        )
    return attachment


@transaction.atomic
def attachment_set_customer_visible(
    actor: Membership, attachment: JobAttachment, visible: bool
) -> JobAttachment:
    require(actor, Action.EDIT_RECORDS, attachment)
    if attachment.customer_visible != bool(visible):
        attachment.customer_visible = bool(visible)
        attachment.save(update_fields=["customer_visible"])
    return attachment
