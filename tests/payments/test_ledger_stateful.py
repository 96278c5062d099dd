"""Random sequences of money operations through the services (issue, pay part, batch, pay a
batch all at once, apply credit, void, write off, refund, report then approve or reject,
bounce, merge the clients) never break the ledger: after every step `ledger_violations` is empty.

Each example is a company of its own, in the test's transaction. It runs on PostgreSQL (the
database whose locks and types matter; the named tests cover both): 30 examples × 20 steps in
`make test`, CREWDESK_LEDGER_EXAMPLES=1000 for a longer run by hand."""

import os
from contextlib import suppress
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from crewdesk.billing import services as billing
from crewdesk.billing.models import RECEIVABLE_STATUSES, BatchItem, Invoice
from crewdesk.clients.merging import client_merge
from crewdesk.clients.services import ClientInput, client_create
from crewdesk.core.roles import Role
from crewdesk.payments import services
from crewdesk.payments.ledger import ledger_violations
from tests.factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def refused():
    """A refusal the services may answer with (nothing to void, no credit left...)."""
    return suppress(ValidationError)


cents = st.integers(min_value=1, max_value=40_000).map(lambda n: Decimal(n) / 100)
share = st.sampled_from([Decimal("0.25"), Decimal("0.5"), Decimal("1"), Decimal("1.2")])


class LedgerMachine(RuleBasedStateMachine):
    invoices = Bundle("invoices")
    batches = Bundle("batches")
    payments = Bundle("payments")
    reports = Bundle("reports")

    def __init__(self) -> None:
        super().__init__()
        company = CompanyFactory()
        self.owner = MembershipFactory(company=company, role=Role.OWNER)
        self.clients = [
            client_create(
                actor=self.owner,
                data=ClientInput(fields={"first_name": name, "email": f"{name}@example.net"}),
                allow_duplicate=True,
            )
            for name in ("ann", "ben")
        ]
        self.customer = MembershipFactory(
            company=company, role=Role.CUSTOMER, client=self.clients[0]
        )
        self.merged = False

    def _client(self, index: int):
        client = self.clients[index]
        client.refresh_from_db()
        return self.clients[0] if client.merged_into_id else client

    @staticmethod
    def _fresh(record):
        record.refresh_from_db()
        return record

    def _owed(self, invoice: Invoice) -> Invoice:
        """The invoice drawn if it is owed money, else the company's first that is (if any)."""
        invoice = self._fresh(invoice)
        if invoice.status in RECEIVABLE_STATUSES:
            return invoice
        owed = Invoice.objects.filter(
            company_id=self.owner.company_id, status__in=RECEIVABLE_STATUSES
        ).order_by("pk")
        return owed.first() or invoice

    # --- invoices --------------------------------------------------------------------------

    @rule(target=invoices, client=st.sampled_from([0, 1]), total=cents)
    def issue(self, client, total):
        return billing.invoice_create(
            actor=self.owner,
            client=self._client(client),
            lines=[billing.LineInput("Work", total)],
            issue=True,
        )

    @rule(invoice=invoices, now=st.integers(0, 2))
    def void(self, invoice, now):
        if now:
            return  # one time in three: voids would soon leave nothing to pay
        with refused():  # void already
            billing.invoice_void(actor=self.owner, invoice=invoice)

    @rule(invoice=invoices)
    def write_off(self, invoice):
        with refused():  # nothing owed on it
            billing.invoice_write_off(actor=self.owner, invoice=invoice)

    # --- payments --------------------------------------------------------------------------

    @rule(target=payments, invoice=invoices, part=share, extra=cents)
    def pay_part(self, invoice, part, extra):
        """A check for part of an invoice (or more than its balance: refused), and some credit."""
        invoice = self._owed(invoice)
        applied = (invoice.balance * part).quantize(Decimal("0.01"))
        allocations = [{"invoice": invoice.pk, "amount": applied}] if applied > 0 else []
        try:
            return services.payment_record(
                actor=self.owner,
                client=invoice.client_id,
                method="check",
                amount=applied + extra,
                allocations=allocations,
            )
        except ValidationError:
            return services.payment_record(
                actor=self.owner, client=invoice.client_id, method="cash", amount=extra
            )

    @rule(target=batches, client=st.sampled_from([0, 1]))
    def batch(self, client):
        """A batch of the client's open invoices that are in no batch yet."""
        client = self._client(client)
        free = list(
            Invoice.objects.filter(client=client, status__in=RECEIVABLE_STATUSES)
            .exclude(pk__in=BatchItem.objects.filter(active=True).values("invoice_id"))
            .values_list("pk", flat=True)
        )
        if not free:
            return multiple()
        return billing.batch_create(actor=self.owner, client=client, invoices=free)

    @rule(target=payments, batch=batches, extra=st.sampled_from(["0", "0", "9.99"]))
    def pay_all(self, batch, extra):
        """Pay all that the batch owes now (and a little more, as credit)."""
        batch = self._fresh(batch)
        owed = sum(
            i.balance
            for i in Invoice.objects.filter(
                batch_items__batch=batch, batch_items__active=True, status__in=RECEIVABLE_STATUSES
            )
        ) + Decimal(extra)
        if not owed:
            return multiple()
        return services.payment_record(
            actor=self.owner,
            client=batch.client_id,
            method="bank_transfer",
            amount=owed,
            batch=batch,
        )

    @rule(payment=payments, invoice=invoices, amount=cents)
    def apply_credit(self, payment, invoice, amount):
        invoice = self._owed(invoice)
        with refused():  # no credit, not that much, another client's, or nothing owed
            services.payment_apply(
                actor=self.owner,
                payment=payment,
                allocations=[{"invoice": invoice.pk, "amount": amount}],
            )

    @rule(payment=payments, part=share, name_invoice=st.booleans())
    def refund(self, payment, part, name_invoice):
        payment = self._fresh(payment)
        amount = ((payment.amount - payment.refunded_amount) * part).quantize(Decimal("0.01"))
        named = None
        if name_invoice:
            named = list(
                payment.allocations.filter(reversed_at__isnull=True).values_list(
                    "invoice_id", flat=True
                )
            )
        with refused():  # not completed, nothing left, or more than is left
            services.payment_refund(
                actor=self.owner, payment=payment, amount=amount, invoices=named
            )

    @rule(payment=consumes(payments))
    def bounce(self, payment):
        with refused():  # not completed
            services.payment_reverse(actor=self.owner, payment=payment, reason="NSF")

    # --- a customer's reports ----------------------------------------------------------------

    @rule(target=reports, invoice=invoices, amount=cents)
    def report(self, invoice, amount):
        invoice = self._fresh(invoice)
        target = invoice.pk if invoice.client_id == self.clients[0].pk else None
        try:
            return services.payment_report(
                actor=self.customer, method="zelle", amount=amount, reference="Z", invoice=target
            )
        except ValidationError:  # nothing to pay on it any more
            return services.payment_report(
                actor=self.customer, method="check", amount=amount, reference="101"
            )

    @rule(target=payments, payment=consumes(reports))
    def approve(self, payment):
        return services.payment_approve(actor=self.owner, payment=payment)

    @rule(payment=consumes(reports))
    def reject(self, payment):
        services.payment_reject(actor=self.owner, payment=payment, reason="not received")

    # --- clients -----------------------------------------------------------------------------

    @precondition(lambda self: not self.merged)
    @rule()
    def merge(self):
        client_merge(
            actor=self.owner, survivor=self.clients[0], others=[self.clients[1]], choices={}
        )
        self.merged = True

    # --- what always holds -------------------------------------------------------------------

    @invariant()
    def ledger_holds(self):
        """Every rule of payments/ledger.py (a payment's credit never below zero among them)."""
        violations = ledger_violations(company=self.owner.company_id)
        assert violations == [], "\n".join(map(str, violations))


@pytest.mark.postgres
def test_random_operations_keep_the_ledger(db):
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=int(os.environ.get("CREWDESK_LEDGER_EXAMPLES", "30")),
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
