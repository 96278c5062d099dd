"""Background work of jobs: thumbnails of uploaded photos."""

import io
import logging
import os

from django.core.files.base import ContentFile
from django_tasks import task
from PIL import Image, ImageOps

from crewdesk.core.uploads import IMAGE_FORMATS, image_fits
from crewdesk.jobs.models import JobAttachment

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = (480, 480)
THUMBNAIL_QUALITY = 80


class TooLarge(Exception):
    """A stored picture over today's pixel cap (kept from before the cap was lowered)."""


def thumbnail_bytes(source) -> bytes:
    """A JPEG at most 480 px on its longer side; transparency goes on white. The worker decodes
    nothing the upload check would not (TooLarge)."""
    with Image.open(source, formats=list(IMAGE_FORMATS)) as image:
        if not image_fits(image):
            raise TooLarge
        image.draft("RGB", THUMBNAIL_SIZE)  # JPEG decodes at a reduced size: fast, little memory
        image = ImageOps.exif_transpose(image)
        image.thumbnail(THUMBNAIL_SIZE)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.getchannel("A"))
            image = background
        elif image.mode != "RGB":
            image = image.convert("RGB")
        out = io.BytesIO()
        image.save(out, "JPEG", quality=THUMBNAIL_QUALITY, optimize=True)
        return out.getvalue()


@task()
def attachment_thumbnail(attachment_id: int) -> str:
    attachment = JobAttachment.objects.filter(pk=attachment_id).first()
    if attachment is None or not attachment.is_image or not attachment.file:
        return "skipped"
    try:
        with attachment.file.open("rb") as source:
            data = thumbnail_bytes(source)
    except (FileNotFoundError, TooLarge):
        return "skipped"
    except Exception:
        logger.exception("Thumbnail of attachment %s failed", attachment_id)
        return "failed"
    stem = os.path.splitext(os.path.basename(attachment.file.name))[0]
    old = attachment.thumbnail.name if attachment.thumbnail else ""
    attachment.thumbnail.save(f"{stem}_thumb.jpg", ContentFile(data), save=False)
    updated = JobAttachment.objects.filter(pk=attachment_id).update(
        thumbnail=attachment.thumbnail.name
    )
    if not updated:  # the row went while we worked: don't leave the file behind
        attachment.thumbnail.storage.delete(attachment.thumbnail.name)
        return "skipped"
    if old and old != attachment.thumbnail.name:
        attachment.thumbnail.storage.delete(old)
    return "made"
