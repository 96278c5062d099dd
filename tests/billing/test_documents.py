"""The invoice and batch documents: one template for the page, the email and the PDF; the PDF
renderer that fetches nothing but our static files and the brand's logo; the office's
downloads, and a big batch's PDF made in the background with its progress."""

import http.server
import socketserver
import threading
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils.html import escape

from crewdesk.billing import documents, services
from crewdesk.billing.documents import AppliedPayment, DocumentFetcher, html_to_pdf
from crewdesk.billing.models import BatchPdf, RenderStatus
from crewdesk.billing.services import LineInput as HandLine
from crewdesk.core.models import Brand
from tests.billing.conftest import pay
from tests.billing.documents_world import (
    make_brand,
    make_full_invoice,
    pdf_first_page_png,
    pdf_pages,
    pdf_text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def invoice(owner, billed):
    make_brand(owner)
    return make_full_invoice(owner, billed)


def _page(invoice) -> str:
    return documents.invoice_html(doc=documents.invoice_document(invoice=invoice), medium="page")


def _hand_invoice(owner, client, *descriptions, issue=True, **extra):
    return services.invoice_create(
        actor=owner,
        client=client,
        lines=[HandLine(text, "10.00") for text in descriptions],
        issue=issue,
        **extra,
    )


# --- what a document shows -------------------------------------------------------------------


def test_the_invoice_document_has_every_part(invoice):
    html = _page(invoice)

    for part in (
        "Sparkle Crew",  # the brand's name, address and contact details
        "500 Market St",
        "San Francisco, CA 94105",
        "billing@sparkle.example",
        "(415) 555-0100",
        'src="data:image/png;base64,',  # its logo
        "Dawson Holdings LLC",  # the client's billing name and address
        "77 Elm Street",
        "Oakland, CA 94607",
        "Turnover clean",  # the jobs, with their dates and properties
        "Deep clean",
        "Harbor House",
        "Lake Cabin",
        "Standard clean",  # the lines
        "Linen change",
        "Trip fee",
        "INV-0001",
        "$120.00",
        "$30.00",
        "Discount (10%)",
        "−$41.50",
        "Tax (8.875%)",
        "$31.15",
        "$404.65",  # total and balance due
        "Balance due",
        "Net 14 days",
        "Thank you for your business!<br>Gate code changed.",
        "Not taxed",  # the trip fee is not taxable
    ):
        assert part in html, part
    assert invoice.due_date and documents.formats.format_day(invoice.due_date) in html


def test_the_email_and_the_pdf_carry_the_public_link_the_page_does_not(invoice):
    doc = documents.invoice_document(invoice=invoice)
    link = documents.public_url(invoice.public_token)
    assert link.endswith(f"/d/{invoice.public_token}/")
    assert link in documents.invoice_html(doc=doc, medium="email")
    assert link in documents.invoice_html(doc=doc, medium="pdf")
    assert link not in documents.invoice_html(doc=doc, medium="page")  # it is the page


def test_the_clients_brand_wins_over_the_default_and_without_one_the_company_name(owner, billed):
    make_brand(owner, logo=False)
    other = make_brand(owner, logo=False, name="Pool Pros", is_default=False)
    invoice = _hand_invoice(owner, billed, "Clean")
    assert "Sparkle Crew" in _page(invoice)

    billed.brand = other
    billed.save()
    invoice.refresh_from_db()
    assert "Pool Pros" in _page(invoice) and "Sparkle Crew" not in _page(invoice)

    billed.brand = None
    billed.save()
    Brand.objects.all().delete()
    invoice.refresh_from_db()
    assert owner.company.name in _page(invoice)


def test_payments_applied_come_from_the_payments_app_with_their_card_fee(
    owner, billed, monkeypatch
):
    invoice = _hand_invoice(owner, billed, "Clean", "Windows")  # 20.00
    pay(invoice, D("15.00"))
    invoice.refresh_from_db()
    html = _page(invoice)  # the payments app's registration: each payment, by its name
    assert "Check" in html and "−$15.00" in html and "Payments received" not in html
    monkeypatch.setattr(documents, "INVOICE_PAYMENTS", [])
    assert "Payments received" in _page(invoice)  # without payments: the amount paid
    assert "−$15.00" in _page(invoice)

    def applied(*, invoices):
        return {
            i.pk: [AppliedPayment(i.issue_date, "Card ending 4242", D("15.00"), fee=D("0.45"))]
            for i in invoices
        }

    monkeypatch.setattr(documents, "INVOICE_PAYMENTS", [applied])
    html = _page(invoice)
    assert "Card ending 4242" in html and "−$15.00" in html
    assert "Card fees of $0.45" in html  # kept on the payment, never on the invoice
    assert "Payments received" not in html
    assert "$5.00" in html  # the balance


def _void(owner, invoice):
    services.invoice_void(actor=owner, invoice=invoice)


def _pay(owner, invoice):
    pay(invoice, invoice.balance)


def _write_off(owner, invoice):
    services.invoice_write_off(actor=owner, invoice=invoice)


@pytest.mark.parametrize(
    ("make", "stamp"),
    [(_void, "Void"), (_pay, "Paid"), (_write_off, "Bad debt")],
    ids=["void", "paid", "bad-debt"],
)
def test_void_paid_and_bad_debt_invoices_carry_a_stamp(owner, billed, make, stamp):
    invoice = _hand_invoice(owner, billed, "Clean")
    assert "doc-stamp" not in _page(invoice)  # open: none
    make(owner, invoice)
    invoice.refresh_from_db()
    html = _page(invoice)
    assert f">{stamp}</p>" in html and "doc-stamp" in html


def test_a_draft_says_draft_and_owes_nothing_yet(owner, billed):
    invoice = _hand_invoice(owner, billed, "Clean", issue=False)
    html = _page(invoice)
    assert ">Draft</p>" in html  # the stamp, and the number's place
    assert "Balance due" not in html


def test_text_typed_by_people_is_escaped_in_the_page_the_email_and_the_pdf(owner, billed):
    script = '<script>alert("x")</script>'
    invoice = _hand_invoice(owner, billed, script, customer_message=f"Hi {script}")
    doc = documents.invoice_document(invoice=invoice)
    for medium in ("page", "email", "pdf"):
        html = documents.invoice_html(doc=doc, medium=medium)
        assert script not in html
        assert escape(script) in html
    text = pdf_text(documents.invoice_pdf(invoice=invoice))
    assert script in text  # shown as typed, as text


# --- the PDF ---------------------------------------------------------------------------------


def test_the_pdf_is_a_pdf_whose_first_page_draws_the_invoice(invoice, tmp_path):
    data = documents.invoice_pdf(invoice=invoice)

    assert data.startswith(b"%PDF-")
    assert pdf_pages(data) == 1
    image = pdf_first_page_png(data, tmp_path / "invoice.png").convert("L")
    assert image.width > 500
    dark = sum(image.histogram()[:128])
    assert dark > 2000  # text and the logo were drawn, not a blank page
    text = pdf_text(data)
    for part in ("INV-0001", "Dawson Holdings LLC", "Standard clean", "$404.65", "1 / 1"):
        assert part in text, part
    assert "/d/" + invoice.public_token in text.replace("\r", "").replace("\n", "")


def test_a_us_invoice_is_printed_on_letter_and_a_french_one_on_a4(invoice, owner):
    import pypdfium2

    def size(data):
        pdf = pypdfium2.PdfDocument(data)
        try:
            return tuple(round(v) for v in pdf[0].get_size())
        finally:
            pdf.close()

    assert size(documents.invoice_pdf(invoice=invoice)) == (612, 792)
    owner.company.country = "FR"
    owner.company.save()
    invoice.refresh_from_db()
    assert size(documents.invoice_pdf(invoice=invoice)) == (595, 842)


class _Listener(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """A tiny HTTP server on this machine that notes every request it gets."""
    _Listener.hits = []
    server = socketserver.TCPServer(("127.0.0.1", 0), _Listener)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Listener.hits
    server.shutdown()
    server.server_close()


def test_a_description_pointing_at_a_local_server_fetches_nothing(owner, billed, listener):
    base, hits = listener
    payloads = [
        f'<img src="{base}/img">',
        f'<link rel="stylesheet" href="{base}/css">',
        f"<style>body {{ background: url({base}/bg) }}</style>",
    ]
    invoice = _hand_invoice(owner, billed, *payloads, customer_message=payloads[0])
    data = documents.invoice_pdf(invoice=invoice)
    assert data.startswith(b"%PDF-")
    assert hits == []


def test_the_pdf_renderer_refuses_everything_but_our_static_files_and_the_logo(invoice, listener):
    """Were markup ever to get past the escaping, the fetcher still reaches nothing."""
    base, hits = listener
    brand = Brand.objects.get(is_default=True)
    fetcher = DocumentFetcher(logos={"/logo/" + str(brand.pk): brand.logo})
    html = f"""<html><head>
      <link rel="stylesheet" href="/static/crewdesk/document.css">
      <link rel="stylesheet" href="{base}/style.css">
      <style>@import url("{base}/import.css"); .a {{ background: url({base}/bg.png) }}
        @font-face {{ font-family: x; src: url({base}/font.woff2) }}</style>
    </head><body class="a">
      <img src="{base}/img.png"><img src="//127.0.0.1/x.png"><img src="file:///etc/passwd">
      <img src="/static/../../settings.py"><img src="/static/%2e%2e/settings.py">
      <img src="/static/crewdesk/app.js"><img src="data:image/png;base64,iVBORw0KGgo=">
      <img src="/logo/{brand.pk}"><img src="/logo/999999"><img src="ftp://127.0.0.1/x">
      <object data="{base}/object"></object><embed src="{base}/embed">
    </body></html>"""

    data = html_to_pdf(html, fetcher=fetcher).write_pdf()

    assert data.startswith(b"%PDF-")
    assert hits == []  # the local server never heard from it
    refused = "\n".join(fetcher.refused)
    for url in (
        f"{base}/style.css",
        f"{base}/import.css",
        f"{base}/img.png",
        "https://127.0.0.1/x.png",
        "file:///etc/passwd",
        "settings.py",
        "/static/crewdesk/app.js",  # a script is no document's business
        "data:image/png",
        "/logo/999999",
        "ftp://127.0.0.1/x",
    ):
        assert url in refused, url
    assert "document.css" not in refused and f"/logo/{brand.pk}" not in refused


def test_the_logo_is_read_from_storage_made_small_and_drawn(invoice):
    brand = Brand.objects.get(is_default=True)
    fetcher = DocumentFetcher()
    documents.invoice_pdf(invoice=invoice, fetcher=fetcher)
    assert fetcher.refused == []
    assert f"/logo/{brand.pk}" in fetcher.logos
    png = documents.logo_png(brand.logo)
    assert png.startswith(b"\x89PNG")


# --- batches ---------------------------------------------------------------------------------


@pytest.fixture
def batch(owner, billed, invoice):
    second = _hand_invoice(owner, billed, "Window cleaning")
    pay(second, D("4.00"))
    return services.batch_create(actor=owner, client=billed, invoices=[invoice.pk, second.pk])


def test_the_batch_document_shows_each_invoice_then_the_grand_total(batch):
    doc = documents.batch_document(batch=batch)
    html = documents.batch_html(doc=doc, medium="page")

    assert [d.number for d in doc.invoices] == ["INV-0001", "INV-0002"]
    # 404.65, and 10.00 with 8.875% tax
    assert (doc.total, doc.paid, doc.balance) == (D("415.54"), D("4.00"), D("411.54"))
    for part in (
        "B-0001",
        "Dawson Holdings LLC",
        "Standard clean",  # the first invoice's lines, dates and properties
        "Harbor House",
        "Tax (8.875%)",
        "Window cleaning",  # the second's
        "Check",  # the payment on it (payments' INVOICE_PAYMENTS)
        "−$4.00",
        "$415.54",  # the grand total
        "$411.54",
    ):
        assert part in html, part


def test_a_voided_invoice_leaves_the_batch_document(owner, batch):
    first = batch.invoices.get(number="INV-0001")
    services.invoice_void(actor=owner, invoice=first)
    doc = documents.batch_document(batch=batch)
    assert [d.number for d in doc.invoices] == ["INV-0002"]
    assert doc.balance == D("6.89")


def test_the_batch_pdf_holds_every_invoice_and_reports_its_progress(batch, monkeypatch):
    monkeypatch.setattr(documents, "BATCH_CHUNK", 1)
    steps = []

    data = documents.batch_pdf(batch=batch, progress=lambda done, total: steps.append(done))

    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for part in ("B-0001", "INV-0001", "INV-0002", "Standard clean", "Window cleaning"):
        assert part in text, part
    assert steps == [0, 1, 2]


# --- the office's downloads ----------------------------------------------------------------------


def test_the_office_downloads_an_invoice_pdf_named_by_its_number(client_as, office, invoice):
    response = client_as(office).get(reverse("documents:invoice_pdf", args=[invoice.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="invoice-INV-0001.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_draft_downloads_as_a_draft(client_as, owner, billed):
    invoice = _hand_invoice(owner, billed, "Clean", issue=False)
    response = client_as(owner).get(reverse("documents:invoice_pdf", args=[invoice.pk]))
    assert f'filename="invoice-draft-{invoice.pk}.pdf"' in response["Content-Disposition"]


def test_employees_and_customers_get_no_pdf(client_as, employee, customer, invoice, batch):
    for member in (employee, customer):
        web = client_as(member)
        assert web.get(reverse("documents:invoice_pdf", args=[invoice.pk])).status_code == 403
        assert web.get(reverse("documents:batch_pdf", args=[batch.pk])).status_code == 403


def test_a_small_batch_pdf_comes_at_once(client_as, office, batch):
    response = client_as(office).get(reverse("documents:batch_pdf", args=[batch.pk]))
    assert response.status_code == 200
    assert 'filename="batch-B-0001.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_big_batch_pdf_is_made_in_the_background_with_its_progress(
    client_as, office, batch, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(documents, "BATCH_PDF_WHILE_WAITING", 1)
    monkeypatch.setattr(documents, "BATCH_CHUNK", 1)
    web = client_as(office)
    url = reverse("documents:batch_pdf", args=[batch.pk])
    status_url = reverse("documents:batch_pdf_status", args=[batch.pk])

    page = web.get(url)
    assert page.status_code == 200 and b"Prepare the PDF" in page.content
    assert web.get(status_url, headers={"Accept": "application/json"}).json()["status"] is None

    with django_capture_on_commit_callbacks(execute=False) as queued:
        web.post(reverse("documents:batch_pdf_prepare", args=[batch.pk]))
        web.post(reverse("documents:batch_pdf_prepare", args=[batch.pk]))  # a second click
    assert BatchPdf.objects.filter(batch=batch).count() == 1
    waiting = web.get(url)
    assert b"Preparing the PDF" in waiting.content and b'hx-trigger="every 1s"' in waiting.content
    state = web.get(status_url, headers={"Accept": "application/json"}).json()
    assert state == {
        "status": "queued",
        "done": 0,
        "total": 2,
        "percent": 0,
        "ready": False,
        "error": "",
    }

    for callback in queued:  # the background worker runs the task
        callback()

    render = BatchPdf.objects.get(batch=batch)
    assert render.status == RenderStatus.DONE and render.percent == 100
    state = web.get(status_url, headers={"Accept": "application/json"}).json()
    assert state["ready"] is True and state["percent"] == 100
    assert b"Download the PDF" in web.get(status_url, headers={"HX-Request": "true"}).content
    download = web.get(url)
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_changed_batch_needs_its_pdf_made_again(
    owner, batch, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(documents, "BATCH_PDF_WHILE_WAITING", 1)
    with django_capture_on_commit_callbacks(execute=True):
        render = documents.batch_pdf_prepare(batch=batch)
    render.refresh_from_db()
    assert documents.batch_pdf_is_fresh(render, batch=batch)

    second = batch.invoices.get(number="INV-0002")
    pay(second, D("1.00"))  # a payment changes it
    assert not documents.batch_pdf_is_fresh(render, batch=batch)
    with django_capture_on_commit_callbacks(execute=True):
        newer = documents.batch_pdf_prepare(batch=batch)
    assert newer.pk != render.pk
    assert list(BatchPdf.objects.filter(batch=batch)) == [newer]  # the old one and its file go


def test_a_render_whose_worker_stopped_is_reported_failed(batch, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    render = BatchPdf.objects.create(
        company_id=batch.company_id,
        batch=batch,
        total=2,
        progress_at=timezone.now() - timedelta(hours=1),
    )
    latest = documents.batch_pdf_latest(batch=batch)
    assert latest.pk == render.pk and latest.status == RenderStatus.FAILED
    assert "stopped" in latest.error
