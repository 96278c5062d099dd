"""Ready to invoice: the finished jobs with lines on no invoice yet, oldest first, filtered by
client and property; tick some and "Invoice these" makes one invoice per client (the client
each job is billed to: billing.services.billed_client_id), drafted or issued at once."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from crewdesk.billing import selectors, services
from crewdesk.billing.filters import UNPAID
from crewdesk.billing.forms import ReadyFilterForm
from crewdesk.billing.models import InvoiceLine, InvoiceStatus
from crewdesk.billing.views.common import detail_url
from crewdesk.clients import selectors as client_selectors
from crewdesk.core.decorators import member_required
from crewdesk.core.forms import refusal_text
from crewdesk.core.navigation import page_links, safe_next
from crewdesk.core.permissions import Action
from crewdesk.core.records import parse_id
from crewdesk.jobs.models import JobLine
from crewdesk.properties import selectors as property_selectors

PAGE_SIZE = 100
MAX_CHOSEN = 500  # jobs one "Invoice these" takes at most


def _open_lines() -> Prefetch:
    """Each job's lines on no active invoice, as `open_lines`."""
    invoiced = InvoiceLine.objects.filter(job_line=OuterRef("pk"), active=True)
    return Prefetch(
        "lines",
        queryset=JobLine.objects.exclude(Exists(invoiced)).order_by("position", "id"),
        to_attr="open_lines",
    )


def _rows(request: HttpRequest, client_id, property_id, page: int):
    actor = request.membership
    jobs = selectors.ready_to_invoice(viewer=actor, client=client_id, prop=property_id)
    start = (page - 1) * PAGE_SIZE
    rows = list(
        jobs.prefetch_related("extra_clients", _open_lines())[start : start + PAGE_SIZE + 1]
    )
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    for job in rows:
        job.open_amount = sum((line.amount for line in job.open_lines), 0)
        job.billed_id = services.billed_client_id(job=job)
        job.partly_invoiced = job.open_amount != job.total
    others = {job.billed_id for job in rows if job.billed_id != job.client_id}
    billed = client_selectors.clients_by_id(viewer=actor, ids=others) if others else {}
    for job in rows:
        job.billed_to = billed.get(job.billed_id) if job.billed_id != job.client_id else None
    return rows, has_next, start


@member_required(Action.MANAGE_BILLING)
@require_http_methods(["GET", "POST"])
def ready(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _invoice_these(request)
    actor = request.membership
    form = ReadyFilterForm(request.GET)
    client_id, property_id = form.value("client"), form.value("property")
    page = form.value("page", 1)
    rows, has_next, start = _rows(request, client_id, property_id, page)
    client_filter = property_filter = None
    if client_id:
        client_filter = client_selectors.clients_by_id(viewer=actor, ids=[client_id]).get(client_id)
    if property_id:
        try:
            property_filter = property_selectors.property_get(viewer=actor, property_id=property_id)
        except ObjectDoesNotExist:
            property_filter = None
    ready_url = reverse("billing:ready")
    context = {
        "jobs": rows,
        "page": page,
        "first": start + 1,
        "last": start + len(rows),
        "client_filter": client_filter,
        "property_filter": property_filter,
        "filtered": bool(client_id or property_id),
        **page_links(request.GET, ready_url, page, has_next),
        "here": request.get_full_path(),
    }
    return render(request, "billing/ready.html", context)


def _invoice_these(request: HttpRequest) -> HttpResponse:
    """One invoice per billed client of the chosen jobs; each client's invoice is made (or
    refused) on its own, so one refusal does not stop the others."""
    actor = request.membership
    back = safe_next(request, request.POST.get("next")) or reverse("billing:ready")
    ids = list(dict.fromkeys(parse_id(v) for v in request.POST.getlist("job")))
    ids = [job_id for job_id in ids if job_id][:MAX_CHOSEN]
    if not ids:
        messages.error(request, _("Choose at least one job to invoice."))
        return redirect(back)
    issue = request.POST.get("issue") == "1"
    jobs = list(
        selectors.ready_to_invoice(viewer=actor)
        .filter(pk__in=ids)
        .prefetch_related("extra_clients")
    )
    by_client = defaultdict(list)
    for job in jobs:
        by_client[services.billed_client_id(job=job)].append(job)
    made, refusals = [], []
    for client_id, group in by_client.items():
        try:
            made.append(
                services.invoice_create(actor=actor, client=client_id, jobs=group, issue=issue)
            )
        except (ValidationError, PermissionDenied) as error:
            refusals.append(refusal_text(error))
    gone = len(ids) - len(jobs)
    if gone:
        refusals.append(
            ngettext(
                "%(n)s job is no longer ready to invoice (invoiced meanwhile?).",
                "%(n)s jobs are no longer ready to invoice (invoiced meanwhile?).",
                gone,
            )
            % {"n": gone}
        )
    for text in refusals:
        messages.error(request, text)
    if not made:
        return redirect(back)
    count_jobs = sum(len(by_client[invoice.client_id]) for invoice in made)
    if issue:
        text = ngettext(
            "%(n)s invoice issued for %(jobs)s job: %(names)s.",
            "%(n)s invoices issued for %(jobs)s jobs: %(names)s.",
            len(made),
        )
    else:
        text = ngettext(
            "%(n)s draft invoice made for %(jobs)s job. Check it, then issue it.",
            "%(n)s draft invoices made for %(jobs)s jobs. Check them, then issue them.",
            len(made),
        )
    names = ", ".join(str(invoice) for invoice in made)
    messages.success(request, text % {"n": len(made), "jobs": count_jobs, "names": names})
    if len(made) == 1:
        return redirect(detail_url(made[0]))
    status = UNPAID if issue else InvoiceStatus.DRAFT
    return redirect(f"{reverse('billing:invoice_list')}?status={status}")


urlpatterns = [
    path("invoices/ready/", ready, name="ready"),
]
