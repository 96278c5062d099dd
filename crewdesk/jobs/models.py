"""Jobs: a visit to a property on a day, the crew assigned to it, what is charged (lines),
its checklist, the photos and documents that prove the work, and the status it moves
through (see transitions.py)."""

import builtins
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crewdesk.clients.models import Client
from crewdesk.core.models import TenantModel
from crewdesk.core.money import line_total
from crewdesk.core.permissions import CustomerScope
from crewdesk.properties.models import Property, PropertyService, Service


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ON_THE_WAY = "on_the_way", _("On the way")
    STARTED = "started", _("Started")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class Job(TenantModel):
    """A visit to a property on a day, for its client (and any extra clients named on it)."""

    # The customers who see it (core/permissions.scope): the client's, and those of a client
    # named on it (the billing client pays for it, the technical one lets the crew in); never
    # its internal notes.
    customer_scope = CustomerScope(
        client="client", also=("extra_clients__client",), hidden=("internal_notes",)
    )
    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="jobs"
    )
    property = models.ForeignKey(
        Property, verbose_name=_("property"), on_delete=models.PROTECT, related_name="jobs"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    scheduled_start = models.DateTimeField(_("starts"))
    scheduled_end = models.DateTimeField(_("ends"), null=True, blank=True)
    # The start's day in the company's time zone: what the schedule and "today" filter on.
    scheduled_date = models.DateField(editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("Only your team sees these.")
    )
    customer_notes = models.TextField(
        _("notes for the customer"), blank=True, help_text=_("Shown in the client portal.")
    )
    total = models.DecimalField(
        _("total"), max_digits=12, decimal_places=2, default=Decimal("0.00"), editable=False
    )
    # Copied from the checklist template: required items must be ticked before "finished".
    checklist_blocks_finish = models.BooleanField(default=True)
    bad_debt = models.BooleanField(_("bad debt"), default=False)
    bad_debt_at = models.DateTimeField(null=True, blank=True)
    # Kept by billing (services.mark_invoiced): every line of the job is on an active invoice.
    # "Ready to invoice" reads the rest through job_to_invoice instead of checking every job.
    invoiced = models.BooleanField(default=False, editable=False)
    # Set on jobs generated from a recurring property service, with the day they stand for.
    property_service = models.ForeignKey(
        PropertyService, on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )
    occurrence = models.DateField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "invoiced"])

    class Meta:
        verbose_name = _("job")
        ordering = ["scheduled_start", "id"]
        indexes = [
            models.Index(fields=["company", "scheduled_date", "id"], name="job_by_day"),
            models.Index(fields=["company", "status", "scheduled_date"], name="job_by_status_day"),
            # The jobs list: newest first, and open jobs oldest first (overdue on top), both
            # read in index order instead of sorting every job of the company.
            models.Index(
                fields=["company", "-scheduled_start", "-id"],
                condition=models.Q(archived_at__isnull=True),
                name="job_recent",
            ),
            models.Index(
                fields=["company", "scheduled_start", "id"],
                condition=models.Q(
                    archived_at__isnull=True, status__in=["pending", "on_the_way", "started"]
                ),
                name="job_open_by_start",
            ),
            # Billing's "Ready to invoice": the finished jobs not invoiced yet, oldest first.
            models.Index(
                fields=["company", "scheduled_start", "id"],
                condition=models.Q(
                    status="finished", bad_debt=False, archived_at__isnull=True, invoiced=False
                ),
                name="job_to_invoice",
            ),
            models.Index(fields=["client", "-scheduled_date"], name="job_by_client"),
            models.Index(fields=["property", "-scheduled_date"], name="job_by_property"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["property_service", "occurrence"], name="job_one_per_occurrence"
            )
        ]

    def __str__(self) -> str:
        return self.title or _("Job %(id)s") % {"id": self.pk}

    @builtins.property
    def is_open(self) -> bool:
        return self.status not in (JobStatus.FINISHED, JobStatus.CANCELLED)


class JobStatusChange(TenantModel):
    """Who moved a job from one status to another, and when."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=JobStatus.choices)
    to_status = models.CharField(max_length=16, choices=JobStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "id"]


class JobAssignment(TenantModel):
    """A crew member on a job. "My jobs" and the schedule's rows start here: with a copy of
    the job's day, a member's jobs of a day or a week are one range of an index, whatever
    the number of jobs they ever did. The services keep the copy in step with the job."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="assignments")
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="job_assignments"
    )
    scheduled_date = models.DateField(editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "job"], name="job_assignment_unique")
        ]
        indexes = [
            models.Index(
                fields=["membership", "scheduled_date", "job"], name="assignment_by_member_day"
            )
        ]


class JobLine(TenantModel):
    """What a job charges: quantity × unit price, rounded half-up per line."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="lines")
    service = models.ForeignKey(
        Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    taxable = models.BooleanField(_("taxable"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def amount(self) -> Decimal:
        return line_total(self.quantity, self.unit_price)


class JobClientRole(models.TextChoices):
    SECONDARY = "secondary", _("Secondary")
    BILLING = "billing", _("Billing")
    TECHNICAL = "technical", _("Technical")


class JobClient(TenantModel):
    """Another client named on a job, with the part they play."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="extra_clients")
    # Indexed with the job below: a client's jobs read as one index range, without the rows.
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+", db_index=False)
    role = models.CharField(_("role"), max_length=16, choices=JobClientRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "client"], name="job_client_unique")]
        indexes = [models.Index(fields=["client", "job"], name="job_client_by_client")]


class ChecklistTemplate(TenantModel):
    name = models.CharField(_("name"), max_length=200)
    required_blocks_finish = models.BooleanField(
        _("required items must be done before finishing"), default=True
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ChecklistTemplateItem(TenantModel):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    text = models.CharField(_("item"), max_length=300)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class JobChecklistItem(TenantModel):
    """A job's own copy of a checklist item, ticked by the crew."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="checklist")
    text = models.CharField(_("item"), max_length=300)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def done(self) -> bool:
        return self.done_at is not None


class AttachmentKind(models.TextChoices):
    BEFORE = "before", _("Before")
    AFTER = "after", _("After")
    DAMAGE = "damage", _("Damage")
    DOCUMENT = "document", _("Document")


def attachment_path(instance: "JobAttachment", filename: str) -> str:
    # Private files live under private/; they are only served through a permission-checked view.
    return f"private/{instance.company_id}/jobs/{instance.job_id}/{filename}"


class JobAttachment(TenantModel):
    """A photo or document of a job. Images are checked, stripped of EXIF and thumbnailed."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    thumbnail = models.FileField(upload_to=attachment_path, max_length=300, blank=True)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    is_image = models.BooleanField(default=False)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    customer_visible = models.BooleanField(_("show in the client portal"), default=False)
    customer_scope = CustomerScope(parent="job", shown=models.Q(customer_visible=True))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [
            models.Index(fields=["job", "kind"], name="attachment_by_job"),
            # The upload limits count a company's and a user's files of the last 24 hours.
            models.Index(fields=["company", "uploaded_at"], name="attachment_by_company_day"),
            models.Index(fields=["uploaded_by", "uploaded_at"], name="attachment_by_user_day"),
        ]

    def __str__(self) -> str:
        return self.name


class JobNote(TenantModel):
    """A note written on a job by the office or the crew."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("note"))
    customer_visible = models.BooleanField(_("show in the client portal"), default=False)
    customer_scope = CustomerScope(parent="job", shown=models.Q(customer_visible=True))
    created_at = models.DateTimeField(auto_now_add=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:60]
