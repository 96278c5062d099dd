"""The workloads of `make bench`, run in-process against a company of generated clients.

Each workload is a list of requests (different search terms, pages, ids...) sent through
Django's test client, with the whole middleware stack and template rendering, as a browser or
an API client would. For each: the latency percentiles, the SQL queries per request, the rows
PostgreSQL read per request, the worker's peak memory and, for searches, the bare SQL time of
the same requests (EXPLAIN ANALYZE of every SELECT they ran) and how far above it we are."""

import csv
import datetime
import io
import json
import random
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crewdesk.accounts.models import Membership
from crewdesk.accounts.services import api_token_create
from crewdesk.clients import importing, services
from crewdesk.clients.models import Client, ClientImport, Tag
from crewdesk.core.roles import Role
from crewdesk.jobs.models import Job
from crewdesk.properties.models import Property
from crewdesk.sampledata.bulk.client_maker import ClientMaker
from crewdesk.sampledata.bulk.duplicates import near_duplicate
from crewdesk.sampledata.bulk.recall import measure_duplicate_check
from crewdesk.sampledata.bulk.truth import read_truth, truth_path_for

PROFILE_CLIENT = "Benchmark Profile Client"  # the client with 50 contacts and 50 notes
QUERIES_SAMPLED = 20  # requests whose queries are counted and explained


@dataclass
class Request:
    """One request of a workload: a label (the term, the page) and how to send it."""

    label: str
    send: Callable[[], HttpResponse]


@dataclass
class Result:
    name: str
    title: str
    requests: int
    ms: dict[str, float]  # p50, p95, p99, mean
    queries: dict[str, int]  # min, max per request
    rows_per_request: float | None = None  # tuples PostgreSQL read, per request
    bare_sql_ms: dict[str, float] | None = None  # p50, p95 of the requests' SELECTs
    ratio_to_sql: float | None = None  # end-to-end p50 / bare SQL p50
    peak_memory_mb: float = 0.0
    extra: dict = field(default_factory=dict)


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples)
    if not ordered:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0, "mean": 0.0}

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return {
        "p50": round(at(0.50), 2),
        "p95": round(at(0.95), 2),
        "p99": round(at(0.99), 2),
        "mean": round(statistics.fmean(ordered), 2),
    }


def peak_memory_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the process's peak resident memory so far.
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _rows_read() -> int | None:
    """Tuples read in this database so far (index and table), as PostgreSQL counts them."""
    if not _postgres():
        return None
    with connection.cursor() as cursor:
        # Statistics are flushed when a transaction ends; these make the numbers current.
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT tup_returned + tup_fetched FROM pg_stat_database "
            "WHERE datname = current_database()"
        )
        return cursor.fetchone()[0]


def _explain_ms(sql: str) -> float:
    """Planning + execution time of one SELECT, as the database reports it."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
    return plan["Planning Time"] + plan["Execution Time"]


def _is_select(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def run_workload(
    name: str,
    title: str,
    requests: list[Request],
    *,
    count: int,
    warmup: int,
    explain: bool = False,
) -> Result:
    """Send `warmup` requests, then `count` timed ones (cycling through `requests`), then
    count the queries of a sample and, when asked, time their SQL alone."""
    for i in range(warmup):
        _check(requests[i % len(requests)])
    rows_before = _rows_read()
    timings = []
    for i in range(count):
        request = requests[i % len(requests)]
        began = time.perf_counter()
        response = request.send()
        timings.append(1000 * (time.perf_counter() - began))
        _expect_ok(request, response)
    rows_after = _rows_read()

    query_counts, bare = [], []
    for request in requests[:QUERIES_SAMPLED]:
        with CaptureQueriesContext(connection) as captured:
            _check(request)
        query_counts.append(len(captured))
        if explain and _postgres():
            bare.append(sum(_explain_ms(q["sql"]) for q in captured if _is_select(q["sql"])))
    ms = percentiles(timings)
    result = Result(
        name=name,
        title=title,
        requests=count,
        ms=ms,
        queries={"min": min(query_counts), "max": max(query_counts)},
        peak_memory_mb=peak_memory_mb(),
    )
    if rows_before is not None and rows_after is not None:
        # Includes the statistics queries themselves: a handful of rows, once.
        result.rows_per_request = round((rows_after - rows_before) / count, 1)
    if bare:
        result.bare_sql_ms = {k: v for k, v in percentiles(bare).items() if k in ("p50", "p95")}
        if result.bare_sql_ms["p50"]:
            result.ratio_to_sql = round(ms["p50"] / result.bare_sql_ms["p50"], 2)
    return result


def _expect_ok(request: Request, response: HttpResponse) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{request.label}: HTTP {response.status_code}")


def _check(request: Request) -> None:
    _expect_ok(request, request.send())


# --- the data the workloads ask for -----------------------------------------------------------


class Company:
    """A generated company seen from its owner: logged-in clients for the pages and the API,
    and samples of its clients to search for."""

    def __init__(self, owner: Membership, *, seed: int = 7) -> None:
        self.owner = owner
        self.company_id = owner.company_id
        self.rng = random.Random(seed)  # noqa: S311 (sampling, not secrets)
        self.web = WebClient()
        self.web.force_login(owner.user)
        session = self.web.session
        session["company_id"] = owner.company_id
        session.save()
        self.api = WebClient(headers={"Authorization": f"Bearer {self.api_token()}"})
        self.sample = self._sample_clients(300)

    def web_for(self, member: Membership) -> WebClient:
        """A browser logged in as another member of the company (the crew's phone)."""
        web = WebClient()
        web.force_login(member.user)
        session = web.session
        session["company_id"] = member.company_id
        session.save()
        return web

    @property
    def today(self) -> datetime.date:
        """Today where the company is: what its pages call today."""
        import zoneinfo

        return timezone.localdate(timezone=zoneinfo.ZoneInfo(self.owner.company.timezone))

    def crew(self, size: int = 10) -> list[Membership]:
        """The employees with the most jobs in the next two weeks: the busiest phones."""
        from django.db.models import Count, Q

        today = self.today
        ahead = Q(
            job_assignments__job__scheduled_date__gte=today,
            job_assignments__job__scheduled_date__lte=today + datetime.timedelta(days=14),
        )
        return list(
            Membership.objects.filter(company_id=self.company_id, role=Role.EMPLOYEE, active=True)
            .annotate(upcoming=Count("job_assignments", filter=ahead))
            .select_related("user")
            .order_by("-upcoming", "id")[:size]
        )

    def sample_properties(self, size: int = 100) -> list[Property]:
        """Properties at random ids (no ORDER BY random()), as for the clients."""
        ids = Property.objects.filter(company_id=self.company_id).values_list("pk", flat=True)
        low, high = ids.order_by("pk").first(), ids.order_by("-pk").first()
        if low is None:
            raise RuntimeError("The company has no properties to measure: generate jobs first.")
        wanted = {self.rng.randint(low, high) for _ in range(size * 3)}
        found = list(Property.objects.filter(company_id=self.company_id, pk__in=wanted)[:size])
        self.rng.shuffle(found)
        return found

    def sample_jobs(self, size: int = 50) -> list[Job]:
        ids = Job.objects.filter(company_id=self.company_id).values_list("pk", flat=True)
        low, high = ids.order_by("pk").first(), ids.order_by("-pk").first()
        if low is None:
            raise RuntimeError("The company has no jobs to measure: generate jobs first.")
        wanted = {self.rng.randint(low, high) for _ in range(size * 3)}
        found = list(
            Job.objects.filter(company_id=self.company_id, pk__in=wanted).select_related(
                "property"
            )[:size]
        )
        self.rng.shuffle(found)
        return found

    def api_token(self) -> str:
        return api_token_create(membership=self.owner, name="benchmark").raw

    def session_cookie(self) -> str:
        return self.web.cookies["sessionid"].value

    def _sample_clients(self, size: int) -> list[Client]:
        """Clients at random ids: the same cost at any size (no ORDER BY random())."""
        ids = Client.objects.filter(company_id=self.company_id).values_list("pk", flat=True)
        low, high = ids.order_by("pk").first(), ids.order_by("-pk").first()
        if low is None:
            raise RuntimeError("The company has no clients to measure.")
        wanted = {self.rng.randint(low, high) for _ in range(size * 3)}
        found = list(
            Client.objects.filter(
                company_id=self.company_id, pk__in=wanted, merged_into__isnull=True
            ).prefetch_related("phones")[:size]
        )
        self.rng.shuffle(found)
        return found

    # search terms as an office person types them
    def search_terms(self) -> list[tuple[str, str]]:
        terms = []
        for client in self.sample:
            name = client.last_name or client.company_name or client.first_name
            if len(name) >= 3:
                terms.append(("name prefix", name[:3].lower()))
            if client.first_name and len(client.last_name) >= 3:
                terms.append(("first + last prefix", f"{client.first_name} {client.last_name[:3]}"))
                terms.append(("typo", f"{client.first_name} {_transpose(client.last_name)}"))
            if len(client.last_name) >= 4 and client.last_name.isalpha():
                terms.append(("one-word typo", _transpose(client.last_name)))
            if client.email:
                terms.append(("email fragment", client.email.split("@")[0][:6]))
            phones = list(client.phones.all())
            if phones:
                terms.append(("phone digits", phones[0].number[-7:]))
        self.rng.shuffle(terms)
        return terms

    def profile_client(self) -> Client:
        """A client with 50 contacts and 50 notes (made once, through the services)."""
        client = Client.objects.filter(
            company_id=self.company_id, company_name=PROFILE_CLIENT
        ).first()
        if client is not None:
            return client
        client = services.client_create(
            actor=self.owner,
            data=services.ClientInput(
                fields={"kind": "company", "company_name": PROFILE_CLIENT},
                phones=[("work", "+14155550142")],
            ),
            allow_duplicate=True,
        )
        for i in range(50):
            services.contact_create(
                actor=self.owner,
                client=client,
                values={
                    "first_name": f"Contact{i}",
                    "last_name": "Bench",
                    "email": f"c{i}@bench.example",
                },
            )
            services.note_create(
                actor=self.owner, client=client, text=f"Note {i}: gate code, dog, parking."
            )
        return client


def _transpose(word: str) -> str:
    """Two neighbouring letters swapped, as fast typing does ("Smtih")."""
    if len(word) < 4:
        return word
    i = len(word) // 2
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


# --- W1 to W5 ---------------------------------------------------------------------------------


def w1_search(company: Company, **options) -> Result:
    def send(term: str) -> Callable[[], HttpResponse]:
        return lambda: company.web.get("/app/clients/", {"q": term}, headers={"HX-Request": "true"})

    terms = company.search_terms()
    result = run_workload(
        "W1",
        "Client search as you type (htmx results)",
        [Request(f"{kind}: {term}", send(term)) for kind, term in terms],
        explain=True,
        **options,
    )
    result.extra["terms"] = sorted({kind for kind, _t in terms})
    # The same per kind of term: a typo takes another path (blocking keys) than a prefix.
    for kind in result.extra["terms"]:
        of_kind = [Request(t, send(t)) for k, t in terms if k == kind]
        per_kind = run_workload("W1", kind, of_kind, count=max(20, options["count"] // 5), warmup=5)
        result.extra[kind] = {"p50": per_kind.ms["p50"], "p95": per_kind.ms["p95"]}
    return result


def w2_duplicate_check(company: Company, *, recall_sample: int = 1000, **options) -> Result:
    def send(client: Client) -> Callable[[], HttpResponse]:
        phones = list(client.phones.all())
        params = {
            "first_name": client.first_name,
            "last_name": client.last_name,
            "company_name": client.company_name,
            "email": client.email,
            "phone": phones[0].number if phones else "",
        }
        return lambda: company.api.get("/api/v1/clients/duplicates", params)

    result = run_workload(
        "W2",
        "Duplicate check of a new client (API)",
        [Request(c.display_name, send(c)) for c in company.sample],
        explain=True,
        **options,
    )
    path = truth_path_for(company.owner.company)
    if path.exists():
        truth = read_truth(path)
        measured = measure_duplicate_check(company.company_id, truth, sample=recall_sample)
        result.extra.update(
            {
                "recall": round(measured["recall"], 4),
                "precision": round(measured["precision"], 4),
                "near_duplicates_checked": measured["duplicates"],
            }
        )
    return result


def w3_list(company: Company, **options) -> Result:
    tags = list(Tag.objects.filter(company_id=company.company_id).values_list("pk", flat=True))
    sources = ["Google", "Referral", "Facebook"]
    variants: list[dict] = [
        {},
        {"page": 2},
        {"page": 50},
        {"sort": "newest"},
        {"type": "residential"},
        {"type": "commercial", "page": 3},
        *({"tag": tag} for tag in tags[:4]),
        *({"source": source} for source in sources),
        {"q": "smi", "type": "residential"},
    ]

    def send(params: dict) -> Callable[[], HttpResponse]:
        return lambda: company.web.get("/app/clients/", params)

    return run_workload(
        "W3",
        "Client list page with filters",
        [Request(json.dumps(v), send(v)) for v in variants],
        **options,
    )


def w4_profile(company: Company, **options) -> Result:
    client = company.profile_client()
    url = f"/app/clients/{client.pk}/"
    tabs = [{}, {"tab": "contacts"}, {"tab": "notes"}, {"tab": "activity"}]
    return run_workload(
        "W4",
        "Client profile with 50 contacts and 50 notes",
        [Request(json.dumps(t), (lambda t=t: company.web.get(url, t))) for t in tabs],
        **options,
    )


def w5_api(company: Company, **options) -> Result:
    requests = []
    for i, client in enumerate(company.sample[:100]):
        detail = f"/api/v1/clients/{client.pk}"
        requests.append(Request(detail, lambda detail=detail: company.api.get(detail)))
        params = {"page": 1 + i % 20, "page_size": 50}
        requests.append(
            Request(
                f"list {params}", lambda params=params: company.api.get("/api/v1/clients", params)
            )
        )
    return run_workload("W5", "API client list and detail", requests, **options)


# --- W8 to W12: properties and jobs -------------------------------------------------------------


def _iso(day: datetime.date) -> str:
    return day.isoformat()


def w8_job_list(company: Company, **options) -> Result:
    """The office's job list: open work in a date range (the default look), other statuses,
    a crew member's or nobody's jobs, deep pages, and searches by number, client and street."""
    today = company.today
    week = datetime.timedelta(days=7)
    crew = company.crew(3)
    jobs = company.sample_jobs(12)
    variants: list[dict] = [
        {},
        {"status": "open", "date_from": _iso(today), "date_to": _iso(today + 2 * week)},
        {"status": "open", "date_from": _iso(today - week), "date_to": _iso(today + week)},
        {"status": "open", "date_from": _iso(today), "date_to": _iso(today + 2 * week), "page": 2},
        {"status": "finished", "date_from": _iso(today - 4 * week), "date_to": _iso(today)},
        {"status": "open", "employee": 0},
        {"page": 20},
        *({"status": "open", "employee": m.pk} for m in crew),
    ]
    for i, job in enumerate(jobs[:4]):
        variants.append({"q": f"#{job.pk}"} if i % 2 else {"q": job.property.street[:8]})
    for client in company.sample[:6]:
        name = client.last_name or client.company_name
        if len(name) >= 3:
            variants.append({"q": name[:4], "status": "open"})

    def send(params: dict) -> Callable[[], HttpResponse]:
        return lambda: company.web.get("/app/jobs/", params)

    return run_workload(
        "W8",
        "Jobs list page: open jobs in a date range, filters, search",
        [Request(json.dumps(v), send(v)) for v in variants],
        explain=True,
        **options,
    )


def w9_schedule(company: Company, **options) -> Result:
    """The schedule's week by employee, this week and the ones around it; a day too."""
    today = company.today
    variants = [
        {"view": "week", "date": _iso(today + datetime.timedelta(days=7 * w))}
        for w in (0, 1, -1, 2, -2, -4)
    ]
    variants += [{"view": "day", "date": _iso(today)}]

    def send(params: dict) -> Callable[[], HttpResponse]:
        return lambda: company.web.get("/app/schedule/", params)

    return run_workload(
        "W9",
        "Schedule week view by employee",
        [Request(json.dumps(v), send(v)) for v in variants],
        explain=True,
        **options,
    )


def w10_crew_home(company: Company, **options) -> Result:
    """An employee's phone: today's jobs and the next two weeks, for the busiest crew."""
    requests = []
    for member in company.crew(10):
        web = company.web_for(member)
        requests.append(
            Request(f"crew {member.user.username}", lambda web=web: web.get("/app/crew/"))
        )
    if not requests:
        raise RuntimeError("The company has no employees to measure: generate jobs first.")
    result = run_workload(
        "W10", "Crew home (an employee's jobs)", requests, explain=True, **options
    )
    result.extra["employees"] = len(requests)
    return result


def w11_property_and_client_jobs(company: Company, **options) -> Result:
    """A property's page, and the jobs tab of its client's profile (htmx)."""
    requests = []
    for prop in company.sample_properties(50):
        page = f"/app/properties/{prop.pk}/"
        requests.append(Request(page, lambda page=page: company.web.get(page)))
        profile = f"/app/clients/{prop.client_id}/"
        requests.append(
            Request(
                f"{profile}?panel=jobs",
                lambda profile=profile: company.web.get(
                    profile, {"panel": "jobs"}, headers={"HX-Request": "true"}
                ),
            )
        )
    return run_workload(
        "W11",
        "Property page and the client's jobs tab",
        requests,
        explain=True,
        **options,
    )


def w12_api_jobs(company: Company, **options) -> Result:
    """`GET /api/v1/jobs` with the filters an integration uses, and a job's detail."""
    today = company.today
    requests = []
    for i, job in enumerate(company.sample_jobs(40)):
        detail = f"/api/v1/jobs/{job.pk}"
        requests.append(Request(detail, lambda detail=detail: company.api.get(detail)))
        params: dict = {"status": "open", "date_from": _iso(today), "page": 1 + i % 3}
        if i % 4 == 1:
            params = {
                "date_from": _iso(today - datetime.timedelta(days=30)),
                "date_to": _iso(today),
                "status": "finished",
                "page_size": 100,
            }
        elif i % 4 == 2:
            params = {"property": job.property_id}
        elif i % 4 == 3:
            params = {"client": job.client_id, "page_size": 20}
        requests.append(
            Request(f"list {params}", lambda params=params: company.api.get("/api/v1/jobs", params))
        )
    return run_workload("W12", "API jobs list and detail", requests, explain=True, **options)


# --- W6 ---------------------------------------------------------------------------------------

IMPORT_HEADERS = [
    "First Name",
    "Last Name",
    "Company Name",
    "Email",
    "Mobile Phone",
    "Billing Street 1",
    "Billing City",
    "Billing State",
    "Billing Zip code",
    "Billing Country",
    "Lead Source",
]


def import_csv(rows: int, *, seed: int = 11) -> bytes:
    """A client list as another product exports it: varied, plausible, a few near-duplicates."""
    maker = ClientMaker(random.Random(seed), tag_ids=[])  # noqa: S311
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(IMPORT_HEADERS)
    made = []
    for i in range(rows):
        if made and i % 40 == 0:
            spec, _how = near_duplicate(maker, made[maker.rng.randrange(len(made))])
        else:
            spec = maker.client()
            made.append(spec)
        writer.writerow(
            [
                spec.first_name,
                spec.last_name,
                spec.company_name,
                spec.email,
                spec.phones[0][1] if spec.phones else "",
                spec.street,
                spec.city,
                spec.region,
                spec.postal_code,
                spec.country,
                spec.lead_source,
            ]
        )
    return out.getvalue().encode()


def w6_import(owner: Membership, rows: int) -> dict:
    """Upload, check and import a CSV of `rows` clients into the owner's company, as the
    background tasks do it; seconds per step."""
    content = import_csv(rows)
    began = time.perf_counter()
    upload = SimpleUploadedFile("clients.csv", content, content_type="text/csv")
    client_import, _warnings = importing.import_upload(actor=owner, upload=upload)
    uploaded = time.perf_counter()
    importing.import_check(actor=owner, client_import=client_import)
    checked = time.perf_counter()
    client_import.refresh_from_db()
    importing.import_start(actor=owner, client_import=client_import)
    importing.import_run(actor=owner, client_import=client_import)
    done = time.perf_counter()
    client_import = ClientImport.objects.get(pk=client_import.pk)
    return {
        "rows": rows,
        "seconds": round(done - began, 1),
        "upload_seconds": round(uploaded - began, 1),
        "check_seconds": round(checked - uploaded, 1),
        "import_seconds": round(done - checked, 1),
        "rows_per_second": round(rows / (done - began)),
        "imported": client_import.imported_count,
        "rejected": client_import.rejected_count,
        "skipped_duplicates": client_import.duplicate_count,
        "status": client_import.status,
        "peak_memory_mb": peak_memory_mb(),
    }


# --- W13 to W19: invoices, payments and the ledger ------------------------------------------------

PDF_LINES = 20  # the invoice of W16
BATCH_INVOICES = 500  # the batch of W17


def _invoices_of(company: Company):
    from crewdesk.billing.models import Invoice

    return Invoice.objects.filter(company_id=company.company_id)


def sample_invoices(company: Company, size: int = 50) -> list:
    """Issued invoices at random ids, as for the clients."""
    ids = _invoices_of(company).values_list("pk", flat=True)
    low, high = ids.order_by("pk").first(), ids.order_by("-pk").first()
    if low is None:
        raise RuntimeError("The company has no invoices to measure: generate invoices first.")
    wanted = {company.rng.randint(low, high) for _ in range(size * 3)}
    found = list(
        _invoices_of(company)
        .filter(pk__in=wanted)
        .exclude(number="")
        .select_related("client")[:size]
    )
    company.rng.shuffle(found)
    return found


def big_client(company: Company) -> Client:
    from crewdesk.sampledata.bulk.generate_invoices import BIG_CLIENT

    client = Client.objects.filter(company_id=company.company_id, company_name=BIG_CLIENT).first()
    if client is None:
        raise RuntimeError(f"No {BIG_CLIENT!r}: generate invoices with --client-invoices.")
    return client


def w13_invoice_list(company: Company, **options) -> Result:
    """The office's invoices list: unpaid (open) ones, this month's, a client's, overdue,
    deep pages, and searches by invoice number and by client name."""
    today = company.today
    variants: list[dict] = [
        {},
        {"status": "unpaid"},
        {"status": "open"},
        {"status": "unpaid", "page": 3},
        {"date_from": _iso(today.replace(day=1)), "date_to": _iso(today)},
        {"overdue": "1"},
        {"page": 20},
    ]
    invoices = sample_invoices(company, 12)
    for invoice in invoices[:4]:
        variants.append({"client": invoice.client_id})
    for i, invoice in enumerate(invoices[4:10]):
        variants.append({"q": invoice.number if i % 2 else str(invoice.sequence)})
    for client in company.sample[:6]:
        name = client.last_name or client.company_name
        if len(name) >= 3:
            variants.append({"q": name[:5]})

    def send(params: dict) -> Callable[[], HttpResponse]:
        return lambda: company.web.get("/app/invoices/", params)

    return run_workload(
        "W13",
        "Invoices list: unpaid, this month, by client, overdue, search by number and name",
        [Request(json.dumps(v), send(v)) for v in variants],
        explain=True,
        **options,
    )


def w14_client_invoices(company: Company, **options) -> Result:
    """The Invoices tab of a client's profile (htmx): the client with 10,000 invoices, its
    first and deep pages, and sampled clients' tabs."""
    big = big_client(company)
    requests = []

    def send(client_id: int, params: dict) -> Callable[[], HttpResponse]:
        url = f"/app/clients/{client_id}/"
        query = {"panel": "invoices", **params}
        return lambda: company.web.get(url, query, headers={"HX-Request": "true"})

    for page in (1, 2, 10, 100, 400):
        requests.append(Request(f"big client page {page}", send(big.pk, {"invoices_page": page})))
    for invoice in sample_invoices(company, 10):
        requests.append(Request(f"client {invoice.client_id}", send(invoice.client_id, {})))
    result = run_workload(
        "W14", "A client's invoices tab (one client with 10,000)", requests, explain=True, **options
    )
    result.extra["big_client_invoices"] = _invoices_of(company).filter(client=big).count()
    return result


def w15_ready_to_invoice(company: Company, **options) -> Result:
    """Finished jobs not yet invoiced: the whole list and its next page, by client and by
    property."""
    from crewdesk.billing.selectors import ready_to_invoice

    variants: list[dict] = [{}, {"page": 2}]
    for job in ready_to_invoice(viewer=company.owner)[:6]:
        variants.append({"client": job.client_id})
        variants.append({"property": job.property_id})

    def send(params: dict) -> Callable[[], HttpResponse]:
        return lambda: company.web.get("/app/invoices/ready/", params)

    return run_workload(
        "W15",
        "Ready to invoice: finished jobs not yet invoiced, by client and property",
        [Request(json.dumps(v), send(v)) for v in variants],
        explain=True,
        **options,
    )


def _logo_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 200), "#0f766e")
    ImageDraw.Draw(image).text((40, 60), "Sparkle", fill="white", font_size=72)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def pdf_invoice(company: Company):
    """A 20-line invoice of the profile client, issued through the services, and a logo on
    the company's brand (both made once)."""
    from django.core.files.base import ContentFile

    from crewdesk.billing import services as billing
    from crewdesk.core.models import Brand

    brand = Brand.objects.filter(company_id=company.company_id, is_default=True).first()
    if brand is not None and not brand.logo:
        brand.logo.save("bench-logo.png", ContentFile(_logo_png()), save=True)
    client = company.profile_client()
    invoice = _invoices_of(company).filter(client=client).exclude(number="").first()
    if invoice is None:
        lines = [
            billing.LineInput(f"Office cleaning, visit {i + 1}", "180.00", 1 + i % 3)
            for i in range(PDF_LINES)
        ]
        invoice = billing.invoice_create(
            actor=company.owner, client=client, lines=lines, discount_percent="5", issue=True
        )
    return invoice


def w16_invoice_pdf(company: Company, **options) -> Result:
    """One 20-line invoice's PDF with the brand's logo, as the office downloads it."""
    invoice = pdf_invoice(company)
    url = f"/app/invoices/{invoice.pk}/pdf"
    options = {**options, "count": min(options["count"], 50), "warmup": min(options["warmup"], 3)}
    result = run_workload(
        "W16",
        "One 20-line invoice PDF with a logo",
        [Request(url, lambda: company.web.get(url))],
        **options,
    )
    result.extra["lines"] = invoice.lines.count()
    return result


def batch_of_500(company: Company, size: int = BATCH_INVOICES):
    """A batch of the big client's `size` oldest open invoices (made once, by the service)."""
    from crewdesk.billing import services as billing
    from crewdesk.billing.models import RECEIVABLE_STATUSES, BatchInvoice, BatchItem

    big = big_client(company)
    batch = BatchInvoice.objects.filter(company_id=company.company_id, client=big).first()
    if batch is not None:
        return batch
    taken = BatchItem.objects.filter(company_id=company.company_id, active=True).values("invoice")
    invoices = list(
        _invoices_of(company)
        .filter(client=big, status__in=RECEIVABLE_STATUSES)
        .exclude(pk__in=taken)
        .order_by("due_date", "id")
        .values_list("pk", flat=True)[:size]
    )
    return billing.batch_create(actor=company.owner, client=big, invoices=invoices)


def w17_batch_pdf(company: Company, *, repeat: int = 1, size: int = BATCH_INVOICES) -> Result:
    """The consolidated PDF of a 500-invoice batch, as the background task renders it: its
    seconds and the peak memory the rendering adds (the kernel's peak, reset before)."""
    from bench.upload_cost import Meter
    from crewdesk.billing.documents import batch_pdf
    from crewdesk.billing.models import BatchItem

    batch = batch_of_500(company, size)
    timings, queries, peaks, size = [], [], [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured, Meter() as meter:
            size = len(batch_pdf(batch=batch))
        timings.append(meter.wall_s * 1000)
        queries.append(len(captured))
        peaks.append(meter.rss + meter.memory_mb)
    invoices = BatchItem.objects.filter(batch=batch, active=True).count()
    return Result(
        name="W17",
        title=f"Batch PDF of {invoices} invoices (background render)",
        requests=repeat,
        ms=percentiles(timings),
        queries={"min": min(queries), "max": max(queries)},
        peak_memory_mb=round(max(peaks), 1),
        extra={
            "invoices": invoices,
            "pdf_kb": round(size / 1024),
            "seconds": timings[-1] / 1000,
        },
    )


def w18_check_ledger(company: Company, *, repeat: int = 1) -> Result:
    """`crewdesk check_ledger` over the whole database: every rule, every company."""
    from crewdesk.payments.ledger import ledger_violations

    timings, queries, found = [], [], []
    for _ in range(repeat):
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            found = ledger_violations()
        timings.append(1000 * (time.perf_counter() - began))
        queries.append(len(captured))
    return Result(
        name="W18",
        title="check_ledger over the whole database",
        requests=repeat,
        ms=percentiles(timings),
        queries={"min": min(queries), "max": max(queries)},
        peak_memory_mb=peak_memory_mb(),
        extra={"violations": len(found), "invoices": _invoices_of(company).count()},
    )


def w19_aging(company: Company, **options) -> Result:
    """Aging: the company's open balances by how late they are, and the first page of the
    per-client table (most owed first) — the office's page when there is one, else its
    selectors."""
    from django.urls import NoReverseMatch, reverse

    from crewdesk.payments import selectors

    try:
        url = reverse("payments:aging")
    except NoReverseMatch:
        url = None

    def read() -> HttpResponse:
        if url:
            return company.web.get(url)
        totals = selectors.aging(viewer=company.owner)
        rows = list(selectors.aging_by_client(viewer=company.owner)[:50])
        return HttpResponse(f"{totals.total} {len(rows)}")

    result = run_workload(
        "W19",
        "Aging: totals and the per-client table",
        [Request(url or "selectors", read)],
        explain=True,
        **options,
    )
    result.extra["through"] = url or "payments.selectors.aging + aging_by_client[:50]"
    return result
