"""The ledger's rules (issue 12), checked against what is stored: `crewdesk check_ledger` prints
what `ledger_violations` finds, and the billing and payments tests run it after every test.

- an invoice's amount paid = the active allocations of completed payments on it;
- its balance = total − those allocations − amount written off (draft and void: 0), and its
  status agrees (open: nothing paid; partially paid; paid: nothing left);
- no allocation above a balance: the active allocations on an invoice never pass its total
  less what was written off, and none stays on a draft or a void invoice;
- a payment's credit = amount − refunded − active allocations, never below 0; only a completed
  payment has active allocations; its refunded amounts are its refunds', and it is `refunded`
  exactly when all of it was given back;
- an allocation joins a payment and an invoice of one company and one client;
- a batch's balance is its invoices' balances, whatever is paid through them: it has no column
  of its own to drift, so what is checked is what it is summed from: its active items are
  issued, not void, invoices of the batch's client.
A client's balance (open balances − credit) is not stored either: selectors.client_balance
sums it from the rows these rules hold.

Each rule is one SQL query over the whole table (correlated sums on indexed columns) that
returns only the rows breaking it. Amounts are compared within half a cent: SQLite sums
decimals as floating point.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from crewdesk.billing.models import BatchItem, Invoice, InvoiceStatus
from crewdesk.payments.models import Payment, PaymentAllocation, PaymentStatus, Refund

ZERO = Decimal("0.00")
HALF_CENT = Decimal("0.005")
MONEY = DecimalField(max_digits=14, decimal_places=2)
CLOSED = (InvoiceStatus.DRAFT, InvoiceStatus.VOID)


class Rule:
    INVOICE_AMOUNT_PAID = "invoice_amount_paid"
    INVOICE_BALANCE = "invoice_balance"
    INVOICE_STATUS = "invoice_status"
    ALLOCATION_ABOVE_BALANCE = "allocation_above_balance"
    PAYMENT_CREDIT_NEGATIVE = "payment_credit_negative"
    ALLOCATION_NOT_COMPLETED = "allocation_of_payment_not_completed"
    PAYMENT_REFUNDS = "payment_refunds"
    ALLOCATION_MISMATCH = "allocation_mismatch"
    BATCH_ITEM = "batch_item"


@dataclass(frozen=True)
class Violation:
    rule: str
    company_id: int
    record: str  # "invoice INV-0012 (id 40)"
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] company {self.company_id}, {self.record}: {self.message}"


def _total_of(queryset: QuerySet, group: str, field: str = "amount") -> Coalesce:
    """The sum of `field` over `queryset`'s rows for the outer row (grouped by `group`)."""
    summed = queryset.order_by().values(group).annotate(s=Sum(field)).values("s")
    return Coalesce(Subquery(summed, output_field=MONEY), Value(ZERO), output_field=MONEY)


def _differs(name: str) -> Q:
    return Q(**{f"{name}__gt": HALF_CENT}) | Q(**{f"{name}__lt": -HALF_CENT})


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _of(queryset: QuerySet, company) -> QuerySet:
    if company is None:
        return queryset
    return queryset.filter(company_id=getattr(company, "pk", company))


def _invoice_label(invoice: Invoice) -> str:
    return f"invoice {invoice.number or 'draft'} (id {invoice.pk})"


def invoice_violations(*, company=None) -> list[Violation]:
    active = PaymentAllocation.objects.filter(invoice_id=OuterRef("pk"), reversed_at__isnull=True)
    rows = _of(Invoice.objects.all(), company).annotate(
        paid=_total_of(active.filter(payment__status=PaymentStatus.COMPLETED), "invoice_id"),
        allocated=_total_of(active, "invoice_id"),
        expected=Case(
            When(status__in=CLOSED, then=Value(ZERO)),
            default=F("total") - F("paid") - F("written_off"),
            output_field=MONEY,
        ),
        paid_diff=F("amount_paid") - F("paid"),
        balance_diff=F("balance") - F("expected"),
        room=F("total") - F("written_off") - F("allocated"),
    )
    zero_balance = Q(balance__lt=HALF_CENT)
    nothing_paid = Q(amount_paid__lt=HALF_CENT)
    wrong_status = (
        Q(status=InvoiceStatus.PAID, balance__gte=HALF_CENT)
        | Q(status=InvoiceStatus.PARTIALLY_PAID) & (zero_balance | nothing_paid)
        | Q(status=InvoiceStatus.OPEN) & (zero_balance | ~nothing_paid)
    )
    broken = rows.filter(
        _differs("paid_diff")
        | _differs("balance_diff")
        | wrong_status
        | Q(room__lt=-HALF_CENT)
        | Q(status__in=CLOSED, allocated__gte=HALF_CENT)
    ).order_by("pk")

    found = []
    for invoice in broken:
        label = _invoice_label(invoice)

        def add(rule: str, message: str, invoice=invoice, label=label) -> None:
            found.append(Violation(rule, invoice.company_id, label, message))

        if abs(invoice.paid_diff) > HALF_CENT:
            add(
                Rule.INVOICE_AMOUNT_PAID,
                f"amount paid is {_money(invoice.amount_paid)}, its allocations of completed "
                f"payments add up to {_money(invoice.paid)}",
            )
        if abs(invoice.balance_diff) > HALF_CENT:
            add(
                Rule.INVOICE_BALANCE,
                f"balance is {_money(invoice.balance)}, should be {_money(invoice.expected)}",
            )
        if invoice.room < -HALF_CENT or (
            invoice.status in CLOSED and invoice.allocated >= HALF_CENT
        ):
            add(
                Rule.ALLOCATION_ABOVE_BALANCE,
                f"{_money(invoice.allocated)} is allocated to a {invoice.status} invoice of "
                f"{_money(invoice.total)} with {_money(invoice.written_off)} written off",
            )
        if invoice.status not in CLOSED and invoice.status != InvoiceStatus.BAD_DEBT:
            wrong = (
                (invoice.status == InvoiceStatus.PAID and invoice.balance >= HALF_CENT)
                or (
                    invoice.status == InvoiceStatus.PARTIALLY_PAID
                    and (invoice.balance < HALF_CENT or invoice.amount_paid < HALF_CENT)
                )
                or (
                    invoice.status == InvoiceStatus.OPEN
                    and (invoice.balance < HALF_CENT or invoice.amount_paid >= HALF_CENT)
                )
            )
            if wrong:
                add(
                    Rule.INVOICE_STATUS,
                    f"status {invoice.status} with {_money(invoice.amount_paid)} paid and "
                    f"{_money(invoice.balance)} left",
                )
    return found


def payment_violations(*, company=None) -> list[Violation]:
    allocations = PaymentAllocation.objects.filter(
        payment_id=OuterRef("pk"), reversed_at__isnull=True
    )
    refunds = Refund.objects.filter(payment_id=OuterRef("pk"))
    rows = _of(Payment.objects.all(), company).annotate(
        allocated=_total_of(allocations, "payment_id"),
        refunds_total=_total_of(refunds, "payment_id"),
        refund_fees=_total_of(refunds, "payment_id", "fee_amount"),
        credit=F("amount") - F("refunded_amount") - F("allocated"),
        refunds_diff=F("refunded_amount") - F("refunds_total"),
        fees_diff=F("fee_refunded") - F("refund_fees"),
        unrefunded=F("amount") - F("refunded_amount"),
    )
    all_refunded = Q(unrefunded__lt=HALF_CENT)
    broken = rows.filter(
        Q(credit__lt=-HALF_CENT)
        | ~Q(status=PaymentStatus.COMPLETED) & Q(allocated__gte=HALF_CENT)
        | _differs("refunds_diff")
        | _differs("fees_diff")
        | Q(status=PaymentStatus.COMPLETED) & all_refunded
        | Q(status=PaymentStatus.REFUNDED) & ~all_refunded
    ).order_by("pk")

    found = []
    for payment in broken:
        label = f"payment {payment} (id {payment.pk})"

        def add(rule: str, message: str, payment=payment, label=label) -> None:
            found.append(Violation(rule, payment.company_id, label, message))

        if payment.credit < -HALF_CENT:
            add(
                Rule.PAYMENT_CREDIT_NEGATIVE,
                f"credit is {_money(payment.credit)}: {_money(payment.amount)} paid, "
                f"{_money(payment.refunded_amount)} refunded, "
                f"{_money(payment.allocated)} allocated",
            )
        if payment.status != PaymentStatus.COMPLETED and payment.allocated >= HALF_CENT:
            add(
                Rule.ALLOCATION_NOT_COMPLETED,
                f"a {payment.status} payment has {_money(payment.allocated)} allocated",
            )
        refunds_wrong = abs(payment.refunds_diff) > HALF_CENT or abs(payment.fees_diff) > HALF_CENT
        all_given_back = payment.unrefunded < HALF_CENT
        status_wrong = (payment.status == PaymentStatus.COMPLETED and all_given_back) or (
            payment.status == PaymentStatus.REFUNDED and not all_given_back
        )
        if refunds_wrong or status_wrong:
            add(
                Rule.PAYMENT_REFUNDS,
                f"status {payment.status}, refunded {_money(payment.refunded_amount)} "
                f"(fee {_money(payment.fee_refunded)}) of {_money(payment.amount)}; its refunds "
                f"add up to {_money(payment.refunds_total)} (fee {_money(payment.refund_fees)})",
            )
    return found


def allocation_violations(*, company=None) -> list[Violation]:
    rows = _of(PaymentAllocation.objects.filter(reversed_at__isnull=True), company).filter(
        ~Q(company_id=F("payment__company_id"))
        | ~Q(company_id=F("invoice__company_id"))
        | ~Q(payment__client_id=F("invoice__client_id"))
    )
    return [
        Violation(
            Rule.ALLOCATION_MISMATCH,
            row.company_id,
            f"allocation {row.pk}",
            f"joins payment {row.payment_id} (company {row.payment.company_id}, client "
            f"{row.payment.client_id}) and invoice {row.invoice_id} (company "
            f"{row.invoice.company_id}, client {row.invoice.client_id})",
        )
        for row in rows.select_related("payment", "invoice").order_by("pk")
    ]


def batch_violations(*, company=None) -> list[Violation]:
    rows = _of(BatchItem.objects.filter(active=True), company).filter(
        Q(invoice__status__in=CLOSED) | ~Q(invoice__client_id=F("batch__client_id"))
    )
    return [
        Violation(
            Rule.BATCH_ITEM,
            row.company_id,
            f"batch {row.batch.number} (id {row.batch_id})",
            f"holds {_invoice_label(row.invoice)}, {row.invoice.status}, of client "
            f"{row.invoice.client_id} (the batch's: {row.batch.client_id})",
        )
        for row in rows.select_related("batch", "invoice").order_by("pk")
    ]


def ledger_violations(*, company=None) -> list[Violation]:
    """Every rule broken, over all companies or one (a Company or its id)."""
    return [
        *invoice_violations(company=company),
        *payment_violations(company=company),
        *allocation_violations(company=company),
        *batch_violations(company=company),
    ]
