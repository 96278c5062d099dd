"""Reads about clients that pages and the API share, scoped to the member's company.

The client list and search stay fast at a million clients because neither sorts all matches:
- without a search, the list is read in (company, sort_key, id) index order;
- a search reads ClientToken in index order (`token >= 'smi' AND token < 'smj'`, "C" collation
  on PostgreSQL) for its longest word, checks the other words per client by index, and stops
  after one page; counts stop at COUNT_LIMIT.
- when that finds nothing, typo-tolerant guesses answer instead ("did you mean"): one word is
  looked up as every spelling one typo away, exact probes of the same index ("rahman" finds
  "raman"); several words go to the duplicate check's name keys ("jhon smtih").
"""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from rapidfuzz.distance import JaroWinkler

from crewdesk.accounts.models import Membership
from crewdesk.clients import normalize as n
from crewdesk.clients.duplicates import ClientDraft, find_duplicates
from crewdesk.clients.filters import Archived, ClientFilters, Sort
from crewdesk.clients.models import (
    Client,
    ClientPhone,
    ClientTag,
    ClientToken,
    Contact,
    Note,
    NoteFile,
    Notice,
    Reminder,
    Tag,
)
from crewdesk.core.paging import COUNT_LIMIT
from crewdesk.core.permissions import Action, require, roles_allowed, scope

# Each read in index order: (company, sort_key, id) and (company, -created_at).
SORT_ORDER = {
    Sort.NAME: ("sort_key", "id"),
    Sort.NEWEST: ("-created_at", "-id"),
    Sort.OLDEST: ("created_at", "id"),
}


@dataclass
class ClientPage:
    clients: list[Client]
    count: int
    count_exact: bool
    page: int
    page_size: int
    # True when the search found nothing by prefix and these are typo-tolerant guesses.
    fuzzy: bool = False

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < self.count or not self.count_exact

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _with_list_data(queryset: QuerySet[Client]) -> QuerySet[Client]:
    """What a list row shows, in a fixed number of queries whatever the page size."""
    return queryset.prefetch_related(
        Prefetch("phones", queryset=ClientPhone.objects.order_by("position", "id")),
        Prefetch(
            "client_tags", queryset=ClientTag.objects.select_related("tag").order_by("tag__name")
        ),
    )


def client_queryset(*, viewer: Membership) -> QuerySet[Client]:
    """The clients this member may see. Merged-away clients are never listed."""
    require(viewer, Action.VIEW_RECORDS)
    return scope(Client.objects.all(), viewer).filter(merged_into__isnull=True)


def _filtered(viewer: Membership, filters: ClientFilters) -> QuerySet[Client]:
    clients = client_queryset(viewer=viewer)
    if filters.archived == Archived.ACTIVE:
        clients = clients.filter(archived_at__isnull=True)
    elif filters.archived == Archived.ARCHIVED:
        clients = clients.filter(archived_at__isnull=False)
    if filters.client_type:
        clients = clients.filter(client_type=filters.client_type)
    if filters.lead_source:
        clients = clients.filter(lead_source__iexact=filters.lead_source)
    for tag_id in filters.tags:
        clients = clients.filter(
            Exists(ClientTag.objects.filter(client_id=OuterRef("pk"), tag_id=tag_id))
        )
    return clients


def search_terms(*, text: str, region: str) -> list[str]:
    """The prefixes a search looks for: a phone number as its national digits, an email whole,
    anything else as folded words."""
    text = (text or "").strip()
    if not text:
        return []
    if "@" in text:
        return [n.email_normal(text)]
    only_digits = n.digits(text)
    if len(only_digits) >= 3 and len(only_digits) >= len(text.replace(" ", "")) - 5:
        # With a country code ("+1 555…", "1-555-…") the national digits are what is stored;
        # shorter runs of digits are a prefix or the last 7 or 4 digits, taken as typed.
        has_country_code = text.startswith("+") or len(only_digits) > 10
        e164 = n.phone_e164(text, region) if has_country_code else None
        return [n.phone_national_digits(e164) if e164 else only_digits]
    return [w[:64] for w in n.words(text)]


def _prefix_range(prefix: str) -> tuple[str, str]:
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _needs_clients_table(filters: ClientFilters) -> bool:
    """Type, lead source and tags live on the client: only then does a search join it."""
    return bool(filters.client_type or filters.lead_source or filters.tags)


def _term_tokens(
    viewer: Membership, filters: ClientFilters, clients: QuerySet[Client], term: str
) -> QuerySet[ClientToken]:
    """The token rows starting with `term`: one range of the (company, archived, token) index."""
    low, high = _prefix_range(term)
    return _index_rows(viewer, filters, clients, token__gte=low, token__lt=high)


def _index_rows(
    viewer: Membership, filters: ClientFilters, clients: QuerySet[Client], **token_lookup
) -> QuerySet[ClientToken]:
    """Rows of the (company, archived, token) index for the filters: archived from the index
    itself, the clients table joined only when type, source or tags ask for it."""
    tokens = ClientToken.objects.filter(company_id=viewer.company_id, **token_lookup)
    if filters.archived == Archived.ACTIVE:
        tokens = tokens.filter(archived=False)
    elif filters.archived == Archived.ARCHIVED:
        tokens = tokens.filter(archived=True)
    if _needs_clients_table(filters):
        tokens = tokens.filter(client__in=clients)
    return tokens


def _token_matches(viewer: Membership, terms: list[str], clients: QuerySet[Client]):
    """ClientToken rows of clients matching every term (kept for the export and the API)."""
    filters = ClientFilters(archived=Archived.ALL)
    driver = max(terms, key=len)
    tokens = _term_tokens(viewer, filters, clients, driver).filter(client__in=clients)
    for term in terms:
        if term == driver:
            continue
        low, high = _prefix_range(term)
        tokens = tokens.filter(
            Exists(
                ClientToken.objects.filter(
                    client_id=OuterRef("client_id"), token__gte=low, token__lt=high
                )
            )
        )
    return tokens


def _bounded_distinct(rows: QuerySet) -> tuple[int, bool]:
    """(distinct clients, exact) among the first COUNT_LIMIT + 1 token rows, from the index."""
    window = rows.order_by()[: COUNT_LIMIT + 1]
    totals = window.aggregate(rows=Count("client_id"), clients=Count("client_id", distinct=True))
    if totals["rows"] > COUNT_LIMIT:
        return COUNT_LIMIT, False
    return totals["clients"], True


def _search_one_term(
    viewer, filters, clients, term, start, page_size
) -> tuple[list[int], int, bool]:
    """Page of client ids for one word, in index order: no sort, no visit to the clients table
    unless a filter needs it."""
    tokens = _term_tokens(viewer, filters, clients, term)
    ids: list[int] = []
    seen: set[int] = set()
    # A client can match through two words ("Smith Smithson"): read extra rows, keep the first.
    for client_id in tokens.order_by("token", "client_id").values_list("client_id", flat=True)[
        : (start + page_size) * 3
    ]:
        if client_id not in seen:
            seen.add(client_id)
            ids.append(client_id)
    page_ids = ids[start : start + page_size]
    if not page_ids and start == 0:
        return [], 0, True
    count, exact = _bounded_distinct(tokens.values("client_id"))
    return page_ids, count, exact


def _search_many_terms(viewer, filters, clients, terms, start, page_size):
    """Page of client ids matching every word: the clients of each word's index range,
    intersected by the database, then the page in name order."""
    ranges = [
        _term_tokens(viewer, filters, clients, term).values_list("client_id", flat=True)
        for term in terms
    ]
    matched = list(ranges[0].intersection(*ranges[1:])[: COUNT_LIMIT + 1])
    exact = len(matched) <= COUNT_LIMIT
    page_ids = list(
        Client.objects.filter(id__in=matched[:COUNT_LIMIT])
        .order_by("sort_key", "id")
        .values_list("id", flat=True)[start : start + page_size]
    )
    return page_ids, min(len(matched), COUNT_LIMIT), exact


def client_page(
    *, viewer: Membership, filters: ClientFilters, page: int = 1, page_size: int = 50
) -> ClientPage:
    """One page of the client list, searched and filtered."""
    page = max(1, page)
    clients = _filtered(viewer, filters)
    terms = search_terms(text=filters.search, region=viewer.company.country)
    start = (page - 1) * page_size
    if not terms:
        ordered = clients.order_by(*SORT_ORDER.get(filters.sort, SORT_ORDER[Sort.NAME]))
        count = ordered.order_by()[: COUNT_LIMIT + 1].count()
        rows = list(_with_list_data(ordered)[start : start + page_size])
        return ClientPage(rows, min(count, COUNT_LIMIT), count <= COUNT_LIMIT, page, page_size)

    unique_terms = list(dict.fromkeys(terms))
    if len(unique_terms) == 1:
        page_ids, count, exact = _search_one_term(
            viewer, filters, clients, unique_terms[0], start, page_size
        )
    else:
        # "john smi": first try the two words as a name pair (one index range, see
        # indexing.name_pairs); words from different fields intersect instead.
        page_ids, count, exact = [], 0, True
        if len(unique_terms) == 2:
            page_ids, count, exact = _search_one_term(
                viewer, filters, clients, " ".join(unique_terms), start, page_size
            )
        if not count:
            page_ids, count, exact = _search_many_terms(
                viewer, filters, clients, unique_terms, start, page_size
            )
    if page_ids or page > 1:
        by_id = {c.id: c for c in _with_list_data(Client.objects.filter(id__in=page_ids))}
        rows = [by_id[i] for i in page_ids if i in by_id]
        return ClientPage(rows, count, exact, page, page_size)
    return _fuzzy_page(viewer, filters, clients, page_size)


def _fuzzy_page(
    viewer: Membership, filters: ClientFilters, clients: QuerySet[Client], page_size: int
) -> ClientPage:
    """Nothing starts with what was typed: look for it as a misspelt word, or as a misspelt
    name, email or phone."""
    text = filters.search.strip()
    parts = n.words(text)
    if len(parts) == 1 and "@" not in text and parts[0].isalpha():
        page = _one_typo_page(viewer, filters, clients, parts[0], page_size)
        if page.clients:
            return page
    draft = ClientDraft(
        first_name=parts[0] if len(parts) > 1 else "",
        last_name=" ".join(parts[1:]) if len(parts) > 1 else "",
        company_name=text,
        emails=[text] if "@" in text else [],
        phones=[e for e in [n.phone_e164(text, viewer.company.country)] if e]
        if n.digits(text)
        else [],
    )
    candidates = find_duplicates(viewer.company_id, draft, min_score=30, limit=page_size)
    allowed = set(
        clients.filter(id__in=[c.client.id for c in candidates]).values_list("id", flat=True)
    )
    ids = [c.client.id for c in candidates if c.client.id in allowed]
    by_id = {c.id: c for c in _with_list_data(Client.objects.filter(id__in=ids))}
    rows = [by_id[i] for i in ids]
    return ClientPage(rows, len(rows), True, 1, page_size, fuzzy=True)


TYPO_LETTERS = range(3, 21)  # shorter words have too many neighbours; longer, too many variants
TYPO_ROWS = 500  # index rows read for a misspelt word (a common name has thousands)


def _one_typo_page(
    viewer: Membership, filters: ClientFilters, clients: QuerySet[Client], word: str, page_size: int
) -> ClientPage:
    """Clients with a word one typo away from `word` ("rahman" finds Priya Raman), closest
    spelling first, then in name order. Exact lookups of every variant in the word index: the
    same few index probes at any size, on PostgreSQL and SQLite alike."""
    if len(word) not in TYPO_LETTERS:
        return ClientPage([], 0, True, 1, page_size, fuzzy=True)
    rows = _index_rows(viewer, filters, clients, token__in=sorted(n.typo_variants(word)))
    closeness: dict[int, float] = {}
    for token, client_id in rows.values_list("token", "client_id")[:TYPO_ROWS]:
        similarity = JaroWinkler.normalized_similarity(word, token)
        closeness[client_id] = max(similarity, closeness.get(client_id, 0.0))
    chosen = sorted(closeness, key=lambda client_id: (-closeness[client_id], client_id))
    found = list(_with_list_data(Client.objects.filter(id__in=chosen[:page_size])))
    found.sort(key=lambda c: (-closeness[c.id], c.sort_key, c.id))
    return ClientPage(found, len(found), True, 1, page_size, fuzzy=True)


def client_matches(*, viewer: Membership, filters: ClientFilters) -> QuerySet[Client]:
    """Every client the list shows for these filters, on all its pages (unordered)."""
    require(viewer, Action.VIEW_RECORDS)
    clients = _filtered(viewer, filters)
    terms = search_terms(text=filters.search, region=viewer.company.country)
    if not terms:
        return clients
    tokens = _token_matches(viewer, terms, clients)
    if tokens.exists():
        return clients.filter(id__in=tokens.values("client_id"))
    # Nothing starts with the search: the list shows typo-tolerant guesses, and so do we.
    guesses = _fuzzy_page(viewer, filters, clients, 50).clients
    return clients.filter(id__in=[c.id for c in guesses])


def client_ids_matching(*, viewer: Membership, text: str, limit: int) -> list[int]:
    """Ids of up to `limit` clients (active or archived) the search `text` finds, read from
    the word index alone — for other lists searched by client (jobs): a list of ids keeps
    their own query simple. Typo-tolerant guesses when no word starts with the search."""
    require(viewer, Action.VIEW_RECORDS)
    terms = search_terms(text=text, region=viewer.company.country)
    if not terms:
        return []
    ids: list[int] = []
    # Active clients, then archived ones: each is one range of the (company, archived, token)
    # index; both at once would read the company's whole index.
    for archived in (Archived.ACTIVE, Archived.ARCHIVED):
        filters = ClientFilters(search=text, archived=archived)
        clients = _filtered(viewer, filters)
        ranges = [
            _term_tokens(viewer, filters, clients, term).values_list("client_id", flat=True)
            for term in terms
        ]
        wanted = limit - len(ids)
        if len(ranges) == 1:
            rows = ranges[0].order_by("token", "client_id")[: wanted * 3]
            ids += list(dict.fromkeys(rows))[:wanted]
        else:
            ids += list(ranges[0].intersection(*ranges[1:])[:wanted])
        if len(ids) >= limit:
            break
    if ids:
        return ids
    filters = ClientFilters(search=text, archived=Archived.ALL)
    return [c.id for c in _fuzzy_page(viewer, filters, _filtered(viewer, filters), 50).clients]


def client_get(*, viewer: Membership, client_id: int) -> Client:
    """A client of the member's company (archived and merged ones too), or DoesNotExist."""
    require(viewer, Action.VIEW_RECORDS)
    return (
        scope(Client.objects.all(), viewer)
        .select_related("parent", "referred_by", "brand", "merged_into", "created_by")
        .prefetch_related(Prefetch("phones", queryset=ClientPhone.objects.order_by("position")))
        .get(pk=client_id)
    )


def clients_by_id(*, viewer: Membership, ids) -> dict[int, Client]:
    """The clients of these ids the viewer may see (merged-away ones too), by id: the clients
    a form or a filter names."""
    require(viewer, Action.VIEW_RECORDS)
    return {c.pk: c for c in scope(Client.objects.filter(pk__in=list(ids)), viewer)}


def clients_merged_into(*, viewer: Membership, client: Client) -> QuerySet[Client]:
    """The clients merged into `client` (its timeline carries theirs on)."""
    require(viewer, Action.VIEW_RECORDS)
    return scope(Client.objects.filter(merged_into=client), viewer)


def client_contacts(*, client: Client) -> QuerySet[Contact]:
    return Contact.objects.filter(client=client).order_by("-is_primary", "last_name", "id")


def client_tags(*, client: Client) -> list[Tag]:
    return [ct.tag for ct in ClientTag.objects.filter(client=client).select_related("tag")]


def client_notices(*, client: Client) -> QuerySet[Notice]:
    return Notice.objects.filter(client=client, dismissed_at__isnull=True).select_related(
        "created_by"
    )


def client_reminders(*, client: Client, open_only: bool = True) -> QuerySet[Reminder]:
    reminders = Reminder.objects.filter(client=client).select_related("assignee")
    return reminders.filter(done_at__isnull=True) if open_only else reminders


def reminder_get(*, viewer: Membership, reminder_id: int) -> Reminder:
    """A reminder of the viewer's company, with its client; DoesNotExist otherwise."""
    return scope(Reminder.objects.select_related("client"), viewer).get(pk=reminder_id)


def notice_get(*, viewer: Membership, notice_id: int) -> Notice:
    """A notice of the viewer's company, with its client; DoesNotExist otherwise."""
    return scope(Notice.objects.select_related("client"), viewer).get(pk=notice_id)


def client_notes(*, viewer: Membership, client: Client) -> QuerySet[Note]:
    """The client's notes (not archived) with their files, newest first: those the viewer may
    see (a customer only the notes shown to them)."""
    return (
        scope(client.client_notes.filter(archived_at__isnull=True), viewer)
        .select_related("created_by")
        .prefetch_related(Prefetch("files", queryset=scope(NoteFile.objects.all(), viewer)))
    )


def note_file_get(*, viewer: Membership, client_id: int, file_id: int) -> NoteFile:
    """A file of a note of the client that the viewer may see (a customer only the files of
    notes shown to them), or DoesNotExist."""
    return scope(NoteFile.objects.all(), viewer).get(pk=file_id, note__client_id=client_id)


def reminder_assignees(*, viewer: Membership) -> QuerySet[Membership]:
    """Whom a reminder can be for: the active members who may open the client it is about
    (Owner and Office). The crew never sees clients, so a reminder for them would go unseen."""
    return Membership.objects.filter(
        company_id=viewer.company_id, active=True, role__in=roles_allowed(Action.VIEW_RECORDS)
    ).select_related("user")


def reminders_due_for(*, viewer: Membership, until=None) -> QuerySet[Reminder]:
    """The member's open reminders due by `until` (today by default): "my due reminders"."""
    require(viewer, Action.VIEW_RECORDS)
    until = until or timezone.localdate()
    return (
        scope(Reminder.objects.all(), viewer)
        .filter(
            assignee=viewer.user,
            done_at__isnull=True,
            due_on__lte=until,
        )
        .select_related("client")
        .order_by("due_on", "id")
    )


def tags_of_company(*, viewer: Membership) -> QuerySet[Tag]:
    require(viewer, Action.VIEW_RECORDS)
    return scope(Tag.objects.all(), viewer).order_by("name")
