"""The only code that talks to Stripe: the stripe SDK, pointed at `STRIPE_API_BASE` when set
(a local stand-in in tests, tests/stripe_standin.py). Everything else uses the small answers
below, never the SDK's objects, and sees Stripe's failures as GatewayError.

Amounts cross here in minor units (cents); zero-decimal currencies have none."""

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import stripe
from django.conf import settings

# Stripe's currencies without a minor unit (https://docs.stripe.com/currencies).
ZERO_DECIMAL = frozenset(
    "BIF CLP DJF GNF JPY KMF KRW MGA PYG RWF UGX VND VUV XAF XOF XPF".split()  # noqa: SIM905
)
# Stripe's smallest charge for USD and most currencies.
MINIMUM_CHARGE = Decimal("0.50")
WEBHOOK_TOLERANCE = 300  # seconds a webhook's signed timestamp may be old


class GatewayError(Exception):
    """Stripe refused or could not be reached: `message` is fit for the customer."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class PaymentMethodPreview:
    """What a ConfirmationToken says of the payment method, before anything is charged."""

    method: str  # "card" or "ach" (PaymentMethod's values)
    funding: str  # a card's credit, debit, prepaid or unknown; "" for ACH
    last4: str


@dataclass(frozen=True)
class Intent:
    id: str
    status: str
    client_secret: str
    amount: int
    currency: str


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str


def to_minor(amount: Decimal, currency: str) -> int:
    if currency.upper() in ZERO_DECIMAL:
        return int(Decimal(amount).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_minor(value: int, currency: str) -> Decimal:
    if currency.upper() in ZERO_DECIMAL:
        return Decimal(int(value)).quantize(Decimal("0.01"))
    return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))


def configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def _client() -> stripe.StripeClient:
    addresses = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY, base_addresses=addresses, max_network_retries=2
    )


def _refused(error: stripe.StripeError) -> GatewayError:
    message = error.user_message or ""
    if not message or isinstance(error, stripe.AuthenticationError | stripe.APIConnectionError):
        message = "The payment service could not be reached. Try again in a few minutes."
    return GatewayError(message, code=getattr(error, "code", "") or "")


def confirmation_token(token_id: str) -> PaymentMethodPreview:
    """The payment method the customer entered in the Payment Element, seen through its
    ConfirmationToken: card or bank account, and a card's funding (the card fee's rule)."""
    try:
        token = _client().v1.confirmation_tokens.retrieve(token_id).to_dict()
    except stripe.StripeError as error:
        raise _refused(error) from error
    preview = token.get("payment_method_preview") or {}
    kind = preview.get("type")
    if kind == "card":
        card = preview.get("card") or {}
        return PaymentMethodPreview("card", card.get("funding") or "unknown", card.get("last4", ""))
    if kind == "us_bank_account":
        bank = preview.get("us_bank_account") or {}
        return PaymentMethodPreview("ach", "", bank.get("last4", ""))
    raise GatewayError("This payment method is not accepted. Pay by card or bank account.")


def payment_intent_create(
    *,
    amount: Decimal,
    currency: str,
    confirmation_token: str,
    idempotency_key: str,
    metadata: dict[str, str],
    return_url: str,
) -> Intent:
    """Create and confirm a PaymentIntent with the customer's ConfirmationToken. The same
    idempotency key always gives the first answer, so a retried confirm charges once."""
    params = {
        "amount": to_minor(amount, currency),
        "currency": currency.lower(),
        "confirm": True,
        "confirmation_token": confirmation_token,
        "payment_method_types": ["card", "us_bank_account"],
        # ACH with instant verification only: no micro-deposits days later.
        "payment_method_options": {"us_bank_account": {"verification_method": "instant"}},
        "metadata": metadata,
        "return_url": return_url,
    }
    try:
        intent = (
            _client()
            .v1.payment_intents.create(params, options={"idempotency_key": idempotency_key})
            .to_dict()
        )
    except stripe.StripeError as error:
        raise _refused(error) from error
    return Intent(
        id=intent["id"],
        status=intent["status"],
        client_secret=intent.get("client_secret") or "",
        amount=intent["amount"],
        currency=intent["currency"],
    )


def refund_create(
    *, payment_intent: str, amount: Decimal, currency: str, idempotency_key: str
) -> RefundResult:
    try:
        refund = (
            _client()
            .v1.refunds.create(
                {"payment_intent": payment_intent, "amount": to_minor(amount, currency)},
                options={"idempotency_key": idempotency_key},
            )
            .to_dict()
        )
    except stripe.StripeError as error:
        raise _refused(error) from error
    return RefundResult(id=refund["id"], status=refund["status"])


def webhook_event(*, payload: bytes, signature: str) -> dict:
    """The event of a webhook whose signature (and a timestamp within 300 s) holds on the raw
    body; ValueError otherwise."""
    try:
        stripe.Webhook.construct_event(
            payload, signature, settings.STRIPE_WEBHOOK_SECRET, tolerance=WEBHOOK_TOLERANCE
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError) as error:
        raise ValueError(str(error)) from error
    if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
        raise ValueError("not an event")
    return event
