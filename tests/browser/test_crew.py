"""The crew on a phone: today's job, the checklist, a photo, on the way → started → finished.
And the office's schedule week on a desktop."""

import datetime
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from crewdesk.clients.services import ClientInput, client_create
from crewdesk.jobs.models import Job, JobAttachment, JobStatus
from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.factories import company_today, make_job, make_property

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(owner, office, employee, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client = client_create(
        actor=owner,
        data=ClientInput(
            fields={"kind": "company", "company_name": "Harbor Vacation Rentals"},
            phones=[("mobile", "+1 415 555 0199")],
        ),
        allow_duplicate=True,
    )
    prop = make_property(
        owner,
        client,
        name="Lake house",
        street="12 Ocean Avenue",
        city="Santa Cruz",
        region="CA",
        access_notes="Lockbox 4512 by the garage. Dog is friendly.",
    )
    today = company_today(owner)
    job = make_job(
        owner,
        prop,
        hour=9,
        assignees=[employee],
        title="Turnover clean",
        customer_notes="Guests arrive at 4 pm.",
        checklist=[("Strip and make the beds", True), ("Check the fridge", False)],
    )
    make_job(owner, prop, hour=14, assignees=[employee, office], title="Windows")
    make_job(owner, prop, hour=11, title="Pool check")  # unassigned
    make_job(owner, prop, day=today + datetime.timedelta(days=1), assignees=[employee])
    return job


def test_employee_works_todays_job_on_a_phone(visit, employee, world, tmp_path):
    job = world
    tab = visit(PHONE, "phone")
    page = tab.page
    log_in(tab, "carol", "carol@example.com")
    page.wait_for_url("**/app/**")
    tab.goto("/app/crew/")
    expect(page.get_by_role("heading", name=re.compile("Today"))).to_be_visible()
    tab.check("home")

    page.get_by_role("link", name=re.compile("Turnover clean")).click()
    page.wait_for_url(f"**/app/crew/jobs/{job.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Turnover clean")
    expect(page.get_by_text("Lockbox 4512")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"\+1 415-555-0199"))).to_be_visible()
    tab.check("job")

    page.get_by_role("button", name="On the way").click()
    expect(page.get_by_text("The job is now on the way.")).to_be_visible()
    page.get_by_role("button", name="Start", exact=True).click()
    expect(page.get_by_text("The job is now started.")).to_be_visible()

    # Finishing before the required item is ticked is refused, with the reason at the top.
    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the required checklist items first")
    tab.check("refused")

    item = page.get_by_role("button", name=re.compile("Strip and make the beds"))
    expect(item).to_have_attribute("aria-pressed", "false")
    item.click()
    expect(
        page.get_by_role("button", name=re.compile("Strip and make the beds"))
    ).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_text(re.compile("done by"))).to_be_visible()

    photo = tmp_path / "before.jpg"
    Image.new("RGB", (320, 240), (30, 120, 200)).save(photo, "JPEG")
    page.get_by_label("What the photo shows").select_option("before")
    page.get_by_label("Photo", exact=True).set_input_files(str(photo))
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_text("Photo added.")).to_be_visible()
    expect(page.locator(".crew-photos img")).to_have_count(1)
    assert JobAttachment.objects.filter(job=job, kind="before").count() == 1
    tab.check("photo")

    page.get_by_role("button", name="Finish").click()
    expect(page.get_by_text("The job is now finished.")).to_be_visible()
    job.refresh_from_db()
    assert job.status == JobStatus.FINISHED
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the crew page scrolls sideways on a phone"
    tab.check("finished")


def test_office_schedule_week(visit, owner, office, employee, world):
    # Tomorrow's job is in this week's grid unless today is its last day (Sunday).
    tomorrows = int(company_today(owner).weekday() < 6)
    tab = visit(DESKTOP, "desktop")
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/**")
    tab.goto("/app/schedule/?view=week")
    expect(page.get_by_role("heading", name=re.compile("Schedule"))).to_be_visible()
    expect(page.get_by_role("rowheader", name=re.compile("Unassigned"))).to_be_visible()
    expect(page.locator(".schedule-card")).to_have_count(4 + tomorrows)  # the pair shows twice
    tab.check("week")

    # The keyboard way: the card's Move link, a day and a person.
    page.get_by_role("link", name=re.compile("Move .*11:00")).click()
    dialog = page.locator("#move-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Day")).to_be_focused()
    tab.check("move-dialog")
    dialog.get_by_label("Crew", exact=True).select_option(str(employee.pk))
    dialog.get_by_role("button", name="Move", exact=True).click()
    page.wait_for_url("**/app/schedule/**")
    expect(page.get_by_role("status")).to_contain_text("moved")
    pool = Job.objects.get(title="Pool check")
    assert list(pool.assignments.values_list("membership_id", flat=True)) == [employee.pk]
    tab.check("moved")

    # Drag and drop: the pool check from carol's row back to the Unassigned row, same day.
    day = pool.scheduled_date.isoformat()
    card = page.locator(f'.schedule-card[data-job="{pool.pk}"]')
    target = page.locator(f'.schedule-cell[data-assignee=""][data-date="{day}"]')
    # Headless chromium does not run native drags: send the same HTML5 drag events.
    data = page.evaluate_handle("() => new DataTransfer()")
    card.dispatch_event("dragstart", {"dataTransfer": data})
    target.dispatch_event("dragover", {"dataTransfer": data})
    with page.expect_response(lambda r: "/move/" in r.url) as moved:
        target.dispatch_event("drop", {"dataTransfer": data})
    assert moved.value.json() == {"ok": True, "date": day}
    card.dispatch_event("dragend", {"dataTransfer": data})
    expect(target.locator(f'.schedule-card[data-job="{pool.pk}"]')).to_have_count(1)
    page.wait_for_load_state("networkidle")
    expect(page.locator("#schedule-alert .alert")).to_have_count(0)
    assert not pool.assignments.exists()
    expect(page.locator("tr.row-unassigned-busy")).to_have_count(1)
    tab.check("dragged")


def test_office_schedule_on_a_phone(visit, owner, office, world):
    # A job on the week's last day too, whatever today is: its card (and the hidden words of
    # its Move link) sits at the far right of the week, off the phone's screen.
    today = company_today(owner)
    sunday = today + datetime.timedelta(days=6 - today.weekday())
    make_job(owner, world.property, day=sunday, hour=16, title="Sunday windows")
    tab = visit(PHONE, "phone")
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/**")
    tab.goto("/app/schedule/?view=day")
    expect(page.locator(".schedule-card")).to_have_count(4 + (sunday == today))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    tab.check("day")
    tab.goto("/app/schedule/?view=week")
    expect(page.locator(".schedule-card", has_text="Sunday windows")).to_have_count(1)
    # The week scrolls sideways inside its box; the page itself does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    tab.check("week")
