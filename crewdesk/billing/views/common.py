"""What the office's billing pages share: finding an invoice, a batch or a client (404 for
one the member may not see), where to go back to, and how an invoice is told on a page
(overdue, its jobs, the actions its status allows)."""

import datetime

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest
from django.urls import reverse

from crewdesk.billing import selectors
from crewdesk.billing.models import RECEIVABLE_STATUSES, BatchInvoice, Invoice, InvoiceStatus
from crewdesk.clients import selectors as client_selectors
from crewdesk.clients.models import Client
from crewdesk.core.dates import company_today
from crewdesk.core.navigation import next_url
from crewdesk.core.records import parse_id


def invoice_or_404(request: HttpRequest, invoice_id) -> Invoice:
    try:
        return selectors.invoice_get(viewer=request.membership, invoice_id=invoice_id)
    except ObjectDoesNotExist as error:
        raise Http404 from error


def batch_or_404(request: HttpRequest, batch_id) -> BatchInvoice:
    number = parse_id(batch_id)
    try:
        if number is None:
            raise BatchInvoice.DoesNotExist
        return (
            selectors.batch_queryset(viewer=request.membership)
            .select_related("client", "created_by")
            .get(pk=number)
        )
    except ObjectDoesNotExist as error:
        raise Http404 from error


def client_or_none(request: HttpRequest, value) -> Client | None:
    """The client a query string names (?client=12), when it is one of the company's."""
    client_id = parse_id(value)
    if client_id is None:
        return None
    try:
        return client_selectors.client_get(viewer=request.membership, client_id=client_id)
    except ObjectDoesNotExist:
        return None


def detail_url(invoice: Invoice | int) -> str:
    return reverse("billing:invoice_detail", args=[getattr(invoice, "pk", invoice)])


def back_url(request: HttpRequest, invoice: Invoice) -> str:
    return next_url(request, detail_url(invoice))


def days_overdue(invoice: Invoice, today: datetime.date) -> int:
    """How many days past its due date an unpaid invoice is (0: not overdue)."""
    if invoice.status not in RECEIVABLE_STATUSES or invoice.due_date is None:
        return 0
    return max(0, (today - invoice.due_date).days)


def with_overdue(invoices: list[Invoice], company) -> list[Invoice]:
    """Each invoice with `days_overdue`, counted in the company's time zone."""
    today = company_today(company)
    for invoice in invoices:
        invoice.days_overdue = days_overdue(invoice, today)
    return invoices


def can_change(invoice: Invoice) -> bool:
    """The rule of billing.services.invoice_update: a draft, or an issued invoice nothing is
    paid on."""
    return invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.OPEN) and not invoice.amount_paid
