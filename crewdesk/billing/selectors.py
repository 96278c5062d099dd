"""Reads of billing, each starting from what the viewer may see (core.permissions.scope):
the office sees its company's invoices, a customer only their client's issued ones."""

from decimal import Decimal

from django.db.models import (
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from crewdesk.accounts.models import Membership
from crewdesk.billing.filters import UNPAID, InvoiceFilters
from crewdesk.billing.models import (
    RECEIVABLE_STATUSES,
    BatchInvoice,
    BatchItem,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    invoice_number,
)
from crewdesk.core.dates import company_today
from crewdesk.core.permissions import Action, can, require, scope
from crewdesk.core.records import parse_id
from crewdesk.jobs.models import Job, JobClient, JobClientRole, JobLine, JobStatus

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=14, decimal_places=2)


def invoice_queryset(*, viewer: Membership) -> QuerySet[Invoice]:
    return scope(Invoice.objects.all(), viewer)


# A search by client reads at most this many matching clients' invoices (as the jobs list).
SEARCH_CLIENTS = 500


def invoice_list(*, viewer: Membership, filters: InvoiceFilters) -> QuerySet[Invoice]:
    """The invoices list of the page and the API: the invoices this member may see, filtered
    (billing/filters.py) and ordered: drafts first, then the newest issued; overdue ones
    oldest due first; a search's few by date too."""
    invoices = invoice_queryset(viewer=viewer)
    if filters.status == UNPAID:
        invoices = invoices.filter(status__in=RECEIVABLE_STATUSES)
    elif filters.status in InvoiceStatus.values:
        invoices = invoices.filter(status=filters.status)
    if filters.overdue:
        invoices = invoices.filter(
            status__in=RECEIVABLE_STATUSES, due_date__lt=company_today(viewer.company)
        )
    if filters.client:
        invoices = invoices.filter(client_id=filters.client)
    if filters.property:
        # A UNION of two index reads: as an OR, PostgreSQL reads every invoice of the company.
        at_property = Invoice.objects.filter(
            company_id=viewer.company_id, property_id=filters.property
        ).order_by()
        on_lines = InvoiceLine.objects.filter(
            company_id=viewer.company_id, property_id=filters.property
        ).order_by()
        invoices = invoices.filter(
            pk__in=at_property.values("pk").union(on_lines.values("invoice_id"))
        )
    if filters.date_from:
        invoices = invoices.filter(issue_date__gte=filters.date_from)
    if filters.date_to:
        invoices = invoices.filter(issue_date__lte=filters.date_to)
    if filters.search:
        invoices = _search(viewer, invoices, filters.search)
        # A search's invoices are few: sorted by an expression no index holds, PostgreSQL
        # sorts them rather than walking a whole index looking for them (jobs' search_order).
        return invoices.order_by(Coalesce("issue_date", "issue_date").desc(nulls_first=True), "-id")
    if filters.overdue:
        return invoices.order_by("due_date", "id")
    return invoices.order_by(F("issue_date").desc(nulls_first=True), "-id")


def _search(viewer: Membership, invoices: QuerySet[Invoice], text: str) -> QuerySet[Invoice]:
    """An invoice is found by its number (as printed, or its sequence: "12" is INV-0012) or
    by its client: the clients search itself, read from its word index (a list of ids, then
    those clients' invoices by client, at most SEARCH_CLIENTS of them)."""
    numbers = {text, text.upper()}
    digits = text.lstrip("#")
    if digits.isdigit() and len(digits) < 10:
        numbers.add(invoice_number(viewer.company, int(digits)))
    condition = Q(number__in=numbers)
    if can(viewer, Action.VIEW_RECORDS):
        from crewdesk.clients.selectors import client_ids_matching

        ids = client_ids_matching(viewer=viewer, text=text, limit=SEARCH_CLIENTS)
        if ids:
            condition |= Q(client_id__in=ids)
    return invoices.filter(condition)


def invoice_get(*, viewer: Membership, invoice_id) -> Invoice:
    """One invoice the viewer may see, else Invoice.DoesNotExist (a 404)."""
    number = parse_id(invoice_id)
    if number is None:
        raise Invoice.DoesNotExist
    return invoice_queryset(viewer=viewer).select_related("client", "property").get(pk=number)


def invoice_lines(*, viewer: Membership, invoice: Invoice) -> QuerySet[InvoiceLine]:
    return (
        scope(InvoiceLine.objects.filter(invoice_id=invoice.pk), viewer)
        .select_related("job", "property")
        .order_by("position", "id")
    )


def ready_to_invoice(*, viewer: Membership, client=None, prop=None) -> QuerySet[Job]:
    """Finished jobs with a line not yet on an invoice (not bad debt, not archived), oldest
    first, filterable by client and property."""
    require(viewer, Action.MANAGE_BILLING)
    invoiced = InvoiceLine.objects.filter(job_line=OuterRef("pk"), active=True)
    open_lines = JobLine.objects.filter(job=OuterRef("pk")).exclude(Exists(invoiced))
    # `invoiced` (kept by billing.services.mark_invoiced) leaves out the invoiced jobs through
    # the job_to_invoice index; the open lines are still checked on the few left.
    jobs = scope(Job.objects.all(), viewer).filter(
        Exists(open_lines),
        status=JobStatus.FINISHED,
        archived_at__isnull=True,
        bad_debt=False,
        invoiced=False,
    )
    if client is not None:
        jobs = jobs.filter(_billed_to(client))
    if prop is not None:
        jobs = jobs.filter(property=prop)
    return jobs.select_related("client", "property").order_by("scheduled_start", "id")


def _billed_to(client) -> Q:
    """Jobs invoiced to `client`: those naming it as their billing client, and its own jobs
    that name no other (the rule of services.billed_client_id, in SQL)."""
    billing = JobClient.objects.filter(job=OuterRef("pk"), role=JobClientRole.BILLING)
    return Exists(billing.filter(client=client)) | (Q(client=client) & ~Exists(billing))


def job_invoice_lines(*, viewer: Membership, job: Job) -> QuerySet[InvoiceLine]:
    """What of a job is invoiced: its lines on active invoices, with the invoice."""
    require(viewer, Action.MANAGE_BILLING)
    return (
        scope(InvoiceLine.objects.filter(job=job, active=True), viewer)
        .select_related("invoice", "job_line")
        .order_by("invoice_id", "position")
    )


def batch_queryset(*, viewer: Membership) -> QuerySet[BatchInvoice]:
    return scope(BatchInvoice.objects.all(), viewer)


def batch_get(*, viewer: Membership, batch_id) -> BatchInvoice:
    """One batch the viewer may see, else BatchInvoice.DoesNotExist (a 404)."""
    number = parse_id(batch_id)
    if number is None:
        raise BatchInvoice.DoesNotExist
    return batch_queryset(viewer=viewer).get(pk=number)


def batch_invoices(*, viewer: Membership, batch: BatchInvoice) -> QuerySet[Invoice]:
    """The invoices still in a batch (a voided one has left it), oldest due first."""
    return (
        invoice_queryset(viewer=viewer)
        .filter(batch_items__batch=batch, batch_items__active=True)
        .order_by("due_date", "id")
    )


# --- batch invoices: totals and the office's list ---------------------------------------


def with_batch_totals(*, batches: QuerySet[BatchInvoice]) -> QuerySet[BatchInvoice]:
    """Batches with `total` and `balance`: the sums of the invoices still in them (a voided
    invoice has left its batch), so a batch's balance is always its invoices'."""
    items = BatchItem.objects.filter(batch=OuterRef("pk"), active=True).order_by().values("batch")

    def summed(field: str) -> Coalesce:
        total = items.annotate(s=Sum(f"invoice__{field}")).values("s")
        return Coalesce(Subquery(total, output_field=MONEY), Value(ZERO), output_field=MONEY)

    return batches.annotate(total=summed("total"), balance=summed("balance"))


def batch_list(*, viewer: Membership, client: int | None = None, search: str = ""):
    """The batches the office sees, newest first: of one client, or found by their number or
    their client's words."""
    require(viewer, Action.MANAGE_BILLING)
    batches = batch_queryset(viewer=viewer)
    if client:
        batches = batches.filter(client_id=client)
    text = search.strip()
    if text:
        by_number = batches.filter(number__in={text, text.upper()})
        if by_number.exists():
            batches = by_number
        else:
            from crewdesk.clients.selectors import client_ids_matching

            ids = client_ids_matching(viewer=viewer, text=text, limit=SEARCH_CLIENTS)
            batches = batches.filter(client_id__in=ids)
    return batches.order_by("-created_at", "-id")
