"""Stored XSS on the property and job pages: a payload typed into every free-text field of
properties, the service catalog, jobs, their lines, checklists, notes and file names comes out
escaped on every page that shows it — the office's, the schedule and the crew's phone view —
and as typed in the API. (How the payloads and the checks work: tests/security/test_xss.py.)"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from crewdesk.jobs.services import LineInput, checklist_template_save, job_note_add
from crewdesk.properties.services import property_service_add
from tests.factories import company_today, make_job, make_property, make_service
from tests.security.test_xss import ATTRIBUTE_URL, closing, img, page_text, script, svg, template

PAYLOADS = {
    "client.first_name": closing("client.first_name"),
    "client.last_name": img("client.last_name"),
    "property.name": script("property.name"),
    "property.street": svg("property.street"),
    "property.city": img("property.city"),
    "property.access_notes": closing("property.access_notes"),
    "property.description": template("property.description"),
    "service.name": img("service.name"),
    "service.description": svg("service.description"),
    "ps.instructions": script("ps.instructions"),
    "job.title": svg("job.title"),
    "job.internal_notes": closing("job.internal_notes"),
    "job.customer_notes": template("job.customer_notes"),
    "line.description": script("line.description"),
    "checklist.name": img("checklist.name"),
    "checklist.item": closing("checklist.item"),
    "note.text": img("note.text"),
}
FILE_NAME = "'><img src=x onerror=alert(job_file)>.jpg"
FILE_MARKUP = "<img src=x onerror=alert(job_file)"


def raw(key: str) -> str:
    return PAYLOADS[key].raw


def assert_escaped(response, shows=()) -> None:
    assert response.status_code == 200, page_text(response)[:2000]
    html = page_text(response)
    leaked = [key for key, payload in PAYLOADS.items() if payload.markup in html]
    assert not leaked, f"shown as markup, not as text: {leaked}"
    assert FILE_MARKUP not in html
    assert not ATTRIBUTE_URL.findall(html)
    missing = [key for key in shows if PAYLOADS[key].escaped not in html]
    assert not missing, f"not shown (escaped) where expected: {missing}"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def world(owner, employee, make_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = make_client(
        first_name=raw("client.first_name"),
        last_name=raw("client.last_name"),
        email="x@example.com",
    )
    prop = make_property(
        owner,
        client,
        name=raw("property.name"),
        street=raw("property.street"),
        city=raw("property.city"),
        access_notes=raw("property.access_notes"),
        description=raw("property.description"),
    )
    service = make_service(owner, raw("service.name"), description=raw("service.description"))
    ps = property_service_add(
        actor=owner, prop=prop, data={"service": service.pk, "instructions": raw("ps.instructions")}
    )
    template_ = checklist_template_save(
        actor=owner,
        template=None,
        name=raw("checklist.name"),
        items=[(raw("checklist.item"), True)],
    )
    job = make_job(
        owner,
        prop,
        assignees=[employee],
        title=raw("job.title"),
        internal_notes=raw("job.internal_notes"),
        customer_notes=raw("job.customer_notes"),
        lines=[LineInput(raw("line.description"), 1, "10.00", service=service.pk)],
    )
    from crewdesk.jobs.services import JobInput, job_update

    job_update(actor=owner, job=job, data=JobInput(checklist_template=template_.pk))
    job_note_add(actor=owner, job=job, text=raw("note.text"))
    from crewdesk.jobs.attachments import attachment_add

    attachment_add(
        owner,
        job,
        SimpleUploadedFile(FILE_NAME, _jpeg(), content_type="image/jpeg"),
        kind="before",
    )
    return {
        "client": client,
        "prop": prop,
        "service": service,
        "ps": ps,
        "job": job,
        "template": template_,
    }


def test_the_property_page(world, client_as, owner):
    response = client_as(owner).get(reverse("properties:detail", args=[world["prop"].pk]))
    assert_escaped(
        response,
        shows=(
            "property.name",
            "property.street",
            "property.access_notes",
            "property.description",
            "service.name",
            "ps.instructions",
            "client.last_name",
        ),
    )


def test_the_property_form_and_service_form(world, client_as, owner):
    web = client_as(owner)
    assert_escaped(
        web.get(reverse("properties:edit", args=[world["prop"].pk])),
        shows=("property.name", "property.access_notes"),
    )
    assert_escaped(
        web.get(reverse("properties:service_edit", args=[world["prop"].pk, world["ps"].pk])),
        shows=("ps.instructions",),
    )


def test_the_catalog(world, client_as, owner):
    web = client_as(owner)
    assert_escaped(web.get(reverse("properties:catalog")), shows=("service.name",))
    assert_escaped(
        web.get(reverse("properties:catalog_edit", args=[world["service"].pk])),
        shows=("service.name", "service.description"),
    )


@pytest.mark.parametrize("panel", ["properties", "jobs"])
def test_the_client_profile_tabs(world, client_as, owner, panel):
    url = reverse("clients:detail", args=[world["client"].pk]) + f"?panel={panel}"
    response = client_as(owner).get(url, headers={"HX-Request": "true"})
    assert_escaped(response, shows=("property.name",))


def test_the_jobs_list_and_its_search(world, client_as, owner):
    web = client_as(owner)
    assert_escaped(web.get(reverse("jobs:list")), shows=("job.title", "property.name"))
    response = web.get(reverse("jobs:list"), {"search": raw("job.title")})
    assert_escaped(response, shows=("job.title",))


def test_the_job_page_and_form(world, client_as, owner):
    web = client_as(owner)
    job = world["job"]
    assert_escaped(
        web.get(reverse("jobs:detail", args=[job.pk])),
        shows=(
            "job.title",
            "job.internal_notes",
            "job.customer_notes",
            "line.description",
            "checklist.item",
            "note.text",
            "property.access_notes",
        ),
    )
    assert_escaped(web.get(reverse("jobs:edit", args=[job.pk])), shows=("job.title",))


def test_the_checklist_templates(world, client_as, owner):
    web = client_as(owner)
    assert_escaped(web.get(reverse("jobs:checklists")), shows=("checklist.name",))
    assert_escaped(
        web.get(reverse("jobs:checklist_edit", args=[world["template"].pk])),
        shows=("checklist.name", "checklist.item"),
    )


@pytest.mark.parametrize("view", ["day", "week"])
def test_the_schedule(world, client_as, owner, view):
    day = company_today(owner).isoformat()
    response = client_as(owner).get(reverse("jobs:schedule"), {"view": view, "date": day})
    assert_escaped(response, shows=("client.last_name",))


def test_the_crew_view(world, client_as, employee):
    web = client_as(employee)
    assert_escaped(web.get(reverse("jobs:crew_home")), shows=("job.title",))
    assert_escaped(
        web.get(reverse("jobs:crew_job", args=[world["job"].pk])),
        shows=("job.title", "property.access_notes", "checklist.item", "ps.instructions")
        if world["job"].property_service_id
        else ("job.title", "property.access_notes", "checklist.item", "note.text"),
    )


def test_the_api_gives_back_job_text_as_typed(world, api_client, owner):
    api = api_client(owner)
    job = api.get(f"/api/v1/jobs/{world['job'].pk}").json()
    assert job["title"] == raw("job.title")
    assert job["internal_notes"] == raw("job.internal_notes")
    prop = api.get(f"/api/v1/properties/{world['prop'].pk}").json()
    assert prop["access_notes"] == raw("property.access_notes")
    assert prop["name"] == raw("property.name")
