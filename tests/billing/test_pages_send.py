"""The invoice and batch pages' document part: Send / Resend with a small form (the PDF
attached, the public link in the body), when it was last sent and the emails about it, and
the public link turned off or made anew. Errors come back on the page, never a 500; only the
office, and only its own company's records."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from crewdesk.billing import services
from crewdesk.billing.services import LineInput as HandLine
from crewdesk.clients.services import contact_create
from crewdesk.notifications.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(owner, billed):
    return services.invoice_create(
        actor=owner, client=billed, lines=[HandLine("Window wash", "80.00")], issue=True
    )


@pytest.fixture
def batch(owner, billed, invoice):
    return services.batch_create(actor=owner, client=billed, invoices=[invoice.pk])


def url(name, record):
    return reverse(f"billing:{name}", args=[record.pk])


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize("kind", ["invoice", "batch"])
def test_send_from_the_page_emails_the_pdf_and_the_link(
    kind, client_as, office, billed, invoice, batch, django_capture_on_commit_callbacks
):
    record = invoice if kind == "invoice" else batch
    web = client_as(office)
    page = text_of(web.get(url(f"{kind}_detail", record)))
    assert 'id="send-form"' in page and "Send…" in page and "Not sent yet." in page
    assert billed.email in page

    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(
            url(f"{kind}_send", record), {"to": billed.email, "message": "See you Friday."}
        )
    assert response.status_code == 302 and response["Location"] == url(f"{kind}_detail", record)

    (email,) = mail.outbox
    assert email.to == [billed.email] and "See you Friday." in email.body
    record.refresh_from_db()
    assert f"/d/{record.public_token}/" in email.body
    ((name, content, mimetype),) = email.attachments
    assert mimetype == "application/pdf" and content.startswith(b"%PDF-")

    page = text_of(web.get(url(f"{kind}_detail", record)))
    assert "Resend…" in page and "Last sent" in page
    assert email.subject in page and 'class="mb-1 text-break document-message"' in page


def test_sending_to_an_address_not_the_clients_is_a_form_error(client_as, office, invoice):
    web = client_as(office)
    response = web.post(url("invoice_send", invoice), {"to": "thief@example.com"})
    assert response.status_code == 422
    page = text_of(response)
    assert 'id="send-box"' in page and "collapse show" in page and "invalid-feedback" in page
    assert not Message.objects.exists()


def test_a_contact_may_be_chosen(client_as, office, owner, billed, invoice):
    contact_create(
        actor=owner,
        client=billed,
        values={"first_name": "Bea", "last_name": "Books", "email": "bea@example.org"},
    )
    web = client_as(office)
    assert "bea@example.org" in text_of(web.get(url("invoice_detail", invoice)))
    response = web.post(url("invoice_send", invoice), {"to": "bea@example.org"})
    assert response.status_code == 302
    assert Message.objects.get().to == "bea@example.org"


def test_a_message_too_long_is_a_form_error(client_as, office, billed, invoice):
    response = client_as(office).post(
        url("invoice_send", invoice), {"to": billed.email, "message": "x" * 2001}
    )
    assert response.status_code == 422 and not Message.objects.exists()


def test_a_draft_offers_no_send_and_posting_is_refused(client_as, office, owner, billed):
    draft = services.invoice_create(actor=owner, client=billed, lines=[HandLine("A", "10")])
    web = client_as(office)
    assert 'id="send-form"' not in web.get(url("invoice_detail", draft)).content.decode()
    response = web.post(url("invoice_send", draft), {"to": billed.email}, follow=True)
    assert response.status_code == 200
    assert "Issue the invoice before sending it" in text_of(response)
    assert not Message.objects.exists()


def test_a_client_without_email_is_told_to_add_one(client_as, office, owner, billed, invoice):
    billed.email = ""
    billed.save(update_fields=["email"])
    page = text_of(client_as(office).get(url("invoice_detail", invoice)))
    assert 'id="send-no-address"' in page and 'id="send-form"' not in page
    response = client_as(office).post(url("invoice_send", invoice), {"to": ""})
    assert response.status_code == 422


@pytest.mark.parametrize("kind", ["invoice", "batch"])
def test_revoke_makes_the_old_link_a_404_and_a_new_link_works(
    kind, client_as, client, office, invoice, batch
):
    record = invoice if kind == "invoice" else batch
    old = f"/d/{record.public_token}/"
    client.logout()
    assert client.get(old).status_code == 200

    web = client_as(office)
    assert web.post(url(f"{kind}_link_revoke", record)).status_code == 302
    record.refresh_from_db()
    assert record.public_token is None
    page = text_of(web.get(url(f"{kind}_detail", record)))
    assert 'id="link-revoke"' not in page and 'id="link-reissue"' in page
    client.logout()
    assert client.get(old).status_code == 404

    web = client_as(office)
    assert web.post(url(f"{kind}_link_reissue", record)).status_code == 302
    record.refresh_from_db()
    new = f"/d/{record.public_token}/"
    assert new != old
    client.logout()
    assert client.get(new).status_code == 200 and client.get(old).status_code == 404


def test_a_new_link_for_a_void_invoice_is_an_error_on_the_page(client_as, office, owner, invoice):
    services.invoice_void(actor=owner, invoice=invoice, reason="Typo")
    web = client_as(office)
    response = web.post(url("invoice_link_reissue", invoice), follow=True)
    assert response.status_code == 200 and "A void invoice is not sent." in text_of(response)


@pytest.mark.parametrize("name", ["invoice_send", "invoice_link_revoke", "invoice_link_reissue"])
def test_employees_and_customers_may_not(client_as, employee, customer, billed, invoice, name):
    for member in (employee, customer):
        response = client_as(member).post(url(name, invoice), {"to": billed.email})
        assert response.status_code in (302, 403, 404)
    invoice.refresh_from_db()
    assert invoice.public_token and invoice.sent_at is None and not Message.objects.exists()


@pytest.mark.parametrize("name", ["invoice_send", "invoice_link_revoke", "invoice_link_reissue"])
def test_another_companys_invoice_is_a_404(client_as, outsider, billed, invoice, name):
    response = client_as(outsider).post(url(name, invoice), {"to": billed.email})
    assert response.status_code == 404
    invoice.refresh_from_db()
    assert invoice.public_token and not Message.objects.exists()


def test_gets_are_refused(client_as, office, invoice):
    assert client_as(office).get(url("invoice_send", invoice)).status_code == 405


# --- the client's communication log: the profile's Messages tab -------------------------------


def test_the_clients_messages_tab_lists_each_email_with_its_record(
    client_as, office, owner, billed, invoice, batch, make_client
):
    from crewdesk.billing import sending
    from crewdesk.payments.services import payment_record

    sending.invoice_send(actor=owner, invoice=invoice)
    sending.batch_send(actor=owner, batch=batch)
    payment = payment_record(actor=owner, client=billed, method="cash", amount="5.00")
    from crewdesk.payments.receipts import receipt_email

    receipt_email(payment_id=payment.pk)
    other = make_client(first_name="Olga", last_name="Other", email="olga@example.com")
    stranger = services.invoice_create(
        actor=owner, client=other, lines=[HandLine("Else", "9")], issue=True
    )
    sending.invoice_send(actor=owner, invoice=stranger)

    web = client_as(office)
    profile = reverse("clients:detail", args=[billed.pk])
    assert 'id="tab-messages"' in text_of(web.get(profile))
    tab = text_of(web.get(profile, {"panel": "messages"}, headers={"HX-Request": "true"}))
    assert tab.count("client-message") == 3
    assert f'href="{url("invoice_detail", invoice)}">{invoice.number}<' in tab
    assert f'href="{url("batch_detail", batch)}">{batch.number}<' in tab
    assert reverse("payment_documents:receipt_pdf", args=[payment.pk]) in tab
    assert f"to {billed.email}" in tab and "Queued" in tab
    assert stranger.number not in tab


def test_the_messages_tab_is_paged(client_as, office, owner, billed, invoice):
    from crewdesk.billing import sending
    from crewdesk.clients.communication import MESSAGES_PER_PAGE

    for _ in range(MESSAGES_PER_PAGE + 1):
        sending.invoice_send(actor=owner, invoice=invoice)
    web = client_as(office)
    profile = reverse("clients:detail", args=[billed.pk])
    first = text_of(web.get(profile, {"panel": "messages"}, headers={"HX-Request": "true"}))
    assert first.count("client-message") == MESSAGES_PER_PAGE and "messages_page=2" in first
    second = web.get(profile, {"panel": "messages", "messages_page": "2"}, HTTP_HX_REQUEST="true")
    assert text_of(second).count("client-message") == 1


def test_employees_have_no_messages_tab(client_as, employee, billed):
    page = text_of(client_as(employee).get(reverse("clients:detail", args=[billed.pk])))
    assert 'id="tab-messages"' not in page
