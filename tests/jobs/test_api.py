"""The jobs API (DESIGN §6): jobs, status moves (409 for a forbidden one), bad debt, checklists,
attachments and checklist templates; who sees which job, tenancy, no N+1 in lists."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from crewdesk.accounts.services import api_token_create
from crewdesk.core.models import Activity
from crewdesk.core.roles import Role
from crewdesk.jobs.models import Job, JobAttachment, JobChecklistItem, JobStatus
from crewdesk.jobs.services import LineInput, checklist_template_save, job_transition
from crewdesk.properties.services import property_service_add
from tests.factories import MembershipFactory, company_today, make_job, make_property, make_service

API = "/api/v1"


class Api:
    def __init__(self, client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, params=None):
        return self.client.get(f"{API}{path}", params or {}, headers=self.headers)

    def post(self, path, data=None):
        return self.client.post(
            f"{API}{path}", data or {}, content_type="application/json", headers=self.headers
        )

    def upload(self, path, data):
        return self.client.post(f"{API}{path}", data, headers=self.headers)

    def patch(self, path, data=None):
        return self.client.patch(
            f"{API}{path}", data or {}, content_type="application/json", headers=self.headers
        )

    def call(self, method, path, data=None):
        return self.get(path) if method == "get" else getattr(self, method)(path, data)


@pytest.fixture
def api(client):
    def make(membership=None):
        token = api_token_create(membership=membership).raw if membership else None
        return Api(client, token)

    return make


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"], body
    return body


def invalid(response, *fields: str) -> dict:
    body = error(response, 422)
    for field in fields:
        assert field in body["errors"], body
    return body["errors"]


@pytest.fixture
def ann(make_client):
    return make_client(first_name="Ann", last_name="Lee", email="ann@example.com")


@pytest.fixture
def prop(owner, ann):
    return make_property(owner, ann, name="Lake house", access_notes="Gate 4321")


@pytest.fixture
def job(owner, employee, prop):
    return make_job(
        owner,
        prop,
        assignees=[employee],
        lines=[LineInput("Windows", "2", "19.99")],
        checklist=[("Lock the gate", True), ("Water plants", False)],
        internal_notes="Use the side door",
    )


@pytest.fixture
def theirs(outsider):
    from crewdesk.clients.services import ClientInput, client_create

    client = client_create(
        actor=outsider,
        data=ClientInput(fields={"first_name": "Zed"}, phones=[("mobile", "+14155550100")]),
    )
    their_prop = make_property(outsider, client, name="Their place")
    their_service = make_service(outsider, "Pool clean", "80.00")
    their_job = make_job(outsider, their_prop, checklist=[("Skim", False)])
    return {
        "client": client,
        "property": their_prop,
        "service": their_service,
        "job": their_job,
        "member": outsider,
    }


def png(size=(8, 6)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


# --- jobs ------------------------------------------------------------------------------------


def test_create_answers_201_with_the_job(api, owner, employee, prop, ann, make_client):
    service = make_service(owner, "Deep clean", "240.00", taxable=False)
    template = checklist_template_save(
        actor=owner, template=None, name="Standard", items=[("Vacuum", True), ("Dust", False)]
    )
    bob = make_client(first_name="Bob", last_name="Ray", email="bob@example.com")
    response = api(owner).post(
        "/jobs",
        {
            "property": prop.pk,
            "title": "Spring clean",
            "scheduled_start": "2030-04-02T09:00:00",
            "scheduled_end": "2030-04-02T11:30:00",
            "assignees": [employee.pk],
            "lines": [
                {"service": service.pk},
                {"description": "Windows", "quantity": "3", "unit_price": "19.995"},
            ],
            "extra_clients": [{"client": bob.pk, "role": "billing"}],
            "internal_notes": "Side door",
            "customer_notes": "Thanks!",
            "checklist_template": template.pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    job = Job.objects.get(pk=body["id"])
    assert body["client"] == ann.pk and body["property"] == prop.pk
    assert body["status"] == "pending" and body["scheduled_date"] == "2030-04-02"
    assert body["total"] == "300.00" == str(job.total)  # 240 + 3 × 20.00
    assert [(li["description"], li["unit_price"], li["taxable"]) for li in body["lines"]] == [
        ("Deep clean", "240.00", False),
        ("Windows", "20.00", True),
    ]
    assert body["assignees"] == [employee.pk]
    assert body["extra_clients"] == [{"client": bob.pk, "role": "billing"}]
    assert [i["text"] for i in body["checklist"]] == ["Vacuum", "Dust"]
    assert body["access_notes"] == "Gate 4321"


def test_create_refuses_bad_input_with_field_errors(api, owner, prop, customer, theirs):
    office_api = api(owner)
    start = "2030-04-02T09:00:00"
    ok = {"property": prop.pk, "scheduled_start": start}
    invalid(office_api.post("/jobs", {"scheduled_start": start}), "property")
    invalid(office_api.post("/jobs", {"property": prop.pk}), "scheduled_start")
    invalid(office_api.post("/jobs", {**ok, "scheduled_end": "2030-04-02T08:00:00"}))
    invalid(office_api.post("/jobs", {**ok, "property": theirs["property"].pk}), "property")
    invalid(office_api.post("/jobs", {**ok, "assignees": [theirs["member"].pk]}), "assignees")
    invalid(office_api.post("/jobs", {**ok, "assignees": [customer.pk]}), "assignees")
    invalid(office_api.post("/jobs", {**ok, "lines": [{"service": theirs["service"].pk}]}))
    invalid(office_api.post("/jobs", {**ok, "lines": [{"description": "x"}]}), "lines")
    invalid(office_api.post("/jobs", {**ok, "lines": [{"unit_price": "abc"}]}))
    big = {"description": "x", "quantity": "99999999", "unit_price": "9999999999"}
    invalid(office_api.post("/jobs", {**ok, "lines": [big]}))
    extra = [{"client": theirs["client"].pk, "role": "billing"}]
    invalid(office_api.post("/jobs", {**ok, "extra_clients": extra}), "extra_clients")
    invalid(office_api.post("/jobs", {**ok, "scheduled_start": "0001-01-01T00:00:00"}))
    invalid(office_api.post("/jobs", {**ok, "title": "a\x00"}), "title")
    assert not Job.objects.filter(company_id=owner.company_id).exists()


def test_list_filters_and_searches(api, owner, employee, prop, ann, make_client, job):
    today = company_today(owner)
    bob = make_client(first_name="Bob", last_name="Ray", email="bob@example.com")
    bob_prop = make_property(owner, bob, name="Shop")
    later = make_job(owner, bob_prop, day=today + datetime.timedelta(days=3), title="Gutters")
    done = make_job(owner, prop, title="Oven")
    for status in ("started", "finished"):
        job_transition(actor=owner, job=done, to_status=status)
    office_api = api(owner)

    def ids(**q):
        body = office_api.get("/jobs", q).json()
        assert body["count_exact"] is True
        if "page" not in q:
            assert body["count"] == len(body["items"])
        return [j["id"] for j in body["items"]]

    assert set(ids()) == {job.pk, later.pk, done.pk}
    assert set(ids(status="open")) == {job.pk, later.pk}
    assert ids(status="finished") == [done.pk]
    assert ids(date_from=(today + datetime.timedelta(days=1)).isoformat()) == [later.pk]
    assert later.pk not in ids(date_to=today.isoformat())
    assert ids(employee=employee.pk) == [job.pk]
    assert set(ids(employee=0)) == {later.pk, done.pk}
    assert ids(client=bob.pk) == [later.pk]
    # Bob is the technical client of the oven job: it is one of his jobs, and found by his name.
    office_api.patch(
        f"/jobs/{done.pk}", {"extra_clients": [{"client": bob.pk, "role": "technical"}]}
    )
    assert set(ids(client=bob.pk)) == {later.pk, done.pk}
    assert set(ids(search="Ray")) == {later.pk, done.pk}
    assert set(ids(client=bob.pk, search="Ray")) == {later.pk, done.pk}
    assert set(ids(property=prop.pk)) == {job.pk, done.pk}
    assert ids(search=f"#{job.pk}") == [job.pk]
    assert ids(page_size=1, page=2) == [ids()[1]]
    invalid(office_api.get("/jobs", {"status": "lost"}), "status")
    invalid(office_api.get("/jobs", {"date_from": "nope"}), "date_from")


def test_list_has_no_n_plus_one(api, owner, employee, office, prop, django_assert_max_num_queries):
    crew = [employee, MembershipFactory(company=owner.company, role="employee")]
    for n in range(22):
        make_job(
            owner,
            prop,
            hour=6 + n % 12,
            assignees=crew,
            lines=[LineInput(f"Line {n}", 1, "10.00"), LineInput("Extra", 2, "5.00")],
        )
    office_api = api(owner)
    with django_assert_max_num_queries(10):
        body = office_api.get("/jobs", {"page_size": 50}).json()
    assert len(body["items"]) == 22
    assert all(len(j["assignees"]) == 2 and len(j["lines"]) == 2 for j in body["items"])


def test_detail_and_patch(api, owner, employee, office, prop, job):
    office_api = api(owner)
    body = office_api.get(f"/jobs/{job.pk}").json()
    assert body["total"] == "39.98" and body["bad_debt"] is False
    assert body["internal_notes"] == "Use the side door"
    assert [(i["text"], i["required"], i["done"]) for i in body["checklist"]] == [
        ("Lock the gate", True, False),
        ("Water plants", False, False),
    ]

    response = office_api.patch(
        f"/jobs/{job.pk}",
        {"title": "Windows only", "lines": [{"description": "Windows", "unit_price": "50"}]},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Windows only" and body["total"] == "50.00"
    assert body["assignees"] == [employee.pk]  # not sent: unchanged
    response = office_api.patch(f"/jobs/{job.pk}", {"assignees": [office.pk], "title": None})
    assert response.json()["assignees"] == [office.pk] and response.json()["title"] == ""
    invalid(office_api.patch(f"/jobs/{job.pk}", {"scheduled_start": None}), "scheduled_start")


def test_transition_moves_and_409s(api, owner, employee, job):
    crew_api = api(employee)
    response = crew_api.post(f"/jobs/{job.pk}/transition", {"status": "on_the_way"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "on_the_way" and response.json()["status_changed_at"]

    body = error(crew_api.post(f"/jobs/{job.pk}/transition", {"status": "finished"}), 409)
    assert "cannot" in body["detail"]
    crew_api.post(f"/jobs/{job.pk}/transition", {"status": "started"})
    # The required checklist item is not ticked yet.
    body = error(crew_api.post(f"/jobs/{job.pk}/transition", {"status": "finished"}), 409)
    assert "Lock the gate" in body["detail"]
    invalid(crew_api.post(f"/jobs/{job.pk}/transition", {"status": "lost"}), "status")

    item = job.checklist.get(required=True)
    response = crew_api.patch(f"/jobs/{job.pk}/checklist/{item.pk}", {"done": True})
    assert response.status_code == 200 and response.json()["done"] is True
    assert crew_api.post(f"/jobs/{job.pk}/transition", {"status": "finished"}).status_code == 200

    # Reopening a finished job is the office's.
    error(crew_api.post(f"/jobs/{job.pk}/transition", {"status": "started"}), 403)
    # A finished job's checklist is closed.
    error(crew_api.patch(f"/jobs/{job.pk}/checklist/{item.pk}", {"done": False}), 409)
    response = api(owner).post(f"/jobs/{job.pk}/transition", {"status": "started"})
    assert response.status_code == 200 and response.json()["status"] == "started"


def test_bad_debt_and_archive(api, owner, office, job):
    office_api = api(office)
    error(office_api.post(f"/jobs/{job.pk}/bad-debt", {"bad_debt": True}), 409)
    job_transition(actor=owner, job=job, to_status="started")
    error(office_api.post(f"/jobs/{job.pk}/archive"), 409)  # the crew is working on it
    job.checklist.update(done_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC))
    job_transition(actor=owner, job=job, to_status="finished")
    response = office_api.post(f"/jobs/{job.pk}/bad-debt", {"bad_debt": True})
    assert response.status_code == 200 and response.json()["bad_debt"] is True
    error(office_api.patch(f"/jobs/{job.pk}", {"title": "X"}), 409)
    response = office_api.post(f"/jobs/{job.pk}/archive")
    assert response.status_code == 200 and response.json()["archived_at"]
    assert office_api.get("/jobs").json()["count"] == 0
    assert office_api.get("/jobs", {"archived": True}).json()["count"] == 1
    assert office_api.post(f"/jobs/{job.pk}/restore").json()["archived_at"] is None


# --- what an employee sees and may do --------------------------------------------------------


def test_employee_sees_only_assigned_jobs_without_prices(api, owner, employee, prop, job):
    other = make_job(owner, prop, title="Not yours")
    crew_api = api(employee)
    body = crew_api.get("/jobs").json()
    assert [j["id"] for j in body["items"]] == [job.pk]
    listed = body["items"][0]
    assert listed["total"] is None and listed["lines"][0]["unit_price"] is None
    assert listed["lines"][0]["amount"] is None and listed["lines"][0]["quantity"] == "2.00"

    error(crew_api.get(f"/jobs/{other.pk}"), 404)
    error(crew_api.post(f"/jobs/{other.pk}/transition", {"status": "started"}), 404)
    error(crew_api.get(f"/jobs/{other.pk}/checklist"), 404)
    error(crew_api.get(f"/jobs/{other.pk}/attachments"), 404)

    detail = crew_api.get(f"/jobs/{job.pk}").json()
    assert detail["total"] is None and detail["access_notes"] == "Gate 4321"
    assert Activity.objects.filter(verb__contains="access").exists()  # the reading is logged


def test_employee_may_not_do_the_offices_work(api, employee, prop, job):
    crew_api = api(employee)
    start = "2030-04-02T09:00:00"
    error(crew_api.post("/jobs", {"property": prop.pk, "scheduled_start": start}), 403)
    error(crew_api.patch(f"/jobs/{job.pk}", {"title": "Mine"}), 403)
    error(crew_api.post(f"/jobs/{job.pk}/archive"), 403)
    error(crew_api.post(f"/jobs/{job.pk}/bad-debt", {"bad_debt": False}), 403)
    error(crew_api.post(f"/jobs/{job.pk}/checklist", {"text": "More"}), 403)
    body = error(crew_api.post(f"/jobs/{job.pk}/transition", {"status": "cancelled"}), 403)
    assert "Only the office can cancel" in body["detail"]
    job.refresh_from_db()
    assert job.title == "Standard clean" and job.archived_at is None
    assert job.status == "pending"


def test_a_past_job_gives_the_crew_no_access_notes(api, owner, employee, prop):
    last_month = company_today(owner) - datetime.timedelta(days=30)
    past = make_job(owner, prop, day=last_month, assignees=[employee])
    for status in ("started", "finished"):
        job_transition(actor=owner, job=past, to_status=status)
    assert api(employee).get(f"/jobs/{past.pk}").json()["access_notes"] is None
    assert api(owner).get(f"/jobs/{past.pk}").json()["access_notes"] == "Gate 4321"
    assert not Activity.objects.filter(verb__contains="access").exists()


def test_the_crew_gets_no_internal_notes_as_on_their_page(api, client_as, office, employee, job):
    # The crew's page leaves the office's internal notes out; so does the crew's token.
    crew_api = api(employee)
    assert crew_api.get("/jobs").json()["items"][0]["internal_notes"] is None
    assert crew_api.get(f"/jobs/{job.pk}").json()["internal_notes"] is None
    moved = crew_api.post(f"/jobs/{job.pk}/transition", {"status": "on_the_way"}).json()
    assert moved["internal_notes"] is None
    page = client_as(employee).get(reverse("jobs:crew_job", args=[job.pk])).content.decode()
    assert "Use the side door" not in page
    page = client_as(office).get(reverse("jobs:crew_job", args=[job.pk])).content.decode()
    assert "Use the side door" in page
    office_api = api(office)
    assert office_api.get(f"/jobs/{job.pk}").json()["internal_notes"] == "Use the side door"
    assert office_api.get("/jobs").json()["items"][0]["internal_notes"] == "Use the side door"


def _routes(job, item, attachment):
    j = job.pk
    return [
        ("get", "/jobs", None),
        ("post", "/jobs", {"property": job.property_id, "scheduled_start": "2030-01-01T09:00"}),
        ("get", f"/jobs/{j}", None),
        ("patch", f"/jobs/{j}", {"title": "X"}),
        ("post", f"/jobs/{j}/transition", {"status": "started"}),
        ("post", f"/jobs/{j}/bad-debt", {"bad_debt": False}),
        ("post", f"/jobs/{j}/archive", None),
        ("post", f"/jobs/{j}/restore", None),
        ("get", f"/jobs/{j}/checklist", None),
        ("post", f"/jobs/{j}/checklist", {"text": "More"}),
        ("patch", f"/jobs/{j}/checklist/{item.pk}", {"done": True}),
        ("get", "/checklist-templates", None),
        ("get", f"/jobs/{j}/attachments", None),
        ("get", f"/jobs/{j}/attachments/{attachment.pk}/file", None),
    ]


@pytest.fixture
def attachment(owner, job):
    from crewdesk.jobs.attachments import attachment_add

    upload = SimpleUploadedFile("photo.png", png(), content_type="image/png")
    return attachment_add(owner, job, upload, kind="before")


def test_a_token_whose_member_became_a_customer_is_refused(api, office, job, attachment):
    """Customers cannot hold tokens; one whose member became a customer gets nothing."""
    customer_api = api(office)
    office.role = Role.CUSTOMER
    office.save(update_fields=["role"])
    for method, path, data in _routes(job, job.checklist.first(), attachment):
        response = customer_api.call(method, path, data)
        assert response.status_code in (401, 403), (path, response.status_code)
        assert set(response.json()) == {"detail"}
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING and job.title == "Standard clean"


def test_no_token_is_401(api, job, attachment):
    for method, path, data in _routes(job, job.checklist.first(), attachment):
        error(api().call(method, path, data), 401)


def test_another_companys_ids_in_the_path_are_404(api, owner, job, attachment, theirs):
    their_api = api(theirs["member"])
    for method, path, data in _routes(job, job.checklist.first(), attachment):
        if path in ("/jobs", "/checklist-templates"):
            continue
        error(their_api.call(method, path, data), 404)
    # Their own job with our item / attachment ids.
    their_job = theirs["job"].pk
    item = job.checklist.first()
    error(their_api.patch(f"/jobs/{their_job}/checklist/{item.pk}", {"done": True}), 404)
    error(their_api.get(f"/jobs/{their_job}/attachments/{attachment.pk}/file"), 404)
    assert their_api.get("/jobs").json()["count"] == 1
    assert not JobChecklistItem.objects.filter(pk=item.pk, done_at__isnull=False).exists()
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING


def test_patch_with_another_companys_ids_in_the_body_is_422(api, owner, job, theirs):
    office_api = api(owner)
    path = f"/jobs/{job.pk}"
    invalid(office_api.patch(path, {"property": theirs["property"].pk}), "property")
    invalid(office_api.patch(path, {"assignees": [theirs["member"].pk]}), "assignees")
    invalid(office_api.patch(path, {"checklist_template": 2**40}), "checklist_template")
    their_template = checklist_template_save(
        actor=theirs["member"], template=None, name="T", items=[("a", 0)]
    )
    invalid(office_api.patch(path, {"checklist_template": their_template.pk}), "checklist_template")


# --- checklist, templates, attachments -------------------------------------------------------


def test_checklist_list_add_and_tick(api, owner, employee, job):
    office_api = api(owner)
    body = office_api.get(f"/jobs/{job.pk}/checklist").json()
    assert body["count"] == 2 and [i["text"] for i in body["items"]][0] == "Lock the gate"
    response = office_api.post(f"/jobs/{job.pk}/checklist", {"text": "Take photos", "required": 1})
    assert response.status_code == 201 and response.json()["required"] is True
    invalid(office_api.post(f"/jobs/{job.pk}/checklist", {"text": "   "}), "text")
    item_id = response.json()["id"]
    response = api(employee).patch(f"/jobs/{job.pk}/checklist/{item_id}", {"done": True})
    assert response.json()["done"] is True and response.json()["done_by"]
    invalid(api(employee).patch(f"/jobs/{job.pk}/checklist/{item_id}", {"done": "x"}), "done")


def test_checklist_templates_list(api, owner, employee, theirs):
    checklist_template_save(actor=owner, template=None, name="Standard", items=[("Vacuum", True)])
    body = api(employee).get("/checklist-templates").json()
    assert [t["name"] for t in body["items"]] == ["Standard"]
    assert body["items"][0]["items"] == [{"text": "Vacuum", "required": True}]


def test_attachments_upload_list_and_download(api, owner, employee, job):
    crew_api = api(employee)
    photo = SimpleUploadedFile("before.png", png(), content_type="image/png")
    response = crew_api.upload(f"/jobs/{job.pk}/attachments", {"file": photo, "kind": "before"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_image"] is True and body["kind"] == "before"
    assert (body["width"], body["height"]) == (8, 6)

    listed = crew_api.get(f"/jobs/{job.pk}/attachments").json()
    assert [a["id"] for a in listed["items"]] == [body["id"]]

    download = crew_api.client.get(body["url"], headers=crew_api.headers)
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "private" in download["Cache-Control"]
    assert not download.get("Content-Disposition", "").startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")


def test_a_document_downloads_as_an_attachment(api, owner, job):
    office_api = api(owner)
    pdf = SimpleUploadedFile(
        "quote.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "application/pdf"
    )
    response = office_api.upload(
        f"/jobs/{job.pk}/attachments", {"file": pdf, "kind": "document", "customer_visible": True}
    )
    assert response.status_code == 201, response.content
    download = office_api.client.get(response.json()["url"], headers=office_api.headers)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_bad_uploads_are_422(api, owner, job):
    office_api = api(owner)
    path = f"/jobs/{job.pk}/attachments"
    fake = SimpleUploadedFile("photo.png", b"<html><script>x</script>", content_type="image/png")
    error(office_api.upload(path, {"file": fake, "kind": "before"}), 422)
    photo = SimpleUploadedFile("before.png", png(), content_type="image/png")
    errors = invalid(office_api.upload(path, {"file": photo, "kind": "selfie"}))
    assert any(field.endswith("kind") for field in errors), errors
    errors = invalid(office_api.upload(path, {"kind": "before"}))
    assert any(field.endswith("file") for field in errors), errors
    assert not JobAttachment.objects.exists()


def test_generated_jobs_show_their_property_service(api, owner, prop):
    service = make_service(owner, "Weekly clean", "90.00")
    ps = property_service_add(
        actor=owner,
        prop=prop,
        data={
            "service": service.pk,
            "frequency": "weekly",
            "weekdays": ["MO"],
            "starts_on": company_today(owner),
        },
    )
    body = api(owner).get("/jobs", {"property": prop.pk}).json()
    assert body["count"] and all(j["property_service"] == ps.pk for j in body["items"])


def test_access_notes_reading_is_logged_only_on_the_jobs_page(api, employee, job):
    crew_api = api(employee)
    readings = Activity.objects.filter(verb__contains="access")
    response = crew_api.post(f"/jobs/{job.pk}/transition", {"status": "on_the_way"})
    assert response.json()["access_notes"] is None and not readings.exists()
    assert crew_api.get(f"/jobs/{job.pk}").json()["access_notes"] == "Gate 4321"
    assert readings.count() == 1


def test_a_missing_file_is_404_not_500(api, owner, job, attachment):
    attachment.file.storage.delete(attachment.file.name)
    error(api(owner).get(f"/jobs/{job.pk}/attachments/{attachment.pk}/file"), 404)
