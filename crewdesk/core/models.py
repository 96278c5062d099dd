"""The tenant (Company), its trading names (Brand) and the activity log every app writes to."""

import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crewdesk.core.constants import CURRENCY_CHOICES
from crewdesk.core.formats import validate_country
from crewdesk.core.permissions import CustomerScope, check_loading, save_sealed


def validate_timezone(value: str) -> None:
    from django.core.exceptions import ValidationError

    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value})


class Address(models.Model):
    """The address fields every address in Crewdesk uses (DESIGN §4)."""

    street = models.CharField(_("street"), max_length=200, blank=True)
    street2 = models.CharField(_("street, line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state / region"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(
        _("country"), max_length=2, blank=True, default="US", validators=[validate_country]
    )

    class Meta:
        abstract = True


class Company(models.Model):
    """A business using Crewdesk: the tenant every business row belongs to."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCY_CHOICES, default="USD"
    )
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        default="America/New_York",
        validators=[validate_timezone],
    )
    country = models.CharField(
        _("country"),
        max_length=2,
        default="US",
        validators=[validate_country],
        help_text=_(
            "Used to read phone numbers written without a country code, and for how dates, "
            "times and money are written."
        ),
    )
    default_tax_rate = models.DecimalField(
        _("default tax rate (%)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    card_fee_percent = models.DecimalField(
        _("card fee (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
        help_text=_("Added to card payments only, and shown to the customer before paying."),
    )
    card_fee_cap = models.DecimalField(
        _("card fee cap"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("The most a card fee may be on one payment; empty for no cap but the 3%."),
    )
    invoice_prefix = models.CharField(_("invoice prefix"), max_length=10, blank=True, default="")
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        default=0,
        validators=[MaxValueValidator(365)],
        help_text=_("Days from an invoice's date to its due date; 0 is due on receipt."),
    )
    payment_instructions = models.TextField(
        _("how to pay"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Printed on invoices and receipts, a line each: “Checks payable to Sparkle Crew”, "
            "“Zelle: billing@sparkle.example”."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    """An amount of money: numeric(12,2), zero by default (core/money.py's MAX_AMOUNT)."""
    kwargs.setdefault("default", Decimal("0.00"))
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


class TenantModel(models.Model):
    """Base for every business row: it belongs to exactly one company."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    # A customer's copy of a row (core.permissions.scope) never loads the fields hidden from
    # customers (CustomerScope.hidden), and saving it leaves them as they are.
    def save(self, *args, **kwargs):
        save_sealed(self, super().save, *args, **kwargs)

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        check_loading(self, fields)
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)


class Brand(TenantModel, Address):
    """A trading name of a company, with the logo and contact details printed on documents."""

    # Every customer of the company sees its brands: the portal wears them.
    customer_scope = CustomerScope(whole_company=True)

    name = models.CharField(_("trading name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="brands/", blank=True)
    is_default = models.BooleanField(_("default brand"), default=False)

    class Meta:
        verbose_name = _("brand")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(is_default=True),
                name="brand_one_default_per_company",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """One thing someone did to a record: the timeline of a record and the audit trail."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verb = models.CharField(max_length=64)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.BigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["company", "-created_at"], name="activity_company_recent"),
            models.Index(
                fields=["target_type", "target_id", "-created_at"], name="activity_target_recent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.verb} by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"
