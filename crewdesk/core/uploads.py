"""Uploaded files: one check for every way a file comes in (a job's photos and documents, the
files of a client's note) and one way to serve them back.

A file is taken for what it really is, never for its name or the content type its sender
declared: a PDF by its first bytes, a picture by decoding it as JPEG, PNG or WebP. Pictures are
re-encoded without their metadata (EXIF carries where a photo was taken, the phone's serial
number and more). Files are stored under private/ in MEDIA_ROOT, which no URL serves: views
check permission and answer with `core.responses.private_file_response`.

What an upload may cost is bounded before the work is done (settings; README's table):
- a file's bytes, from the request: `LimitedUploadHandler` stops keeping a part past the limit
  while Django reads the request, and the check never reads a file that is too big;
- a picture's pixels, from its header: a baseline JPEG over the cap is decoded at 1/2, 1/4 or
  1/8 of its size (draft mode: little memory, little time); anything else over it is refused;
- the files and pixels of one request, the files and pixels of one user in 24 hours, and the
  bytes of one company in 24 hours and in all (`UploadBatch`, counting the files of every app
  that keeps some: `STORED_FILE_MODELS`).
Pictures are re-encoded the quick way (no `optimize`); thumbnails are made in the background."""

import io
import math
import os
import struct
import uuid
import warnings
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db.models import BigIntegerField, Count, Q, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MB = 1024 * 1024
GB = 1024 * MB
USAGE_WINDOW = timedelta(hours=24)

# Decoded format → (content type, extension). Only these are kept.
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
PDF_MAGIC = b"%PDF-"
PDF_CONTENT_TYPE = "application/pdf"
JPEG_QUALITY = 88
# The quick settings: `optimize` (and PNG's default level) cost several times the decoding.
PNG_COMPRESS_LEVEL = 1
WEBP_METHOD = 0
# The draft sizes libjpeg decodes to without decoding the whole picture first.
JPEG_DRAFT_SCALES = (1, 2, 4, 8)
# What checking a picture costs per pixel, against a JPEG (bench/upload_cost.py). Memory:
# Pillow's WebP decoder holds about four copies of the picture, so a WebP may have a quarter of
# the pixels. Time: a PNG or WebP is decoded and re-encoded whole at about four times a JPEG's
# cost, so it counts four times against a request's pixels; no choice of format makes one
# request cost more than honest phone photos.
MEMORY_WEIGHT = {"JPEG": 1, "PNG": 1, "WEBP": 4}
TIME_WEIGHT = {"JPEG": 1, "PNG": 4, "WEBP": 4}

# Errors Pillow raises on a file that is not a picture or is broken.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, struct.error)

CHOOSE_A_FILE = _("Choose a file to upload.")
EMPTY = _("This file is empty.")
TOO_BIG = _("This file is too big (%(size)s MB). The limit is %(limit)s MB.")
TOO_LARGE = _("This picture is too large (over %(mp)s megapixels).")
NOT_A_PICTURE = _("This file is not a picture we can read. Upload a JPEG, PNG or WebP image.")
PHOTO_NOT_PDF = _("This must be a photo: a JPEG, PNG or WebP image, not a PDF.")
NOT_A_DOCUMENT = _("Upload a PDF file or a JPEG, PNG or WebP image; this file is none of them.")
TOO_MANY_FILES = _("Send at most %(count)s files at once.")
REQUEST_PIXELS = _("Too many pictures to check at once: send this one again in another go.")
USER_FILES = _("You have uploaded %(count)s files in the last 24 hours, the most one person may.")
USER_PIXELS = _(
    "You have uploaded %(mp)s megapixels of pictures in the last 24 hours, the most one person may."
)
COMPANY_DAY = _(
    "Your company has uploaded %(limit)s MB in the last 24 hours, the most it may: try again later."
)
COMPANY_STORAGE = _("Your company's file storage (%(limit)s GB) is full.")


def _over(limit: int, value: int) -> bool:
    """Past a limit of a user or a company (0: no limit)."""
    return bool(limit) and value > limit


def _number(value: float) -> str:
    """1 rather than 1.0; 0.5 stays 0.5."""
    return f"{value:g}"


@dataclass(frozen=True)
class UploadLimits:
    """Every upload limit, read from the settings. A limit of a user or a company may be 0: no
    limit; the limits of a file and of a request always hold."""

    file_bytes: int
    image_pixels: int
    files_per_request: int
    pixels_per_request: int
    files_per_user_day: int
    pixels_per_user_day: int
    company_bytes_per_day: int
    company_bytes_total: int

    @classmethod
    def from_settings(cls) -> "UploadLimits":
        return cls(
            file_bytes=int(settings.CREWDESK_MAX_UPLOAD_MB * MB),
            image_pixels=int(settings.CREWDESK_MAX_IMAGE_MEGAPIXELS * 1_000_000),
            files_per_request=int(settings.CREWDESK_UPLOAD_FILES_PER_REQUEST),
            pixels_per_request=int(settings.CREWDESK_UPLOAD_MEGAPIXELS_PER_REQUEST * 1_000_000),
            files_per_user_day=int(settings.CREWDESK_UPLOAD_FILES_PER_USER_DAY),
            pixels_per_user_day=int(settings.CREWDESK_UPLOAD_MEGAPIXELS_PER_USER_DAY * 1_000_000),
            company_bytes_per_day=int(settings.CREWDESK_UPLOAD_MB_PER_COMPANY_DAY * MB),
            company_bytes_total=int(settings.CREWDESK_COMPANY_STORAGE_GB * GB),
        )


class Accept(Enum):
    PHOTO = "photo"  # a picture
    DOCUMENT = "document"  # a PDF or a picture


@dataclass
class CheckedFile:
    """What will be stored for an upload: a picture re-encoded, or a PDF as it came."""

    content: File
    name: str  # the sender's file name made safe, with the real extension
    content_type: str
    extension: str
    size: int
    is_image: bool
    width: int | None = None
    height: int | None = None
    request_pixels: int = 0  # what it counts against the request's pixels

    @property
    def pixels(self) -> int:
        return (self.width or 0) * (self.height or 0)

    def storage_name(self) -> str:
        """A random name on disk: nothing of the sender's name, nothing guessable."""
        return f"{uuid.uuid4().hex}.{self.extension}"


def display_name(original: str, extension: str, fallback: str) -> str:
    """The sender's base name, made safe for headers and disks, with the real extension."""
    base = os.path.basename((original or "").replace("\\", "/"))
    stem = os.path.splitext(base)[0]
    try:
        stem = get_valid_filename(stem)
    except Exception:  # SuspiciousFileOperation for names like ".."
        stem = ""
    stem = stem.strip("._-")[:80] or fallback
    return f"{stem}.{extension}"


# --- what is stored already ----------------------------------------------------------------

# Apps that keep uploaded files add their model here (in AppConfig.ready()). Each has company,
# uploaded_by, uploaded_at, size, width and height (null for a document).
STORED_FILE_MODELS: list = []


@dataclass
class UploadUsage:
    """What one user and their company uploaded: in the last 24 hours, and in all."""

    user_files: int = 0
    user_pixels: int = 0
    company_bytes_day: int = 0
    company_bytes_total: int = 0


def upload_usage(*, company_id: int, user_id: int, with_total: bool) -> UploadUsage:
    since = timezone.now() - USAGE_WINDOW
    pixels = Cast("width", BigIntegerField()) * Cast("height", BigIntegerField())
    mine, ours = Q(uploaded_by_id=user_id), Q(company_id=company_id)
    usage = UploadUsage()
    for model in STORED_FILE_MODELS:
        day = model.objects.filter(mine | ours, uploaded_at__gte=since).aggregate(
            files=Count("pk", filter=mine),
            pixels=Sum(pixels, filter=mine),
            bytes=Sum("size", filter=ours),
        )
        usage.user_files += day["files"]
        usage.user_pixels += day["pixels"] or 0
        usage.company_bytes_day += day["bytes"] or 0
        if with_total:
            total = model.objects.filter(ours).aggregate(bytes=Sum("size"))
            usage.company_bytes_total += total["bytes"] or 0
    return usage


# --- the check -------------------------------------------------------------------------------


class UploadBatch:
    """The files of one request, checked one by one against the limits of the request, of the
    user and of their company. Start one per request with the number of files (`start` refuses
    at once when there are too many); refusals are ValidationErrors under `field`."""

    def __init__(self, *, company_id: int, user_id: int, field: str = "file") -> None:
        self.company_id = company_id
        self.user_id = user_id
        self.field = field
        self.limits = UploadLimits.from_settings()
        self.usage: UploadUsage | None = None  # read when the first file needs it
        self.request_pixels = 0

    @classmethod
    def start(cls, actor, count: int, *, field: str = "file") -> "UploadBatch":
        batch = cls(company_id=actor.company_id, user_id=actor.user_id, field=field)
        if count > batch.limits.files_per_request:
            raise batch._refuse(TOO_MANY_FILES % {"count": batch.limits.files_per_request})
        return batch

    def _refuse(self, message) -> ValidationError:
        return ValidationError({self.field: [str(message)]})

    def check(self, upload, *, accept: Accept) -> CheckedFile:
        """What will be stored for this upload, or a ValidationError under the batch's field.
        The checks that cost nothing come first; the file is read only when it may be kept."""
        limits = self.limits
        if upload is None:
            raise self._refuse(CHOOSE_A_FILE)
        if getattr(upload, "dropped_past_count", False):
            raise self._refuse(TOO_MANY_FILES % {"count": limits.files_per_request})
        size = getattr(upload, "size", None) or 0
        if not size:
            raise self._refuse(EMPTY)
        if size > limits.file_bytes:
            raise self._refuse(
                TOO_BIG % {"size": round(size / MB, 1), "limit": _number(limits.file_bytes / MB)}
            )
        usage = self._usage()
        if _over(limits.files_per_user_day, usage.user_files + 1):
            raise self._refuse(USER_FILES % {"count": limits.files_per_user_day})
        if _over(limits.company_bytes_per_day, usage.company_bytes_day + size):
            raise self._refuse(COMPANY_DAY % {"limit": _number(limits.company_bytes_per_day / MB)})
        if _over(limits.company_bytes_total, usage.company_bytes_total + size):
            raise self._refuse(
                COMPANY_STORAGE % {"limit": _number(limits.company_bytes_total / GB)}
            )

        upload.seek(0)
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        original = getattr(upload, "name", "")
        if head == PDF_MAGIC:
            if accept is Accept.PHOTO:
                raise self._refuse(PHOTO_NOT_PDF)
            checked = CheckedFile(
                content=File(upload),
                name=display_name(original, "pdf", str(_("document"))),
                content_type=PDF_CONTENT_TYPE,
                extension="pdf",
                size=size,
                is_image=False,
            )
        else:
            checked = self._picture(
                upload,
                original,
                not_a_picture=NOT_A_DOCUMENT if accept is Accept.DOCUMENT else NOT_A_PICTURE,
            )
        usage.user_files += 1
        usage.user_pixels += checked.pixels
        usage.company_bytes_day += size
        usage.company_bytes_total += size
        self.request_pixels += checked.request_pixels
        return checked

    def _usage(self) -> UploadUsage:
        if self.usage is None:
            self.usage = upload_usage(
                company_id=self.company_id,
                user_id=self.user_id,
                with_total=bool(self.limits.company_bytes_total),
            )
        return self.usage

    def _picture(self, upload, original: str, *, not_a_picture) -> CheckedFile:
        """Decode within the pixel caps, apply the EXIF orientation and re-encode without any
        metadata."""
        limits = self.limits
        with warnings.catch_warnings():
            # Pillow's own bomb limit is far above ours: its warning says nothing new.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            try:
                image = Image.open(upload, formats=list(IMAGE_FORMATS))
                fmt = image.format
                width, height = image.size
                if fmt not in IMAGE_FORMATS or width <= 0 or height <= 0:
                    raise self._refuse(not_a_picture)
                scale = _decode_scale(image, limits.image_pixels)
                if scale is None:
                    raise self._refuse(_too_large(fmt, limits))
                pixels = math.ceil(width / scale) * math.ceil(height / scale)
                request_pixels = pixels * TIME_WEIGHT[fmt]
                if self.request_pixels + request_pixels > limits.pixels_per_request:
                    raise self._refuse(REQUEST_PIXELS)
                if _over(limits.pixels_per_user_day, self._usage().user_pixels + pixels):
                    raise self._refuse(
                        USER_PIXELS % {"mp": _number(limits.pixels_per_user_day / 1_000_000)}
                    )
                if scale > 1:
                    image.draft(None, (width // scale, height // scale))
                image.load()
                ImageOps.exif_transpose(image, in_place=True)
            except Image.DecompressionBombError as error:
                raise self._refuse(_too_large("JPEG", limits)) from error
            except _DECODE_ERRORS as error:
                raise self._refuse(not_a_picture) from error

        icc_profile = image.info.get("icc_profile")
        image.info = {}  # drop EXIF, XMP, comments: nothing of the original metadata is written
        options = {"icc_profile": icc_profile} if icc_profile else {}
        out = io.BytesIO()
        try:
            if fmt == "JPEG":
                if image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                image.save(out, "JPEG", quality=JPEG_QUALITY, **options)
            elif fmt == "PNG":
                if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
                    image = image.convert("RGBA")
                image.save(out, "PNG", compress_level=PNG_COMPRESS_LEVEL, **options)
            else:  # WEBP
                if image.mode not in ("RGB", "RGBA"):
                    image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
                image.save(out, "WEBP", quality=JPEG_QUALITY, method=WEBP_METHOD, **options)
        except _DECODE_ERRORS as error:
            raise self._refuse(not_a_picture) from error
        content_type, extension = IMAGE_FORMATS[fmt]
        data = out.getvalue()
        return CheckedFile(
            content=ContentFile(data),
            name=display_name(original, extension, str(_("photo"))),
            content_type=content_type,
            extension=extension,
            size=len(data),
            is_image=True,
            width=image.width,
            height=image.height,
            request_pixels=request_pixels,
        )


def _decode_scale(image, max_pixels: int) -> int | None:
    """1 when the picture fits under the cap; 2, 4 or 8 for a baseline JPEG that fits when
    decoded at that fraction of its size; None when it is too large. A progressive JPEG keeps
    every coefficient of the whole picture in memory whatever the draft size: no draft for it."""
    width, height = image.size
    weight = MEMORY_WEIGHT.get(image.format, 1)
    baseline_jpeg = image.format == "JPEG" and not image.info.get("progressive")
    for scale in JPEG_DRAFT_SCALES if baseline_jpeg else (1,):
        if math.ceil(width / scale) * math.ceil(height / scale) * weight <= max_pixels:
            return scale
    return None


def _too_large(fmt: str, limits: UploadLimits) -> str:
    cap = limits.image_pixels / MEMORY_WEIGHT.get(fmt, 1)
    return TOO_LARGE % {"mp": _number(round(cap / 1_000_000, 2))}


def image_fits(image) -> bool:
    """Whether a stored picture may be decoded (for a thumbnail) within today's pixel cap."""
    limits = UploadLimits.from_settings()
    return _decode_scale(image, limits.image_pixels) is not None


# --- reading the request ---------------------------------------------------------------------


class DroppedUpload(UploadedFile):
    """A part of the request that was not kept: past the size limit (its size says by how
    much), or past the number of files one request may send."""

    def __init__(self, name: str, content_type: str, size: int, *, past_count: bool) -> None:
        super().__init__(io.BytesIO(b""), name, content_type, size)
        self.dropped_past_count = past_count


class LimitedUploadHandler(FileUploadHandler):
    """The first of FILE_UPLOAD_HANDLERS: the bytes of a part past the size limit, or of a part
    past the number of files one request may send, go nowhere (Django would otherwise write
    them all to a temporary file before any view could refuse them)."""

    def __init__(self, request=None) -> None:
        super().__init__(request)
        limits = UploadLimits.from_settings()
        self.max_bytes = limits.file_bytes
        self.max_files = limits.files_per_request
        self.files = 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.files += 1
        self.received = 0
        self.past_count = self.files > self.max_files
        self.dropped = self.past_count

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.dropped = True
        return None if self.dropped else raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.dropped:
            return None  # the next handler keeps it
        return DroppedUpload(
            self.file_name,
            self.content_type,
            self.received,
            past_count=self.past_count,
        )
