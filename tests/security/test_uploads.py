"""Uploads as an attacker would send them, through every route that takes a file (the crew's
phone page, the job page, the API, a client's note): a picture bomb costs nothing, a script is
refused whatever it is called, and odd names and content types are no 500 (issue 10 #8, #13,
#19). The limits themselves are tested in tests/jobs/test_attachments.py and
tests/core/test_uploads.py."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crewdesk.accounts.services import api_token_create
from crewdesk.clients.models import NoteFile
from crewdesk.jobs.models import JobAttachment
from tests import images
from tests.factories import make_job, make_property


@dataclass(frozen=True)
class Route:
    name: str
    field: str
    who: str  # the member who may use it
    data: dict
    api: bool = False


ROUTES = [
    Route("jobs:crew_upload", "photo", "employee", {"kind": "before"}),
    Route("jobs:attachment_upload", "file", "employee", {"kind": "before"}),
    Route("api:attachment_new", "file", "employee", {"kind": "before"}, api=True),
    Route(
        "clients:note_new", "note-files", "office", {"note-text": "", "note-visibility": "internal"}
    ),
]


@pytest.fixture
def job(owner, employee, make_client):
    client = make_client(first_name="Ann", last_name="Smith")
    return make_job(owner, make_property(owner, client), assignees=[employee])


@pytest.fixture
def send(request, client, client_as, job):
    """send(route, upload) posts one file the way the route takes it and answers the status."""

    def post(route: Route, upload) -> int:
        member = request.getfixturevalue(route.who)
        if route.name.startswith("clients:"):
            url = reverse(route.name, args=[job.client_id])
        elif route.api:
            url = reverse(route.name, kwargs={"job_id": job.pk})
        else:
            url = reverse(route.name, args=[job.pk])
        data = {**route.data, route.field: upload}
        if route.api:
            token = api_token_create(membership=member).raw
            return client.post(url, data, headers={"Authorization": f"Bearer {token}"}).status_code
        return client_as(member).post(url, data).status_code

    return post


def stored() -> list[tuple[str, str]]:
    files = [*JobAttachment.objects.all(), *NoteFile.objects.all()]
    return [(f.name, f.content_type) for f in files]


@pytest.fixture
def no_decoding(monkeypatch):
    from PIL import ImageFile

    def load(self):
        raise AssertionError("the picture was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_picture_bomb_is_refused_from_its_header(route, send, no_decoding):
    bomb = images.upload("big.png", images.png_of_one_colour(7000, 7000), "image/png")
    assert send(route, bomb) in (200, 302, 422)
    assert stored() == []


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_script_is_refused_whatever_it_is_called(route, send):
    script = SimpleUploadedFile("photo.jpg", b"<script>alert(1)</script>", "image/jpeg")
    assert send(route, script) in (200, 302, 422)
    assert stored() == []


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_long_unicode_name_is_stored_shortened(route, send):
    photo = images.upload("é" * 200 + ".jpg", images.jpeg())
    assert send(route, photo) in (201, 302)
    assert stored() == [("é" * 80 + ".jpg", "image/jpeg")]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_long_content_type_is_not_kept(route, send):
    photo = images.upload("gate.jpg", images.jpeg(), "image/" + "x" * 120)
    assert send(route, photo) in (201, 302)
    assert stored() == [("gate.jpg", "image/jpeg")]
