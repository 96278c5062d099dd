"""The office's downloads of the documents: an invoice's PDF, and a batch's (made while the
request waits for a small batch, in the background with a progress bar for a big one). The
API answers its downloads with the same responses."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from crewdesk.billing import documents
from crewdesk.billing.models import BatchInvoice, BatchPdf, Invoice
from crewdesk.billing.selectors import batch_queryset, invoice_get
from crewdesk.core.decorators import member_required
from crewdesk.core.permissions import Action
from crewdesk.core.records import parse_id
from crewdesk.core.responses import private_bytes_response, private_file_response
from crewdesk.core.uploads import PDF_CONTENT_TYPE


def _invoice(request: HttpRequest, invoice_id) -> Invoice:
    try:
        return invoice_get(viewer=request.membership, invoice_id=invoice_id)
    except Invoice.DoesNotExist as error:
        raise Http404 from error


def _batch(request: HttpRequest, batch_id) -> BatchInvoice:
    number = parse_id(batch_id)
    batch = (
        batch_queryset(viewer=request.membership)
        .select_related("client", "company")
        .filter(pk=number)
        .first()
        if number
        else None
    )
    if batch is None:
        raise Http404
    return batch


def _pdf(data: bytes, name: str) -> HttpResponse:
    return private_bytes_response(data, name=name, content_type=PDF_CONTENT_TYPE)


def batch_pdf_progress(*, batch: BatchInvoice, render: BatchPdf | None, ready: bool) -> dict:
    """How far a big batch's background render is, for a script (the page's, an API client)."""
    return {
        "status": render.status if render else None,
        "done": render.done if render else 0,
        "total": render.total if render else documents.batch_size(batch=batch),
        "percent": render.percent if render else 0,
        "ready": ready,
        "error": render.error if render else "",
    }


def invoice_pdf_response(invoice: Invoice) -> HttpResponse:
    """The download of an invoice's PDF (the page's and the API's)."""
    return _pdf(documents.invoice_pdf(invoice=invoice), documents.invoice_filename(invoice))


def batch_pdf_response(now: documents.BatchPdfNow, batch: BatchInvoice) -> HttpResponse:
    """The download of a batch's PDF that is ready (the page's and the API's)."""
    name = documents.batch_filename(batch)
    if now.data is not None:
        return _pdf(now.data, name)
    return private_file_response(now.file, name=name, content_type=PDF_CONTENT_TYPE, inline=False)


@require_safe
@member_required(Action.MANAGE_BILLING)
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    return invoice_pdf_response(_invoice(request, invoice_id))


@require_safe
@member_required(Action.MANAGE_BILLING)
def batch_pdf(request: HttpRequest, batch_id: int) -> HttpResponse:
    """The batch's PDF: at once for a small batch; for a big one, its fresh background
    render, else the page that prepares it and shows the progress."""
    batch = _batch(request, batch_id)
    now = documents.batch_pdf_now(batch=batch)
    if now.ready:
        return batch_pdf_response(now, batch)
    context = {"batch": batch, "render": now.render, "size": now.size, "fresh": False}
    return render(request, "billing/document/office_batch_pdf.html", context)


@require_POST
@member_required(Action.MANAGE_BILLING)
def batch_pdf_prepare(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Start making a big batch's PDF in the background (once: a second ask waits for it)."""
    batch = _batch(request, batch_id)
    documents.batch_pdf_prepare(batch=batch, user=request.user)
    return redirect("documents:batch_pdf", batch_id=batch.pk)


@require_safe
@member_required(Action.MANAGE_BILLING)
def batch_pdf_status(request: HttpRequest, batch_id: int) -> HttpResponse:
    """How far the background render is: JSON for a script, the progress bar for htmx."""
    batch = _batch(request, batch_id)
    latest = documents.batch_pdf_latest(batch=batch)
    fresh = documents.batch_pdf_is_fresh(latest, batch=batch)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(batch_pdf_progress(batch=batch, render=latest, ready=fresh))
    context = {"batch": batch, "render": latest, "fresh": fresh}
    return render(request, "billing/document/_batch_pdf_progress.html", context)
