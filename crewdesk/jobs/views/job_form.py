"""The job form, new and edit: a client picked (or typed new inline, with the duplicate
check), one of its properties (or a new one), the day and times, the crew, the lines with
their price hints, extra clients and a checklist. The writes are one service
(services.job_save_with_parts); the client pickers search as you type (client_lookup)."""

import datetime
import json
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from crewdesk.accounts.models import Membership
from crewdesk.accounts.selectors import crew_list
from crewdesk.clients import selectors as client_selectors
from crewdesk.clients.filters import Archived, ClientFilters
from crewdesk.clients.models import Client
from crewdesk.clients.normalize import phone_display
from crewdesk.clients.services import DuplicateClientError
from crewdesk.core import dates
from crewdesk.core.decorators import member_required
from crewdesk.core.permissions import Action
from crewdesk.core.records import MAX_ID, parse_id
from crewdesk.jobs import selectors, services
from crewdesk.jobs.forms import NEW, JobForm
from crewdesk.jobs.models import Job, JobClientRole
from crewdesk.jobs.views.common import detail_url, job_or_404
from crewdesk.properties import selectors as property_selectors
from crewdesk.properties.models import Property

LOOKUP_SIZE = 8
EXTRA_ROLES = JobClientRole.choices


def _client_or_none(actor: Membership, value) -> Client | None:
    try:
        client = client_selectors.client_get(viewer=actor, client_id=int(value))
    except (ObjectDoesNotExist, TypeError, ValueError):
        return None
    return None if client.merged_into_id else client


def _property_choices(actor: Membership, client: Client | None) -> list[Property]:
    if client is None:
        return []
    return list(property_selectors.properties_of_client(viewer=actor, client=client)[:200])


def _property_section(actor: Membership, client: Client | None, selected: str, form=None) -> dict:
    properties = _property_choices(actor, client)
    # Each property's own service prices, for jobs.js to fill a line's price (one query).
    prices = property_selectors.agreed_prices(properties=properties)
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
    catalog = list(property_selectors.service_catalog(viewer=actor)[:500])
    here = []
    if prop is not None and prop.pk:
        here = [
            {"id": ps.service_id, "name": ps.service.name, "price": ps.price}
            for ps in property_selectors.property_services(prop=prop)
        ]
    return {"catalog": catalog, "here": here, "here_ids": [str(s["id"]) for s in here]}


def _initial_for(actor: Membership, job: Job) -> dict:
    zone = dates.company_zone(actor.company)
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
    chosen = client_selectors.clients_by_id(viewer=actor, ids=ids)
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


def _form_kwargs(actor: Membership) -> dict:
    return {
        "members": list(crew_list(viewer=actor)),
        "templates": list(selectors.checklist_templates(viewer=actor)[:200]),
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
            try:
                prop = property_selectors.property_get(viewer=actor, property_id=property_id)
            except Property.DoesNotExist:
                prop = None
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
            job = services.job_save_with_parts(actor=actor, job=None, data=form.job_with_parts())
        except DuplicateClientError as error:
            duplicates = error.candidates
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Job #%(id)s was added.") % {"id": job.pk})
            return redirect(detail_url(job))
    return _form_page(request, form, job=None, duplicates=duplicates)


@member_required(Action.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def job_edit(request: HttpRequest, job_id: int) -> HttpResponse:
    actor = request.membership
    job = job_or_404(request, job_id)
    data = request.POST if request.method == "POST" else None
    form = JobForm(data, initial=_initial_for(actor, job), editing=True, **_form_kwargs(actor))
    if form.is_bound and form.is_valid():
        try:
            services.job_save_with_parts(actor=actor, job=job, data=form.job_with_parts())
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Changes to job #%(id)s saved.") % {"id": job.pk})
            return redirect(detail_url(job))
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
            viewer=actor,
            filters=ClientFilters(search=text, archived=Archived.ACTIVE),
            page_size=LOOKUP_SIZE,
        )
        results = page.clients
    return render(
        request,
        "clients/form_picker_results.html",
        {"picker": _picker(name, label, None), "results": results, "text": text},
    )


urlpatterns = [
    path("jobs/new/", job_new, name="new"),
    path("jobs/client-lookup/", client_lookup, name="client_lookup"),
    path("jobs/<int:job_id>/edit/", job_edit, name="edit"),
]
