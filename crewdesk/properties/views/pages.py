"""The property pages of the office: a property with its services, jobs, files and history;
its form; moving it to another client; and the services it gets (with their recurrence).

Thin views: parse with properties/forms.py, write through properties/services.py, read through
properties/selectors.py and properties/display.py. Another company's ids are not found (404).
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crewdesk.clients import selectors as client_selectors
from crewdesk.clients.filters import Archived, ClientFilters
from crewdesk.clients.models import Client
from crewdesk.core.decorators import member_required
from crewdesk.core.forms import form_add_service_error
from crewdesk.core.navigation import url_or_none
from crewdesk.core.permissions import Action, can
from crewdesk.properties import display, selectors, services
from crewdesk.properties.forms import MoveForm, PropertyForm, PropertyServiceForm
from crewdesk.properties.hooks import PROPERTY_MOVE_HANDLERS
from crewdesk.properties.models import Property, PropertyService

HISTORY_PER_PAGE = 25
LOOKUP_SIZE = 8


def _property(request: HttpRequest, property_id: int) -> Property:
    try:
        return selectors.property_get(viewer=request.membership, property_id=property_id)
    except Property.DoesNotExist as error:
        raise Http404 from error


def _property_service(request: HttpRequest, prop: Property, ps_id: int) -> PropertyService:
    try:
        ps = selectors.property_service_get(viewer=request.membership, ps_id=ps_id)
    except PropertyService.DoesNotExist as error:
        raise Http404 from error
    if ps.property_id != prop.pk:
        raise Http404
    return ps


def _detail_url(prop: Property) -> str:
    return reverse("properties:detail", args=[prop.pk])


# --- the property page -------------------------------------------------------------------


@require_GET
@member_required(Action.VIEW_RECORDS)
def detail(request: HttpRequest, property_id: int) -> HttpResponse:
    actor = request.membership
    prop = _property(request, property_id)
    ps_list = list(selectors.property_services(prop=prop))
    for ps in ps_list:
        ps.summary = display.recurrence_text(ps)
    history_page = None
    if can(actor, Action.VIEW_ACTIVITY):
        history_page = Paginator(display.property_history(actor, prop), HISTORY_PER_PAGE).get_page(
            request.GET.get("history_page")
        )
    new_job = url_or_none("jobs:new")
    return render(
        request,
        "properties/detail.html",
        {
            "prop": prop,
            "client": prop.client,
            "can_edit": can(actor, Action.EDIT_RECORDS, prop),
            "access_notes": services.access_notes_for(viewer=actor, prop=prop),
            "map_url": prop.map_url,
            "property_services": ps_list,
            "main_panels": display.PROPERTY_PANELS.render(request, prop, slot="main"),
            "side_panels": display.PROPERTY_PANELS.render(request, prop, slot="side"),
            "history_page": history_page,
            "new_job_url": f"{new_job}?property={prop.pk}" if new_job else None,
            "catalog_url": url_or_none("properties:catalog"),
        },
    )


# --- the property form -------------------------------------------------------------------


def _render_form(request, form, *, client: Client, prop: Property | None = None, status=200):
    return render(
        request,
        "properties/form.html",
        {"form": form, "client": client, "prop": prop},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@member_required(Action.EDIT_RECORDS)
def property_new(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = request.membership
    try:
        client = client_selectors.client_get(viewer=actor, client_id=client_id)
    except Client.DoesNotExist as error:
        raise Http404 from error
    if client.merged_into_id:
        return redirect("properties:new", client.merged_into_id)
    form = PropertyForm(request.POST or None, initial={"country": actor.company.country})
    if request.method == "POST" and form.is_valid():
        try:
            prop = services.property_create(actor=actor, client=client, data=form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Property %(name)s added.") % {"name": prop.label})
            return redirect(_detail_url(prop))
    return _render_form(request, form, client=client)


@require_http_methods(["GET", "POST"])
@member_required(Action.EDIT_RECORDS)
def property_edit(request: HttpRequest, property_id: int) -> HttpResponse:
    prop = _property(request, property_id)
    form = PropertyForm(request.POST or None, initial=PropertyForm.initial_for(prop))
    if request.method == "POST" and form.is_valid():
        try:
            services.property_update(actor=request.membership, prop=prop, data=form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": prop.label})
            return redirect(_detail_url(prop))
    return _render_form(request, form, client=prop.client, prop=prop)


@require_POST
@member_required(Action.EDIT_RECORDS)
def property_archive(request: HttpRequest, property_id: int) -> HttpResponse:
    prop = _property(request, property_id)
    services.property_archive(actor=request.membership, prop=prop)
    messages.success(request, _("%(name)s archived.") % {"name": prop.label})
    return redirect(_detail_url(prop))


@require_POST
@member_required(Action.EDIT_RECORDS)
def property_restore(request: HttpRequest, property_id: int) -> HttpResponse:
    prop = _property(request, property_id)
    services.property_restore(actor=request.membership, prop=prop)
    messages.success(request, _("%(name)s restored.") % {"name": prop.label})
    return redirect(_detail_url(prop))


# --- moving a property to another client -------------------------------------------------


def _picked_client(request: HttpRequest, value) -> Client | None:
    try:
        client = client_selectors.client_get(viewer=request.membership, client_id=int(value))
    except (ObjectDoesNotExist, TypeError, ValueError):
        return None
    return client if not client.merged_into_id else None


def _picker(prop: Property, chosen: Client | None = None, errors=()) -> dict:
    return {
        "name": "client",
        "label": _("New client"),
        "chosen": chosen,
        "errors": list(errors),
        "lookup": reverse("properties:move_lookup", args=[prop.pk]) + "?field=client",
        "help": _("Search, then pick the client from the list."),
    }


@require_http_methods(["GET", "POST"])
@member_required(Action.EDIT_RECORDS)
def property_move(request: HttpRequest, property_id: int) -> HttpResponse:
    actor = request.membership
    prop = _property(request, property_id)
    form = MoveForm(request.POST or None)
    chosen = _picked_client(request, request.POST.get("client")) if form.is_bound else None
    if form.is_bound and form.is_valid():
        following = [(h, h.would_follow(prop)) for h in PROPERTY_MOVE_HANDLERS]
        old_client = prop.client
        if chosen is None:
            form.add_error("client", _("Pick the client the property now belongs to."))
        elif chosen.pk == old_client.pk:
            form.add_error("client", _("The property already belongs to this client."))
        else:
            try:
                services.property_move(actor=actor, prop=prop, new_client=chosen)
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                text = _("%(name)s now belongs to %(client)s") % {
                    "name": prop.label,
                    "client": chosen.display_name,
                }
                parts = [text, *(h.followed_text(count) for h, count in following)]
                messages.success(request, "; ".join(parts) + ".")
                return redirect(_detail_url(prop))
    return render(
        request,
        "properties/move.html",
        {
            "prop": prop,
            "client": prop.client,
            "form": form,
            "picker": _picker(prop, chosen, form.errors.get("client", [])),
            "followers": [
                {
                    "rule": h.rule_text(prop.client.display_name),
                    "will_follow": h.will_follow_text(h.would_follow(prop)),
                }
                for h in PROPERTY_MOVE_HANDLERS
            ],
        },
    )


@require_GET
@member_required(Action.EDIT_RECORDS)
def move_lookup(request: HttpRequest, property_id: int) -> HttpResponse:
    """The client picker of the move page (htmx): search results, or the picker with a choice
    made (`choose=<id>`) or cleared (`choose=`)."""
    prop = _property(request, property_id)
    picker = _picker(prop)
    if "choose" in request.GET:
        if request.GET["choose"]:
            picker["chosen"] = _picked_client(request, request.GET["choose"])
            if picker["chosen"] is None:
                raise Http404
        return render(request, "clients/form_picker.html", {"picker": picker, "focus": True})
    text = request.GET.get("client_search", "").strip()
    results = []
    if text:
        page = client_selectors.client_page(
            viewer=request.membership,
            filters=ClientFilters(search=text, archived=Archived.ACTIVE),
            page_size=LOOKUP_SIZE,
        )
        results = [c for c in page.clients if c.pk != prop.client_id]
    return render(
        request,
        "clients/form_picker_results.html",
        {"picker": picker, "results": results, "text": text},
    )


# --- the services a property gets --------------------------------------------------------


def _render_service_form(request, prop, form, ps=None):
    return render(
        request,
        "properties/service_form.html",
        {"prop": prop, "client": prop.client, "form": form, "ps": ps},
    )


@require_http_methods(["GET", "POST"])
@member_required(Action.EDIT_RECORDS)
def service_add(request: HttpRequest, property_id: int) -> HttpResponse:
    actor = request.membership
    prop = _property(request, property_id)
    catalog = list(selectors.service_catalog(viewer=actor))
    form = PropertyServiceForm(
        request.POST or None,
        services=catalog,
        crew=display.crew_choices(actor),
        initial={"service": request.GET.get("service"), "interval": 1},
    )
    if request.method == "POST" and form.is_valid():
        try:
            ps = services.property_service_add(
                actor=actor,
                prop=prop,
                data=form.to_data(),
                assignees=form.cleaned_data["assignees"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request, _("%(service)s added to this property.") % {"service": ps.service.name}
            )
            return redirect(_detail_url(prop))
    return _render_service_form(request, prop, form)


@require_http_methods(["GET", "POST"])
@member_required(Action.EDIT_RECORDS)
def service_edit(request: HttpRequest, property_id: int, ps_id: int) -> HttpResponse:
    actor = request.membership
    prop = _property(request, property_id)
    ps = _property_service(request, prop, ps_id)
    form = PropertyServiceForm(
        request.POST or None,
        services=None,
        crew=display.crew_choices(actor),
        initial=PropertyServiceForm.initial_for(ps),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.property_service_update(
                actor=actor, ps=ps, data=form.to_data(), assignees=form.cleaned_data["assignees"]
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("%(service)s saved.") % {"service": ps.service.name})
            return redirect(_detail_url(prop))
    return _render_service_form(request, prop, form, ps)


@require_POST
@member_required(Action.EDIT_RECORDS)
def service_archive(request: HttpRequest, property_id: int, ps_id: int) -> HttpResponse:
    prop = _property(request, property_id)
    ps = _property_service(request, prop, ps_id)
    services.property_service_archive(actor=request.membership, ps=ps)
    messages.success(
        request,
        _("%(service)s stopped at this property.") % {"service": ps.service.name},
    )
    return redirect(_detail_url(prop))


urlpatterns = [
    path("properties/<int:property_id>/", detail, name="detail"),
    path("clients/<int:client_id>/properties/new/", property_new, name="new"),
    path("properties/<int:property_id>/edit/", property_edit, name="edit"),
    path("properties/<int:property_id>/archive/", property_archive, name="archive"),
    path("properties/<int:property_id>/restore/", property_restore, name="restore"),
    path("properties/<int:property_id>/move/", property_move, name="move"),
    path("properties/<int:property_id>/move/clients/", move_lookup, name="move_lookup"),
    path("properties/<int:property_id>/services/new/", service_add, name="service_add"),
    path(
        "properties/<int:property_id>/services/<int:ps_id>/edit/",
        service_edit,
        name="service_edit",
    ),
    path(
        "properties/<int:property_id>/services/<int:ps_id>/stop/",
        service_archive,
        name="service_archive",
    ),
]
