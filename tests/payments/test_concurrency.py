"""Money moves at once from several connections (PostgreSQL: row locks in each transaction):
allocations never pass a balance, a payment never gives more than it has, and a void racing a
refund leaves the ledger whole."""

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from crewdesk.billing import services as billing
from crewdesk.billing.services import LineInput
from crewdesk.payments import selectors, services
from crewdesk.payments.ledger import ledger_violations
from crewdesk.payments.models import PaymentAllocation

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def at_once(work, items, workers=10):
    def run(item):
        try:
            return work(item)
        except ValidationError:
            return None
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, items))


def issued(owner, client, total):
    return billing.invoice_create(
        actor=owner, client=client, lines=[LineInput("Work", total)], issue=True
    )


def test_twenty_payments_at_once_never_pay_more_than_the_balance(owner, customer_client):
    invoice = issued(owner, customer_client, "100.00")

    def pay(_n):
        return services.payment_record(
            actor=owner,
            client=customer_client,
            method="cash",
            amount="10.00",
            allocations=[{"invoice": invoice.pk, "amount": "10.00"}],
        )

    # each asks for 10.00 of the 100.00; with 15 of them only the first 10 fit
    done = [p for p in at_once(pay, range(15)) if p is not None]
    invoice.refresh_from_db()
    assert len(done) == 10
    assert (invoice.status, invoice.amount_paid, invoice.balance) == ("paid", D("100"), 0)
    assert ledger_violations() == []


def test_one_payments_credit_is_spent_once(owner, customer_client):
    payment = services.payment_record(
        actor=owner, client=customer_client, method="check", amount="100.00"
    )
    invoices = [issued(owner, customer_client, "20.00") for _ in range(10)]

    def apply(invoice):
        return services.payment_apply(
            actor=owner, payment=payment, allocations=[{"invoice": invoice.pk, "amount": "20"}]
        )

    assert sum(1 for p in at_once(apply, invoices) if p is not None) == 5
    assert selectors.client_credit(viewer=owner, client=customer_client) == 0
    assert PaymentAllocation.objects.filter(payment=payment).count() == 5
    assert ledger_violations() == []


def test_a_void_racing_a_refund_keeps_the_ledger(owner, customer_client):
    for _round in range(5):
        first = issued(owner, customer_client, "60.00")
        second = issued(owner, customer_client, "40.00")
        payment = services.payment_record(
            actor=owner,
            client=customer_client,
            method="check",
            amount="100.00",
            allocations=[
                {"invoice": first.pk, "amount": "60.00"},
                {"invoice": second.pk, "amount": "40.00"},
            ],
        )

        def act(what, first=first, payment=payment):
            if what == "void":
                return billing.invoice_void(actor=owner, invoice=first)
            return services.payment_refund(actor=owner, payment=payment, amount="70.00")

        at_once(act, ["void", "refund"], workers=2)
        assert ledger_violations() == []
        assert selectors.client_credit(viewer=owner, client=customer_client) >= 0
