"""Merging two or more clients into one: the survivor keeps the values the office chose and
gets everything of the others; the merged-away clients keep their own values, archived and
pointing to the survivor, so nothing is lost. One activity entry per merged client."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy

from crewdesk.accounts.models import Membership
from crewdesk.clients import events, services
from crewdesk.clients.duplicate_pairs import duplicate_pairs_merge, duplicate_pairs_refresh_for
from crewdesk.clients.indexing import sort_key_for
from crewdesk.clients.merging.choices import MERGE_FIELDS, merge_plan, phones_of
from crewdesk.clients.merging.records import index_survivor, move_contacts, move_records
from crewdesk.clients.models import Client, ClientPhone, Contact
from crewdesk.clients.validation import validate_client_fields
from crewdesk.core.changes import log_value
from crewdesk.core.permissions import Action, require
from crewdesk.core.records import MAX_ID

MERGE_MAX_CLIENTS = 5

MSG_TOO_FEW = gettext_lazy("Choose at least two clients to merge.")
MSG_TOO_MANY = gettext_lazy("Merge at most %(max)d clients at a time.")
MSG_ALREADY_MERGED = gettext_lazy("“%(name)s” was already merged into “%(survivor)s”.")
MSG_SURVIVOR_IN_OTHERS = gettext_lazy("The client you keep cannot also be merged away.")


def merge_clients_get(*, viewer: Membership, ids: Sequence[int]) -> list[Client]:
    """The clients a merge page compares, in the order asked. Raises Client.DoesNotExist when
    an id is not a client of the member's company (the page answers 404), ValidationError when
    the selection cannot be merged (too few, too many, already merged)."""
    require(viewer, Action.VIEW_RECORDS)
    ids = list(dict.fromkeys(ids))
    if len(ids) < 2:
        raise ValidationError(MSG_TOO_FEW)
    if len(ids) > MERGE_MAX_CLIENTS:
        raise ValidationError(MSG_TOO_MANY % {"max": MERGE_MAX_CLIENTS})
    if not all(1 <= i <= MAX_ID for i in ids):
        raise Client.DoesNotExist  # no client has it (and SQLite cannot even be asked)
    found = {
        c.pk: c
        for c in Client.objects.filter(company_id=viewer.company_id, pk__in=ids)
        .select_related("parent", "referred_by", "brand", "merged_into")
        .prefetch_related(
            Prefetch("phones", queryset=ClientPhone.objects.order_by("position", "id")),
            Prefetch(
                "contacts",
                queryset=Contact.objects.filter(is_primary=True),
                to_attr="primary_contacts",
            ),
        )
    }
    if len(found) != len(ids):
        raise Client.DoesNotExist
    clients = [found[i] for i in ids]
    _refuse_merged(clients)
    return clients


def _refuse_merged(clients: Iterable[Client]) -> None:
    for client in clients:
        if client.merged_into_id:
            raise ValidationError(
                MSG_ALREADY_MERGED
                % {"name": client.display_name, "survivor": client.merged_into.display_name}
            )


def _snapshot(client: Client) -> dict:
    """A client's merge fields as the activity log shows them."""
    values = {name: log_value(getattr(client, name)) for name in MERGE_FIELDS}
    values["phones"] = [number for _kind, number in phones_of(client)]
    values["tags"] = services.client_tag_names(client=client)
    return values


@transaction.atomic
def client_merge(
    *, actor: Membership, survivor: Client, others: Sequence[Client], choices: dict
) -> Client:
    """Merge `others` into `survivor`. `choices` says, per field, which client's value the
    survivor keeps ({field: client id}); fields not named keep the survivor's value. Besides
    the client fields: "address" (the whole billing address), "phones" (a client id, or "all"
    for every number), "notes" may be "all" (every text), "primary_contact" (the client whose
    primary contact stays primary). Raises PermissionDenied or ValidationError."""
    require(actor, Action.EDIT_RECORDS, survivor)
    for client in others:
        require(actor, Action.EDIT_RECORDS, client)
    other_ids = list(dict.fromkeys(c.pk for c in others))
    if survivor.pk in other_ids:
        raise ValidationError(MSG_SURVIVOR_IN_OTHERS)
    if not other_ids:
        raise ValidationError(MSG_TOO_FEW)
    if len(other_ids) + 1 > MERGE_MAX_CLIENTS:
        raise ValidationError(MSG_TOO_MANY % {"max": MERGE_MAX_CLIENTS})
    # Lock in id order, so two merges of overlapping clients wait for each other.
    locked = {
        c.pk: c
        for c in Client.objects.select_for_update()
        .filter(company_id=actor.company_id, pk__in=[survivor.pk, *other_ids])
        .order_by("pk")
    }
    if len(locked) != len(other_ids) + 1:
        raise PermissionDenied
    survivor = locked[survivor.pk]
    merged = [locked[pk] for pk in other_ids]
    for client in [survivor, *merged]:
        if client.merged_into_id:
            raise ValidationError(
                MSG_ALREADY_MERGED
                % {"name": client.display_name, "survivor": client.merged_into.display_name}
            )

    plan = merge_plan(survivor, [survivor, *merged], choices)
    before = _snapshot(survivor)
    for name, value in plan.fields.items():
        setattr(survivor, name, value)
    validate_client_fields(
        {name: getattr(survivor, name) for name in services.CLIENT_FIELDS}, plan.phones
    )

    services.client_tree_lock(company_id=actor.company_id)  # subsidiaries change parent below
    moved_contacts = move_contacts(survivor, merged, plan.primary_contact_client)
    moved = {
        client.pk: {
            "contacts": moved_contacts[client.pk],
            **move_records(survivor, client, set(locked)),
        }
        for client in merged
    }
    # The merged clients' subsidiaries are now the survivor's: its parent may be one of them.
    if survivor.parent_id:
        parent = Client.objects.get(pk=survivor.parent_id)
        loop = services.client_parent_error(client_id=survivor.pk, parent=parent)
        if loop:
            raise ValidationError({"parent": [loop]})

    survivor.sort_key = sort_key_for(survivor)
    survivor.full_clean(exclude=["company", "created_by", "sort_key", "merged_into"])
    survivor.save()
    if plan.phones != phones_of(survivor):
        services.client_phones_set(client=survivor, phones=plan.phones)
    now = timezone.now()
    for client in merged:
        client.merged_into = survivor
        client.archived_at = client.archived_at or now
        client.save(update_fields=["merged_into", "archived_at", "updated_at"])

    index_survivor(survivor, merged)
    duplicate_pairs_merge(survivor, merged)
    duplicate_pairs_refresh_for(survivor)
    after = _snapshot(survivor)
    for client in merged:
        events.client_merged_event(
            actor=actor,
            survivor=survivor,
            merged=client,
            before=before,
            after=after,
            moved=moved[client.pk],
        )
    return survivor
