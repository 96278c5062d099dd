"""Duplicate clients: the suspected pairs the office reviews, and merging two or more clients
into one.

Pairs are kept in DuplicatePair: refreshed for one client whenever it is saved
(`duplicate_pairs_refresh_for`) and rebuilt for a whole company by a scan that is linear in the
number of clients (`duplicate_pairs_rebuild`, behind `crewdesk find_duplicates`).

A merge (`client_merge`) keeps one client, the survivor, and moves everything of the others to
it: contacts, notes, tags, reminders, notices, portal users, subsidiaries and referrals, and
every record of a later app that points to a client (found through the model's relations, so
properties, jobs, invoices and payments move without this module knowing them). The merged-away
clients keep their own field values, archived and pointing to the survivor, so nothing is lost.
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalChanges

from crewdesk.accounts.models import Membership
from crewdesk.clients import duplicates, services
from crewdesk.clients.events import Verb
from crewdesk.clients.indexing import (
    client_index_refresh,
    client_match_keys,
    sort_key_for,
    tokens_for,
)
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
from crewdesk.clients.validation import validate_client_fields
from crewdesk.core.events import activity_record
from crewdesk.core.models import Activity
from crewdesk.core.permissions import Action, require
from crewdesk.core.records import MAX_ID

REBUILD_CHUNK = 1000
# How many suspected duplicates one client may have in the list; more says the data is odd,
# not that the office should review hundreds of pairs for one client.
PAIRS_PER_CLIENT = 50
MERGE_MAX_CLIENTS = 5

# Choices that are not a client field.
CHOICE_PHONES = "phones"
CHOICE_ADDRESS = "address"
CHOICE_PRIMARY_CONTACT = "primary_contact"
CHOICE_ALL = "all"  # phones: keep every number; internal notes: keep every text
ADDRESS_FIELDS = ("street", "street2", "city", "region", "postal_code", "country")
RELATION_FIELDS = tuple(services.CLIENT_RELATIONS)  # parent, referred_by, brand
MERGE_FIELDS = services.CLIENT_FIELDS + RELATION_FIELDS

MSG_TOO_FEW = gettext_lazy("Choose at least two clients to merge.")
MSG_TOO_MANY = gettext_lazy("Merge at most %(max)d clients at a time.")
MSG_ALREADY_MERGED = gettext_lazy("“%(name)s” was already merged into “%(survivor)s”.")
MSG_SURVIVOR_IN_OTHERS = gettext_lazy("The client you keep cannot also be merged away.")
MSG_BAD_SOURCE = gettext_lazy("Choose one of the clients being merged.")
MSG_UNKNOWN_FIELD = gettext_lazy("This is not a field a merge can choose.")
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


# --- suspected duplicate pairs ---


def _ordered(one: int, other: int) -> tuple[int, int]:
    return (one, other) if one < other else (other, one)


def duplicate_pairs_refresh_for(client: Client) -> None:
    """Bring the suspected pairs of one client up to date after it changed: new pairs appear,
    scores follow, pairs that no longer look alike go. A dismissed pair stays dismissed."""
    pairs = DuplicatePair.objects.filter(Q(client_a=client) | Q(client_b=client))
    if client.merged_into_id:
        pairs.filter(dismissed_at__isnull=True).delete()
        return
    found = {
        _ordered(client.pk, c.client.pk): (c.score, c.reasons)
        for c in duplicates.find_duplicates(
            client.company_id,
            duplicates.ClientDraft.of(client),
            exclude=[client.pk],
            min_score=duplicates.BLOCK_SCORE,
            limit=PAIRS_PER_CLIENT,
        )
    }
    existing = {(p.client_a_id, p.client_b_id): p for p in pairs}
    stale = [p.pk for key, p in existing.items() if key not in found and p.dismissed_at is None]
    if stale:
        DuplicatePair.objects.filter(pk__in=stale).delete()
    _pairs_upsert(client.company_id, found)


def _pairs_upsert(company_id: int, found: dict[tuple[int, int], tuple[int, list[str]]]) -> None:
    """Insert new pairs, update the score and reasons of known ones (keeping their dismissal).
    One statement, safe when two saves find the same pair at once."""
    if not found:
        return
    now = timezone.now()
    DuplicatePair.objects.bulk_create(
        [
            DuplicatePair(
                company_id=company_id,
                client_a_id=a,
                client_b_id=b,
                score=score,
                reasons=reasons,
                found_at=now,
            )
            for (a, b), (score, reasons) in sorted(found.items())
        ],
        update_conflicts=True,
        unique_fields=["client_a", "client_b"],
        update_fields=["score", "reasons", "found_at"],
    )


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


# A key held by more clients than this (a common name's sound) says little during a full scan.
HOT_KEY_LIMIT = 300


_DRAFT_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "company_name",
    "email",
    "street",
    "postal_code",
)


def _drafts(clients: QuerySet[Client]) -> dict[int, duplicates.ClientDraft]:
    """`ClientDraft.of` for many clients in two queries, without building model instances:
    a full scan reads every client once and each of its candidates."""
    rows = list(clients.values_list(*_DRAFT_FIELDS))
    phones: dict[int, list[str]] = defaultdict(list)
    for batch in _batched([row[0] for row in rows], 900):
        for client_id, number in (
            ClientPhone.objects.filter(client_id__in=batch)
            .order_by("client_id", "position", "id")
            .values_list("client_id", "number")
        ):
            phones[client_id].append(number)
    return {
        pk: duplicates.ClientDraft(
            first_name=first,
            last_name=last,
            company_name=company,
            emails=[email] if email else [],
            phones=phones[pk],
            street=street,
            postal_code=postal_code,
        )
        for pk, first, last, company, email, street, postal_code in rows
    }


class _KeyIndex:
    """Which clients hold each match key, read for many clients at once. A key held by more
    than MAX_CANDIDATES clients says little (a common name's sound): like `find_duplicates`,
    only its first clients are candidates, and they are remembered for the next chunks."""

    def __init__(self, company_id: int) -> None:
        self.company_id = company_id
        self.hot: dict[str, list[int]] = {}

    def holders(self, keys: set[str]) -> dict[str, list[int]]:
        result: dict[str, list[int]] = defaultdict(list)
        cold = sorted(keys - self.hot.keys())
        for batch in _batched(cold, 500):
            held = ClientMatchKey.objects.filter(company_id=self.company_id, key__in=batch)
            hot = set(
                held.values("key")
                .annotate(n=Count("id"))
                .filter(n__gt=HOT_KEY_LIMIT)
                .values_list("key", flat=True)
            )
            for key in hot:
                self.hot[key] = list(
                    ClientMatchKey.objects.filter(company_id=self.company_id, key=key)
                    .order_by("client_id")
                    .values_list("client_id", flat=True)[:HOT_KEY_LIMIT]
                )
            for key, client_id in held.exclude(key__in=hot).values_list("key", "client_id"):
                result[key].append(client_id)
        for key in keys & self.hot.keys():
            result[key] = self.hot[key]
        return result


def _pairs_of_chunk(
    company_id: int, drafts: dict[int, duplicates.ClientDraft], index: _KeyIndex
) -> dict[tuple[int, int], tuple[int, list[str]]]:
    """The pairs of each client of the chunk with the clients before it: what
    `duplicates.find_duplicates` found when each was saved, in a few queries for the chunk.
    Looking back only scores each pair once (the keys match both ways)."""
    keys = {pk: duplicates.draft_keys(d) for pk, d in drafts.items() if not d.is_empty}
    holders = index.holders(set().union(*keys.values()) if keys else set())
    candidates: dict[int, list[int]] = {}
    for pk, own_keys in keys.items():
        # Ranked as duplicates.candidate_ids ranks them: the most (and strongest) keys first.
        weight: Counter[int] = Counter()
        for key in own_keys:
            for other in holders.get(key, ()):
                if other < pk:
                    weight[other] += duplicates.KEY_WEIGHT.get(key.split(":", 1)[0], 1)
        ranked = sorted(weight.items(), key=lambda item: (-item[1], -item[0]))
        candidates[pk] = [other for other, _weight in ranked[: duplicates.SCORED]]
    others = {i for ids in candidates.values() for i in ids} - drafts.keys()
    known = dict(drafts)
    for batch in _batched(sorted(others), 900):
        known.update(
            _drafts(
                Client.objects.filter(company_id=company_id, pk__in=batch, merged_into__isnull=True)
            )
        )
    found: dict[tuple[int, int], tuple[int, list[str]]] = {}
    for pk, ids in candidates.items():
        scored = []
        for other in ids:
            if other in known:
                score, reasons = duplicates.score(drafts[pk], known[other])
                if score >= duplicates.BLOCK_SCORE:
                    scored.append((score, other, reasons))
        scored.sort(key=lambda s: (-s[0], s[1]))
        for score, other, reasons in scored[:PAIRS_PER_CLIENT]:
            found[(other, pk)] = (score, reasons)
    return found


def duplicate_pairs_rebuild(
    company_id: int, progress: Callable[[int, int], None] | None = None
) -> int:
    """Scan every client of a company for suspected duplicates and rebuild its pairs; answers
    how many pairs are open. Linear in the number of clients: each chunk of REBUILD_CHUNK
    clients looks up its match keys at once, never all pairs. `progress(done, total)` is called
    after each chunk. Dismissed pairs stay dismissed; open pairs not found again are removed."""
    started = timezone.now()
    clients = Client.objects.filter(company_id=company_id, merged_into__isnull=True)
    total = clients.count()
    index = _KeyIndex(company_id)
    done, last_id = 0, 0
    while True:
        chunk = _drafts(clients.filter(pk__gt=last_id).order_by("pk")[:REBUILD_CHUNK])
        if not chunk:
            break
        last_id = max(chunk)
        found = _pairs_of_chunk(company_id, chunk, index)
        for batch in _batched(found.items(), 500):
            _pairs_upsert(company_id, dict(batch))
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    DuplicatePair.objects.filter(
        company_id=company_id, dismissed_at__isnull=True, found_at__lt=started
    ).delete()
    return DuplicatePair.objects.filter(company_id=company_id, dismissed_at__isnull=True).count()


def duplicate_pairs_open(actor: Membership) -> QuerySet[DuplicatePair]:
    """The suspected pairs still to review, best first, with what a row of the list shows."""
    require(actor, Action.VIEW_RECORDS)
    phones = ClientPhone.objects.order_by("position", "id")
    return (
        DuplicatePair.objects.filter(
            company_id=actor.company_id,
            dismissed_at__isnull=True,
            client_a__merged_into__isnull=True,
            client_b__merged_into__isnull=True,
        )
        .select_related("client_a", "client_b")
        .prefetch_related(
            Prefetch("client_a__phones", queryset=phones),
            Prefetch("client_b__phones", queryset=phones),
        )
        .order_by("-score", "id")
    )


def duplicate_pair_get(actor: Membership, pair_id: int) -> DuplicatePair:
    """A pair of the member's company, or DoesNotExist."""
    require(actor, Action.VIEW_RECORDS)
    return DuplicatePair.objects.select_related("client_a", "client_b").get(
        company_id=actor.company_id, pk=pair_id
    )


def duplicate_pairs_open_count(actor: Membership) -> int:
    """How many pairs wait for review (the data-quality page shows it)."""
    return duplicate_pairs_open(actor).count()


@transaction.atomic
def duplicate_pair_dismiss(actor: Membership, pair: DuplicatePair) -> DuplicatePair:
    """The office says the two are different clients: the pair leaves the list, and neither a
    later save nor a full scan brings it back."""
    require(actor, Action.EDIT_RECORDS, pair)
    if pair.dismissed_at is None:
        pair.dismissed_at = timezone.now()
        pair.dismissed_by = actor.user
        pair.save(update_fields=["dismissed_at", "dismissed_by"])
    return pair


# --- merge ---


def merge_clients_get(actor: Membership, ids: Sequence[int]) -> list[Client]:
    """The clients a merge page compares, in the order asked. Raises Client.DoesNotExist when
    an id is not a client of the member's company (the page answers 404), ValidationError when
    the selection cannot be merged (too few, too many, already merged)."""
    require(actor, Action.VIEW_RECORDS)
    ids = list(dict.fromkeys(ids))
    if len(ids) < 2:
        raise ValidationError(MSG_TOO_FEW)
    if len(ids) > MERGE_MAX_CLIENTS:
        raise ValidationError(MSG_TOO_MANY % {"max": MERGE_MAX_CLIENTS})
    if not all(1 <= i <= MAX_ID for i in ids):
        raise Client.DoesNotExist  # no client has it (and SQLite cannot even be asked)
    found = {
        c.pk: c
        for c in Client.objects.filter(company_id=actor.company_id, pk__in=ids)
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


def _other_relations() -> list[models.ForeignObjectRel]:
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
    for relation in _other_relations():
        column = relation.field.attname
        model = relation.related_model
        add(
            _kind_of(relation),
            grouped(model._base_manager.filter(**{f"{column}__in": ids}), column),
        )
    return counts


@dataclass
class _Plan:
    """The survivor's new values, worked out from the choices before anything is written."""

    fields: dict
    phones: list[tuple[str, str]]
    primary_contact_client: int | None


def _source(choice, by_id: dict[int, Client], field: str) -> Client:
    try:
        return by_id[int(choice)]
    except (KeyError, ValueError, TypeError):
        raise ValidationError({field: [MSG_BAD_SOURCE]}) from None


def _phones_of(client: Client) -> list[tuple[str, str]]:
    return [(p.kind, p.number) for p in client.phones.order_by("position", "id")]


def _plan(survivor: Client, clients: list[Client], choices: dict) -> _Plan:
    by_id = {c.pk: c for c in clients}
    merged_ids = {c.pk for c in clients} - {survivor.pk}
    fields: dict = {}
    phones = _phones_of(survivor)
    primary_from = None
    for name, choice in choices.items():
        if name == CHOICE_PHONES:
            if choice == CHOICE_ALL:
                phones, seen = [], set()
                for client in clients:  # the survivor first
                    for kind, number in _phones_of(client):
                        if number not in seen:
                            seen.add(number)
                            phones.append((kind, number))
            else:
                phones = _phones_of(_source(choice, by_id, name))
        elif name == CHOICE_PRIMARY_CONTACT:
            primary_from = _source(choice, by_id, name).pk
        elif name == CHOICE_ADDRESS:
            source = _source(choice, by_id, name)
            fields.update({f: getattr(source, f) for f in ADDRESS_FIELDS})
        elif name == "notes" and choice == CHOICE_ALL:
            texts = [c.notes.strip() for c in clients if c.notes.strip()]
            fields["notes"] = "\n\n".join(dict.fromkeys(texts))
        elif name in RELATION_FIELDS:
            fields[f"{name}_id"] = getattr(_source(choice, by_id, name), f"{name}_id")
        elif name in MERGE_FIELDS:
            fields[name] = getattr(_source(choice, by_id, name), name)
        else:
            raise ValidationError({name: [MSG_UNKNOWN_FIELD]})
    # A pointer to a client being merged would point to the survivor: to itself.
    for name in ("parent", "referred_by"):
        value = fields.get(f"{name}_id", getattr(survivor, f"{name}_id"))
        if value in merged_ids or value == survivor.pk:
            fields[f"{name}_id"] = None
    return _Plan(fields, phones, primary_from)


def _snapshot(client: Client) -> dict:
    """A client's merge fields as the activity log shows them."""
    values = {name: services._value_for_log(getattr(client, name)) for name in MERGE_FIELDS}
    values["phones"] = [number for _kind, number in _phones_of(client)]
    values["tags"] = services.client_tag_names(client)
    return values


def _move_contacts(survivor: Client, merged: list[Client], primary_from: int | None) -> dict:
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


def _move_records(survivor: Client, client: Client, involved: set[int]) -> dict[str, int]:
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
        prepare(survivor, client)
    for relation in _other_relations():
        moved[_kind_of(relation)] = _move_generic(relation, survivor, client)
    return moved


def _move_pairs(survivor: Client, merged: list[Client]) -> None:
    """Pairs between the merged clients go; a pair of a merged client with a third client
    becomes the survivor's (a dismissal is kept), then the survivor's pairs are refreshed."""
    involved = {survivor.pk, *(c.pk for c in merged)}
    merged_ids = involved - {survivor.pk}
    pairs = DuplicatePair.objects.filter(
        Q(client_a_id__in=merged_ids) | Q(client_b_id__in=merged_ids)
    )
    pairs.filter(client_a_id__in=involved, client_b_id__in=involved).delete()
    survivors = {
        (p.client_a_id, p.client_b_id): p
        for p in DuplicatePair.objects.filter(Q(client_a=survivor) | Q(client_b=survivor))
    }
    for pair in list(pairs):
        other = pair.client_b_id if pair.client_a_id in merged_ids else pair.client_a_id
        key = _ordered(survivor.pk, other)
        kept = survivors.get(key)
        if kept is None:
            pair.client_a_id, pair.client_b_id = key
            pair.save(update_fields=["client_a", "client_b"])
            survivors[key] = pair
        else:
            if pair.dismissed_at and not kept.dismissed_at:
                kept.dismissed_at, kept.dismissed_by_id = pair.dismissed_at, pair.dismissed_by_id
                kept.save(update_fields=["dismissed_at", "dismissed_by"])
            pair.delete()


def _index_survivor(survivor: Client, merged: list[Client]) -> None:
    """The survivor's search words and match keys, plus those of the merged clients: a search
    for a merged client's email or phone finds the survivor."""
    for client in merged:
        client_index_refresh(client)  # removes the merged client's own rows
    client_index_refresh(survivor)
    tokens = set(ClientToken.objects.filter(client=survivor).values_list("token", flat=True))
    keys = set(ClientMatchKey.objects.filter(client=survivor).values_list("key", flat=True))
    new_tokens, new_keys = set(), set()
    for client in merged:
        numbers = [number for _kind, number in _phones_of(client)]
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


def client_merged_event(
    *,
    actor: Membership,
    survivor: Client,
    merged: Client,
    before: dict,
    after: dict,
    moved: dict[str, int],
) -> Activity:
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=Verb.CLIENT_MERGED,
        target=survivor,
        data={
            "name": survivor.display_name,
            "merged": merged.display_name,
            "merged_id": merged.pk,
            "before": before,
            "after": after,
            "moved": {kind: count for kind, count in moved.items() if count},
        },
    )


@transaction.atomic
def client_merge(
    actor: Membership, survivor: Client, others: Sequence[Client], choices: dict
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

    plan = _plan(survivor, [survivor, *merged], choices)
    before = _snapshot(survivor)
    for name, value in plan.fields.items():
        setattr(survivor, name, value)
    validate_client_fields(
        {name: getattr(survivor, name) for name in services.CLIENT_FIELDS}, plan.phones
    )

    services.client_tree_lock(actor.company_id)  # subsidiaries change parent below
    moved_contacts = _move_contacts(survivor, merged, plan.primary_contact_client)
    moved = {
        client.pk: {
            "contacts": moved_contacts[client.pk],
            **_move_records(survivor, client, set(locked)),
        }
        for client in merged
    }
    # The merged clients' subsidiaries are now the survivor's: its parent may be one of them.
    if survivor.parent_id:
        parent = Client.objects.get(pk=survivor.parent_id)
        loop = services.client_parent_error(survivor.pk, parent)
        if loop:
            raise ValidationError({"parent": [loop]})

    survivor.sort_key = sort_key_for(survivor)
    survivor.full_clean(exclude=["company", "created_by", "sort_key", "merged_into"])
    survivor.save()
    if plan.phones != _phones_of(survivor):
        services.client_phones_set(survivor, plan.phones)
    now = timezone.now()
    for client in merged:
        client.merged_into = survivor
        client.archived_at = client.archived_at or now
        client.save(update_fields=["merged_into", "archived_at", "updated_at"])

    _index_survivor(survivor, merged)
    _move_pairs(survivor, merged)
    duplicate_pairs_refresh_for(survivor)
    after = _snapshot(survivor)
    for client in merged:
        client_merged_event(
            actor=actor,
            survivor=survivor,
            merged=client,
            before=before,
            after=after,
            moved=moved[client.pk],
        )
    return survivor
