"""Invoices and payments for the bulk data generator (`crewdesk generate_data`, the benchmarks).

For every client of a company that has no invoice yet: one invoice per finished job (about
three per client), its line copied from the job's as billing's services copy it, its figures
from billing/amounts.py, numbered from the company's counter; the work of the last
READY_DAYS days is left ready to invoice. Invoices are mostly paid the older they are, some
partly, some open and overdue, a few void (reissued) or written off (the jobs marked bad debt
are); payments of every method pay them through allocations (sometimes one payment for several
invoices, sometimes more than owed: credit), with a few refunded, bounced (their allocation
reversed), still processing (ACH) or waiting for approval (a customer's Zelle report).

Everything is written in batches with the LoadWriter (COPY on PostgreSQL) and holds the
ledger's rules (payments/ledger.py), so `crewdesk check_ledger` finds nothing. The rows skip
what a service does beside the money: no history rows, no activity per invoice, invoice
numbers in the order clients are filled rather than by date.

With `client_invoices`, one more client (BIG_CLIENT) gets that many invoices written by hand
(the client profile's invoices tab at its worst)."""

import datetime
import itertools
import random
import secrets
import time
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from crewdesk.accounts.models import Membership
from crewdesk.billing import amounts
from crewdesk.billing.models import (
    DocumentCounter,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Series,
    invoice_number,
)
from crewdesk.billing.services import mark_invoiced
from crewdesk.clients.models import Client
from crewdesk.jobs.models import Job, JobStatus
from crewdesk.payments.allocations import REVERSED_BOUNCED
from crewdesk.payments.models import (
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentStatus,
    Refund,
)
from crewdesk.sampledata import events
from crewdesk.sampledata.bulk.writer import LoadWriter

READY_DAYS = 10  # finished work of the last ten days waits in "ready to invoice"
TERMS_DAYS = 14
FAST_LOAD_MIN_CLIENTS = 50_000
BIG_CLIENT = "Benchmark Invoices Client"  # the client with `client_invoices` invoices
ZERO = Decimal("0.00")
# How clients pay (weights): card and ACH online, the rest recorded by the office.
METHODS = [
    (PaymentMethod.CARD, 45),
    (PaymentMethod.ACH, 20),
    (PaymentMethod.CHECK, 15),
    (PaymentMethod.ZELLE, 8),
    (PaymentMethod.CASH, 7),
    (PaymentMethod.BANK_TRANSFER, 5),
]
METHOD_NAMES = [method for method, _weight in METHODS]
METHOD_WEIGHTS = list(itertools.accumulate(weight for _method, weight in METHODS))
REFERENCES = {
    PaymentMethod.CARD: "Visa •••• {n}",
    PaymentMethod.ACH: "ACH {n}",
    PaymentMethod.CHECK: "Check {n}",
    PaymentMethod.ZELLE: "Zelle {n}",
    PaymentMethod.CASH: "",
    PaymentMethod.BANK_TRANSFER: "Wire {n}",
}
HAND_LINES = [
    ("Office cleaning, weekly visit", "180.00", True),
    ("Window washing, ground floor", "150.00", True),
    ("Restroom restock", "35.00", True),
    ("Carpet spot cleaning", "45.00", True),
    ("Parking lot sweep", "60.00", False),
]

INVOICE_COLUMNS = [f.column for f in Invoice._meta.concrete_fields]
INVOICE_DEFAULTS = {f.column: f.get_default() for f in Invoice._meta.concrete_fields}
LINE_COLUMNS = [
    "company_id",
    "invoice_id",
    "job_id",
    "job_line_id",
    "active",
    "property_id",
    "service_id",
    "service_date",
    "description",
    "quantity",
    "unit_price",
    "taxable",
    "amount",
    "discount",
    "position",
]
PAYMENT_COLUMNS = [f.column for f in Payment._meta.concrete_fields]
PAYMENT_DEFAULTS = {f.column: f.get_default() for f in Payment._meta.concrete_fields}
ALLOCATION_COLUMNS = [
    "company_id",
    "payment_id",
    "invoice_id",
    "amount",
    "created_by_id",
    "created_at",
    "reversed_at",
    "reversal_reason",
]
REFUND_COLUMNS = ["company_id", "payment_id", "amount", "fee_amount", "reason", "created_at"]
TABLES: list[tuple[type[Model], list[str]]] = [
    (Invoice, INVOICE_COLUMNS),
    (InvoiceLine, LINE_COLUMNS),
    (Payment, PAYMENT_COLUMNS),
    (PaymentAllocation, ALLOCATION_COLUMNS),
    (Refund, REFUND_COLUMNS),
]

Progress = Callable[[str], None]


@dataclass
class InvoicesResult:
    clients: int = 0
    invoices: int = 0
    lines: int = 0
    payments: int = 0
    allocations: int = 0
    seconds: float = 0.0


@dataclass
class WorkLine:
    """What an invoice line is made of: a job's line, or one written by hand."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    taxable: bool
    job_id: int | None = None
    job_line_id: int | None = None
    property_id: int | None = None
    service_id: int | None = None
    service_date: datetime.date | None = None
    bad_debt: bool = False  # the job's: its invoice is written off


class InvoiceMaker:
    """Turns a client's finished work into rows of invoices, lines, payments, allocations and
    refunds that hold the ledger's rules."""

    def __init__(self, rng: random.Random, *, company, user_id: int, today: datetime.date):
        self.rng = rng
        self.company = company
        self.company_id, self.user_id = company.id, user_id
        self.zone = zoneinfo.ZoneInfo(company.timezone)
        self.today = today
        self.now = timezone.now()
        self.tax_rate = company.default_tax_rate
        self.rows: dict[type[Model], list] = {}
        self.reset()

    def reset(self) -> None:
        # Invoices and payments are dicts until their ids are reserved (lines and allocations
        # point at them); lines, allocations and refunds hold those dicts meanwhile.
        self.invoices: list[dict] = []
        self.payments: list[dict] = []
        self.lines: list[tuple[dict, WorkLine, Decimal, Decimal, bool, int]] = []
        self.allocations: list[tuple[dict, dict, Decimal, datetime.datetime | None]] = []
        self.refunds: list[tuple[dict, Decimal]] = []

    def moment(self, day: datetime.date, hour: int = 12) -> datetime.datetime:
        return min(datetime.datetime.combine(day, datetime.time(hour), tzinfo=self.zone), self.now)

    # --- one client ---

    def client(self, client_id: int, tax_exempt: bool, work: list[WorkLine]) -> None:
        """One invoice per job (per line of `work`), dated the job's day or soon after."""
        invoices = []
        for line in work:
            day = line.service_date + datetime.timedelta(days=self.rng.choice((0, 0, 1, 2)))
            invoices.append(
                self.invoice(client_id, tax_exempt, [line], min(day, self.today), line.bad_debt)
            )
        self.pay(client_id, [i for i in invoices if i["_pay"]])

    def invoice(self, client_id, tax_exempt, work, day, bad_debt=False, *, big=False) -> dict:
        """An invoice of `work` dated `day`: its status drawn by its age (the big client's
        are paid less often, so it has hundreds open), an unsettled payment now and then."""
        rng = self.rng
        age = (self.today - day).days
        roll = rng.random()
        if not bad_debt and roll < 0.01:
            # Voided, then issued again: the void one keeps its number, its lines inactive.
            self._invoice_row(client_id, tax_exempt, work, day, InvoiceStatus.VOID)
            return self.invoice(client_id, tax_exempt, work, day, big=big)
        if bad_debt:
            status = InvoiceStatus.BAD_DEBT
        elif age < READY_DAYS + 2 and roll < 0.08:
            status = InvoiceStatus.DRAFT
        else:
            paid_share = 0.6 if big else (0.97 if age > 90 else 0.85 if age > 30 else 0.4)
            share = rng.random()
            if share < paid_share:
                status = InvoiceStatus.PAID
            elif share < paid_share + (0.1 if big else 0.03):
                status = InvoiceStatus.PARTIALLY_PAID
            else:
                status = InvoiceStatus.OPEN
        invoice = self._invoice_row(client_id, tax_exempt, work, day, status)
        invoice["_pay"] = status in (InvoiceStatus.PAID, InvoiceStatus.PARTIALLY_PAID)
        if status == InvoiceStatus.OPEN and age < 30:
            self._unsettled(client_id, invoice)
        return invoice

    def _invoice_row(self, client_id, tax_exempt, work, day, status) -> dict:
        totals = amounts.invoice_totals(
            [amounts.LineIn(w.quantity, w.unit_price, w.taxable) for w in work],
            tax_rate=self.tax_rate,
            tax_exempt=tax_exempt,
        )
        issued = status != InvoiceStatus.DRAFT
        moment = self.moment(day, 9)
        properties = {w.property_id for w in work if w.property_id}
        invoice = {
            "company_id": self.company_id,
            "client_id": client_id,
            "property_id": properties.pop() if len(properties) == 1 else None,
            "kind": InvoiceKind.STANDARD,
            "status": status,
            "issue_date": day if issued else None,
            "due_date": amounts.due_date_for(day, TERMS_DAYS) if issued else None,
            "payment_terms_days": TERMS_DAYS,
            "sent_at": moment if issued and self.rng.random() < 0.9 else None,
            "currency": self.company.currency,
            "tax_rate": self.tax_rate,
            "tax_exempt": tax_exempt,
            "discount_requested": ZERO,
            "subtotal": totals.subtotal,
            "discount": totals.discount,
            "tax": totals.tax,
            "total": totals.total,
            "amount_paid": ZERO,
            "written_off": ZERO,
            "balance": totals.total if issued and status != InvoiceStatus.VOID else ZERO,
            "customer_message": "",
            "public_token": secrets.token_urlsafe(32)
            if issued and status != InvoiceStatus.VOID
            else None,
            "void_reason": "Issued again with a correction."
            if status == InvoiceStatus.VOID
            else "",
            "voided_at": moment if status == InvoiceStatus.VOID else None,
            "written_off_at": None,
            "created_by_id": self.user_id,
            "created_at": moment,
            "updated_at": moment,
            "_numbered": issued,
        }
        if status == InvoiceStatus.BAD_DEBT:
            invoice.update(written_off=totals.total, balance=ZERO, written_off_at=moment)
        self.invoices.append(invoice)
        active = status != InvoiceStatus.VOID
        for position, (line, figures) in enumerate(zip(work, totals.lines, strict=True)):
            self.lines.append((invoice, line, figures.amount, figures.discount, active, position))
        return invoice

    # --- payments ---

    def _payment(self, client_id, method, amount, day, status=PaymentStatus.COMPLETED, **extra):
        rng = self.rng
        reference = REFERENCES[method].format(n=rng.randint(1000, 9999))
        moment = self.moment(day)
        payment = {
            "company_id": self.company_id,
            "client_id": client_id,
            "method": method,
            "status": status,
            "amount": amount,
            "fee_amount": ZERO,
            "currency": self.company.currency,
            "reference": reference,
            "received_at": moment,
            "refunded_amount": ZERO,
            "fee_refunded": ZERO,
            "created_by_id": self.user_id,
            "created_at": moment,
            "updated_at": moment,
            **extra,
        }
        self.payments.append(payment)
        return payment

    def _method(self) -> str:
        return self.rng.choices(METHOD_NAMES, cum_weights=METHOD_WEIGHTS)[0]

    def _allocate(self, payment, invoice, amount, reversed_at=None) -> None:
        self.allocations.append((payment, invoice, amount, reversed_at))
        if reversed_at is None:
            invoice["amount_paid"] += amount
            invoice["balance"] -= amount

    def pay(self, client_id: int, invoices: list[dict]) -> None:
        """Pay these (paid or partly paid) invoices: one payment each, or now and then one
        for them all; a few pay more than owed (credit), a few are charged twice and refunded."""
        rng = self.rng
        if not invoices:
            return
        owed = {id(i): i["total"] for i in invoices}
        for invoice in invoices:
            if invoice["status"] == InvoiceStatus.PARTIALLY_PAID:
                part = (invoice["total"] * Decimal(rng.choice(("0.3", "0.5", "0.6")))).quantize(
                    Decimal("0.01")
                )
                owed[id(invoice)] = max(
                    Decimal("0.01"), min(part, invoice["total"] - Decimal("0.01"))
                )
        if len(invoices) >= 2 and rng.random() < 0.15:
            last = max(i["issue_date"] for i in invoices)
            day = min(self.today, last + datetime.timedelta(days=rng.randint(0, 20)))
            total = sum(owed.values(), ZERO)
            payment = self._payment(client_id, PaymentMethod.CHECK, total, day)
            for invoice in invoices:
                self._allocate(payment, invoice, owed[id(invoice)])
            return
        for invoice in invoices:
            amount = owed[id(invoice)]
            day = min(self.today, invoice["issue_date"] + datetime.timedelta(rng.randint(0, 25)))
            method = self._method()
            extra = Decimal(rng.randint(1, 20)) if rng.random() < 0.02 else ZERO
            payment = self._payment(client_id, method, amount + extra, day)
            self._allocate(payment, invoice, amount)
            if rng.random() < 0.005:
                # Charged twice by mistake: the second charge given back in full.
                twice = self._payment(
                    client_id,
                    method,
                    amount,
                    day,
                    status=PaymentStatus.REFUNDED,
                    refunded_amount=amount,
                )
                self.refunds.append((twice, amount))

    def _unsettled(self, client_id: int, invoice: dict) -> None:
        """A recent open invoice now and then has a payment that moved no money (yet)."""
        rng = self.rng
        roll = rng.random()
        day = invoice["issue_date"]
        if roll < 0.04:  # ACH still settling: allocates nothing until it completes
            self._payment(
                client_id,
                PaymentMethod.ACH,
                invoice["total"],
                day,
                status=PaymentStatus.PENDING,
                invoice=invoice,
            )
        elif roll < 0.07:  # the customer says they paid by Zelle
            self._payment(
                client_id,
                PaymentMethod.ZELLE,
                invoice["total"],
                day,
                status=PaymentStatus.TO_APPROVAL,
                invoice=invoice,
            )
        elif roll < 0.1:  # a check that bounced: its allocation reversed, owed again
            check = self._payment(
                client_id,
                PaymentMethod.CHECK,
                invoice["total"],
                day,
                status=PaymentStatus.FAILED,
                failure_reason="bounced",
            )
            self._allocate(check, invoice, invoice["total"], reversed_at=self.moment(self.today))

    # --- rows ---

    def take_rows(self, writer: LoadWriter, first_number: int) -> dict[type[Model], list[tuple]]:
        """The rows of what was made since the last call, with ids reserved and numbers
        given from `first_number` on."""
        invoice_ids = iter(writer.reserve_ids(Invoice, len(self.invoices)))
        number = first_number
        for invoice in self.invoices:
            invoice["id"] = next(invoice_ids)
            if invoice.pop("_numbered"):
                invoice["sequence"] = number
                invoice["number"] = invoice_number(self.company, number)
                number += 1
            invoice.pop("_pay", None)
        payment_ids = iter(writer.reserve_ids(Payment, len(self.payments)))
        for payment in self.payments:
            payment["id"] = next(payment_ids)
            if isinstance(payment.get("invoice"), dict):
                payment["invoice_id"] = payment.pop("invoice")["id"]
        rows = {
            Invoice: [
                tuple(i.get(c, INVOICE_DEFAULTS[c]) for c in INVOICE_COLUMNS) for i in self.invoices
            ],
            InvoiceLine: [
                (
                    self.company_id,
                    invoice["id"],
                    w.job_id,
                    w.job_line_id,
                    active,
                    w.property_id,
                    w.service_id,
                    w.service_date,
                    w.description,
                    w.quantity,
                    w.unit_price,
                    w.taxable,
                    amount,
                    discount,
                    position,
                )
                for invoice, w, amount, discount, active, position in self.lines
            ],
            Payment: [
                tuple(p.get(c, PAYMENT_DEFAULTS[c]) for c in PAYMENT_COLUMNS) for p in self.payments
            ],
            PaymentAllocation: [
                (
                    self.company_id,
                    payment["id"],
                    invoice["id"],
                    amount,
                    self.user_id,
                    payment["received_at"],
                    reversed_at,
                    REVERSED_BOUNCED if reversed_at else "",
                )
                for payment, invoice, amount, reversed_at in self.allocations
            ],
            Refund: [
                (
                    self.company_id,
                    p["id"],
                    amount,
                    ZERO,
                    "Charged twice by mistake.",
                    p["created_at"],
                )
                for p, amount in self.refunds
            ],
        }
        self.reset()
        return rows

    @property
    def numbered(self) -> int:
        return sum(1 for i in self.invoices if i["_numbered"])


def _numbers(company, count: int) -> int:
    """The first of `count` invoice numbers taken from the company's counter (locked, as
    billing's next_number does, in the caller's transaction)."""
    counter, _created = DocumentCounter.objects.select_for_update().get_or_create(
        company=company, series=Series.INVOICE
    )
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return first


WORK_SQL = """
SELECT j.client_id, c.tax_exempt, l.id, l.job_id, l.service_id, l.description, l.quantity,
       l.unit_price, l.taxable, j.property_id, j.scheduled_date, j.bad_debt
FROM {line} l JOIN {job} j ON j.id = l.job_id JOIN {client} c ON c.id = j.client_id
WHERE j.company_id = %s AND j.client_id > %s AND j.client_id <= %s AND j.status = %s
  AND j.archived_at IS NULL AND j.scheduled_date < %s
ORDER BY j.client_id, j.scheduled_start, j.id, l.position, l.id
"""


def _work(company_id: int, after: int, upto: int, before: datetime.date) -> list[tuple]:
    from crewdesk.jobs.models import Job, JobLine

    sql = WORK_SQL.format(
        line=JobLine._meta.db_table, job=Job._meta.db_table, client=Client._meta.db_table
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [company_id, after, upto, JobStatus.FINISHED, before])
        return cursor.fetchall()


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _grouped(rows: list[tuple]) -> list[tuple[int, bool, list[WorkLine]]]:
    clients: list[tuple[int, bool, list[WorkLine]]] = []
    for (client_id, exempt, line_id, job_id, service_id, description, quantity, price,
         taxable, property_id, day, bad_debt) in rows:  # fmt: skip
        if not clients or clients[-1][0] != client_id:
            clients.append((client_id, bool(exempt), []))
        work = WorkLine(
            description,
            Decimal(str(quantity)),
            Decimal(str(price)),
            bool(taxable),
            job_id=job_id,
            job_line_id=line_id,
            property_id=property_id,
            service_id=service_id,
            service_date=_day(day),
            bad_debt=bool(bad_debt),
        )
        clients[-1][2].append(work)
    return clients


def big_client_for_generation(owner: Membership) -> Client:
    """The client of many invoices, made once through the clients service."""
    from crewdesk.clients import services

    client = Client.objects.filter(company_id=owner.company_id, company_name=BIG_CLIENT).first()
    if client is None:
        client = services.client_create(
            actor=owner,
            data=services.ClientInput(
                fields={"kind": "company", "company_name": BIG_CLIENT},
                phones=[("work", "+14155550177")],
            ),
            allow_duplicate=True,
        )
    return client


def _write(writer: LoadWriter, rows: dict[type[Model], list[tuple]]) -> None:
    for model, columns in TABLES:
        writer.write_rows(model, columns, rows[model])


def generate_invoices(
    owner: Membership,
    *,
    seed: int | str = 0,
    client_invoices: int = 0,
    batch_size: int = 5000,
    fast_load: bool | None = None,
    progress: Progress | None = None,
) -> InvoicesResult:
    """Invoices and payments for every client of the owner's company that has none yet (its
    finished jobs up to READY_DAYS ago), and `client_invoices` invoices for BIG_CLIENT.

    `fast_load` (PostgreSQL, outside a transaction; default when at least 50,000 clients are
    to fill and at least as many as the database holds invoices) writes everything in one
    transaction with the tables' secondary indexes and foreign keys dropped, then rebuilds
    them."""
    started = time.monotonic()
    company = owner.company
    say = progress or (lambda _m: None)
    result = InvoicesResult()
    rng = random.Random(f"crewdesk-invoices-{seed}")  # noqa: S311 (test data, not secrets)
    zone = zoneinfo.ZoneInfo(company.timezone)
    today = timezone.localdate(timezone=zone)
    maker = InvoiceMaker(rng, company=company, user_id=owner.user_id, today=today)
    writer = LoadWriter()
    outside = not connection.in_atomic_block
    big = big_client_for_generation(owner) if client_invoices else None
    having = set(
        Invoice.objects.filter(company=company)
        .order_by()
        .values_list("client_id", flat=True)
        .distinct()
    )
    client_count = Client.objects.filter(company=company).count()
    if fast_load is None:
        to_fill = client_count - len(having)
        fast_load = to_fill >= FAST_LOAD_MIN_CLIENTS and to_fill >= Invoice.objects.count() / 3
    fast_load = bool(fast_load and writer.postgres and outside)
    ready_from = today - datetime.timedelta(days=READY_DAYS)

    def flush() -> None:
        count = maker.numbered
        rows = maker.take_rows(writer, _numbers(company, count) if count else 1)
        _write(writer, rows)
        result.invoices += len(rows[Invoice])
        result.lines += len(rows[InvoiceLine])
        result.payments += len(rows[Payment])
        result.allocations += len(rows[PaymentAllocation])

    def fill_batch(after: int) -> int:
        ids = list(
            Client.objects.filter(company=company, pk__gt=after)
            .order_by("pk")
            .values_list("pk", flat=True)[batch_size - 1 : batch_size]
        )
        upto = ids[0] if ids else 2**62
        for client_id, exempt, work in _grouped(_work(company.id, after, upto, ready_from)):
            if client_id in having or (big and client_id == big.pk):
                continue
            maker.client(client_id, exempt, work)
            result.clients += 1
        flush()
        elapsed = max(time.monotonic() - started, 1e-6)
        say(
            f"{result.clients:,} clients: {result.invoices:,} invoices, {result.payments:,} "
            f"payments, {elapsed:.1f} s ({result.invoices / elapsed:,.0f} invoices/s)"
        )
        return upto if ids else after

    def fill_big() -> None:
        if big is None or big.pk in having:
            return
        for start in range(0, client_invoices, batch_size):
            for n in range(start, min(client_invoices, start + batch_size)):
                description, price, taxable = HAND_LINES[n % len(HAND_LINES)]
                work = [WorkLine(description, Decimal("1.00"), Decimal(price), taxable)]
                if n % 3 == 0:
                    extra = HAND_LINES[(n + 2) % len(HAND_LINES)]
                    work.append(WorkLine(extra[0], Decimal("2.00"), Decimal(extra[1]), extra[2]))
                # Spread over the last three years, the newest last.
                day = today - datetime.timedelta(
                    days=(client_invoices - n) * 1095 // client_invoices
                )
                for w in work:
                    w.service_date = day
                invoice = maker.invoice(big.pk, big.tax_exempt, work, day, big=True)
                if invoice["_pay"]:
                    maker.pay(big.pk, [invoice])
            flush()
        result.clients += 1
        say(f"{BIG_CLIENT}: {client_invoices:,} invoices.")

    def fill_all(per_batch: bool) -> None:
        after = 0
        while True:
            if per_batch:
                with transaction.atomic():
                    last = fill_batch(after)
            else:
                last = fill_batch(after)
            if last == after:
                break
            after = last
        if per_batch:
            with transaction.atomic():
                fill_big()
        else:
            fill_big()

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

    if result.invoices:
        # The jobs invoiced now leave "Ready to invoice", as the services would mark them.
        mark_invoiced(jobs=Job.objects.filter(company=company, status=JobStatus.FINISHED))
        events.sample_data_generated_event(
            owner=owner,
            verb=events.Verb.INVOICES_GENERATED,
            invoices=result.invoices,
            payments=result.payments,
            seed=str(seed),
        )
    if writer.postgres and outside and result.invoices:
        say("Vacuuming and analysing the new rows…")
        tables = [m._meta.db_table for m, _c in TABLES] + [Job._meta.db_table]
        writer.run(f"VACUUM (ANALYZE) {connection.ops.quote_name(t)}" for t in tables)
    result.seconds = time.monotonic() - started
    return result
