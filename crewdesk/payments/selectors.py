"""Reads of payments, each starting from what the viewer may see (core.permissions.scope): the
office sees its company's payments, a customer only their client's; an employee none.

Also the receivables: a client's credit and balance, the approval queue, and aging, each one
SQL aggregate whatever the number of invoices."""

import datetime
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
from django.utils.translation import gettext_lazy as _

from crewdesk.accounts.models import Membership
from crewdesk.billing.models import RECEIVABLE_STATUSES, Invoice
from crewdesk.clients.selectors import client_ids_matching
from crewdesk.core.dates import company_today, company_zone, in_range
from crewdesk.core.permissions import Action, can, require, scope
from crewdesk.core.records import parse_id
from crewdesk.payments.filters import PROBLEM_STATUSES, PROBLEMS
from crewdesk.payments.models import Payment, PaymentAllocation, PaymentStatus, Refund

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def _sum(field: str, condition: Q | None = None, **filters) -> Coalesce:
    if filters:
        condition = (condition or Q()) & Q(**filters)
    return Coalesce(Sum(field, filter=condition), Value(ZERO), output_field=MONEY)


# --- payments ------------------------------------------------------------------------------------


def payment_queryset(*, viewer: Membership) -> QuerySet[Payment]:
    """The office's company payments, a customer's own client's; none for an employee."""
    if not (can(viewer, Action.MANAGE_BILLING) or can(viewer, Action.USE_PORTAL)):
        return Payment.objects.none()
    return scope(Payment.objects.all(), viewer)


def payment_list(
    *, viewer: Membership, client=None, status: str | None = None, method: str | None = None
) -> QuerySet[Payment]:
    """Newest received first, filterable by client, status and method."""
    payments = payment_queryset(viewer=viewer)
    if client is not None:
        payments = payments.filter(client=client)
    if status:
        payments = payments.filter(status=status)
    if method:
        payments = payments.filter(method=method)
    return payments.select_related("client").order_by("-received_at", "-id")


def payment_get(*, viewer: Membership, payment_id) -> Payment:
    """One payment the viewer may see, else Payment.DoesNotExist (a 404)."""
    number = parse_id(payment_id)
    if number is None:
        raise Payment.DoesNotExist
    return (
        payment_queryset(viewer=viewer).select_related("client", "invoice", "batch").get(pk=number)
    )


def payment_allocations(
    *, viewer: Membership, payment: Payment, active_only: bool = False
) -> QuerySet[PaymentAllocation]:
    """What a payment paid, invoice by invoice (the reversed ones too, unless `active_only`)."""
    rows = scope(PaymentAllocation.objects.filter(payment_id=payment.pk), viewer)
    if active_only:
        rows = rows.filter(reversed_at__isnull=True)
    return rows.select_related("invoice").order_by("created_at", "id")


def payment_refunds(*, viewer: Membership, payment: Payment) -> QuerySet[Refund]:
    return scope(Refund.objects.filter(payment_id=payment.pk), viewer).order_by("created_at", "id")


def invoice_payments(*, viewer: Membership, invoice: Invoice) -> QuerySet[PaymentAllocation]:
    """The payments applied to an invoice (its page, PDF and email): active allocations of
    completed payments, oldest first."""
    return (
        scope(PaymentAllocation.objects.filter(invoice_id=invoice.pk), viewer)
        .filter(reversed_at__isnull=True, payment__status=PaymentStatus.COMPLETED)
        .select_related("payment")
        .order_by("created_at", "id")
    )


def invoice_payment_processing(*, viewer: Membership, invoice: Invoice) -> bool:
    """A payment on this invoice (or a batch it is in) is still settling: the invoice shows
    "payment processing" and hides Pay."""
    return (
        payment_queryset(viewer=viewer)
        .filter(
            Q(invoice_id=invoice.pk)
            | Q(batch__items__invoice_id=invoice.pk, batch__items__active=True),
            status=PaymentStatus.PENDING,
        )
        .exists()
    )


def payment_credit(*, viewer: Membership, payment: Payment) -> Decimal:
    """What one payment has left to apply or refund (zero unless completed)."""
    found = (
        payment_queryset(viewer=viewer)
        .filter(pk=payment.pk, status=PaymentStatus.COMPLETED)
        .values("amount", "refunded_amount")
        .first()
    )
    if found is None:
        return ZERO
    allocated = PaymentAllocation.objects.filter(
        payment_id=payment.pk, reversed_at__isnull=True
    ).aggregate(s=_sum("amount"))["s"]
    return found["amount"] - found["refunded_amount"] - allocated


def with_credit(*, payments: QuerySet[Payment]) -> QuerySet[Payment]:
    """Payments with `credit`: what each has left to apply or refund, as payment_credit
    reckons it (amount − refunded − active allocations; zero unless completed), for a whole
    page in one query."""
    allocated = (
        PaymentAllocation.objects.filter(payment=OuterRef("pk"), reversed_at__isnull=True)
        .order_by()
        .values("payment")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    left = F("amount") - F("refunded_amount") - Coalesce(Subquery(allocated), Value(ZERO))
    return payments.annotate(
        credit=Case(
            When(status=PaymentStatus.COMPLETED, then=left),
            default=Value(ZERO),
            output_field=MONEY,
        )
    )


def approval_queue(*, viewer: Membership) -> QuerySet[Payment]:
    """Customers' reports waiting for the office, oldest first."""
    require(viewer, Action.MANAGE_BILLING)
    return (
        scope(Payment.objects.filter(status=PaymentStatus.TO_APPROVAL), viewer)
        .select_related("client", "invoice", "batch", "reported_by__user")
        .order_by("created_at", "id")
    )


# --- receivables ---------------------------------------------------------------------------------


def client_credit(*, viewer: Membership, client) -> Decimal:
    """A client's unapplied money: its completed payments' amounts − refunded − what is
    applied to invoices."""
    payments = payment_queryset(viewer=viewer).filter(client=client, status=PaymentStatus.COMPLETED)
    totals = payments.aggregate(paid=_sum("amount"), refunded=_sum("refunded_amount"))
    allocated = PaymentAllocation.objects.filter(
        payment__in=payments.values("pk"), reversed_at__isnull=True
    ).aggregate(s=_sum("amount"))["s"]
    return totals["paid"] - totals["refunded"] - allocated


def client_open_balance(*, viewer: Membership, client) -> Decimal:
    """What a client's open and partially paid invoices still ask."""
    return scope(
        Invoice.objects.filter(client=client, status__in=RECEIVABLE_STATUSES), viewer
    ).aggregate(s=_sum("balance"))["s"]


def client_balance(*, viewer: Membership, client) -> Decimal:
    """What a client owes: its open and partially paid balances − its credit (below zero when
    the credit is larger)."""
    return client_open_balance(viewer=viewer, client=client) - client_credit(
        viewer=viewer, client=client
    )


# Aging columns: (key of the amounts, billing/amounts.AGING_BUCKETS name, heading).
AGING_COLUMNS = (
    ("current", "current", _("Current")),
    ("days_1_30", "1_30", _("1–30 days")),
    ("days_31_60", "31_60", _("31–60 days")),
    ("days_61_90", "61_90", _("61–90 days")),
    ("over_90", "over_90", _("Over 90 days")),
)


def _aging_sums(today: datetime.date) -> dict:
    """One Sum per aging column over open balances, by days past due in the company's time
    zone (the rule of billing/amounts.aging_bucket, written as SQL)."""

    def before(days: int) -> datetime.date:
        return today - datetime.timedelta(days=days)

    return {
        "current": _sum("balance", Q(due_date__gte=today) | Q(due_date__isnull=True)),
        "days_1_30": _sum("balance", due_date__lt=today, due_date__gte=before(30)),
        "days_31_60": _sum("balance", due_date__lt=before(30), due_date__gte=before(60)),
        "days_61_90": _sum("balance", due_date__lt=before(60), due_date__gte=before(90)),
        "over_90": _sum("balance", due_date__lt=before(90)),
        "total": _sum("balance"),
    }


@dataclass(frozen=True)
class Aging:
    current: Decimal
    days_1_30: Decimal
    days_31_60: Decimal
    days_61_90: Decimal
    over_90: Decimal
    total: Decimal

    def by_bucket(self) -> dict[str, Decimal]:
        """{billing/amounts.AGING_BUCKETS name: amount}."""
        return {bucket: getattr(self, key) for key, bucket, _label in AGING_COLUMNS}


def _receivables(viewer: Membership) -> QuerySet[Invoice]:
    require(viewer, Action.MANAGE_BILLING)
    return scope(Invoice.objects.filter(status__in=RECEIVABLE_STATUSES), viewer)


def aging(*, viewer: Membership, client=None) -> Aging:
    """The company's open balances (or one client's) by how late they are: one aggregate."""
    invoices = _receivables(viewer)
    if client is not None:
        invoices = invoices.filter(client=client)
    return Aging(**invoices.aggregate(**_aging_sums(company_today(viewer.company))))


def aging_by_client(*, viewer: Membership) -> QuerySet:
    """Aging per client, most owed first: rows of {client_id, current, days_1_30, ...,
    total}, grouped in SQL (page it; each row is one client)."""
    return (
        _receivables(viewer)
        .values("client_id")
        .annotate(**_aging_sums(company_today(viewer.company)))
        .order_by("-total", "client_id")
    )


# --- the office's pages ----------------------------------------------------------------------

# A search by client reads at most this many matching clients' payments (as invoices).
SEARCH_CLIENTS = 500


def payment_search(*, viewer: Membership, filters) -> QuerySet[Payment]:
    """The payments list (payments/filters.PaymentFilters): newest received first. A search
    finds a payment by its reference, as typed, or by its client's words (the clients search's
    word index: a list of ids, then their payments by the payment_by_client index)."""
    require(viewer, Action.MANAGE_BILLING)
    payments = payment_queryset(viewer=viewer)
    if filters.status == PROBLEMS:
        payments = payments.filter(status__in=PROBLEM_STATUSES)
    elif filters.status in PaymentStatus.values:
        payments = payments.filter(status=filters.status)
    if filters.method:
        payments = payments.filter(method=filters.method)
    if filters.client:
        payments = payments.filter(client_id=filters.client)
    zone = company_zone(viewer.company)
    # A day out of the calendar's range (a link may carry 9999-12-31) filters nothing.
    if filters.date_from and in_range(filters.date_from):
        start = datetime.datetime.combine(filters.date_from, datetime.time(), tzinfo=zone)
        payments = payments.filter(received_at__gte=start)
    if filters.date_to and in_range(filters.date_to):
        end = datetime.datetime.combine(
            filters.date_to + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
        )
        payments = payments.filter(received_at__lt=end)
    if filters.search:
        text = filters.search
        condition = Q(reference__in={text, text.upper(), text.lower()})
        ids = client_ids_matching(viewer=viewer, text=text, limit=SEARCH_CLIENTS)
        if ids:
            condition |= Q(client_id__in=ids)
        payments = payments.filter(condition)
    return payments.select_related("client").order_by("-received_at", "-id")


def approval_count(*, viewer: Membership) -> int:
    """How many customers' reports wait for the office (the menu's badge): the partial index
    payment_approval_queue holds exactly these."""
    return approval_queue(viewer=viewer).order_by().count()


def open_invoices(*, viewer: Membership, client, limit: int) -> list[Invoice]:
    """A client's invoices with something to pay, oldest due first (the order a payment is
    spread in, payments/allocations.oldest_due_first): the first `limit`."""
    require(viewer, Action.MANAGE_BILLING)
    invoices = scope(Invoice.objects.filter(client=client, status__in=RECEIVABLE_STATUSES), viewer)
    return list(
        invoices.order_by(
            F("due_date").asc(nulls_last=True),
            F("issue_date").asc(nulls_last=True),
            "sequence",
            "id",
        )[:limit]
    )
