"""Recording a payment the office took (payments.services.payment_record): who paid (chosen
first, or named by ?client= or ?invoice=), how, how much, when, its reference and proof, and
what of it goes to which of the client's open invoices, prefilled oldest due first (the
invoice it was opened from first); what is left is the client's credit."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from crewdesk.billing import selectors as billing_selectors
from crewdesk.billing.views.common import client_or_none
from crewdesk.billing.views.invoice_form import choose_client
from crewdesk.core.dates import company_today
from crewdesk.core.decorators import member_required
from crewdesk.core.formats import format_money
from crewdesk.core.permissions import Action
from crewdesk.payments import selectors, services
from crewdesk.payments.forms import PaymentRecordForm
from crewdesk.payments.views.common import detail_url, invoice_rows, show_refusal


def _invoice_named(request: HttpRequest, value):
    """The invoice a link names (?invoice=12), when the member may see it."""
    try:
        return billing_selectors.invoice_get(viewer=request.membership, invoice_id=value)
    except ObjectDoesNotExist:
        return None


@member_required(Action.MANAGE_BILLING)
@require_http_methods(["GET", "POST"])
def payment_new(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    source = request.POST if request.method == "POST" else request.GET
    invoice = _invoice_named(request, source.get("invoice")) if source.get("invoice") else None
    client = invoice.client if invoice else client_or_none(request, source.get("client"))
    if client is None:
        return choose_client(request, title=_("Record a payment"), target=reverse("payments:new"))
    if request.method == "POST":
        form = PaymentRecordForm(request.POST, request.FILES)
        rows = invoice_rows(request, client, first=invoice, data=request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                payment = services.payment_record(
                    actor=actor,
                    client=client.pk,
                    method=data["method"],
                    amount=data["amount"],
                    reference=data["reference"],
                    received_at=data["received_on"],
                    allocations=form.allocations(),
                    proof=data["proof"],
                )
            except ValidationError as error:
                show_refusal(form, error)
            else:
                messages.success(
                    request,
                    _("Recorded: %(name)s of %(amount)s from %(client)s.")
                    % {
                        "name": payment,
                        "amount": format_money(payment.amount, payment.currency),
                        "client": client.display_name,
                    },
                )
                return redirect(detail_url(payment))
        status = 422
    else:
        amount = invoice.balance if invoice and invoice.balance > 0 else None
        form = PaymentRecordForm(
            initial={
                "client": client.pk,
                "amount": amount,
                "received_on": company_today(actor.company),
            }
        )
        rows = invoice_rows(request, client, first=invoice, spread=amount)
        status = 200
    context = {
        "form": form,
        "client": client,
        "invoice": invoice,
        "rows": rows,
        "owed": sum((row.invoice.balance for row in rows), 0),
        "credit": selectors.client_credit(viewer=actor, client=client),
        "currency": actor.company.currency,
    }
    return render(request, "payments/form.html", context, status=status)


urlpatterns = [
    path("payments/new/", payment_new, name="new"),
]
