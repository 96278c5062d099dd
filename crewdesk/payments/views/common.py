"""What the office's payments pages share: finding a payment (404 for one the member may not
see), a payment's figures, how a payment is spread over a client's open invoices, and a
service's refusal shown on a form."""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse

from crewdesk.billing import amounts
from crewdesk.billing.models import RECEIVABLE_STATUSES, Invoice
from crewdesk.core.forms import form_add_service_error
from crewdesk.payments import selectors
from crewdesk.payments.forms import ALLOCATION_PREFIX
from crewdesk.payments.models import Payment

ZERO = Decimal("0.00")
OPEN_INVOICES_SHOWN = 50  # a client's open invoices offered to pay at once, oldest due first


def payment_or_404(request: HttpRequest, payment_id) -> Payment:
    try:
        return selectors.payment_get(viewer=request.membership, payment_id=payment_id)
    except ObjectDoesNotExist as error:
        raise Http404 from error


def detail_url(payment: Payment | int) -> str:
    return reverse("payments:detail", args=[getattr(payment, "pk", payment)])


@dataclass
class InvoiceRow:
    """An open invoice on a form that spreads money: its amount box and what is typed there."""

    invoice: Invoice
    value: str

    @property
    def name(self) -> str:
        return f"{ALLOCATION_PREFIX}{self.invoice.pk}"


def invoice_rows(
    request: HttpRequest, client, *, first: Invoice | None = None, spread=None, data=None
) -> list[InvoiceRow]:
    """The client's open invoices, oldest due first (`first` ahead of them), each with the
    amount typed (`data`, a form's POST) or, when nothing was sent yet, its share of `spread`
    oldest due first up to each balance (billing/amounts.allocate_oldest_first)."""
    invoices = selectors.open_invoices(
        viewer=request.membership, client=client, limit=OPEN_INVOICES_SHOWN
    )
    if first is not None and first.status in RECEIVABLE_STATUSES:
        invoices = [first, *(i for i in invoices if i.pk != first.pk)]
    if data is not None:
        return [
            InvoiceRow(i, str(data.get(f"{ALLOCATION_PREFIX}{i.pk}", ""))[:20]) for i in invoices
        ]
    shares = [ZERO] * len(invoices)
    if spread:
        shares = amounts.allocate_oldest_first(spread, [i.balance for i in invoices])
    return [
        InvoiceRow(i, str(share) if share else "")
        for i, share in zip(invoices, shares, strict=True)
    ]


# A service names some fields otherwise than the forms do.
FIELD_NAMES = {"received_at": "received_on", "invoices": "invoices", "reason": "rejection_reason"}


def show_refusal(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError on the form, under the form's own field names."""
    if hasattr(error, "error_dict"):
        error = ValidationError(
            {FIELD_NAMES.get(field, field): errors for field, errors in error.error_dict.items()}
        )
    form_add_service_error(form, error)
