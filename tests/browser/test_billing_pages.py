"""The office's billing pages in a real browser: a finished job is invoiced from "Ready to
invoice", the draft issued, and the invoice found in the list as its client is typed; the
same pages on a 390 px phone. Screenshots in test-artifacts/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from crewdesk.billing.models import Invoice, InvoiceStatus
from crewdesk.clients.services import ClientInput, client_create
from crewdesk.jobs.services import LineInput
from tests.billing.conftest import finish
from tests.browser.conftest import PHONE, log_in
from tests.factories import make_job, make_property

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(owner):
    def client(first, last):
        return client_create(
            actor=owner,
            data=ClientInput(
                fields={"first_name": first, "last_name": last, "email": f"{first}@example.com"}
            ),
            allow_duplicate=True,
        )

    john = client("John", "Smith")
    house = make_property(owner, john, name="Lake house", street="4 Shore Drive")
    job = finish(
        owner,
        make_job(
            owner,
            house,
            title="Weekend turnover",
            lines=[LineInput("Turnover clean", 1, "140.00"), LineInput("Linen", 2, "12.50")],
        ),
    )
    ann = client("Ann", "Lee")
    other = finish(
        owner,
        make_job(
            owner,
            make_property(owner, ann, street="77 Birch Lane"),
            title="Gutters",
            lines=[LineInput("Gutter cleaning", 1, "90.00")],
        ),
    )
    return {"john": john, "job": job, "other": other}


def test_office_invoices_a_finished_job_issues_it_and_finds_it(visit, office, setting):
    tab = visit()
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")
    expect(page.locator("#home-money-ready")).to_have_text("2")
    tab.check("home")

    navigation = page.get_by_role("navigation", name="Main").first
    navigation.get_by_role("link", name="Ready to invoice").click()
    page.wait_for_url("**/app/invoices/ready/")
    expect(page.locator(".ready-row")).to_have_count(2)
    expect(page.locator(".ready-row").first).to_contain_text("$165.00")
    # "Select every job" ticks the page; the count is announced; one is left out again.
    page.get_by_label("Select every job on this page").check()
    expect(page.locator("#ready-chosen")).to_have_text("2 chosen")
    page.get_by_label(re.compile("Ann Lee")).uncheck()
    expect(page.locator("#ready-chosen")).to_have_text("1 chosen")
    tab.check("ready")
    page.get_by_role("button", name="Invoice these").click()

    page.wait_for_url(re.compile(r"/app/invoices/\d+/$"))
    invoice = Invoice.objects.get()
    assert invoice.status == InvoiceStatus.DRAFT and invoice.client == setting["john"]
    expect(page.locator(".alert-success")).to_contain_text("1 draft invoice made for 1 job")
    expect(page.locator("#invoice-total")).to_have_text("$165.00")
    expect(page.locator("#invoice-jobs")).to_contain_text("Weekend turnover")
    tab.check("draft")

    page.get_by_role("button", name="Issue invoice").click()
    page.wait_for_url(f"**/app/invoices/{invoice.pk}/")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN and invoice.number
    expect(page.locator("#invoice-title")).to_contain_text(invoice.number)
    expect(page.locator("#invoice-status")).to_contain_text("Open")
    expect(page.locator("#invoice-balance")).to_have_text("$165.00")
    expect(page.locator("#invoice-history")).to_contain_text("issued the invoice")
    tab.check("issued")

    page.get_by_role("link", name="Invoices", exact=True).first.click()
    page.wait_for_url("**/app/invoices/")
    expect(page.locator(".invoice-row")).to_have_count(1)
    expect(page.locator(".invoice-row")).to_contain_text(invoice.number)
    # "/" jumps to the search box; typing narrows the list without a page load.
    page.keyboard.press("/")
    expect(page.locator("#invoice-search")).to_be_focused()
    page.keyboard.type("nobody")
    expect(page.locator("#invoice-empty")).to_contain_text("No invoice matches")
    page.locator("#invoice-search").fill("smith")
    expect(page.locator(".invoice-row")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"q=smith"))
    tab.check("list")

    # The job's page tells what of it is invoiced.
    tab.goto(f"/app/jobs/{setting['job'].pk}/")
    expect(page.locator("#job-invoicing")).to_contain_text(invoice.number)
    expect(page.locator("#job-invoicing")).to_contain_text("Every line is invoiced.")
    tab.check("job")


def test_the_billing_pages_on_a_phone(visit, owner, office, setting):
    from crewdesk.billing import services

    invoice = services.invoice_create(
        actor=owner, client=setting["john"], jobs=[setting["job"]], issue=True
    )
    tab = visit(PHONE, "phone")
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")
    tab.check("home")
    fits = "() => document.documentElement.scrollWidth <= window.innerWidth"

    tab.goto("/app/invoices/")
    expect(page.locator(".invoice-row")).to_have_count(1)
    assert page.evaluate(fits), "the list is wider than the phone"
    tab.check("list")

    page.locator(".invoice-row").first.click()
    page.wait_for_url(f"**/app/invoices/{invoice.pk}/")
    expect(page.locator("#invoice-balance")).to_have_text("$165.00")
    assert page.evaluate(fits), "the invoice page is wider than the phone"
    tab.check("invoice")

    # The void form opens under the actions, and a reason is asked for.
    page.get_by_role("button", name="Void…").click()
    expect(page.get_by_label("Reason")).to_be_visible()
    expect(page.locator("#void-box")).to_have_class(re.compile(r"^(?!.*collapsing).*\bshow\b"))
    tab.check("void-form")

    tab.goto("/app/invoices/ready/")
    expect(page.locator(".ready-row")).to_have_count(1)
    assert page.evaluate(fits), "ready to invoice is wider than the phone"
    tab.check("ready")

    tab.goto(f"/app/invoices/new/?client={setting['john'].pk}")
    page.get_by_role("button", name="Add a line").click()
    expect(page.locator(".hand-line")).to_have_count(4)
    assert page.evaluate(fits), "the invoice form is wider than the phone"
    tab.check("new")
