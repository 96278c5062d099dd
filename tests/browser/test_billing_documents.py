"""The public link of an invoice and of a batch in a real browser, on a desktop and on a
phone: the document reads well at both widths (nothing wider than the screen), the page has no
console error under our Content-Security-Policy, and its PDF downloads and draws its first
page (saved next to the screenshots)."""

import pytest
from playwright.sync_api import expect

from crewdesk.billing import services
from crewdesk.billing.services import LineInput as HandLine
from tests.billing.documents_world import make_brand, make_full_invoice, pdf_first_page_png
from tests.browser.conftest import PHONE, SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDER_THAN_THE_SCREEN = "() => document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def invoice(owner, customer_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_brand(owner)
    return make_full_invoice(owner, customer_client)


def _read(tab, token: str, shot: str) -> None:
    tab.goto(f"/d/{token}/")
    tab.check(shot)
    assert tab.page.evaluate(WIDER_THAN_THE_SCREEN) <= 0


def test_the_public_invoice_link_on_a_desktop_and_a_phone(visit, invoice):
    desktop = visit()
    _read(desktop, invoice.public_token, "invoice")
    page = desktop.page
    expect(page.get_by_role("heading", name="Invoice INV-0001")).to_be_visible()
    expect(page.locator(".doc-logo")).to_be_visible()
    expect(page.locator(".doc-balance")).to_contain_text("$404.65")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    saved = SCREENSHOTS / f"{desktop.name}-invoice.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "invoice-INV-0001.pdf"
    pdf_first_page_png(saved.read_bytes(), SCREENSHOTS / f"{desktop.name}-invoice-pdf-page1.png")

    phone = visit(PHONE, "phone")
    _read(phone, invoice.public_token, "invoice")
    expect(phone.page.locator(".doc-balance")).to_contain_text("$404.65")


def test_the_public_batch_link_on_a_desktop_and_a_phone(visit, owner, customer_client, invoice):
    second = services.invoice_create(
        actor=owner,
        client=customer_client,
        lines=[HandLine("Window cleaning", "85.00")],
        issue=True,
    )
    batch = services.batch_create(
        actor=owner, client=customer_client, invoices=[invoice.pk, second.pk]
    )

    desktop = visit()
    _read(desktop, batch.public_token, "batch")
    with desktop.page.expect_download() as download:
        desktop.page.get_by_role("link", name="Download PDF").click()
    saved = SCREENSHOTS / f"{desktop.name}-batch.pdf"
    download.value.save_as(saved)
    pdf_first_page_png(saved.read_bytes(), SCREENSHOTS / f"{desktop.name}-batch-pdf-page1.png")

    phone = visit(PHONE, "phone")
    _read(phone, batch.public_token, "batch")


class _Queue:
    """Stands in for the background task: keeps what is queued for the test to run."""

    def __init__(self):
        self.queued = []

    def enqueue(self, render_id):
        self.queued.append(render_id)


def test_the_office_waits_for_a_big_batch_pdf_with_a_progress_bar(
    visit, owner, office, customer_client, invoice, monkeypatch
):
    from crewdesk.billing import documents, tasks
    from crewdesk.billing.models import BatchPdf
    from tests.browser.conftest import log_in

    client = customer_client
    lines = [HandLine("Window cleaning", "85.00")]
    second = services.invoice_create(actor=owner, client=client, lines=lines, issue=True)
    batch = services.batch_create(actor=owner, client=client, invoices=[invoice.pk, second.pk])
    monkeypatch.setattr(documents, "BATCH_PDF_WHILE_WAITING", 1)  # two invoices: "big"
    worker = _Queue()
    monkeypatch.setattr(tasks, "batch_pdf_render", worker)

    tab = visit()
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")
    tab.goto(f"/app/batches/{batch.pk}/pdf")
    tab.check("batch-pdf-start")
    page.get_by_role("button", name="Prepare the PDF").click()
    expect(page.get_by_text("Waiting for the background worker to start")).to_be_visible()
    tab.check("batch-pdf-waiting")

    (render_id,) = worker.queued
    documents.batch_pdf_run(render=BatchPdf.objects.get(pk=render_id))  # the worker's turn

    download_link = page.get_by_role("link", name="Download the PDF")
    expect(download_link).to_be_visible(timeout=10_000)  # the page looked again by itself
    tab.check("batch-pdf-ready")
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == "batch-B-0001.pdf"
