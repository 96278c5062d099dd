"""Uploads of job photos and documents: checked by what they are, stripped of EXIF, too big or
bombs refused, thumbnails made."""

import io
import struct
import zlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.urls import reverse
from PIL import ExifTags, Image

from crewdesk.clients.services import ClientInput, client_create
from crewdesk.core.models import Activity
from crewdesk.jobs.attachments import (
    attachment_add,
    attachment_archive,
    attachment_set_customer_visible,
)
from crewdesk.jobs.events import Verb
from crewdesk.jobs.models import JobAttachment
from tests import images
from tests.factories import make_job, make_property
from tests.images import png_of_one_colour


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def job(owner, employee):
    client = client_create(
        actor=owner,
        data=ClientInput(fields={"first_name": "Ada"}, phones=[("mobile", "+1 415 555 0199")]),
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


def test_bomb_past_pillows_own_limit_refused(owner, job, settings):
    # Even if our own pixel check were loosened, Pillow's bomb error becomes a refusal.
    settings.CREWDESK_MAX_IMAGE_MEGAPIXELS = 10**6
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
        job_transition(actor=owner, job=job, to_status=status)
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


# --- what an upload may cost (issue 10 #8) ---------------------------------------------------


@pytest.fixture
def no_decoding(monkeypatch):
    """Decoding any picture fails the test: refusals must come from the header alone."""
    from PIL import ImageFile

    def load(self):
        raise AssertionError("the picture was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


def test_49_megapixel_png_refused_before_decoding(owner, job, no_decoding):
    data = png_of_one_colour(7000, 7000)  # 140 KB on the wire, 147 MB once decoded
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(owner, job, upload("big.png", data, "image/png"), kind="before")
    assert "too large" in file_error(excinfo)
    assert "25 megapixels" in file_error(excinfo)
    assert not JobAttachment.objects.exists()


def test_a_big_jpeg_is_decoded_in_draft_mode_and_stored_smaller(owner, job, settings):
    # A 48-megapixel phone photo against the 25-megapixel cap, in miniature.
    settings.CREWDESK_MAX_IMAGE_MEGAPIXELS = 1
    attachment = attachment_add(
        owner, job, upload("wide.jpg", images.jpeg((2000, 1500))), kind="after"
    )
    assert (attachment.width, attachment.height) == (1000, 750)
    with attachment.file.open("rb") as stored:
        assert Image.open(stored).size == (1000, 750)


def test_a_progressive_jpeg_over_the_cap_is_refused(owner, job, settings, no_decoding):
    # Progressive JPEGs keep every coefficient in memory whatever the draft size.
    settings.CREWDESK_MAX_IMAGE_MEGAPIXELS = 1
    data = images.jpeg((2000, 1500), progressive=True)
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(owner, job, upload("p.jpg", data), kind="after")
    assert "too large" in file_error(excinfo)


@pytest.mark.parametrize("kind", ["after", "document"])
def test_png_over_the_cap_is_refused(owner, job, settings, no_decoding, kind):
    settings.CREWDESK_MAX_IMAGE_MEGAPIXELS = 1
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(owner, job, upload("p.png", png_bytes((1200, 1000))), kind=kind)
    assert "too large (over 1 megapixels)" in file_error(excinfo)


def test_a_webp_may_have_a_quarter_of_the_pixels(owner, job, settings, no_decoding):
    # Pillow's WebP decoder holds about four copies of the picture.
    settings.CREWDESK_MAX_IMAGE_MEGAPIXELS = 1
    out = io.BytesIO()
    Image.new("RGB", (600, 500), "blue").save(out, "WEBP")
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(owner, job, upload("w.webp", out.getvalue()), kind="after")
    assert "over 0.25 megapixels" in file_error(excinfo)


def test_the_request_never_optimizes(owner, job, monkeypatch):
    files = [("a.jpg", jpeg_with_gps()), ("b.png", png_bytes())]
    saved = []
    original = Image.Image.save

    def save(self, fp, format=None, **params):
        saved.append((format, params))
        return original(self, fp, format, **params)

    monkeypatch.setattr(Image.Image, "save", save)
    for name, data in files:
        attachment_add(owner, job, upload(name, data), kind="after")
    assert [fmt for fmt, _ in saved] == ["JPEG", "PNG"]
    assert not any(params.get("optimize") for _, params in saved)


def test_one_user_has_a_daily_number_of_files(owner, office, job, settings):
    settings.CREWDESK_UPLOAD_FILES_PER_USER_DAY = 2
    for name in ("a.jpg", "b.jpg"):
        attachment_add(owner, job, upload(name, jpeg_with_gps()), kind="after")
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(owner, job, upload("c.jpg", jpeg_with_gps()), kind="after")
    assert "2 files" in file_error(excinfo)
    attachment_add(office, job, upload("d.jpg", jpeg_with_gps()), kind="after")  # not theirs
    # A day later the count starts again (the window is the last 24 hours).
    JobAttachment.objects.update(uploaded_at=F("uploaded_at") - timedelta(hours=25))
    attachment_add(owner, job, upload("c.jpg", jpeg_with_gps()), kind="after")


def test_one_user_has_a_daily_number_of_pixels(owner, job, settings):
    settings.CREWDESK_UPLOAD_MEGAPIXELS_PER_USER_DAY = 1
    for name in ("a.jpg", "b.jpg"):  # 0.48 megapixels each
        attachment_add(owner, job, upload(name, images.jpeg((800, 600))), kind="after")
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(owner, job, upload("c.jpg", images.jpeg((800, 600))), kind="after")
    assert "megapixels" in file_error(excinfo)
    assert JobAttachment.objects.count() == 2


def test_a_company_has_a_daily_volume(owner, office, job, settings):
    settings.CREWDESK_UPLOAD_MB_PER_COMPANY_DAY = 1
    pdf = b"%PDF-1.4\n" + b"0" * 600_000
    attachment_add(owner, job, upload("a.pdf", pdf, "application/pdf"), kind="document")
    with pytest.raises(ValidationError) as excinfo:
        attachment_add(office, job, upload("b.pdf", pdf, "application/pdf"), kind="document")
    assert "1 MB" in file_error(excinfo)


def test_the_thumbnail_task_leaves_a_picture_over_the_cap_alone(owner, job, settings):
    from crewdesk.jobs.tasks import attachment_thumbnail

    data = png_bytes((1600, 1200))
    attachment = attachment_add(owner, job, upload("a.png", data, "image/png"), kind="after")
    settings.CREWDESK_MAX_IMAGE_MEGAPIXELS = 1  # a file kept from before the cap was lowered
    assert attachment_thumbnail.call(attachment.pk) == "skipped"
    attachment.refresh_from_db()
    assert not attachment.thumbnail


# --- the pages and the API: files per request, and no 500 for odd names or types --------------


def office_upload(web, job, files, kind="before"):
    """Post to the job page's upload form (any member who works the job may) and read the
    messages on the page it leads to."""
    response = web.post(
        reverse("jobs:attachment_upload", args=[job.pk]), {"kind": kind, "file": files}
    )
    assert response.status_code == 302
    return web.get(response.url.split("#")[0], follow=True).content.decode()


def test_the_job_page_takes_at_most_10_files_at_once(client_as, employee, job):
    def files(n):
        return [upload(f"p{i}.jpg", images.jpeg((40, 30))) for i in range(n)]

    page = office_upload(client_as(employee), job, files(11))
    assert "Send at most 10 files at once." in page
    assert not JobAttachment.objects.exists()
    page = office_upload(client_as(employee), job, files(10))
    assert "10 files added." in page


def test_the_job_page_has_a_pixel_budget_per_request(client_as, employee, job, settings):
    settings.CREWDESK_UPLOAD_MEGAPIXELS_PER_REQUEST = 1
    files = [upload(f"p{i}.jpg", images.jpeg((800, 600))) for i in range(3)]
    page = office_upload(client_as(employee), job, files)
    assert "2 files added." in page
    assert "p2.jpg: " in page and "at once" in page
    assert sorted(JobAttachment.objects.values_list("name", flat=True)) == ["p0.jpg", "p1.jpg"]


def test_png_counts_four_times_against_the_request(client_as, employee, job, settings):
    # Decoding and re-encoding a PNG or WebP costs about four times a JPEG's.
    settings.CREWDESK_UPLOAD_MEGAPIXELS_PER_REQUEST = 1
    files = [upload(f"s{i}.png", png_bytes((400, 300)), "image/png") for i in range(3)]
    page = office_upload(client_as(employee), job, files)
    assert "2 files added." in page  # 2 × 0.12 megapixels × 4 fit in 1
    assert "s2.png: Too many pictures to check at once" in page


def test_twenty_49_megapixel_pngs_cost_nothing(client_as, employee, job, no_decoding):
    big = png_of_one_colour(7000, 7000)

    def files(n):
        return [upload(f"p{i}.png", big, "image/png") for i in range(n)]

    page = office_upload(client_as(employee), job, files(20))
    assert "Send at most 10 files at once." in page
    page = office_upload(client_as(employee), job, files(10))
    assert page.count("too large") == 10
    assert not JobAttachment.objects.exists()


LONG_NAME = "é" * 200 + ".jpg"
LONG_TYPE = "image/" + "x" * 120


def test_odd_names_and_content_types_on_the_job_page(client_as, employee, job):
    files = [upload(LONG_NAME, jpeg_with_gps()), upload("b.jpg", jpeg_with_gps(), LONG_TYPE)]
    page = office_upload(client_as(employee), job, files)
    assert "2 files added." in page
    names = sorted(JobAttachment.objects.values_list("name", flat=True))
    assert names == ["b.jpg", "é" * 80 + ".jpg"]
    assert set(JobAttachment.objects.values_list("content_type", flat=True)) == {"image/jpeg"}


def test_odd_names_and_content_types_on_the_crew_page(client_as, employee, job):
    web = client_as(employee)
    for photo in (upload(LONG_NAME, jpeg_with_gps()), upload("b.jpg", jpeg_with_gps(), LONG_TYPE)):
        response = web.post(
            reverse("jobs:crew_upload", args=[job.pk]), {"kind": "before", "photo": photo}
        )
        assert response.status_code == 302
    assert JobAttachment.objects.count() == 2


def test_odd_names_and_content_types_through_the_api(client, employee, job):
    from crewdesk.accounts.services import api_token_create

    token = api_token_create(membership=employee).raw
    path = f"/api/v1/jobs/{job.pk}/attachments"
    for photo in (upload(LONG_NAME, jpeg_with_gps()), upload("b.jpg", jpeg_with_gps(), LONG_TYPE)):
        response = client.post(
            path, {"file": photo, "kind": "before"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 201, response.content


# --- who gets which: job_attachments(viewer=, job=) ---------------------------------------------


def test_job_attachments_gives_a_customer_only_those_shown_to_them(
    owner, office, employee, customer, neighbour, customer_client
):
    from crewdesk.jobs.selectors import job_attachments

    prop = make_property(owner, customer_client)
    job = make_job(owner, prop, assignees=[employee])

    def photo(name, visible):
        upload = SimpleUploadedFile(name, images.jpeg((40, 30)))
        return attachment_add(owner, job, upload, kind="before", customer_visible=visible)

    photo("shown.jpg", True)
    photo("office.jpg", False)
    attachment_archive(owner, photo("archived.jpg", True))

    def names(viewer):
        return [a.name for a in job_attachments(viewer=viewer, job=job)]

    for member in (owner, office, employee):
        assert names(member) == ["shown.jpg", "office.jpg"]
    assert names(customer) == ["shown.jpg"]
    assert names(neighbour) == []
