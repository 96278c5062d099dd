"""The office's job pages: the list (search as you type, filters), the job form (new and edit,
with an inline new client and property), and the job page with its actions: status, checklist,
notes, photos and documents, bad debt, archive.

Thin views: they parse, call a selector or a service, and render. The crew has its own phone
view (crew.py): an employee opening these pages is sent there. The actions the crew also does
(status, ticking the checklist, notes, photos) accept an employee for the jobs assigned to them
— the services decide — and go back to the page given in `next`."""

import datetime
import json
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crewdesk.accounts.models import Membership
from crewdesk.clients import selectors as client_selectors
from crewdesk.clients import services as client_services
from crewdesk.clients.models import Client
from crewdesk.clients.normalize import phone_display
from crewdesk.clients.selectors import Archived, ClientFilters
from crewdesk.core import dates
from crewdesk.core.decorators import member_required
from crewdesk.core.forms import refusal_text
from crewdesk.core.navigation import next_url, query_with, url_or_none
from crewdesk.core.permissions import Action, can
from crewdesk.core.records import parse_id
from crewdesk.core.roles import STAFF_ROLES
from crewdesk.core.selectors import activity_list
from crewdesk.jobs import selectors, services, transitions
from crewdesk.jobs.filters import JobFilters
from crewdesk.jobs.forms import MAX_ID, NEW, JobFilterForm, JobForm
from crewdesk.jobs.models import (
    AttachmentKind,
    Job,
    JobChecklistItem,
    JobClientRole,
    JobStatus,
)
from crewdesk.properties import selectors as property_selectors
from crewdesk.properties import services as property_services
from crewdesk.properties.models import Property

PAGE_SIZE = 50
LOOKUP_SIZE = 8
ACTIVITY_ROWS = 30
NOTE_ROWS = 100
STATUS_BUTTONS = {
    JobStatus.PENDING: "btn-outline-secondary",
    JobStatus.ON_THE_WAY: "btn-outline-primary",
    JobStatus.STARTED: "btn-primary",
    JobStatus.FINISHED: "btn-success",
    JobStatus.CANCELLED: "btn-outline-danger",
}
EXTRA_ROLES = JobClientRole.choices


# --- helpers ---------------------------------------------------------------------------------


def _job_or_404(request: HttpRequest, job_id) -> Job:
    try:
        return selectors.job_get(request.membership, job_id)
    except ObjectDoesNotExist as error:
        raise Http404 from error


def _detail_url(job: Job | int) -> str:
    return reverse("jobs:detail", args=[getattr(job, "pk", job)])


def _to_crew(name: str, *args) -> HttpResponse:
    """An employee is sent to the crew's view of the same thing (403 while it does not exist)."""
    url = url_or_none(name, *args)
    if url is None:
        raise PermissionDenied
    return redirect(url)


def _back(request: HttpRequest, job: Job) -> str:
    return next_url(request, _detail_url(job))


def _staff(actor: Membership) -> list[Membership]:
    """The active team members who can be crew on a job."""
    return list(
        Membership.objects.filter(company_id=actor.company_id, active=True, role__in=STAFF_ROLES)
        .select_related("user")
        .order_by("user__first_name", "user__username", "id")
    )


def _crew_names(job: Job) -> list[str]:
    return [a.membership.user.display_name for a in job.assignments.all()]


# --- the list --------------------------------------------------------------------------------


@member_required(Action.VIEW_JOBS)
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    if not can(actor, Action.VIEW_RECORDS):
        return _to_crew("jobs:crew_home")
    rows_only = request.htmx and not request.htmx.history_restore_request
    members = _staff(actor)
    form = JobFilterForm(request.GET, members=members)
    filters = JobFilters.from_form(form)
    jobs = selectors.job_list(actor, filters)
    page = form.value("page", 1)
    start = (page - 1) * PAGE_SIZE
    rows = list(selectors.with_list_data(jobs)[start : start + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    for job in rows:
        job.crew_names = _crew_names(job)
    is_filtered = filters.is_filtered
    has_any = bool(rows) or is_filtered or selectors.job_queryset(actor).exists()
    client_label = property_label = None
    if not rows_only and filters.client:
        client_label = Client.objects.filter(company_id=actor.company_id, pk=filters.client).first()
    if not rows_only and filters.property:
        property_label = Property.objects.filter(
            company_id=actor.company_id, pk=filters.property
        ).first()
    list_url = reverse("jobs:list")
    context = {
        "form": form,
        "filters": filters,
        "jobs": rows,
        "page": page,
        "first": start + 1,
        "last": start + len(rows),
        "members": members,
        "status_choices": form.fields["status"].choices,
        "is_filtered": is_filtered,
        "has_any": has_any,
        "client_filter": client_label,
        "property_filter": property_label,
        "previous_url": f"{list_url}?{query_with(request.GET, page=str(page - 1))}"
        if page > 1
        else None,
        "next_url": f"{list_url}?{query_with(request.GET, page=str(page + 1))}"
        if has_next
        else None,
        "first_page_url": f"{list_url}?{query_with(request.GET, page=None)}",
        "can_edit": can(actor, Action.EDIT_RECORDS),
        "schedule_url": url_or_none("jobs:schedule"),
    }
    template = "jobs/_list_rows.html" if rows_only else "jobs/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- the job form ----------------------------------------------------------------------------


def _client_or_none(actor: Membership, value) -> Client | None:
    try:
        client = client_selectors.client_get(actor, int(value))
    except (ObjectDoesNotExist, TypeError, ValueError):
        return None
    return None if client.merged_into_id else client


def _property_choices(actor: Membership, client: Client | None) -> list[Property]:
    if client is None:
        return []
    return list(property_selectors.properties_of_client(actor, client)[:200])


def _property_section(actor: Membership, client: Client | None, selected: str, form=None) -> dict:
    properties = _property_choices(actor, client)
    # Each property's own service prices, for jobs.js to fill a line's price (one query).
    prices = property_selectors.agreed_prices(properties)
    for p in properties:
        p.prices_json = json.dumps({str(s): str(price) for s, price in prices[p.pk].items()})
    if not selected:
        if not properties:
            selected = NEW
        elif len(properties) == 1:
            selected = str(properties[0].pk)
    return {
        "properties": properties,
        "selected_property": selected,
        "picked_client": client,
        "form": form or JobForm(members=[], templates=[]),
    }


def _picker(name: str, label: str, chosen: Client | None, errors=()) -> dict:
    return {
        "name": name,
        "label": label,
        "chosen": chosen,
        "errors": list(errors),
        "lookup": reverse("jobs:client_lookup") + "?" + urlencode({"field": name}),
        "hide_label": name != "client",  # the extra clients' rows say it in their heading
        "compact": True,
    }


def _service_options(actor: Membership, prop: Property | None) -> dict:
    catalog = list(property_selectors.service_catalog(actor)[:500])
    here = []
    if prop is not None and prop.pk:
        here = [
            {"id": ps.service_id, "name": ps.service.name, "price": ps.price}
            for ps in property_selectors.property_services(prop)
        ]
    return {"catalog": catalog, "here": here, "here_ids": [str(s["id"]) for s in here]}


def _initial_for(actor: Membership, job: Job) -> dict:
    zone = services.company_zone(actor)
    start = timezone.localtime(job.scheduled_start, zone)
    end = timezone.localtime(job.scheduled_end, zone) if job.scheduled_end else None
    return {
        "client": job.client_id,
        "property": str(job.property_id),
        "title": job.title,
        "date": start.date(),
        "start_time": start.time().replace(second=0, microsecond=0),
        "end_time": end.time().replace(second=0, microsecond=0) if end else None,
        "assignees": [a.membership_id for a in job.assignments.all()],
        "internal_notes": job.internal_notes,
        "customer_notes": job.customer_notes,
        "lines": [
            {
                "service": str(line.service_id or ""),
                "description": line.description,
                "quantity": f"{line.quantity.normalize():f}",
                "unit_price": str(line.unit_price),
            }
            for line in job.lines.all()
        ],
        "extra_clients": [
            {"client": str(extra.client_id), "role": extra.role}
            for extra in job.extra_clients.all()
        ],
    }


def _form_page(
    request: HttpRequest, form: JobForm, *, job: Job | None, duplicates=None, status: int = 200
) -> HttpResponse:
    actor = request.membership
    client = job.client if job is not None else _client_or_none(actor, form["client"].value())
    selected = str(form["property"].value() or "")
    section = _property_section(actor, client, selected, form)
    prop = None
    if selected.isdigit():
        prop = next((p for p in section["properties"] if p.pk == int(selected)), None)
    # Extra clients: the ids typed, read in one query.
    extra_rows = form.extra_rows()
    ids = [i for row in extra_rows if (i := parse_id(row["client"])) is not None]
    chosen = {c.pk: c for c in Client.objects.filter(company_id=actor.company_id, pk__in=ids)}
    for row in extra_rows:
        row["picker"] = _picker(
            f"extra_client_{row['n']}",
            _("Extra client %(n)s") % {"n": row["n"] + 1},
            chosen.get(int(row["client"])) if row["client"].isdigit() else None,
        )
    if duplicates:
        for candidate in duplicates:
            phone = candidate.client.primary_phone
            candidate.client.phone_display = phone_display(phone.number) if phone else ""
    context = {
        "form": form,
        "job": job,
        "client_picker": _picker("client", _("Client"), client, form.errors.get("client", [])),
        "extra_rows": extra_rows,
        "extra_roles": EXTRA_ROLES,
        "line_rows": form.line_rows(),
        "services": _service_options(actor, prop),
        "duplicates": duplicates or [],
        "show_allow_duplicate": bool(duplicates or form["allow_duplicate"].value()),
        "new_client_open": job is None and client is None,
        **section,
    }
    return render(request, "jobs/form.html", context, status=status)


def _save(actor: Membership, form: JobForm, job: Job | None) -> Job:
    """The job form's writes, all or nothing: a new client and/or property typed inline, then
    the job. Raises ValidationError or DuplicateClientError; then nothing is saved."""
    data = form.cleaned_data
    with transaction.atomic():
        if job is not None:
            client = job.client
        elif data.get("client"):
            client = _client_or_none(actor, data["client"])
            if client is None:
                raise ValidationError({"client": [_("No such client in your company.")]})
        elif form.wants_new_client():
            client = client_services.client_create(
                actor, form.new_client_input(), allow_duplicate=data["allow_duplicate"]
            )
        else:
            raise ValidationError({"client": [_("Pick a client, or add a new one below.")]})
        if form.wants_new_property():
            prop = property_services.property_create(actor, client, form.new_property_data())
        else:
            value = data.get("property") or ""
            if not value.isdigit():
                raise ValidationError(
                    {"property": [_("Pick the property where the work is done.")]}
                )
            prop = Property.objects.filter(
                company_id=actor.company_id, client=client, pk=int(value)
            ).first()
            if prop is None:
                raise ValidationError({"property": [_("Pick one of this client's properties.")]})
        job_input = form.job_input(prop)
        if job is None:
            return services.job_create(actor, job_input)
        return services.job_update(actor, job, job_input)


def _form_kwargs(actor: Membership) -> dict:
    return {
        "members": _staff(actor),
        "templates": list(selectors.checklist_templates(actor)[:200]),
    }


@member_required(Action.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def job_new(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    if request.method == "POST":
        data = request.POST.copy()
        if data.get("use_client", "").isdigit():  # "use this client" of the duplicate warning
            data["client"] = data["use_client"]
        form = JobForm(data, **_form_kwargs(actor))
    else:
        day = dates.parse_day(request.GET.get("date")) or timezone.localdate()
        initial = {"date": day, "start_time": datetime.time(9)}
        client = _client_or_none(actor, request.GET.get("client"))
        prop = None
        property_id = request.GET.get("property", "")
        # Digits no key can hold (and more than int() reads) are no property.
        if property_id.isdigit() and len(property_id) <= len(str(MAX_ID)):
            prop = Property.objects.filter(company_id=actor.company_id, pk=int(property_id)).first()
            if prop is not None and client is None:
                client = _client_or_none(actor, prop.client_id)
            if prop is not None and client is not None and prop.client_id != client.pk:
                prop = None
        if client is not None:
            initial["client"] = client.pk
        if prop is not None:
            initial["property"] = str(prop.pk)
        form = JobForm(initial=initial, **_form_kwargs(actor))
    duplicates = []
    if form.is_bound and form.is_valid():
        try:
            job = _save(actor, form, None)
        except client_services.DuplicateClientError as error:
            duplicates = error.candidates
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Job #%(id)s was added.") % {"id": job.pk})
            return redirect(_detail_url(job))
    return _form_page(request, form, job=None, duplicates=duplicates)


@member_required(Action.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def job_edit(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = request.membership
    job = _job_or_404(request, job_id)
    data = request.POST if request.method == "POST" else None
    form = JobForm(data, initial=_initial_for(actor, job), editing=True, **_form_kwargs(actor))
    if form.is_bound and form.is_valid():
        try:
            _save(actor, form, job)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Changes to job #%(id)s saved.") % {"id": job.pk})
            return redirect(_detail_url(job))
    return _form_page(request, form, job=job)


@member_required(Action.EDIT_RECORDS)
@require_GET
def client_lookup(request: HttpRequest) -> HttpResponse:
    """The job form's client pickers (htmx): search results, or the picker with a choice made
    (`choose=<id>`) or cleared (`choose=`). Choosing the job's client also swaps in that
    client's properties."""
    actor = request.membership
    name = request.GET.get("field", "")
    if name != "client" and not (
        name.startswith("extra_client_") and name[13:].isdigit() and int(name[13:]) < 10
    ):
        raise Http404
    label = _("Client") if name == "client" else _("Extra client %(n)s") % {"n": int(name[13:]) + 1}
    if "choose" in request.GET:
        chosen = None
        if request.GET["choose"]:
            chosen = _client_or_none(actor, request.GET["choose"])
            if chosen is None:
                raise Http404
        context = {"picker": _picker(name, label, chosen), "focus": True}
        if name == "client":
            context.update(_property_section(actor, chosen, ""))
            context["with_properties"] = True
        return render(request, "jobs/_client_picker.html", context)
    text = request.GET.get(f"{name}_search", "").strip()[:200]
    results = []
    if text:
        page = client_selectors.client_page(
            actor, ClientFilters(search=text, archived=Archived.ACTIVE), page_size=LOOKUP_SIZE
        )
        results = page.clients
    return render(
        request,
        "clients/form_picker_results.html",
        {"picker": _picker(name, label, None), "results": results, "text": text},
    )


# --- the job page ----------------------------------------------------------------------------


def _status_buttons(actor: Membership, job: Job) -> list[dict]:
    if job.archived_at or job.bad_debt:
        return []
    return [
        {
            "status": status,
            "label": transitions.action_label(job.status, status),
            "css": STATUS_BUTTONS.get(status, "btn-outline-secondary"),
        }
        for status in transitions.next_statuses(job.status, actor.role)
    ]


def _checklist_context(request: HttpRequest, job: Job, error: str = "") -> dict:
    items = list(selectors.job_checklist(job))
    return {
        "job": job,
        "checklist": items,
        "checklist_done": sum(1 for item in items if item.done),
        "checklist_open": job.status not in (JobStatus.FINISHED, JobStatus.CANCELLED),
        "checklist_error": error,
        "can_edit": can(request.membership, Action.EDIT_RECORDS),
    }


def _attachment_groups(job: Job) -> list[dict]:
    attachments = list(selectors.job_attachments(job).select_related("uploaded_by"))
    groups = []
    for kind, label in AttachmentKind.choices:
        files = [a for a in attachments if a.kind == kind]
        for a in files:
            a.file_url = url_or_none("jobs:attachment_file", job.pk, a.pk)
            a.thumbnail_url = (
                url_or_none("jobs:attachment_thumbnail", job.pk, a.pk) if a.thumbnail else None
            )
        groups.append({"kind": kind, "label": label, "files": files})
    return groups


def _detail_context(request: HttpRequest, job: Job, *, transition_error: str = "") -> dict:
    actor = request.membership
    activity = []
    if can(actor, Action.VIEW_ACTIVITY):
        activity = list(
            activity_list(viewer=actor).filter(
                target_type=ContentType.objects.get_for_model(Job), target_id=job.pk
            )[:ACTIVITY_ROWS]
        )
    lines = list(job.lines.all())
    return {
        "job": job,
        "status_buttons": _status_buttons(actor, job),
        "transition_error": transition_error,
        "zone_start": job.scheduled_start,
        "crew": _crew_names(job),
        "lines": lines,
        "lines_total": sum((line.amount for line in lines), Decimal("0.00")),
        "extra_clients": list(job.extra_clients.select_related("client")),
        "access_notes": property_services.access_notes_for(actor, job.property, job),
        "map_url": job.property.map_url,
        "client_url": url_or_none("clients:detail", job.client_id),
        "property_url": url_or_none("properties:detail", job.property_id),
        "attachment_groups": _attachment_groups(job),
        "attachment_kinds": AttachmentKind.choices,
        "notes": list(
            job.notes.filter(archived_at__isnull=True).select_related("author")[:NOTE_ROWS]
        ),
        "status_changes": list(job.status_changes.select_related("changed_by")),
        "activity": activity,
        "can_edit": can(actor, Action.EDIT_RECORDS),
        "can_bad_debt": can(actor, Action.MARK_BAD_DEBT)
        and (job.status == JobStatus.FINISHED or job.bad_debt),
        "note_draft": request.session.pop("job_note_draft", ""),
        **_checklist_context(request, job),
    }


@member_required(Action.VIEW_JOBS)
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    if not can(request.membership, Action.VIEW_RECORDS):
        return _to_crew("jobs:crew_job", job.pk)
    return render(request, "jobs/detail.html", _detail_context(request, job))


@member_required(Action.WORK_JOBS)
@require_POST
def job_transition(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    to_status = request.POST.get("status", "")
    try:
        job = services.job_transition(request.membership, job, to_status)
    except (services.TransitionError, ValidationError) as error:
        message = refusal_text(error)
        if request.htmx and can(request.membership, Action.VIEW_RECORDS):
            context = _detail_context(request, job, transition_error=message)
            return render(request, "jobs/detail.html", context, status=409)
        messages.error(request, message)
    else:
        messages.success(
            request,
            _("Job #%(id)s is now %(status)s.")
            % {"id": job.pk, "status": job.get_status_display().lower()},
        )
    return redirect(_back(request, job))


@member_required(Action.MARK_BAD_DEBT)
@require_POST
def job_bad_debt(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    on = request.POST.get("value", "on") == "on"
    try:
        services.job_set_bad_debt(request.membership, job, on)
    except (services.TransitionError, ValidationError) as error:
        messages.error(request, refusal_text(error))
    else:
        if on:
            messages.success(request, _("Marked bad debt: billing leaves this job out."))
        else:
            messages.success(request, _("No longer bad debt."))
    return redirect(_back(request, job))


@member_required(Action.EDIT_RECORDS)
@require_POST
def job_archive(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    try:
        services.job_archive(request.membership, job)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("Job #%(id)s archived.") % {"id": job.pk})
    return redirect(_back(request, job))


@member_required(Action.EDIT_RECORDS)
@require_POST
def job_restore(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    services.job_restore(request.membership, job)
    messages.success(request, _("Job #%(id)s is active again.") % {"id": job.pk})
    return redirect(_back(request, job))


@member_required(Action.WORK_JOBS)
@require_POST
def note_add(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    try:
        services.job_note_add(
            request.membership,
            job,
            request.POST.get("text", ""),
            customer_visible=bool(request.POST.get("customer_visible")),
        )
    except ValidationError as error:
        messages.error(request, refusal_text(error))
        request.session["job_note_draft"] = request.POST.get("text", "")[:5000]
    else:
        messages.success(request, _("Note added."))
    return redirect(_back(request, job) + "#job-notes")


# --- checklist -------------------------------------------------------------------------------


def _item_or_404(job: Job, item_id) -> JobChecklistItem:
    try:
        item = job.checklist.get(pk=int(item_id))
    except (ObjectDoesNotExist, TypeError, ValueError) as error:
        raise Http404 from error
    item.job = job  # the job already read, with its crew
    return item


def _checklist_answer(request: HttpRequest, job: Job, error: str = "") -> HttpResponse:
    if request.htmx:
        return render(request, "jobs/_checklist.html", _checklist_context(request, job, error))
    if error:
        messages.error(request, error)
    return redirect(_back(request, job) + "#job-checklist")


@member_required(Action.WORK_JOBS)
@require_POST
def checklist_toggle(request: HttpRequest, job_id: int, item_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    item = _item_or_404(job, item_id)
    done = request.POST.get("done", "on" if not item.done else "") == "on"
    try:
        services.checklist_item_set_done(request.membership, item, done)
    except ValidationError as error:
        return _checklist_answer(request, job, refusal_text(error))
    return _checklist_answer(request, job)


@member_required(Action.EDIT_RECORDS)
@require_POST
def checklist_add(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    try:
        services.checklist_item_add(
            request.membership,
            job,
            request.POST.get("text", ""),
            required=bool(request.POST.get("required")),
        )
    except ValidationError as error:
        return _checklist_answer(request, job, refusal_text(error))
    return _checklist_answer(request, job)


@member_required(Action.EDIT_RECORDS)
@require_POST
def checklist_remove(request: HttpRequest, job_id: int, item_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    item = _item_or_404(job, item_id)
    try:
        services.checklist_item_remove(request.membership, item)
    except ValidationError as error:
        return _checklist_answer(request, job, refusal_text(error))
    return _checklist_answer(request, job)


# --- photos and documents --------------------------------------------------------------------


@member_required(Action.WORK_JOBS)
@require_POST
def attachment_upload(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    uploads = request.FILES.getlist("file")
    kind = request.POST.get("kind", "")
    if kind not in AttachmentKind.values:
        messages.error(request, _("Say what the file shows: before, after, damage or document."))
    elif not uploads:
        messages.error(request, _("Choose a photo or a document to upload."))
    else:
        from crewdesk.jobs import attachments  # written alongside these pages

        try:
            result = attachments.attachments_add(
                request.membership,
                job,
                uploads,
                kind=kind,
                customer_visible=bool(request.POST.get("customer_visible")),
            )
        except ValidationError as error:
            messages.error(request, refusal_text(error))
        else:
            if result.added:
                added = len(result.added)
                messages.success(
                    request,
                    ngettext("%(n)s file added.", "%(n)s files added.", added) % {"n": added},
                )
            for name, error in result.refused:
                messages.error(request, f"{name}: {refusal_text(error)}")
    return redirect(_back(request, job) + "#job-files")


@member_required(Action.WORK_JOBS)
@require_POST
def attachment_archive(request: HttpRequest, job_id: int, attachment_id: int) -> HttpResponse:
    job = _job_or_404(request, job_id)
    try:
        attachment = selectors.attachment_get(request.membership, attachment_id)
    except ObjectDoesNotExist as error:
        raise Http404 from error
    if attachment.job_id != job.pk:
        raise Http404
    from crewdesk.jobs import attachments

    try:
        attachments.attachment_archive(request.membership, attachment)
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("“%(name)s” removed.") % {"name": attachment.name})
    return redirect(_back(request, job) + "#job-files")


urlpatterns = [
    path("jobs/", job_list, name="list"),
    path("jobs/new/", job_new, name="new"),
    path("jobs/client-lookup/", client_lookup, name="client_lookup"),
    path("jobs/<int:job_id>/", job_detail, name="detail"),
    path("jobs/<int:job_id>/edit/", job_edit, name="edit"),
    path("jobs/<int:job_id>/status/", job_transition, name="transition"),
    path("jobs/<int:job_id>/bad-debt/", job_bad_debt, name="bad_debt"),
    path("jobs/<int:job_id>/archive/", job_archive, name="archive"),
    path("jobs/<int:job_id>/restore/", job_restore, name="restore"),
    path("jobs/<int:job_id>/notes/", note_add, name="note_add"),
    path(
        "jobs/<int:job_id>/checklist/<int:item_id>/toggle/",
        checklist_toggle,
        name="checklist_toggle",
    ),
    path("jobs/<int:job_id>/checklist/add/", checklist_add, name="checklist_add"),
    path(
        "jobs/<int:job_id>/checklist/<int:item_id>/remove/",
        checklist_remove,
        name="checklist_remove",
    ),
    path("jobs/<int:job_id>/attachments/", attachment_upload, name="attachment_upload"),
    path(
        "jobs/<int:job_id>/attachments/<int:attachment_id>/archive/",
        attachment_archive,
        name="attachment_archive",
    ),
]
