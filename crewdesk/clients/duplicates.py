"""The duplicate check: who already looks like this client, how sure we are, and why.

Candidates come from ClientMatchKey by index (exact keys that survive typos; see indexing.py),
then each is scored with rapidfuzz. Signals combine like independent evidence ("noisy or"): a
same email alone says 90, a similar name alone at most 60, a similar name and the same address
together 80. A score of BLOCK_SCORE or more stops a create unless the user insists.
"""

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import F, Prefetch, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from crewdesk.clients import normalize as n
from crewdesk.clients.indexing import address_keys, match_keys_for, person_name_keys
from crewdesk.clients.models import Client, ClientMatchKey, ClientPhone

SHOW_SCORE = 50  # listed as "possible duplicate"
BLOCK_SCORE = 70  # a create stops and asks


@dataclass
class ClientDraft:
    """What is known about a (new or existing) client, as the duplicate check compares it."""

    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)  # E.164
    street: str = ""
    postal_code: str = ""

    @classmethod
    def of(cls, client: Client) -> "ClientDraft":
        return cls(
            first_name=client.first_name,
            last_name=client.last_name,
            company_name=client.company_name,
            emails=[client.email] if client.email else [],
            phones=[p.number for p in client.phones.all()],
            street=client.street,
            postal_code=client.postal_code,
        )

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.first_name, self.last_name, self.company_name, self.emails, self.phones)
        )


@dataclass
class Candidate:
    client: Client
    score: int
    reasons: list[str]


# Normalised once per text: an import scores each saved client against many new rows.
@lru_cache(maxsize=65536)
def _person_text(first_name: str, last_name: str) -> str:
    return " ".join(n.words(f"{first_name} {last_name}"))


@lru_cache(maxsize=65536)
def _company_text(company_name: str) -> str:
    return " ".join(n.company_words(company_name))


@lru_cache(maxsize=65536)
def _address_text(street: str, postal_code: str) -> str:
    keys = address_keys(street, postal_code)
    return next(iter(keys)) if keys else ""


def _person(draft: ClientDraft) -> str:
    return _person_text(draft.first_name, draft.last_name)


def _company(draft: ClientDraft) -> str:
    return _company_text(draft.company_name)


def _address(draft: ClientDraft) -> str:
    """House number and postal code: "12 Elm St" and "12 ELM STREET" are one address."""
    return _address_text(draft.street, draft.postal_code)


def _is_made_of_name(local: str, draft: ClientDraft) -> bool:
    if any(ch.isdigit() for ch in local):
        return False
    first = "".join(n.words(draft.first_name))
    last = "".join(n.words(draft.last_name))
    if not (first or last):
        return False
    forms = {first, last, first + last, last + first}
    if first and last:
        forms |= {first[0] + last, last + first[0], first + last[0], last[0] + first}
    return local.replace("_", "").replace("-", "") in forms


def name_likeness(a: str, b: str) -> float:
    """0-100. Word order does not matter ("Li Wei" = "Wei Li"); Jaro-Winkler forgives the
    swapped and wrong letters of fast typing ("Jhon Smtih" ~ "John Smith": 94)."""
    a_sorted, b_sorted = " ".join(sorted(a.split())), " ".join(sorted(b.split()))
    return max(
        fuzz.token_sort_ratio(a, b), JaroWinkler.normalized_similarity(a_sorted, b_sorted) * 100
    )


def score(new: ClientDraft, old: ClientDraft) -> tuple[int, list[str]]:
    """How likely `old` is the same client as `new` (0-100), and the reasons, strongest first."""
    signals: list[tuple[float, str]] = []

    new_emails = {n.email_normal(e) for e in new.emails if e}
    old_emails = {n.email_normal(e) for e in old.emails if e}
    if new_emails & old_emails:
        signals.append((0.90, _("same email")))
    else:
        shared = {n.email_local(e) for e in new_emails} & {n.email_local(e) for e in old_emails}
        shared.discard("")
        if shared:
            # "jsmith@gmail" and "jsmith@yahoo" are as likely namesakes as the same person: a
            # local part made of the name adds little to a name that already matches.
            made_of_name = all(_is_made_of_name(local, new) for local in shared)
            signals.append((0.10 if made_of_name else 0.40, _("similar email")))

    new_phones = {n.phone_national_digits(p) for p in new.phones if p}
    old_phones = {n.phone_national_digits(p) for p in old.phones if p}
    if new_phones & old_phones:
        signals.append((0.85, _("same phone")))
    elif {p[-7:] for p in new_phones if len(p) >= 7} & {p[-7:] for p in old_phones}:
        signals.append((0.45, _("similar phone")))

    name_similarity = 0.0
    if _person(new) and _person(old):
        name_similarity = name_likeness(_person(new), _person(old))
    if _company(new) and _company(old):
        name_similarity = max(name_similarity, name_likeness(_company(new), _company(old)))
    if name_similarity >= 97:
        signals.append((0.60, _("same name")))
    elif name_similarity >= 80:
        signals.append(
            (
                (name_similarity - 40) / 100,
                _("similar name %(percent)d%%") % {"percent": round(name_similarity)},
            )
        )

    if _address(new) and _address(new) == _address(old):
        signals.append((0.50, _("same address")))

    if not signals:
        return 0, []
    unlikely = 1.0
    for strength, _reason in signals:
        unlikely *= 1 - strength
    signals.sort(key=lambda s: -s[0])
    return round(100 * (1 - unlikely)), [reason for _s, reason in signals]


def draft_keys(draft: ClientDraft) -> set[str]:
    """The match keys looked up for a draft, with the names taken either way round."""
    keys = match_keys_for(
        first_name=draft.first_name,
        last_name=draft.last_name,
        company_name=draft.company_name,
        emails=draft.emails,
        phones=draft.phones,
        street=draft.street,
        postal_code=draft.postal_code,
    )
    # Someone may have typed the names the other way round.
    return keys | person_name_keys(draft.last_name, draft.first_name)


# An exact email, phone or house says more than a name key shared with many namesakes.
KEY_WEIGHT = {"e": 3, "p": 3, "a": 3}
PER_KEY = 60  # a key shared by more clients than this (a common name) is read only this far
SCORED = 60  # clients scored per check, those sharing the most (and strongest) keys first


def _clients_by_key(company_id: int, keys: Iterable[str]) -> dict[str, list[int]]:
    """For each key, up to PER_KEY clients having it (the newest). One query."""
    rows = (
        ClientMatchKey.objects.filter(company_id=company_id, key__in=sorted(keys))
        .annotate(rank=Window(RowNumber(), partition_by=[F("key")], order_by=F("client_id").desc()))
        .filter(rank__lte=PER_KEY)
        .values_list("key", "client_id")
    )
    found: dict[str, list[int]] = {}
    for key, client_id in rows:
        found.setdefault(key, []).append(client_id)
    return found


def _ranked(keys: Iterable[str], clients_by_key: dict[str, list[int]]) -> list[int]:
    """Up to SCORED clients sharing the most (and strongest) keys, best first."""
    weight: Counter[int] = Counter()
    for key in keys:
        for client_id in clients_by_key.get(key, ()):
            weight[client_id] += KEY_WEIGHT.get(key.split(":", 1)[0], 1)
    ranked = sorted(weight.items(), key=lambda item: (-item[1], -item[0]))
    return [client_id for client_id, _weight in ranked[:SCORED]]


def candidate_ids(company_id: int, draft: ClientDraft) -> list[int]:
    """Clients sharing a key with the draft, strongest evidence first. One query, bounded
    whatever the size of the company: each key contributes at most PER_KEY clients."""
    keys = draft_keys(draft)
    return _ranked(keys, _clients_by_key(company_id, keys)) if keys else []


def find_duplicates(
    company_id: int,
    draft: ClientDraft,
    *,
    exclude: Iterable[int] = (),
    min_score: int = SHOW_SCORE,
    limit: int = 10,
) -> list[Candidate]:
    """Clients of the company that look like `draft`, best first. Three queries whatever the
    size: keys, clients, their phones."""
    return find_duplicates_many(
        company_id, {0: draft}, exclude=exclude, min_score=min_score, limit=limit
    )[0]


def find_duplicates_many(
    company_id: int,
    drafts: dict[Hashable, ClientDraft],
    *,
    exclude: Iterable[int] = (),
    min_score: int = SHOW_SCORE,
    limit: int = 10,
) -> dict[Hashable, list[Candidate]]:
    """find_duplicates for many drafts at once (a batch of an import): the same answers, in a
    few queries for the whole batch instead of a few per draft."""
    found: dict[Hashable, list[Candidate]] = {name: [] for name in drafts}
    keys = {name: draft_keys(d) for name, d in drafts.items() if not d.is_empty}
    if not any(keys.values()):
        return found
    clients_by_key = _clients_by_key(company_id, set().union(*keys.values()))
    excluded = set(exclude)
    ids = {name: set(_ranked(k, clients_by_key)) - excluded for name, k in keys.items()}
    wanted = set().union(*ids.values())
    if not wanted:
        return found
    if len(wanted) <= SCORED:  # one check as the office types: load the few clients at once
        clients = _with_phones(Client.objects.filter(company_id=company_id, id__in=wanted))
        loaded = {client.id: client for client in clients}
        existing = {client_id: ClientDraft.of(client) for client_id, client in loaded.items()}
    else:
        # A batch may compare thousands of clients: score plain values, and load as objects
        # only the clients that score high enough.
        loaded = {}
        existing = _drafts_of(company_id, wanted)
    scored: dict[Hashable, list[tuple[int, int, list[str]]]] = {}
    for name, candidate_set in ids.items():
        draft = drafts[name]
        for client_id in candidate_set:
            if client_id in existing:
                value, reasons = score(draft, existing[client_id])
                if value >= min_score:
                    scored.setdefault(name, []).append((client_id, value, reasons))
    if not scored:
        return found
    by_id = loaded
    missing = {c for hits in scored.values() for c, _v, _r in hits} - set(loaded)
    if missing:
        clients = _with_phones(Client.objects.filter(company_id=company_id, id__in=missing))
        by_id = {**loaded, **{client.id: client for client in clients}}
    for name, hits in scored.items():
        found[name] = sorted(
            (Candidate(by_id[c], value, reasons) for c, value, reasons in hits if c in by_id),
            key=lambda c: (-c.score, c.client.sort_key, c.client.id),
        )[:limit]
    return found


def _with_phones(clients):
    return clients.prefetch_related(
        Prefetch("phones", queryset=ClientPhone.objects.only("client_id", "number", "position"))
    )


def _drafts_of(company_id: int, ids: set[int]) -> dict[int, ClientDraft]:
    """ClientDraft.of each client, read as plain values in two queries."""
    drafts = {
        client_id: ClientDraft(
            first_name=first,
            last_name=last,
            company_name=company,
            emails=[email] if email else [],
            street=street,
            postal_code=postal_code,
        )
        for client_id, first, last, company, email, street, postal_code in Client.objects.filter(
            company_id=company_id, id__in=ids
        ).values_list(
            "id", "first_name", "last_name", "company_name", "email", "street", "postal_code"
        )
    }
    phones = ClientPhone.objects.filter(client_id__in=drafts).order_by("position", "id")
    for client_id, number in phones.values_list("client_id", "number"):
        drafts[client_id].phones.append(number)
    return drafts
