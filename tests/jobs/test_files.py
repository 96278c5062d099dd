"""Private job files: who may open them, how they are served, and that no other URL does."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from crewdesk.clients.services import ClientInput, client_create
from crewdesk.jobs.attachments import attachment_add, attachment_archive
from tests.factories import MembershipFactory, make_job, make_property

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), "teal").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def job(owner, employee):
    client = client_create(
        actor=owner,
        data=ClientInput(fields={"first_name": "Ada"}, phones=[("mobile", "+1 415 555 0199")]),
    )
    return make_job(owner, make_property(owner, client), assignees=[employee])


@pytest.fixture
def photo(owner, job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return attachment_add(
            owner, job, SimpleUploadedFile("before.jpg", jpeg(), "image/jpeg"), kind="before"
        )


@pytest.fixture
def document(owner, job):
    return attachment_add(
        owner, job, SimpleUploadedFile("quote.pdf", PDF, "application/pdf"), kind="document"
    )


def file_url(attachment, job_id=None):
    return reverse("jobs:attachment_file", args=[job_id or attachment.job_id, attachment.pk])


def thumb_url(attachment, job_id=None):
    return reverse("jobs:attachment_thumbnail", args=[job_id or attachment.job_id, attachment.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("who", ["owner", "office", "employee"])
def test_allowed_members_get_the_photo(request, client_as, photo, who):
    response = client_as(request.getfixturevalue(who)).get(file_url(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Content-Security-Policy"].startswith("sandbox")
    with photo.file.open("rb") as stored:
        assert body(response) == stored.read()


def test_unassigned_employee_gets_404(client_as, company_a, photo):
    other = MembershipFactory(company=company_a, role="employee")
    assert client_as(other).get(file_url(photo)).status_code == 404
    assert client_as(other).get(thumb_url(photo)).status_code == 404


def test_customer_gets_403(client_as, customer, photo):
    assert client_as(customer).get(file_url(photo)).status_code == 403
    assert client_as(customer).get(thumb_url(photo)).status_code == 403


def test_outsider_gets_404(client_as, outsider, photo, document):
    for url in (file_url(photo), thumb_url(photo), file_url(document)):
        assert client_as(outsider).get(url).status_code == 404


def test_anonymous_is_sent_to_login(client, photo):
    response = client.get(file_url(photo))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_wrong_job_id_is_404(owner, client_as, photo, job):
    other_job = make_job(owner, job.property)
    assert client_as(owner).get(file_url(photo, other_job.pk)).status_code == 404
    assert client_as(owner).get(thumb_url(photo, other_job.pk)).status_code == 404


def test_archived_is_404(owner, client_as, photo):
    attachment_archive(owner, photo)
    assert client_as(owner).get(file_url(photo)).status_code == 404
    assert client_as(owner).get(thumb_url(photo)).status_code == 404


def test_document_is_a_download(owner, client_as, document):
    response = client_as(owner).get(file_url(document))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="quote.pdf"' in response["Content-Disposition"]
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert body(response) == PDF
    assert client_as(owner).get(thumb_url(document)).status_code == 404


def test_thumbnail_served(employee, client_as, photo):
    response = client_as(employee).get(thumb_url(photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert max(Image.open(io.BytesIO(body(response))).size) == 480


def test_thumbnail_falls_back_to_the_photo(owner, client_as, job):
    # Without the commit the thumbnail task never ran.
    photo = attachment_add(
        owner, job, SimpleUploadedFile("p.jpg", jpeg(), "image/jpeg"), kind="after"
    )
    assert not photo.thumbnail
    response = client_as(owner).get(thumb_url(photo))
    assert response.status_code == 200
    assert Image.open(io.BytesIO(body(response))).size == (800, 600)


def test_missing_file_on_disk_is_404(owner, client_as, document):
    document.file.storage.delete(document.file.name)
    assert client_as(owner).get(file_url(document)).status_code == 404


def test_only_get(owner, client_as, photo):
    assert client_as(owner).post(file_url(photo)).status_code == 405


def test_no_other_url_serves_private_files(owner, client_as, photo, settings):
    name = photo.file.name  # private/<company>/jobs/<job>/<random>.jpg
    logged_in = client_as(owner)
    for url in (
        f"/media/{name}",
        f"/{name}",
        f"/static/{name}",
        f"/app/{name}",
        f"/static/../media/{name}",
        f"/media/../{name}",
    ):
        assert logged_in.get(url).status_code == 404, url
    assert str(settings.MEDIA_ROOT) not in str(settings.STATIC_ROOT)
    assert not getattr(settings, "WHITENOISE_ROOT", None)
