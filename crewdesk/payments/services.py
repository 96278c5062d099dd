"""Writes of payments: the office records a payment (completed at once) and applies credit,
reverses a bounced one and refunds; a customer reports one they made outside Crewdesk ("I
paid by Zelle"), which waits for the office to approve or reject it.

Money moves onto and off invoices only through payments/allocations.py, under row locks, in
the service's transaction. Billing asks this app before and while voiding an invoice through
its VOID_BLOCKERS and VOID_HANDLERS (filled in apps.py): a payment still processing on it
blocks the void, and what was paid on it becomes the client's credit.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crewdesk.accounts.models import Membership
from crewdesk.billing.models import RECEIVABLE_STATUSES, BatchInvoice, Invoice
from crewdesk.billing.selectors import batch_invoices
from crewdesk.clients.models import Client
from crewdesk.clients.services import notice_create
from crewdesk.core.dates import company_today, company_zone, in_range, parse_day
from crewdesk.core.formats import format_money
from crewdesk.core.money import parse_amount as parse_number
from crewdesk.core.money import round_money
from crewdesk.core.permissions import Action, require, scope
from crewdesk.core.records import company_record, parse_id
from crewdesk.core.uploads import PDF_CONTENT_TYPE, Accept, UploadBatch
from crewdesk.notifications.services import email_send
from crewdesk.payments import allocations as moves
from crewdesk.payments import events, receipts
from crewdesk.payments.models import (
    REPORTABLE_METHODS,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    PaymentProof,
    PaymentStatus,
    Refund,
)
from crewdesk.payments.selectors import payment_credit

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
PROOF_MAX_BYTES = 10 * 1024 * 1024
PROOF_TYPES = (PDF_CONTENT_TYPE, "image/jpeg", "image/png")

# Messages the tests (and the API's 422s) name.
ALLOCATIONS_ABOVE_AMOUNT = gettext_lazy("The amounts applied add up to more than the payment.")
ALLOCATION_TWICE = gettext_lazy("Each invoice may be named once.")
ANOTHER_CLIENTS_INVOICE = gettext_lazy("%s is another client's invoice.")
NOT_TO_APPROVE = gettext_lazy("Only a payment waiting for approval is approved or rejected.")
NOT_COMPLETED = gettext_lazy("Only a completed payment can do this.")
REASON_NEEDED = gettext_lazy("Say why, for the customer.")
REPORT_NEEDS_REFERENCE = gettext_lazy(
    "Give the payment's reference (the check number, the confirmation code) or a proof."
)
PROOF_TYPE = gettext_lazy("Upload a PDF, JPEG or PNG file.")
PROOF_TOO_BIG = gettext_lazy("The proof may be at most 10 MB.")
ONLINE_PAYMENT_REVERSE = gettext_lazy(
    "An online payment is reversed by its provider (a failed charge or a dispute)."
)
PAYMENT_PROCESSING = gettext_lazy("A payment on this invoice is still processing.")
FUTURE_DAY = gettext_lazy("A payment cannot be received in the future.")


# (*, payment, refund) -> None: asks the payment's provider to give the refund back, inside
# payment_refund's transaction; raises ValidationError when it refuses. Filled in apps.py
# (online.py's refund through Stripe).
REFUND_PROVIDERS: list = []


@dataclass(frozen=True)
class AllocationInput:
    """Part of a payment for one invoice, as a form or the API sends it."""

    invoice: object  # an id, or the Invoice
    amount: object


# --- reading what was sent --------------------------------------------------------------------


def _amount(value, field: str) -> Decimal:
    amount = round_money(parse_number(value, field))
    if amount < CENT:
        raise ValidationError({field: [_("Enter an amount of at least 0.01.")]})
    return amount


def _method(value, allowed: Iterable[str]) -> str:
    if value not in allowed:
        raise ValidationError({"method": [_("Choose how it was paid.")]})
    return value


def _received_at(company, value) -> datetime.datetime:
    """When the money came: now, a moment, or a day (midday in the company's time zone)."""
    if value in (None, ""):
        return timezone.now()
    moment = value if isinstance(value, datetime.datetime) else None
    day = value if isinstance(value, datetime.date) and moment is None else None
    if isinstance(value, str):
        day = parse_day(value)
        if day is None:
            try:
                moment = parse_datetime(value.strip())
            except ValueError:
                moment = None
    if day is not None:
        moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=company_zone(company))
    if moment is None or not in_range(moment):
        raise ValidationError({"received_at": [_("Enter a day such as 2027-03-01.")]})
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, company_zone(company))
    if moment.astimezone(company_zone(company)).date() > company_today(company):
        raise ValidationError({"received_at": [str(FUTURE_DAY)]})
    return moment


def _pairs(value) -> tuple[object, object]:
    if isinstance(value, dict):
        return value.get("invoice"), value.get("amount")
    return getattr(value, "invoice", None), getattr(value, "amount", None)


def _allocation_inputs(
    actor: Membership, client: Client, values: Iterable
) -> list[tuple[int, Decimal]]:
    """(invoice id, amount) for each allocation sent: invoices of this client, each once."""
    wanted: list[tuple[int, Decimal]] = []
    for value in values or ():
        invoice_value, amount_value = _pairs(value)
        invoice = company_record(actor, Invoice, invoice_value, "allocations")
        if invoice.client_id != client.pk:
            raise ValidationError({"allocations": [str(ANOTHER_CLIENTS_INVOICE) % invoice]})
        if any(invoice.pk == known for known, _amount in wanted):
            raise ValidationError({"allocations": [str(ALLOCATION_TWICE)]})
        wanted.append((invoice.pk, _amount(amount_value, "allocations")))
    return wanted


def _customer_record(actor: Membership, model, value, field: str):
    """A record the customer may see (their client's), else a field error."""
    record_id = parse_id(value.pk if isinstance(value, model) else value)
    found = scope(model.objects.all(), actor).filter(pk=record_id).first() if record_id else None
    if found is None:
        raise ValidationError({field: [_("No such record in your company.")]})
    return found


def _proof_add(actor: Membership, payment: Payment, upload) -> PaymentProof:
    if (getattr(upload, "size", 0) or 0) > PROOF_MAX_BYTES:
        raise ValidationError({"proof": [str(PROOF_TOO_BIG)]})
    checked = UploadBatch.start(actor, 1, field="proof").check(upload, accept=Accept.DOCUMENT)
    if checked.content_type not in PROOF_TYPES:
        raise ValidationError({"proof": [str(PROOF_TYPE)]})
    proof = PaymentProof(
        company_id=payment.company_id,
        payment=payment,
        name=checked.name,
        size=checked.size,
        content_type=checked.content_type,
        is_image=checked.is_image,
        width=checked.width,
        height=checked.height,
        uploaded_by=actor.user,
    )
    proof.file.save(checked.storage_name(), checked.content, save=False)
    stored = proof.file.name
    try:
        proof.save()
    except Exception:
        proof.file.storage.delete(stored)
        raise
    return proof


# --- the office records a payment ---------------------------------------------------------------


@transaction.atomic
def payment_record(
    *,
    actor: Membership,
    client,
    method: str,
    amount,
    reference: str = "",
    received_at=None,
    allocations: Iterable = (),
    batch=None,
    proof=None,
) -> Payment:
    """A payment the office took (a check, cash, a transfer, a card on a terminal), completed
    at once. It pays the invoices named in `allocations` ({invoice, amount}), or with `batch`
    the batch's invoices oldest due first ("pay all"); the rest is the client's credit."""
    require(actor, Action.MANAGE_BILLING)
    client = company_record(actor, Client, client, "client")
    if client.merged_into_id:
        raise ValidationError({"client": [_("This client was merged into another.")]})
    method = _method(method, PaymentMethod.values)
    amount = _amount(amount, "amount")
    wanted = _allocation_inputs(actor, client, allocations)
    if sum((a for _i, a in wanted), ZERO) > amount:
        raise ValidationError({"allocations": [str(ALLOCATIONS_ABOVE_AMOUNT)]})
    if batch not in (None, ""):
        batch = company_record(actor, BatchInvoice, batch, "batch")
        if batch.client_id != client.pk:
            raise ValidationError({"batch": [_("This batch is another client's.")]})
        if wanted:
            raise ValidationError({"allocations": [_("Pay a batch, or name invoices: not both.")]})
    else:
        batch = None
    company = actor.company
    payment = Payment.objects.create(
        company=company,
        client=client,
        method=method,
        status=PaymentStatus.COMPLETED,
        amount=amount,
        currency=company.currency,
        reference=(reference or "").strip()[:100],
        received_at=_received_at(company, received_at),
        batch=batch,
        created_by=actor.user,
    )
    if batch is not None:
        invoice_ids = batch_invoices(viewer=actor, batch=batch).values_list("pk", flat=True)
        moves.allocate_oldest_first(payment=payment, invoice_ids=invoice_ids, user=actor.user)
    else:
        moves.allocate_many(payment=payment, wanted=wanted, user=actor.user)
    if proof is not None:  # last: nothing after it can fail and leave the file behind
        _proof_add(actor, payment, proof)
    events.payment_event(actor=actor, payment=payment, verb=events.Verb.PAYMENT_RECORDED)
    receipts.receipt_after_commit(payment=payment)
    return payment


# --- a customer reports a payment; the office approves or rejects it ----------------------------


@transaction.atomic
def payment_report(
    *,
    actor: Membership,
    method: str,
    amount,
    reference: str = "",
    invoice=None,
    batch=None,
    proof=None,
    received_at=None,
) -> Payment:
    """A customer says they paid outside Crewdesk (Zelle, a check, a bank transfer), for an
    invoice, a batch or their account: `to_approval`, allocating nothing until the office
    approves it."""
    require(actor, Action.USE_PORTAL)
    if actor.client_id is None:
        raise PermissionDenied
    client = Client.objects.get(pk=actor.client_id, company_id=actor.company_id)
    method = _method(method, REPORTABLE_METHODS)
    amount = _amount(amount, "amount")
    reference = (reference or "").strip()[:100]
    if not reference and proof is None:
        raise ValidationError({"reference": [str(REPORT_NEEDS_REFERENCE)]})
    if invoice not in (None, ""):
        invoice = _customer_record(actor, Invoice, invoice, "invoice")
        if invoice.status not in RECEIVABLE_STATUSES:
            raise ValidationError({"invoice": [_("%s has nothing to pay.") % invoice]})
    else:
        invoice = None
    if batch not in (None, ""):
        batch = _customer_record(actor, BatchInvoice, batch, "batch")
    else:
        batch = None
    if invoice is not None and batch is not None:
        raise ValidationError({"batch": [_("Name an invoice or a batch, not both.")]})
    company = actor.company
    payment = Payment.objects.create(
        company=company,
        client=client,
        method=method,
        status=PaymentStatus.TO_APPROVAL,
        amount=amount,
        currency=company.currency,
        reference=reference,
        received_at=_received_at(company, received_at),
        invoice=invoice,
        batch=batch,
        reported_by=actor,
        created_by=actor.user,
    )
    if proof is not None:
        _proof_add(actor, payment, proof)
    events.payment_event(actor=actor, payment=payment, verb=events.Verb.PAYMENT_REPORTED)
    return payment


def _to_review(actor: Membership, payment: Payment) -> Payment:
    require(actor, Action.MANAGE_BILLING, payment)
    payment = moves.payment_locked(payment)
    if payment.status != PaymentStatus.TO_APPROVAL:
        raise ValidationError({"status": [str(NOT_TO_APPROVE)]})
    payment.reviewed_by = actor.user
    payment.reviewed_at = timezone.now()
    return payment


def targeted_invoice_ids(*, payment: Payment) -> list[int]:
    """The invoices a payment was made for: its invoice, or its batch's invoices still in it."""
    if payment.invoice_id:
        return [payment.invoice_id]
    if payment.batch_id:
        return list(
            Invoice.objects.filter(
                batch_items__batch_id=payment.batch_id, batch_items__active=True
            ).values_list("pk", flat=True)
        )
    return []


@transaction.atomic
def payment_approve(*, actor: Membership, payment: Payment, allocations=None) -> Payment:
    """The money of a customer's report has arrived: completed, and it pays the invoices named
    in `allocations`, else what it was reported for (its invoice, or its batch oldest due
    first) up to the balances; the rest is credit. The customer is told by email."""
    payment = _to_review(actor, payment)
    wanted = None if allocations is None else _allocation_inputs(actor, payment.client, allocations)
    if wanted and sum((a for _i, a in wanted), ZERO) > payment.amount:
        raise ValidationError({"allocations": [str(ALLOCATIONS_ABOVE_AMOUNT)]})
    payment.status = PaymentStatus.COMPLETED
    payment.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
    if wanted is not None:
        moves.allocate_many(payment=payment, wanted=wanted, user=actor.user)
    else:
        moves.allocate_oldest_first(
            payment=payment, invoice_ids=targeted_invoice_ids(payment=payment), user=actor.user
        )
    events.payment_event(actor=actor, payment=payment, verb=events.Verb.PAYMENT_APPROVED)
    _tell_customer(payment, "approved", _("Your payment was received"))
    receipts.receipt_after_commit(payment=payment)
    return payment


@transaction.atomic
def payment_reject(*, actor: Membership, payment: Payment, reason: str) -> Payment:
    """A customer's report the office could not match to money received: failed, with the
    reason, which the customer is emailed."""
    reason = (reason or "").strip()[:300]
    if not reason:
        raise ValidationError({"reason": [str(REASON_NEEDED)]})
    payment = _to_review(actor, payment)
    payment.status = PaymentStatus.FAILED
    payment.rejection_reason = reason
    payment.save(
        update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at", "updated_at"]
    )
    events.payment_event(
        actor=actor, payment=payment, verb=events.Verb.PAYMENT_REJECTED, reason=reason
    )
    _tell_customer(payment, "rejected", _("We could not confirm your payment"))
    return payment


def _tell_customer(payment: Payment, template: str, subject: str) -> None:
    """Email the customer who reported the payment (else the client's address)."""
    reporter = payment.reported_by
    to = reporter.user.email if reporter is not None and reporter.active else ""
    to = to or payment.client.email
    if not to:
        return
    company = payment.company
    email_send(
        to=to,
        subject=f"{subject} · {company.name}",
        template=f"payments/email/{template}",
        context={
            "payment": payment,
            "company": company,
            "client": payment.client,
            "name": reporter.user.first_name if reporter else payment.client.display_name,
            "method": payment.get_method_display(),
            "allocations": list(
                moves.active_allocations(payment).select_related("invoice").order_by("pk")
            ),
            "credit": moves.payment_credit(payment),
            "portal_url": f"{settings.SITE_URL}/portal/payments/",
        },
        company=company,
        related=payment,
    )


# --- credit, reversal, refund -----------------------------------------------------------------


def _completed(actor: Membership, payment: Payment) -> Payment:
    require(actor, Action.MANAGE_BILLING, payment)
    payment = moves.payment_locked(payment)
    if payment.status != PaymentStatus.COMPLETED:
        raise ValidationError({"status": [str(NOT_COMPLETED)]})
    return payment


@transaction.atomic
def payment_apply(*, actor: Membership, payment: Payment, allocations: Iterable) -> Payment:
    """Put a payment's unapplied credit on the client's invoices, each up to its balance."""
    payment = _completed(actor, payment)
    wanted = _allocation_inputs(actor, payment.client, allocations)
    if not wanted:
        raise ValidationError({"allocations": [_("Name an invoice and an amount.")]})
    rows = moves.allocate_many(payment=payment, wanted=wanted, user=actor.user)
    events.payment_event(
        actor=actor,
        payment=payment,
        verb=events.Verb.PAYMENT_APPLIED,
        applied=str(sum((row.amount for row in rows), ZERO)),
        invoices=", ".join(str(row.invoice) for row in rows),
    )
    return payment


@transaction.atomic
def payment_reverse(*, actor: Membership, payment: Payment, reason: str = "") -> Payment:
    """The money never came (a bounced check): every allocation undone, so its invoices are
    owed again, the payment failed, and the office told by a notice on the client's profile."""
    payment = _completed(actor, payment)
    if payment.stripe_payment_intent:
        raise ValidationError({"status": [str(ONLINE_PAYMENT_REVERSE)]})
    reason = (reason or "").strip()[:300] or _("bounced")
    undone = moves.allocations_reverse_all(
        payment=payment, reason=moves.REVERSED_BOUNCED, user=actor.user
    )
    payment.status = PaymentStatus.FAILED
    payment.failure_reason = reason
    payment.save(update_fields=["status", "failure_reason", "updated_at"])
    owed = ", ".join(dict.fromkeys(str(d.invoice) for d in undone)) or _("none")
    events.payment_event(
        actor=actor,
        payment=payment,
        verb=events.Verb.PAYMENT_REVERSED,
        reason=reason,
        invoices=owed,
    )
    notice_create(
        actor=actor,
        client=payment.client,
        text=_(
            "The payment %(name)s of %(amount)s was reversed (%(reason)s). Owed again: %(owed)s."
        )
        % {
            "name": payment,
            "amount": format_money(payment.amount, payment.currency),
            "reason": reason,
            "owed": owed,
        },
    )
    return payment


@transaction.atomic
def payment_refund(
    *, actor: Membership, payment: Payment, amount, invoices=None, reason: str = ""
) -> Refund:
    """Give back part or all of a payment: its unapplied credit first, then from the newest
    invoice it paid back (or from the `invoices` the office names, in that order). The card
    fee is returned pro rata. For a payment taken online the provider is asked by the caller."""
    payment = _completed(actor, payment)
    amount = _amount(amount, "amount")
    invoice_ids = None
    if invoices is not None:
        invoice_ids = [company_record(actor, Invoice, value, "invoices").pk for value in invoices]
    refund, undone = moves.refund_record(
        payment=payment,
        amount=amount,
        invoice_ids=invoice_ids,
        reason=reason,
        user=actor.user,
    )
    # Online payments: the provider gives the money back (a refusal rolls all this back).
    for provider in REFUND_PROVIDERS:
        provider(payment=payment, refund=refund)
    events.payment_event(
        actor=actor,
        payment=payment,
        verb=events.Verb.PAYMENT_REFUNDED,
        refund=str(refund.amount),
        fee=str(refund.fee_amount),
        invoices=", ".join(dict.fromkeys(str(d.invoice) for d in undone)),
    )
    return refund


# --- what billing asks (registered in apps.py) --------------------------------------------------


def invoice_void_blocker(*, invoice: Invoice) -> str | None:
    """A payment still processing (ACH settling) for this invoice, or for a batch it is in,
    blocks voiding it."""
    processing = Payment.objects.filter(
        Q(invoice_id=invoice.pk)
        | Q(batch__items__invoice_id=invoice.pk, batch__items__active=True),
        company_id=invoice.company_id,
        status=PaymentStatus.PENDING,
    )
    return str(PAYMENT_PROCESSING) if processing.exists() else None


def invoice_void_handler(*, actor: Membership, invoice: Invoice) -> None:
    """An invoice is being voided (its row locked by billing): what payments put on it goes
    back to them, the client's credit."""
    rows = list(
        PaymentAllocation.objects.filter(invoice_id=invoice.pk, reversed_at__isnull=True)
        .select_related("payment")
        .order_by("pk")
    )
    for row in rows:
        done = moves.allocation_reverse(allocation=row, reason=moves.REVERSED_VOID, user=actor.user)
        if done is not None:
            events.payment_event(
                actor=actor,
                payment=row.payment,
                verb=events.Verb.PAYMENT_CREDITED,
                credited=str(done.amount),
                invoice=str(invoice),
            )


def deposit_credit_apply(*, actor: Membership, invoice: Invoice, deposits: list[Invoice]) -> None:
    """Registered in billing's DEPOSIT_SETTLERS: what was paid on a job's deposit invoices
    (credit since billing voided them) pays the job's final invoice first."""
    freed = (
        PaymentAllocation.objects.filter(
            invoice__in=deposits,
            reversal_reason=moves.REVERSED_VOID,
            payment__status=PaymentStatus.COMPLETED,
        )
        .values("payment_id")
        .annotate(total=Sum("amount"))
        .order_by("payment_id")
    )
    left = Invoice.objects.get(pk=invoice.pk).balance
    for row in freed:
        payment = Payment.objects.get(pk=row["payment_id"])
        amount = min(row["total"], payment_credit(viewer=actor, payment=payment), left)
        if amount <= 0:
            continue
        payment_apply(
            actor=actor, payment=payment, allocations=[{"invoice": invoice.pk, "amount": amount}]
        )
        left -= amount


def client_history_blockers(*, client: Client) -> list[str]:
    """Payments are history: a client with any is archived, never deleted."""
    if Payment.objects.filter(client=client).exists():
        return [_("it has payments")]
    return []
