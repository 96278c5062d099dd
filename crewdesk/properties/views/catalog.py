"""The company's service catalog: what it sells, at what price, for how long, taxable or not.
A property gets services from here (with its own price); jobs take their lines from here."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crewdesk.core.decorators import member_required
from crewdesk.core.forms import form_add_service_error
from crewdesk.core.permissions import Action, can
from crewdesk.properties import selectors, services
from crewdesk.properties.forms import ServiceForm
from crewdesk.properties.models import Service

PAGE_SIZE = 50


def _service(request: HttpRequest, service_id: int) -> Service:
    try:
        return selectors.service_get(viewer=request.membership, service_id=service_id)
    except Service.DoesNotExist as error:
        raise Http404 from error


def _list_url(archived: bool = False) -> str:
    url = reverse("properties:catalog")
    return f"{url}?archived=1" if archived else url


@require_GET
@member_required(Action.VIEW_RECORDS)
def catalog(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    archived = request.GET.get("archived") == "1"
    entries = selectors.service_catalog(viewer=actor, include_archived=True).filter(
        archived_at__isnull=not archived
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "properties/catalog.html",
        {
            "page": page,
            "archived": archived,
            "can_edit": can(actor, Action.EDIT_RECORDS),
            "currency": actor.company.currency,
        },
    )


def _render_form(request, form, service=None):
    return render(request, "properties/catalog_form.html", {"form": form, "service": service})


@require_http_methods(["GET", "POST"])
@member_required(Action.EDIT_RECORDS)
def catalog_new(request: HttpRequest) -> HttpResponse:
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(actor=request.membership, data=form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s added to the catalog.") % {"name": service.name})
            return redirect(_list_url())
    return _render_form(request, form)


@require_http_methods(["GET", "POST"])
@member_required(Action.EDIT_RECORDS)
def catalog_edit(request: HttpRequest, service_id: int) -> HttpResponse:
    service = _service(request, service_id)
    form = ServiceForm(request.POST or None, initial=ServiceForm.initial_for(service))
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(
                actor=request.membership, service=service, data=form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": service.name})
            return redirect(_list_url(service.archived_at is not None))
    return _render_form(request, form, service)


@require_POST
@member_required(Action.EDIT_RECORDS)
def catalog_archive(request: HttpRequest, service_id: int) -> HttpResponse:
    service = _service(request, service_id)
    services.service_archive(actor=request.membership, service=service)
    messages.success(
        request,
        _("%(name)s archived: it is no longer offered; properties that get it keep it.")
        % {"name": service.name},
    )
    return redirect(_list_url())


urlpatterns = [
    path("services/", catalog, name="catalog"),
    path("services/new/", catalog_new, name="catalog_new"),
    path("services/<int:service_id>/edit/", catalog_edit, name="catalog_edit"),
    path("services/<int:service_id>/archive/", catalog_archive, name="catalog_archive"),
]
