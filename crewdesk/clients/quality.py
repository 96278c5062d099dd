"""Data quality of the client records: how complete they are, how many look like duplicates,
which cannot be reached or have a malformed email, and the first clients to fix.

Every number comes from one aggregate over the company's active clients (conditional counts)
plus one count of the open duplicate pairs. That is a few milliseconds for a company of a few
thousand clients, so those are counted live on every visit. At a million clients the same pass
takes seconds: a background task counts them into a QualityCount (with the first clients of
each list), the page shows when they were counted, and it asks for a recount once they are
older than RECOUNT_AFTER or when the office presses "Recount now"."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from crewdesk.accounts.models import Membership
from crewdesk.clients.models import Client, ClientPhone, ClientTag, DuplicatePair, QualityCount
from crewdesk.clients.normalize import phone_display
from crewdesk.core.permissions import Action, require

# Up to this many active clients, the numbers are counted live (a bounded count decides).
LIVE_LIMIT = 20_000
RECOUNT_AFTER = timedelta(minutes=15)
# A recount queued longer ago than this was lost (a worker stopped): the next visit asks again.
RECOUNT_TIMEOUT = timedelta(minutes=10)
OFFENDERS_SHOWN = 50

# An email Django's validator accepts, as a regular expression both PostgreSQL and SQLite run:
# a dot-atom local part, an @, and dot-separated domain labels ending in a label of 2 or more
# letters, digits or hyphens that does not end with a hyphen. Left out because they make
# PostgreSQL's regex engine 2 to 10 times slower: the 63-character limit of a label ({0,61}),
# and the "localhost" Django allows (no client has an email there). Internationalised domains,
# which Django accepts once converted, count as malformed too.
_ATOM = "[-!#$%&'*+/=?^_`{}|~0-9A-Za-z]+"
_LABEL = "[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?"
EMAIL_PATTERN = rf"^{_ATOM}([.]{_ATOM})*@({_LABEL}[.])+[-A-Za-z0-9]+[A-Za-z0-9]$"


def _has_phone() -> Exists:
    return Exists(ClientPhone.objects.filter(client_id=OuterRef("pk")))


def _has_tag() -> Exists:
    return Exists(ClientTag.objects.filter(client_id=OuterRef("pk")))


@dataclass(frozen=True)
class Check:
    """One thing a complete client record has, or one problem it may have."""

    key: str
    label: str | Promise
    missing_label: str | Promise  # the list of clients lacking it
    present: Q  # clients that have it (for a problem: that show it)


COMPLETENESS = [
    Check("email", _("Email"), _("Clients without an email"), ~Q(email="")),
    Check("phone", _("Phone"), _("Clients without a phone"), Q(_has_phone())),
    Check(
        "address",
        _("Billing address"),
        _("Clients without a billing address"),
        ~Q(street="") & ~Q(city=""),
    ),
    Check("client_type", _("Client type"), _("Clients without a type"), ~Q(client_type="")),
    Check("lead_source", _("Lead source"), _("Clients without a lead source"), ~Q(lead_source="")),
    Check("tags", _("Tags"), _("Clients without tags"), Q(_has_tag())),
]
PROBLEMS = [
    Check(
        "unreachable",
        _("No way to reach them"),
        _("Clients with neither an email nor a phone"),
        Q(email="") & ~Q(_has_phone()),
    ),
    Check(
        "invalid_email",
        _("Malformed emails"),
        _("Clients whose email is not a valid address"),
        ~Q(email="") & ~Q(email__regex=EMAIL_PATTERN),
    ),
]


def offender_list(key: str) -> tuple[Check, Q] | None:
    """The check behind a list key ("no_phone", "unreachable"...) and the clients it lists."""
    for check in COMPLETENESS:
        if key == f"no_{check.key}":
            return check, ~check.present
    for check in PROBLEMS:
        if key == check.key:
            return check, check.present
    return None


OFFENDER_LISTS = [f"no_{c.key}" for c in COMPLETENESS] + [c.key for c in PROBLEMS]


@dataclass
class Completeness:
    check: Check
    count: int  # active clients that have it
    total: int

    @property
    def missing(self) -> int:
        return self.total - self.count

    @property
    def percent(self) -> float:
        return round(100 * self.count / self.total, 1) if self.total else 0.0


@dataclass
class Quality:
    total: int
    completeness: list[Completeness]
    problems: dict[str, int]
    duplicate_pairs: int
    counted_at: datetime | None = None  # None: counted live, just now
    recounting: bool = False  # a background recount is queued or running
    first_ids: dict[str, list[int]] | None = None  # background counts only

    @property
    def counted(self) -> bool:
        """False while a big company's first count is still running: no numbers yet."""
        return self.first_ids is None or self.counted_at is not None

    def listed(self, key: str) -> int:
        """How many clients the list `key` holds."""
        found = offender_list(key)
        if found is None:
            return 0
        check, _condition = found
        if check in PROBLEMS:
            return self.problems[check.key]
        return next(c.missing for c in self.completeness if c.check.key == check.key)


def _active_clients(company_id: int) -> QuerySet[Client]:
    return Client.objects.filter(
        company_id=company_id, archived_at__isnull=True, merged_into__isnull=True
    )


def _count(company_id: int) -> dict[str, int]:
    """Every number of the page, in two queries."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The per-row subqueries look costly to the planner, so PostgreSQL would compile
            # the query first (JIT): ~200 ms, more than the query takes below 200,000 clients.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        numbers = _active_clients(company_id).aggregate(
            total=Count("pk"),
            **{f"has_{c.key}": Count("pk", filter=c.present) for c in COMPLETENESS},
            **{f"problem_{c.key}": Count("pk", filter=c.present) for c in PROBLEMS},
        )
    numbers["duplicate_pairs"] = DuplicatePair.objects.filter(
        company_id=company_id,
        dismissed_at__isnull=True,
        client_a__merged_into__isnull=True,
        client_b__merged_into__isnull=True,
    ).count()
    return numbers


def _quality(numbers: dict[str, int], **extra) -> Quality:
    total = numbers.get("total", 0)
    return Quality(
        total=total,
        completeness=[Completeness(c, numbers.get(f"has_{c.key}", 0), total) for c in COMPLETENESS],
        problems={c.key: numbers.get(f"problem_{c.key}", 0) for c in PROBLEMS},
        duplicate_pairs=numbers.get("duplicate_pairs", 0),
        **extra,
    )


def _is_small(company_id: int) -> bool:
    # Counts at most LIVE_LIMIT + 1 rows, whatever the size of the company.
    return _active_clients(company_id).values("pk")[: LIVE_LIMIT + 1].count() <= LIVE_LIMIT


def _recounting(stored: QualityCount, now: datetime) -> bool:
    requested = stored.requested_at
    return (
        requested is not None
        and (stored.counted_at is None or requested > stored.counted_at)
        and now - requested < RECOUNT_TIMEOUT
    )


def client_quality_recount_request(actor: Membership, *, force: bool = False) -> None:
    """Queue a background recount of the member's company, unless one is already on its way
    or (without `force`) the numbers are younger than RECOUNT_AFTER."""
    require(actor, Action.VIEW_RECORDS)
    from crewdesk.clients.tasks import client_quality_count

    now = timezone.now()
    stored, _created = QualityCount.objects.get_or_create(company_id=actor.company_id)
    if _recounting(stored, now):
        return
    if not force and stored.counted_at and now - stored.counted_at < RECOUNT_AFTER:
        return
    # Only the request that moves requested_at queues the task, however many pages ask at once.
    queued = QualityCount.objects.filter(pk=stored.pk, requested_at=stored.requested_at).update(
        requested_at=now
    )
    if queued:
        company_id = actor.company_id
        transaction.on_commit(lambda: client_quality_count.enqueue(company_id))


def client_quality_recount(company_id: int) -> QualityCount:
    """Count a company's numbers and the first clients of each list (the background task)."""
    numbers = _count(company_id)
    first_ids = {}
    for key in OFFENDER_LISTS:
        _check, condition = offender_list(key)
        first_ids[key] = list(
            _active_clients(company_id)
            .filter(condition)
            .order_by("sort_key", "id")
            .values_list("pk", flat=True)[:OFFENDERS_SHOWN]
        )
    stored, _created = QualityCount.objects.get_or_create(company_id=company_id)
    stored.numbers, stored.first_ids, stored.counted_at = numbers, first_ids, timezone.now()
    stored.save(update_fields=["numbers", "first_ids", "counted_at"])
    return stored


def client_quality(actor: Membership) -> Quality:
    """The numbers of the data-quality page: live for a small company; for a big one, the
    latest background count (a recount is queued when they are old)."""
    require(actor, Action.VIEW_RECORDS)
    company_id = actor.company_id
    stored = QualityCount.objects.filter(company_id=company_id).first()
    small_before = stored is None or stored.numbers.get("total", 0) <= LIVE_LIMIT
    if small_before and _is_small(company_id):
        return _quality(_count(company_id))
    client_quality_recount_request(actor)
    # Read again: the recount may have run already (in-process task backend).
    stored = QualityCount.objects.get(company_id=company_id)
    return _quality(
        stored.numbers,
        counted_at=stored.counted_at,
        recounting=_recounting(stored, timezone.now()),
        first_ids=stored.first_ids,
    )


def client_quality_offenders(actor: Membership, key: str, quality: Quality) -> list[Client]:
    """Up to OFFENDERS_SHOWN active clients of the list `key`, in name order. After a
    background count, those it found that still have the problem (fixed ones drop out)."""
    require(actor, Action.VIEW_RECORDS)
    found = offender_list(key)
    if found is None or not quality.listed(key):
        return []  # nothing to list: do not scan a million rows to find it
    _check, condition = found
    clients = _active_clients(actor.company_id).filter(condition)
    if quality.first_ids is not None:
        clients = clients.filter(pk__in=quality.first_ids.get(key, []))
    clients = list(
        clients.order_by("sort_key", "id").prefetch_related(
            Prefetch("phones", queryset=ClientPhone.objects.order_by("position", "id"))
        )[:OFFENDERS_SHOWN]
    )
    for client in clients:
        phone = client.primary_phone
        client.phone_display = phone_display(phone.number) if phone else ""
    return clients
