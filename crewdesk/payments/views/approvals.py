"""The approval queue: customers' reports of payments made outside Crewdesk ("I paid by
Zelle"), oldest first, each approved or rejected (with a reason) in its row over htmx
(payment_page.payment_approve / payment_reject answer with the row)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from crewdesk.core.decorators import member_required
from crewdesk.core.permissions import Action
from crewdesk.payments import selectors
from crewdesk.payments.forms import RejectForm

PAGE_SIZE = 30


@member_required(Action.MANAGE_BILLING)
@require_GET
def approval_queue(request: HttpRequest) -> HttpResponse:
    # The partial index payment_approval_queue holds exactly these rows: counting is cheap.
    queue = selectors.approval_queue(viewer=request.membership).select_related("proof")
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "reject_form": RejectForm()}
    return render(request, "payments/approvals.html", context)


@member_required(Action.MANAGE_BILLING)
@require_GET
def approvals_badge(request: HttpRequest) -> HttpResponse:
    """The menu's count of reports to approve, loaded after each page (core/navigation.py)."""
    count = selectors.approval_count(viewer=request.membership)
    response = render(request, "payments/_approvals_badge.html", {"count": count})
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("payments/approvals/", approval_queue, name="approvals"),
    path("payments/approvals/badge/", approvals_badge, name="approvals_badge"),
]
