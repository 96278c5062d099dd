"""The suspected duplicate pairs the office reviews (DuplicatePair): refreshed for one client
whenever it is saved (`duplicate_pairs_refresh_for`), rebuilt for a whole company by a scan
that is linear in the number of clients (`duplicate_pairs_rebuild`, behind `crewdesk
find_duplicates`), dismissed by the office, and handed to the survivor of a merge. Which
clients look alike, and how much, is duplicates.py's business."""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from crewdesk.accounts.models import Membership
from crewdesk.clients import duplicates
from crewdesk.clients.models import Client, ClientMatchKey, ClientPhone, DuplicatePair
from crewdesk.core.permissions import Action, require

REBUILD_CHUNK = 1000
# How many suspected duplicates one client may have in the list; more says the data is odd,
# not that the office should review hundreds of pairs for one client.
PAIRS_PER_CLIENT = 50


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


def duplicate_pairs_open(*, viewer: Membership) -> QuerySet[DuplicatePair]:
    """The suspected pairs still to review, best first, with what a row of the list shows."""
    require(viewer, Action.VIEW_RECORDS)
    phones = ClientPhone.objects.order_by("position", "id")
    return (
        DuplicatePair.objects.filter(
            company_id=viewer.company_id,
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


def duplicate_pair_get(*, viewer: Membership, pair_id: int) -> DuplicatePair:
    """A pair of the member's company, or DoesNotExist."""
    require(viewer, Action.VIEW_RECORDS)
    return DuplicatePair.objects.select_related("client_a", "client_b").get(
        company_id=viewer.company_id, pk=pair_id
    )


def duplicate_pairs_open_count(*, viewer: Membership) -> int:
    """How many pairs wait for review (the data-quality page shows it)."""
    return duplicate_pairs_open(viewer=viewer).count()


@transaction.atomic
def duplicate_pair_dismiss(*, actor: Membership, pair: DuplicatePair) -> DuplicatePair:
    """The office says the two are different clients: the pair leaves the list, and neither a
    later save nor a full scan brings it back."""
    require(actor, Action.EDIT_RECORDS, pair)
    if pair.dismissed_at is None:
        pair.dismissed_at = timezone.now()
        pair.dismissed_by = actor.user
        pair.save(update_fields=["dismissed_at", "dismissed_by"])
    return pair


def duplicate_pairs_merge(survivor: Client, merged: list[Client]) -> None:
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
