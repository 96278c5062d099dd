"""What billing shows on other apps' pages, registered in apps.py: the office home's
"Money owed" panel, a client profile's Invoices and Batches tabs, the job page's "Invoicing"
part and the property page's "Invoices here". The reads only they use are here too."""

from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest

from crewdesk.billing import selectors
from crewdesk.billing.filters import UNPAID, InvoiceFilters
from crewdesk.billing.models import RECEIVABLE_STATUSES, InvoiceStatus
from crewdesk.billing.views.batches import batches_with_figures
from crewdesk.billing.views.common import with_overdue
from crewdesk.core.dates import company_today
from crewdesk.core.navigation import url_or_none
from crewdesk.core.paging import bounded_count
from crewdesk.jobs.models import JobStatus

ZERO = Decimal("0.00")
CLIENT_INVOICES_PER_PAGE = 20
CLIENT_BATCHES_PER_PAGE = 20
PROPERTY_INVOICES_SHOWN = 10


def receivables(*, viewer, client=None) -> dict:
    """What is owed on unpaid invoices (open and partially paid), and how much of it is
    overdue in the company's time zone: the company's, or one client's. One query."""
    invoices = selectors.invoice_queryset(viewer=viewer).filter(status__in=RECEIVABLE_STATUSES)
    if client is not None:
        invoices = invoices.filter(client=client)
    overdue = Q(due_date__lt=company_today(viewer.company))
    figures = invoices.aggregate(
        count=Count("id"),
        owed=Sum("balance"),
        overdue_count=Count("id", filter=overdue),
        overdue=Sum("balance", filter=overdue),
    )
    return {
        "count": figures["count"],
        "owed": figures["owed"] or ZERO,
        "overdue_count": figures["overdue_count"],
        "overdue": figures["overdue"] or ZERO,
    }


# --- the office home ---------------------------------------------------------------------------


def home_money(request: HttpRequest) -> dict:
    """Money owed and overdue, drafts to issue, finished jobs to invoice: each a link."""
    viewer = request.membership
    drafts = selectors.invoice_queryset(viewer=viewer).filter(status=InvoiceStatus.DRAFT)
    ready_count, ready_exact = bounded_count(selectors.ready_to_invoice(viewer=viewer))
    list_url = url_or_none("billing:invoice_list")
    return {
        "money": receivables(viewer=viewer),
        "draft_count": drafts.count(),
        "ready_count": ready_count,
        "ready_exact": ready_exact,
        "unpaid_url": f"{list_url}?status={UNPAID}",
        "overdue_url": f"{list_url}?overdue=1",
        "drafts_url": f"{list_url}?status={InvoiceStatus.DRAFT}",
        "ready_url": url_or_none("billing:ready"),
    }


# --- a client's profile ------------------------------------------------------------------------


def client_invoices_tab(request: HttpRequest, client) -> dict:
    viewer = request.membership
    invoices = selectors.invoice_list(viewer=viewer, filters=InvoiceFilters(client=client.pk))
    # A page's ids first: a deep page of a client of thousands of invoices then skips the
    # others in the invoice_client_recent index alone, and reads only its own rows.
    page = Paginator(invoices.values_list("pk", flat=True), CLIENT_INVOICES_PER_PAGE).get_page(
        request.GET.get("invoices_page")
    )
    ids = list(page.object_list)
    rows = invoices.select_related("property").in_bulk(ids)
    page.object_list = with_overdue([rows[pk] for pk in ids if pk in rows], viewer.company)
    new_invoice = url_or_none("billing:invoice_new")
    ready = url_or_none("billing:ready")
    batch = url_or_none("billing:batch_new")
    return {
        "invoices_page": page,
        "money": receivables(viewer=viewer, client=client),
        "new_invoice_url": f"{new_invoice}?client={client.pk}",
        "ready_url": f"{ready}?client={client.pk}",
        "new_batch_url": f"{batch}?client={client.pk}",
        "all_url": f"{url_or_none('billing:invoice_list')}?client={client.pk}",
    }


def client_unpaid_count(request: HttpRequest, client) -> int | None:
    """The Invoices tab's badge: the client's unpaid invoices, when there are any."""
    count = (
        selectors.invoice_queryset(viewer=request.membership)
        .filter(client=client, status__in=RECEIVABLE_STATUSES)
        .count()
    )
    return count or None


def client_batches_tab(request: HttpRequest, client) -> dict:
    batches = selectors.batch_queryset(viewer=request.membership).filter(client=client)
    page = Paginator(batches_with_figures(batches), CLIENT_BATCHES_PER_PAGE).get_page(
        request.GET.get("batches_page")
    )
    batch = url_or_none("billing:batch_new")
    return {"batches_page": page, "new_batch_url": f"{batch}?client={client.pk}"}


# --- the job page ------------------------------------------------------------------------------


def job_invoicing(request: HttpRequest, job) -> dict | None:
    """What of a finished job is invoiced (its lines by invoice), what is left, and the way
    to invoice it; a job to come shows its deposits. Nothing for a job with neither."""
    viewer = request.membership
    invoiced = list(selectors.job_invoice_lines(viewer=viewer, job=job))
    deposits = list(
        selectors.invoice_queryset(viewer=viewer)
        .filter(deposit_for=job)
        .exclude(status=InvoiceStatus.VOID)
        .order_by("id")
    )
    finished = job.status == JobStatus.FINISHED
    if not (finished or invoiced or deposits):
        return None
    by_invoice: dict[int, dict] = {}
    for line in invoiced:
        entry = by_invoice.setdefault(
            line.invoice_id, {"invoice": line.invoice, "lines": [], "amount": ZERO}
        )
        entry["lines"].append(line)
        entry["amount"] += line.amount
    taken = {line.job_line_id for line in invoiced}
    open_lines = [line for line in job.lines.all() if line.pk not in taken]
    ready = finished and not job.bad_debt and job.archived_at is None and bool(open_lines)
    return {
        "job": job,
        "invoices": list(by_invoice.values()),
        "deposits": deposits,
        "open_lines": open_lines,
        "open_amount": sum((line.amount for line in open_lines), ZERO),
        "can_invoice": ready,
        "invoice_url": url_or_none("billing:job_invoice", job.pk),
    }


# --- the property page -------------------------------------------------------------------------


def property_invoices(request: HttpRequest, prop) -> dict | None:
    """The latest invoices with a line at the property; nothing when it has none."""
    viewer = request.membership
    invoices = list(
        selectors.invoice_list(
            viewer=viewer, filters=InvoiceFilters(property=prop.pk)
        ).select_related("client")[: PROPERTY_INVOICES_SHOWN + 1]
    )
    if not invoices:
        return None
    with_overdue(invoices, viewer.company)
    list_url = url_or_none("billing:invoice_list")
    return {
        "invoices": invoices[:PROPERTY_INVOICES_SHOWN],
        "more": len(invoices) > PROPERTY_INVOICES_SHOWN,
        "all_url": f"{list_url}?property={prop.pk}",
    }
