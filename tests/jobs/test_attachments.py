"""Uploads of job photos and documents: checked by what they are, stripped of EXIF, too big or
bombs refused, thumbnails made."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from crewdesk.clients.services import ClientInput, client_create
from crewdesk.core.models import Activity
from crewdesk.jobs import attachments
from crewdesk.jobs.attachments import (
    attachment_add,
    attachment_archive,
    attachment_set_customer_visible,
)
from crewdesk.jobs.events import Verb
from crewdesk.jobs.models import JobAttachment
from tests.factories import make_job, make_property


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def job(owner, employee):
    client = client_create(
        owner, ClientInput(fields={"first_name": "Ada"}, phones=[("mobile", "+1 415 555 0199")])
    )
    prop = make_property(owner, client)
    return make_job(owner, prop, assignees=[employee])


def jpeg_with_gps(size=(40, 20), orientation=6) -> bytes:
    image = Image.new("RGB", size, "red")
    image.paste((0, 0, 255), (0, 0, size[0] // 2, size[1]))  # left half blue
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (37.0, 46.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (122.0, 25.0, 10.0),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    return out.getvalue()


def png_bytes(size=(30, 30), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (0, 128, 0, 128) if mode == "RGBA" else "green").save(out, "PNG")
    return out.getvalue()


def png_bomb(width=20000, height=20000) -> bytes:
    """A tiny PNG whose header declares a huge picture (the pixel data is a few bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 100))
        + chunk(b"IEND", b"")
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(name, data, content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def file_error(excinfo) -> str:
    return " ".join(excinfo.value.message_dict["file"])


def test_jpeg_is_stored_without_exif_and_upright(owner, job):
    attachment = attachment_add(owner, job, upload("IMG_0001.JPG", jpeg_with_gps()), kind="before")
    attachment.refresh_from_db()
    assert attachment.is_image and attachment.content_type == "image/jpeg"
    assert attachment.name == "IMG_0001.jpg"
    assert attachment.file.name.startswith(f"private/{job.company_id}/jobs/{job.pk}/")
    with attachment.file.open("rb") as stored:
        data = stored.read()
    assert attachment.size == len(data)
    assert b"PhoneMaker" not in data
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    assert len(exif) == 0
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    # Orientation 6 (rotate 90° clockwise) was applied: 40×20 became 20×40, blue on top.
    assert image.size == (20, 40)
    assert (attachment.width, attachment.height) == (20, 40)
    rgb = image.convert("RGB")
    top, bottom = rgb.getpixel((10, 5)), rgb.getpixel((10, 35))
    assert top[2] > 200 and top[0] < 60
    assert bottom[0] > 200 and bottom[2] < 60


def test_activity_written(owner, job):
    attachment_add(owner, job, upload("a.jpg", jpeg_with_gps()), kind="after")
    entry = Activity.objects.filter(verb=Verb.ATTACHMENT_ADDED).get()
    assert entry.data["file"] == "a.jpg"
    assert entry.target_id == job.pk


def test_thumbnail_made(owner, job, django_capture_on_commit_callbacks):
    big = io.BytesIO()
    Image.new("RGB", (1600, 900), "orange").save(big, "JPEG")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attachment = attachment_add(owner, job, upload("wide.jpg", big.getvalue()), kind="after")
    assert len(callbacks) == 1
    attachment.refresh_from_db()
    assert attachment.thumbnail.name.endswith("_thumb.jpg")
    with attachment.thumbnail.open("rb") as thumb:
        image = Image.open(thumb)
        assert image.format == "JPEG"
        assert max(image.size) == 480


def test_png_keeps_format_and_gets_real_extension(owner, job):
    attachment = attachment_add(owner, job, upload("scan.jpeg", png_bytes()), kind="damage")
    assert attachment.content_type == "image/png"
    assert attachment.name == "scan.png"
    assert attachment.file.name.endswith(".png")
    with attachment.file.open("rb") as stored:
        assert Image.open(stored).format == "PNG"


def test_webp_accepted(owner, job):
    out = io.BytesIO()
    Image.new("RGB", (10, 10), "blue").save(out, "WEBP")
    attachment = attachment_add(owner, job, upload("x.webp", out.getvalue()), kind="before")
    assert attachment.content_type == "image/webp"


def test_php_named_jpg_refused(owner, job):
    php = b"<?php system($_GET['cmd']); ?>\n"
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(owner, job, upload("photo.jpg", php), kind="before")
    assert "JPEG, PNG or WebP" in file_error(excinfo)
    assert not JobAttachment.objects.exists()


def test_gif_refused(owner, job):
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, "GIF")
    with pytest.raises(ValidationError):
        attachment_add(owner, job, upload("anim.gif", out.getvalue()), kind="before")


def test_empty_file_refused(owner, job):
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(owner, job, upload("empty.jpg", b""), kind="before")
    assert "empty" in file_error(excinfo)


class HugeUpload(SimpleUploadedFile):
    """Says it is 50 MB without holding 50 MB: reading it would fail the test."""

    def __init__(self):
        super().__init__("huge.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
        self.size = 50 * 1024 * 1024

    def read(self, *args, **kwargs):
        raise AssertionError("the upload was read")

    def chunks(self, *args, **kwargs):
        raise AssertionError("the upload was read")


def test_50_mb_refused_without_reading(owner, job):
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(owner, job, HugeUpload(), kind="before")
    assert "too big" in file_error(excinfo)
    assert "20 MB" in file_error(excinfo)


def test_upload_limit_is_a_setting(owner, job, settings):
    settings.CREWDESK_MAX_UPLOAD_MB = 1
    data = b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1)
    with pytest.raises(ValidationError):
        attachment_add(owner, job, upload("big.pdf", data, "application/pdf"), kind="document")


def test_decompression_bomb_refused(owner, job):
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(owner, job, upload("bomb.png", png_bomb(), "image/png"), kind="before")
    assert "too large" in file_error(excinfo)


def test_bomb_past_pillows_own_limit_refused(owner, job, monkeypatch):
    # Even if our own pixel check were loosened, Pillow's bomb error becomes a refusal.
    monkeypatch.setattr(attachments, "MAX_PIXELS", 10**12)
    with pytest.raises(ValidationError):
        attachment_add(
            owner, job, upload("bomb.png", png_bomb(30000, 30000), "image/png"), kind="before"
        )


def test_broken_image_refused(owner, job):
    data = jpeg_with_gps()[:200]
    with pytest.raises(ValidationError):
        attachment_add(owner, job, upload("cut.jpg", data), kind="before")


def test_pdf_accepted_as_document(owner, job):
    attachment = attachment_add(
        owner, job, upload("../../etc/Invoice 12.pdf", PDF, "image/png"), kind="document"
    )
    assert attachment.content_type == "application/pdf"
    assert not attachment.is_image
    assert attachment.name == "Invoice_12.pdf"
    assert not attachment.thumbnail
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF


def test_pdf_refused_as_photo(owner, job):
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(owner, job, upload("x.pdf", PDF, "application/pdf"), kind="before")
    assert "JPEG, PNG or WebP" in file_error(excinfo)


def test_image_as_document_is_stripped(owner, job):
    attachment = attachment_add(owner, job, upload("receipt.jpg", jpeg_with_gps()), kind="document")
    assert attachment.is_image
    with attachment.file.open("rb") as stored:
        assert len(Image.open(stored).getexif()) == 0


def test_other_documents_refused_with_what_is_accepted(owner, job):
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(owner, job, upload("notes.docx", b"PK\x03\x04xxxx"), kind="document")
    assert "PDF" in file_error(excinfo)


def test_unknown_kind_refused(owner, job):
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(owner, job, upload("a.jpg", jpeg_with_gps()), kind="selfie")
    assert "kind" in excinfo.value.message_dict


def test_assigned_employee_may_upload_but_not_show_customers(employee, job):
    attachment_add(employee, job, upload("a.jpg", jpeg_with_gps()), kind="after")
    with pytest.raises(PermissionDenied):
        attachment_add(
            employee, job, upload("b.jpg", jpeg_with_gps()), kind="after", customer_visible=True
        )


def test_others_may_not_upload(company_a, job, customer, outsider):
    from tests.factories import MembershipFactory

    unassigned = MembershipFactory(company=company_a, role="employee")
    for member in (customer, outsider, unassigned):
        with pytest.raises(PermissionDenied):
            attachment_add(member, job, upload("a.jpg", jpeg_with_gps()), kind="after")
    assert not JobAttachment.objects.exists()


def test_archive_and_customer_visible(owner, office, employee, job):
    mine = attachment_add(employee, job, upload("a.jpg", jpeg_with_gps()), kind="after")
    theirs = attachment_add(office, job, upload("b.jpg", jpeg_with_gps()), kind="after")
    with pytest.raises(PermissionDenied):
        attachment_archive(employee, theirs)
    with pytest.raises(PermissionDenied):
        attachment_set_customer_visible(employee, mine, True)
    attachment_archive(employee, mine)
    assert mine.archived_at is not None
    attachment_set_customer_visible(office, theirs, True)
    theirs.refresh_from_db()
    assert theirs.customer_visible
    attachment_archive(owner, theirs)
    assert Activity.objects.filter(verb=Verb.ATTACHMENT_ARCHIVED).count() == 2


def test_thumbnail_task_tolerates_missing_row_and_file(owner, job):
    from crewdesk.jobs.tasks import attachment_thumbnail

    assert attachment_thumbnail.call(999999) == "skipped"
    attachment = attachment_add(owner, job, upload("a.jpg", jpeg_with_gps()), kind="after")
    attachment.file.storage.delete(attachment.file.name)
    assert attachment_thumbnail.call(attachment.pk) == "skipped"


def test_crew_cannot_archive_once_the_job_is_closed(owner, employee, job):
    from crewdesk.jobs.services import job_transition

    mine = attachment_add(employee, job, upload("a.jpg", jpeg_with_gps()), kind="after")
    for status in ("on_the_way", "started", "finished"):
        job_transition(owner, job, status)
    mine.refresh_from_db()
    with pytest.raises(ValidationError):
        attachment_archive(employee, mine)
    attachment_archive(owner, mine)
    assert mine.archived_at is not None


def test_pdf_is_stored_from_the_upload(owner, job):
    pdf = b"%PDF-1.7\n" + b"x" * 5000
    attachment = attachment_add(
        owner, job, upload("a.pdf", pdf, "application/pdf"), kind="document"
    )
    attachment.refresh_from_db()
    assert attachment.size == len(pdf)
    with attachment.file.open("rb") as stored:
        assert stored.read() == pdf
