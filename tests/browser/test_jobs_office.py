"""The office's job pages in a real browser: a job for an existing client and property with a
line item and a checklist, found in the list as it is typed; the job page and its checklist;
on a desktop and on a phone."""

import re
from decimal import Decimal

import pytest
from PIL import Image
from playwright.sync_api import expect

from crewdesk.clients.services import ClientInput, client_create
from crewdesk.jobs.models import Job
from crewdesk.jobs.services import checklist_template_save
from crewdesk.properties.services import property_service_add
from tests.browser.conftest import PHONE, log_in
from tests.factories import make_job, make_property, make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(owner, employee):
    john = client_create(
        actor=owner,
        data=ClientInput(
            fields={"first_name": "John", "last_name": "Smith", "email": "john@example.com"}
        ),
        allow_duplicate=True,
    )
    house = make_property(owner, john, name="Lake house", access_notes="Lockbox 4321")
    make_service(owner, name="Turnover clean", price="140.00")
    deep = make_service(owner, name="Deep clean", price="100.00")
    property_service_add(actor=owner, prop=house, data={"service": deep.pk, "price": "155.00"})
    checklist_template_save(
        actor=owner,
        template=None,
        name="Turnover",
        items=[("Strip beds", True), ("Restock soap", False)],
    )
    ann = client_create(
        actor=owner,
        data=ClientInput(
            fields={"first_name": "Ann", "last_name": "Lee", "email": "ann@example.com"}
        ),
        allow_duplicate=True,
    )
    make_job(owner, make_property(owner, ann, street="77 Birch Lane"), title="Gutters")
    return {"john": john, "house": house}


def test_office_creates_a_job_and_finds_it(visit, office, employee, setting, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    tab = visit()
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")
    tab.goto("/app/jobs/")
    expect(page.locator(".job-row")).to_have_count(1)
    tab.check("list-before")

    page.get_by_role("link", name="New job").click()
    page.wait_for_url("**/app/jobs/new/")
    tab.check("new-empty")

    # The client is searched for and picked; their property comes with them.
    page.get_by_label("Client", exact=True).fill("smi")
    page.get_by_role("button", name=re.compile("John Smith")).click()
    expect(page.locator('input[name="client"]')).to_have_value(str(setting["john"].pk))
    expect(page.get_by_label("Property", exact=True)).to_have_value(str(setting["house"].pk))
    expect(page.locator("#new-property")).to_be_hidden()

    page.get_by_label("Title").fill("Weekend turnover")
    page.get_by_label("Date").fill("2030-05-06")
    page.get_by_label("Starts").fill("10:30")
    page.get_by_label("Ends").fill("12:00")
    page.get_by_label(employee.user.display_name).check()
    page.get_by_label("Checklist", exact=True).select_option(label="Turnover")
    page.locator("#line_service_0").select_option(label="Turnover clean · 140.00")
    expect(page.locator("#line_unit_price_0")).to_have_value("140.00")
    page.locator("#line_quantity_0").fill("2")
    expect(page.locator("#lines-total")).to_contain_text("280.00")
    # A service this property gets comes at the property's price, not the catalog's.
    page.locator("#line_service_1").select_option(label="Deep clean · 100.00")
    expect(page.locator("#line_unit_price_1")).to_have_value("155.00")
    expect(page.locator("#lines-total")).to_contain_text("435.00")
    page.get_by_role("button", name="Add a line").click()
    expect(page.locator(".job-line")).to_have_count(4)
    page.get_by_label("Internal notes").fill("Bring extra towels")
    tab.check("new-filled")
    page.get_by_role("button", name="Add job").click()
    page.wait_for_url(re.compile(r"/app/jobs/\d+/$"))

    job = Job.objects.get(title="Weekend turnover")
    assert job.total == Decimal("435.00")
    assert job.property == setting["house"]
    expect(page.locator("#job-total")).to_have_text("$435.00")  # the company's currency
    expect(page.locator("#access-notes")).to_contain_text("Lockbox 4321")
    expect(page.locator("#job-checklist")).to_contain_text("Strip beds")

    # A before photo, shown to the customer.
    photo = tmp_path / "hallway.png"
    Image.new("RGB", (320, 200), "seagreen").save(photo)
    page.get_by_label("Files").set_input_files(str(photo))
    page.get_by_label("Kind").select_option("before")
    page.locator("#attachment-visible").check()
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#job-files figure")).to_have_count(1)
    expect(page.locator("#job-files")).to_contain_text("hallway.png")
    tab.check("detail")

    # Finishing with a required item open is refused, with the reason.
    page.get_by_role("button", name="Start", exact=True).click()
    page.wait_for_url(f"**/app/jobs/{job.pk}/")
    page.get_by_role("button", name="Finish", exact=True).click()
    expect(page.locator(".alert-danger, .alert-error").first).to_contain_text("Strip beds")
    # Ticking the item swaps the checklist in place (htmx); then it finishes.
    page.get_by_role("button", name="Tick Strip beds").click()
    expect(page.get_by_role("button", name="Untick Strip beds")).to_be_visible()
    page.get_by_role("button", name="Finish", exact=True).click()
    expect(page.locator("#job-status")).to_have_text("Finished")
    tab.check("finished")

    # The list finds it as it is typed; the address bar keeps the search.
    tab.goto("/app/jobs/")
    expect(page.locator(".job-row")).to_have_count(2)
    page.locator("h1").click()
    page.keyboard.press("/")  # jumps to the search box, as in the client directory
    expect(page.get_by_label("Search jobs")).to_be_focused()
    page.get_by_label("Search jobs").fill("lake house")  # the client's property
    expect(page.locator(".job-row")).to_have_count(1)
    expect(page.locator(".job-row")).to_contain_text("John Smith")
    expect(page).to_have_url(re.compile(r"\?q=lake"))
    page.get_by_label("Search jobs").fill("")
    page.get_by_label("Status").select_option("finished")
    expect(page.locator(".job-row")).to_have_count(1)
    assert "date_from=" not in page.url
    tab.check("list-after")


def test_job_pages_on_a_phone(visit, office, setting):
    tab = visit(PHONE, "phone")
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")
    tab.goto("/app/jobs/")
    expect(page.locator(".job-row")).to_have_count(1)
    tab.check("list")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    tab.goto(f"/app/jobs/new/?client={setting['john'].pk}&date=2030-05-06")
    expect(page.get_by_label("Date")).to_have_value("2030-05-06")
    tab.check("new")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Date").fill("")
    page.get_by_role("button", name="Add job").click()
    expect(page.locator("#form-errors")).to_be_visible()
    tab.check("new-errors")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Date").fill("2030-05-07")
    page.get_by_role("button", name="Add job").click()
    page.wait_for_url(re.compile(r"/app/jobs/\d+/$"))
    tab.check("detail")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    tab.goto("/app/jobs/checklists/")
    tab.check("checklists")
    tab.goto("/app/jobs/checklists/new/")
    page.get_by_role("button", name="Add an item").click()
    expect(page.locator(".checklist-item-row")).to_have_count(4)
    tab.check("checklist-new")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
