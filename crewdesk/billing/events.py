"""Activity-log entries about invoices and batch invoices (see core/events.py). They target
the invoice (or batch) and name its client, so the client's timeline shows them too."""

from django.utils.translation import gettext_lazy as _

from crewdesk.accounts.models import Membership
from crewdesk.billing.models import BatchInvoice, Invoice
from crewdesk.core.events import activity_record
from crewdesk.core.models import Activity


class Verb:
    INVOICE_CREATED = "invoice.created"
    INVOICE_UPDATED = "invoice.updated"
    INVOICE_ISSUED = "invoice.issued"
    INVOICE_VOIDED = "invoice.voided"
    INVOICE_WRITTEN_OFF = "invoice.written_off"
    INVOICE_DELETED = "invoice.draft_deleted"
    BATCH_CREATED = "batch.created"
    # Sending and the public link (billing/sending.py).
    INVOICE_SENT = "invoice.sent"
    INVOICE_LINK_REVOKED = "invoice.link_revoked"
    INVOICE_LINK_REISSUED = "invoice.link_reissued"
    BATCH_SENT = "batch.sent"
    BATCH_LINK_REVOKED = "batch.link_revoked"
    BATCH_LINK_REISSUED = "batch.link_reissued"


# How each entry reads on a timeline: "<who> <sentence>" (registered in apps.py).
SENTENCES = {
    Verb.INVOICE_CREATED: _("drafted an invoice for %(total)s"),
    Verb.INVOICE_UPDATED: _("changed %(fields)s of the invoice %(name)s"),
    Verb.INVOICE_ISSUED: _("issued the invoice %(name)s for %(total)s"),
    Verb.INVOICE_VOIDED: _("voided the invoice %(name)s"),
    Verb.INVOICE_WRITTEN_OFF: _("wrote off %(amount)s of the invoice %(name)s as bad debt"),
    Verb.INVOICE_DELETED: _("deleted a draft invoice for %(total)s"),
    Verb.BATCH_CREATED: _("made the batch invoice %(name)s of %(count)s invoices"),
    Verb.INVOICE_SENT: _("emailed the invoice %(name)s to %(to)s"),
    Verb.INVOICE_LINK_REVOKED: _("turned off the public link of the invoice %(name)s"),
    Verb.INVOICE_LINK_REISSUED: _("made a new public link for the invoice %(name)s"),
    Verb.BATCH_SENT: _("emailed the batch invoice %(name)s to %(to)s"),
    Verb.BATCH_LINK_REVOKED: _("turned off the public link of the batch invoice %(name)s"),
    Verb.BATCH_LINK_REISSUED: _("made a new public link for the batch invoice %(name)s"),
}


def invoice_event(*, actor: Membership, invoice: Invoice, verb: str, **data) -> Activity:
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=verb,
        target=invoice,
        data={
            "name": str(invoice),
            "invoice_id": invoice.pk,
            "client_id": invoice.client_id,
            "total": str(invoice.total),
            "currency": invoice.currency,
            **data,
        },
    )


def batch_event(*, actor: Membership, batch: BatchInvoice, verb: str, **data) -> Activity:
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=verb,
        target=batch,
        data={"name": batch.number, "batch_id": batch.pk, "client_id": batch.client_id, **data},
    )
