"""Moving a payment's money onto and off invoices: the only code that writes allocations.

These are the moves, not the decisions: the services (services.py) check who acts and what
is asked, and an online payment's webhook (which no member makes) calls the same moves. Each
runs inside its caller's transaction, and every change of what is paid on an invoice goes
through billing's `invoice_paid_change` there, under the invoice's row lock, so an allocation
never passes a balance.

Locks, always in this order, so two moves wait for each other instead of deadlocking: the
payment first (`payment_locked`: what it has left to give is read and spent under it), then
its invoices in id order (`invoices_locked`).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crewdesk.billing import amounts
from crewdesk.billing.models import RECEIVABLE_STATUSES, Invoice
from crewdesk.billing.services import invoice_paid_change
from crewdesk.payments.models import Payment, PaymentAllocation, PaymentStatus, Refund

ZERO = Decimal("0.00")

# Why an allocation was undone (PaymentAllocation.reversal_reason).
REVERSED_VOID = "invoice voided"
REVERSED_REFUND = "refund"
REVERSED_BOUNCED = "payment reversed"

ABOVE_BALANCE = _("%(amount)s is more than the balance of %(invoice)s (%(balance)s).")


def payment_locked(payment: Payment) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment.pk, company_id=payment.company_id)


def invoices_locked(invoice_ids: Iterable[int]) -> dict[int, Invoice]:
    """The invoices, locked in id order (the one order every move uses)."""
    ids = sorted(set(invoice_ids))
    if not ids:
        return {}
    return {
        invoice.pk: invoice
        for invoice in Invoice.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }


def active_allocations(payment: Payment):
    return PaymentAllocation.objects.filter(payment_id=payment.pk, reversed_at__isnull=True)


def payment_credit(payment: Payment) -> Decimal:
    """What a completed payment has left to give: amount − refunded − active allocations
    (nothing for a payment that is not completed). Read it under the payment's lock to spend it."""
    if payment.status != PaymentStatus.COMPLETED:
        return ZERO
    allocated = active_allocations(payment).aggregate(s=Sum("amount"))["s"] or ZERO
    return amounts.quantize(payment.amount - payment.refunded_amount - allocated)


def allocate(
    *, payment: Payment, invoice: Invoice, amount: Decimal, user=None
) -> PaymentAllocation:
    """Put `amount` of a completed payment on one invoice (its row locked by the caller or here)."""
    amount = amounts.quantize(amount)
    if amount <= 0:
        raise ValidationError({"allocations": [_("An amount to apply must be above zero.")]})
    if payment.status != PaymentStatus.COMPLETED:
        raise ValidationError({"allocations": [_("Only a completed payment pays invoices.")]})
    if invoice.client_id != payment.client_id or invoice.company_id != payment.company_id:
        raise ValidationError({"allocations": [_("%s is another client's.") % invoice]})
    invoice = invoice_paid_change(invoice=invoice, delta=amount)
    return PaymentAllocation.objects.create(
        company_id=payment.company_id,
        payment=payment,
        invoice=invoice,
        amount=amount,
        created_by=user,
    )


def check_balances(wanted: Sequence[tuple[Invoice, Decimal]]) -> None:
    """Refuse, with a field error naming the invoice, any amount above its (locked) balance
    or on an invoice that is not owed money."""
    for invoice, amount in wanted:
        if invoice.status not in RECEIVABLE_STATUSES:
            raise ValidationError({"allocations": [_("%s has nothing to pay.") % invoice]})
        if amount > invoice.balance:
            raise ValidationError(
                {
                    "allocations": [
                        ABOVE_BALANCE
                        % {"amount": amount, "invoice": invoice, "balance": invoice.balance}
                    ]
                }
            )


def allocate_many(
    *, payment: Payment, wanted: Sequence[tuple[int, Decimal]], user=None
) -> list[PaymentAllocation]:
    """Several allocations of one (locked) payment: (invoice id, amount) pairs. The invoices
    are locked in id order, each amount checked against its balance, and the whole must fit
    in the payment's credit."""
    if not wanted:
        return []
    total = sum((amount for _id, amount in wanted), ZERO)
    if total > payment_credit(payment):
        raise ValidationError(
            {"allocations": [_("These amounts add up to more than the payment has to give.")]}
        )
    locked = invoices_locked(invoice_id for invoice_id, _amount in wanted)
    pairs = [(locked[invoice_id], amount) for invoice_id, amount in wanted]
    check_balances(pairs)
    return [
        allocate(payment=payment, invoice=invoice, amount=amount, user=user)
        for invoice, amount in sorted(pairs, key=lambda pair: pair[0].pk)
    ]


def oldest_due_first(invoices: Iterable[Invoice]) -> list[Invoice]:
    return sorted(
        invoices, key=lambda i: (i.due_date is None, i.due_date, i.issue_date, i.sequence, i.pk)
    )


def allocate_oldest_first(
    *, payment: Payment, invoice_ids: Iterable[int], user=None
) -> list[PaymentAllocation]:
    """A payment's credit over these invoices, oldest due first, each up to its balance as it
    is now (a batch's "pay all"; an online payment of an invoice or a batch); what is left
    stays as credit."""
    locked = invoices_locked(invoice_ids)
    owed = oldest_due_first(i for i in locked.values() if i.status in RECEIVABLE_STATUSES)
    shares = amounts.allocate_oldest_first(payment_credit(payment), [i.balance for i in owed])
    return [
        allocate(payment=payment, invoice=invoice, amount=share, user=user)
        for invoice, share in zip(owed, shares, strict=True)
        if share > 0
    ]


@dataclass(frozen=True)
class Reversed:
    """What one reversal took off an invoice."""

    invoice: Invoice
    amount: Decimal


def allocation_reverse(
    *, allocation: PaymentAllocation, reason: str, keep: Decimal = ZERO, user=None
) -> Reversed | None:
    """Undo an allocation (never delete it): its invoice owes the amount again and the
    payment has it back as credit. With `keep`, that much stays on the invoice as a new
    allocation (a partial refund). None when it was undone already (by a move that held the
    invoice's lock first)."""
    invoice = invoices_locked([allocation.invoice_id])[allocation.invoice_id]
    allocation = PaymentAllocation.objects.select_for_update().get(pk=allocation.pk)
    if allocation.reversed_at is not None:
        return None
    keep = amounts.quantize(keep)
    if keep < 0 or keep >= allocation.amount:
        raise ValueError("keep must be below the allocation's amount")
    allocation.reversed_at = timezone.now()
    allocation.reversal_reason = reason[:300]
    allocation.save(update_fields=["reversed_at", "reversal_reason"])
    taken = allocation.amount - keep
    invoice = invoice_paid_change(invoice=invoice, delta=-taken)
    if keep > 0:
        PaymentAllocation.objects.create(
            company_id=allocation.company_id,
            payment_id=allocation.payment_id,
            invoice=invoice,
            amount=keep,
            created_by=user,
        )
    return Reversed(invoice=invoice, amount=taken)


def allocations_reverse_all(*, payment: Payment, reason: str, user=None) -> list[Reversed]:
    """Every active allocation of a (locked) payment undone: a bounced check, a dispute."""
    rows = list(active_allocations(payment).order_by("invoice_id", "pk"))
    invoices_locked(row.invoice_id for row in rows)
    done = [allocation_reverse(allocation=row, reason=reason, user=user) for row in rows]
    return [d for d in done if d is not None]


def _newest_invoice_first(rows: list[PaymentAllocation]) -> list[PaymentAllocation]:
    def key(row: PaymentAllocation):
        invoice = row.invoice
        return (invoice.issue_date is not None, invoice.issue_date, invoice.sequence or 0, row.pk)

    return sorted(rows, key=key, reverse=True)


def refund_record(
    *,
    payment: Payment,
    amount: Decimal,
    invoice_ids: Sequence[int] | None = None,
    reason: str = "",
    user=None,
    stripe_refund_id: str | None = None,
) -> tuple[Refund, list[Reversed]]:
    """Give back `amount` of a (locked, completed) payment: its unapplied credit first, then
    its allocations from the newest invoice back (or from the invoices named, in that order),
    the last one cut when only part of it is needed. The refund returns the card fee's share
    (billing/amounts.refund_fee_share); a payment refunded in full is `refunded`."""
    amount = amounts.quantize(amount)
    if payment.status != PaymentStatus.COMPLETED:
        raise ValidationError({"amount": [_("Only a completed payment is refunded.")]})
    refundable = payment.amount - payment.refunded_amount
    if amount <= 0 or amount > refundable:
        raise ValidationError(
            {"amount": [_("Refund an amount above zero and at most %s.") % refundable]}
        )
    rows = list(active_allocations(payment).select_related("invoice"))
    if invoice_ids is not None:
        order = {invoice_id: i for i, invoice_id in enumerate(invoice_ids)}
        rows = sorted(
            (row for row in rows if row.invoice_id in order),
            key=lambda row: (order[row.invoice_id], -row.pk),
        )
    else:
        rows = _newest_invoice_first(rows)
    # Every invoice this refund may touch, locked up front in id order.
    invoices_locked(row.invoice_id for row in rows)
    reversed_ = []
    for row in rows:
        needed = amount - payment_credit(payment)
        if needed <= 0:
            break
        take = min(needed, row.amount)
        done = allocation_reverse(
            allocation=row, reason=REVERSED_REFUND, keep=row.amount - take, user=user
        )
        if done is not None:
            reversed_.append(done)
    if payment_credit(payment) < amount:
        raise ValidationError(
            {"invoices": [_("The invoices named hold too little of this payment for that refund.")]}
        )
    fee = amounts.refund_fee_share(
        fee=payment.fee_amount,
        amount=payment.amount,
        fee_refunded=payment.fee_refunded,
        refunded=payment.refunded_amount,
        refund=amount,
    )
    refund = Refund.objects.create(
        company_id=payment.company_id,
        payment=payment,
        amount=amount,
        fee_amount=fee,
        reason=(reason or "").strip()[:300],
        stripe_refund_id=stripe_refund_id,
        created_by=user,
    )
    payment.refunded_amount += amount
    payment.fee_refunded += fee
    if payment.refunded_amount >= payment.amount:
        payment.status = PaymentStatus.REFUNDED
    payment.save(update_fields=["refunded_amount", "fee_refunded", "status", "updated_at"])
    return refund, reversed_
