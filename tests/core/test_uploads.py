"""The one upload check (crewdesk/core/uploads.py) as both job files and note files use it: the
limits of one user and of one company count both kinds, and a file past the size limit is not
even kept while the request is read."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.urls import reverse

from crewdesk.clients import services as client_services
from crewdesk.core import uploads
from crewdesk.jobs.attachments import attachment_add
from tests import images
from tests.factories import make_job, make_property


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ann(make_client):
    return make_client(first_name="Ann", last_name="Smith")


@pytest.fixture
def job(owner, ann):
    return make_job(owner, make_property(owner, ann))


def add_note_file(actor, their_client, data=images.PDF, name="a.pdf"):
    return client_services.note_create(
        actor=actor,
        client=their_client,
        text="",
        files=[images.upload(name, data, "application/pdf")],
    )


def test_a_users_daily_files_count_job_files_and_note_files(owner, ann, job, settings):
    settings.CREWDESK_UPLOAD_FILES_PER_USER_DAY = 2
    add_note_file(owner, ann)
    attachment_add(owner, job, images.upload("a.jpg", images.jpeg()), kind="after")
    with pytest.raises(ValidationError) as excinfo:
        add_note_file(owner, ann)
    assert "2 files" in " ".join(excinfo.value.messages)
    with pytest.raises(ValidationError):
        attachment_add(owner, job, images.upload("b.jpg", images.jpeg()), kind="after")


def test_a_companys_daily_volume_counts_both(owner, office, outsider, ann, job, settings):
    settings.CREWDESK_UPLOAD_MB_PER_COMPANY_DAY = 1
    big = images.PDF + b"0" * 600_000
    attachment_add(owner, job, images.upload("a.pdf", big, "application/pdf"), kind="document")
    with pytest.raises(ValidationError):
        add_note_file(office, ann, big)
    # Another company has its own.
    theirs = client_services.client_create(
        actor=outsider,
        data=client_services.ClientInput(
            fields={"first_name": "Oz"}, phones=[("mobile", "+1 415 555 0100")]
        ),
    )
    add_note_file(outsider, theirs, big)


def test_the_limits_come_from_the_settings(settings):
    settings.CREWDESK_MAX_UPLOAD_MB = 5
    settings.CREWDESK_MAX_IMAGE_MEGAPIXELS = 12
    settings.CREWDESK_UPLOAD_FILES_PER_REQUEST = 3
    settings.CREWDESK_UPLOAD_MEGAPIXELS_PER_REQUEST = 40
    settings.CREWDESK_UPLOAD_FILES_PER_USER_DAY = 100
    settings.CREWDESK_UPLOAD_MEGAPIXELS_PER_USER_DAY = 1000
    settings.CREWDESK_UPLOAD_MB_PER_COMPANY_DAY = 500
    settings.CREWDESK_COMPANY_STORAGE_GB = 1.5
    limits = uploads.UploadLimits.from_settings()
    assert limits.file_bytes == 5 * 1024 * 1024
    assert limits.image_pixels == 12_000_000
    assert limits.files_per_request == 3
    assert limits.pixels_per_request == 40_000_000
    assert limits.files_per_user_day == 100
    assert limits.pixels_per_user_day == 1_000_000_000
    assert limits.company_bytes_per_day == 500 * 1024 * 1024
    assert limits.company_bytes_total == int(1.5 * 1024**3)


def test_a_part_past_the_size_limit_is_not_kept(client_as, owner, ann, settings, monkeypatch):
    """Django would write the whole part to a temporary file before any view sees it; the
    first upload handler stops keeping it once it is past the limit."""
    settings.CREWDESK_MAX_UPLOAD_MB = 1
    kept = []  # what Django writes to a temporary file (the request is too big for memory)

    def receive(self, raw_data, start, original=TemporaryFileUploadHandler.receive_data_chunk):
        kept.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", receive)
    big = images.upload("big.pdf", images.PDF + b"0" * (3 * 1024 * 1024), "application/pdf")
    response = client_as(owner).post(
        reverse("clients:note_new", args=[ann.pk]),
        {"note-text": "Big", "note-visibility": "internal", "note-files": [big]},
    )
    assert response.status_code == 200
    assert "too big (3.0 MB)" in response.content.decode()
    assert sum(kept) <= 1024 * 1024 + 64 * 1024


def test_parts_past_the_number_of_files_are_not_kept(client_as, owner, ann, settings, monkeypatch):
    settings.CREWDESK_UPLOAD_FILES_PER_REQUEST = 2
    kept = []

    def receive(self, raw_data, start, original=MemoryFileUploadHandler.receive_data_chunk):
        kept.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(MemoryFileUploadHandler, "receive_data_chunk", receive)
    files = [images.upload(f"f{i}.pdf", images.PDF, "application/pdf") for i in range(5)]
    response = client_as(owner).post(
        reverse("clients:note_new", args=[ann.pk]),
        {"note-text": "Five", "note-visibility": "internal", "note-files": files},
    )
    assert "Send at most 2 files at once." in response.content.decode()
    assert sum(kept) == 2 * len(images.PDF)
