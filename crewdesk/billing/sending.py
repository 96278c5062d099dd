"""Sending invoices and batches by email, and their public links.

    invoice_send(actor=, invoice=, to=None, message="")   # PDF attached, the public link
    invoice_link_revoke(actor=, invoice=)                   # the link stops working
    invoice_link_reissue(actor=, invoice=)                  # a new link; the old one is dead

and the same for batches. Each email is written to the communication log (a notifications
Message about the invoice or batch) and each change to the activity log. The PDF is made
when the email is delivered, in the background (notifications' attachment renderers, which
billing registers in apps.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from crewdesk.accounts.models import Membership
from crewdesk.billing import documents, events
from crewdesk.billing.models import BatchInvoice, Invoice, InvoiceStatus
from crewdesk.billing.services import new_token
from crewdesk.clients.models import Client
from crewdesk.core.permissions import Action, require, scope
from crewdesk.core.uploads import PDF_CONTENT_TYPE
from crewdesk.notifications.attachments import Attachment, attachment_ref
from crewdesk.notifications.models import Message
from crewdesk.notifications.services import email_send

INVOICE_PDF = "billing.invoice_pdf"
BATCH_PDF = "billing.batch_pdf"
MAX_MESSAGE = 2000

MSG_DRAFT = gettext_lazy("Issue the invoice before sending it: a draft has no number yet.")
MSG_VOID = gettext_lazy("A void invoice is not sent.")
MSG_NO_ADDRESS = gettext_lazy(
    "This client has no email address: add one to the client or a contact first."
)
MSG_NOT_THEIRS = gettext_lazy("Send it to the client's email or one of its contacts' emails.")
MSG_EMPTY_BATCH = gettext_lazy("This batch has no invoices left to send.")
MSG_MESSAGE_TOO_LONG = gettext_lazy("Keep the message under %(count)s characters.")
MSG_NO_LINK_FOR_DRAFT = gettext_lazy("Only an issued invoice has a public link.")


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str


def client_recipients(*, client: Client) -> list[Recipient]:
    """Who an invoice of the client may be emailed to: the client's email first, then its
    contacts' (the primary first), each address once."""
    found: dict[str, Recipient] = {}
    if client.email:
        found[client.email.lower()] = Recipient(client.email, client.display_name)
    for contact in client.contacts.exclude(email="").order_by("-is_primary", "id"):
        found.setdefault(contact.email.lower(), Recipient(contact.email, contact.name))
    return list(found.values())


def _recipient(client: Client, to: str | None) -> Recipient:
    choices = client_recipients(client=client)
    if not to:
        if not choices:
            raise ValidationError({"to": [str(MSG_NO_ADDRESS)]})
        return choices[0]
    to = to.strip()
    try:
        validate_email(to)
    except ValidationError as error:
        raise ValidationError({"to": [str(MSG_NOT_THEIRS)]}) from error
    for choice in choices:
        if choice.email.lower() == to.lower():
            return choice
    raise ValidationError({"to": [str(MSG_NOT_THEIRS)]})


def _message(message: str) -> str:
    message = (message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise ValidationError({"message": [str(MSG_MESSAGE_TOO_LONG % {"count": MAX_MESSAGE})]})
    return message


def _subject(text: str) -> str:
    return " ".join(text.split())[:250]  # one line: no header injection, within the column


@dataclass(frozen=True)
class DocumentMail:
    """How one kind of document is emailed: what it shows, its HTML, the email's subject
    (`%(number)s`, `%(brand)s`) and template, and the PDF attached (an attachment renderer)."""

    document: Callable[[Any], Any]
    html: Callable[..., str]
    subject: Any  # a lazy text, translated in the client's language
    template: str
    attachment: str


def document_email_send(
    *, record, mail: DocumentMail, recipient: Recipient, note: str = ""
) -> Message:
    """Email a record's document (an invoice, a batch, a payment's receipt) to its client, in
    the client's language, with its PDF attached: written to the communication log."""
    company, client = record.company, record.client
    with documents.document_locale(company, client.language):
        doc = mail.document(record)
        context = _email_context(doc, recipient, note)
        context["document"] = mail.html(doc=doc, medium="email")
        subject = _subject(str(mail.subject) % {"number": doc.number, "brand": doc.brand.name})
        return email_send(
            to=recipient.email,
            subject=subject,
            template=mail.template,
            context=context,
            company=company,
            related=record,
            attachments=[attachment_ref(mail.attachment, record.pk)],
        )


def _invoice_locked(actor: Membership, invoice: Invoice) -> Invoice:
    invoice = (
        # Only the invoice's row is locked (PostgreSQL locks no outer-joined property).
        Invoice.objects.select_for_update(of=("self",))
        .select_related("client", "company", "property")
        .get(pk=invoice.pk, company_id=actor.company_id)
    )
    if invoice.status == InvoiceStatus.DRAFT:
        raise ValidationError({"status": [str(MSG_DRAFT)]})
    if invoice.status == InvoiceStatus.VOID:
        raise ValidationError({"status": [str(MSG_VOID)]})
    return invoice


def _batch_locked(actor: Membership, batch: BatchInvoice) -> BatchInvoice:
    batch = (
        BatchInvoice.objects.select_for_update(of=("self",))
        .select_related("client", "company")
        .get(pk=batch.pk, company_id=actor.company_id)
    )
    if not documents.batch_size(batch=batch):
        raise ValidationError({"invoices": [str(MSG_EMPTY_BATCH)]})
    return batch


@dataclass(frozen=True)
class _Sendable:
    """An invoice or a batch as sending sees it: its row locked and checked, its email, and
    its activity-log entry."""

    locked: Callable[[Membership, Any], Any]
    mail: DocumentMail
    event: Callable[..., Any]
    verb: str
    saved_fields: tuple[str, ...]


INVOICE_MAIL = DocumentMail(
    document=lambda invoice: documents.invoice_document(invoice=invoice),
    html=documents.invoice_html,
    subject=gettext_lazy("Invoice %(number)s from %(brand)s"),
    template="billing/email/invoice",
    attachment=INVOICE_PDF,
)
BATCH_MAIL = DocumentMail(
    document=lambda batch: documents.batch_document(batch=batch),
    html=documents.batch_html,
    subject=gettext_lazy("Batch invoice %(number)s from %(brand)s"),
    template="billing/email/batch",
    attachment=BATCH_PDF,
)
_INVOICE = _Sendable(
    locked=_invoice_locked,
    mail=INVOICE_MAIL,
    event=lambda record, **data: events.invoice_event(invoice=record, **data),
    verb=events.Verb.INVOICE_SENT,
    saved_fields=("sent_at", "updated_at"),
)
_BATCH = _Sendable(
    locked=_batch_locked,
    mail=BATCH_MAIL,
    event=lambda record, **data: events.batch_event(batch=record, **data),
    verb=events.Verb.BATCH_SENT,
    saved_fields=("sent_at",),
)


@transaction.atomic
def _send(*, actor: Membership, record, kind: _Sendable, to: str | None, message: str) -> Message:
    require(actor, Action.MANAGE_BILLING, record)
    record = kind.locked(actor, record)
    recipient = _recipient(record.client, to)
    note = _message(message)
    resend = record.sent_at is not None
    sent = document_email_send(record=record, mail=kind.mail, recipient=recipient, note=note)
    record.sent_at = timezone.now()
    record.save(update_fields=list(kind.saved_fields))
    kind.event(
        record,
        actor=actor,
        verb=kind.verb,
        to=recipient.email,
        message_id=sent.pk,
        resend=resend,
    )
    return sent


def invoice_send(
    *, actor: Membership, invoice: Invoice, to: str | None = None, message: str = ""
) -> Message:
    """Email an issued invoice to its client (or one of its contacts, `to`) with its PDF and
    its public link (none while the link is revoked). Sending again is a resend."""
    return _send(actor=actor, record=invoice, kind=_INVOICE, to=to, message=message)


def batch_send(
    *, actor: Membership, batch: BatchInvoice, to: str | None = None, message: str = ""
) -> Message:
    """Email a batch to its client with its consolidated PDF and its public link."""
    return _send(actor=actor, record=batch, kind=_BATCH, to=to, message=message)


def _email_context(doc, recipient: Recipient, note: str) -> dict:
    return {
        "doc": doc,
        "recipient_name": recipient.name,
        "message": note,
        "css": documents.document_css(),
    }


# --- public links -----------------------------------------------------------------------------


@transaction.atomic
def invoice_link_revoke(*, actor: Membership, invoice: Invoice) -> Invoice:
    """The invoice's public link stops working (a 404). Nothing to do when it has none."""
    require(actor, Action.MANAGE_BILLING, invoice)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, company_id=actor.company_id)
    if invoice.public_token:
        invoice.public_token = None
        invoice.save(update_fields=["public_token", "updated_at"])
        events.invoice_event(actor=actor, invoice=invoice, verb=events.Verb.INVOICE_LINK_REVOKED)
    return invoice


@transaction.atomic
def invoice_link_reissue(*, actor: Membership, invoice: Invoice) -> Invoice:
    """A new public link for an issued invoice; the old one stops working."""
    require(actor, Action.MANAGE_BILLING, invoice)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk, company_id=actor.company_id)
    if invoice.status == InvoiceStatus.DRAFT:
        raise ValidationError({"status": [str(MSG_NO_LINK_FOR_DRAFT)]})
    if invoice.status == InvoiceStatus.VOID:
        raise ValidationError({"status": [str(MSG_VOID)]})
    invoice.public_token = new_token()
    invoice.save(update_fields=["public_token", "updated_at"])
    events.invoice_event(actor=actor, invoice=invoice, verb=events.Verb.INVOICE_LINK_REISSUED)
    return invoice


@transaction.atomic
def batch_link_revoke(*, actor: Membership, batch: BatchInvoice) -> BatchInvoice:
    require(actor, Action.MANAGE_BILLING, batch)
    batch = BatchInvoice.objects.select_for_update().get(pk=batch.pk, company_id=actor.company_id)
    if batch.public_token:
        batch.public_token = None
        batch.save(update_fields=["public_token"])
        events.batch_event(actor=actor, batch=batch, verb=events.Verb.BATCH_LINK_REVOKED)
    return batch


@transaction.atomic
def batch_link_reissue(*, actor: Membership, batch: BatchInvoice) -> BatchInvoice:
    require(actor, Action.MANAGE_BILLING, batch)
    batch = BatchInvoice.objects.select_for_update().get(pk=batch.pk, company_id=actor.company_id)
    batch.public_token = new_token()
    batch.save(update_fields=["public_token"])
    events.batch_event(actor=actor, batch=batch, verb=events.Verb.BATCH_LINK_REISSUED)
    return batch


# --- the communication log ---------------------------------------------------------------------


def document_messages(*, viewer: Membership, record: Invoice | BatchInvoice) -> QuerySet[Message]:
    """The emails sent about an invoice or a batch, newest first (its communication log)."""
    require(viewer, Action.MANAGE_BILLING, record)
    return scope(
        Message.objects.filter(
            related_type=ContentType.objects.get_for_model(record), related_id=record.pk
        ),
        viewer,
    )


# --- the attachments, made at delivery (registered in apps.py) ---------------------------------


def invoice_pdf_attachment(*, object_id: int) -> Attachment:
    invoice = Invoice.objects.select_related("client", "company", "property").get(pk=object_id)
    return Attachment(
        documents.invoice_filename(invoice),
        documents.invoice_pdf(invoice=invoice),
        PDF_CONTENT_TYPE,
    )


def batch_pdf_attachment(*, object_id: int) -> Attachment:
    batch = BatchInvoice.objects.select_related("client", "company").get(pk=object_id)
    return Attachment(
        documents.batch_filename(batch), documents.batch_pdf_bytes(batch=batch), PDF_CONTENT_TYPE
    )
