"""Paying a public invoice link online in a real browser, through the local Stripe stand-in
(its Stripe.js draws a stand-in Payment Element): the customer sees the card fee before
paying, lands on a thank-you page, and the invoice shows paid only once the signed webhook
has come. On a desktop (a credit card, with its fee) and on a phone (a bank account, settling
first)."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from crewdesk.billing.models import InvoiceStatus
from crewdesk.billing.services import LineInput as HandLine
from crewdesk.billing.services import invoice_create
from tests.browser.conftest import PHONE, pay_online
from tests.stripe_standin import (  # noqa: F401  (the stand-in's fixtures)
    _stripe_standin_server,
    post_webhook_live,
    stripe_standin,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _invoice(owner, client, total):
    return invoice_create(
        actor=owner, client=client, lines=[HandLine("Deep clean", total)], issue=True
    )


def test_paying_by_card_shows_paid_only_after_the_signed_webhook(
    visit,
    live_server,
    stripe_standin,  # noqa: F811
    owner,
    customer_client,
):
    owner.company.card_fee_percent = D("3")
    owner.company.save()
    invoice = _invoice(owner, customer_client, "120.00")
    desktop = visit()
    pay_online(desktop, invoice.public_token, "Credit card", "card")
    page = desktop.page
    expect(page.get_by_test_id("fee")).to_have_text("$3.60")
    expect(page.get_by_test_id("total")).to_have_text("$123.60")
    desktop.check("card-confirm")
    page.get_by_role("button", name="Pay $123.60").click()
    expect(page.locator("#pay-thanks")).to_be_visible()
    desktop.check("card-done")

    # Back on the invoice: Stripe took the money, but no webhook yet: not paid.
    desktop.goto(f"/d/{invoice.public_token}/")
    expect(page.get_by_role("status").filter(has_text="Payment processing")).to_be_visible()
    expect(page.get_by_role("link", name="Pay online")).to_have_count(0)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN
    desktop.check("card-processing")

    (intent_id,) = stripe_standin.intents
    assert stripe_standin.intents[intent_id]["amount"] == 12360
    assert (
        post_webhook_live(
            live_server.url, stripe_standin.intent_event(intent_id, "payment_intent.succeeded")
        )
        == 200
    )
    page.reload()
    expect(page.locator(".doc-stamp")).to_contain_text("Paid")
    expect(page.get_by_text("Payment processing")).to_have_count(0)
    desktop.check("card-paid")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == (InvoiceStatus.PAID, 0)


def test_paying_by_bank_account_on_a_phone_settles_later(
    visit,
    live_server,
    stripe_standin,  # noqa: F811
    owner,
    customer_client,
):
    invoice = _invoice(owner, customer_client, "85.00")
    phone = visit(PHONE, "phone")
    pay_online(phone, invoice.public_token, "US bank account", "ach")
    expect(phone.page.get_by_test_id("fee")).to_have_count(0)
    phone.check("ach-confirm")
    phone.page.get_by_role("button", name="Pay $85.00").click()
    expect(phone.page.locator("#pay-thanks")).to_be_visible()
    (intent_id,) = stripe_standin.intents
    post_webhook_live(
        live_server.url, stripe_standin.intent_event(intent_id, "payment_intent.processing")
    )
    phone.goto(f"/d/{invoice.public_token}/")
    expect(phone.page.get_by_text("Payment processing")).to_be_visible()
    phone.check("ach-processing")
    post_webhook_live(
        live_server.url, stripe_standin.intent_event(intent_id, "payment_intent.succeeded")
    )
    phone.page.reload()
    expect(phone.page.locator(".doc-stamp")).to_contain_text("Paid")
    phone.check("ach-paid")
