"""The invoices and batch-invoices part of the API (DESIGN §6). Thin: each endpoint parses,
calls the service or selector the pages use, and answers.

Billing is the office's (Owner, Office): an Employee's token gets 403 on every route, before
any id is looked at. Another company's invoice or batch in the path is a 404; another
company's id in the body (client, jobs, lines, invoices) a 422 on that field. A change the
record's state forbids — issuing what is not a draft, voiding a void, editing what is paid
on — is a 409 saying why."""

from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Status

from crewdesk.accounts.models import Membership
from crewdesk.api.errors import BODY_ERRORS, COMMON_ERRORS, CONFLICT_ERRORS, refusal_is_conflict
from crewdesk.api.pagination import bounded_count
from crewdesk.billing import selectors, services
from crewdesk.billing.filters import InvoiceFilters
from crewdesk.billing.models import BatchInvoice, BatchItem, Invoice
from crewdesk.billing.schemas import (
    BatchCreateIn,
    BatchListOut,
    BatchListQuery,
    BatchOut,
    InvoiceCreateIn,
    InvoiceDetailOut,
    InvoiceIn,
    InvoiceLineIn,
    InvoiceListOut,
    InvoiceListQuery,
    VoidIn,
)
from crewdesk.core.permissions import Action, require

router = Router(tags=["invoices"])
BATCHES = ["batch invoices"]

NO_CONTENT = {204: None}

# The billing services refuse a change the invoice's status forbids as an error on `status`
# (a form shows it there): in the API that is a conflict with the record's state, a 409.
STATE_FIELDS = ("status",)


def _member(request: HttpRequest) -> Membership:
    """The token's membership, once its role may use billing (403 before any 404)."""
    require(request.membership, Action.MANAGE_BILLING)
    return request.membership


def _invoice(request: HttpRequest, invoice_id: int) -> Invoice:
    return selectors.invoice_get(viewer=_member(request), invoice_id=invoice_id)


def _detail(request: HttpRequest, invoice_id: int) -> Invoice:
    """The invoice as stored (read afresh after a write too) with its lines."""
    invoice = _invoice(request, invoice_id)
    invoice.line_list = list(selectors.invoice_lines(viewer=request.membership, invoice=invoice))
    return invoice


def _hand_lines(lines: list[InvoiceLineIn]) -> list[services.LineInput]:
    return [
        services.LineInput(
            description=line.description,
            unit_price=line.unit_price,
            quantity=line.quantity,
            taxable=line.taxable,
            service=line.service,
        )
        for line in lines
    ]


def _discount(payload) -> tuple[Decimal | None, Decimal | None]:
    """(amount, percent) as the services take them: a percent when one is sent, else the
    amount (none sent, or null: no discount)."""
    if payload.discount_percent is not None:
        return None, payload.discount_percent
    return payload.discount or Decimal("0"), None


# --- invoices ----------------------------------------------------------------------------------


@router.get("/invoices", response={200: InvoiceListOut, **COMMON_ERRORS})
def invoice_list(request, filters: Query[InvoiceListQuery]):
    """Invoices filtered and searched (a number, or the client as the clients search finds
    it): drafts first, then the newest issued. `count` is exact up to 1,000 (`count_exact`).
    The items come without their lines: GET an invoice for those."""
    found = selectors.invoice_list(
        viewer=_member(request), filters=InvoiceFilters.from_query(filters)
    )
    count, exact = bounded_count(found)
    start = (filters.page - 1) * filters.page_size
    return {
        "items": list(found[start : start + filters.page_size]),
        "count": count,
        "count_exact": exact,
    }


@router.post("/invoices", response={201: InvoiceDetailOut, **BODY_ERRORS})
def invoice_new(request, payload: InvoiceCreateIn):
    """Create a draft invoice for a client from finished `jobs` (each line not invoiced yet,
    with its job's date and property), chosen `job_lines` and `lines` by hand; a `deposit` is
    an amount by hand. With `"issue": true` it is issued at once and has its number."""
    discount, discount_percent = _discount(payload)
    invoice = services.invoice_create(
        actor=_member(request),
        client=payload.client,
        jobs=payload.jobs,
        job_lines=payload.job_lines,
        lines=_hand_lines(payload.lines),
        kind=payload.kind,
        deposit_for=payload.deposit_for,
        discount=discount,
        discount_percent=discount_percent,
        customer_message=payload.customer_message or "",
        issue=payload.issue,
    )
    return Status(201, _detail(request, invoice.pk))


@router.get(
    "/invoices/{invoice_id}",
    response={200: InvoiceDetailOut, **COMMON_ERRORS},
    url_name="invoice_detail",
)
def invoice_detail(request, invoice_id: int):
    """An invoice with its lines."""
    return _detail(request, invoice_id)


@router.patch("/invoices/{invoice_id}", response={200: InvoiceDetailOut, **BODY_ERRORS})
def invoice_change(request, invoice_id: int, payload: InvoiceIn):
    """Change a draft, or an issued invoice nothing is paid on (else 409: void it and issue a
    new one): only what is sent changes. Its figures follow."""
    invoice = _invoice(request, invoice_id)
    sent = payload.model_fields_set
    discount, discount_percent = (
        _discount(payload) if sent & {"discount", "discount_percent"} else (None, None)
    )
    with refusal_is_conflict(state_fields=STATE_FIELDS):
        services.invoice_update(
            actor=request.membership,
            invoice=invoice,
            lines=_hand_lines(payload.add_lines),
            remove_lines=payload.remove_lines,
            discount=discount,
            discount_percent=discount_percent,
            customer_message=(
                (payload.customer_message or "") if "customer_message" in sent else None
            ),
        )
    return _detail(request, invoice.pk)


@router.delete("/invoices/{invoice_id}", response={**NO_CONTENT, **CONFLICT_ERRORS})
def invoice_remove(request, invoice_id: int):
    """Delete a draft (its jobs are free to invoice again); an issued invoice answers 409:
    void it."""
    invoice = _invoice(request, invoice_id)
    with refusal_is_conflict(state_fields=STATE_FIELDS):
        services.invoice_draft_delete(actor=request.membership, invoice=invoice)
    return Status(204, None)


@router.post("/invoices/{invoice_id}/issue", response={200: InvoiceDetailOut, **CONFLICT_ERRORS})
def invoice_issue(request, invoice_id: int):
    """Issue a draft: it gets the next number of the company's series, its issue and due
    dates, and is owed. Anything but a draft answers 409."""
    invoice = _invoice(request, invoice_id)
    with refusal_is_conflict(state_fields=STATE_FIELDS):
        services.invoice_issue(actor=request.membership, invoice=invoice)
    return _detail(request, invoice.pk)


@router.post("/invoices/{invoice_id}/void", response={200: InvoiceDetailOut, **BODY_ERRORS})
def invoice_void(request, invoice_id: int, payload: VoidIn):
    """Void an issued invoice: it keeps its number, what was paid on it becomes the client's
    credit, its jobs may be invoiced again. A draft, a void invoice, or one with a payment
    still processing answers 409."""
    invoice = _invoice(request, invoice_id)
    with refusal_is_conflict(state_fields=STATE_FIELDS):
        services.invoice_void(actor=request.membership, invoice=invoice, reason=payload.reason)
    return _detail(request, invoice.pk)


@router.post(
    "/invoices/{invoice_id}/write-off", response={200: InvoiceDetailOut, **CONFLICT_ERRORS}
)
def invoice_write_off(request, invoice_id: int):
    """Write the balance off as bad debt (its jobs count as bad debt). Only an open or
    partially paid invoice; anything else answers 409."""
    invoice = _invoice(request, invoice_id)
    with refusal_is_conflict(state_fields=STATE_FIELDS):
        services.invoice_write_off(actor=request.membership, invoice=invoice)
    return _detail(request, invoice.pk)


# --- batch invoices ----------------------------------------------------------------------------


def _with_parts(batches: QuerySet[BatchInvoice]) -> QuerySet[BatchInvoice]:
    """Batches with their totals and invoices, in a fixed number of queries for any page."""
    still_in = BatchItem.objects.filter(active=True).order_by("invoice__due_date", "invoice_id")
    return selectors.with_batch_totals(batches=batches).prefetch_related(
        Prefetch("items", queryset=still_in)
    )


def _batch(request: HttpRequest, batch_id: int) -> BatchInvoice:
    batch = selectors.batch_get(viewer=_member(request), batch_id=batch_id)
    return _with_parts(BatchInvoice.objects.filter(pk=batch.pk)).get()


@router.get("/batch-invoices", response={200: BatchListOut, **COMMON_ERRORS}, tags=BATCHES)
def batch_list(request, filters: Query[BatchListQuery]):
    """Batch invoices, newest first: of one client, or searched by number or client."""
    found = selectors.batch_list(
        viewer=_member(request), client=filters.client, search=filters.search
    )
    count, exact = bounded_count(found)
    start = (filters.page - 1) * filters.page_size
    return {
        "items": list(_with_parts(found)[start : start + filters.page_size]),
        "count": count,
        "count_exact": exact,
    }


@router.post("/batch-invoices", response={201: BatchOut, **BODY_ERRORS}, tags=BATCHES)
def batch_new(request, payload: BatchCreateIn):
    """Gather a client's open invoices (each in no other batch) into one batch with its own
    number, one public link and one payment. Its balance is always its invoices'."""
    batch = services.batch_create(
        actor=_member(request), client=payload.client, invoices=payload.invoices
    )
    return Status(201, _batch(request, batch.pk))


@router.get(
    "/batch-invoices/{batch_id}",
    response={200: BatchOut, **COMMON_ERRORS},
    tags=BATCHES,
    url_name="batch_detail",
)
def batch_detail(request, batch_id: int):
    return _batch(request, batch_id)
