"""Making and changing an invoice by hand: a new invoice (or deposit) for a client
(/invoices/new/?client=<id>: lines typed, a discount, a message; drafted or issued at once),
choosing the client first when none is named; changing a draft or an unpaid issued invoice
(lines added or removed, the discount, the message); and an invoice of a finished job, whole
or of chosen lines (a partial invoice), from the job's page. Every write is a billing
service; its refusals come back onto the form."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from crewdesk.billing import selectors, services
from crewdesk.billing.forms import InvoiceEditForm, InvoiceForm, InvoiceLinesForm
from crewdesk.billing.models import InvoiceKind, InvoiceLine
from crewdesk.billing.views.common import (
    can_change,
    client_or_none,
    detail_url,
    invoice_or_404,
)
from crewdesk.clients import selectors as client_selectors
from crewdesk.clients.filters import Archived, ClientFilters
from crewdesk.core.decorators import member_required
from crewdesk.core.forms import refusal_text
from crewdesk.core.permissions import Action
from crewdesk.core.records import parse_id
from crewdesk.jobs import selectors as job_selectors
from crewdesk.jobs.filters import OPEN, JobFilters
from crewdesk.jobs.models import Job, JobLine, JobStatus

CLIENT_CHOICES = 8  # clients shown when choosing whom to invoice
DEPOSIT_JOBS = 50  # a client's jobs to come that a deposit may be for
# A service's error key -> the form field it belongs to (lines go to the line rows).
FIELD_FOR = {
    "discount": "discount_value",
    "discount_percent": "discount_value",
    "customer_message": "customer_message",
    "kind": "kind",
    "deposit_for": "deposit_for",
}


def show_refusal(form: InvoiceLinesForm, error: ValidationError) -> None:
    """A service's ValidationError on the form: lines on the line rows, the rest by field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        texts = [text for e in errors for text in e.messages]
        if key == "lines":
            form.line_errors.extend(texts)
        elif FIELD_FOR.get(key) in form.fields:
            form.add_error(FIELD_FOR[key], texts)
        else:
            form.add_error(None, texts)


# --- choosing the client ----------------------------------------------------------------------


def client_choices(request: HttpRequest, text: str) -> list:
    """Up to CLIENT_CHOICES active clients the search finds (the client list's search)."""
    text = text.strip()[:200]
    if not text or "\x00" in text:
        return []
    page = client_selectors.client_page(
        viewer=request.membership,
        filters=ClientFilters(search=text, archived=Archived.ACTIVE),
        page_size=CLIENT_CHOICES,
    )
    return page.clients


def choose_client(request: HttpRequest, *, title: str, target: str) -> HttpResponse:
    """The page that asks whom a new invoice (or batch) is for: search, then pick."""
    text = request.GET.get("q", "")
    text = text if isinstance(text, str) else ""
    context = {
        "title": title,
        "target": target,
        "text": text.strip()[:200],
        "results": client_choices(request, text),
    }
    template = "billing/_client_results.html" if request.htmx else "billing/choose_client.html"
    return render(request, template, context)


# --- a new invoice by hand ----------------------------------------------------------------------


def _deposit_jobs(request: HttpRequest, client) -> list[Job]:
    """The client's jobs still to come, soonest first: what a deposit may be for."""
    jobs = job_selectors.job_list(
        viewer=request.membership, filters=JobFilters(client=client.pk, status=OPEN)
    )
    return list(jobs[:DEPOSIT_JOBS])


@member_required(Action.MANAGE_BILLING)
@require_http_methods(["GET", "POST"])
def invoice_new(request: HttpRequest) -> HttpResponse:
    client = client_or_none(request, request.GET.get("client"))
    if client is None:
        return choose_client(request, title=_("New invoice"), target=reverse("billing:invoice_new"))
    jobs = _deposit_jobs(request, client)
    if request.method == "POST":
        form = InvoiceForm(request.POST, jobs=jobs)
        if form.is_valid():
            data = form.cleaned_data
            discount, percent = form.discount()
            try:
                invoice = services.invoice_create(
                    actor=request.membership,
                    client=client,
                    lines=form.lines(),
                    kind=data["kind"],
                    deposit_for=data["deposit_for"]
                    if data["kind"] == InvoiceKind.DEPOSIT
                    else None,
                    discount=discount,
                    discount_percent=percent,
                    customer_message=data["customer_message"],
                    issue=data["issue"],
                )
            except ValidationError as error:
                show_refusal(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_text(error))
            else:
                if invoice.number:
                    messages.success(request, _("Invoice %s issued.") % invoice.number)
                else:
                    messages.success(request, _("Draft invoice saved."))
                return redirect(detail_url(invoice))
    else:
        form = InvoiceForm(jobs=jobs, initial={"kind": InvoiceKind.STANDARD})
    context = {"form": form, "client": client, "editing": False}
    status = 422 if form.is_bound else 200
    return render(request, "billing/invoice_form.html", context, status=status)


# --- changing an invoice ------------------------------------------------------------------------


@member_required(Action.MANAGE_BILLING)
@require_http_methods(["GET", "POST"])
def invoice_edit(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = invoice_or_404(request, invoice_id)
    if not can_change(invoice):
        messages.error(
            request,
            _("Something is paid on this invoice, or it is closed: void it and issue a new one."),
        )
        return redirect(detail_url(invoice))
    if request.method == "POST":
        form = InvoiceEditForm(request.POST, invoice=invoice)
        if form.is_valid():
            changes = form.changes()
            if not changes:
                messages.info(request, _("Nothing changed."))
                return redirect(detail_url(invoice))
            try:
                services.invoice_update(actor=request.membership, invoice=invoice, **changes)
            except ValidationError as error:
                show_refusal(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_text(error))
            else:
                messages.success(request, _("Invoice saved."))
                return redirect(detail_url(invoice))
    else:
        form = InvoiceEditForm(invoice=invoice)
    lines = list(selectors.invoice_lines(viewer=request.membership, invoice=invoice))
    removed = set(form.removed_lines()) if form.is_bound else set()
    context = {
        "form": form,
        "client": invoice.client,
        "invoice": invoice,
        "lines": lines,
        "removed": removed,
        "editing": True,
    }
    status = 422 if form.is_bound else 200
    return render(request, "billing/invoice_form.html", context, status=status)


# --- an invoice of a job, whole or in part --------------------------------------------------


def _job_or_404(request: HttpRequest, job_id) -> Job:
    try:
        return job_selectors.job_get(viewer=request.membership, job_id=job_id)
    except ObjectDoesNotExist as error:
        raise Http404 from error


def job_lines_state(request: HttpRequest, job: Job) -> tuple[list[JobLine], list[InvoiceLine]]:
    """(the job's lines on no invoice yet, its lines invoiced on active invoices)."""
    invoiced = list(selectors.job_invoice_lines(viewer=request.membership, job=job))
    taken = {line.job_line_id for line in invoiced}
    open_lines = [line for line in job.lines.all() if line.pk not in taken]
    return open_lines, invoiced


@member_required(Action.MANAGE_BILLING)
@require_http_methods(["GET", "POST"])
def job_invoice(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    job = (
        Job.objects.filter(pk=job.pk)
        .select_related("client", "property")
        .prefetch_related(
            "extra_clients", Prefetch("lines", queryset=JobLine.objects.order_by("position", "id"))
        )
        .get()
    )
    billed_id = services.billed_client_id(job=job)
    billed = client_or_none(request, billed_id)
    open_lines, invoiced = job_lines_state(request, job)
    error = ""
    chosen = {line.pk for line in open_lines}
    if request.method == "POST":
        chosen = {parse_id(value) for value in request.POST.getlist("job_line")} - {None}
        whole = request.POST.get("whole") == "1"
        try:
            if whole:
                invoice = services.invoice_create(
                    actor=request.membership,
                    client=billed_id,
                    jobs=[job],
                    issue=request.POST.get("issue") == "1",
                )
            else:
                if not chosen:
                    raise ValidationError({"job_lines": [_("Choose at least one line.")]})
                invoice = services.invoice_create(
                    actor=request.membership,
                    client=billed_id,
                    job_lines=sorted(chosen),
                    issue=request.POST.get("issue") == "1",
                )
        except (ValidationError, PermissionDenied) as refusal:
            error = refusal_text(refusal)
        else:
            if invoice.number:
                messages.success(request, _("Invoice %s issued.") % invoice.number)
            else:
                messages.success(request, _("Draft invoice saved: check it, then issue it."))
            return redirect(detail_url(invoice))
    context = {
        "job": job,
        "billed": billed,
        "billed_elsewhere": billed_id != job.client_id,
        "open_lines": open_lines,
        "invoiced": invoiced,
        "chosen": chosen,
        "finished": job.status == JobStatus.FINISHED,
        "error": error,
    }
    return render(request, "billing/job_invoice.html", context, status=422 if error else 200)


urlpatterns = [
    path("invoices/new/", invoice_new, name="invoice_new"),
    path("invoices/<int:invoice_id>/edit/", invoice_edit, name="invoice_edit"),
    path("invoices/from-job/<int:job_id>/", job_invoice, name="job_invoice"),
]
