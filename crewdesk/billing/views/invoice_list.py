"""The office's invoices list: search as you type (by number or client), filters
(billing/filters.py: status, client, property, issue dates, overdue), pages of PAGE_SIZE read
without counting."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from crewdesk.billing import selectors
from crewdesk.billing.filters import UNPAID, InvoiceFilters
from crewdesk.billing.forms import InvoiceFilterForm
from crewdesk.billing.models import InvoiceStatus
from crewdesk.billing.views.common import with_overdue
from crewdesk.clients import selectors as client_selectors
from crewdesk.core.decorators import member_required
from crewdesk.core.navigation import page_links, url_or_none
from crewdesk.core.permissions import Action
from crewdesk.properties import selectors as property_selectors

PAGE_SIZE = 50
# The quick views above the list: (label, query).
QUICK_VIEWS = [
    (_("All"), {}),
    (_("Drafts"), {"status": InvoiceStatus.DRAFT}),
    (_("Unpaid"), {"status": UNPAID}),
    (_("Overdue"), {"overdue": "1"}),
    (_("Paid"), {"status": InvoiceStatus.PAID}),
]


def _quick_views(filters: InvoiceFilters, list_url: str) -> list[dict]:
    views = []
    for label, query in QUICK_VIEWS:
        wanted = InvoiceFilters(
            status=query.get("status", ""),
            overdue=bool(query.get("overdue")),
            client=filters.client,
            property=filters.property,
        )
        keep = {"client": filters.client, "property": filters.property}
        params = {**{k: v for k, v in keep.items() if v}, **query}
        url = list_url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
        current = InvoiceFilters(
            status=filters.status,
            overdue=filters.overdue,
            client=filters.client,
            property=filters.property,
        )
        views.append({"label": label, "url": url, "active": wanted == current})
    return views


@member_required(Action.MANAGE_BILLING)
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    rows_only = request.htmx and not request.htmx.history_restore_request
    form = InvoiceFilterForm(request.GET)
    filters = InvoiceFilters.from_form(form)
    page = form.value("page", 1)
    start = (page - 1) * PAGE_SIZE
    invoices = selectors.invoice_list(viewer=actor, filters=filters).select_related(
        "client", "property"
    )
    rows = list(invoices[start : start + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = with_overdue(rows[:PAGE_SIZE], actor.company)
    is_filtered = filters.is_filtered
    has_any = bool(rows) or is_filtered or selectors.invoice_queryset(viewer=actor).exists()
    client_label = property_label = None
    if not rows_only and filters.client:
        named = client_selectors.clients_by_id(viewer=actor, ids=[filters.client])
        client_label = named.get(filters.client)
    if not rows_only and filters.property:
        try:
            property_label = property_selectors.property_get(
                viewer=actor, property_id=filters.property
            )
        except ObjectDoesNotExist:
            property_label = None
    list_url = reverse("billing:invoice_list")
    new_url = reverse("billing:invoice_new")
    context = {
        "form": form,
        "filters": filters,
        "invoices": rows,
        "page": page,
        "first": start + 1,
        "last": start + len(rows),
        "status_choices": form.fields["status"].choices,
        "quick_views": _quick_views(filters, list_url),
        "is_filtered": is_filtered,
        "has_any": has_any,
        "client_filter": client_label,
        "property_filter": property_label,
        **page_links(request.GET, list_url, page, has_next),
        "new_url": f"{new_url}?client={filters.client}" if client_label else new_url,
        "ready_url": url_or_none("billing:ready"),
        "batches_url": url_or_none("billing:batch_list"),
    }
    template = "billing/_invoice_rows.html" if rows_only else "billing/invoice_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


urlpatterns = [
    path("invoices/", invoice_list, name="invoice_list"),
]
