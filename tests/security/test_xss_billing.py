"""Stored XSS in the invoice and batch documents: a payload typed into every free-text field
an invoice's document shows — the brand, the client's billing name and address, the property,
the job, the lines, the invoice's message, the number's prefix, the company's "how to pay",
the message of a send, a payment's reference (its receipt) — comes out escaped in the public
link's page, in the email's HTML (and as typed in its plain text), and in the PDF as text: the
PDF's text holds it as typed, and the renderer was asked for nothing (an `<img src=x>` that
ran would have been fetched). How the payloads and the checks work: tests/security/test_xss.py."""

import pytest
from django.core import mail
from django.urls import reverse

from crewdesk.billing import documents, sending
from crewdesk.billing import services as billing
from crewdesk.billing.documents import DocumentFetcher
from crewdesk.core.models import Brand
from crewdesk.jobs.services import LineInput
from crewdesk.payments import receipts
from crewdesk.payments import services as payment_services
from tests.billing.conftest import finish
from tests.billing.documents_world import pdf_text
from tests.factories import make_job, make_property
from tests.security.test_xss import (
    ATTRIBUTE_URL,
    closing,
    img,
    js_url,
    page_text,
    script,
    short,
    svg,
    template,
)

PAYLOADS = {
    "brand.name": img("brand.name"),
    "brand.street": script("brand.street"),
    "brand.city": template("brand.city"),
    "brand.phone": short("brand.ph"),
    "brand.website": js_url("brand.website"),
    "client.billing_name": closing("client.billing_name"),
    "client.street": svg("client.street"),
    "property.name": script("property.name"),
    "property.street": img("property.street"),
    "job.title": svg("job.title"),
    "line.description": script("line.description"),
    "hand_line.description": img("hand_line.description"),
    "invoice.customer_message": template("invoice.customer_message"),
    "company.invoice_prefix": short("p"),  # 10 characters: the prefix's most
    "company.payment_instructions": closing("company.payment_instructions"),  # how to pay
    "payment.reference": script("payment.reference"),  # on the receipt only
}
SEND_MESSAGE = closing("send.message")
IN_DOCUMENT = tuple(key for key in PAYLOADS if key != "payment.reference")
# What a payment's receipt shows: the brand, the client, the invoice's number, how to pay.
IN_RECEIPT = (
    *("brand.name", "brand.street", "brand.city", "brand.phone", "brand.website"),
    *("client.billing_name", "client.street", "company.invoice_prefix"),
    *("company.payment_instructions", "payment.reference"),
)

pytestmark = pytest.mark.django_db


def raw(key: str) -> str:
    return PAYLOADS[key].raw


def assert_escaped(html: str, shows=IN_DOCUMENT) -> None:
    leaked = [key for key, payload in PAYLOADS.items() if payload.markup in html]
    assert not leaked, f"shown as markup, not as text: {leaked}"
    assert not ATTRIBUTE_URL.findall(html)
    missing = [key for key in shows if PAYLOADS[key].escaped not in html]
    assert not missing, f"not shown (escaped) where expected: {missing}"


def _squeezed(text: str) -> str:
    """Without the line breaks a PDF's text wraps long payloads at."""
    return "".join(text.split())


def assert_as_text_in_pdf(data: bytes, shows=IN_DOCUMENT) -> None:
    text = _squeezed(pdf_text(data))
    missing = [key for key in shows if _squeezed(PAYLOADS[key].raw) not in text]
    assert not missing, f"not in the PDF's text as typed: {missing}"


@pytest.fixture
def world(owner, make_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    company = owner.company
    company.invoice_prefix = raw("company.invoice_prefix")
    company.payment_instructions = raw("company.payment_instructions")
    company.save()
    # ORM: brands have no page, API or service to edit them yet
    Brand.objects.create(
        company=company,
        name=raw("brand.name"),
        street=raw("brand.street"),
        city=raw("brand.city"),
        phone=raw("brand.phone"),
        website=raw("brand.website"),
        email="billing@example.com",
        is_default=True,
    )
    client = make_client(
        first_name="Xavier",
        last_name="Ss",
        email="xavier@example.com",
        billing_name=raw("client.billing_name"),
        street=raw("client.street"),
    )
    prop = make_property(owner, client, name=raw("property.name"), street=raw("property.street"))
    other = make_property(owner, client, name="Second place")
    first = finish(
        owner,
        make_job(
            owner, prop, title=raw("job.title"), lines=[LineInput(raw("line.description"), 1, "10")]
        ),
    )
    second = finish(owner, make_job(owner, other, lines=[LineInput("Plain", 1, "5")]))
    invoice = billing.invoice_create(
        actor=owner,
        client=client,
        jobs=[first, second],
        lines=[billing.LineInput(raw("hand_line.description"), "1.00")],
        customer_message=raw("invoice.customer_message"),
        issue=True,
    )
    batch = billing.batch_create(actor=owner, client=client, invoices=[invoice.pk])
    return {"invoice": invoice, "batch": batch}


def test_the_public_invoice_page(client, world):
    token = world["invoice"].public_token
    response = client.get(reverse("public_documents:view", args=[token]))
    assert response.status_code == 200
    assert_escaped(page_text(response))


def test_the_public_batch_page(client, world):
    token = world["batch"].public_token
    response = client.get(reverse("public_documents:view", args=[token]))
    assert response.status_code == 200
    # The batch's summary names each invoice's property; its sections show the rest.
    assert_escaped(page_text(response))


def test_the_invoice_email(owner, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sending.invoice_send(actor=owner, invoice=world["invoice"], message=SEND_MESSAGE.raw)
    email = mail.outbox[0]
    html = email.alternatives[0][0]
    assert_escaped(html)
    assert SEND_MESSAGE.markup not in html and SEND_MESSAGE.escaped in html
    # Plain text is not HTML: names and the message as typed.
    assert SEND_MESSAGE.raw in email.body and raw("brand.name") in email.body
    assert_as_text_in_pdf(email.attachments[0][1])


def test_the_batch_email(owner, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sending.batch_send(actor=owner, batch=world["batch"], message=SEND_MESSAGE.raw)
    html = mail.outbox[0].alternatives[0][0]
    assert_escaped(html)
    assert SEND_MESSAGE.markup not in html


def test_the_invoice_pdf_holds_the_text_as_typed_and_fetched_nothing(world):
    fetcher = DocumentFetcher()
    data = documents.invoice_pdf(invoice=world["invoice"], fetcher=fetcher)
    assert_as_text_in_pdf(data)
    assert fetcher.refused == []  # no payload's <img src=x> asked for anything


def test_the_batch_pdf_holds_the_text_as_typed_and_fetched_nothing(world):
    fetcher = DocumentFetcher()
    data = documents.batch_pdf(batch=world["batch"], fetcher=fetcher)
    assert_as_text_in_pdf(data)
    assert fetcher.refused == []


def test_the_office_pdf_downloads(client_as, owner, world):
    web = client_as(owner)
    for url in (
        reverse("documents:invoice_pdf", args=[world["invoice"].pk]),
        reverse("documents:batch_pdf", args=[world["batch"].pk]),
    ):
        response = web.get(url)
        assert response.status_code == 200
        assert_as_text_in_pdf(b"".join(response.streaming_content))


# --- a payment's receipt (payments/receipts.py) and the company's "how to pay" --------------


@pytest.fixture
def payment(owner, world):
    invoice = world["invoice"]
    return payment_services.payment_record(
        actor=owner,
        client=invoice.client,
        method="check",
        amount="5.00",
        reference=raw("payment.reference"),
        allocations=[{"invoice": invoice.pk, "amount": "5.00"}],
    )


def test_the_receipt_pdf_holds_the_text_as_typed_and_fetched_nothing(payment):
    fetcher = DocumentFetcher()
    data = receipts.receipt_pdf(payment=payment, fetcher=fetcher)
    assert_as_text_in_pdf(data, shows=IN_RECEIPT)
    assert fetcher.refused == []


def test_the_receipt_email(payment, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        receipts.receipt_email(payment_id=payment.pk)
    (email,) = mail.outbox
    assert_escaped(email.alternatives[0][0], shows=IN_RECEIPT)
    assert raw("brand.name") in email.body  # plain text: as typed
    assert_as_text_in_pdf(email.attachments[0][1], shows=IN_RECEIPT)


def test_the_office_receipt_download(client_as, owner, payment):
    response = client_as(owner).get(reverse("payment_documents:receipt_pdf", args=[payment.pk]))
    assert response.status_code == 200
    assert_as_text_in_pdf(b"".join(response.streaming_content), shows=IN_RECEIPT)


def test_the_company_settings_page_shows_how_to_pay_escaped(client_as, owner, world):
    response = client_as(owner).get(reverse("core:company_settings"))
    assert response.status_code == 200
    assert_escaped(page_text(response), shows=("company.payment_instructions",))
