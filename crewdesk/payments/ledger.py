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

Four queries in all, whatever the size of the books: the invoice and payment rules each sum
the allocations (and refunds) in one pass, joined to their rows, and only rows breaking a rule
come back. Amounts are compared within half a cent in SQL (SQLite sums decimals as floating
point) and to the cent in Python.
"""

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

from django.db import connection
from django.db.models import F, Q, QuerySet

from crewdesk.billing.models import BatchItem, Invoice, InvoiceStatus
from crewdesk.payments.models import Payment, PaymentAllocation, PaymentStatus, Refund

# Amounts are compared within half a cent in SQL (0.005, written as a literal: a Decimal
# parameter reaches SQLite as text, and SQLite orders every number below every text).
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


def _money(value) -> Decimal:
    """A sum as the database answers it (a float on SQLite) to the cent."""
    return Decimal(str(value if value is not None else 0)).quantize(Decimal("0.01"))


def _of(queryset: QuerySet, company) -> QuerySet:
    if company is None:
        return queryset
    return queryset.filter(company_id=getattr(company, "pk", company))


def _company_id(company) -> int | None:
    return None if company is None else getattr(company, "pk", company)


def _rows(sql: str, params: list, money: tuple[str, ...]) -> list[SimpleNamespace]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        rows = [SimpleNamespace(**dict(zip(names, row, strict=True))) for row in cursor.fetchall()]
    for row in rows:
        for name in money:
            setattr(row, name, _money(getattr(row, name)))
    return rows


def _invoice_label(number: str, pk: int) -> str:
    return f"invoice {number or 'draft'} (id {pk})"


# What is paid on each invoice, in one pass over the active allocations (a hash aggregate on
# PostgreSQL), joined to the invoices; only rows breaking a rule come back.
INVOICE_SQL = """
WITH allocated AS (
    SELECT a.invoice_id,
           SUM(CASE WHEN p.status = %(completed)s THEN a.amount ELSE 0 END) AS paid,
           SUM(a.amount) AS allocated
    FROM {allocation} a JOIN {payment} p ON p.id = a.payment_id
    WHERE a.reversed_at IS NULL {allocation_company}
    GROUP BY a.invoice_id
), figures AS (
    SELECT i.id, i.company_id, i.number, i.status, i.total, i.amount_paid, i.written_off,
           i.balance, COALESCE(x.paid, 0) AS paid, COALESCE(x.allocated, 0) AS allocated
    FROM {invoice} i LEFT JOIN allocated x ON x.invoice_id = i.id
    WHERE 1 = 1 {invoice_company}
), checked AS (
    SELECT f.*,
           CASE WHEN f.status IN (%(draft)s, %(void)s) THEN 0
                ELSE f.total - f.paid - f.written_off END AS expected
    FROM figures f
)
SELECT * FROM checked c
WHERE ABS(c.amount_paid - c.paid) > 0.005
   OR ABS(c.balance - c.expected) > 0.005
   OR c.total - c.written_off - c.allocated < -0.005
   OR (c.status IN (%(draft)s, %(void)s) AND c.allocated >= 0.005)
   OR (c.status = %(paid_status)s AND c.balance >= 0.005)
   OR (c.status = %(partly)s AND (c.balance < 0.005 OR c.amount_paid < 0.005))
   OR (c.status = %(open)s AND (c.balance < 0.005 OR c.amount_paid >= 0.005))
ORDER BY c.id
"""


def invoice_violations(*, company=None) -> list[Violation]:
    company_id = _company_id(company)
    sql = INVOICE_SQL.format(
        allocation=PaymentAllocation._meta.db_table,
        payment=Payment._meta.db_table,
        invoice=Invoice._meta.db_table,
        allocation_company="" if company_id is None else "AND a.company_id = %(company)s",
        invoice_company="" if company_id is None else "AND i.company_id = %(company)s",
    )
    params = {
        "completed": PaymentStatus.COMPLETED,
        "draft": InvoiceStatus.DRAFT,
        "void": InvoiceStatus.VOID,
        "paid_status": InvoiceStatus.PAID,
        "partly": InvoiceStatus.PARTIALLY_PAID,
        "open": InvoiceStatus.OPEN,
        "company": company_id,
    }
    money = ("total", "amount_paid", "written_off", "balance", "paid", "allocated", "expected")
    found = []
    for row in _rows(sql, params, money):
        label = _invoice_label(row.number, row.id)

        def add(rule: str, message: str, row=row, label=label) -> None:
            found.append(Violation(rule, row.company_id, label, message))

        if row.amount_paid != row.paid:
            add(
                Rule.INVOICE_AMOUNT_PAID,
                f"amount paid is {row.amount_paid}, its allocations of completed "
                f"payments add up to {row.paid}",
            )
        if row.balance != row.expected:
            add(Rule.INVOICE_BALANCE, f"balance is {row.balance}, should be {row.expected}")
        if row.total - row.written_off < row.allocated or (
            row.status in CLOSED and row.allocated > 0
        ):
            add(
                Rule.ALLOCATION_ABOVE_BALANCE,
                f"{row.allocated} is allocated to a {row.status} invoice of {row.total} "
                f"with {row.written_off} written off",
            )
        wrong_status = (
            (row.status == InvoiceStatus.PAID and row.balance > 0)
            or (
                row.status == InvoiceStatus.PARTIALLY_PAID
                and (row.balance == 0 or row.amount_paid == 0)
            )
            or (row.status == InvoiceStatus.OPEN and (row.balance == 0 or row.amount_paid > 0))
        )
        if wrong_status:
            add(
                Rule.INVOICE_STATUS,
                f"status {row.status} with {row.amount_paid} paid and {row.balance} left",
            )
    return found


PAYMENT_SQL = """
WITH allocated AS (
    SELECT a.payment_id, SUM(a.amount) AS allocated
    FROM {allocation} a
    WHERE a.reversed_at IS NULL {allocation_company}
    GROUP BY a.payment_id
), refunded AS (
    SELECT r.payment_id, SUM(r.amount) AS refunds, SUM(r.fee_amount) AS refund_fees
    FROM {refund} r
    WHERE 1 = 1 {refund_company}
    GROUP BY r.payment_id
), figures AS (
    SELECT p.id, p.company_id, p.method, p.reference, p.status, p.amount, p.refunded_amount,
           p.fee_refunded, COALESCE(x.allocated, 0) AS allocated,
           COALESCE(r.refunds, 0) AS refunds, COALESCE(r.refund_fees, 0) AS refund_fees
    FROM {payment} p
    LEFT JOIN allocated x ON x.payment_id = p.id
    LEFT JOIN refunded r ON r.payment_id = p.id
    WHERE 1 = 1 {payment_company}
)
SELECT * FROM figures f
WHERE f.amount - f.refunded_amount - f.allocated < -0.005
   OR (f.status <> %(completed)s AND f.allocated >= 0.005)
   OR ABS(f.refunded_amount - f.refunds) > 0.005
   OR ABS(f.fee_refunded - f.refund_fees) > 0.005
   OR (f.status = %(completed)s AND f.amount - f.refunded_amount < 0.005)
   OR (f.status = %(refunded)s AND f.amount - f.refunded_amount >= 0.005)
ORDER BY f.id
"""


def payment_violations(*, company=None) -> list[Violation]:
    company_id = _company_id(company)
    sql = PAYMENT_SQL.format(
        allocation=PaymentAllocation._meta.db_table,
        refund=Refund._meta.db_table,
        payment=Payment._meta.db_table,
        allocation_company="" if company_id is None else "AND a.company_id = %(company)s",
        refund_company="" if company_id is None else "AND r.company_id = %(company)s",
        payment_company="" if company_id is None else "AND p.company_id = %(company)s",
    )
    params = {
        "completed": PaymentStatus.COMPLETED,
        "refunded": PaymentStatus.REFUNDED,
        "company": company_id,
    }
    money = ("amount", "refunded_amount", "fee_refunded", "allocated", "refunds", "refund_fees")
    found = []
    for row in _rows(sql, params, money):
        name = Payment(method=row.method, reference=row.reference)
        label = f"payment {name} (id {row.id})"

        def add(rule: str, message: str, row=row, label=label) -> None:
            found.append(Violation(rule, row.company_id, label, message))

        credit = row.amount - row.refunded_amount - row.allocated
        if credit < 0:
            add(
                Rule.PAYMENT_CREDIT_NEGATIVE,
                f"credit is {credit}: {row.amount} paid, {row.refunded_amount} refunded, "
                f"{row.allocated} allocated",
            )
        if row.status != PaymentStatus.COMPLETED and row.allocated > 0:
            add(
                Rule.ALLOCATION_NOT_COMPLETED,
                f"a {row.status} payment has {row.allocated} allocated",
            )
        all_given_back = row.amount == row.refunded_amount
        wrong = (
            row.refunded_amount != row.refunds
            or row.fee_refunded != row.refund_fees
            or (row.status == PaymentStatus.COMPLETED and all_given_back)
            or (row.status == PaymentStatus.REFUNDED and not all_given_back)
        )
        if wrong:
            add(
                Rule.PAYMENT_REFUNDS,
                f"status {row.status}, refunded {row.refunded_amount} (fee {row.fee_refunded}) "
                f"of {row.amount}; its refunds add up to {row.refunds} (fee {row.refund_fees})",
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
            f"holds {_invoice_label(row.invoice.number, row.invoice_id)}, {row.invoice.status}, "
            f"of client "
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
