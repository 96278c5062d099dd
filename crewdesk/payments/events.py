"""Activity-log entries about payments (see core/events.py). They target the payment and name
its client, so the client's timeline shows them too. `actor` may be None for what no member
did (an online payment's webhook)."""

from django.utils.translation import gettext_lazy as _

from crewdesk.accounts.models import Membership
from crewdesk.core.events import activity_record
from crewdesk.core.models import Activity
from crewdesk.payments.models import Payment


class Verb:
    PAYMENT_RECORDED = "payment.recorded"
    PAYMENT_REPORTED = "payment.reported"
    PAYMENT_APPROVED = "payment.approved"
    PAYMENT_REJECTED = "payment.rejected"
    PAYMENT_APPLIED = "payment.applied"
    PAYMENT_REVERSED = "payment.reversed"
    PAYMENT_REFUNDED = "payment.refunded"
    PAYMENT_CREDITED = "payment.credited"


# How each entry reads on a timeline: "<who> <sentence>" (registered in apps.py).
SENTENCES = {
    Verb.PAYMENT_RECORDED: _("recorded a payment of %(amount)s by %(method)s"),
    Verb.PAYMENT_REPORTED: _("reported a payment of %(amount)s by %(method)s, to approve"),
    Verb.PAYMENT_APPROVED: _("approved the payment of %(amount)s by %(method)s"),
    Verb.PAYMENT_REJECTED: _("rejected the payment of %(amount)s by %(method)s: %(reason)s"),
    Verb.PAYMENT_APPLIED: _("applied %(applied)s of credit from the payment %(name)s"),
    Verb.PAYMENT_REVERSED: _(
        "reversed the payment %(name)s of %(amount)s (%(reason)s); owed again: %(invoices)s"
    ),
    Verb.PAYMENT_REFUNDED: _("refunded %(refund)s of the payment %(name)s"),
    Verb.PAYMENT_CREDITED: _(
        "returned %(credited)s of the payment %(name)s to credit: %(invoice)s was voided"
    ),
}


def payment_event(*, actor: Membership | None, payment: Payment, verb: str, **data) -> Activity:
    return activity_record(
        company=payment.company,
        actor=actor.user if actor is not None else None,
        verb=verb,
        target=payment,
        data={
            "name": str(payment),
            "payment_id": payment.pk,
            "client_id": payment.client_id,
            "amount": str(payment.amount),
            "currency": payment.currency,
            "method": str(payment.get_method_display()),
            **data,
        },
    )
