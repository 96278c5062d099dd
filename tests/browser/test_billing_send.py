"""The office sends an invoice from its page in a real browser (the Send form: a contact's
address, a note), sees it in the page's emails and the client's Messages tab, turns the
public link off and makes a new one (each confirmed); and a payment's receipt downloads from
the office and draws its first page. Screenshots in test-artifacts/screenshots/."""

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from crewdesk.clients.services import contact_create
from crewdesk.payments.services import payment_record
from tests.billing.documents_world import make_brand, make_full_invoice, pdf_first_page_png
from tests.browser.conftest import EMAILS_A_PDF, PHONE, SCREENSHOTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def invoice(owner, customer_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    owner.company.payment_instructions = (
        "Checks payable to Sparkle Crew\nZelle: pay@sparkle.example"
    )
    owner.company.save(update_fields=["payment_instructions"])
    make_brand(owner)
    contact_create(
        actor=owner,
        client=customer_client,
        values={"first_name": "Bea", "last_name": "Books", "email": "bea@example.org"},
    )
    return make_full_invoice(owner, customer_client)


def test_the_office_sends_an_invoice_and_manages_its_link(visit, office, invoice):
    tab = visit()
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")
    tab.goto(reverse("billing:invoice_detail", args=[invoice.pk]))
    expect(page.locator("#document-sent")).to_contain_text("Not sent yet.")
    page.get_by_role("button", name="Send…").click()
    expect(page.locator("#send-form")).to_be_visible()
    page.get_by_label("To", exact=True).select_option("bea@example.org")
    page.get_by_label("Message (optional)").fill("Thanks for having us, see you next week.")
    tab.check("send-form")

    outbox = len(mail.outbox)
    page.locator("#send-submit").click()
    expect(page.get_by_text("Sent to bea@example.org.")).to_be_visible(timeout=EMAILS_A_PDF)
    expect(page.locator("#document-sent")).to_contain_text("Last sent")
    expect(page.locator(".document-message")).to_have_count(1)
    expect(page.get_by_role("button", name="Resend…")).to_be_visible()
    tab.check("sent")
    assert len(mail.outbox) == outbox + 1 and mail.outbox[-1].to == ["bea@example.org"]

    old = page.locator("#public-link").get_attribute("href")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#link-revoke").click()
    expect(page.locator("#public-link")).to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#link-reissue").click()
    new = page.locator("#public-link").get_attribute("href")
    assert new and new != old
    assert page.request.get(tab.base_url + old).status == 404

    tab.goto(reverse("clients:detail", args=[invoice.client_id]) + "?tab=messages")
    expect(page.locator(".client-message")).to_have_count(1)
    expect(page.locator(".client-message").first).to_contain_text(invoice.number)
    tab.check("client-messages")

    phone = visit(PHONE, "phone")
    log_in(phone, "bob", "bob@example.com")
    phone.goto(reverse("billing:invoice_detail", args=[invoice.pk]))
    phone.page.get_by_role("button", name="Resend…").click()
    expect(phone.page.locator("#send-form")).to_be_visible()
    phone.check("send-form")
    assert (
        phone.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 0
    )


def test_a_receipt_downloads_and_draws(visit, owner, office, invoice):
    payment = payment_record(
        actor=owner,
        client=invoice.client,
        method="check",
        amount="300.00",
        reference="1042",
        allocations=[{"invoice": invoice.pk, "amount": "300.00"}],
    )
    tab = visit()
    log_in(tab, "bob", "bob@example.com")
    tab.page.wait_for_url("**/app/")
    response = tab.page.request.get(
        tab.base_url + reverse("payment_documents:receipt_pdf", args=[payment.pk])
    )
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    data = response.body()
    assert data.startswith(b"%PDF")
    saved = SCREENSHOTS / f"{tab.name}-receipt.pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved.write_bytes(data)
    pdf_first_page_png(data, SCREENSHOTS / f"{tab.name}-receipt-pdf-page1.png")
