"""What payments shows on other apps' pages, registered in apps.py: a client profile's
Payments tab and its balance and credit in the header, the invoice page's "Record payment"
button and its payments, the office home's "Payments to approve", the menu's badge, and the
payments an invoice's document lists (billing/documents.INVOICE_PAYMENTS)."""

from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest

from crewdesk.billing import amounts
from crewdesk.billing.documents import AppliedPayment
from crewdesk.billing.models import RECEIVABLE_STATUSES
from crewdesk.core.dates import company_zone
from crewdesk.core.navigation import url_or_none
from crewdesk.payments import selectors
from crewdesk.payments.models import PaymentAllocation, PaymentStatus
from crewdesk.payments.views.payment_list import with_credit, with_figures

CLIENT_PAYMENTS_PER_PAGE = 20


def _record_url(**query) -> str:
    return f"{url_or_none('payments:new')}?" + "&".join(f"{k}={v}" for k, v in query.items())


# --- a client's profile ------------------------------------------------------------------------


def client_payments_tab(request: HttpRequest, client) -> dict:
    viewer = request.membership
    payments = with_figures(selectors.payment_list(viewer=viewer, client=client))
    page = Paginator(payments, CLIENT_PAYMENTS_PER_PAGE).get_page(request.GET.get("payments_page"))
    with_credit(page.object_list)
    return {
        "payments_page": page,
        "record_url": _record_url(client=client.pk),
        "all_url": f"{url_or_none('payments:list')}?client={client.pk}",
    }


def client_header(request: HttpRequest, client) -> dict:
    """What the client owes: open invoices − credit, and the credit itself."""
    viewer = request.membership
    owed = selectors.client_open_balance(viewer=viewer, client=client)
    credit = selectors.client_credit(viewer=viewer, client=client)
    return {
        "owed": owed,
        "credit": credit,
        "balance": owed - credit,
        "record_url": _record_url(client=client.pk),
        "invoices_url": f"{url_or_none('billing:invoice_list')}?client={client.pk}&status=unpaid",
    }


# --- the invoice page --------------------------------------------------------------------------


def invoice_record_button(request: HttpRequest, invoice) -> dict | None:
    if invoice.status not in RECEIVABLE_STATUSES:
        return None
    return {"record_url": _record_url(client=invoice.client_id, invoice=invoice.pk)}


def invoice_payments_panel(request: HttpRequest, invoice) -> dict | None:
    """The payments that paid this invoice (their reversed parts too), each a link."""
    rows = list(
        selectors.payment_queryset(viewer=request.membership)
        .filter(allocations__invoice_id=invoice.pk)
        .distinct()
        .order_by("received_at", "id")
    )
    if not rows:
        return None
    parts = {}
    for row in PaymentAllocation.objects.filter(
        invoice_id=invoice.pk, payment_id__in=[p.pk for p in rows]
    ).order_by("pk"):
        entry = parts.setdefault(row.payment_id, {"applied": Decimal("0.00"), "undone": False})
        if row.reversed_at is None:
            entry["applied"] += row.amount
        else:
            entry["undone"] = True
    for payment in rows:
        payment.applied_here = parts[payment.pk]["applied"]
    return {"payments": rows, "invoice": invoice}


# --- the office home and the menu ----------------------------------------------------------------


def home_approvals(request: HttpRequest) -> dict | None:
    """The customers' reports waiting, when there are any."""
    count = selectors.approval_count(viewer=request.membership)
    if not count:
        return None
    return {"count": count, "queue_url": url_or_none("payments:approvals")}


# --- invoice documents (page, email, PDF) --------------------------------------------------------


def _fee_share(payment, amount: Decimal) -> Decimal:
    """The part of a payment's card fee that came with `amount` of it (shown, never owed)."""
    if not payment.fee_amount:
        return Decimal("0.00")
    return amounts.quantize(payment.fee_amount * amount / payment.amount)


def applied_payments(*, invoices) -> dict[int, list[AppliedPayment]]:
    """The completed payments on these invoices (their active allocations): method, day,
    reference, amount. One query for all the invoices of a batch."""
    found: dict[int, list[AppliedPayment]] = {}
    rows = (
        PaymentAllocation.objects.filter(
            Q(invoice_id__in=[i.pk for i in invoices]),
            reversed_at__isnull=True,
            payment__status=PaymentStatus.COMPLETED,
        )
        .select_related("payment")
        .order_by("payment__received_at", "pk")
    )
    zones = {i.pk: company_zone(i.company) for i in invoices[:1]}
    zone = next(iter(zones.values()), None)
    for row in rows:
        payment = row.payment
        received = payment.received_at.astimezone(zone).date() if zone else payment.received_at
        found.setdefault(row.invoice_id, []).append(
            AppliedPayment(
                received=received,
                label=str(payment),
                amount=row.amount,
                fee=_fee_share(payment, row.amount),
            )
        )
    return found
