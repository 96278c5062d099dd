"""The invoices and batch-invoices part of the API (DESIGN §6). Thin: each endpoint parses,
calls the service or selector the pages use, and answers.

Billing is the office's (Owner, Office): an Employee's token gets 403 on every route, before
any id is looked at. Another company's invoice or batch in the path is a 404; another
company's id in the body (client, jobs, lines, invoices) a 422 on that field. A change the
record's state forbids — issuing what is not a draft, voiding a void, editing what is paid
on — is a 409 saying why."""

from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status

from crewdesk.accounts.models import Membership
from crewdesk.api.auth import acting_member
from crewdesk.api.errors import (
    BODY_ERRORS,
    COMMON_ERRORS,
    CONFLICT_ERRORS,
    STATUS_FIELDS,
    refusal_is_conflict,
)
from crewdesk.api.pagination import page_answer
from crewdesk.billing import document_views, documents, selectors, sending, services
from crewdesk.billing.filters import InvoiceFilters
from crewdesk.billing.models import BatchInvoice, BatchItem, Invoice
from crewdesk.billing.schemas import (
    BatchCreateIn,
    BatchListOut,
    BatchListQuery,
    BatchOut,
    BatchPdfProgressOut,
    InvoiceCreateIn,
    InvoiceDetailOut,
    InvoiceIn,
    InvoiceLineIn,
    InvoiceListOut,
    InvoiceListQuery,
    LinkIn,
    SendIn,
    VoidIn,
)
from crewdesk.core.permissions import Action

router = Router(tags=["invoices"])
BATCHES = ["batch invoices"]

NO_CONTENT = {204: None}
# How long an API client waits before asking again for a big batch's PDF being made.
PDF_RETRY_AFTER = 5
PDF_IN_PROGRESS = gettext_lazy("The PDF is being made: ask this URL again in a few seconds.")


def _member(request: HttpRequest) -> Membership:
    return acting_member(request, Action.MANAGE_BILLING)


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
    return page_answer(found, filters)


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
    with refusal_is_conflict(state_fields=STATUS_FIELDS):
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
    with refusal_is_conflict(state_fields=STATUS_FIELDS):
        services.invoice_draft_delete(actor=request.membership, invoice=invoice)
    return Status(204, None)


@router.post("/invoices/{invoice_id}/issue", response={200: InvoiceDetailOut, **CONFLICT_ERRORS})
def invoice_issue(request, invoice_id: int):
    """Issue a draft: it gets the next number of the company's series, its issue and due
    dates, and is owed. Anything but a draft answers 409."""
    invoice = _invoice(request, invoice_id)
    with refusal_is_conflict(state_fields=STATUS_FIELDS):
        services.invoice_issue(actor=request.membership, invoice=invoice)
    return _detail(request, invoice.pk)


@router.post("/invoices/{invoice_id}/void", response={200: InvoiceDetailOut, **BODY_ERRORS})
def invoice_void(request, invoice_id: int, payload: VoidIn):
    """Void an issued invoice: it keeps its number, what was paid on it becomes the client's
    credit, its jobs may be invoiced again. A draft, a void invoice, or one with a payment
    still processing answers 409."""
    invoice = _invoice(request, invoice_id)
    with refusal_is_conflict(state_fields=STATUS_FIELDS):
        services.invoice_void(actor=request.membership, invoice=invoice, reason=payload.reason)
    return _detail(request, invoice.pk)


@router.post(
    "/invoices/{invoice_id}/write-off", response={200: InvoiceDetailOut, **CONFLICT_ERRORS}
)
def invoice_write_off(request, invoice_id: int):
    """Write the balance off as bad debt (its jobs count as bad debt). Only an open or
    partially paid invoice; anything else answers 409."""
    invoice = _invoice(request, invoice_id)
    with refusal_is_conflict(state_fields=STATUS_FIELDS):
        services.invoice_write_off(actor=request.membership, invoice=invoice)
    return _detail(request, invoice.pk)


PDF_ANSWER = {
    "description": "The PDF, as a download.",
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}


@router.post("/invoices/{invoice_id}/send", response={200: InvoiceDetailOut, **BODY_ERRORS})
def invoice_send(request, invoice_id: int, payload: SendIn):
    """Email an issued invoice with its PDF and its public link, to the client's email or
    `to` (one of its contacts'), with an optional `message`; again is a resend. Each send is
    in the client's communication log. A draft or a void invoice answers 409."""
    invoice = _invoice(request, invoice_id)
    with refusal_is_conflict(state_fields=STATUS_FIELDS):
        sending.invoice_send(
            actor=request.membership, invoice=invoice, to=payload.to, message=payload.message
        )
    return _detail(request, invoice.pk)


@router.post("/invoices/{invoice_id}/revoke-link", response={200: InvoiceDetailOut, **BODY_ERRORS})
def invoice_revoke_link(request, invoice_id: int, payload: LinkIn):
    """The invoice's public link stops working (`public_url` is null); with `"reissue": true`
    it gets a new one at once (a draft or a void invoice then answers 409)."""
    invoice = _invoice(request, invoice_id)
    with refusal_is_conflict(state_fields=STATUS_FIELDS):
        if payload.reissue:
            sending.invoice_link_reissue(actor=request.membership, invoice=invoice)
        else:
            sending.invoice_link_revoke(actor=request.membership, invoice=invoice)
    return _detail(request, invoice.pk)


@router.get(
    "/invoices/{invoice_id}/pdf",
    response={200: None, **COMMON_ERRORS},
    openapi_extra={"responses": {"200": PDF_ANSWER}},
)
def invoice_pdf(request, invoice_id: int):
    """The invoice's PDF (a draft's is marked as one)."""
    return document_views.invoice_pdf_response(_invoice(request, invoice_id))


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
    return page_answer(found, filters, rows=_with_parts(found))


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


@router.post(
    "/batch-invoices/{batch_id}/send", response={200: BatchOut, **BODY_ERRORS}, tags=BATCHES
)
def batch_send(request, batch_id: int, payload: SendIn):
    """Email the batch with its consolidated PDF and its public link, as for an invoice. A
    batch whose invoices have all left it answers 409."""
    batch = _batch(request, batch_id)
    with refusal_is_conflict(state_fields=(*STATUS_FIELDS, "invoices")):
        sending.batch_send(
            actor=request.membership, batch=batch, to=payload.to, message=payload.message
        )
    return _batch(request, batch.pk)


@router.post(
    "/batch-invoices/{batch_id}/revoke-link",
    response={200: BatchOut, **BODY_ERRORS},
    tags=BATCHES,
)
def batch_revoke_link(request, batch_id: int, payload: LinkIn):
    """The batch's public link stops working; with `"reissue": true` it gets a new one."""
    batch = _batch(request, batch_id)
    if payload.reissue:
        sending.batch_link_reissue(actor=request.membership, batch=batch)
    else:
        sending.batch_link_revoke(actor=request.membership, batch=batch)
    return _batch(request, batch.pk)


@router.get(
    "/batch-invoices/{batch_id}/pdf",
    response={200: None, 202: BatchPdfProgressOut, **COMMON_ERRORS},
    tags=BATCHES,
    openapi_extra={"responses": {"200": PDF_ANSWER}},
)
def batch_pdf(request, batch_id: int, response: HttpResponse):
    """The batch's consolidated PDF. A big batch's is made in the background, as on its page:
    until it is ready this answers 202 with the progress (and starts the render if none is
    running); ask the same URL again, after `Retry-After` seconds."""
    batch = _batch(request, batch_id)
    now = documents.batch_pdf_now(batch=batch)
    if now.ready:
        return document_views.batch_pdf_response(now, batch)
    render = documents.batch_pdf_prepare(batch=batch, user=request.user)
    here = request.build_absolute_uri(request.path)
    response["Retry-After"] = str(PDF_RETRY_AFTER)
    response["Location"] = here
    progress = document_views.batch_pdf_progress(batch=batch, render=render, ready=False)
    return Status(202, {**progress, "detail": str(PDF_IN_PROGRESS), "status_url": here})
