"""Batch invoices: the list (by client), a new batch of a client's open invoices (chosen on
the page, narrowed by issue dates and property; an invoice already in a batch is not
offered), and the batch page with its invoices, total and balance (the sum of its invoices'
balances, whatever was paid through them), sent by email and its public link managed
(views/send_part.py)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from crewdesk.billing import selectors, sending, services
from crewdesk.billing.filters import UNPAID, InvoiceFilters
from crewdesk.billing.forms import BatchForm, InvoiceFilterForm
from crewdesk.billing.models import BatchItem
from crewdesk.billing.views.common import batch_or_404, client_or_none, with_overdue
from crewdesk.billing.views.invoice_form import choose_client
from crewdesk.billing.views.send_part import DocumentPage, document_views, send_context
from crewdesk.core.decorators import member_required
from crewdesk.core.forms import form_add_service_error, refusal_text
from crewdesk.core.permissions import Action
from crewdesk.properties import selectors as property_selectors

BATCHES_PER_PAGE = 50
MAX_OFFERED = 500  # open invoices offered for one batch at most


def batches_with_figures(batches):
    """Each batch with its invoice count, total and balance (its active invoices')."""
    active = Q(items__active=True)
    return batches.annotate(
        invoice_count=Count("items", filter=active),
        total=Sum("items__invoice__total", filter=active),
        balance=Sum("items__invoice__balance", filter=active),
    ).order_by("-created_at", "-id")


@member_required(Action.MANAGE_BILLING)
@require_GET
def batch_list(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    client = client_or_none(request, request.GET.get("client"))
    batches = selectors.batch_queryset(viewer=actor).select_related("client")
    if client is not None:
        batches = batches.filter(client=client)
    page = Paginator(batches_with_figures(batches), BATCHES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"batches_page": page, "client": client}
    return render(request, "billing/batch_list.html", context)


@member_required(Action.MANAGE_BILLING)
@require_http_methods(["GET", "POST"])
def batch_new(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    client = client_or_none(request, request.POST.get("client") or request.GET.get("client"))
    if client is None:
        return choose_client(request, title=_("New batch"), target=reverse("billing:batch_new"))
    filter_form = InvoiceFilterForm(request.GET)
    filters = InvoiceFilters(
        status=UNPAID,
        client=client.pk,
        property=filter_form.value("property"),
        date_from=filter_form.value("date_from"),
        date_to=filter_form.value("date_to"),
    )
    in_a_batch = BatchItem.objects.filter(invoice=OuterRef("pk"), active=True)
    offered = with_overdue(
        list(
            selectors.invoice_list(viewer=actor, filters=filters)
            .exclude(Exists(in_a_batch))
            .select_related("property")
            .order_by("due_date", "id")[:MAX_OFFERED]
        ),
        actor.company,
    )
    if request.method == "POST":
        form = BatchForm(request.POST, invoices=offered)
        if form.is_valid():
            try:
                batch = services.batch_create(
                    actor=actor, client=client, invoices=form.cleaned_data["invoices"]
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_text(error))
            else:
                messages.success(request, _("Batch %(name)s made.") % {"name": batch.number})
                return redirect(reverse("billing:batch_detail", args=[batch.pk]))
        chosen = set(form.cleaned_data.get("invoices", []))
    else:
        form = BatchForm(invoices=offered)
        chosen = {invoice.pk for invoice in offered}
    properties = list(
        property_selectors.properties_of_client(viewer=actor, client=client, include_archived=True)
    )
    context = {
        "client": client,
        "form": form,
        "filters": filters,
        "offered": offered,
        "chosen": chosen,
        "properties": properties,
        "offered_balance": sum((invoice.balance for invoice in offered), Decimal("0.00")),
    }
    return render(request, "billing/batch_new.html", context, status=422 if form.errors else 200)


def batch_page(request: HttpRequest, batch, *, status: int = 200, **extra) -> HttpResponse:
    actor = request.membership
    invoices = with_overdue(
        list(
            selectors.batch_invoices(viewer=actor, batch=batch)
            .select_related("property")
            # No property on an invoice means lines at several properties, or at none.
            .annotate(property_count=Count("lines__property", distinct=True))
        ),
        actor.company,
    )
    left = list(
        selectors.invoice_queryset(viewer=actor)
        .filter(batch_items__batch=batch, batch_items__active=False)
        .order_by("due_date", "id")
    )
    context = {
        "batch": batch,
        "invoices": invoices,
        "left": left,
        "total": sum((invoice.total for invoice in invoices), Decimal("0.00")),
        "balance": sum((invoice.balance for invoice in invoices), Decimal("0.00")),
        "currency": invoices[0].currency if invoices else None,
        **send_context(
            request,
            batch,
            prefix="batch",
            can_send=bool(invoices),
            form=extra.pop("send_form", None),
        ),
        **extra,
    }
    return render(request, "billing/batch_detail.html", context, status=status)


@member_required(Action.MANAGE_BILLING)
@require_GET
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    return batch_page(request, batch_or_404(request, batch_id))


urlpatterns = [
    path("batches/", batch_list, name="batch_list"),
    path("batches/new/", batch_new, name="batch_new"),
    path("batches/<int:batch_id>/", batch_detail, name="batch_detail"),
    # batches/<id>/send/, link/revoke/, link/new/
    *document_views(
        DocumentPage(
            prefix="batch",
            path="batches/<int:batch_id>/",
            find=batch_or_404,
            render=batch_page,
            url=lambda batch: reverse("billing:batch_detail", args=[batch.pk]),
            send=sending.batch_send,
            revoke=sending.batch_link_revoke,
            reissue=sending.batch_link_reissue,
        )
    ),
]
