"""The office's payments pages in a real browser: a check is recorded from an invoice (the
amount spread oldest due first as it is typed, the rest shown as credit), then found on its
page, in the list and in aging; the same pages on a 390 px phone. Screenshots in
test-artifacts/screenshots/."""

import datetime
from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from crewdesk.billing import services as billing
from crewdesk.billing.models import Invoice
from crewdesk.billing.services import LineInput
from crewdesk.clients.services import ClientInput, client_create
from crewdesk.payments import services as payments
from crewdesk.payments.models import Payment
from tests.browser.conftest import EMAILS_A_PDF, PHONE, log_in
from tests.factories import company_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(owner, customer):
    def client(first, last):
        return client_create(
            actor=owner,
            data=ClientInput(
                fields={"first_name": first, "last_name": last, "email": f"{first}@example.com"}
            ),
            allow_duplicate=True,
        )

    def invoice(who, amount, days_late):
        made = billing.invoice_create(
            actor=owner, client=who, lines=[LineInput("Turnover clean", D(amount))], issue=True
        )
        due = company_today(owner) - datetime.timedelta(days=days_late)
        Invoice.objects.filter(pk=made.pk).update(due_date=due)
        made.refresh_from_db()
        return made

    john = client("John", "Smith")
    older, newer = invoice(john, "140.00", 40), invoice(john, "90.00", 5)
    ann = client("Ann", "Lee")
    invoice(ann, "300.00", 100)
    payments.payment_record(
        actor=owner, client=ann, method="zelle", amount="50.00", reference="ZL-5521"
    )
    payments.payment_report(
        actor=customer,
        method="bank_transfer",
        amount="25.00",
        reference="WIRE 88",
        invoice=None,
    )
    return {"john": john, "older": older, "newer": newer}


def test_office_records_a_check_and_finds_it(visit, office, setting):
    tab = visit()
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")
    expect(page.locator("#home-approvals")).to_contain_text("1 payment reported")

    tab.goto(f"/app/invoices/{setting['newer'].pk}/")
    page.locator("#invoice-record-payment").click()
    page.wait_for_url("**/app/payments/new/**")
    newer, older = setting["newer"].pk, setting["older"].pk
    expect(page.locator(f"#id_apply_{newer}")).to_have_value("90.00")
    page.locator("#id_amount").fill("250")
    # Spread as typed: this invoice first, then the oldest due; 20.00 left as credit.
    expect(page.locator(f"#id_apply_{newer}")).to_have_value("90.00")
    expect(page.locator(f"#id_apply_{older}")).to_have_value("140.00")
    expect(page.locator("[data-credit]")).to_have_text("$20.00")
    page.get_by_label("Reference").fill("1042")
    tab.check("record-form")
    page.locator("#payment-save").click()
    page.wait_for_url("**/app/payments/*/")
    expect(page.locator("#payment-credit")).to_contain_text("$20.00")
    tab.check("payment-page")
    assert Payment.objects.get(reference="1042").amount == D("250.00")

    tab.goto("/app/payments/")
    page.get_by_label("Search payments").fill("Smith")
    expect(page.locator(".payment-row")).to_have_count(1)
    page.get_by_label("Search payments").fill("")
    expect(page.locator(".payment-row")).to_have_count(3)
    tab.check("list")

    tab.goto("/app/payments/aging/")
    expect(page.locator("#aging-total")).to_have_text("$300.00")
    tab.check("aging")

    tab.goto("/app/payments/approvals/")
    expect(page.locator(".approvals-badge").first).to_contain_text("1")
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".approval-row")).to_contain_text("Approved", timeout=EMAILS_A_PDF)
    expect(page.locator(".approvals-badge")).to_have_count(0)  # the menu counts again
    tab.check("approvals")


def test_the_payments_pages_on_a_phone(visit, office, setting):
    payment = payments.payment_record(
        actor=office,
        client=setting["john"],
        method="check",
        amount="100.00",
        reference="2077",
        allocations=[{"invoice": setting["older"].pk, "amount": "100.00"}],
    )
    payments.payment_refund(actor=office, payment=payment, amount="10.00", reason="Broken vase")
    tab = visit(PHONE, "phone")
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")
    for path, shot in (
        ("/app/payments/", "list"),
        (f"/app/payments/new/?invoice={setting['newer'].pk}", "record-form"),
        (f"/app/payments/{payment.pk}/", "payment-page"),
        ("/app/payments/aging/", "aging"),
        ("/app/payments/approvals/", "approvals"),
    ):
        tab.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways ({width}px)"
        tab.check(shot)
