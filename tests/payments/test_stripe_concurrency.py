"""The same Stripe event delivered 20 times at once (PostgreSQL, one connection per thread)
records one payment: the event id is unique in the database, inserted in the handling
transaction, so the other deliveries wait for the first and find it done."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal as D

import pytest
from django.db import connections
from django.test import Client

from crewdesk.billing.models import InvoiceStatus
from crewdesk.payments.ledger import ledger_violations
from crewdesk.payments.models import Payment, PaymentAllocation, StripeEvent
from tests.payments.test_stripe_webhooks import pay_online
from tests.stripe_standin import (  # noqa: F401  (the stand-in's fixtures)
    _stripe_standin_server,
    post_webhook,
    stripe_standin,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_twenty_duplicate_webhook_events_at_once_record_one_payment(
    stripe_standin,  # noqa: F811
    invoice_of,
):
    invoice = invoice_of("80.00")
    _attempt, intent = pay_online(invoice)
    event = stripe_standin.intent_event(intent.id, "payment_intent.succeeded")

    def deliver(_n):
        try:
            response = post_webhook(Client(), event)
            return response.status_code, response.json()["outcome"]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(deliver, range(20)))
    assert {status for status, _outcome in answers} == {200}
    outcomes = [outcome for _status, outcome in answers]
    assert outcomes.count("completed") == 1 and outcomes.count("duplicate") == 19
    assert Payment.objects.count() == StripeEvent.objects.count() == 1
    assert PaymentAllocation.objects.count() == 1
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid) == (InvoiceStatus.PAID, D("80.00"))
    assert ledger_violations() == []


def test_processing_and_succeeded_at_once_make_one_payment(stripe_standin, invoice_of):  # noqa: F811
    invoice = invoice_of("60.00")
    _attempt, intent = pay_online(invoice, "ach")
    events = [
        stripe_standin.intent_event(intent.id, "payment_intent.processing"),
        stripe_standin.intent_event(intent.id, "payment_intent.succeeded"),
    ] * 5

    def deliver(event):
        try:
            return post_webhook(Client(), event).status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        assert set(pool.map(deliver, events)) == {200}
    assert Payment.objects.get().status == "completed"
    assert ledger_violations() == []
