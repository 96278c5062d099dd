"""Client pages: the directory (list, search as you type, filters), the client form (new and
edit) with its live duplicate check and client picker, and archive / restore / delete.

Thin views: they parse, call a selector or a service, and render. The list reads one page
through `selectors.client_page`; every write goes through `services`."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crewdesk.clients import selectors, services
from crewdesk.clients.filters import Archived, ClientFilters
from crewdesk.clients.forms import ClientFilterForm, ClientForm
from crewdesk.clients.models import LEAD_SOURCES, Client
from crewdesk.clients.normalize import phone_display
from crewdesk.core.decorators import member_required
from crewdesk.core.forms import refusal_text
from crewdesk.core.models import Brand
from crewdesk.core.navigation import next_url, query_with, url_or_none
from crewdesk.core.permissions import Action, can
from crewdesk.core.selectors import brand_list

PAGE_SIZE = 50
LOOKUP_SIZE = 8
MAX_PHONE_ROWS = 10
# The client form's two client pickers: the form field and its label.
PICKERS = {"parent": gettext_lazy("Parent client"), "referred_by": gettext_lazy("Referred by")}
PICKER_HELP = gettext_lazy("Search, then pick the client from the list. Leave empty for none.")


def _client_or_404(request: HttpRequest, client_id: int) -> Client:
    try:
        return selectors.client_get(viewer=request.membership, client_id=client_id)
    except ObjectDoesNotExist as error:
        raise Http404 from error


def _profile_url(client: Client | int) -> str:
    return reverse("clients:detail", args=[getattr(client, "pk", client)])


def _with_phone_display(clients: list[Client]) -> list[Client]:
    for client in clients:
        phone = client.primary_phone
        client.phone_display = phone_display(phone.number) if phone else ""
    return clients


# --- the directory ---


@member_required(Action.VIEW_RECORDS)
@require_GET
def client_list(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    rows_only = request.htmx and not request.htmx.history_restore_request
    # The rows alone (search as you type) need the tags only to check a tag filter.
    needs_tags = not rows_only or "tag" in request.GET
    tags = list(selectors.tags_of_company(viewer=actor)) if needs_tags else []
    form = ClientFilterForm(request.GET, tags=tags)
    filters = ClientFilters.from_form(form)
    page = selectors.client_page(
        viewer=actor, filters=filters, page=form.value("page", 1), page_size=PAGE_SIZE
    )
    first = (page.page - 1) * page.page_size + 1
    last = first + len(page.clients) - 1
    # Only an empty, unfiltered list needs to know whether the company has any client at all.
    has_any = (
        bool(page.clients) or filters.narrows or selectors.client_queryset(viewer=actor).exists()
    )
    list_url = reverse("clients:list")
    export_url = url_or_none("clients:export")
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "clients": _with_phone_display(page.clients),
        "first": first,
        "last": last,
        "is_filtered": filters.narrows,
        "has_any": has_any,
        "chosen_tags": set(filters.tags),
        "lead_sources": LEAD_SOURCES,
        "previous_url": f"{list_url}?{query_with(request.GET, page=str(page.page - 1))}"
        if page.has_previous
        else None,
        "next_url": f"{list_url}?{query_with(request.GET, page=str(page.page + 1))}"
        if page.has_next and len(page.clients) == page.page_size and not page.fuzzy
        else None,
        "first_page_url": f"{list_url}?{query_with(request.GET, page=None)}",
        "export_url": f"{export_url}?{query_with(request.GET, page=None)}" if export_url else None,
        "import_url": url_or_none("clients:import"),
        "duplicates_url": url_or_none("clients:duplicates"),
        "quality_url": url_or_none("clients:quality"),
        "can_edit": can(actor, Action.EDIT_RECORDS),
    }
    template = "clients/_list_rows.html" if rows_only else "clients/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- the client form ---


def _brands(request: HttpRequest) -> list[Brand]:
    return list(brand_list(viewer=request.membership))


def _picked(request: HttpRequest, value) -> Client | None:
    """The client chosen in a picker, when it is one of the company's."""
    try:
        return selectors.client_get(viewer=request.membership, client_id=int(value))
    except (ObjectDoesNotExist, TypeError, ValueError):
        return None


def _lookup_url(name: str, exclude) -> str:
    return reverse("clients:lookup") + "?" + urlencode({"field": name, "exclude": exclude})


def _pickers(request: HttpRequest, form: ClientForm, client: Client | None) -> list[dict]:
    pickers = []
    for name, label in PICKERS.items():
        if form.is_bound:
            chosen = _picked(request, form.data.get(name))
        else:
            chosen = getattr(client, name) if client else None
        pickers.append(
            {
                "name": name,
                "label": label,
                "chosen": chosen,
                "errors": form.errors.get(name, []),
                "lookup": _lookup_url(name, client.pk if client else ""),
                "help": PICKER_HELP,
            }
        )
    return pickers


def _phone_rows_posted(data: QueryDict) -> int:
    rows = 0
    for key in data:
        if key.startswith("phone_number_") and key[13:].isdigit():
            rows = max(rows, int(key[13:]) + 1)
    return min(rows, MAX_PHONE_ROWS)


def _render_form(
    request: HttpRequest,
    form: ClientForm,
    *,
    client: Client | None = None,
    duplicates: list | None = None,
) -> HttpResponse:
    return render(
        request,
        "clients/form.html",
        {
            "form": form,
            "client": client,
            "pickers": _pickers(request, form, client),
            "duplicates": duplicates or [],
            "show_allow_duplicate": client is None
            and bool(duplicates or form["allow_duplicate"].value()),
            "lead_sources": LEAD_SOURCES,
            "can_delete": can(request.membership, Action.HARD_DELETE),
        },
    )


@member_required(Action.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def client_new(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    data = request.POST if request.method == "POST" else None
    form = ClientForm(
        data,
        initial={"country": actor.company.country},
        brands=_brands(request),
        phone_rows=_phone_rows_posted(request.POST),
        duplicate_url=reverse("clients:duplicate_check"),
    )
    duplicates = []
    if form.is_bound and form.is_valid():
        try:
            client = services.client_create(
                actor=actor,
                data=form.to_input(),
                allow_duplicate=form.cleaned_data["allow_duplicate"],
            )
        except services.DuplicateClientError as error:
            duplicates = error.candidates
            _with_phone_display([candidate.client for candidate in duplicates])
        except ValidationError as error:
            form.add_service_error(error, region=actor.company.country)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": client.display_name})
            return redirect(_profile_url(client))
    return _render_form(request, form, duplicates=duplicates)


@member_required(Action.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = request.membership
    client = _client_or_404(request, client_id)
    if client.merged_into_id:
        messages.info(
            request,
            _("%(name)s was merged into %(survivor)s: you are editing %(survivor)s.")
            % {"name": client.display_name, "survivor": client.merged_into.display_name},
        )
        return redirect("clients:edit", client.merged_into_id)
    phones = list(client.phones.all())
    tags = [tag.name for tag in selectors.client_tags(client=client)]
    data = request.POST if request.method == "POST" else None
    form = ClientForm(
        data,
        initial=ClientForm.initial_for(client, phones=phones, tags=tags),
        brands=_brands(request),
        phone_rows=max(len(phones), _phone_rows_posted(request.POST)),
        duplicate_url=f"{reverse('clients:duplicate_check')}?exclude={client.pk}",
    )
    if form.is_bound and form.is_valid():
        try:
            services.client_update(actor=actor, client=client, data=form.to_input())
        except ValidationError as error:
            form.add_service_error(error, region=actor.company.country)
        else:
            messages.success(request, _("Changes to %(name)s saved.") % {"name": client})
            return redirect(_profile_url(client))
    return _render_form(request, form, client=client)


@member_required(Action.EDIT_RECORDS)
@require_POST
def duplicate_check(request: HttpRequest) -> HttpResponse:
    """The live panel of look-alikes while the office types a client (htmx)."""
    form = ClientForm(request.POST, phone_rows=_phone_rows_posted(request.POST))
    form.is_valid()  # what is valid comes cleaned; the rest is read as typed
    try:
        exclude = [int(request.GET["exclude"])]
    except (KeyError, ValueError):
        exclude = []
    candidates = services.duplicates_for_input(
        actor=request.membership, data=form.to_input(), exclude=exclude
    )
    _with_phone_display([candidate.client for candidate in candidates])
    return render(request, "clients/_duplicates.html", {"candidates": candidates, "live": True})


@member_required(Action.EDIT_RECORDS)
@require_GET
def client_lookup(request: HttpRequest) -> HttpResponse:
    """The client picker of the form (htmx): search results, or the picker with a choice made
    (`choose=<id>`) or cleared (`choose=`)."""
    name = request.GET.get("field", "")
    if name not in PICKERS:
        raise Http404
    exclude = request.GET.get("exclude", "")
    picker = {
        "name": name,
        "label": PICKERS[name],
        "chosen": None,
        "errors": [],
        "lookup": _lookup_url(name, exclude),
        "help": PICKER_HELP,
    }
    if "choose" in request.GET:
        if request.GET["choose"]:
            picker["chosen"] = _picked(request, request.GET["choose"])
            if picker["chosen"] is None:
                raise Http404
        return render(request, "clients/form_picker.html", {"picker": picker, "focus": True})
    text = request.GET.get(f"{name}_search", "").strip()
    results = []
    if text:
        page = selectors.client_page(
            viewer=request.membership,
            filters=ClientFilters(search=text, archived=Archived.ALL),
            page_size=LOOKUP_SIZE,
        )
        results = [c for c in page.clients if str(c.pk) != exclude]
    return render(
        request,
        "clients/form_picker_results.html",
        {"picker": picker, "results": results, "text": text},
    )


# --- archive, restore, delete ---


def _back(request: HttpRequest, client: Client) -> str:
    return next_url(request, _profile_url(client))


@member_required(Action.EDIT_RECORDS)
@require_POST
def client_archive(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    try:
        services.client_archive(actor=request.membership, client=client)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request,
            _("%(name)s is archived: hidden from the client list until restored.")
            % {"name": client},
        )
    return redirect(_back(request, client))


@member_required(Action.EDIT_RECORDS)
@require_POST
def client_restore(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _client_or_404(request, client_id)
    try:
        services.client_restore(actor=request.membership, client=client)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("%(name)s is active again.") % {"name": client})
    return redirect(_back(request, client))


@member_required(Action.EDIT_RECORDS)
@require_POST
def client_delete(request: HttpRequest, client_id: int) -> HttpResponse:
    """Owner only, and only a client without history; otherwise the page says why."""
    client = _client_or_404(request, client_id)
    name = client.display_name
    try:
        services.client_delete(actor=request.membership, client=client)
    except PermissionDenied:
        messages.error(request, _("Only an owner can delete a client. You can archive it instead."))
    except ValidationError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("%(name)s was deleted.") % {"name": name})
        return redirect("clients:list")
    return redirect(_back(request, client))


urlpatterns = [
    path("", client_list, name="list"),
    path("new/", client_new, name="new"),
    path("duplicate-check/", duplicate_check, name="duplicate_check"),
    path("lookup/", client_lookup, name="lookup"),
    path("<int:client_id>/edit/", client_edit, name="edit"),
    path("<int:client_id>/archive/", client_archive, name="archive"),
    path("<int:client_id>/restore/", client_restore, name="restore"),
    path("<int:client_id>/delete/", client_delete, name="delete"),
]
