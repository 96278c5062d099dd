"""Issue 12's whole billing story in one browser journey, through the real pages: the office
invoices a finished job, issues and sends it; the customer opens the public link and pays by
card through the Stripe stand-in, and the invoice shows paid only once the signed webhook has
come; the office records a check, approves the customer's Zelle report, builds a batch that the
customer pays in full; the invoice, batch and receipt PDFs download and their first pages are
drawn. Then the customer's part on a 390 px phone. Screenshots in test-artifacts/screenshots/."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from crewdesk.billing import services as billing
from crewdesk.billing.models import Invoice, InvoiceStatus
from crewdesk.billing.services import LineInput as HandLine
from crewdesk.jobs.services import LineInput
from crewdesk.payments.services import payment_report
from tests.billing.conftest import finish
from tests.billing.documents_world import make_brand, pdf_first_page_png
from tests.browser.conftest import EMAILS_A_PDF, PHONE, SCREENSHOTS, log_in, pay_online
from tests.factories import make_job, make_property
from tests.stripe_standin import (  # noqa: F401  (the stand-in's fixtures)
    _stripe_standin_server,
    post_webhook_live,
    stripe_standin,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def story(owner, customer_client, settings, tmp_path):
    """Dave's finished job, not invoiced yet, and four open invoices of his."""
    settings.MEDIA_ROOT = tmp_path / "media"
    make_brand(owner)
    house = make_property(owner, customer_client, name="Lake house", street="4 Shore Drive")
    job = finish(
        owner,
        make_job(
            owner,
            house,
            title="Weekend turnover",
            lines=[LineInput("Turnover clean", 1, "140.00"), LineInput("Linen", 2, "12.50")],
        ),
    )

    def invoice(what, amount):
        lines = [HandLine(what, amount)]
        return billing.invoice_create(actor=owner, client=customer_client, lines=lines, issue=True)

    return {
        "job": job,
        "by_check": invoice("Carpet shampoo", "200.00"),
        "by_zelle": invoice("Oven clean", "75.00"),
        "batched": [invoice("Window cleaning", "60.00"), invoice("Patio sweep", "45.00")],
    }


def _download(tab, link_name: str, shot: str) -> None:
    """Click a "Download PDF" link; keep the PDF and draw its first page next to the shots."""
    with tab.page.expect_download() as download:
        tab.page.get_by_role("link", name=link_name).click()
    _keep_pdf(tab, download.value.path().read_bytes(), shot)


def _keep_pdf(tab, data: bytes, shot: str) -> None:
    assert data.startswith(b"%PDF")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{tab.name}-{shot}.pdf").write_bytes(data)
    pdf_first_page_png(data, SCREENSHOTS / f"{tab.name}-{shot}-pdf-page1.png")


def _pay_by_card(tab, token: str, amount: str, shots: str) -> None:
    pay_online(tab, token, "Credit card", shots)
    expect(tab.page.get_by_test_id("total")).to_have_text(amount)
    tab.check(f"{shots}-confirm")
    tab.page.get_by_role("button", name=f"Pay {amount}").click()
    expect(tab.page.locator("#pay-thanks")).to_be_visible()
    tab.check(f"{shots}-thanks")


def _succeed(live_server, stripe_standin) -> None:  # noqa: F811
    """Stripe's signed word that the newest payment intent succeeded."""
    intent_id = list(stripe_standin.intents)[-1]
    event = stripe_standin.intent_event(intent_id, "payment_intent.succeeded")
    assert post_webhook_live(live_server.url, event) == 200


def test_the_whole_billing_story(
    visit,
    live_server,
    stripe_standin,  # noqa: F811
    office,
    customer,
    customer_client,
    story,
):
    tab = visit()
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")

    # 1. The finished job is invoiced from "Ready to invoice", then issued.
    tab.goto(reverse("billing:ready"))
    expect(page.locator(".ready-row")).to_have_count(1)
    page.get_by_label("Select every job on this page").check()
    tab.check("01-ready")
    page.get_by_role("button", name="Invoice these").click()
    page.wait_for_url(re.compile(r"/app/invoices/\d+/$"))
    expect(page.locator("#invoice-total")).to_have_text("$165.00")
    tab.check("02-draft")
    page.get_by_role("button", name="Issue invoice").click()
    expect(page.locator("#invoice-status")).to_contain_text("Open")
    expect(page.locator("#invoice-balance")).to_have_text("$165.00")
    invoice = Invoice.objects.filter(lines__job=story["job"]).distinct().get()
    tab.check("03-issued")

    # 2. Sent to the client's address.
    page.get_by_role("button", name="Send…").click()
    page.get_by_label("To", exact=True).select_option(customer_client.email)
    page.locator("#send-submit").click()
    sent = page.get_by_text(f"Sent to {customer_client.email}.")
    expect(sent).to_be_visible(timeout=EMAILS_A_PDF)
    public_path = page.locator("#public-link").get_attribute("href")
    assert public_path.endswith(f"/d/{invoice.public_token}/")
    tab.check("04-sent")

    # 3. The customer opens the link, downloads the PDF and pays by card.
    customer_tab = visit(label="customer")
    customer_tab.goto(f"/d/{invoice.public_token}/")
    expect(customer_tab.page.locator(".doc-balance")).to_contain_text("$165.00")
    _download(customer_tab, "Download PDF", "invoice")
    _pay_by_card(customer_tab, invoice.public_token, "$165.00", "card")

    # Stripe took the money but has not said so yet: not paid, anywhere.
    customer_tab.goto(f"/d/{invoice.public_token}/")
    expect(customer_tab.page.get_by_text("Payment processing")).to_be_visible()
    expect(customer_tab.page.locator(".doc-stamp")).to_have_count(0)
    customer_tab.check("card-processing")
    page.reload()
    expect(page.locator("#invoice-status")).to_contain_text("Open")
    expect(page.locator("#invoice-balance")).to_have_text("$165.00")
    tab.check("05-before-webhook")

    _succeed(live_server, stripe_standin)
    customer_tab.page.reload()
    expect(customer_tab.page.locator(".doc-stamp")).to_contain_text("Paid")
    customer_tab.check("card-paid")
    page.reload()
    expect(page.locator("#invoice-status")).to_contain_text("Paid")
    expect(page.locator("#invoice-balance")).to_have_text("$0.00")
    tab.check("06-paid-online")

    # 4. A check is recorded from its invoice; its receipt downloads.
    by_check = story["by_check"]
    tab.goto(reverse("billing:invoice_detail", args=[by_check.pk]))
    page.locator("#invoice-record-payment").click()
    page.wait_for_url("**/app/payments/new/**")
    expect(page.locator("#id_amount")).to_have_value("200.00")
    page.get_by_label("Reference").fill("1042")
    tab.check("07-check-form")
    page.locator("#payment-save").click()
    page.wait_for_url(re.compile(r"/app/payments/\d+/$"))
    expect(page.locator("#payment-amount")).to_have_text("$200.00")
    tab.check("08-check-recorded")
    _download(tab, "Receipt PDF", "receipt")
    tab.goto(reverse("billing:invoice_detail", args=[by_check.pk]))
    expect(page.locator("#invoice-status")).to_contain_text("Paid")

    # 5. The customer says they paid by Zelle; the office approves it.
    by_zelle = story["by_zelle"]
    payment_report(
        actor=customer, method="zelle", amount="75.00", reference="ZL-7731", invoice=by_zelle.pk
    )
    tab.goto(reverse("payments:approvals"))
    row = page.locator(".approval-row")
    expect(row).to_contain_text("ZL-7731")
    tab.check("09-approvals")
    row.get_by_role("button", name="Approve").click()
    expect(row).to_contain_text("Approved", timeout=EMAILS_A_PDF)
    tab.check("10-approved")
    tab.goto(reverse("billing:invoice_detail", args=[by_zelle.pk]))
    expect(page.locator("#invoice-status")).to_contain_text("Paid")
    expect(page.locator("#invoice-balance")).to_have_text("$0.00")

    # 6. The last two open invoices go in a batch, which the customer pays in full.
    tab.goto(reverse("billing:batch_new") + f"?client={customer_client.pk}")
    expect(page.locator(".batch-offer")).to_have_count(2)
    for batched in story["batched"]:
        page.locator(f"#batch-invoice-{batched.pk}").check()
    tab.check("11-batch-new")
    page.locator("#batch-submit").click()
    page.wait_for_url(re.compile(r"/app/batches/\d+/$"))
    expect(page.locator("#batch-balance")).to_have_text("$105.00")
    expect(page.locator(".batch-invoice")).to_have_count(2)
    expect(page.locator(".batch-invoice").first).not_to_contain_text("several")
    tab.check("12-batch")
    batch_token = page.locator("#public-link").get_attribute("href").rstrip("/").split("/")[-1]

    customer_tab.goto(f"/d/{batch_token}/")
    _download(customer_tab, "Download PDF", "batch")
    _pay_by_card(customer_tab, batch_token, "$105.00", "batch")
    _succeed(live_server, stripe_standin)
    customer_tab.goto(f"/d/{batch_token}/")
    expect(customer_tab.page.locator(".doc-stamp")).to_contain_text("Paid")
    expect(customer_tab.page.get_by_role("link", name="Pay online")).to_have_count(0)
    customer_tab.check("batch-paid")
    page.reload()
    expect(page.locator("#batch-balance")).to_have_text("$0.00")
    tab.check("13-batch-paid")

    # Nothing is owed any more.
    tab.goto(reverse("billing:invoice_list"))
    expect(page.locator(".invoice-row")).to_have_count(5)
    tab.check("14-invoices")
    assert not Invoice.objects.exclude(status=InvoiceStatus.PAID).exists()


def test_the_customer_pays_on_a_phone(
    visit,
    live_server,
    stripe_standin,  # noqa: F811
    story,
):
    invoice = story["by_zelle"]
    phone = visit(PHONE, "phone")
    phone.goto(f"/d/{invoice.public_token}/")
    assert phone.page.evaluate(FITS), "the public invoice is wider than the phone"
    _pay_by_card(phone, invoice.public_token, "$75.00", "card")
    assert phone.page.evaluate(FITS), "the thank-you page is wider than the phone"
    _succeed(live_server, stripe_standin)
    phone.goto(f"/d/{invoice.public_token}/")
    expect(phone.page.locator(".doc-stamp")).to_contain_text("Paid")
    assert phone.page.evaluate(FITS)
    phone.check("card-paid")
