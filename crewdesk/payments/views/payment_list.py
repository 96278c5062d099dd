"""The office's payments list: quick views, filters (payments/filters.py: status, method,
client, days received), search as you type (a reference or a client's words), pages read
without counting (core/paging.PeekPage): two queries whatever the number of payments."""

from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from crewdesk.clients import selectors as client_selectors
from crewdesk.core.decorators import member_required
from crewdesk.core.navigation import query_with
from crewdesk.core.paging import PeekPage
from crewdesk.core.permissions import Action
from crewdesk.payments import selectors
from crewdesk.payments.filters import QUICK_VIEWS, PaymentFilters
from crewdesk.payments.forms import PaymentFilterForm
from crewdesk.payments.models import PaymentAllocation, PaymentProof, PaymentStatus

PAGE_SIZE = 50
MONEY = DecimalField(max_digits=14, decimal_places=2)


def with_figures(payments):
    """Each payment with what it has applied (its active allocations) and whether it has a
    proof: one subquery each, by the allocation_by_payment index."""
    applied = (
        PaymentAllocation.objects.filter(payment=OuterRef("pk"), reversed_at__isnull=True)
        .order_by()
        .values("payment")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    return payments.annotate(
        applied=Coalesce(Subquery(applied, output_field=MONEY), Value(Decimal("0.00"))),
        has_proof=Exists(PaymentProof.objects.filter(payment=OuterRef("pk"))),
    )


def with_credit(payments) -> list:
    """`credit` of each (annotated) payment: what a completed one has left to give."""
    for payment in payments:
        left = payment.amount - payment.refunded_amount - payment.applied
        payment.credit = left if payment.status == PaymentStatus.COMPLETED else Decimal("0.00")
    return payments


def _quick_views(filters: PaymentFilters, list_url: str) -> list[dict]:
    views = []
    for label, status in QUICK_VIEWS:
        params = {"client": filters.client or "", "status": status}
        query = "&".join(f"{k}={v}" for k, v in params.items() if v)
        views.append(
            {
                "label": label,
                "url": f"{list_url}?{query}" if query else list_url,
                "active": filters.status == status
                and not (filters.method or filters.date_from or filters.date_to or filters.search),
            }
        )
    return views


@member_required(Action.MANAGE_BILLING)
@require_GET
def payment_list(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    rows_only = request.htmx and not request.htmx.history_restore_request
    form = PaymentFilterForm(request.GET)
    filters = PaymentFilters.from_form(form)
    payments = with_figures(selectors.payment_search(viewer=actor, filters=filters))
    page = PeekPage(payments, form.value("page", 1), PAGE_SIZE)
    with_credit(page.object_list)
    has_any = bool(page.object_list) or filters.is_filtered
    if not has_any:
        has_any = selectors.payment_queryset(viewer=actor).exists()
    client_filter = None
    if not rows_only and filters.client:
        client_filter = client_selectors.clients_by_id(viewer=actor, ids=[filters.client]).get(
            filters.client
        )
    list_url = reverse("payments:list")
    new_url = reverse("payments:new")
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "status_choices": form.fields["status"].choices,
        "method_choices": form.fields["method"].choices,
        "quick_views": _quick_views(filters, list_url),
        "client_filter": client_filter,
        "has_any": has_any,
        "first_page_url": f"{list_url}?{query_with(request.GET, page=None)}",
        "new_url": f"{new_url}?client={filters.client}" if client_filter else new_url,
        "approvals_url": reverse("payments:approvals"),
        "aging_url": reverse("payments:aging"),
    }
    template = "payments/_list_rows.html" if rows_only else "payments/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


urlpatterns = [
    path("payments/", payment_list, name="list"),
]
