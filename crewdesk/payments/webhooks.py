"""Stripe's webhook (`/webhooks/stripe/`, the only CSRF-exempt route): the only way an online
payment becomes a Payment, is completed, fails, is refunded from Stripe's dashboard or
disputed.

- The signature and its timestamp (300 s) are checked on the raw body (stripe_gateway).
- Each event is recorded once: its id is unique, inserted in the handling transaction, so the
  same event delivered 20 times at once is handled by one (the others wait for it, then find
  it done).
- Events come in any order; a payment's status only moves forward (pending → completed or
  failed); a late `processing` after `succeeded` changes nothing.
- An amount or currency other than the attempt's is kept as an unmatched payment waiting for
  the office (to_approval), never applied.
- Events of another company's payments (or that name another company) are answered 200 and
  change nothing; so are event types not handled here.
"""

import logging
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from crewdesk.billing import amounts
from crewdesk.clients.models import Notice
from crewdesk.core.formats import format_money
from crewdesk.core.models import Company
from crewdesk.payments import allocations as moves
from crewdesk.payments import events
from crewdesk.payments import stripe_gateway as gateway
from crewdesk.payments.models import (
    AttemptStatus,
    Dispute,
    DisputeStatus,
    OnlineAttempt,
    Payment,
    PaymentStatus,
    Refund,
    StripeEvent,
)
from crewdesk.payments.online import served_company
from crewdesk.payments.services import targeted_invoice_ids

logger = logging.getLogger(__name__)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
REVERSED_DISPUTE = "disputed"


class Verb:
    ONLINE_PROCESSING = "payment.online_processing"
    ONLINE_SUCCEEDED = "payment.online_succeeded"
    ONLINE_FAILED = "payment.online_failed"
    ONLINE_UNMATCHED = "payment.online_unmatched"
    STRIPE_REFUNDED = "payment.stripe_refunded"
    DISPUTED = "payment.disputed"
    DISPUTE_WON = "payment.dispute_won"
    DISPUTE_LOST = "payment.dispute_lost"


SENTENCES = {
    Verb.ONLINE_PROCESSING: gettext_lazy("paid %(amount)s online by %(method)s: processing"),
    Verb.ONLINE_SUCCEEDED: gettext_lazy("paid %(amount)s online by %(method)s"),
    Verb.ONLINE_FAILED: gettext_lazy("had the online payment of %(amount)s fail: %(reason)s"),
    Verb.ONLINE_UNMATCHED: gettext_lazy(
        "paid %(amount)s online, not what was asked: kept for the office to review"
    ),
    Verb.STRIPE_REFUNDED: gettext_lazy("was refunded %(refund)s in Stripe"),
    Verb.DISPUTED: gettext_lazy("had the payment %(name)s of %(amount)s disputed"),
    Verb.DISPUTE_WON: gettext_lazy("won the dispute of the payment %(name)s: it pays again"),
    Verb.DISPUTE_LOST: gettext_lazy("lost the dispute of the payment %(name)s"),
}

# (*, payment_id) -> None, run after the commit of a webhook that completed an online payment
# (a receipt to send, for one): what payment_record's on_commit hooks do for the office's.
ONLINE_PAYMENT_COMPLETED: list = []
# Stripe retries an event for up to three days: its id is kept well past that.
EVENTS_KEPT = timedelta(days=30)

# Where a status stands: an event never moves one back.
ATTEMPT_RANK = {
    AttemptStatus.QUOTED: 0,
    AttemptStatus.SUBMITTED: 1,
    AttemptStatus.PROCESSING: 2,
    AttemptStatus.SUCCEEDED: 3,
    AttemptStatus.FAILED: 3,
    AttemptStatus.CANCELED: 3,
}


# --- the view ---------------------------------------------------------------------------------


@csrf_exempt  # Stripe signs its posts; it has no CSRF token. The only exempt route.
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        event = gateway.webhook_event(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except (ValueError, RawPostDataException):  # a multipart form, read already: not Stripe
        return JsonResponse({"detail": "Invalid signature."}, status=400)
    return JsonResponse({"received": True, "outcome": event_handle(event=event)})


def event_handle(*, event: dict) -> str:
    """Handle one verified event once; what was done, in words (kept on the event's row)."""
    event_id = str(event.get("id") or "")[:255]
    kind = str(event.get("type") or "")[:100]
    if not event_id:
        return "no event id"
    handler = HANDLERS.get(kind)
    company = served_company()
    data = event["data"].get("object")
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = StripeEvent.objects.create(event_id=event_id, type=kind, company=company)
        except IntegrityError:
            return "duplicate"
        if handler is None:
            outcome = "not handled"
        elif company is None:
            outcome = "no company served"
        elif not isinstance(data, dict):
            outcome = "no object"
        else:
            outcome = handler(data, company)
        record.outcome = outcome[:300]
        record.save(update_fields=["outcome"])
    return outcome


# --- telling the office ------------------------------------------------------------------------


def _tell_office(payment: Payment, text: str) -> None:
    """A notice on the client's profile (what a webhook does, no member did)."""
    Notice.objects.create(
        company_id=payment.company_id, client_id=payment.client_id, text=text[:500]
    )


def _event(payment: Payment, verb: str, **data) -> None:
    events.payment_event(actor=None, payment=payment, verb=verb, **data)


# --- payment intents ---------------------------------------------------------------------------


def _attempt(intent: dict, company: Company) -> OnlineAttempt | None:
    """The attempt (locked) a PaymentIntent was made for, if it is this company's."""
    metadata = intent.get("metadata") or {}
    if str(metadata.get("crewdesk_company", "")) != str(company.pk):
        return None
    attempts = OnlineAttempt.objects.select_for_update().filter(company_id=company.pk)
    attempt_id = str(metadata.get("crewdesk_attempt", ""))
    attempt = attempts.filter(pk=int(attempt_id)).first() if attempt_id.isdigit() else None
    attempt = attempt or attempts.filter(stripe_payment_intent=intent.get("id")).first()
    if attempt is None or attempt.stripe_payment_intent not in (None, intent.get("id")):
        return None
    if attempt.stripe_payment_intent is None:
        attempt.stripe_payment_intent = intent["id"]
    return attempt


def _move(attempt: OnlineAttempt, status: str, reason: str = "") -> None:
    if ATTEMPT_RANK[status] > ATTEMPT_RANK[attempt.status]:
        attempt.status = status
        attempt.failure_reason = reason[:300]
    attempt.save()


def _payment_for(attempt: OnlineAttempt, intent: dict, status: str) -> Payment | None:
    """The attempt's payment (locked), made now with `status` when there is none yet. An
    amount or currency other than the attempt's makes an unmatched one."""
    if attempt.payment_id:
        return moves.payment_locked(attempt.payment)
    currency = str(intent.get("currency") or "").upper()
    minor = intent.get("amount_received") or intent.get("amount") or 0
    received = gateway.from_minor(int(minor), currency or attempt.currency)
    matched = currency == attempt.currency and received == attempt.total
    if received <= 0:
        return None
    # The client owning what it pays now (clients merged since the attempt move their invoices).
    target = attempt.invoice if attempt.invoice_id else attempt.batch
    payment = Payment.objects.create(
        company_id=attempt.company_id,
        client_id=target.client_id,
        method=attempt.method,
        status=status,
        amount=attempt.amount if matched else received,
        fee_amount=attempt.fee_amount if matched else ZERO,
        currency=currency[:3],
        reference=(_("ending %s") % attempt.last4) if attempt.last4 else "",
        received_at=timezone.now(),
        invoice_id=attempt.invoice_id,
        batch_id=attempt.batch_id,
        stripe_payment_intent=intent["id"],
        unmatched=not matched,
    )
    attempt.payment = payment
    return payment


def _unmatched(payment: Payment, attempt: OnlineAttempt) -> None:
    payment.status = PaymentStatus.TO_APPROVAL
    payment.save(update_fields=["status", "updated_at"])
    _event(payment, Verb.ONLINE_UNMATCHED)
    _tell_office(
        payment,
        _(
            "An online payment of %(received)s came for %(asked)s asked: it waits for your"
            " review in the approval queue, applied to nothing."
        )
        % {
            "received": format_money(payment.amount, payment.currency),
            "asked": format_money(attempt.total, attempt.currency),
        },
    )


def _apply(payment: Payment) -> None:
    """A completed online payment pays what it was made for, oldest due first, at the
    balances as they are now; what is left is credit, and the office is told."""
    moves.allocate_oldest_first(payment=payment, invoice_ids=targeted_invoice_ids(payment=payment))
    credit = moves.payment_credit(payment)
    if credit > 0:
        _tell_office(
            payment,
            _("The online payment %(name)s left %(credit)s as the client's credit.")
            % {"name": payment, "credit": format_money(credit, payment.currency)},
        )


def intent_processing(intent: dict, company: Company) -> str:
    attempt = _attempt(intent, company)
    if attempt is None:
        return "unknown payment intent"
    if attempt.payment_id is None:
        payment = _payment_for(attempt, intent, PaymentStatus.PENDING)
        if payment is not None:
            _event(payment, Verb.ONLINE_PROCESSING)
    _move(attempt, AttemptStatus.PROCESSING)
    return "processing"


def intent_succeeded(intent: dict, company: Company) -> str:
    attempt = _attempt(intent, company)
    if attempt is None:
        return "unknown payment intent"
    payment = _payment_for(attempt, intent, PaymentStatus.PENDING)
    _move(attempt, AttemptStatus.SUCCEEDED)
    if payment is None:
        return "nothing received"
    if payment.status != PaymentStatus.PENDING:
        return "already " + payment.status
    if payment.unmatched:
        _unmatched(payment, attempt)
        return "unmatched"
    payment.status = PaymentStatus.COMPLETED
    payment.received_at = timezone.now()
    payment.save(update_fields=["status", "received_at", "updated_at"])
    _apply(payment)
    _event(payment, Verb.ONLINE_SUCCEEDED)
    for hook in ONLINE_PAYMENT_COMPLETED:
        transaction.on_commit(partial(hook, payment_id=payment.pk))
    return "completed"


def intent_failed(intent: dict, company: Company) -> str:
    attempt = _attempt(intent, company)
    if attempt is None:
        return "unknown payment intent"
    error = intent.get("last_payment_error") or {}
    reason = str(error.get("message") or intent.get("cancellation_reason") or _("declined"))
    canceled = intent.get("status") == "canceled"
    _move(attempt, AttemptStatus.CANCELED if canceled else AttemptStatus.FAILED, reason)
    payment = moves.payment_locked(attempt.payment) if attempt.payment_id else None
    if payment is None or payment.status != PaymentStatus.PENDING:
        return "attempt failed"
    payment.status = PaymentStatus.FAILED
    payment.failure_reason = reason[:300]
    payment.save(update_fields=["status", "failure_reason", "updated_at"])
    _event(payment, Verb.ONLINE_FAILED, reason=reason)
    return "failed"


# --- refunds made in Stripe ----------------------------------------------------------------


def _payment_of_intent(intent_id, company: Company) -> Payment | None:
    if not isinstance(intent_id, str) or not intent_id:
        return None
    return (
        Payment.objects.select_for_update()
        .filter(company_id=company.pk, stripe_payment_intent=intent_id)
        .first()
    )


def _amount_part(payment: Payment, total: Decimal) -> Decimal:
    """The part of a refund of `total` (amount and card fee together, as Stripe gives back)
    that returns the payment's amount: the rest is the fee's pro rata share."""
    left = payment.amount - payment.refunded_amount
    fee_left = payment.fee_amount - payment.fee_refunded
    if total >= left + fee_left:
        return left
    estimate = amounts.quantize(total * payment.amount / (payment.amount + payment.fee_amount))
    for candidate in (estimate, estimate - CENT, estimate + CENT):
        share = amounts.refund_fee_share(
            fee=payment.fee_amount,
            amount=payment.amount,
            fee_refunded=payment.fee_refunded,
            refunded=payment.refunded_amount,
            refund=candidate,
        )
        if candidate + share == total:
            return min(max(candidate, CENT), left)
    return min(max(estimate, CENT), left)


def _refund_seen(refund: dict, intent_id, company: Company) -> str:
    refund_id = str(refund.get("id") or "")
    if not refund_id or refund.get("status") not in ("succeeded", "pending"):
        return "refund not made"
    payment = _payment_of_intent(intent_id, company)
    if payment is None:
        return "unknown payment intent"
    if Refund.objects.filter(stripe_refund_id=refund_id).exists():
        return "refund known"
    if payment.status != PaymentStatus.COMPLETED:
        return "payment not completed"
    total = gateway.from_minor(int(refund.get("amount") or 0), payment.currency)
    if total <= 0:
        return "nothing refunded"
    record, _undone = moves.refund_record(
        payment=payment,
        amount=_amount_part(payment, total),
        reason=_("Refunded in Stripe"),
        stripe_refund_id=refund_id,
    )
    _event(payment, Verb.STRIPE_REFUNDED, refund=str(record.amount), fee=str(record.fee_amount))
    return "refund recorded"


def charge_refunded(charge: dict, company: Company) -> str:
    refunds = (charge.get("refunds") or {}).get("data") or []
    outcomes = [_refund_seen(r, charge.get("payment_intent"), company) for r in refunds]
    return ", ".join(outcomes) or "no refunds listed"


def refund_updated(refund: dict, company: Company) -> str:
    return _refund_seen(refund, refund.get("payment_intent"), company)


# --- disputes --------------------------------------------------------------------------------


def _dispute(obj: dict, company: Company) -> tuple[Dispute | None, Payment | None]:
    payment = _payment_of_intent(obj.get("payment_intent"), company)
    dispute_id = str(obj.get("id") or "")
    if payment is None or not dispute_id:
        return None, payment
    dispute, _made = Dispute.objects.get_or_create(
        stripe_dispute_id=dispute_id[:255],
        defaults={
            "company_id": company.pk,
            "payment": payment,
            "amount": gateway.from_minor(int(obj.get("amount") or 0), payment.currency),
            "reason": str(obj.get("reason") or "")[:100],
        },
    )
    if dispute.payment_id != payment.pk:
        return None, payment
    return Dispute.objects.select_for_update().get(pk=dispute.pk), payment


def _hold(dispute: Dispute, payment: Payment) -> None:
    """A disputed payment pays nothing (the bank holds its money): its invoices are owed
    again, and the office is told."""
    if dispute.reversed or payment.status != PaymentStatus.COMPLETED:
        return
    undone = moves.allocations_reverse_all(payment=payment, reason=REVERSED_DISPUTE)
    payment.status = PaymentStatus.FAILED
    payment.failure_reason = _("Disputed by the cardholder")
    payment.save(update_fields=["status", "failure_reason", "updated_at"])
    dispute.reversed = True
    owed = ", ".join(dict.fromkeys(str(d.invoice) for d in undone)) or _("none")
    _event(payment, Verb.DISPUTED)
    _tell_office(
        payment,
        _(
            "The payment %(name)s of %(amount)s is disputed: owed again until it is "
            "settled: %(owed)s."
        )
        % {
            "name": payment,
            "amount": format_money(payment.amount, payment.currency),
            "owed": owed,
        },
    )


def dispute_created(obj: dict, company: Company) -> str:
    dispute, payment = _dispute(obj, company)
    if dispute is None:
        return "unknown payment intent"
    if dispute.status == DisputeStatus.OPEN:
        _hold(dispute, payment)
        dispute.save()
    return "dispute " + dispute.status


def dispute_closed(obj: dict, company: Company) -> str:
    dispute, payment = _dispute(obj, company)
    if dispute is None:
        return "unknown payment intent"
    if dispute.status != DisputeStatus.OPEN:
        return "dispute closed already"
    won = obj.get("status") == "won"
    dispute.status = DisputeStatus.WON if won else DisputeStatus.LOST
    dispute.closed_at = timezone.now()
    if won:
        if dispute.reversed:
            payment.status = PaymentStatus.COMPLETED
            payment.failure_reason = ""
            payment.save(update_fields=["status", "failure_reason", "updated_at"])
            dispute.reversed = False
            moves.allocate_oldest_first(
                payment=payment, invoice_ids=targeted_invoice_ids(payment=payment)
            )
        _event(payment, Verb.DISPUTE_WON)
        _tell_office(
            payment,
            _("The dispute of the payment %(name)s was won: it pays its invoices again.")
            % {"name": payment},
        )
    else:
        _hold(dispute, payment)
        _event(payment, Verb.DISPUTE_LOST)
        _tell_office(
            payment,
            _("The dispute of the payment %(name)s was lost: its %(amount)s is owed again.")
            % {"name": payment, "amount": payment.amount},
        )
    dispute.save()
    return "dispute " + dispute.status


HANDLERS = {
    "payment_intent.processing": intent_processing,
    "payment_intent.succeeded": intent_succeeded,
    "payment_intent.payment_failed": intent_failed,
    "payment_intent.canceled": intent_failed,
    "charge.refunded": charge_refunded,
    "refund.updated": refund_updated,
    "refund.created": refund_updated,
    "charge.dispute.created": dispute_created,
    "charge.dispute.closed": dispute_closed,
}


def stripe_cleanup(now) -> dict[str, int]:
    """The daily cleanup (core/cleanup.py): old webhook events, and quotes never confirmed
    (nothing was charged for them)."""
    events_gone, _ = StripeEvent.objects.filter(received_at__lt=now - EVENTS_KEPT).delete()
    quotes_gone, _ = OnlineAttempt.objects.filter(
        status=AttemptStatus.QUOTED, created_at__lt=now - timedelta(days=1)
    ).delete()
    return {"Stripe webhook events": events_gone, "online payment quotes": quotes_gone}
