"""Photos and documents of a job.

Everything uploaded is checked by what it really is, never by its name or the content type
the browser sends: photos (before, after, damage) must decode as JPEG, PNG or WebP; documents
may also be PDF. Images are re-encoded without their metadata — EXIF carries the GPS position
where a photo was taken, the phone's serial number and more, none of which should leave the
company's hands (photos can be shown in the client portal). The re-encoded bytes are stored
under private/ in MEDIA_ROOT, which no URL serves: files are only reached through the
permission-checked views in views/files.py. A thumbnail is made in the background."""

import io
import os
import struct
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from crewdesk.accounts.models import Membership
from crewdesk.core.permissions import Action, can, require
from crewdesk.jobs import events
from crewdesk.jobs.models import AttachmentKind, Job, JobAttachment
from crewdesk.jobs.selectors import require_job_access

DEFAULT_MAX_UPLOAD_MB = 20
# A phone camera's photo is 12–48 megapixels; more than this is refused before decoding,
# so that a small file declaring a huge picture cannot take the server's memory.
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 88
PHOTO_KINDS = (AttachmentKind.BEFORE, AttachmentKind.AFTER, AttachmentKind.DAMAGE)

# Decoded format → (content type, extension). Only these are kept.
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
PDF_MAGIC = b"%PDF-"
PDF_CONTENT_TYPE = "application/pdf"

# Errors Pillow raises on a file that is not a picture or is broken.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error)


def max_upload_bytes() -> int:
    return int(getattr(settings, "CREWDESK_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


@dataclass
class CleanFile:
    """What is stored: re-encoded image bytes, or (a PDF) the upload itself, streamed."""

    data: bytes | None
    content_type: str
    extension: str
    is_image: bool
    width: int | None = None
    height: int | None = None
    source: object = None


def _image_clean(upload) -> CleanFile:
    """Decode the upload as an image, refuse bombs and unknown formats, apply the EXIF
    orientation and re-encode without metadata."""
    not_image = _("This file is not a photo we can read. Upload a JPEG, PNG or WebP image.")
    too_big = _("This picture is too large (over %(mp)d megapixels).") % {
        "mp": MAX_PIXELS // 1_000_000
    }
    with warnings.catch_warnings():
        # Pillow warns (and past twice its limit fails) on huge images: both are refusals.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            upload.seek(0)
            probe = Image.open(upload)
            fmt = probe.format
            if fmt not in IMAGE_FORMATS:
                raise _refuse(not_image)
            width, height = probe.size
            if width <= 0 or height <= 0:
                raise _refuse(not_image)
            if width * height > MAX_PIXELS:
                raise _refuse(too_big)
            probe.verify()  # checks the file's structure; the image can't be used after it
            upload.seek(0)
            image = Image.open(upload)
            image.load()
            image = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _refuse(too_big) from error
        except _DECODE_ERRORS as error:
            raise _refuse(not_image) from error

    icc_profile = image.info.get("icc_profile")
    image.info = {}  # drop EXIF, XMP, comments: nothing of the original metadata is written
    options = {"icc_profile": icc_profile} if icc_profile else {}
    out = io.BytesIO()
    try:
        if fmt == "JPEG":
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, **options)
        elif fmt == "PNG":
            if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
                image = image.convert("RGBA")
            image.save(out, "PNG", optimize=True, **options)
        else:  # WEBP
            if image.mode not in ("RGB", "RGBA"):
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            image.save(out, "WEBP", quality=JPEG_QUALITY, **options)
    except _DECODE_ERRORS as error:
        raise _refuse(not_image) from error
    content_type, extension = IMAGE_FORMATS[fmt]
    return CleanFile(
        data=out.getvalue(),
        content_type=content_type,
        extension=extension,
        is_image=True,
        width=image.width,
        height=image.height,
    )


def _pdf_clean(upload) -> CleanFile:
    upload.seek(0)
    return CleanFile(
        data=None, content_type=PDF_CONTENT_TYPE, extension="pdf", is_image=False, source=upload
    )


def upload_clean(upload, kind: str) -> CleanFile:
    """What will be stored for this upload, or a ValidationError under "file"."""
    if upload is None:
        raise _refuse(_("Choose a file to upload."))
    size = getattr(upload, "size", None)
    if not size:
        raise _refuse(_("This file is empty."))
    limit = max_upload_bytes()
    if size > limit:
        raise _refuse(
            _("This file is too big (%(size)s MB). The limit is %(limit)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "limit": limit // 1024 // 1024}
        )
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if kind == AttachmentKind.DOCUMENT:
        if head == PDF_MAGIC:
            return _pdf_clean(upload)
        try:
            return _image_clean(upload)
        except ValidationError as error:
            raise _refuse(
                _("Documents can be PDF files or JPEG, PNG or WebP images; this file is none.")
            ) from error
    if head == PDF_MAGIC:
        raise _refuse(_("Before, after and damage photos must be JPEG, PNG or WebP images."))
    return _image_clean(upload)


def safe_name(original: str, extension: str, fallback: str) -> str:
    """The user's base name, made safe for headers and disks, with the real extension."""
    base = os.path.basename((original or "").replace("\\", "/"))
    stem = os.path.splitext(base)[0]
    try:
        stem = get_valid_filename(stem)
    except Exception:  # SuspiciousFileOperation for names like ".."
        stem = ""
    stem = stem.strip("._-")[:80] or fallback
    return f"{stem}.{extension}"


def _thumbnail_after_commit(attachment_id: int) -> None:
    from crewdesk.jobs.tasks import attachment_thumbnail

    attachment_thumbnail.enqueue(attachment_id)


@transaction.atomic
def attachment_add(
    actor: Membership, job: Job, upload, *, kind: str, customer_visible: bool = False
) -> JobAttachment:
    """Check, clean and store an uploaded file on a job. Raises PermissionDenied or a
    ValidationError (under "file" or "kind") with a message for the person uploading."""
    require_job_access(actor, job)
    if customer_visible:
        require(actor, Action.EDIT_RECORDS, job)
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": [_("Pick before, after, damage or document.")]})
    if job.archived_at:
        raise ValidationError({"file": [_("This job is archived.")]})
    clean = upload_clean(upload, kind)
    fallback = _("photo") if clean.is_image else _("document")
    name = safe_name(getattr(upload, "name", ""), clean.extension, fallback)
    attachment = JobAttachment(
        company_id=job.company_id,
        job=job,
        kind=kind,
        name=name,
        size=len(clean.data) if clean.data is not None else upload.size,
        content_type=clean.content_type,
        is_image=clean.is_image,
        width=clean.width,
        height=clean.height,
        customer_visible=bool(customer_visible),
        uploaded_by=actor.user,
    )
    # A random file name on disk: nothing of the user's name, nothing guessable.
    content = ContentFile(clean.data) if clean.data is not None else File(clean.source)
    attachment.file.save(f"{uuid.uuid4().hex}.{clean.extension}", content, save=False)
    stored = attachment.file.name
    try:
        attachment.save()
        events.job_event(actor=actor, job=job, verb=events.Verb.ATTACHMENT_ADDED, file=name)
    except Exception:
        attachment.file.storage.delete(stored)
        raise
    if clean.is_image:
        transaction.on_commit(lambda: _thumbnail_after_commit(attachment.pk))
    return attachment


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
        require_job_access(actor, attachment.job)
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
