"""Money leaving invoices: refunds (credit first, then the newest invoice back), a bounced
check, and an invoice voided after it was paid (its payment becomes credit)."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crewdesk.billing import selectors as billing_selectors
from crewdesk.billing import services as billing
from crewdesk.billing.models import InvoiceStatus
from crewdesk.clients.models import Notice
from crewdesk.core.models import Activity
from crewdesk.payments import allocations as moves
from crewdesk.payments import selectors, services
from crewdesk.payments.models import Payment, PaymentAllocation, PaymentStatus
from tests.payments.conftest import refreshed

pytestmark = pytest.mark.django_db


def pay(owner, client, amount, *pairs, method="check", reference=""):
    return services.payment_record(
        actor=owner,
        client=client,
        method=method,
        amount=amount,
        reference=reference,
        allocations=[{"invoice": i.pk, "amount": a} for i, a in pairs],
    )


def active(payment):
    return {
        a.invoice_id: a.amount
        for a in PaymentAllocation.objects.filter(payment=payment, reversed_at__isnull=True)
    }


# --- refunds -----------------------------------------------------------------------------------


def test_a_refund_uses_credit_first_then_the_newest_invoice(owner, billed, invoice_of):
    older, newer = invoice_of("100.00"), invoice_of("50.00")
    payment = pay(owner, billed, "200.00", (older, "100.00"), (newer, "50.00"))
    # 50.00 of credit, then 30.00 off the newer invoice
    refund = services.payment_refund(actor=owner, payment=payment, amount="80.00")
    assert refund.amount == D("80.00") and refund.fee_amount == 0
    refreshed(older, newer, payment)
    assert (older.status, newer.status, newer.balance) == ("paid", "partially_paid", D("30"))
    assert active(payment) == {older.pk: D("100.00"), newer.pk: D("20.00")}
    # the cut allocation is reversed and a new one keeps the rest: nothing is deleted
    assert PaymentAllocation.objects.filter(payment=payment).count() == 3
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.COMPLETED, D("80.00"))
    assert selectors.client_credit(viewer=owner, client=billed) == 0
    # the rest of it: the payment is refunded and both invoices are owed again
    services.payment_refund(actor=owner, payment=payment, amount="120.00")
    refreshed(older, newer, payment)
    assert payment.status == PaymentStatus.REFUNDED
    assert (older.balance, newer.balance) == (D("100.00"), D("50.00"))
    assert active(payment) == {}
    with pytest.raises(ValidationError):
        services.payment_refund(actor=owner, payment=payment, amount="1")


def test_a_refund_from_the_invoices_the_office_names(owner, billed, invoice_of):
    older, newer = invoice_of("100.00"), invoice_of("50.00")
    payment = pay(owner, billed, "150.00", (older, "100.00"), (newer, "50.00"))
    services.payment_refund(actor=owner, payment=payment, amount="40.00", invoices=[older.pk])
    assert active(payment) == {older.pk: D("60.00"), newer.pk: D("50.00")}
    with pytest.raises(ValidationError, match="hold too little"):
        services.payment_refund(actor=owner, payment=payment, amount="70.00", invoices=[older.pk])
    assert active(payment) == {older.pk: D("60.00"), newer.pk: D("50.00")}


def test_a_refund_above_what_is_left_is_refused(owner, billed):
    payment = pay(owner, billed, "50.00")
    for amount in ("50.01", "0", "-1", "x"):
        with pytest.raises(ValidationError) as error:
            services.payment_refund(actor=owner, payment=payment, amount=amount)
        assert "amount" in error.value.message_dict
    assert not payment.refunds.exists()


def test_a_refund_returns_the_card_fee_pro_rata_and_the_last_takes_the_rest(owner, billed):
    payment = pay(owner, billed, "100.00", method="card")
    Payment.objects.filter(pk=payment.pk).update(fee_amount=D("2.99"))  # as an online payment
    payment.refresh_from_db()
    first = services.payment_refund(actor=owner, payment=payment, amount="33.33")
    second = services.payment_refund(actor=owner, payment=payment, amount="66.67")
    assert (first.fee_amount, second.fee_amount) == (D("1.00"), D("1.99"))
    refreshed(payment)
    assert (payment.fee_refunded, payment.status) == (D("2.99"), PaymentStatus.REFUNDED)


def test_a_refund_after_a_batch_payment(owner, billed, invoice_of):
    """Pay a batch of three in one payment, refund part of it: the newest invoice is owed
    again first, and the batch still owes exactly what its invoices owe."""
    invoices = [invoice_of(total) for total in ("100.00", "80.00", "60.00")]
    batch = billing.batch_create(actor=owner, client=billed, invoices=[i.pk for i in invoices])
    payment = services.payment_record(
        actor=owner, client=billed, method="check", amount="240.00", batch=batch
    )
    assert {refreshed(i).status for i in invoices} == {"paid"}
    services.payment_refund(actor=owner, payment=payment, amount="90.00")
    first, second, third = (refreshed(i) for i in invoices)
    assert (first.balance, second.balance, third.balance) == (D("0"), D("30.00"), D("60.00"))
    assert (first.status, second.status, third.status) == ("paid", "partially_paid", "open")
    in_batch = billing_selectors.batch_invoices(viewer=owner, batch=batch)
    assert sum(i.balance for i in in_batch) == D("90.00")
    # pay all again charges what the batch owes now, and the ledger holds (checked after)
    services.payment_record(actor=owner, client=billed, method="cash", amount="90.00", batch=batch)
    in_batch = billing_selectors.batch_invoices(viewer=owner, batch=batch)
    assert {i.status for i in in_batch} == {"paid"}


# --- a bounced check ---------------------------------------------------------------------------


def test_a_bounced_check(owner, office, billed, invoice_of):
    """The check bounced: its allocations are undone, the invoices are owed again, the payment
    failed, and the office is told by a notice on the client and an activity entry."""
    first, second = invoice_of("100.00"), invoice_of("50.00")
    payment = pay(owner, billed, "170.00", (first, "100.00"), (second, "50.00"), reference="1042")
    payment = services.payment_reverse(actor=office, payment=payment, reason="NSF")
    refreshed(first, second)
    assert (first.status, first.balance, second.status, second.balance) == (
        "open",
        D("100.00"),
        "open",
        D("50.00"),
    )
    assert (payment.status, payment.failure_reason) == (PaymentStatus.FAILED, "NSF")
    assert active(payment) == {}
    assert PaymentAllocation.objects.filter(payment=payment).count() == 2  # reversed, kept
    assert selectors.client_credit(viewer=owner, client=billed) == 0
    assert selectors.client_balance(viewer=owner, client=billed) == D("150.00")
    notice = Notice.objects.get(client=billed)
    assert "Check 1042" in notice.text and first.number in notice.text
    entry = Activity.objects.get(verb="payment.reversed")
    assert entry.target_id == payment.pk and second.number in entry.data["invoices"]
    with pytest.raises(ValidationError):
        services.payment_reverse(actor=office, payment=payment)
    with pytest.raises(ValidationError):
        services.payment_refund(actor=office, payment=payment, amount="1")


def test_an_online_payment_is_not_reversed_by_hand(owner, billed):
    payment = pay(owner, billed, "10.00", method="card")
    Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent="pi_123")
    with pytest.raises(ValidationError, match="provider"):
        services.payment_reverse(actor=owner, payment=payment)


def test_only_the_office_reverses_refunds_and_applies(owner, employee, customer, billed):
    payment = pay(owner, billed, "10.00")
    for member in (employee, customer):
        with pytest.raises(PermissionDenied):
            services.payment_reverse(actor=member, payment=payment)
        with pytest.raises(PermissionDenied):
            services.payment_refund(actor=member, payment=payment, amount="1")
        with pytest.raises(PermissionDenied):
            services.payment_apply(actor=member, payment=payment, allocations=[])


# --- void ----------------------------------------------------------------------------------


def test_voiding_a_paid_invoice_makes_its_payment_credit(owner, billed, invoice_of):
    invoice, other = invoice_of("100.00"), invoice_of("40.00")
    payment = pay(owner, billed, "140.00", (invoice, "100.00"), (other, "40.00"))
    billing.invoice_void(actor=owner, invoice=invoice, reason="wrong client")
    refreshed(invoice, other)
    assert (invoice.status, invoice.amount_paid, invoice.balance) == ("void", 0, 0)
    assert other.status == "paid"
    assert active(payment) == {other.pk: D("40.00")}
    assert selectors.client_credit(viewer=owner, client=billed) == D("100.00")
    assert Activity.objects.filter(verb="payment.credited", target_id=payment.pk).exists()
    # the credit pays the invoice that replaces it
    again = invoice_of("100.00")
    services.payment_apply(
        actor=owner, payment=payment, allocations=[{"invoice": again.pk, "amount": "100.00"}]
    )
    assert refreshed(again).status == InvoiceStatus.PAID


def test_a_payment_still_processing_blocks_the_void(owner, billed, invoice_of):
    invoice = invoice_of("100.00")
    pending = Payment.objects.create(
        company=owner.company,
        client=billed,
        method="ach",
        status=PaymentStatus.PENDING,
        amount=D("100.00"),
        currency="USD",
        received_at=invoice.created_at,
        invoice=invoice,
    )
    assert selectors.invoice_payment_processing(viewer=owner, invoice=invoice)
    with pytest.raises(ValidationError, match="still processing"):
        billing.invoice_void(actor=owner, invoice=invoice)
    # through a batch too
    other = invoice_of("20.00")
    batch = billing.batch_create(actor=owner, client=billed, invoices=[other.pk])
    Payment.objects.filter(pk=pending.pk).update(invoice=None, batch=batch)
    with pytest.raises(ValidationError, match="still processing"):
        billing.invoice_void(actor=owner, invoice=other)
    assert billing.invoice_void(actor=owner, invoice=invoice).status == "void"
    Payment.objects.filter(pk=pending.pk).update(status=PaymentStatus.FAILED)
    assert billing.invoice_void(actor=owner, invoice=other).status == "void"


def test_a_reversal_undone_already_is_not_undone_twice(owner, billed, invoice_of):
    invoice = invoice_of("100.00")
    payment = pay(owner, billed, "100.00", (invoice, "100.00"))
    allocation = PaymentAllocation.objects.get(payment=payment)
    assert moves.allocation_reverse(allocation=allocation, reason="test").amount == D("100")
    assert moves.allocation_reverse(allocation=allocation, reason="test") is None
    assert refreshed(invoice).balance == D("100.00")
