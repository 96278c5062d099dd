"""Client pages: data quality. How complete the client records are, how many look like
duplicates, and which ones cannot be reached or have a malformed email, with the clients to fix.

Fast at a million clients: every number comes from one aggregate query over the company's
active clients (conditional counts), plus one count of the open duplicate pairs. The list of
clients to fix is read only when asked for, and never when its count is zero."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from crewdesk.accounts.models import Membership
from crewdesk.clients.models import Client, ClientPhone, ClientTag, DuplicatePair
from crewdesk.clients.normalize import phone_display
from crewdesk.core.decorators import member_required
from crewdesk.core.permissions import Action, require

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


def active_clients(actor: Membership):
    require(actor, Action.VIEW_RECORDS)
    return Client.objects.filter(
        company_id=actor.company_id, archived_at__isnull=True, merged_into__isnull=True
    )


def client_quality(actor: Membership) -> Quality:
    """The numbers of the data-quality page: one aggregate over the active clients and one
    count of open duplicate pairs, whatever the number of clients."""
    clients = active_clients(actor)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The per-row subqueries look costly to the planner, so PostgreSQL would compile
            # the query first (JIT): ~200 ms, more than the query takes below 200,000 clients.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        counts = clients.aggregate(
            total=Count("pk"),
            **{f"has_{c.key}": Count("pk", filter=c.present) for c in COMPLETENESS},
            **{f"problem_{c.key}": Count("pk", filter=c.present) for c in PROBLEMS},
        )
    total = counts["total"]
    pairs = DuplicatePair.objects.filter(
        company_id=actor.company_id,
        dismissed_at__isnull=True,
        client_a__merged_into__isnull=True,
        client_b__merged_into__isnull=True,
    ).count()
    return Quality(
        total=total,
        completeness=[Completeness(c, counts[f"has_{c.key}"], total) for c in COMPLETENESS],
        problems={c.key: counts[f"problem_{c.key}"] for c in PROBLEMS},
        duplicate_pairs=pairs,
    )


def _offender_filter(key: str) -> tuple[Check, Q] | None:
    for check in COMPLETENESS:
        if key == f"no_{check.key}":
            return check, ~check.present
    for check in PROBLEMS:
        if key == check.key:
            return check, check.present
    return None


def client_quality_offenders(actor: Membership, show: str) -> list[Client]:
    """Up to OFFENDERS_SHOWN active clients with the problem `show`, in name order."""
    found = _offender_filter(show)
    if found is None:
        return []
    _check, condition = found
    clients = (
        active_clients(actor)
        .filter(condition)
        .order_by("sort_key", "id")
        .prefetch_related(
            Prefetch("phones", queryset=ClientPhone.objects.order_by("position", "id"))
        )[:OFFENDERS_SHOWN]
    )
    clients = list(clients)
    for client in clients:
        phone = client.primary_phone
        client.phone_display = phone_display(phone.number) if phone else ""
    return clients


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@member_required(Action.VIEW_RECORDS)
@require_GET
def quality(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    summary = client_quality(actor)
    show = request.GET.get("show", "")
    found = _offender_filter(show)
    offenders, offenders_title, offenders_count = [], "", 0
    if found is not None:
        check, _condition = found
        offenders_title = check.missing_label
        if check in PROBLEMS:
            offenders_count = summary.problems[check.key]
        else:
            offenders_count = next(
                c.missing for c in summary.completeness if c.check.key == check.key
            )
        # Nothing to list: do not scan a million rows to find it.
        offenders = client_quality_offenders(actor, show) if offenders_count else []
    return render(
        request,
        "clients/quality.html",
        {
            "summary": summary,
            "problems": [
                {"check": check, "count": summary.problems[check.key]} for check in PROBLEMS
            ],
            "show": show if found else "",
            "offenders": offenders,
            "offenders_title": offenders_title,
            "offenders_count": offenders_count,
            "offenders_limit": OFFENDERS_SHOWN,
            "duplicates_url": _url_or_none("clients:duplicates"),
        },
    )


urlpatterns = [
    path("quality/", quality, name="quality"),
]
