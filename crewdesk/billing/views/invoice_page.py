"""The invoice page: its lines (with their jobs, dates and properties), figures, status, due
date, the jobs it covers, its batch and its history; and its actions, each a POST through
billing.services: issue, void (with a reason), write off, delete a draft; send it by email
and turn its public link off or make a new one (views/send_part.py). A refusal comes
back as a message (or the void form's error), never a 500."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crewdesk.billing import selectors, sending, services
from crewdesk.billing.display import INVOICE_PANELS
from crewdesk.billing.forms import VoidForm
from crewdesk.billing.models import RECEIVABLE_STATUSES, BatchItem, Invoice, InvoiceStatus
from crewdesk.billing.views.common import (
    back_url,
    can_change,
    detail_url,
    invoice_or_404,
    with_overdue,
)
from crewdesk.billing.views.send_part import DocumentPage, document_views, send_context
from crewdesk.core.decorators import member_required
from crewdesk.core.forms import refusal_text
from crewdesk.core.navigation import url_or_none
from crewdesk.core.permissions import Action, can
from crewdesk.core.selectors import record_activity_list

ACTIVITY_ROWS = 30


def _jobs_of(lines) -> list[dict]:
    """The jobs an invoice's lines come from, each once, in the lines' order."""
    jobs = {}
    for line in lines:
        if line.job_id and line.job_id not in jobs:
            jobs[line.job_id] = {
                "job": line.job,
                "url": url_or_none("jobs:detail", line.job_id),
                "date": line.service_date,
            }
    return list(jobs.values())


def invoice_context(request: HttpRequest, invoice: Invoice, **extra) -> dict:
    actor = request.membership
    with_overdue([invoice], actor.company)
    lines = list(selectors.invoice_lines(viewer=actor, invoice=invoice))
    activity = []
    if can(actor, Action.VIEW_ACTIVITY):
        activity = list(record_activity_list(viewer=actor, record=invoice)[:ACTIVITY_ROWS])
    batch_item = (
        BatchItem.objects.filter(invoice=invoice, active=True).select_related("batch").first()
    )
    status = invoice.status
    return {
        "invoice": invoice,
        "lines": lines,
        "jobs": _jobs_of(lines),
        "several_properties": len({line.property_id for line in lines if line.property_id}) > 1,
        "batch": batch_item.batch if batch_item else None,
        "client_url": url_or_none("clients:detail", invoice.client_id),
        "property_url": url_or_none("properties:detail", invoice.property_id)
        if invoice.property_id
        else None,
        "deposit_url": url_or_none("jobs:detail", invoice.deposit_for_id)
        if invoice.deposit_for_id
        else None,
        "activity": activity,
        "can_issue": status == InvoiceStatus.DRAFT,
        "can_edit": can_change(invoice),
        "can_delete": status == InvoiceStatus.DRAFT,
        "can_void": status not in (InvoiceStatus.DRAFT, InvoiceStatus.VOID),
        "can_write_off": status in RECEIVABLE_STATUSES,
        "void_form": extra.pop("void_form", None) or VoidForm(),
        **send_context(
            request,
            invoice,
            prefix="invoice",
            can_send=status not in (InvoiceStatus.DRAFT, InvoiceStatus.VOID),
            form=extra.pop("send_form", None),
        ),
        # What other apps show on the invoice page (billing/display.INVOICE_PANELS).
        "action_panels": INVOICE_PANELS.render(request, invoice, slot="actions"),
        "side_panels": INVOICE_PANELS.render(request, invoice, slot="side"),
        **extra,
    }


def invoice_page(request: HttpRequest, invoice: Invoice, *, status: int = 200, **extra):
    context = invoice_context(request, invoice, **extra)
    return render(request, "billing/invoice_detail.html", context, status=status)


@member_required(Action.MANAGE_BILLING)
@require_GET
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    return invoice_page(request, invoice_or_404(request, invoice_id))


def _act(request: HttpRequest, invoice: Invoice, do, success: str) -> HttpResponse:
    """Run one action; its refusal becomes an error message on the invoice page."""
    try:
        invoice = do()
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, success % {"name": invoice})
    return redirect(back_url(request, invoice))


@member_required(Action.MANAGE_BILLING)
@require_POST
def invoice_issue(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_or_404(request, invoice_id)
    return _act(
        request,
        invoice,
        lambda: services.invoice_issue(actor=request.membership, invoice=invoice),
        _("Issued: the invoice is now %(name)s."),
    )


@member_required(Action.MANAGE_BILLING)
@require_POST
def invoice_void(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_or_404(request, invoice_id)
    form = VoidForm(request.POST)
    if not form.is_valid():
        return invoice_page(request, invoice, status=422, void_form=form, open_void=True)
    return _act(
        request,
        invoice,
        lambda: services.invoice_void(
            actor=request.membership, invoice=invoice, reason=form.cleaned_data["void_reason"]
        ),
        _("%(name)s is void. Its jobs can be invoiced again."),
    )


@member_required(Action.MANAGE_BILLING)
@require_POST
def invoice_write_off(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_or_404(request, invoice_id)
    return _act(
        request,
        invoice,
        lambda: services.invoice_write_off(actor=request.membership, invoice=invoice),
        _("%(name)s is written off as bad debt."),
    )


@member_required(Action.MANAGE_BILLING)
@require_POST
def invoice_delete(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_or_404(request, invoice_id)
    try:
        services.invoice_draft_delete(actor=request.membership, invoice=invoice)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_text(error))
        return redirect(back_url(request, invoice))
    messages.success(request, _("The draft is deleted; its jobs are ready to invoice again."))
    return redirect(reverse("billing:invoice_list"))


urlpatterns = [
    path("invoices/<int:invoice_id>/", invoice_detail, name="invoice_detail"),
    path("invoices/<int:invoice_id>/issue/", invoice_issue, name="invoice_issue"),
    path("invoices/<int:invoice_id>/void/", invoice_void, name="invoice_void"),
    path("invoices/<int:invoice_id>/write-off/", invoice_write_off, name="invoice_write_off"),
    path("invoices/<int:invoice_id>/delete/", invoice_delete, name="invoice_delete"),
    # invoices/<id>/send/, link/revoke/, link/new/
    *document_views(
        DocumentPage(
            prefix="invoice",
            path="invoices/<int:invoice_id>/",
            find=invoice_or_404,
            render=invoice_page,
            url=detail_url,
            send=sending.invoice_send,
            revoke=sending.invoice_link_revoke,
            reissue=sending.invoice_link_reissue,
        )
    ),
]
