"""The payment page: its amount, fee, method, status, reference, proof, what it paid (the
reversed allocations struck), its refunds, the credit it has left, and its history; and its
actions, each a POST through payments.services, offered by status: apply credit, refund,
reverse (a bounced check) for a completed payment, approve or reject a customer's report.
A refusal comes back on the page (the form's errors, 422), never a 500."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crewdesk.core.decorators import member_required
from crewdesk.core.formats import format_money
from crewdesk.core.forms import refusal_text
from crewdesk.core.navigation import url_or_none
from crewdesk.core.permissions import Action, can
from crewdesk.core.responses import private_file_response
from crewdesk.core.selectors import record_activity_list
from crewdesk.payments import selectors, services
from crewdesk.payments.forms import ApplyCreditForm, RefundForm, RejectForm, ReverseForm
from crewdesk.payments.models import Payment, PaymentStatus
from crewdesk.payments.views.common import (
    detail_url,
    invoice_rows,
    payment_or_404,
    show_refusal,
)

ACTIVITY_ROWS = 30


def _proof(payment: Payment):
    try:
        return payment.proof
    except ObjectDoesNotExist:
        return None


def _paid_invoices(allocations) -> list:
    """The invoices the payment still pays, each once (what a refund may name)."""
    found = {}
    for row in allocations:
        if row.reversed_at is None:
            found.setdefault(row.invoice_id, row.invoice)
    return list(found.values())


def payment_context(request: HttpRequest, payment: Payment, **forms) -> dict:
    actor = request.membership
    allocations = list(selectors.payment_allocations(viewer=actor, payment=payment))
    credit = selectors.payment_credit(viewer=actor, payment=payment)
    completed = payment.status == PaymentStatus.COMPLETED
    paid = _paid_invoices(allocations)
    activity = []
    if can(actor, Action.VIEW_ACTIVITY):
        activity = list(record_activity_list(viewer=actor, record=payment)[:ACTIVITY_ROWS])
    can_apply = completed and credit > 0
    apply_rows = []
    if can_apply:
        data = forms.get("apply_form").data if forms.get("apply_form") else None
        apply_rows = invoice_rows(request, payment.client, spread=credit, data=data or None)
    refundable = payment.amount - payment.refunded_amount
    return {
        "payment": payment,
        "proof": _proof(payment),
        "allocations": allocations,
        "applied": sum((row.amount for row in allocations if row.reversed_at is None), 0),
        "refunds": list(selectors.payment_refunds(viewer=actor, payment=payment)),
        "credit": credit,
        "refundable": refundable,
        "activity": activity,
        "client_url": url_or_none("clients:detail", payment.client_id),
        "can_apply": can_apply and bool(apply_rows),
        "can_refund": completed and refundable > 0,
        "can_reverse": completed and not payment.stripe_payment_intent,
        "can_review": payment.status == PaymentStatus.TO_APPROVAL,
        "apply_rows": apply_rows,
        "apply_form": forms.get("apply_form") or ApplyCreditForm(),
        "refund_form": forms.get("refund_form")
        or RefundForm(invoices=paid, initial={"amount": credit or refundable}),
        "reverse_form": forms.get("reverse_form") or ReverseForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "open": forms.get("open", ""),
    }


@member_required(Action.MANAGE_BILLING)
@require_GET
def payment_detail(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = payment_or_404(request, payment_id)
    return render(request, "payments/detail.html", payment_context(request, payment))


@member_required(Action.MANAGE_BILLING)
@require_GET
def payment_proof(request: HttpRequest, payment_id: int) -> HttpResponse:
    """The proof's file, for the office only: a picture shown, a PDF downloaded."""
    payment = payment_or_404(request, payment_id)
    proof = _proof(payment)
    if proof is None:
        raise Http404
    return private_file_response(
        proof.file, name=proof.name, content_type=proof.content_type, inline=proof.is_image
    )


# Which form opens which action, and the flag that offers it.
OFFERED_BY = {
    "apply_form": "can_apply",
    "refund_form": "can_refund",
    "reverse_form": "can_reverse",
    "reject_form": "can_review",
}


def _refused(request, payment, form_name: str, form, error=None) -> HttpResponse:
    """The page again, the form open with its errors (the service's, under its fields); when
    the action is no longer offered (the payment changed meanwhile), the refusal as a message."""
    if error is not None:
        show_refusal(form, error)
    context = payment_context(request, payment, **{form_name: form, "open": form_name})
    if error is not None and not context[OFFERED_BY[form_name]]:
        messages.error(request, refusal_text(error))
    return render(request, "payments/detail.html", context, status=422)


def _done(request: HttpRequest, payment: Payment, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect(detail_url(payment))


@member_required(Action.MANAGE_BILLING)
@require_POST
def payment_apply(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = payment_or_404(request, payment_id)
    form = ApplyCreditForm(request.POST)
    if not form.is_valid():
        return _refused(request, payment, "apply_form", form)
    try:
        services.payment_apply(
            actor=request.membership, payment=payment, allocations=form.allocations()
        )
    except ValidationError as error:
        return _refused(request, payment, "apply_form", form, error)
    return _done(request, payment, _("The credit is applied."))


@member_required(Action.MANAGE_BILLING)
@require_POST
def payment_refund(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = payment_or_404(request, payment_id)
    paid = _paid_invoices(selectors.payment_allocations(viewer=request.membership, payment=payment))
    form = RefundForm(request.POST, invoices=paid)
    if not form.is_valid():
        return _refused(request, payment, "refund_form", form)
    data = form.cleaned_data
    try:
        refund = services.payment_refund(
            actor=request.membership,
            payment=payment,
            amount=data["amount"],
            invoices=data["invoices"] or None,
            reason=data["reason"],
        )
    except ValidationError as error:
        return _refused(request, payment, "refund_form", form, error)
    return _done(
        request,
        payment,
        _("Refunded %(amount)s.") % {"amount": format_money(refund.amount, payment.currency)},
    )


@member_required(Action.MANAGE_BILLING)
@require_POST
def payment_reverse(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = payment_or_404(request, payment_id)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        return _refused(request, payment, "reverse_form", form)
    try:
        services.payment_reverse(
            actor=request.membership, payment=payment, reason=form.cleaned_data["failure_reason"]
        )
    except ValidationError as error:
        return _refused(request, payment, "reverse_form", form, error)
    return _done(request, payment, _("Reversed: its invoices are owed again."))


def review_answer(
    request: HttpRequest, payment: Payment, *, form=None, error=None, done: str = ""
) -> HttpResponse:
    """An approval or a rejection answered: from the approval queue (htmx), its row again;
    from the payment page, the page. `form`: the reject form with its errors; `error`: the
    service's refusal."""
    if request.htmx and request.POST.get("from") == "queue":
        # A 200 either way: htmx swaps only those in (the row shows its errors).
        context = {
            "payment": payment,
            "done": done,
            "refusal": refusal_text(error) if error is not None else "",
            "reject_form": form or RejectForm(),
        }
        response = render(request, "payments/_approval_row.html", context)
        if done:
            response["HX-Trigger"] = "payments-reviewed"  # the menu's badge counts again
        return response
    if form is not None:
        return _refused(request, payment, "reject_form", form, error)
    if error is not None:  # an approval refused: nothing typed to show again
        messages.error(request, refusal_text(error))
        context = payment_context(request, payment)
        return render(request, "payments/detail.html", context, status=422)
    return _done(request, payment, done)


@member_required(Action.MANAGE_BILLING)
@require_POST
def payment_approve(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = payment_or_404(request, payment_id)
    try:
        payment = services.payment_approve(actor=request.membership, payment=payment)
    except ValidationError as error:
        return review_answer(request, payment, error=error)
    return review_answer(request, payment, done=_("Approved: the customer is told by email."))


@member_required(Action.MANAGE_BILLING)
@require_POST
def payment_reject(request: HttpRequest, payment_id: int) -> HttpResponse:
    payment = payment_or_404(request, payment_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return review_answer(request, payment, form=form)
    try:
        payment = services.payment_reject(
            actor=request.membership,
            payment=payment,
            reason=form.cleaned_data["rejection_reason"],
        )
    except ValidationError as error:
        return review_answer(request, payment, form=form, error=error)
    return review_answer(request, payment, done=_("Rejected: the customer is told why by email."))


urlpatterns = [
    path("payments/<int:payment_id>/", payment_detail, name="detail"),
    path("payments/<int:payment_id>/proof/", payment_proof, name="proof"),
    path("payments/<int:payment_id>/apply/", payment_apply, name="apply"),
    path("payments/<int:payment_id>/refund/", payment_refund, name="refund"),
    path("payments/<int:payment_id>/reverse/", payment_reverse, name="reverse"),
    path("payments/<int:payment_id>/approve/", payment_approve, name="approve"),
    path("payments/<int:payment_id>/reject/", payment_reject, name="reject"),
]
