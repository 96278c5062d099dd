"""Properties and jobs for the bulk data generator (`crewdesk generate_data`, the benchmarks).

For every client of a company that has no property yet: one property (sometimes two or three)
at a plausible address, some with access notes, and about three jobs spread over the last two
years and the next two weeks — finished in the past, a mix today, pending ahead — each with
one line from a small service catalog and one or two of the company's crew. Rows are written
in batches with the LoadWriter (COPY on PostgreSQL), never saved one by one, and without an
activity row per job: one "generated" row says what was made.

The density stays plausible at any size: jobs per day grow with the clients, and so does the
crew (about one employee per 2,000 clients, at least 10), so a crew member has a handful of
jobs a day whether the company has 10 thousand clients or a million."""

import datetime
import random
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from crewdesk.accounts.models import Membership, User
from crewdesk.clients import normalize
from crewdesk.clients.indexing import TOKEN_MAX
from crewdesk.clients.models import Client, ClientToken
from crewdesk.core.money import line_total
from crewdesk.core.roles import Role
from crewdesk.jobs.models import Job, JobAssignment, JobLine, JobStatus
from crewdesk.properties.models import Property, PropertyType, Service
from crewdesk.properties.services import service_create
from crewdesk.sampledata import events
from crewdesk.sampledata.bulk.client_maker import ClientMaker
from crewdesk.sampledata.bulk.places import STREET_NAMES, STREET_TYPES
from crewdesk.sampledata.bulk.writer import LoadWriter

VERB_GENERATED = events.Verb.JOBS_GENERATED
PAST_DAYS = 730  # jobs are spread over the last two years…
AHEAD_DAYS = 14  # …and the next two weeks
CLIENTS_PER_EMPLOYEE = 2000
MIN_EMPLOYEES, MAX_EMPLOYEES = 10, 500
FAST_LOAD_MIN_CLIENTS = 50_000

# name, price, minutes, taxable; the weight says how many properties get it as their service
CATALOG = [
    ("Standard clean", "120.00", 120, True, 40),
    ("Deep clean", "260.00", 240, True, 8),
    ("Move-out clean", "340.00", 300, True, 3),
    ("Vacation rental turnover", "145.00", 150, True, 12),
    ("Window washing", "150.00", 120, True, 7),
    ("Office cleaning", "180.00", 180, True, 10),
    ("Pool service", "85.00", 45, False, 10),
    ("Lawn mowing", "55.00", 45, False, 10),
]
SECOND_PLACES = [
    ("Lake house", PropertyType.RESIDENTIAL),
    ("Beach cottage", PropertyType.RESIDENTIAL),
    ("Rental unit", PropertyType.RESIDENTIAL),
    ("Mountain cabin", PropertyType.RESIDENTIAL),
    ("Duplex", PropertyType.RESIDENTIAL),
    ("Condo", PropertyType.RESIDENTIAL),
    ("Pool", PropertyType.POOL),
    ("Office", PropertyType.BUSINESS),
    ("Warehouse", PropertyType.BUSINESS),
    ("Storefront", PropertyType.BUSINESS),
]
ACCESS_NOTES = [
    "Gate code {code}#.",
    "Lockbox on the back door, code {code}.",
    "Key under the mat. Dog in the yard (friendly).",
    "Alarm code {code}; disarm within 30 seconds.",
    "Garage keypad {code}. Please close it when you leave.",
    "Ring twice; the owner works from home.",
    "Two cats: keep the bedroom doors closed.",
    "Smart lock code {code}, changes every month.",
    "Concierge has the key; sign the log at the front desk.",
    "Park on the street, not in the driveway.",
]
CREW_NAMES = [
    ("Luis", "Ortega"),
    ("Ana", "Silva"),
    ("Kevin", "Nguyen"),
    ("Maya", "Johnson"),
    ("Carlos", "Ramirez"),
    ("Fatima", "Ali"),
    ("Jake", "Miller"),
    ("Sofia", "Rossi"),
    ("Dmitri", "Ivanov"),
    ("Grace", "Okafor"),
    ("Tomás", "Herrera"),
    ("Emily", "Brown"),
]
PROPERTY_COLUMNS = [f.column for f in Property._meta.concrete_fields]
PROPERTY_DEFAULTS = {f.column: f.get_default() for f in Property._meta.concrete_fields}
JOB_COLUMNS = [f.column for f in Job._meta.concrete_fields]
JOB_DEFAULTS = {f.column: f.get_default() for f in Job._meta.concrete_fields}
LINE_COLUMNS = [
    "company_id",
    "job_id",
    "service_id",
    "description",
    "quantity",
    "unit_price",
    "taxable",
    "position",
]
ASSIGNMENT_COLUMNS = ["company_id", "job_id", "membership_id", "scheduled_date"]
TOKEN_COLUMNS = ["company_id", "token", "client_id"]
TABLES: list[tuple[type[Model], list[str]]] = [
    (Property, PROPERTY_COLUMNS),
    (Job, JOB_COLUMNS),
    (JobLine, LINE_COLUMNS),
    (JobAssignment, ASSIGNMENT_COLUMNS),
]
Progress = Callable[[str], None]


@dataclass
class JobsResult:
    clients: int = 0
    properties: int = 0
    jobs: int = 0
    lines: int = 0
    assignments: int = 0
    employees: int = 0
    seconds: float = 0.0


@dataclass
class CatalogEntry:
    id: int
    name: str
    price: Decimal
    minutes: int
    taxable: bool
    weight: int


def crew_for_generation(owner: Membership, wanted: int) -> list[int]:
    """The company's active employee memberships, topped up with generated crew members to
    `wanted` (a company of generated clients needs someone to do the work)."""
    company = owner.company
    members = list(
        Membership.objects.filter(company=company, role=Role.EMPLOYEE, active=True)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    missing = wanted - len(members)
    if missing <= 0:
        return members
    taken = set(
        User.objects.filter(username__startswith=f"crew-{company.slug}-").values_list(
            "username", flat=True
        )
    )
    users, i = [], 0
    while len(users) < missing:
        i += 1
        username = f"crew-{company.slug}-{i}"[:150]
        if username in taken:
            continue
        first, last = CREW_NAMES[(i - 1) % len(CREW_NAMES)]
        users.append(
            User(
                username=username,
                email=f"crew{i}@{company.slug}.example.com",
                first_name=first,
                last_name=last,
                password=make_password(None),
            )
        )
    with transaction.atomic():
        created = User.objects.bulk_create(users)
        if not all(u.pk for u in created):  # backends that do not return ids
            created = list(User.objects.filter(username__in=[u.username for u in users]))
        Membership.objects.bulk_create(
            Membership(user_id=u.pk, company=company, role=Role.EMPLOYEE) for u in created
        )
    return list(
        Membership.objects.filter(company=company, role=Role.EMPLOYEE, active=True)
        .order_by("id")
        .values_list("pk", flat=True)
    )


def catalog_for_generation(owner: Membership) -> list[CatalogEntry]:
    """The generator's services in the company's catalog, made (through the service) when
    missing."""
    entries = []
    for name, price, minutes, taxable, weight in CATALOG:
        service = Service.objects.filter(
            company_id=owner.company_id, name__iexact=name, archived_at__isnull=True
        ).first()
        if service is None:
            service = service_create(
                actor=owner,
                data={
                    "name": name,
                    "default_price": Decimal(price),
                    "duration_minutes": minutes,
                    "taxable": taxable,
                },
            )
        entries.append(
            CatalogEntry(
                service.pk,
                service.name,
                service.default_price,
                service.duration_minutes,
                service.taxable,
                weight,
            )
        )
    return entries


class JobMaker:
    """Turns clients into rows of properties, jobs, lines and assignments."""

    def __init__(
        self,
        rng: random.Random,
        *,
        company_id: int,
        user_id: int,
        zone: zoneinfo.ZoneInfo,
        today: datetime.date,
        catalog: list[CatalogEntry],
        crew: list[int],
        jobs_per_client: float,
        home_country: str = "US",
    ):
        self.rng = rng
        self.company_id, self.user_id = company_id, user_id
        self.zone, self.today = zone, today
        self.catalog = catalog
        self.catalog_weights = [c.weight for c in catalog]
        self.crew = crew
        self.jobs_per_client = jobs_per_client
        self.addresses = ClientMaker(rng, home_country=home_country, tag_ids=[])
        self.now = timezone.now()

    def rows(
        self, clients: list[tuple], property_ids: list[int], job_ids: list[int]
    ) -> dict[type[Model], list[tuple]]:
        """Rows for `clients` ((id, kind, street, street2, city, region, postal_code,
        country) each); the ids are reserved for as many properties and jobs as planned by
        `plan`."""
        properties, jobs, lines, assignments, tokens = [], [], [], [], []
        property_ids, job_ids = iter(property_ids), iter(job_ids)
        for client, (places, job_counts) in zip(clients, self.planned, strict=True):
            for place, job_count in zip(range(places), job_counts, strict=True):
                prop_id = next(property_ids)
                service, values = self._property(client, place)
                values["id"] = prop_id
                properties.append(
                    tuple(values.get(c, PROPERTY_DEFAULTS[c]) for c in PROPERTY_COLUMNS)
                )
                # The client is found by the property's words too (clients/indexing.py).
                words = normalize.words(f"{values['name']} {values['street']} {values['city']}")
                tokens.extend((self.company_id, word[:TOKEN_MAX], client[0]) for word in set(words))
                usual = self.crew[prop_id % len(self.crew)] if self.crew else None
                for _n in range(job_count):
                    job_id = next(job_ids)
                    self._job(job_id, client[0], prop_id, service, usual, jobs, lines, assignments)
        return {
            Property: properties,
            Job: jobs,
            JobLine: lines,
            JobAssignment: assignments,
            ClientToken: tokens,
        }

    def plan(self, clients: list[tuple]) -> tuple[int, int]:
        """How many properties and jobs each client gets; answers the totals."""
        rng = self.rng
        self.planned = []
        properties = jobs = 0
        for _client in clients:
            roll = rng.random()
            places = 1 if roll < 0.85 else (2 if roll < 0.97 else 3)
            counts = []
            mean = self.jobs_per_client / places  # about jobs_per_client per client
            for _p in range(places):
                counts.append(round(rng.triangular(0, 2 * mean, mean)) if mean > 0 else 0)
            self.planned.append((places, counts))
            properties += places
            jobs += sum(counts)
        return properties, jobs

    def _property(self, client: tuple, place: int) -> tuple[CatalogEntry, dict]:
        rng = self.rng
        _id, kind, street, street2, city, region, postal_code, country = client
        if place == 0 and street and rng.random() < 0.8:
            # The client's own address: where most people want their house cleaned.
            address = {
                "street": street,
                "street2": street2,
                "city": city,
                "region": region,
                "postal_code": postal_code,
                "country": country,
            }
            name = "Main office" if kind == "company" else ""
            ptype = PropertyType.BUSINESS if kind == "company" else PropertyType.RESIDENTIAL
        else:
            address = self.addresses.address()
            address.pop("_city", None)
            if rng.random() < 0.3:
                address["street"] = (
                    f"{rng.randint(1, 9999)} {rng.choice(STREET_NAMES)} "
                    f"{rng.choice(STREET_TYPES)[0]}"
                )
            name, ptype = rng.choice(SECOND_PLACES)
        if ptype == PropertyType.POOL:
            service = next(c for c in self.catalog if c.name == "Pool service")
        elif ptype == PropertyType.BUSINESS and rng.random() < 0.7:
            service = next(c for c in self.catalog if c.name == "Office cleaning")
        else:
            service = rng.choices(self.catalog, weights=self.catalog_weights)[0]
        notes = ""
        if rng.random() < 0.3:
            notes = rng.choice(ACCESS_NOTES).format(code=rng.randint(1000, 9999))
        created = self.now - datetime.timedelta(days=PAST_DAYS + rng.randint(1, 365))
        return service, {
            "company_id": self.company_id,
            "client_id": client[0],
            "name": name,
            "type": ptype,
            **address,
            "access_notes": notes,
            "description": "",
            "created_by_id": self.user_id,
            "created_at": created,
            "archived_at": None,
        }

    def _job(self, job_id, client_id, prop_id, service, usual, jobs, lines, assignments) -> None:
        rng = self.rng
        offset = rng.randint(-PAST_DAYS, AHEAD_DAYS)
        day = self.today + datetime.timedelta(days=offset)
        if day.weekday() == 6:  # Sunday: the crew rests
            day += datetime.timedelta(days=1 if offset < AHEAD_DAYS else -1)
            offset = (day - self.today).days
        hour = 19 if service.name == "Office cleaning" else rng.randint(7, 16)
        local = datetime.datetime.combine(
            day, datetime.time(hour, rng.choice((0, 0, 15, 30, 45))), tzinfo=self.zone
        )
        start = local.astimezone(datetime.UTC)
        end = start + datetime.timedelta(minutes=service.minutes)
        # the date is the start's local day, even across a DST change (as services.py sets it)
        scheduled_date = start.astimezone(self.zone).date()
        roll = rng.random()
        if offset < 0:
            status = JobStatus.FINISHED if roll < 0.95 else JobStatus.CANCELLED
        elif offset == 0:
            status = rng.choice(
                [JobStatus.PENDING, JobStatus.ON_THE_WAY, JobStatus.STARTED, JobStatus.FINISHED]
            )
        else:
            status = JobStatus.PENDING if roll < 0.97 else JobStatus.CANCELLED
        bad_debt = status == JobStatus.FINISHED and rng.random() < 0.01
        changed_at = None
        if status != JobStatus.PENDING:
            changed_at = min(end if status == JobStatus.FINISHED else start, self.now)
        price = service.price
        if rng.random() < 0.3:  # a price agreed for this place
            price = (price * Decimal(rng.choice(("0.9", "1.1", "1.25")))).quantize(Decimal("0.01"))
        quantity = Decimal("1.00")
        created = min(start - datetime.timedelta(days=rng.randint(1, 30)), self.now)
        values = {
            "id": job_id,
            "company_id": self.company_id,
            "client_id": client_id,
            "property_id": prop_id,
            "title": service.name,
            "scheduled_start": start,
            "scheduled_end": end,
            "scheduled_date": scheduled_date,
            "status": status,
            "status_changed_at": changed_at,
            "internal_notes": "",
            "customer_notes": "",
            "total": line_total(quantity, price),
            "checklist_blocks_finish": True,
            "bad_debt": bad_debt,
            "bad_debt_at": self.now if bad_debt else None,
            "property_service_id": None,
            "occurrence": None,
            "created_by_id": self.user_id,
            "created_at": created,
            "updated_at": max(created, changed_at or created),
            "archived_at": None,
        }
        jobs.append(tuple(values.get(c, JOB_DEFAULTS[c]) for c in JOB_COLUMNS))
        lines.append(
            (
                self.company_id,
                job_id,
                service.id,
                service.name,
                quantity,
                price,
                service.taxable,
                0,
            )
        )
        if not self.crew or (status == JobStatus.PENDING and rng.random() < 0.05):
            return  # not assigned yet
        crew = [usual]
        if rng.random() < 0.25 and len(self.crew) > 1:
            other = rng.choice(self.crew)
            if other != usual:
                crew.append(other)
        assignments.extend((self.company_id, job_id, member, scheduled_date) for member in crew)


def _write(writer: LoadWriter, rows: dict[type[Model], list[tuple]]) -> int:
    written = 0
    for model, columns in TABLES:
        written += writer.write_rows(model, columns, rows[model])
    # Not among TABLES: the search index keeps its indexes during a fast load (rebuilding the
    # biggest table's indexes would cost more than writing these rows into them).
    writer.write(ClientToken, TOKEN_COLUMNS, rows[ClientToken])
    return written


def _clients_with_properties(company_id: int) -> set[int]:
    """Read once at the start: during a fast load the index by client is gone."""
    return set(
        Property.objects.filter(company_id=company_id)
        .order_by()
        .values_list("client_id", flat=True)
        .distinct()
    )


def _clients_without_properties(
    company_id: int, after: int, size: int, having: set[int]
) -> tuple[list, int]:
    """The next `size` clients by id after `after` (and the last id seen), keeping those that
    had no property at the start and are not merged into another."""
    chunk = list(
        Client.objects.filter(company_id=company_id, pk__gt=after)
        .order_by("pk")
        .values_list(
            "pk",
            "kind",
            "street",
            "street2",
            "city",
            "region",
            "postal_code",
            "country",
            "merged_into_id",
        )[:size]
    )
    if not chunk:
        return [], after
    kept = [row[:8] for row in chunk if row[0] not in having and row[8] is None]
    return kept, chunk[-1][0]


def generate_jobs(
    owner: Membership,
    *,
    seed: int | str = 0,
    jobs_per_client: float = 3.0,
    employees: int | None = None,
    batch_size: int = 5000,
    fast_load: bool | None = None,
    progress: Progress | None = None,
) -> JobsResult:
    """Properties and jobs for every client of the owner's company that has no property yet.

    `employees`: crew members the jobs are spread over (default: one per 2,000 clients, 10
    to 500), generated when the company has fewer. `fast_load` (PostgreSQL, outside a
    transaction; default when there are at least 50,000 clients to fill, and at least as many
    as the database holds properties) writes everything in one transaction with the four
    tables' secondary indexes and foreign keys dropped, then rebuilds them."""
    started = time.monotonic()
    company = owner.company
    say = progress or (lambda _m: None)
    result = JobsResult()
    rng = random.Random(f"crewdesk-jobs-{seed}")  # noqa: S311 (test data, not secrets)
    client_count = Client.objects.filter(company=company).count()
    if employees is None:
        employees = min(MAX_EMPLOYEES, max(MIN_EMPLOYEES, client_count // CLIENTS_PER_EMPLOYEE))
    crew = crew_for_generation(owner, employees)[: max(employees, 1)] if employees else []
    result.employees = len(crew)
    catalog = catalog_for_generation(owner)
    zone = zoneinfo.ZoneInfo(company.timezone)
    maker = JobMaker(
        rng,
        company_id=company.id,
        user_id=owner.user_id,
        zone=zone,
        today=timezone.localdate(timezone=zone),
        catalog=catalog,
        crew=crew,
        jobs_per_client=jobs_per_client,
        home_country=company.country or "US",
    )
    writer = LoadWriter()
    outside = not connection.in_atomic_block
    having = _clients_with_properties(company.id)
    if fast_load is None:
        # As for the clients: only when filling at least as much as the tables hold already.
        to_fill = client_count - len(having)
        fast_load = to_fill >= FAST_LOAD_MIN_CLIENTS and to_fill >= Property.objects.count()
    fast_load = bool(fast_load and writer.postgres and outside)

    def fill_batch(after: int) -> int:
        clients, last = _clients_without_properties(company.id, after, batch_size, having)
        if not clients:
            return last
        properties, jobs = maker.plan(clients)
        rows = maker.rows(
            clients, writer.reserve_ids(Property, properties), writer.reserve_ids(Job, jobs)
        )
        _write(writer, rows)
        result.clients += len(clients)
        result.properties += len(rows[Property])
        result.jobs += len(rows[Job])
        result.lines += len(rows[JobLine])
        result.assignments += len(rows[JobAssignment])
        elapsed = max(time.monotonic() - started, 1e-6)
        say(
            f"{result.clients:,} clients: {result.properties:,} properties, "
            f"{result.jobs:,} jobs, {elapsed:.1f} s ({result.jobs / elapsed:,.0f} jobs/s)"
        )
        return last

    def fill_all(per_batch: bool) -> None:
        after = 0
        while True:
            if per_batch:
                with transaction.atomic():
                    last = fill_batch(after)
            else:
                last = fill_batch(after)
            if last == after:
                return
            after = last

    if fast_load:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
                cursor.execute("SET LOCAL maintenance_work_mem TO '512MB'")
            restore = writer.suspend_indexes([model for model, _c in TABLES])
            say("Fast load: secondary indexes and foreign keys are rebuilt at the end.")
            fill_all(per_batch=False)
            say(f"Rebuilding {len(restore)} indexes and foreign keys…")
            writer.run(restore)
    else:
        fill_all(per_batch=True)

    events.sample_data_generated_event(
        owner=owner,
        verb=VERB_GENERATED,
        clients=result.clients,
        properties=result.properties,
        jobs=result.jobs,
        seed=str(seed),
    )
    if writer.postgres and outside and result.jobs:
        say("Vacuuming and analysing the new rows…")
        writer.run(
            f"VACUUM (ANALYZE) {connection.ops.quote_name(m._meta.db_table)}" for m, _c in TABLES
        )
    result.seconds = time.monotonic() - started
    return result
