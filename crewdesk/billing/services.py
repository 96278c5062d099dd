"""Writes of billing: invoices from jobs, from chosen job lines, as a deposit or by hand;
issuing (numbering), editing, voiding and writing off; batch invoices.

Every figure comes from billing/amounts.py. What is paid on an invoice is the payments app's
business: it tells billing through `invoice_paid_change`, and billing's void asks it first
through the registration points below (payments sits above billing and registers itself).
"""

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crewdesk.accounts.models import Membership
from crewdesk.billing import amounts, events
from crewdesk.billing.models import (
    RECEIVABLE_STATUSES,
    BatchInvoice,
    BatchItem,
    DocumentCounter,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Series,
    invoice_number,
)
from crewdesk.clients.models import Client
from crewdesk.core.dates import company_today
from crewdesk.core.money import MAX_AMOUNT, MAX_QUANTITY, parse_amount, round_money
from crewdesk.core.permissions import Action, require
from crewdesk.core.records import company_record, parse_id
from crewdesk.jobs.models import Job, JobClientRole, JobLine, JobStatus
from crewdesk.properties.models import Service

MAX_LINES = 500
ZERO = Decimal("0.00")

# Registration points filled by the payments app (payments/apps.py):
# why an invoice cannot be voided now ("a payment on it is still processing"), and what
# happens to its payments when it is (they become the client's credit).
VOID_BLOCKERS: list[Callable[..., str | None]] = []
VOID_HANDLERS: list[Callable[..., None]] = []
# (*, actor, invoice, deposits) -> None: a job's final invoice was issued and its deposit
# invoices voided; what was paid on them (now credit) goes onto the final invoice first.
DEPOSIT_SETTLERS: list[Callable[..., None]] = []


@dataclass(frozen=True)
class LineInput:
    """A line written by hand (or a deposit's amount)."""

    description: str
    unit_price: object
    quantity: object = 1
    taxable: bool | None = None
    service: object = None


# --- who pays for a job -------------------------------------------------------------------


def billed_client_id(*, job: Job) -> int:
    """The client a job is invoiced to: the billing client named on it, else its own."""
    for extra in job.extra_clients.all():
        if extra.role == JobClientRole.BILLING:
            return extra.client_id
    return job.client_id


def _uninvoiced_lines(jobs: Iterable[Job]) -> Q:
    """Job lines of `jobs` on no active invoice line."""
    return Q(job__in=list(jobs)) & ~Q(invoice_lines__active=True)


def mark_invoiced(*, jobs: QuerySet[Job]) -> None:
    """Set Job.invoiced on `jobs`: whether every line is on an active invoice. Called after
    their lines go on or off invoices (the job's lines cannot change meanwhile: the job is
    locked while on an active invoice, BILLED_JOB_LOCKS)."""
    invoiced = InvoiceLine.objects.filter(job_line=OuterRef("pk"), active=True)
    lines = JobLine.objects.filter(job=OuterRef("pk"))
    done = Exists(lines) & ~Exists(lines.exclude(Exists(invoiced)))
    jobs.filter(done, invoiced=False).update(invoiced=True)
    jobs.exclude(done).filter(invoiced=True).update(invoiced=False)


def _jobs_of(lines: QuerySet[InvoiceLine]) -> QuerySet[Job]:
    """The jobs of these lines, read now (before the lines go)."""
    ids = set(lines.filter(job__isnull=False).values_list("job_id", flat=True))
    return Job.objects.filter(pk__in=ids)


def job_billing_lock_reason(*, job: Job) -> str | None:
    """Registered in jobs' BILLED_JOB_LOCKS: a job on an active invoice keeps its lines and
    stays finished until the invoice is voided (or the draft deleted)."""
    line = (
        InvoiceLine.objects.filter(job=job, active=True)
        .select_related("invoice")
        .only("invoice__number", "invoice__status")
        .first()
    )
    if line is None:
        return None
    if line.invoice.status == InvoiceStatus.DRAFT:
        return _("The job is on a draft invoice: delete the draft or take the job off it first.")
    return _("The job is on the invoice %s: void the invoice first.") % line.invoice.number


def client_history_blockers(*, client: Client) -> list[str]:
    """Registered in clients' HISTORY_CHECKS: invoices are history, so such a client is
    archived, not deleted."""
    if Invoice.objects.filter(client=client).exists():
        return [_("it has invoices")]
    return []


# --- figures --------------------------------------------------------------------------------


def _refigure(invoice: Invoice, lines: Sequence[InvoiceLine] | None = None) -> None:
    """Set the lines' amounts and discount shares and the invoice's figures from its lines,
    discount, tax rate and exemption (billing/amounts.py), and its balance from what is paid.
    Saves the lines; the caller saves the invoice."""
    if lines is None:
        lines = list(invoice.lines.all())
    totals = amounts.invoice_totals(
        [amounts.LineIn(line.quantity, line.unit_price, line.taxable) for line in lines],
        discount=invoice.discount_requested,
        discount_percent=invoice.discount_percent,
        tax_rate=invoice.tax_rate,
        tax_exempt=invoice.tax_exempt,
    )
    # Checked before anything is written: a figure beyond its column (a line of 2 × the
    # largest price) is a field error, not PostgreSQL's "numeric field overflow" (a 500).
    sizes = (totals.subtotal, totals.tax, totals.total, *(line.amount for line in totals.lines))
    if any(abs(size) > MAX_AMOUNT for size in sizes):
        raise ValidationError({"lines": [_("The invoice's total is too large.")]})
    if totals.total < 0:
        raise ValidationError({"lines": [_("An invoice's total cannot be below zero.")]})
    for line, figures in zip(lines, totals.lines, strict=True):
        line.amount, line.discount = figures.amount, figures.discount
    if lines:
        InvoiceLine.objects.bulk_update(lines, ["amount", "discount"])
    invoice.subtotal, invoice.discount = totals.subtotal, totals.discount
    invoice.tax, invoice.total = totals.tax, totals.total
    _set_balance(invoice)


def _set_balance(invoice: Invoice) -> None:
    """Balance and status from total, amount paid and written off (DESIGN §4)."""
    if invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID):
        invoice.balance = ZERO
        return
    invoice.balance = max(ZERO, invoice.total - invoice.amount_paid - invoice.written_off)
    if invoice.status == InvoiceStatus.BAD_DEBT:
        return
    if invoice.balance == 0:
        invoice.status = InvoiceStatus.PAID
    elif invoice.amount_paid > 0:
        invoice.status = InvoiceStatus.PARTIALLY_PAID
    else:
        invoice.status = InvoiceStatus.OPEN


# --- making an invoice ----------------------------------------------------------------------


def _job_line_rows(invoice: Invoice, job_lines: Sequence[JobLine], start: int) -> list:
    return [
        InvoiceLine(
            company_id=invoice.company_id,
            invoice=invoice,
            job=line.job,
            job_line=line,
            property_id=line.job.property_id,
            service_id=line.service_id,
            service_date=line.job.scheduled_date,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            taxable=line.taxable,
            position=start + i,
        )
        for i, line in enumerate(job_lines)
    ]


def _hand_line_rows(actor: Membership, invoice: Invoice, lines: Sequence[LineInput], start: int):
    rows = []
    for i, line in enumerate(lines):
        service = company_record(actor, Service, line.service, "lines") if line.service else None
        description = (line.description or "").strip() or (service.name if service else "")
        if not description:
            raise ValidationError({"lines": [_("Each line needs a description.")]})
        if line.unit_price in (None, ""):
            raise ValidationError({"lines": [_("Each line needs a price.")]})
        # A line written by hand may be negative: a credit or an adjustment.
        unit_price = parse_amount(line.unit_price, "lines", minimum=-MAX_AMOUNT)
        quantity = parse_amount(
            line.quantity if line.quantity not in (None, "") else 1,
            "lines",
            maximum=MAX_QUANTITY,
        )
        taxable = (
            line.taxable if line.taxable is not None else (service.taxable if service else True)
        )
        rows.append(
            InvoiceLine(
                company_id=invoice.company_id,
                invoice=invoice,
                service=service,
                description=description[:300],
                quantity=round_money(quantity),
                unit_price=round_money(unit_price),
                taxable=taxable,
                position=start + i,
            )
        )
    return rows


def _jobs_checked(actor: Membership, client: Client, jobs: Iterable) -> list[Job]:
    found = []
    for value in jobs:
        job = company_record(actor, Job, value, "jobs")
        if job.status != JobStatus.FINISHED:
            raise ValidationError(
                {"jobs": [_("Only finished jobs are invoiced: %s is not.") % job]}
            )
        if job.archived_at is not None:
            raise ValidationError({"jobs": [_("The job %s is archived.") % job]})
        if billed_client_id(job=job) != client.pk:
            raise ValidationError({"jobs": [_("The job %s is billed to another client.") % job]})
        found.append(job)
    return found


def _job_lines_checked(actor: Membership, client: Client, values: Iterable) -> list[JobLine]:
    chosen = [company_record(actor, JobLine, value, "job_lines") for value in values]
    jobs = {line.job_id: line.job for line in chosen}
    _jobs_checked(actor, client, jobs.values())
    taken = set(
        InvoiceLine.objects.filter(job_line__in=chosen, active=True).values_list(
            "job_line_id", flat=True
        )
    )
    if taken:
        raise ValidationError({"job_lines": [_("Some of these lines are invoiced already.")]})
    return chosen


@transaction.atomic
def invoice_create(
    *,
    actor: Membership,
    client,
    jobs: Iterable = (),
    job_lines: Iterable = (),
    lines: Sequence[LineInput] = (),
    kind: str = InvoiceKind.STANDARD,
    deposit_for=None,
    discount=None,
    discount_percent=None,
    customer_message: str = "",
    issue: bool = False,
) -> Invoice:
    """A draft invoice (or an issued one, with `issue`) for one client: every not yet invoiced
    line of the finished `jobs`, the chosen `job_lines` (a partial invoice), and `lines` by
    hand; a deposit is one line by hand, for a job to come."""
    require(actor, Action.MANAGE_BILLING)
    client = company_record(actor, Client, client, "client")
    if client.merged_into_id:
        raise ValidationError({"client": [_("This client was merged into another.")]})
    if kind not in InvoiceKind.values:
        raise ValidationError({"kind": [_("Choose a kind of invoice.")]})
    company = actor.company
    invoice = Invoice(
        company=company,
        client=client,
        kind=kind,
        currency=company.currency,
        tax_rate=company.default_tax_rate,
        tax_exempt=client.tax_exempt,
        payment_terms_days=_terms(company, client),
        customer_message=(customer_message or "").strip(),
        created_by=actor.user,
    )
    if kind == InvoiceKind.DEPOSIT:
        if jobs or job_lines:
            raise ValidationError({"kind": [_("A deposit is an amount, not a job's lines.")]})
        if deposit_for:
            invoice.deposit_for = company_record(actor, Job, deposit_for, "deposit_for")
    _discount_set(invoice, discount, discount_percent)
    invoice.save()

    rows = []
    job_list = _jobs_checked(actor, client, jobs)
    if job_list:
        open_lines = list(
            JobLine.objects.filter(_uninvoiced_lines(job_list))
            .select_related("job")
            .order_by("job__scheduled_start", "job_id", "position", "id")
        )
        if not open_lines:
            raise ValidationError({"jobs": [_("These jobs are invoiced already.")]})
        rows += _job_line_rows(invoice, open_lines, len(rows))
    chosen = _job_lines_checked(actor, client, job_lines)
    rows += _job_line_rows(invoice, chosen, len(rows))
    rows += _hand_line_rows(actor, invoice, lines, len(rows))
    if not rows:
        raise ValidationError({"lines": [_("An invoice needs at least one line.")]})
    if len(rows) > MAX_LINES:
        raise ValidationError({"lines": [_("An invoice has at most %d lines.") % MAX_LINES]})
    InvoiceLine.objects.bulk_create(rows)
    properties = {row.property_id for row in rows if row.property_id}
    invoice.property_id = properties.pop() if len(properties) == 1 else None
    _refigure(invoice, InvoiceLine.objects.filter(invoice=invoice).order_by("position", "id"))
    invoice.save()
    mark_invoiced(jobs=_jobs_of(invoice.lines.all()))
    events.invoice_event(actor=actor, invoice=invoice, verb=events.Verb.INVOICE_CREATED)
    if issue:
        invoice = invoice_issue(actor=actor, invoice=invoice)
    return invoice


def _terms(company, client: Client) -> int:
    if client.payment_terms_days is not None:
        return client.payment_terms_days
    return company.payment_terms_days


def _discount_set(invoice: Invoice, discount, discount_percent) -> None:
    if discount_percent not in (None, ""):
        invoice.discount_percent = parse_amount(
            discount_percent, "discount_percent", maximum=Decimal("100")
        )
        invoice.discount_requested = ZERO
    else:
        invoice.discount_percent = None
        invoice.discount_requested = round_money(
            parse_amount(discount if discount not in (None, "") else 0, "discount")
        )


# --- issuing ----------------------------------------------------------------------------------


def next_number(*, company, series: str) -> int:
    """The next number of a company's series, taken under a lock on the series' counter row
    held until the caller's transaction ends: concurrent issues wait for each other, and a
    rollback gives the number back."""
    counter, _created = DocumentCounter.objects.select_for_update().get_or_create(
        company=company, series=series
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().get(pk=invoice.pk, company_id=invoice.company_id)


@transaction.atomic
def invoice_issue(*, actor: Membership, invoice: Invoice) -> Invoice:
    """Number a draft and make it owed: its tax rate, exemption and currency are kept from now
    on; due by the payment terms, in the company's time zone."""
    require(actor, Action.MANAGE_BILLING, invoice)
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.DRAFT:
        raise ValidationError({"status": [_("Only a draft is issued.")]})
    company = actor.company
    invoice.sequence = next_number(company=company, series=Series.INVOICE)
    invoice.number = invoice_number(company, invoice.sequence)
    invoice.issue_date = company_today(company)
    invoice.due_date = amounts.due_date_for(invoice.issue_date, invoice.payment_terms_days)
    invoice.tax_rate = company.default_tax_rate
    invoice.tax_exempt = invoice.client.tax_exempt
    invoice.currency = company.currency
    invoice.public_token = new_token()
    invoice.status = InvoiceStatus.OPEN
    _refigure(invoice)
    invoice.save()
    events.invoice_event(actor=actor, invoice=invoice, verb=events.Verb.INVOICE_ISSUED)
    _settle_deposits(actor, invoice)
    return invoice


def _settle_deposits(actor: Membership, invoice: Invoice) -> None:
    """The final invoice of jobs that had deposit invoices: each deposit is voided (its
    payments become credit) and that credit pays the final invoice first. A deposit with a
    payment still processing stays as it is, for the office to settle by hand."""
    if invoice.kind == InvoiceKind.DEPOSIT:
        return
    job_ids = set(invoice.lines.filter(job__isnull=False).values_list("job_id", flat=True))
    if not job_ids:
        return
    deposits = Invoice.objects.filter(
        company_id=invoice.company_id,
        kind=InvoiceKind.DEPOSIT,
        deposit_for_id__in=job_ids,
        status__in=(*RECEIVABLE_STATUSES, InvoiceStatus.PAID),
    ).order_by("issue_date", "id")
    settled = []
    for deposit in deposits:
        if any(blocker(invoice=deposit) for blocker in VOID_BLOCKERS):
            continue
        reason = _("Taken off the final invoice %(number)s.") % {"number": invoice.number}
        settled.append(invoice_void(actor=actor, invoice=deposit, reason=reason))
    if settled:
        for settle in DEPOSIT_SETTLERS:
            settle(actor=actor, invoice=invoice, deposits=settled)


def new_token() -> str:
    """An unguessable public link token (256 bits)."""
    return secrets.token_urlsafe(32)


# --- changing -------------------------------------------------------------------------------


@transaction.atomic
def invoice_update(
    *,
    actor: Membership,
    invoice: Invoice,
    lines: Sequence[LineInput] | None = None,
    remove_lines: Iterable[int] = (),
    discount=None,
    discount_percent=None,
    customer_message: str | None = None,
) -> Invoice:
    """Change a draft, or an issued invoice while nothing is paid on it (else: void and issue
    a new one). Lines by hand are added, any line removed (a job's line is then free to be
    invoiced again)."""
    require(actor, Action.MANAGE_BILLING, invoice)
    invoice = _locked(invoice)
    if invoice.status not in (InvoiceStatus.DRAFT, InvoiceStatus.OPEN) or invoice.amount_paid:
        raise ValidationError(
            {"status": [_("Something is paid on this invoice: void it and issue a new one.")]}
        )
    changed = []
    if discount is not None or discount_percent is not None:
        _discount_set(invoice, discount, discount_percent)
        changed.append("discount")
    if customer_message is not None:
        invoice.customer_message = customer_message.strip()
        changed.append("customer_message")
    removed = {parse_id(value) for value in remove_lines}
    if removed:
        theirs = InvoiceLine.objects.filter(invoice=invoice, pk__in=removed - {None})
        if None in removed or theirs.count() != len(removed):
            raise ValidationError({"remove_lines": [_("No such line on this invoice.")]})
        freed = _jobs_of(theirs)
        theirs.delete()
        mark_invoiced(jobs=freed)
        changed.append("lines")
    if lines:
        start = invoice.lines.count()
        InvoiceLine.objects.bulk_create(_hand_line_rows(actor, invoice, lines, start))
        changed.append("lines")
    kept = list(invoice.lines.order_by("position", "id"))
    if not kept:
        raise ValidationError({"lines": [_("An invoice needs at least one line.")]})
    properties = {line.property_id for line in kept if line.property_id}
    invoice.property_id = properties.pop() if len(properties) == 1 else None
    _refigure(invoice, kept)
    invoice.save()
    if changed:
        events.invoice_event(
            actor=actor,
            invoice=invoice,
            verb=events.Verb.INVOICE_UPDATED,
            fields=", ".join(dict.fromkeys(changed)),
        )
    return invoice


@transaction.atomic
def invoice_draft_delete(*, actor: Membership, invoice: Invoice) -> None:
    """A draft was never sent nor numbered: it may go, and its jobs are free again."""
    require(actor, Action.MANAGE_BILLING, invoice)
    invoice = _locked(invoice)
    if invoice.status != InvoiceStatus.DRAFT:
        raise ValidationError({"status": [_("Only a draft can be deleted; void an invoice.")]})
    events.invoice_event(actor=actor, invoice=invoice, verb=events.Verb.INVOICE_DELETED)
    freed = _jobs_of(invoice.lines.all())
    invoice.delete()
    mark_invoiced(jobs=freed)


@transaction.atomic
def invoice_void(*, actor: Membership, invoice: Invoice, reason: str = "") -> Invoice:
    """Cancel an issued invoice: it keeps its number and shows VOID, what was paid on it
    becomes the client's credit, its job lines may be invoiced again, and it leaves its batch.
    Refused while a payment on it is still processing."""
    require(actor, Action.MANAGE_BILLING, invoice)
    invoice = _locked(invoice)
    if invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID):
        raise ValidationError({"status": [_("Only an issued invoice is voided.")]})
    for blocker in VOID_BLOCKERS:
        message = blocker(invoice=invoice)
        if message:
            raise ValidationError({"status": [message]})
    for handler in VOID_HANDLERS:
        handler(actor=actor, invoice=invoice)
    invoice.refresh_from_db()
    invoice.lines.update(active=False)
    mark_invoiced(jobs=_jobs_of(invoice.lines.all()))
    BatchItem.objects.filter(invoice=invoice, active=True).update(active=False)
    invoice.status = InvoiceStatus.VOID
    invoice.void_reason = (reason or "").strip()[:300]
    invoice.voided_at = timezone.now()
    invoice.public_token = None
    _set_balance(invoice)
    invoice.save()
    events.invoice_event(actor=actor, invoice=invoice, verb=events.Verb.INVOICE_VOIDED)
    return invoice


@transaction.atomic
def invoice_write_off(*, actor: Membership, invoice: Invoice) -> Invoice:
    """The client will not pay: the balance is written off as bad debt, leaves receivables,
    and the invoice's jobs count as bad debt."""
    require(actor, Action.MANAGE_BILLING, invoice)
    invoice = _locked(invoice)
    if invoice.status not in RECEIVABLE_STATUSES:
        raise ValidationError({"status": [_("Only an invoice with a balance is written off.")]})
    amount = invoice.balance
    invoice.written_off += amount
    invoice.status = InvoiceStatus.BAD_DEBT
    invoice.written_off_at = timezone.now()
    _set_balance(invoice)
    invoice.save()
    job_ids = invoice.lines.filter(job__isnull=False).values("job_id")
    Job.objects.filter(pk__in=job_ids, status=JobStatus.FINISHED, bad_debt=False).update(
        bad_debt=True, bad_debt_at=timezone.now()
    )
    events.invoice_event(
        actor=actor, invoice=invoice, verb=events.Verb.INVOICE_WRITTEN_OFF, amount=str(amount)
    )
    return invoice


def invoice_paid_change(*, invoice: Invoice, delta: Decimal) -> Invoice:
    """The payments app moved `delta` onto (or, negative, off) this invoice: its amount paid,
    balance and status follow. Called inside the payment's transaction, the row locked."""
    invoice = _locked(invoice)
    if invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID) and delta > 0:
        raise ValidationError({"allocations": [_("%s cannot be paid.") % invoice]})
    paid = invoice.amount_paid + delta
    if paid < 0 or (delta > 0 and delta > invoice.balance):
        raise ValidationError(
            {"allocations": [_("That is more than the balance of %s.") % invoice]}
        )
    invoice.amount_paid = paid
    _set_balance(invoice)
    invoice.save(update_fields=["amount_paid", "balance", "status", "updated_at"])
    return invoice


# --- batches --------------------------------------------------------------------------------


def _batch_number(sequence: int) -> str:
    return f"B-{sequence:04d}"


@transaction.atomic
def batch_create(*, actor: Membership, client, invoices: Iterable) -> BatchInvoice:
    """A client's open invoices in one batch: its own number, one public link, one payment."""
    require(actor, Action.MANAGE_BILLING)
    client = company_record(actor, Client, client, "client")
    chosen = []
    for value in dict.fromkeys(invoices):
        invoice = company_record(actor, Invoice, value, "invoices")
        if invoice.client_id != client.pk:
            raise ValidationError({"invoices": [_("%s is another client's.") % invoice]})
        if invoice.status not in RECEIVABLE_STATUSES:
            raise ValidationError({"invoices": [_("%s has nothing to pay.") % invoice]})
        chosen.append(invoice)
    if not chosen:
        raise ValidationError({"invoices": [_("Choose at least one open invoice.")]})
    taken = BatchItem.objects.filter(invoice__in=chosen, active=True).select_related("batch")
    for item in taken:
        raise ValidationError(
            {
                "invoices": [
                    _("%(invoice)s is in the batch %(batch)s already.")
                    % {"invoice": item.invoice, "batch": item.batch}
                ]
            }
        )
    sequence = next_number(company=actor.company, series=Series.BATCH)
    batch = BatchInvoice.objects.create(
        company=actor.company,
        client=client,
        number=_batch_number(sequence),
        sequence=sequence,
        public_token=new_token(),
        created_by=actor.user,
    )
    BatchItem.objects.bulk_create(
        BatchItem(company_id=batch.company_id, batch=batch, invoice=invoice) for invoice in chosen
    )
    events.batch_event(actor=actor, batch=batch, verb=events.Verb.BATCH_CREATED, count=len(chosen))
    return batch
