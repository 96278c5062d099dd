"""Properties: the places where the work is done, with what the crew needs to know there
(access notes), the company's service catalog, and the services each property gets, with
their price, standing instructions and recurrence."""

import builtins
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crewdesk.clients.models import Client
from crewdesk.core.maps import map_url
from crewdesk.core.models import Address, TenantModel
from crewdesk.core.permissions import CustomerScope


class PropertyType(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    BUSINESS = "business", _("Business")
    POOL = "pool", _("Pool")
    OTHER = "other", _("Other")


class Property(TenantModel, Address):
    """A service location of a client."""

    # The customers who see it (core/permissions.scope): its client's portal logins.
    customer_scope = CustomerScope(client="client")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="properties"
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("Say “Lake house” or “Main office”.")
    )
    type = models.CharField(
        _("type"), max_length=16, choices=PropertyType.choices, default=PropertyType.RESIDENTIAL
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
        help_text=_("Optional, from -90 to 90."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
        help_text=_("Optional, from -180 to 180."),
    )
    # Sensitive: the office sees them; an employee only for a job assigned to them, logged.
    access_notes = models.TextField(
        _("access notes"),
        blank=True,
        help_text=_("Gate and door codes, lockbox, parking, pets: what the crew needs to get in."),
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property")
        verbose_name_plural = _("properties")
        ordering = ["name", "street", "id"]
        indexes = [
            models.Index(fields=["client", "archived_at"], name="property_by_client"),
            models.Index(fields=["company", "-created_at"], name="property_recent"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def address_line(self) -> str:
        parts = [
            self.street,
            self.street2,
            self.city,
            " ".join(p for p in (self.region, self.postal_code) if p),
        ]
        return ", ".join(p for p in parts if p)

    @property
    def label(self) -> str:
        """How a property is named in lists: its name and street, or whichever exists."""
        if self.name and self.street:
            return f"{self.name} — {self.street}"
        return self.name or self.address_line or _("Property %(id)s") % {"id": self.pk}

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def map_url(self) -> str | None:
        address = ", ".join(p for p in (self.address_line, self.country) if p)
        return map_url(
            address=address if self.address_line else "",
            latitude=self.latitude,
            longitude=self.longitude,
        )


class Service(TenantModel):
    """An entry of the company's service catalog."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    default_price = models.DecimalField(
        _("default price"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), default=60, validators=[MaxValueValidator(24 * 60)]
    )
    taxable = models.BooleanField(_("taxable"), default=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("service")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "name"],
                condition=models.Q(archived_at__isnull=True),
                name="service_active_name_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


# The RRULE day codes a weekly service's `weekdays` holds, Monday first.
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


class Frequency(models.TextChoices):
    NONE = "", _("Does not repeat")
    DAILY = "daily", _("Every N days")
    WEEKLY = "weekly", _("Every N weeks")
    MONTHLY = "monthly", _("Every N months")


class PropertyService(TenantModel):
    """A service a property gets: its price there, standing instructions, and how often.

    The recurrence is kept as simple fields the form edits (every `interval` days/weeks/months,
    on `weekdays`) and read through an RRULE (jobs/recurrence.py), which also generates the
    upcoming jobs up to `generated_until`."""

    property = models.ForeignKey(Property, on_delete=models.CASCADE, related_name="services")
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="+"
    )
    price = models.DecimalField(
        _("price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    instructions = models.TextField(
        _("standing instructions"),
        blank=True,
        help_text=_("Shown on every job of this service here."),
    )
    frequency = models.CharField(
        _("repeats"), max_length=8, choices=Frequency.choices, default=Frequency.NONE, blank=True
    )
    interval = models.PositiveSmallIntegerField(
        _("every"), default=1, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    # Comma-separated RRULE day codes ("MO,TH"): weekly services on those days.
    weekdays = models.CharField(
        _("on days"), max_length=32, blank=True, help_text=_("For weekly services.")
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    assignees = models.ManyToManyField(
        "accounts.Membership", verbose_name=_("crew"), blank=True, related_name="+"
    )
    # The last day up to which jobs were generated; generation continues from the day after.
    generated_until = models.DateField(null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("property service")
        ordering = ["service__name", "id"]
        indexes = [
            models.Index(
                fields=["company", "generated_until"],
                condition=models.Q(archived_at__isnull=True) & ~models.Q(frequency=""),
                name="propservice_recurring",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service} at {self.property}"

    @builtins.property  # the `property` field shadows the builtin here
    def is_recurring(self) -> bool:
        return bool(self.frequency)
