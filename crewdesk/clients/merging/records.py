"""Moving what merged clients have to the survivor: contacts, notes, tags, reminders, notices,
portal users, subsidiaries and referrals, and every record of a later app that points to a
client (found through the model's relations, so properties, jobs, invoices and payments move
without this module knowing them); and counting them for the merge page."""

from collections.abc import Iterable, Sequence

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalChanges

from crewdesk.accounts.models import Membership
from crewdesk.clients.indexing import client_index_refresh, client_match_keys, tokens_for
from crewdesk.clients.merging.choices import phones_of
from crewdesk.clients.models import (
    Client,
    ClientMatchKey,
    ClientPhone,
    ClientTag,
    ClientToken,
    Contact,
    DuplicatePair,
    Note,
    NoteFile,
    Notice,
    Reminder,
)

MSG_CONFLICT = gettext_lazy(
    "Some %(records)s of these clients cannot be moved together. Merge them by hand first."
)

# Kinds of record a merge moves, by the key used in the activity log and the summary.
KIND_LABELS = {
    "contacts": gettext_lazy("contacts"),
    "notes": gettext_lazy("notes"),
    "files": gettext_lazy("files"),
    "tags": gettext_lazy("tags"),
    "reminders": gettext_lazy("reminders"),
    "notices": gettext_lazy("notices"),
    "portal_users": gettext_lazy("portal users"),
    "subsidiaries": gettext_lazy("subsidiaries"),
    "referrals": gettext_lazy("referrals"),
}

# Relations to Client this module handles itself (or must leave alone); every other one is
# moved generically.
_HANDLED = {
    (ClientPhone, "client"),  # copied by the "phones" choice; the merged row keeps its own
    (Contact, "client"),
    (ClientTag, "client"),
    (Note, "client"),
    (Reminder, "client"),
    (Notice, "client"),
    (Membership, "client"),
    (Client, "parent"),
    (Client, "referred_by"),
    (Client, "merged_into"),
    (ClientToken, "client"),
    (ClientMatchKey, "client"),
    (DuplicatePair, "client_a"),
    (DuplicatePair, "client_b"),
}


def other_relations() -> list[models.ForeignObjectRel]:
    """Every relation to Client from any model of the project that a merge moves generically:
    records of later apps (properties, jobs, invoices, payments...). History rows are left as
    they were written."""
    relations = []
    for relation in Client._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or not relation.is_relation:
            continue
        model = relation.related_model
        if (model, relation.field.name) in _HANDLED or issubclass(model, HistoricalChanges):
            continue
        if relation.many_to_many:
            continue  # moved through its intermediate model, which has its own relation
        relations.append(relation)
    return relations


def _kind_of(relation: models.ForeignObjectRel) -> str:
    return relation.related_model._meta.label_lower


def kind_label(kind: str) -> str:
    """Words for a kind of record in the merge summary ("contacts", "invoices")."""
    if kind in KIND_LABELS:
        return str(KIND_LABELS[kind])
    try:
        return str(apps.get_model(kind)._meta.verbose_name_plural)
    except (LookupError, ValueError):
        return kind


def merge_related_counts(clients: Sequence[Client]) -> dict[int, dict[str, int]]:
    """What each client has that a merge would move, by kind: {client id: {kind: count}}.
    A fixed number of queries whatever the number of records."""
    ids = [c.pk for c in clients]
    counts: dict[int, dict[str, int]] = {pk: {} for pk in ids}

    def add(kind: str, rows: Iterable[tuple[int, int]]) -> None:
        for client_id, count in rows:
            if count:
                counts[client_id][kind] = count

    def grouped(queryset: QuerySet, column: str = "client_id") -> Iterable[tuple[int, int]]:
        return queryset.values_list(column).annotate(n=Count("pk")).order_by()

    add("contacts", grouped(Contact.objects.filter(client_id__in=ids)))
    add("notes", grouped(Note.objects.filter(client_id__in=ids)))
    add("files", grouped(NoteFile.objects.filter(note__client_id__in=ids), "note__client_id"))
    add("tags", grouped(ClientTag.objects.filter(client_id__in=ids)))
    add("reminders", grouped(Reminder.objects.filter(client_id__in=ids)))
    add("notices", grouped(Notice.objects.filter(client_id__in=ids)))
    add("portal_users", grouped(Membership.objects.filter(client_id__in=ids)))
    add(
        "subsidiaries",
        grouped(Client.objects.filter(parent_id__in=ids).exclude(pk__in=ids), "parent_id"),
    )
    add(
        "referrals",
        grouped(
            Client.objects.filter(referred_by_id__in=ids).exclude(pk__in=ids), "referred_by_id"
        ),
    )
    for relation in other_relations():
        column = relation.field.attname
        model = relation.related_model
        add(
            _kind_of(relation),
            grouped(model._base_manager.filter(**{f"{column}__in": ids}), column),
        )
    return counts


def move_contacts(survivor: Client, merged: list[Client], primary_from: int | None) -> dict:
    """Contacts join the survivor; exactly one primary remains: the one of the chosen client,
    else the survivor's, else the first merged client's."""
    ids = [survivor.pk, *(c.pk for c in merged)]
    primaries = dict(
        Contact.objects.filter(client_id__in=ids, is_primary=True).values_list("client_id", "pk")
    )
    order = ([primary_from] if primary_from else []) + ids
    keep = next((primaries[i] for i in order if i in primaries), None)
    Contact.objects.filter(client_id__in=ids, is_primary=True).exclude(pk=keep).update(
        is_primary=False
    )
    moved = {}
    for client in merged:
        moved[client.pk] = Contact.objects.filter(client=client).update(client=survivor)
    return moved


def _move_tags(survivor: Client, client: Client) -> int:
    """The survivor gets the union of the tags; returns how many tags the merged client had."""
    has = set(ClientTag.objects.filter(client=survivor).values_list("tag_id", flat=True))
    links = ClientTag.objects.filter(client=client)
    count = links.count()
    links.filter(tag_id__in=has).delete()
    links.update(client=survivor)
    return count


def _move_generic(relation: models.ForeignObjectRel, survivor: Client, client: Client) -> int:
    model = relation.related_model
    rows = model._base_manager.filter(**{relation.field.name: client})
    if (
        relation.one_to_one
        and model._base_manager.filter(**{relation.field.name: survivor}).exists()
    ):
        return 0  # the survivor has its own; the merged client keeps this one
    try:
        with transaction.atomic():  # a savepoint: a clash is a clear error, not a broken merge
            return rows.update(**{relation.field.name: survivor})
    except IntegrityError:
        raise ValidationError(MSG_CONFLICT % {"records": model._meta.verbose_name_plural}) from None


# Later apps add a function (survivor, merged client) here that clears what would clash when
# their rows move generically (say a job naming both clients); see jobs/services.py.
MERGE_PREPARERS: list = []


def move_records(survivor: Client, client: Client, involved: set[int]) -> dict[str, int]:
    """Everything of one merged client moves to the survivor; returns the counts by kind."""
    moved = {
        "notes": Note.objects.filter(client=client).count(),
        "files": NoteFile.objects.filter(note__client=client).count(),
    }
    Note.objects.filter(client=client).update(client=survivor)
    moved["tags"] = _move_tags(survivor, client)
    moved["reminders"] = Reminder.objects.filter(client=client).update(client=survivor)
    moved["notices"] = Notice.objects.filter(client=client).update(client=survivor)
    moved["portal_users"] = Membership.objects.filter(client=client).update(client=survivor)
    # Other clients pointing to it; merged clients keep their own values.
    children = Client.objects.filter(merged_into__isnull=True).exclude(pk__in=involved)
    moved["subsidiaries"] = children.filter(parent=client).update(parent=survivor)
    moved["referrals"] = children.filter(referred_by=client).update(referred_by=survivor)
    for prepare in MERGE_PREPARERS:
        prepare(survivor=survivor, merged=client)
    for relation in other_relations():
        moved[_kind_of(relation)] = _move_generic(relation, survivor, client)
    return moved


def index_survivor(survivor: Client, merged: list[Client]) -> None:
    """The survivor's search words and match keys, plus those of the merged clients: a search
    for a merged client's email or phone finds the survivor."""
    for client in merged:
        client_index_refresh(client)  # removes the merged client's own rows
    client_index_refresh(survivor)
    tokens = set(ClientToken.objects.filter(client=survivor).values_list("token", flat=True))
    keys = set(ClientMatchKey.objects.filter(client=survivor).values_list("key", flat=True))
    new_tokens, new_keys = set(), set()
    for client in merged:
        numbers = [number for _kind, number in phones_of(client)]
        new_tokens |= tokens_for(client, numbers)
        new_keys |= client_match_keys(client, numbers)
    ClientToken.objects.bulk_create(
        ClientToken(company_id=survivor.company_id, token=t, client=survivor)
        for t in sorted(new_tokens - tokens)
    )
    ClientMatchKey.objects.bulk_create(
        ClientMatchKey(company_id=survivor.company_id, key=k, client=survivor)
        for k in sorted(new_keys - keys)
    )
