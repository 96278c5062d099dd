"""Billing: invoices (made from finished jobs, from chosen job lines, as a deposit or by hand),
their lines, the per-company number series, and batch invoices that gather a client's open
invoices into one document paid in one payment.

The figures on an invoice (subtotal, discount, tax, total) come from billing/amounts.py;
what is paid and what is left (`amount_paid`, `balance`) are kept by the services that
allocate payments, and `crewdesk check_ledger` proves they never drift.
"""

import builtins
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crewdesk.clients.models import Client
from crewdesk.core.models import TenantModel, money_field
from crewdesk.core.permissions import CustomerScope
from crewdesk.jobs.models import Job, JobLine
from crewdesk.properties.models import Property, Service

ZERO = Decimal("0.00")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")
    BAD_DEBT = "bad_debt", _("Bad debt")


# An invoice in one of these is owed money: it counts in receivables and aging.
RECEIVABLE_STATUSES = (InvoiceStatus.OPEN, InvoiceStatus.PARTIALLY_PAID)
# Issued and not cancelled: what "total invoiced" counts.
ISSUED_STATUSES = (
    InvoiceStatus.OPEN,
    InvoiceStatus.PARTIALLY_PAID,
    InvoiceStatus.PAID,
    InvoiceStatus.BAD_DEBT,
)


class InvoiceKind(models.TextChoices):
    STANDARD = "standard", _("Invoice")
    DEPOSIT = "deposit", _("Deposit")


class Series(models.TextChoices):
    INVOICE = "invoice", _("Invoices")
    BATCH = "batch", _("Batch invoices")


class DocumentCounter(TenantModel):
    """The last number given in one of a company's series. Issuing locks this row in the
    issuing transaction, so two issues never share a number and a rollback leaves no gap."""

    series = models.CharField(max_length=16, choices=Series.choices)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "series"], name="one_counter_per_series")
        ]


def invoice_number(company, sequence: int) -> str:
    """How an invoice's number is printed: the company's prefix and the sequence."""
    return f"{company.invoice_prefix}{sequence:04d}"


class Invoice(TenantModel):
    """A bill to one client. A draft has no number; issuing numbers it and fixes its tax rate,
    exemption and currency; after that it changes only while nothing is paid on it."""

    # A customer sees their client's invoices once issued; never a draft.
    customer_scope = CustomerScope(client="client", shown=~models.Q(status=InvoiceStatus.DRAFT))

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="invoices"
    )
    # Empty when the lines are at several properties; each line keeps its own.
    property = models.ForeignKey(
        Property,
        verbose_name=_("property"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=InvoiceKind.choices, default=InvoiceKind.STANDARD
    )
    # The job a deposit is taken for: its final invoice uses the deposit's payment first.
    deposit_for = models.ForeignKey(
        Job, on_delete=models.PROTECT, null=True, blank=True, related_name="deposits"
    )
    number = models.CharField(_("number"), max_length=32, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), default=0, validators=[MaxValueValidator(365)]
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    tax_rate = models.DecimalField(
        _("tax rate (%)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    tax_exempt = models.BooleanField(_("tax exempt"), default=False)
    # The discount as asked (an amount, or a percent of the subtotal); `discount` is the money.
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    discount_requested = money_field(_("discount"), validators=[MinValueValidator(ZERO)])
    subtotal = money_field(_("subtotal"), editable=False)
    discount = money_field(_("discount"), editable=False)
    tax = money_field(_("tax"), editable=False)
    total = money_field(_("total"), editable=False)
    amount_paid = money_field(_("amount paid"), editable=False)
    written_off = money_field(_("written off"), editable=False)
    balance = money_field(_("balance"), editable=False)
    customer_message = models.TextField(
        _("message to the customer"), blank=True, help_text=_("Printed on the invoice.")
    )
    # The public link (/d/<token>/): unguessable, revoked by clearing, re-issued by a new one.
    public_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    void_reason = models.CharField(_("reason"), max_length=300, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    written_off_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("invoice")
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "number"],
                condition=~models.Q(number=""),
                name="invoice_number_unique_per_company",
            ),
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="invoice_balance_not_negative"
            ),
        ]
        indexes = [
            # The office's list: a company's invoices, newest first, by status.
            models.Index(fields=["company", "status", "-issue_date", "-id"], name="invoice_list"),
            # A client's balance and unpaid count, by status.
            models.Index(fields=["client", "status", "-issue_date"], name="invoice_by_client"),
            # The invoices list's "All" and its date ranges: read newest first in index order
            # (DESC puts the undated drafts first, as the list's NULLS FIRST), not sorted.
            models.Index(fields=["company", "-issue_date", "-id"], name="invoice_recent"),
            # The invoices list's "Unpaid", in the same order.
            models.Index(
                fields=["company", "-issue_date", "-id"],
                condition=models.Q(status__in=["open", "partially_paid"]),
                name="invoice_unpaid_recent",
            ),
            # A client's invoices tab (and the list by client), in the list's order; with the
            # company in it, its pages' ids and count are read from the index alone.
            models.Index(
                fields=["client", "company", "-issue_date", "-id"], name="invoice_client_recent"
            ),
            # Aging and overdue: open balances by due date.
            models.Index(
                fields=["company", "due_date"],
                condition=models.Q(status__in=["open", "partially_paid"]),
                name="invoice_receivable_by_due",
            ),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Draft invoice"))

    @builtins.property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @builtins.property
    def is_receivable(self) -> bool:
        return self.status in RECEIVABLE_STATUSES


class InvoiceLine(TenantModel):
    """One charge on an invoice: copied from a job's line (with the job's date and property) or
    written by hand. `discount` is its share of the invoice's discount (largest remainder)."""

    customer_scope = CustomerScope(parent="invoice")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    job = models.ForeignKey(
        Job, on_delete=models.PROTECT, null=True, blank=True, related_name="invoice_lines"
    )
    # A job's line may be rewritten once the invoice that held it is void (jobs/services'
    # BILLED_JOB_LOCKS keep it while the invoice is active): the void invoice keeps its copy.
    job_line = models.ForeignKey(
        JobLine, on_delete=models.SET_NULL, null=True, blank=True, related_name="invoice_lines"
    )
    # A job line is invoiced at most once: while this line is active (not on a void invoice).
    active = models.BooleanField(default=True)
    property = models.ForeignKey(
        Property, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service_date = models.DateField(_("date"), null=True, blank=True)
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, default=Decimal("1")
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    taxable = models.BooleanField(_("taxable"), default=True)
    amount = money_field(_("amount"), editable=False)
    discount = money_field(_("discount"), editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["job_line"],
                condition=models.Q(active=True, job_line__isnull=False),
                name="job_line_invoiced_once",
            )
        ]

    def __str__(self) -> str:
        return self.description


class BatchInvoice(TenantModel):
    """Several open invoices of one client in one document, with one public link and one
    "pay all". Its balance is always the sum of its invoices' balances."""

    customer_scope = CustomerScope(client="client")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="batches"
    )
    number = models.CharField(_("number"), max_length=32)
    sequence = models.PositiveIntegerField(editable=False)
    invoices = models.ManyToManyField(Invoice, through="BatchItem", related_name="batches")
    public_token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("batch invoice")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name="batch_number_unique")
        ]

    def __str__(self) -> str:
        return self.number


class BatchItem(TenantModel):
    """An invoice in a batch. A voided invoice leaves its batch (`active` off); an invoice is
    in at most one batch at a time."""

    customer_scope = CustomerScope(parent="batch")

    batch = models.ForeignKey(BatchInvoice, on_delete=models.CASCADE, related_name="items")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="batch_items")
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["invoice"], condition=models.Q(active=True), name="invoice_in_one_batch"
            )
        ]


class RenderStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RENDERING = "rendering", _("Preparing")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


def batch_pdf_path(instance: "BatchPdf", filename: str) -> str:
    return f"private/{instance.company_id}/batches/{filename}"


class BatchPdf(TenantModel):
    """A batch's consolidated PDF made in the background (hundreds of invoices take seconds):
    its progress for the page that waits, then the file (billing/documents.py)."""

    batch = models.ForeignKey(BatchInvoice, on_delete=models.CASCADE, related_name="pdfs")
    status = models.CharField(
        max_length=16, choices=RenderStatus.choices, default=RenderStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)  # invoices to lay out
    done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=batch_pdf_path, max_length=300, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When it last moved: a render that has not moved for long lost its worker.
    progress_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["batch", "-created_at"], name="batch_pdf_latest")]

    def __str__(self) -> str:
        return f"{self.batch} PDF"

    @builtins.property
    def percent(self) -> int:
        if self.status == RenderStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @builtins.property
    def is_running(self) -> bool:
        return self.status in (RenderStatus.QUEUED, RenderStatus.RENDERING)
