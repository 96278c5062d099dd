"""Client pages: the profile and what is managed on it — contacts, tags, reminders, notices,
notes with their private files, and the client's timeline (see urls.py).

Every write is a POST that calls a service. An htmx request gets the updated panel back (with
its errors inline); a plain form post gets a redirect to the profile and a flash message, or the
whole profile again with the errors when the input was refused.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from crewdesk.clients import selectors, services
from crewdesk.clients.events import Verb
from crewdesk.clients.forms_profile import (
    ContactForm,
    NoteForm,
    NoticeForm,
    ReminderForm,
    TagForm,
)
from crewdesk.clients.models import Client, Note, NoteFile, Notice
from crewdesk.clients.normalize import phone_display
from crewdesk.clients.profile_tabs import (
    PROFILE_PANELS,
    ProfileTab,
    profile_tab,
    profile_tabs_for,
)
from crewdesk.core.decorators import member_required
from crewdesk.core.forms import form_add_service_error
from crewdesk.core.maps import map_url
from crewdesk.core.navigation import next_url, url_or_none
from crewdesk.core.permissions import Action, can
from crewdesk.core.responses import private_file_response
from crewdesk.core.selectors import record_activity_list

NOTES_PER_PAGE = 20
ACTIVITY_PER_PAGE = 25
TAG_SUGGESTIONS = 500
OPEN_REMINDERS_SHOWN = 50
SUBSIDIARIES_SHOWN = 20
# A survivor may itself have been merged later: follow the pointers this far at most.
MERGE_HOPS = 10

MSG_MERGED = gettext_lazy("%(merged)s was merged into %(survivor)s.")
HISTORY_LABELS = {"phones": gettext_lazy("Phones"), "tags": gettext_lazy("Tags")}


# --- helpers -----------------------------------------------------------------------------


def _profile_url(client: Client, tab: str | None = None) -> str:
    url = reverse("clients:detail", args=[client.pk])
    return f"{url}?tab={tab}" if tab else url


def _client(request: HttpRequest, client_id: int) -> Client:
    try:
        return selectors.client_get(viewer=request.membership, client_id=client_id)
    except Client.DoesNotExist as error:
        raise Http404 from error


def _get_or_404(queryset, **lookup) -> Model:
    try:
        return queryset.get(**lookup)
    except (ObjectDoesNotExist, ValueError) as error:
        raise Http404 from error


def _merged_redirect(request: HttpRequest, client: Client) -> HttpResponse:
    """The old address of a merged-away client leads to the client it was merged into."""
    survivor = client
    for _hop in range(MERGE_HOPS):
        if survivor.merged_into_id is None:
            break
        survivor = _client(request, survivor.merged_into_id)
    messages.info(
        request, MSG_MERGED % {"merged": client.display_name, "survivor": survivor.display_name}
    )
    url = _profile_url(survivor)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    if request.method == "GET":
        return HttpResponsePermanentRedirect(url)
    return redirect(url)  # nothing was changed on the merged-away client


def client_page(action: str) -> Callable:
    """A page about one client of the member's company: `view(request, client, ...)`.
    Another company's client is not found; a merged-away one leads to its survivor."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @member_required(action)
        @wraps(view)
        def wrapper(request: HttpRequest, client_id: int, *args, **kwargs) -> HttpResponse:
            client = _client(request, client_id)
            if client.merged_into_id:
                return _merged_redirect(request, client)
            return view(request, client, *args, **kwargs)

        return wrapper

    return decorator


def _staff_choices(request: HttpRequest) -> list[tuple[int, str]]:
    """Whom a reminder can be for (the service's rule: the office, not the crew)."""
    members = selectors.reminder_assignees(viewer=request.membership)
    return sorted(
        ((m.user_id, m.user.display_name) for m in members), key=lambda c: c[1].casefold()
    )


def _reminder_form(request: HttpRequest, data=None) -> ReminderForm:
    return ReminderForm(
        data,
        prefix="reminder",
        staff=_staff_choices(request),
        initial={"assignee": request.membership.user_id},
    )


def _address_lines(client: Client) -> list[str]:
    """The billing address as printed, or nothing when none was typed: a new client carries
    the company's country by default, which alone is no address."""
    locality = ", ".join(part for part in (client.city, client.region) if part)
    city_line = " ".join(part for part in (locality, client.postal_code) if part)
    lines = [line for line in (client.street, client.street2, city_line) if line]
    return [*lines, client.country] if lines and client.country else lines


def _display(field_name: str, value) -> str:
    """A value of the change history as people read it."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(phone_display(v) if field_name == "phones" else str(v) for v in value)
    try:
        field = Client._meta.get_field(field_name)
    except Exception:  # noqa: BLE001 - a field since removed still shows its raw value
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _history_label(field_name: str) -> str:
    if field_name in HISTORY_LABELS:
        return str(HISTORY_LABELS[field_name])
    try:
        return str(Client._meta.get_field(field_name).verbose_name).capitalize()
    except Exception:  # noqa: BLE001
        return field_name


def _history_changes(entry) -> list[dict]:
    if entry.verb != Verb.CLIENT_UPDATED:
        return []
    changes = entry.data.get("changes") or {}
    return [
        {
            "label": _history_label(name),
            "before": _display(name, pair[0]),
            "after": _display(name, pair[1]),
        }
        for name, pair in changes.items()
        if isinstance(pair, list | tuple) and len(pair) == 2
    ]


# --- what each panel shows -----------------------------------------------------------------


def _tags_context(request: HttpRequest, client: Client) -> dict:
    tags = sorted(selectors.client_tags(client=client), key=lambda t: t.name.casefold())
    have = {t.pk for t in tags}
    suggestions = [
        t.name
        for t in selectors.tags_of_company(viewer=request.membership)[:TAG_SUGGESTIONS]
        if t.pk not in have
    ]
    return {
        "tags": tags,
        "tag_suggestions": suggestions,
        "tag_form": TagForm(prefix="tag"),
        "tag_list_url": url_or_none("clients:list") or "/app/clients/",
    }


def _notices_context(request: HttpRequest, client: Client) -> dict:
    return {"notices": list(selectors.client_notices(client=client))}


def _notice_form_context(request: HttpRequest, client: Client) -> dict:
    return {"notice_form": NoticeForm(prefix="notice")}


def _reminders_context(request: HttpRequest, client: Client) -> dict:
    return {
        "reminders": list(
            selectors.client_reminders(client=client).order_by("due_on", "id")[
                :OPEN_REMINDERS_SHOWN
            ]
        ),
        "reminder_form": _reminder_form(request),
        "today": timezone.localdate(),
    }


def _contacts_context(request: HttpRequest, client: Client) -> dict:
    contacts = list(selectors.client_contacts(client=client))
    for contact in contacts:
        contact.phone_shown = phone_display(contact.phone) if contact.phone else ""
    return {"contacts": contacts, "contact_form": ContactForm(prefix="contact")}


def _notes_context(request: HttpRequest, client: Client) -> dict:
    notes = selectors.client_notes(viewer=request.membership, client=client)
    paginator = Paginator(notes, NOTES_PER_PAGE)
    return {
        "notes_page": paginator.get_page(request.GET.get("notes_page")),
        "note_form": NoteForm(prefix="note"),
    }


def _activity_context(request: HttpRequest, client: Client) -> dict:
    if not can(request.membership, Action.VIEW_ACTIVITY):
        return {"activity_page": None}
    # The history of clients merged into this one continues here, marked with their name.
    merged_from = {
        merged.pk: merged
        for merged in selectors.clients_merged_into(viewer=request.membership, client=client)
    }
    entries = record_activity_list(
        viewer=request.membership, record=client, merged_ids=list(merged_from)
    )
    page = Paginator(entries, ACTIVITY_PER_PAGE).get_page(request.GET.get("activity_page"))
    for entry in page:
        entry.history_changes = _history_changes(entry)
        entry.merged_from = merged_from.get(entry.target_id)
    return {"activity_page": page}


# Clients' own tabs, registered in apps.py like other apps' (profile_tabs.PROFILE_TABS):
# Properties (20) and Jobs (30) come between Contacts and Notes.
CLIENT_TABS = (
    ProfileTab(
        "contacts",
        gettext_lazy("Contacts"),
        "people",
        "clients/_profile_contacts.html",
        _contacts_context,
        order=10,
        show_label=gettext_lazy("Show the contacts"),
    ),
    ProfileTab(
        "notes",
        gettext_lazy("Notes & files"),
        "journal-text",
        "clients/_profile_notes.html",
        _notes_context,
        order=40,
        show_label=gettext_lazy("Show the notes and files"),
    ),
    ProfileTab(
        "activity",
        gettext_lazy("Activity"),
        "clock-history",
        "clients/_profile_activity.html",
        _activity_context,
        order=50,
        show_label=gettext_lazy("Show the activity"),
        action=Action.VIEW_ACTIVITY,
    ),
)

# The panels beside the tabs, swapped in by htmx after a change.
PANELS: dict[str, Callable[[HttpRequest, Client], dict]] = {
    "tags": _tags_context,
    "notices": _notices_context,
    "notice_form": _notice_form_context,
    "reminders": _reminders_context,
}


def _panel(name: str) -> tuple[str, Callable[[HttpRequest, Client], dict]]:
    """The template and the context of a side panel or a tab."""
    if name in PANELS:
        return f"clients/_profile_{name}.html", PANELS[name]
    tab = profile_tab(name)
    return tab.template, tab.context


def _base_context(request: HttpRequest, client: Client) -> dict:
    membership = request.membership
    return {
        "client": client,
        "can_edit": can(membership, Action.EDIT_RECORDS, client),
    }


def _render_panel(
    request: HttpRequest, client: Client, panel: str, *, oob: tuple = (), **overrides
) -> HttpResponse:
    """One panel of the profile for htmx to swap in; `oob` panels come along out of band."""
    base = _base_context(request, client)
    template, load = _panel(panel)
    html = render_to_string(
        template, {**base, **load(request, client), **overrides}, request=request
    )
    for other in oob:
        template, load = _panel(other)
        html += render_to_string(
            template, {**base, **load(request, client), "oob": True}, request=request
        )
    return HttpResponse(html)


def _render_profile(
    request: HttpRequest, client: Client, *, tab: str | None = None, **overrides
) -> HttpResponse:
    membership = request.membership
    context = _base_context(request, client)
    tabs = profile_tabs_for(membership)
    tab = tab or request.GET.get("tab")
    open_tab = next((t for t in tabs if t.name == tab), tabs[0])
    for load in PANELS.values():
        context.update(load(request, client))
    context.update(open_tab.context(request, client))  # the others load when first shown
    context.update(overrides)
    client_id = client.pk
    context.update(
        {
            "tab": open_tab.name,
            "tabs": [
                {"tab": t, "badge": t.badge(request, client) if t.badge else None} for t in tabs
            ],
            "header_panels": PROFILE_PANELS.render(request, client, slot="header"),
            "can_view_activity": can(membership, Action.VIEW_ACTIVITY),
            "can_delete": can(membership, Action.HARD_DELETE, client),
            "urls": {
                "list": url_or_none("clients:list"),
                "edit": url_or_none("clients:edit", client_id),
                "archive": url_or_none("clients:archive", client_id),
                "restore": url_or_none("clients:restore", client_id),
                "delete": url_or_none("clients:delete", client_id),
            },
            "phones": [(p, phone_display(p.number)) for p in client.phones.all()],
            "address_lines": _address_lines(client),
            "stars": [i < client.rating for i in range(5)],
            "subsidiaries": list(
                client.subsidiaries.filter(merged_into__isnull=True).order_by("sort_key", "id")[
                    :SUBSIDIARIES_SHOWN
                ]
            ),
        }
    )
    lines = context["address_lines"]
    context["map_url"] = map_url(address=", ".join(lines)) if lines else None
    return render(request, "clients/profile.html", context)


def _saved(
    request: HttpRequest,
    client: Client,
    panel: str,
    message: str,
    *,
    tab: str | None = None,
    oob: tuple = (),
) -> HttpResponse:
    if request.htmx:
        return _render_panel(request, client, panel, oob=oob, announce=message)
    messages.success(request, message)
    return redirect(next_url(request, _profile_url(client, tab)))


def _refused(
    request: HttpRequest, client: Client, panel: str, *, tab: str | None = None, **overrides
) -> HttpResponse:
    """The input was refused: the panel (or the whole profile) again, with what was typed."""
    if request.htmx:
        return _render_panel(request, client, panel, **overrides)
    return _render_profile(request, client, tab=tab, **overrides)


# --- the profile -----------------------------------------------------------------------------


@require_GET
@client_page(Action.VIEW_RECORDS)
def detail(request: HttpRequest, client: Client) -> HttpResponse:
    tab = profile_tab(request.GET.get("panel"))
    if request.htmx and tab is not None:
        if not can(request.membership, tab.action):
            raise PermissionDenied
        return _render_panel(request, client, tab.name)  # a tab shown for the first time
    return _render_profile(request, client)


# --- contacts --------------------------------------------------------------------------------


def _contact_page(request, client, form, contact=None, status=200) -> HttpResponse:
    return render(
        request,
        "clients/profile_contact.html",
        {"client": client, "form": form, "contact": contact},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@client_page(Action.EDIT_RECORDS)
def contact_new(request: HttpRequest, client: Client) -> HttpResponse:
    form = ContactForm(request.POST or None, prefix="contact")
    if request.method == "GET":
        return _contact_page(request, client, form)
    if form.is_valid():
        try:
            contact = services.contact_create(
                actor=request.membership, client=client, values=form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            message = _("Contact %(name)s added.") % {"name": contact.name}
            return _saved(request, client, "contacts", message, tab="contacts")
    if request.htmx:
        return _render_panel(request, client, "contacts", contact_form=form)
    return _contact_page(request, client, form)


@require_http_methods(["GET", "POST"])
@client_page(Action.EDIT_RECORDS)
def contact_edit(request: HttpRequest, client: Client, contact_id: int) -> HttpResponse:
    contact = _get_or_404(selectors.client_contacts(client=client), pk=contact_id)
    initial = {f: getattr(contact, f) for f in ("first_name", "last_name", "role", "email")}
    initial["phone"] = phone_display(contact.phone) if contact.phone else ""
    form = ContactForm(request.POST or None, prefix="contact", initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(
                actor=request.membership, contact=contact, values=form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Contact %(name)s saved.") % {"name": contact.name})
            return redirect(_profile_url(client, "contacts"))
    return _contact_page(request, client, form, contact)


@require_POST
@client_page(Action.EDIT_RECORDS)
def contact_primary(request: HttpRequest, client: Client, contact_id: int) -> HttpResponse:
    contact = _get_or_404(selectors.client_contacts(client=client), pk=contact_id)
    services.contact_set_primary(actor=request.membership, contact=contact)
    message = _("%(name)s is now the primary contact.") % {"name": contact.name}
    return _saved(request, client, "contacts", message, tab="contacts")


@require_POST
@client_page(Action.EDIT_RECORDS)
def contact_delete(request: HttpRequest, client: Client, contact_id: int) -> HttpResponse:
    contact = _get_or_404(selectors.client_contacts(client=client), pk=contact_id)
    name = contact.name
    try:
        services.contact_delete(actor=request.membership, contact=contact)
    except ValidationError as error:
        text = " ".join(error.messages)
        if request.htmx:
            return _render_panel(request, client, "contacts", contact_error=text)
        messages.error(request, text)
        return redirect(_profile_url(client, "contacts"))
    message = _("Contact %(name)s deleted.") % {"name": name}
    return _saved(request, client, "contacts", message, tab="contacts")


# --- tags ------------------------------------------------------------------------------------


@require_POST
@client_page(Action.EDIT_RECORDS)
def tag_add(request: HttpRequest, client: Client) -> HttpResponse:
    form = TagForm(request.POST, prefix="tag")
    if form.is_valid():
        try:
            tag = services.client_tag_add(
                actor=request.membership, client=client, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            return _saved(request, client, "tags", _("Tagged “%(tag)s”.") % {"tag": tag.name})
    return _refused(request, client, "tags", tag_form=form)


@require_POST
@client_page(Action.EDIT_RECORDS)
def tag_remove(request: HttpRequest, client: Client, tag_id: int) -> HttpResponse:
    tag = _get_or_404(selectors.tags_of_company(viewer=request.membership), pk=tag_id)
    services.client_tag_remove(actor=request.membership, client=client, tag=tag)
    message = _("Removed the tag “%(tag)s”.") % {"tag": tag.name}
    return _saved(request, client, "tags", message)


# --- reminders and notices -------------------------------------------------------------------


@require_POST
@client_page(Action.EDIT_RECORDS)
def reminder_new(request: HttpRequest, client: Client) -> HttpResponse:
    form = _reminder_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.reminder_create(
                actor=request.membership,
                client=client,
                text=data["text"],
                due_on=data["due_on"],
                assignee_id=data["assignee"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            return _saved(request, client, "reminders", _("Reminder set."))
    return _refused(request, client, "reminders", reminder_form=form)


@require_POST
@client_page(Action.EDIT_RECORDS)
def reminder_done(request: HttpRequest, client: Client, reminder_id: int) -> HttpResponse:
    reminder = _get_or_404(
        selectors.client_reminders(client=client, open_only=False), pk=reminder_id
    )
    services.reminder_set_done(actor=request.membership, reminder=reminder)
    message = _("Reminder done: %(text)s") % {"text": reminder.text}
    return _saved(request, client, "reminders", message)


@require_POST
@client_page(Action.EDIT_RECORDS)
def notice_new(request: HttpRequest, client: Client) -> HttpResponse:
    form = NoticeForm(request.POST, prefix="notice")
    if form.is_valid():
        try:
            services.notice_create(
                actor=request.membership, client=client, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            return _saved(request, client, "notice_form", _("Notice pinned."), oob=("notices",))
    return _refused(request, client, "notice_form", notice_form=form)


@require_POST
@client_page(Action.EDIT_RECORDS)
def notice_dismiss(request: HttpRequest, client: Client, notice_id: int) -> HttpResponse:
    notice = _get_or_404(Notice.objects.filter(client=client), pk=notice_id)
    services.notice_dismiss(actor=request.membership, notice=notice)
    return _saved(request, client, "notices", _("Notice dismissed."))


# --- notes and their files -------------------------------------------------------------------


@require_POST
@client_page(Action.EDIT_RECORDS)
def note_new(request: HttpRequest, client: Client) -> HttpResponse:
    form = NoteForm(request.POST, request.FILES, prefix="note")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.note_create(
                actor=request.membership,
                client=client,
                text=data["text"],
                visibility=data["visibility"],
                files=data["files"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            return _saved(request, client, "notes", _("Note added."), tab="notes")
    return _refused(request, client, "notes", tab="notes", note_form=form)


@require_POST
@client_page(Action.EDIT_RECORDS)
def note_archive(request: HttpRequest, client: Client, note_id: int) -> HttpResponse:
    note = _get_or_404(Note.objects.filter(client=client), pk=note_id)
    services.note_archive(actor=request.membership, note=note)
    return _saved(request, client, "notes", _("Note archived."), tab="notes")


@require_GET
@member_required(Action.VIEW_RECORDS)
def note_file(request: HttpRequest, client_id: int, file_id: int) -> HttpResponse:
    """A note's file, only for the office of the client's company, served like a job's files:
    a picture shown, anything else a download."""
    try:
        note_file = selectors.note_file_get(
            viewer=request.membership, client_id=client_id, file_id=file_id
        )
    except NoteFile.DoesNotExist as error:
        raise Http404 from error
    return private_file_response(
        note_file.file,
        name=note_file.name,
        content_type=note_file.content_type,
        inline=note_file.is_image,
    )


urlpatterns = [
    path("<int:client_id>/", detail, name="detail"),
    path("<int:client_id>/contacts/new/", contact_new, name="contact_new"),
    path("<int:client_id>/contacts/<int:contact_id>/edit/", contact_edit, name="contact_edit"),
    path(
        "<int:client_id>/contacts/<int:contact_id>/primary/",
        contact_primary,
        name="contact_primary",
    ),
    path(
        "<int:client_id>/contacts/<int:contact_id>/delete/", contact_delete, name="contact_delete"
    ),
    path("<int:client_id>/tags/add/", tag_add, name="tag_add"),
    path("<int:client_id>/tags/<int:tag_id>/remove/", tag_remove, name="tag_remove"),
    path("<int:client_id>/reminders/new/", reminder_new, name="reminder_new"),
    path("<int:client_id>/reminders/<int:reminder_id>/done/", reminder_done, name="reminder_done"),
    path("<int:client_id>/notices/new/", notice_new, name="notice_new"),
    path("<int:client_id>/notices/<int:notice_id>/dismiss/", notice_dismiss, name="notice_dismiss"),
    path("<int:client_id>/notes/new/", note_new, name="note_new"),
    path("<int:client_id>/notes/<int:note_id>/archive/", note_archive, name="note_archive"),
    path("<int:client_id>/files/<int:file_id>/", note_file, name="note_file"),
]
