"""Paying an invoice or a batch online (Stripe, card or ACH) from its public link (DESIGN §2):

1. The pay page shows Stripe's Payment Element; the browser makes a ConfirmationToken.
2. `attempt_quote`: the server reads the token (card or bank account, a card's funding), and
   keeps an attempt row with the balance as it is now and the card fee (only on credit
   cards): the customer sees the final amount.
3. `attempt_confirm`: the customer confirms it; a batch's "pay all" takes the balance at this
   moment (a changed balance is shown again to confirm). The PaymentIntent is made with an
   idempotency key from the attempt's id, so a retried confirm charges once.
4. Nothing is paid until Stripe's webhook says so (webhooks.py): the success page only reads.

There is no member here: the public link's token is the key, and the attempt must belong to
the document the token names. One Stripe account serves one company (`STRIPE_COMPANY`, or
the only one): other companies' documents offer no online payment.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crewdesk.billing import amounts
from crewdesk.billing.documents import PayAction
from crewdesk.billing.models import RECEIVABLE_STATUSES, BatchInvoice, Invoice
from crewdesk.core.models import Company
from crewdesk.core.money import round_money
from crewdesk.payments import stripe_gateway as gateway
from crewdesk.payments.models import (
    AttemptStatus,
    OnlineAttempt,
    Payment,
    PaymentMethod,
    PaymentStatus,
)

ZERO = Decimal("0.00")
# A confirmed attempt whose webhook has not come yet hides Pay this long (a second payment
# would be taken otherwise); after that Pay shows again.
AWAITING_WEBHOOK = timedelta(hours=1)
QUOTE_VALID = timedelta(hours=1)
IN_FLIGHT = (AttemptStatus.SUBMITTED, AttemptStatus.PROCESSING)


class BalanceChanged(Exception):
    """The balance moved between the quote and the confirmation: the attempt now holds the
    new amount, for the customer to confirm again."""


# --- which company Stripe serves ---------------------------------------------------------------


def served_company() -> Company | None:
    """The company the installation's Stripe account serves: STRIPE_COMPANY's, or the only
    company there is."""
    if settings.STRIPE_COMPANY:
        return Company.objects.filter(slug=settings.STRIPE_COMPANY).first()
    companies = list(Company.objects.order_by("pk")[:2])
    return companies[0] if len(companies) == 1 else None


def online_ready(company_id: int) -> bool:
    if not (gateway.configured() and settings.STRIPE_PUBLISHABLE_KEY):
        return False
    served = served_company()
    return served is not None and served.pk == company_id


# --- what a document owes, and whether a payment of it is under way ---------------------------


def _batch_invoices(batch: BatchInvoice):
    return Invoice.objects.filter(
        batch_items__batch_id=batch.pk, batch_items__active=True, company_id=batch.company_id
    )


def document_balance(document: Invoice | BatchInvoice) -> Decimal:
    """What is owed on it now (a batch: its invoices' balances)."""
    if isinstance(document, Invoice):
        return document.balance if document.status in RECEIVABLE_STATUSES else ZERO
    owed = _batch_invoices(document).filter(status__in=RECEIVABLE_STATUSES)
    return owed.aggregate(s=Sum("balance"))["s"] or ZERO


def _invoice_ids(document: Invoice | BatchInvoice) -> list[int]:
    if isinstance(document, Invoice):
        return [document.pk]
    return list(_batch_invoices(document).values_list("pk", flat=True))


def payment_processing(document: Invoice | BatchInvoice) -> bool:
    """A payment of this document (or of a batch holding its invoices, or of its invoices)
    still settling (ACH), or confirmed and waiting for Stripe's word: Pay is hidden."""
    invoice_ids = _invoice_ids(document)
    touching = Q(invoice_id__in=invoice_ids) | Q(
        batch__items__invoice_id__in=invoice_ids, batch__items__active=True
    )
    if isinstance(document, BatchInvoice):
        touching |= Q(batch_id=document.pk)
    company = document.company_id
    if Payment.objects.filter(touching, company_id=company, status=PaymentStatus.PENDING).exists():
        return True
    recent = timezone.now() - AWAITING_WEBHOOK
    return OnlineAttempt.objects.filter(
        touching,
        company_id=company,
        status__in=IN_FLIGHT,
        payment__isnull=True,
        updated_at__gte=recent,
    ).exists()


def pay_action(*, document, token: str) -> PayAction | None:
    """The public page's Pay button (billing's PUBLIC_PAY_ACTIONS): for the company Stripe
    serves, while something is owed; "Payment processing" (no link) while one settles."""
    if not online_ready(document.company_id):
        return None
    if payment_processing(document):
        return PayAction(label=_("Payment processing"), url="")
    balance = document_balance(document)
    if balance < gateway.MINIMUM_CHARGE:
        return None
    return PayAction(label=_("Pay online"), url=reverse("public_pay:pay", args=[token]))


# --- quote, then confirm -----------------------------------------------------------------------


def _fee(company: Company, amount: Decimal, preview: gateway.PaymentMethodPreview) -> Decimal:
    return amounts.card_fee(
        amount,
        percent=company.card_fee_percent,
        cap=company.card_fee_cap,
        funding=preview.funding,
        method=preview.method,
        country=company.country,
        currency=company.currency,
    )


def document_currency(document) -> str:
    return getattr(document, "currency", "") or document.company.currency


def _check_payable(document, balance: Decimal) -> None:
    if not online_ready(document.company_id):
        raise ValidationError({"payment": [_("Online payment is not available.")]})
    if balance < gateway.MINIMUM_CHARGE:
        raise ValidationError({"payment": [_("There is nothing left to pay online.")]})
    if payment_processing(document):
        raise ValidationError({"payment": [_("A payment is already processing.")]})


@transaction.atomic
def attempt_quote(*, document: Invoice | BatchInvoice, confirmation_token: str) -> OnlineAttempt:
    """Learn the payment method from the ConfirmationToken and keep what the customer will
    be asked to confirm: the balance now, and the card fee (credit cards only)."""
    token = (confirmation_token or "").strip()
    if not token.startswith("ctoken_") or len(token) > 255:
        raise ValidationError({"confirmation_token": [_("Enter your payment details again.")]})
    balance = document_balance(document)
    _check_payable(document, balance)
    try:
        preview = gateway.confirmation_token(token)
    except gateway.GatewayError as error:
        raise ValidationError({"confirmation_token": [error.message]}) from error
    company = document.company
    is_invoice = isinstance(document, Invoice)
    return OnlineAttempt.objects.create(
        company_id=company.pk,
        client_id=document.client_id,
        invoice=document if is_invoice else None,
        batch=None if is_invoice else document,
        method=preview.method,
        funding=preview.funding,
        last4=preview.last4[:4],
        amount=round_money(balance),
        fee_amount=_fee(company, balance, preview),
        currency=document_currency(document),
        confirmation_token=token,
    )


def attempt_of(*, document: Invoice | BatchInvoice, attempt_id) -> OnlineAttempt | None:
    """An attempt of this document (the public link's), else None."""
    try:
        number = int(attempt_id)
    except (TypeError, ValueError):
        return None
    if not 0 < number < 2**63:
        return None
    field = "invoice_id" if isinstance(document, Invoice) else "batch_id"
    return OnlineAttempt.objects.filter(
        pk=number, company_id=document.company_id, **{field: document.pk}
    ).first()


def idempotency_key(attempt: OnlineAttempt) -> str:
    return f"crewdesk-attempt-{attempt.pk}"


def attempt_confirm(
    *, document: Invoice | BatchInvoice, attempt: OnlineAttempt, return_url: str
) -> gateway.Intent | None:
    """The customer confirmed the amount shown: make the PaymentIntent (once, whatever the
    retries). BalanceChanged when the balance moved since the quote (the attempt holds the
    new amount). None when it was confirmed already."""
    with transaction.atomic():
        attempt = OnlineAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status != AttemptStatus.QUOTED:
            return None
        if timezone.now() - attempt.created_at > QUOTE_VALID:
            raise ValidationError({"payment": [_("This quote expired. Start again.")]})
        balance = document_balance(document)
        _check_payable(document, balance)
        if balance != attempt.amount:
            preview = gateway.PaymentMethodPreview(attempt.method, attempt.funding, attempt.last4)
            attempt.amount = balance
            attempt.fee_amount = _fee(document.company, balance, preview)
            attempt.save(update_fields=["amount", "fee_amount", "updated_at"])
            changed = True
        else:
            changed = False
            attempt.status = AttemptStatus.SUBMITTED
            attempt.save(update_fields=["status", "updated_at"])
    if changed:
        raise BalanceChanged
    # Outside the row's lock: the webhook of this very intent may come before we return.
    try:
        intent = gateway.payment_intent_create(
            amount=attempt.total,
            currency=attempt.currency,
            confirmation_token=attempt.confirmation_token,
            idempotency_key=idempotency_key(attempt),
            metadata={
                "crewdesk_attempt": str(attempt.pk),
                "crewdesk_company": str(attempt.company_id),
            },
            return_url=return_url,
        )
    except gateway.GatewayError as error:
        OnlineAttempt.objects.filter(pk=attempt.pk, status=AttemptStatus.SUBMITTED).update(
            status=AttemptStatus.FAILED,
            failure_reason=error.message[:300],
            updated_at=timezone.now(),
        )
        raise ValidationError({"payment": [error.message]}) from error
    OnlineAttempt.objects.filter(pk=attempt.pk, stripe_payment_intent__isnull=True).update(
        stripe_payment_intent=intent.id
    )
    if intent.status in ("canceled", "requires_payment_method"):
        OnlineAttempt.objects.filter(pk=attempt.pk, status=AttemptStatus.SUBMITTED).update(
            status=AttemptStatus.FAILED, updated_at=timezone.now()
        )
    return intent


def attempt_method_label(attempt: OnlineAttempt) -> str:
    if attempt.method == PaymentMethod.ACH:
        return _("Bank account ending %s") % attempt.last4 if attempt.last4 else _("Bank account")
    kind = {"credit": _("Credit card"), "debit": _("Debit card"), "prepaid": _("Prepaid card")}
    label = kind.get(attempt.funding, _("Card"))
    return f"{label} {_('ending')} {attempt.last4}" if attempt.last4 else str(label)


# --- the office refunds an online payment -------------------------------------------------------


def refund_through_stripe(*, payment: Payment, refund) -> None:
    """payment_refund's provider (services.REFUND_PROVIDERS): a payment taken through Stripe
    is given back there, the amount and its card fee share, with an idempotency key from our
    refund row. Stripe's `charge.refunded` webhook then finds the refund known."""
    if not payment.stripe_payment_intent:
        return
    if not gateway.configured():
        message = _("Stripe is not set up here: give this payment back in Stripe's dashboard.")
        raise ValidationError({"amount": [message]})
    try:
        result = gateway.refund_create(
            payment_intent=payment.stripe_payment_intent,
            amount=refund.amount + refund.fee_amount,
            currency=payment.currency,
            idempotency_key=f"crewdesk-refund-{refund.pk}",
        )
    except gateway.GatewayError as error:
        raise ValidationError({"amount": [error.message]}) from error
    refund.stripe_refund_id = result.id
    refund.save(update_fields=["stripe_refund_id"])
