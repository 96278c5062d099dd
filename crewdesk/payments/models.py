"""Payments: money a client paid (recorded by the office, reported by the customer, or later
taken online), how it is split over invoices (allocations), and what was given back (refunds).

What is left of a payment after its active allocations and refunds is the client's credit:
never stored, always `amount − refunded_amount − active allocations` (selectors.client_credit),
and `crewdesk check_ledger` (ledger.py) proves it never goes below zero.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crewdesk.accounts.models import Membership
from crewdesk.billing.models import BatchInvoice, Invoice
from crewdesk.clients.models import Client
from crewdesk.core.models import TenantModel, money_field
from crewdesk.core.permissions import CustomerScope

ZERO = Decimal("0.00")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card")
    ACH = "ach", _("ACH")
    CASH = "cash", _("Cash")
    CHECK = "check", _("Check")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    ZELLE = "zelle", _("Zelle")


# What a customer may say they paid by, outside Crewdesk (card and ACH are paid online).
REPORTABLE_METHODS = (PaymentMethod.ZELLE, PaymentMethod.CHECK, PaymentMethod.BANK_TRANSFER)


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")  # an online payment still settling (ACH): allocates nothing
    TO_APPROVAL = "to_approval", _("To approval")  # a customer's report, for the office to check
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Failed")  # failed, bounced, or a report the office rejected
    REFUNDED = "refunded", _("Refunded")  # all of it given back


class Payment(TenantModel):
    """Money from a client: `amount` goes to its invoices (allocations) or stays as credit;
    `fee_amount` (a card fee) is kept on the payment, never allocated."""

    customer_scope = CustomerScope(client="client")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.PROTECT, related_name="payments"
    )
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.COMPLETED
    )
    amount = money_field(_("amount"))
    fee_amount = money_field(_("card fee"))
    currency = models.CharField(_("currency"), max_length=3)
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("The check number, or the transfer's confirmation code."),
    )
    received_at = models.DateTimeField(_("received"))
    # What the payment was made for: a customer's report or an online payment names the
    # invoice or the batch it pays; approving or completing it pays that first.
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targeted_payments",
    )
    batch = models.ForeignKey(
        BatchInvoice,
        verbose_name=_("batch invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    # The customer's login that reported it ("I paid by Zelle"); empty when the office recorded it.
    reported_by = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.CharField(_("reason for rejecting"), max_length=300, blank=True)
    failure_reason = models.CharField(_("reason it failed"), max_length=300, blank=True)
    refunded_amount = money_field(_("refunded"), editable=False)
    fee_refunded = money_field(_("card fee refunded"), editable=False)
    # Stripe's PaymentIntent: a payment is recorded once per intent (online payments).
    stripe_payment_intent = models.CharField(max_length=255, null=True, blank=True, unique=True)
    # An online payment whose amount or currency is not what its attempt asked: kept for the
    # office to review (to_approval), never applied by itself.
    unmatched = models.BooleanField(_("unmatched"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("payment")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="payment_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(fee_amount__gte=0), name="payment_fee_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(refunded_amount__gte=0, refunded_amount__lte=models.F("amount")),
                name="payment_refunded_within_amount",
            ),
            models.CheckConstraint(
                condition=models.Q(fee_refunded__gte=0, fee_refunded__lte=models.F("fee_amount")),
                name="payment_fee_refunded_within_fee",
            ),
        ]
        indexes = [
            # A client's payments tab and credit.
            models.Index(fields=["client", "status", "-received_at"], name="payment_by_client"),
            # The office's payments list.
            models.Index(fields=["company", "-received_at", "-id"], name="payment_list"),
            # The approval queue: a company's reports waiting, oldest first.
            models.Index(
                fields=["company", "created_at"],
                condition=models.Q(status="to_approval"),
                name="payment_approval_queue",
            ),
        ]

    def __str__(self) -> str:
        method = self.get_method_display()
        return f"{method} {self.reference}" if self.reference else str(method)


def proof_path(instance: "PaymentProof", filename: str) -> str:
    # Private files live under private/; they are only served through a permission-checked view.
    return f"private/{instance.company_id}/payments/{instance.payment_id}/{filename}"


class PaymentProof(TenantModel):
    """The file that shows a payment was made (a photo of the check, a Zelle screenshot, a
    bank's PDF), checked by core/uploads.py like a job's documents."""

    customer_scope = CustomerScope(parent="payment")

    payment = models.OneToOneField(Payment, on_delete=models.CASCADE, related_name="proof")
    file = models.FileField(_("proof of payment"), upload_to=proof_path, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=100, blank=True)
    is_image = models.BooleanField(default=False)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proof of payment")
        indexes = [
            # The upload limits count a company's and a user's files of the last 24 hours.
            models.Index(fields=["company", "uploaded_at"], name="proof_by_company_day"),
            models.Index(fields=["uploaded_by", "uploaded_at"], name="proof_by_user_day"),
        ]

    def __str__(self) -> str:
        return self.name


class PaymentAllocation(TenantModel):
    """Part of a payment put on one invoice. Never deleted: undone by `reversed_at` (a void, a
    refund, a bounced check), its amount then back in the payment's credit."""

    customer_scope = CustomerScope(parent="payment")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = money_field(_("amount"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversal_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("payment allocation")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="allocation_amount_positive"
            ),
        ]
        indexes = [
            # What is paid on an invoice (its active allocations), and a payment's.
            models.Index(fields=["invoice", "reversed_at"], name="allocation_by_invoice"),
            models.Index(fields=["payment", "reversed_at"], name="allocation_by_payment"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} → {self.invoice_id}"

    @property
    def active(self) -> bool:
        return self.reversed_at is None


class Refund(TenantModel):
    """Money given back from a payment: `amount` of what it paid, and `fee_amount` of its card
    fee (pro rata; the last refund takes what is left)."""

    customer_scope = CustomerScope(parent="payment")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = money_field(_("amount"))
    fee_amount = money_field(_("card fee refunded"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    stripe_refund_id = models.CharField(max_length=255, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("refund")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(fee_amount__gte=0), name="refund_fee_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount}"


# --- online payments (Stripe): payments/online.py and payments/webhooks.py ------------------


class AttemptStatus(models.TextChoices):
    QUOTED = "quoted", _("Waiting for the customer to confirm")
    SUBMITTED = "submitted", _("Sent to Stripe")
    PROCESSING = "processing", _("Processing")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Canceled")


class OnlineAttempt(TenantModel):
    """One try at paying an invoice or a batch online, before any payment exists: what the
    customer was shown (amount, card fee) and confirmed. Its id makes the PaymentIntent's
    idempotency key; only a webhook turns it into a Payment."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    batch = models.ForeignKey(
        BatchInvoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    method = models.CharField(max_length=16, choices=PaymentMethod.choices)
    funding = models.CharField(max_length=16, blank=True)  # credit, debit, prepaid, unknown
    last4 = models.CharField(max_length=4, blank=True)
    amount = money_field(_("amount"))
    fee_amount = money_field(_("card fee"))
    currency = models.CharField(max_length=3)
    confirmation_token = models.CharField(max_length=255)
    status = models.CharField(
        max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.QUOTED
    )
    stripe_payment_intent = models.CharField(max_length=255, null=True, blank=True, unique=True)
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="online_attempt"
    )
    failure_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(invoice__isnull=True) ^ models.Q(batch__isnull=True),
                name="attempt_pays_an_invoice_or_a_batch",
            ),
        ]

    def __str__(self) -> str:
        return f"attempt {self.pk}"

    @property
    def total(self) -> Decimal:
        """What Stripe charges: the amount and the card fee."""
        return self.amount + self.fee_amount


class StripeEvent(models.Model):
    """A webhook event Stripe sent, once: its id is unique, so the same event delivered many
    times at once is handled by whichever insert wins (the others find it done)."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    company = models.ForeignKey(
        "core.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.event_id


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


class Dispute(TenantModel):
    """A cardholder's dispute of an online payment: while it is open or once lost, what the
    payment paid is owed again; a won dispute pays the invoices again."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="disputes")
    stripe_dispute_id = models.CharField(max_length=255, unique=True)
    amount = money_field(_("amount"))
    reason = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=8, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    # The payment's allocations are reversed while this is true (open or lost).
    reversed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.stripe_dispute_id
