"""Client pages: the suspected duplicates (duplicate_pairs.py), and merging two or more clients
(merging/)."""

import json
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from crewdesk.clients import duplicate_pairs, merging
from crewdesk.clients import normalize as n
from crewdesk.clients.models import Client, DuplicatePair
from crewdesk.core.decorators import member_required
from crewdesk.core.permissions import Action, can

PAIRS_PER_PAGE = 25
MSG_BAD_IDS = gettext_lazy("The clients to merge are not given as client numbers.")
MSG_CHOOSE = gettext_lazy("Choose which value to keep.")
MSG_CHOOSE_SURVIVOR = gettext_lazy("Choose the client to keep.")

# The rows of the comparison, in the order the page shows them. Address, phones and the
# primary contact are chosen as a whole.
ROWS = (
    "kind",
    "first_name",
    "last_name",
    "company_name",
    "billing_name",
    "email",
    merging.CHOICE_PHONES,
    merging.CHOICE_PRIMARY_CONTACT,
    merging.CHOICE_ADDRESS,
    "lead_source",
    "client_type",
    "rating",
    "tax_exempt",
    "tax_id",
    "newsletter",
    "preferred_contact",
    "language",
    "parent",
    "referred_by",
    "brand",
    "notes",
)
ROW_LABELS = {
    merging.CHOICE_PHONES: gettext_lazy("Phones"),
    merging.CHOICE_PRIMARY_CONTACT: gettext_lazy("Primary contact"),
    merging.CHOICE_ADDRESS: gettext_lazy("Billing address"),
}
# Rows that may keep every client's value at once, and what that option says.
ALL_LABELS = {
    merging.CHOICE_PHONES: gettext_lazy("Keep all numbers"),
    "notes": gettext_lazy("Keep all texts"),
}
BOOLEAN_FIELDS = ("tax_exempt", "newsletter")


def client_url(client_id: int) -> str:
    """The client's profile."""
    try:
        return reverse("clients:detail", args=[client_id])
    except NoReverseMatch:  # the profile pages are not mounted (yet)
        return f"/app/clients/{client_id}/"


# --- suspected duplicates ---


@member_required(Action.VIEW_RECORDS)
def duplicates(request: HttpRequest) -> HttpResponse:
    pairs = duplicate_pairs.duplicate_pairs_open(viewer=request.membership)
    page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    for pair in page:
        for client in (pair.client_a, pair.client_b):
            client.profile_url = client_url(client.pk)
            phone = client.primary_phone
            client.phone_text = n.phone_display(phone.number) if phone else ""
        pair.merge_url = f"{reverse('clients:merge')}?ids={pair.client_a_id}&ids={pair.client_b_id}"
    return render(
        request,
        "clients/duplicates.html",
        {"page": page, "can_edit": can(request.membership, Action.EDIT_RECORDS)},
    )


@member_required(Action.EDIT_RECORDS)
@require_POST
def duplicate_dismiss(request: HttpRequest, pair_id: int) -> HttpResponse:
    try:
        pair = duplicate_pairs.duplicate_pair_get(viewer=request.membership, pair_id=pair_id)
    except DuplicatePair.DoesNotExist as error:
        raise Http404 from error
    duplicate_pairs.duplicate_pair_dismiss(actor=request.membership, pair=pair)
    messages.success(
        request,
        _("%(a)s and %(b)s are no longer listed as duplicates.")
        % {"a": pair.client_a.display_name, "b": pair.client_b.display_name},
    )
    url = reverse("clients:duplicates")
    page = request.POST.get("page", "")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


# --- merge ---


@dataclass
class Option:
    value: str
    client: Client | None
    text: str
    empty: bool = False


@dataclass
class Row:
    name: str
    label: str
    options: list[Option]
    selected: str = ""
    # Without a choice made, the row keeps the survivor's value (the page's script follows a
    # change of survivor); rows defaulting to "keep all" do not follow.
    follows_survivor: bool = True
    errors: list[str] = field(default_factory=list)

    @property
    def is_choice(self) -> bool:
        """Only rows where the clients differ ask for a choice."""
        return len({o.text for o in self.client_options}) > 1

    @property
    def client_options(self) -> list[Option]:
        return [o for o in self.options if o.client is not None]

    @property
    def extra_options(self) -> list[Option]:
        return [o for o in self.options if o.client is None]


def _value_text(client: Client, name: str) -> str:
    if name == merging.CHOICE_PHONES:
        return ", ".join(n.phone_display(p.number) for p in client.phones.all())
    if name == merging.CHOICE_PRIMARY_CONTACT:
        contact = client.primary_contacts[0] if client.primary_contacts else None
        if contact is None:
            return ""
        return " · ".join(part for part in (contact.name, contact.email, contact.phone) if part)
    if name == merging.CHOICE_ADDRESS:
        lines = [getattr(client, f) for f in merging.ADDRESS_FIELDS[:-1]]
        if not any(lines):
            return ""
        return ", ".join(part for part in [*lines, client.country] if part)
    if name in BOOLEAN_FIELDS:
        return _("Yes") if getattr(client, name) else _("No")
    if name == "rating":
        return _("%(n)d of 5 stars") % {"n": client.rating} if client.rating else ""
    model_field = Client._meta.get_field(name)
    if model_field.choices:
        return getattr(client, f"get_{name}_display")() if getattr(client, name) else ""
    value = getattr(client, name)
    return str(value) if value else ""


def _row_label(name: str) -> str:
    if name in ROW_LABELS:
        return str(ROW_LABELS[name])
    return str(Client._meta.get_field(name).verbose_name).capitalize()


def _rows(clients: list[Client], survivor_id: int, posted: dict | None) -> list[Row]:
    rows = []
    for name in ROWS:
        options = [
            Option(str(c.pk), c, text, not text) for c in clients for text in [_value_text(c, name)]
        ]
        if all(o.empty for o in options):
            continue
        row = Row(name, _row_label(name), options)
        non_empty = [o for o in options if not o.empty]
        if name in ALL_LABELS and len({o.text for o in non_empty}) > 1:
            row.options.append(Option(merging.CHOICE_ALL, None, str(ALL_LABELS[name])))
            row.selected, row.follows_survivor = merging.CHOICE_ALL, False
        else:
            own = next((o for o in non_empty if o.value == str(survivor_id)), None)
            row.selected = (own or non_empty[0]).value
        if posted is not None and row.is_choice:
            chosen = posted.get(f"choice_{name}", "")
            if chosen in {o.value for o in row.options}:
                row.selected = chosen
            else:
                row.errors.append(str(MSG_CHOOSE))
        rows.append(row)
    return rows


def _kinds(counts: dict[int, dict[str, int]]) -> list[str]:
    found = {kind for per_client in counts.values() for kind in per_client}
    known = [k for k in merging.KIND_LABELS if k in found]
    return known + sorted(found - set(known))


def _show_service_error(error: ValidationError, rows: list[Row]) -> list[str]:
    """Put each message on its row; answer the ones that belong to no row."""
    by_name = {row.name: row for row in rows if row.is_choice}
    general = []
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    for name, errors in error.message_dict.items():
        if name in merging.ADDRESS_FIELDS:
            name = merging.CHOICE_ADDRESS
        row = by_name.get(name)
        if row is None and name == "email":
            row = by_name.get(merging.CHOICE_PHONES)
        if row is not None:
            row.errors.extend(errors)
        else:
            general.extend(errors)
    return general


@member_required(Action.EDIT_RECORDS)
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest) -> HttpResponse:
    """Compare clients side by side, choose the one to keep and its values, and merge."""
    try:
        ids = [int(value) for value in request.GET.getlist("ids")]
    except ValueError:
        return render(request, "clients/merge_error.html", {"errors": [MSG_BAD_IDS]}, status=400)
    try:
        clients = merging.merge_clients_get(viewer=request.membership, ids=ids)
    except Client.DoesNotExist as error:
        raise Http404 from error
    except ValidationError as error:
        return render(request, "clients/merge_error.html", {"errors": error.messages}, status=400)

    by_id = {str(c.pk): c for c in clients}
    posted = request.POST if request.method == "POST" else None
    errors: list[str] = []
    wanted = (posted or request.GET).get("survivor", "")
    if wanted not in by_id:
        if posted is not None:
            errors.append(str(MSG_CHOOSE_SURVIVOR))
        wanted = str(clients[0].pk)
    survivor = by_id[wanted]
    rows = _rows(clients, survivor.pk, posted)

    if posted is not None and not errors and not any(row.errors for row in rows):
        choices = {row.name: row.selected for row in rows if row.is_choice}
        others = [c for c in clients if c.pk != survivor.pk]
        try:
            survivor = merging.client_merge(
                actor=request.membership, survivor=survivor, others=others, choices=choices
            )
        except ValidationError as error:
            errors = _show_service_error(error, rows)
        else:
            messages.success(
                request,
                _("Merged %(merged)s into %(name)s.")
                % {
                    "merged": ", ".join(c.display_name for c in others),
                    "name": survivor.display_name,
                },
            )
            return redirect(client_url(survivor.pk))

    counts = merging.merge_related_counts(clients)
    kinds = _kinds(counts)
    for client in clients:
        client.profile_url = client_url(client.pk)
        client.counts_json = json.dumps(counts[client.pk])
        client.count_items = [
            (merging.kind_label(kind), counts[client.pk][kind])
            for kind in kinds
            if counts[client.pk].get(kind)
        ]
    summary = [
        {
            "kind": kind,
            "label": merging.kind_label(kind),
            "count": sum(counts[c.pk].get(kind, 0) for c in clients if c.pk != survivor.pk),
        }
        for kind in kinds
    ]
    return render(
        request,
        "clients/merge.html",
        {
            "clients": clients,
            "survivor": survivor,
            "rows": rows,
            "has_choices": any(row.is_choice for row in rows),
            "same_rows": [row for row in rows if not row.is_choice],
            "errors": errors,
            "summary": summary,
            "has_moves": any(item["count"] for item in summary),
            "columns": len(clients),
        },
        status=400 if errors or any(row.errors for row in rows) else 200,
    )


urlpatterns = [
    path("duplicates/", duplicates, name="duplicates"),
    path("duplicates/<int:pair_id>/dismiss/", duplicate_dismiss, name="duplicate_dismiss"),
    path("merge/", merge, name="merge"),
]
