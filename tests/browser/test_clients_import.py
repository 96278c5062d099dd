"""CSV import in a real browser: the office uploads a Jobber export, checks the column mapping,
sees the preview with its problem rows (errors first), imports a likely duplicate it chooses row
by row, starts the import and watches the progress bar (polled by htmx) reach done; on a
desktop and on a phone."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from crewdesk.clients import importing
from crewdesk.clients import tasks as import_tasks
from crewdesk.clients.models import Client, ClientImport
from crewdesk.clients.services import ClientInput, client_create
from tests.browser.conftest import PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parents[1] / "clients" / "fixtures"


class HeldTask:
    """Stands in for the import task: keeps the job queued until the test lets the worker run,
    so the page is seen waiting and polling before the import finishes."""

    def __init__(self, task) -> None:
        self.task = task
        self.queued: list[tuple] = []

    def enqueue(self, *args) -> None:
        self.queued.append(args)

    def run_all(self) -> None:
        for args in self.queued:
            self.task.call(*args)


@pytest.fixture
def held_import(monkeypatch):
    held = HeldTask(import_tasks.client_import_run)
    monkeypatch.setattr(import_tasks, "client_import_run", held)
    return held


def no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width}px wide"


def upload_and_check(tab, file: Path):
    page = tab.page
    tab.goto("/app/clients/import/")
    tab.check("1-upload")
    page.get_by_label("CSV file").set_input_files(str(file))
    page.get_by_role("button", name="Upload and match columns").click()
    page.wait_for_url(re.compile(r"/import/\d+/mapping/$"))


def test_office_imports_a_jobber_export_and_watches_it_finish(visit, office, held_import):
    tab = visit()
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")

    upload_and_check(tab, FIXTURES / "jobber_clients.csv")
    no_sideways_scroll(page)
    # The columns of a Jobber export are recognised; property columns are ignored.
    expect(page.get_by_label("E-mails")).to_have_value("email")
    expect(page.get_by_label("Billing Zip code")).to_have_value("postal_code")
    expect(page.get_by_label("Mobile Phone #s")).to_have_value("phone:mobile")
    expect(page.get_by_label("Main Phone #s")).to_have_value("phone:main")
    expect(page.get_by_label("Service Street 1")).to_have_value("")
    page.get_by_label("Lead Source").select_option("")
    tab.check("2-mapping")

    page.get_by_role("button", name="Check the rows").click()
    page.wait_for_url(re.compile(r"/import/\d+/preview/$"))
    expect(page.locator("#count-good")).to_have_text("3")
    expect(page.locator("#count-errors")).to_have_text("2")
    expect(page.locator("#count-duplicates")).to_have_text("1")
    # Errors first, then the likely duplicate, which says what matched.
    rows = page.locator(".import-problem")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Enter a valid email address.")
    expect(rows.nth(2)).to_contain_text(
        "Same email as row 2 of this file: maria.gonzalez@example.com."
    )
    summary = page.locator("#import-summary")
    expect(summary).to_contain_text("3 rows will be imported.")
    expect(summary).to_contain_text("0 of 1 likely duplicate will be imported.")
    repeat = page.locator("#import-row-7")
    expect(repeat.get_by_role("button", name="Skip row 7")).to_have_attribute(
        "aria-pressed", "true"
    )
    tab.check("3-preview")

    # The office imports this one duplicate: the row and the counts change in place (htmx).
    repeat.get_by_role("button", name="Import row 7").click()
    expect(
        page.locator("#import-row-7").get_by_role("button", name="Import row 7")
    ).to_have_attribute("aria-pressed", "true")
    expect(summary).to_contain_text("4 rows will be imported.")
    expect(summary).to_contain_text("1 of 1 likely duplicate will be imported.")
    expect(page.locator("#import-start")).to_contain_text("Repeated in the file: 1 of 1 row")
    expect(page.locator("#choose-7-import")).to_have_class(re.compile(r"\bbtn-primary\b"))
    page.wait_for_timeout(300)  # the buttons' colour transition, for the screenshot
    tab.check("3-preview-chosen")
    # The filter lists the errors alone, and the choice is still there on reload.
    page.get_by_role("link", name=re.compile(r"^Errors")).click()
    expect(page.locator(".import-problem")).to_have_count(2)
    page.reload()
    expect(summary).to_contain_text("4 rows will be imported.")

    page.get_by_role("button", name="Start the import").click()
    page.wait_for_url(re.compile(r"/import/\d+/$"))
    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("data-status", "importing")
    expect(progress).to_have_attribute("hx-trigger", "every 1s")
    tab.check("4-importing")

    held_import.run_all()  # the worker imports while the page polls
    expect(progress).to_have_attribute("data-status", "done", timeout=10_000)
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#result-imported")).to_have_text("4")
    expect(page.locator("#result-rejected")).to_have_text("2")
    expect(page.locator("#result-duplicates")).to_have_text("0")
    expect(progress).not_to_have_attribute("hx-trigger", "every 1s")  # polling stopped
    expect(page.get_by_role("link", name="Download the rows not imported (CSV)")).to_be_visible()
    tab.check("5-done")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the rows not imported (CSV)").click()
    report = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert report.splitlines()[0].endswith(",error") and "not-an-email" in report
    assert Client.objects.filter(company=office.company).count() == 4
    assert ClientImport.objects.get().mapping["Lead Source"] == ""


def test_importing_on_a_phone(visit, office, held_import):
    client_create(
        actor=office,
        data=ClientInput(
            fields={"first_name": "Wei", "last_name": "Chen", "email": "wei.chen@example.com"}
        ),
    )
    tab = visit(PHONE, "phone")
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")

    upload_and_check(tab, FIXTURES / "quickbooks_customers.csv")
    expect(page.get_by_label("Tax Resale No.")).to_have_value("tax_id")
    no_sideways_scroll(page)
    tab.check("2-mapping")
    page.get_by_role("button", name="Check the rows").click()
    page.wait_for_url(re.compile(r"/preview/$"))
    expect(page.locator("#count-good")).to_have_text("3")
    expect(page.get_by_text("(same email, same name): wei.chen@example.com")).to_be_visible()
    no_sideways_scroll(page)
    tab.check("3-preview")
    # On a phone too, a likely duplicate is imported or skipped row by row.
    page.get_by_role("button", name="Import row 3").click()
    expect(page.locator("#import-summary")).to_contain_text("4 rows will be imported.")
    page.get_by_role("button", name="Skip row 3").click()
    expect(page.locator("#import-summary")).to_contain_text("3 rows will be imported.")
    expect(page.locator("#choose-3-skip")).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(300)  # the buttons' colour transition, for the screenshot
    no_sideways_scroll(page)
    tab.check("3-preview-chosen")
    page.get_by_role("button", name="Start the import").click()
    page.wait_for_url(re.compile(r"/import/\d+/$"))
    no_sideways_scroll(page)
    tab.check("4-importing")
    held_import.run_all()
    expect(page.locator("#import-progress")).to_have_attribute("data-status", "done")
    no_sideways_scroll(page)
    tab.check("5-done")
    assert importing.import_list(viewer=office).get().imported_count == 3
