"""Sending an invoice or a batch by email: the PDF attached (made when the email is
delivered), the public link, the communication log and the activity log; resending; who may
receive it; a draft or a void invoice is not sent."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import escape

from crewdesk.billing import sending, services
from crewdesk.billing.events import Verb
from crewdesk.billing.models import Invoice
from crewdesk.billing.services import LineInput as HandLine
from crewdesk.clients.services import contact_create
from crewdesk.core.models import Activity
from crewdesk.notifications import attachments as notification_attachments
from crewdesk.notifications.models import Message, MessageStatus
from tests.billing.documents_world import make_brand, make_full_invoice, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def invoice(owner, billed):
    make_brand(owner)
    return make_full_invoice(owner, billed)


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Run what is queued on commit (the delivery task) while `with deliver():`."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_sending_emails_the_pdf_and_the_link_and_logs_it(owner, billed, invoice, deliver):
    with deliver():
        message = sending.invoice_send(actor=owner, invoice=invoice)

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [billed.email]
    assert email.subject == "Invoice INV-0001 from Sparkle Crew"
    link = f"/d/{invoice.public_token}/"
    assert link in email.body and "$404.65" in email.body
    html, html_type = email.alternatives[0]
    assert html_type == "text/html"
    assert link in html and "Standard clean" in html and "Dawson Holdings LLC" in html
    ((name, content, mimetype),) = email.attachments
    assert (name, mimetype) == ("invoice-INV-0001.pdf", "application/pdf")
    assert content.startswith(b"%PDF-") and "INV-0001" in pdf_text(content)

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.related == invoice and message.company == owner.company
    assert message.attachments == [{"renderer": sending.INVOICE_PDF, "id": invoice.pk}]
    invoice.refresh_from_db()
    assert invoice.sent_at is not None
    entry = Activity.objects.get(verb=Verb.INVOICE_SENT, target_id=invoice.pk)
    assert entry.data["to"] == billed.email and entry.data["resend"] is False
    assert list(sending.document_messages(viewer=owner, record=invoice)) == [message]


def test_a_resend_is_another_email_in_both_logs(owner, invoice, deliver):
    with deliver():
        sending.invoice_send(actor=owner, invoice=invoice)
        sending.invoice_send(actor=owner, invoice=invoice, message="A reminder.")

    assert len(mail.outbox) == 2
    assert "A reminder." in mail.outbox[1].body
    assert sending.document_messages(viewer=owner, record=invoice).count() == 2
    resends = Activity.objects.filter(verb=Verb.INVOICE_SENT).order_by("id")
    assert [entry.data["resend"] for entry in resends] == [False, True]


def test_a_draft_is_issued_before_it_is_sent(owner, billed, deliver):
    draft = services.invoice_create(actor=owner, client=billed, lines=[HandLine("Clean", "10")])
    with deliver(), pytest.raises(ValidationError, match="Issue the invoice"):
        sending.invoice_send(actor=owner, invoice=draft)
    assert mail.outbox == [] and not Message.objects.exists()
    draft.refresh_from_db()
    assert draft.sent_at is None


def test_a_void_invoice_is_not_sent(owner, invoice, deliver):
    services.invoice_void(actor=owner, invoice=invoice)
    with deliver(), pytest.raises(ValidationError, match="void"):
        sending.invoice_send(actor=owner, invoice=invoice)
    assert mail.outbox == []


def test_it_goes_to_a_contact_of_the_client_but_no_one_else(owner, billed, invoice, deliver):
    contact_create(
        actor=owner,
        client=billed,
        values={"first_name": "Bea", "last_name": "Books", "email": "bea@example.org"},
    )
    with deliver():
        sending.invoice_send(actor=owner, invoice=invoice, to="BEA@example.org")
    assert mail.outbox[0].to == ["bea@example.org"]
    assert "Hello Bea Books" in mail.outbox[0].body

    for stranger in ("mallory@example.net", "not an address", "bea@example.org\nBcc: x@y.z"):
        with pytest.raises(ValidationError, match="contacts"):
            sending.invoice_send(actor=owner, invoice=invoice, to=stranger)
    assert Message.objects.count() == 1


def test_a_client_without_an_address_is_refused_clearly(owner, make_client, deliver):
    phone_only = make_client(first_name="No", last_name="Mail")
    invoice = services.invoice_create(
        actor=owner, client=phone_only, lines=[HandLine("Clean", "10")], issue=True
    )
    with pytest.raises(ValidationError, match="no email address"):
        sending.invoice_send(actor=owner, invoice=invoice)


def test_only_the_office_sends(employee, customer, outsider, invoice):
    for member in (employee, customer, outsider):
        with pytest.raises(PermissionDenied):
            sending.invoice_send(actor=member, invoice=invoice)
    assert not Message.objects.exists()


def test_the_message_is_text_in_the_email_never_markup(owner, invoice, deliver):
    note = '<img src=x onerror=alert("note")> Thanks & see you'
    with deliver():
        sending.invoice_send(actor=owner, invoice=invoice, message=note)
    email = mail.outbox[0]
    assert note in email.body  # plain text: as typed
    html = email.alternatives[0][0]
    assert note not in html and escape(note) in html


def test_a_message_too_long_is_refused(owner, invoice):
    with pytest.raises(ValidationError, match="under 2000"):
        sending.invoice_send(actor=owner, invoice=invoice, message="x" * 2001)


def test_with_its_link_revoked_the_email_has_no_link(owner, invoice, deliver):
    token = invoice.public_token
    invoice = sending.invoice_link_revoke(actor=owner, invoice=invoice)
    with deliver():
        sending.invoice_send(actor=owner, invoice=invoice)
    email = mail.outbox[0]
    assert "/d/" not in email.body and token not in email.alternatives[0][0]
    assert email.attachments  # the PDF still goes


def test_an_attachment_that_cannot_be_made_fails_the_email_with_its_reason(
    owner, invoice, deliver, monkeypatch
):
    def broken(*, object_id):
        raise Invoice.DoesNotExist("gone")

    monkeypatch.setitem(notification_attachments.ATTACHMENT_RENDERERS, sending.INVOICE_PDF, broken)
    with deliver():
        message = sending.invoice_send(actor=owner, invoice=invoice)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "attachment" in message.error
    assert mail.outbox == []


# --- batches ---------------------------------------------------------------------------------


@pytest.fixture
def batch(owner, billed, invoice):
    second = services.invoice_create(
        actor=owner, client=billed, lines=[HandLine("Window cleaning", "10.00")], issue=True
    )
    return services.batch_create(actor=owner, client=billed, invoices=[invoice.pk, second.pk])


def test_a_batch_is_sent_with_its_consolidated_pdf(owner, billed, batch, deliver):
    with deliver():
        message = sending.batch_send(actor=owner, batch=batch)

    email = mail.outbox[0]
    assert email.subject == "Batch invoice B-0001 from Sparkle Crew"
    assert f"/d/{batch.public_token}/" in email.body and "2 invoices" in email.body
    ((name, content, _type),) = email.attachments
    assert name == "batch-B-0001.pdf"
    text = pdf_text(content)
    assert "INV-0001" in text and "INV-0002" in text and "B-0001" in text
    assert message.related == batch
    batch.refresh_from_db()
    assert batch.sent_at is not None
    assert Activity.objects.filter(verb=Verb.BATCH_SENT, target_id=batch.pk).exists()


def test_an_empty_batch_is_not_sent(owner, batch):
    for invoice in batch.invoices.all():
        services.invoice_void(actor=owner, invoice=invoice)
    with pytest.raises(ValidationError, match="no invoices"):
        sending.batch_send(actor=owner, batch=batch)
