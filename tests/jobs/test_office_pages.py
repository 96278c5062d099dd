"""The office's job pages: list, new/edit, the job page and its actions. Roles, tenancy,
the job form (lines, inline new client with the duplicate check, bad input kept), status
buttons and the refusal when a required checklist item is open, filters, query counts."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from crewdesk.clients.services import ClientInput, client_create
from crewdesk.core.navigation import url_or_none
from crewdesk.jobs.models import (
    ChecklistTemplate,
    Job,
    JobAttachment,
    JobChecklistItem,
    JobNote,
    JobStatus,
)
from crewdesk.jobs.services import checklist_template_save, job_transition
from crewdesk.properties.models import Property
from tests.factories import company_today, make_job, make_property, make_service

pytestmark = pytest.mark.django_db


def make_client(actor, **fields):
    phones = fields.pop("phones", None)
    if not fields.get("email") and not phones:
        phones = [("mobile", "+1 415 555 0199")]
    return client_create(
        actor=actor, data=ClientInput(fields=fields, phones=phones), allow_duplicate=True
    )


@pytest.fixture
def world(owner, office, employee):
    client = make_client(owner, first_name="John", last_name="Smith", email="john@example.com")
    prop = make_property(owner, client, name="Lake house", access_notes="Gate code 1234")
    job = make_job(
        owner,
        prop,
        assignees=[employee],
        checklist=[("Mop floors", True), ("Check windows", False)],
        title="Turnover clean",
    )
    return {"client": client, "property": prop, "job": job}


@pytest.fixture
def other_world(outsider):
    client = make_client(outsider, first_name="Olga", last_name="Other", email="olga@example.com")
    prop = make_property(outsider, client)
    job = make_job(outsider, prop, checklist=[("Skim pool", True)])
    template = ChecklistTemplate.objects.get(company=outsider.company)
    return {"client": client, "property": prop, "job": job, "template": template}


def job_urls(job, item=None, attachment_id=999999):
    item = item or job.checklist.first()
    return {
        "detail": ("get", reverse("jobs:detail", args=[job.pk])),
        "edit": ("get", reverse("jobs:edit", args=[job.pk])),
        "transition": ("post", reverse("jobs:transition", args=[job.pk])),
        "bad_debt": ("post", reverse("jobs:bad_debt", args=[job.pk])),
        "archive": ("post", reverse("jobs:archive", args=[job.pk])),
        "restore": ("post", reverse("jobs:restore", args=[job.pk])),
        "note_add": ("post", reverse("jobs:note_add", args=[job.pk])),
        "checklist_toggle": ("post", reverse("jobs:checklist_toggle", args=[job.pk, item.pk])),
        "checklist_add": ("post", reverse("jobs:checklist_add", args=[job.pk])),
        "checklist_remove": ("post", reverse("jobs:checklist_remove", args=[job.pk, item.pk])),
        "attachment_upload": ("post", reverse("jobs:attachment_upload", args=[job.pk])),
        "attachment_archive": (
            "post",
            reverse("jobs:attachment_archive", args=[job.pk, attachment_id]),
        ),
    }


# --- roles and tenancy -----------------------------------------------------------------------


def test_office_opens_every_page(client_as, office, world):
    web = client_as(office)
    job = world["job"]
    for url in (
        reverse("jobs:list"),
        reverse("jobs:new"),
        reverse("jobs:detail", args=[job.pk]),
        reverse("jobs:edit", args=[job.pk]),
    ):
        response = web.get(url)
        assert response.status_code == 200, url
    page = web.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Turnover clean" in page
    assert "Gate code 1234" in page  # the office sees the access notes
    assert "Mop floors" in page
    assert "Required" in page


def test_employee_is_sent_to_the_crew_view(client_as, employee, world, owner):
    web = client_as(employee)
    job = world["job"]
    response = web.get(reverse("jobs:list"))
    crew_home = url_or_none("jobs:crew_home")
    if crew_home:
        assert response.status_code == 302 and response.url == crew_home
    else:
        assert response.status_code == 403
    response = web.get(reverse("jobs:detail", args=[job.pk]))
    crew_job = url_or_none("jobs:crew_job", job.pk)
    if crew_job:
        assert response.status_code == 302 and response.url == crew_job
    else:
        assert response.status_code == 403
    # A job not assigned to them does not exist for them.
    other = make_job(owner, world["property"])
    assert web.get(reverse("jobs:detail", args=[other.pk])).status_code == 404
    assert (
        web.post(reverse("jobs:transition", args=[other.pk]), {"status": "started"}).status_code
        == 404
    )
    # Office-only pages and actions.
    assert web.get(reverse("jobs:new")).status_code == 403
    for name in ("edit", "bad_debt", "archive", "restore", "checklist_add", "checklist_remove"):
        method, url = job_urls(job)[name]
        assert getattr(web, method)(url).status_code == 403, name


def test_employee_works_their_job_through_the_shared_actions(client_as, employee, world):
    web = client_as(employee)
    job = world["job"]
    item = job.checklist.get(text="Mop floors")
    response = web.post(reverse("jobs:checklist_toggle", args=[job.pk, item.pk]), {"done": "on"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.done_by == employee.user
    web.post(reverse("jobs:transition", args=[job.pk]), {"status": "started"})
    job.refresh_from_db()
    assert job.status == JobStatus.STARTED
    web.post(reverse("jobs:note_add", args=[job.pk]), {"text": "Door was open"})
    assert JobNote.objects.filter(job=job, text="Door was open", customer_visible=False).exists()


def test_customer_sees_none_of_it(client_as, customer, world):
    web = client_as(customer)
    job = world["job"]
    assert web.get(reverse("jobs:list")).status_code == 403
    assert web.get(reverse("jobs:new")).status_code == 403
    assert web.get(reverse("jobs:client_lookup"), {"field": "client"}).status_code == 403
    for name, (method, url) in job_urls(job).items():
        assert getattr(web, method)(url).status_code == 403, name


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(reverse("jobs:detail", args=[world["job"].pk]))
    assert response.status_code == 302 and "/login/" in response.url


def test_another_companys_ids_are_not_found(client_as, office, world, other_world):
    web = client_as(office)
    theirs = other_world["job"]
    for name, (method, url) in job_urls(theirs).items():
        assert getattr(web, method)(url).status_code == 404, name
    # Their checklist item on our job: not found either; nothing changed.
    their_item = theirs.checklist.first()
    ours = world["job"]
    for name in ("checklist_toggle", "checklist_remove"):
        url = reverse(f"jobs:{name}", args=[ours.pk, their_item.pk])
        assert web.post(url).status_code == 404, name
    assert JobChecklistItem.objects.filter(pk=their_item.pk, done_at__isnull=True).exists()
    # Their client and property as the job form's prefill or picker choice are ignored / 404.
    response = web.get(reverse("jobs:new"), {"client": other_world["client"].pk})
    assert response.status_code == 200
    assert "Olga" not in response.content.decode()
    response = web.get(
        reverse("jobs:client_lookup"), {"field": "client", "choose": other_world["client"].pk}
    )
    assert response.status_code == 404


def test_an_attachment_of_another_job_is_not_found(client_as, office, owner, world):
    other = make_job(owner, world["property"])
    attachment = JobAttachment.objects.create(
        company=owner.company, job=other, kind="before", file="x.jpg", name="x.jpg"
    )
    web = client_as(office)
    url = reverse("jobs:attachment_archive", args=[world["job"].pk, attachment.pk])
    assert web.post(url).status_code == 404


# --- the job form ----------------------------------------------------------------------------


def form_data(world, **changes):
    day = datetime.date(2030, 5, 6)
    data = {
        "client": world["client"].pk,
        "property": world["property"].pk,
        "title": "Deep clean",
        "date": day.isoformat(),
        "start_time": "10:30",
        "end_time": "12:00",
        "line_description_0": "Deep clean",
        "line_quantity_0": "2",
        "line_unit_price_0": "19.99",
        "line_description_1": "Half a tiny thing",
        "line_quantity_1": "0.5",
        "line_unit_price_1": "0.01",
        "internal_notes": "Bring ladder",
        "customer_notes": "We will text on the way",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"])
def test_a_day_outside_the_calendar_is_a_form_error(client_as, office, world, day):
    web = client_as(office)
    for data in (
        form_data(world, date=day, start_time="23:30", end_time=None),
        form_data(world, date=day, start_time="00:10", end_time="00:20"),
    ):
        response = web.post(reverse("jobs:new"), data)
        assert response.status_code == 200
        assert "Pick a day between 1900 and 2999." in response.content.decode()
        response = web.post(reverse("jobs:edit", args=[world["job"].pk]), data)
        assert response.status_code == 200
        assert "Pick a day between 1900 and 2999." in response.content.decode()
    assert Job.objects.count() == 1


def test_office_creates_a_job_with_lines_crew_and_checklist(client_as, office, employee, world):
    template = checklist_template_save(
        actor=office,
        template=None,
        name="Turnover",
        items=[("Strip beds", True), ("Restock", False)],
    )
    web = client_as(office)
    data = form_data(world, assignees=[employee.pk], checklist_template=template.pk)
    response = web.post(reverse("jobs:new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.exclude(pk=world["job"].pk).get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    # 2 × 19.99 = 39.98, 0.5 × 0.01 = 0.005 → 0.01 (half up): 39.99.
    assert job.total == Decimal("39.99")
    assert [line.amount for line in job.lines.all()] == [Decimal("39.98"), Decimal("0.01")]
    assert job.title == "Deep clean"
    assert job.scheduled_date == datetime.date(2030, 5, 6)
    local = job.scheduled_start.astimezone(datetime.UTC)
    assert (local.hour, local.minute) == (15, 30)  # 10:30 in Chicago (CDT) is 15:30 UTC
    assert [a.membership_id for a in job.assignments.all()] == [employee.pk]
    assert list(job.checklist.values_list("text", "required")) == [
        ("Strip beds", True),
        ("Restock", False),
    ]
    page = web.get(response.url).content.decode()
    assert "39.99" in page and "Strip beds" in page


def test_a_line_with_a_service_takes_the_property_price(client_as, office, world):
    from crewdesk.properties.services import property_service_add

    service = make_service(office, name="Window wash", price="50.00")
    property_service_add(
        actor=office, prop=world["property"], data={"service": service.pk, "price": "65.00"}
    )
    web = client_as(office)
    data = form_data(
        world,
        line_description_0="",
        line_unit_price_0="",
        line_quantity_0="1",
        line_service_0=str(service.pk),
        line_description_1=None,
        line_quantity_1=None,
        line_unit_price_1=None,
    )
    response = web.post(reverse("jobs:new"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    job = Job.objects.exclude(pk=world["job"].pk).get()
    line = job.lines.get()
    assert (line.description, line.unit_price, line.service_id) == (
        "Window wash",
        Decimal("65.00"),
        service.pk,
    )


def test_new_job_form_is_prefilled_from_the_query(client_as, office, world):
    web = client_as(office)
    response = web.get(
        reverse("jobs:new"),
        {"client": world["client"].pk, "property": world["property"].pk, "date": "2031-02-03"},
    )
    page = response.content.decode()
    assert 'value="2031-02-03"' in page
    assert "John Smith" in page
    assert re.search(rf'<option value="{world["property"].pk}"[^>]*\sselected>', page)


def test_bad_input_keeps_everything_typed(client_as, office, world):
    web = client_as(office)
    data = form_data(world, end_time="08:00", line_unit_price_1="abc", title="Keep me")
    response = web.post(reverse("jobs:new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Keep me" in page and "Bring ladder" in page and 'value="abc"' in page
    assert "Nothing you typed is lost" in page
    assert Job.objects.count() == 1
    # Both the line and the time are shown as wrong at once.
    assert "Line 2: enter a number" in page
    assert "The end is before the start." in page
    # No date at all.
    page = web.post(reverse("jobs:new"), form_data(world, date="")).content.decode()
    assert "This field is required." in page and "Bring ladder" in page
    # No client.
    page = web.post(reverse("jobs:new"), form_data(world, client="")).content.decode()
    assert "Pick a client" in page


def test_a_property_of_another_client_is_refused(client_as, office, owner, world):
    other = make_client(owner, first_name="Zed", last_name="Zulu", email="zed@example.com")
    theirs = make_property(owner, other, street="1 Elsewhere")
    web = client_as(office)
    response = web.post(reverse("jobs:new"), form_data(world, property=theirs.pk))
    assert response.status_code == 200
    assert "Pick one of this client" in response.content.decode()
    assert Job.objects.count() == 1


def test_inline_new_client_and_property(client_as, office):
    web = client_as(office)
    data = {
        "new_first_name": "Maya",
        "new_last_name": "Okafor",
        "new_email": "maya@example.com",
        "property": "new",
        "prop_street": "5 Pine St",
        "prop_city": "Austin",
        "date": "2030-05-06",
        "start_time": "09:00",
        "line_description_0": "Clean",
        "line_unit_price_0": "100",
    }
    response = web.post(reverse("jobs:new"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    job = Job.objects.get()
    assert job.client.display_name == "Maya Okafor"
    assert job.property.street == "5 Pine St"
    assert job.total == Decimal("100.00")


def test_inline_new_client_duplicate_flow(client_as, office, world):
    web = client_as(office)
    data = {
        "new_first_name": "John",
        "new_last_name": "Smith",
        "new_email": "john@example.com",
        "property": "new",
        "prop_street": "9 Oak Ave",
        "date": "2030-05-06",
        "start_time": "09:00",
        "title": "Spring clean",
    }
    response = web.post(reverse("jobs:new"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "looks like one you already have" in page
    assert "Use this client" in page and "same email" in page
    assert 'value="9 Oak Ave"' in page and "Spring clean" in page
    assert Job.objects.count() == 1 and Property.objects.count() == 1  # nothing saved
    # "Use this client": the job goes to John, with the new property.
    response = web.post(reverse("jobs:new"), {**data, "use_client": world["client"].pk})
    assert response.status_code == 302
    job = Job.objects.order_by("-pk").first()
    assert job.client == world["client"] and job.property.street == "9 Oak Ave"
    # "Create anyway": a second John Smith.
    response = web.post(reverse("jobs:new"), {**data, "allow_duplicate": "on"})
    assert response.status_code == 302
    job = Job.objects.order_by("-pk").first()
    assert job.client != world["client"] and job.client.display_name == "John Smith"


def test_office_edits_a_job(client_as, office, employee, world):
    job = world["job"]
    web = client_as(office)
    page = web.get(reverse("jobs:edit", args=[job.pk])).content.decode()
    assert 'value="Turnover clean"' in page and 'value="120.00"' in page
    data = form_data(world, title="Renamed", assignees=[employee.pk])
    response = web.post(reverse("jobs:edit", args=[job.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    job.refresh_from_db()
    assert job.title == "Renamed" and job.total == Decimal("39.99")
    assert job.checklist.count() == 2  # kept


def test_client_lookup_finds_and_chooses(client_as, office, world):
    web = client_as(office)
    page = web.get(reverse("jobs:client_lookup"), {"field": "client", "client_search": "Smith"})
    assert "John Smith" in page.content.decode()
    chosen = web.get(
        reverse("jobs:client_lookup"), {"field": "client", "choose": world["client"].pk}
    ).content.decode()
    assert f'name="client" value="{world["client"].pk}"' in chosen
    assert 'hx-swap-oob="true"' in chosen and "Lake house" in chosen
    assert web.get(reverse("jobs:client_lookup"), {"field": "bogus"}).status_code == 404


# --- the job page's actions ------------------------------------------------------------------


def test_status_buttons_and_refusal_when_a_required_item_is_open(client_as, office, world):
    job = world["job"]
    web = client_as(office)
    page = web.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert ">Start</button>" in page and ">On the way</button>" in page
    assert ">Finish</button>" not in page
    web.post(reverse("jobs:transition", args=[job.pk]), {"status": "started"})
    page = web.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert ">Finish</button>" in page
    response = web.post(reverse("jobs:transition", args=[job.pk]), {"status": "finished"})
    assert response.status_code == 302
    page = web.get(response.url).content.decode()
    assert "Tick the required checklist items first: Mop floors." in page
    job.refresh_from_db()
    assert job.status == JobStatus.STARTED
    # Over htmx the refusal answers 409 with the page and the message.
    response = web.post(
        reverse("jobs:transition", args=[job.pk]), {"status": "finished"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert "Tick the required checklist items first" in response.content.decode()
    # Tick it (htmx: the checklist alone comes back), then finish.
    item = job.checklist.get(text="Mop floors")
    response = web.post(
        reverse("jobs:checklist_toggle", args=[job.pk, item.pk]),
        {"done": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and 'id="job-checklist"' in response.content.decode()
    web.post(reverse("jobs:transition", args=[job.pk]), {"status": "finished"})
    job.refresh_from_db()
    assert job.status == JobStatus.FINISHED
    history = web.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert ">Reopen</button>" in history
    steps = history[history.index('id="status-history"') :]
    who = office.user.display_name
    assert f'Started → <span class="fw-semibold">Finished</span> · {who}' in steps


def test_a_forbidden_move_is_a_message(client_as, office, world):
    job = world["job"]
    web = client_as(office)
    response = web.post(reverse("jobs:transition", args=[job.pk]), {"status": "finished"})
    page = web.get(response.url).content.decode()
    assert "cannot become finished" in page
    response = web.post(reverse("jobs:transition", args=[job.pk]), {"status": "nonsense"})
    assert response.status_code == 302


def test_checklist_add_and_remove(client_as, office, world):
    job = world["job"]
    web = client_as(office)
    web.post(reverse("jobs:checklist_add", args=[job.pk]), {"text": "Feed cat", "required": "on"})
    item = job.checklist.get(text="Feed cat")
    assert item.required
    response = web.post(
        reverse("jobs:checklist_add", args=[job.pk]), {"text": "  "}, HTTP_HX_REQUEST="true"
    )
    assert "Write what is to be done." in response.content.decode()
    web.post(reverse("jobs:checklist_remove", args=[job.pk, item.pk]))
    assert not job.checklist.filter(text="Feed cat").exists()


def test_bad_debt_only_for_finished_jobs(client_as, office, world):
    job = world["job"]
    web = client_as(office)
    page = web.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Mark as bad debt" not in page
    response = web.post(reverse("jobs:bad_debt", args=[job.pk]), {"value": "on"})
    assert "Only a finished job" in web.get(response.url).content.decode()
    job.checklist.update(done_at=job.created_at)
    job_transition(actor=office, job=job, to_status="started")
    job_transition(actor=office, job=job, to_status="finished")
    assert "Mark as bad debt" in web.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    web.post(reverse("jobs:bad_debt", args=[job.pk]), {"value": "on"})
    job.refresh_from_db()
    assert job.bad_debt
    web.post(reverse("jobs:bad_debt", args=[job.pk]), {"value": "off"})
    job.refresh_from_db()
    assert not job.bad_debt


def test_archive_and_restore(client_as, office, world):
    job = world["job"]
    web = client_as(office)
    web.post(reverse("jobs:archive", args=[job.pk]))
    job.refresh_from_db()
    assert job.archived_at
    assert "Turnover clean" not in web.get(reverse("jobs:list")).content.decode()
    assert "Turnover clean" in web.get(reverse("jobs:list"), {"archived": "1"}).content.decode()
    web.post(reverse("jobs:restore", args=[job.pk]))
    job.refresh_from_db()
    assert job.archived_at is None


def test_notes_for_the_team_and_the_customer(client_as, office, world):
    job = world["job"]
    web = client_as(office)
    web.post(reverse("jobs:note_add", args=[job.pk]), {"text": "Key under mat"})
    web.post(
        reverse("jobs:note_add", args=[job.pk]),
        {"text": "See you soon", "customer_visible": "on"},
    )
    notes = dict(JobNote.objects.filter(job=job).values_list("text", "customer_visible"))
    assert notes == {"Key under mat": False, "See you soon": True}
    response = web.post(reverse("jobs:note_add", args=[job.pk]), {"text": ""})
    assert "Write the note first." in web.get(response.url.split("#")[0]).content.decode()


def test_upload_without_a_file_or_kind_is_a_message(client_as, office, world):
    job = world["job"]
    web = client_as(office)
    response = web.post(reverse("jobs:attachment_upload", args=[job.pk]), {"kind": "before"})
    assert response.status_code == 302
    page = web.get(response.url.split("#")[0]).content.decode()
    assert "Choose a photo or a document" in page


# --- the list --------------------------------------------------------------------------------


def test_list_filters_and_search(client_as, office, owner, employee, world):
    prop = world["property"]
    today = company_today(owner)
    other_client = make_client(owner, first_name="Ann", last_name="Lee", email="ann@example.com")
    other_prop = make_property(owner, other_client, street="77 Birch Lane")
    later = make_job(owner, other_prop, day=today + datetime.timedelta(days=3), title="Gutter job")
    unassigned = make_job(owner, prop, day=today + datetime.timedelta(days=1), title="Windows")
    done = make_job(owner, prop, day=today - datetime.timedelta(days=2), title="Old one")
    job_transition(actor=owner, job=done, to_status="cancelled")
    web = client_as(office)

    def titles(**params):
        page = web.get(reverse("jobs:list"), params, HTTP_HX_REQUEST="true").content.decode()
        return set(re.findall(r"</span> ([^<]+)</div>", page))

    assert titles() == {"Turnover clean", "Gutter job", "Windows", "Old one"}
    assert titles(status="open") == {"Turnover clean", "Gutter job", "Windows"}
    assert titles(status="cancelled") == {"Old one"}
    assert titles(employee=str(employee.pk)) == {"Turnover clean"}
    assert titles(employee="0") == {"Gutter job", "Windows", "Old one"}
    assert titles(client=str(other_client.pk)) == {"Gutter job"}
    assert titles(property=str(prop.pk)) == {"Turnover clean", "Windows", "Old one"}
    assert titles(date_from=(today + datetime.timedelta(days=1)).isoformat()) == {
        "Gutter job",
        "Windows",
    }
    assert titles(date_to=today.isoformat()) == {"Turnover clean", "Old one"}
    assert titles(q="birch") == {"Gutter job"}
    assert titles(q="Ann Lee") == {"Gutter job"}
    assert titles(q=f"#{unassigned.pk}") == {"Windows"}
    # Found through its client's words (name, phone, email, property address), not its title:
    # that index stays fast at a million clients.
    assert titles(q="lake house") == {"Turnover clean", "Windows", "Old one"}
    assert titles(date_from="not a date") == titles()  # a bad filter counts as not given
    # Open jobs: the soonest first.
    page = web.get(reverse("jobs:list"), {"status": "open"}).content.decode()
    assert page.index("Turnover clean") < page.index("Windows") < page.index("Gutter job")
    # Default: newest first.
    page = web.get(reverse("jobs:list")).content.decode()
    assert page.index("Gutter job") < page.index("Windows") < page.index("Old one")
    assert later.pk


def test_list_pages_without_counting(client_as, office, owner, world):
    from crewdesk.jobs.views import job_list as list_view

    for _ in range(list_view.PAGE_SIZE):
        make_job(owner, world["property"], lines=[])
    web = client_as(office)
    page = web.get(reverse("jobs:list")).content.decode()
    assert 'rel="next"' in page and 'rel="prev"' not in page
    page = web.get(reverse("jobs:list"), {"page": "2"}).content.decode()
    assert 'rel="prev"' in page and 'rel="next"' not in page
    assert page.count("job-row") == 1
    page = web.get(reverse("jobs:list"), {"page": "9"}).content.decode()
    assert "There are no jobs on this page." in page


def test_list_query_count_does_not_grow(
    client_as, office, owner, employee, world, django_assert_max_num_queries
):
    for n in range(22):
        make_job(owner, world["property"], assignees=[employee, office] if n % 2 else [employee])
    web = client_as(office)
    with django_assert_max_num_queries(9):
        response = web.get(reverse("jobs:list"))
    assert response.content.decode().count("job-row") == 23
    with django_assert_max_num_queries(9):
        web.get(reverse("jobs:list"), {"q": "Smith", "status": "open"}, HTTP_HX_REQUEST="true")


def test_detail_query_count(
    client_as, office, owner, employee, world, django_assert_max_num_queries
):
    job = world["job"]
    for n in range(5):
        job_transition(actor=owner, job=job, to_status="on_the_way" if n % 2 == 0 else "pending")
        JobNote.objects.create(company=owner.company, job=job, author=owner.user, text=f"n{n}")
    web = client_as(office)
    with django_assert_max_num_queries(16):
        response = web.get(reverse("jobs:detail", args=[job.pk]))
    assert response.status_code == 200


def test_empty_list_invites_the_first_job(client_as, office):
    page = client_as(office).get(reverse("jobs:list")).content.decode()
    assert "Add your first job" in page


def png_upload(name="before.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (30, 20), "green").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def test_upload_photos_and_remove_one(
    client_as, office, world, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    job = world["job"]
    web = client_as(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(
            reverse("jobs:attachment_upload", args=[job.pk]),
            {
                "kind": "before",
                "customer_visible": "on",
                "file": [png_upload("hall.png"), png_upload("kitchen.png")],
            },
        )
    assert response.status_code == 302
    attachments = list(JobAttachment.objects.filter(job=job).order_by("pk"))
    assert [a.name for a in attachments] == ["hall.png", "kitchen.png"]
    assert all(a.customer_visible and a.kind == "before" for a in attachments)
    page = web.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "hall.png" in page and "2 files added." in page
    file_url = url_or_none("jobs:attachment_file", job.pk, attachments[0].pk)
    if file_url:
        assert file_url in page
    # A file that is not an image or a PDF: refused with the reason, nothing stored.
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("evil.php", b"<?php echo 1; ?>", content_type="image/png")
    response = web.post(
        reverse("jobs:attachment_upload", args=[job.pk]), {"kind": "damage", "file": bad}
    )
    page = web.get(response.url.split("#")[0]).content.decode()
    assert "evil.php:" in page
    assert JobAttachment.objects.filter(job=job).count() == 2
    # Removing one: archived, off the page.
    web.post(reverse("jobs:attachment_archive", args=[job.pk, attachments[0].pk]))
    attachments[0].refresh_from_db()
    assert attachments[0].archived_at
    page = web.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "hall.png</figcaption>" not in page and "kitchen.png" in page


def test_a_closed_checklist_says_so(client_as, office, world):
    job = world["job"]
    job_transition(actor=office, job=job, to_status="cancelled")
    item = job.checklist.first()
    web = client_as(office)
    response = web.post(
        reverse("jobs:checklist_toggle", args=[job.pk, item.pk]),
        {"done": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert "its checklist is closed" in response.content.decode()
    item.refresh_from_db()
    assert not item.done


def test_a_bad_debt_job_cannot_be_edited(client_as, office, world):
    job = world["job"]
    job.checklist.update(done_at=job.created_at)
    for status in ("started", "finished"):
        job_transition(actor=office, job=job, to_status=status)
    web = client_as(office)
    web.post(reverse("jobs:bad_debt", args=[job.pk]), {"value": "on"})
    response = web.post(reverse("jobs:edit", args=[job.pk]), form_data(world, title="Sneaky"))
    assert response.status_code == 200
    assert "marked bad debt" in response.content.decode()
    job.refresh_from_db()
    assert job.title == "Turnover clean"
