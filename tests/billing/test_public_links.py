"""Public document links (/d/<token>/, DESIGN §6): no login, that invoice's (or batch's)
document and PDF and nothing else; revoked, void and made-up tokens are the same bare 404;
a Pay button only when the payments app offers one."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from crewdesk.billing import documents, public_views, sending, services
from crewdesk.billing.documents import PayAction
from crewdesk.billing.events import Verb
from crewdesk.billing.services import LineInput as HandLine
from crewdesk.core.models import Activity
from tests.billing.conftest import pay
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
def other_invoice(owner, make_client):
    someone = make_client(first_name="Olga", last_name="Other", email="olga@example.com")
    return services.invoice_create(
        actor=owner, client=someone, lines=[HandLine("Pool opening", "300.00")], issue=True
    )


def page_url(token: str) -> str:
    return reverse("public_documents:view", args=[token])


def pdf_url(token: str) -> str:
    return reverse("public_documents:pdf", args=[token])


def _private_headers(response) -> None:
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"]


def test_the_link_shows_the_document_without_logging_in(client, invoice):
    response = client.get(page_url(invoice.public_token))

    assert response.status_code == 200
    _private_headers(response)
    html = response.content.decode()
    assert '<meta name="robots" content="noindex, nofollow, noarchive">' in html
    assert '<meta name="referrer" content="no-referrer">' in html
    for part in ("INV-0001", "Dawson Holdings LLC", "Standard clean", "$404.65", "Sparkle Crew"):
        assert part in html, part
    assert pdf_url(invoice.public_token) in html
    assert "Log out" not in html and "/app/" not in html  # no office, no menu


def test_the_link_shows_nothing_the_office_keeps_to_itself(client, owner, invoice):
    from crewdesk.jobs.models import Job

    Job.objects.filter(company=owner.company).update(internal_notes="Office secret 42")
    invoice.client.notes = "Client secret 43"
    invoice.client.save()
    invoice.lines.first().property.__class__.objects.update(access_notes="Gate code 44")

    html = client.get(page_url(invoice.public_token)).content.decode()

    for secret in ("Office secret 42", "Client secret 43", "Gate code 44"):
        assert secret not in html


def test_a_link_shows_only_its_own_invoice(client, invoice, other_invoice):
    mine = client.get(page_url(invoice.public_token)).content.decode()
    theirs = client.get(page_url(other_invoice.public_token)).content.decode()

    assert "INV-0001" in mine and "INV-0002" not in mine and "Pool opening" not in mine
    assert "INV-0002" in theirs and "INV-0001" not in theirs and "Standard clean" not in theirs
    assert "Dawson" not in theirs


def test_someone_logged_in_elsewhere_sees_the_same_document(client_as, outsider, invoice):
    response = client_as(outsider).get(page_url(invoice.public_token))
    assert response.status_code == 200
    assert "INV-0001" in response.content.decode()
    assert "$404.65" in response.content.decode()  # the invoice's own formats


@pytest.mark.parametrize(
    "token",
    [
        "x" * 43,
        "short",
        "x" * 500,
        "..%2F..%2Fetc",
        "%00",
        "abc def",
    ],
)
def test_a_made_up_token_is_a_bare_404(client, invoice, token):
    for url in (page_url(token), pdf_url(token), reverse("public_documents:logo", args=[token])):
        response = client.get(url)
        assert response.status_code == 404
        assert "INV-0001" not in response.content.decode()
        _private_headers(response)


def test_a_revoked_link_is_a_404_and_a_new_one_works(client, owner, invoice):
    old = invoice.public_token

    services_invoice = sending.invoice_link_revoke(actor=owner, invoice=invoice)
    assert services_invoice.public_token is None
    assert client.get(page_url(old)).status_code == 404
    assert client.get(pdf_url(old)).status_code == 404

    reissued = sending.invoice_link_reissue(actor=owner, invoice=invoice)
    assert reissued.public_token and reissued.public_token != old
    assert client.get(page_url(old)).status_code == 404
    assert client.get(page_url(reissued.public_token)).status_code == 200
    verbs = list(
        Activity.objects.filter(target_id=invoice.pk, verb__startswith="invoice.link")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == [Verb.INVOICE_LINK_REVOKED, Verb.INVOICE_LINK_REISSUED]


def test_revoking_twice_records_it_once(owner, invoice):
    sending.invoice_link_revoke(actor=owner, invoice=invoice)
    sending.invoice_link_revoke(actor=owner, invoice=invoice)
    assert Activity.objects.filter(verb=Verb.INVOICE_LINK_REVOKED).count() == 1


def test_a_void_invoices_link_stops_working_and_gets_no_new_one(client, owner, invoice):
    token = invoice.public_token
    services.invoice_void(actor=owner, invoice=invoice)
    assert client.get(page_url(token)).status_code == 404
    with pytest.raises(services.ValidationError):
        sending.invoice_link_reissue(actor=owner, invoice=invoice)


def test_only_the_office_revokes_or_reissues(employee, customer, outsider, invoice):
    from django.core.exceptions import PermissionDenied

    for member in (employee, customer, outsider):
        with pytest.raises(PermissionDenied):
            sending.invoice_link_revoke(actor=member, invoice=invoice)
        with pytest.raises(PermissionDenied):
            sending.invoice_link_reissue(actor=member, invoice=invoice)


def test_the_pdf_comes_from_the_link(client, invoice):
    response = client.get(pdf_url(invoice.public_token))
    assert response.status_code == 200
    _private_headers(response)
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="invoice-INV-0001.pdf"' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-") and "INV-0001" in pdf_text(data)


def test_the_logo_comes_from_the_link_for_emails(client, invoice):
    response = client.get(reverse("public_documents:logo", args=[invoice.public_token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_no_pay_button_unless_the_payments_app_offers_one(client, invoice, monkeypatch):
    assert "Pay" not in client.get(page_url(invoice.public_token)).content.decode().replace(
        "Payment", ""
    )

    def offer(*, document, token):
        return PayAction(f"Pay {document.balance}", f"/d/{token}/pay")

    monkeypatch.setattr(documents, "PUBLIC_PAY_ACTIONS", [offer])
    html = client.get(page_url(invoice.public_token)).content.decode()
    assert f'href="/d/{invoice.public_token}/pay"' in html and "Pay 404.65" in html


def test_a_paid_invoice_shows_paid_and_no_pay_button(client, invoice, monkeypatch):
    monkeypatch.setattr(
        documents, "PUBLIC_PAY_ACTIONS", [lambda *, document, token: PayAction("Pay", "/pay")]
    )
    pay(invoice, invoice.balance)
    html = client.get(page_url(invoice.public_token)).content.decode()
    assert 'href="/pay"' not in html
    assert "doc-stamp-paid" in html and "Thank you for your payment." in html


def test_a_link_only_reads(client, invoice):
    assert client.post(page_url(invoice.public_token)).status_code in (403, 405)
    assert client.post(pdf_url(invoice.public_token)).status_code in (403, 405)


def test_pdfs_are_throttled_per_address(client, invoice, monkeypatch):
    monkeypatch.setattr(public_views, "PDFS_PER_ADDRESS", 2)
    codes = [client.get(pdf_url(invoice.public_token)).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get(page_url(invoice.public_token)).status_code == 200  # the page still is


def test_lookups_are_throttled_per_address(client, invoice, monkeypatch):
    monkeypatch.setattr(public_views, "LOOKUPS_PER_ADDRESS", 3)
    codes = [client.get(page_url("y" * 43)).status_code for _ in range(3)]
    codes.append(client.get(page_url(invoice.public_token)).status_code)
    assert codes == [404, 404, 404, 429]
    elsewhere = client.get(page_url(invoice.public_token), REMOTE_ADDR="10.0.0.9")
    assert elsewhere.status_code == 200


# --- batches ---------------------------------------------------------------------------------


@pytest.fixture
def batch(owner, billed, invoice):
    second = services.invoice_create(
        actor=owner, client=billed, lines=[HandLine("Window cleaning", "10.00")], issue=True
    )
    return services.batch_create(actor=owner, client=billed, invoices=[invoice.pk, second.pk])


def test_a_batch_link_shows_its_invoices_and_the_grand_total(client, batch, other_invoice):
    response = client.get(page_url(batch.public_token))
    assert response.status_code == 200
    _private_headers(response)
    html = response.content.decode()
    for part in ("B-0001", "INV-0001", "INV-0002", "Window cleaning", "$415.54"):
        assert part in html, part
    assert "Pool opening" not in html  # another client's invoice


def test_a_batch_pdf_comes_from_its_link(client, batch):
    response = client.get(pdf_url(batch.public_token))
    assert response.status_code == 200
    assert 'filename="batch-B-0001.pdf"' in response["Content-Disposition"]
    assert "INV-0002" in pdf_text(b"".join(response.streaming_content))


def test_a_big_batchs_pdf_is_prepared_then_served(
    client, batch, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(documents, "BATCH_PDF_WHILE_WAITING", 1)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        waiting = client.get(pdf_url(batch.public_token))
    assert waiting.status_code == 200
    assert b"being prepared" in waiting.content and b'http-equiv="refresh"' in waiting.content
    _private_headers(waiting)
    for callback in queued:
        callback()
    ready = client.get(pdf_url(batch.public_token))
    assert ready["Content-Type"] == "application/pdf"
    assert b"".join(ready.streaming_content).startswith(b"%PDF-")


def test_a_revoked_batch_link_is_a_404_and_a_new_one_works(client, owner, batch):
    old = batch.public_token
    sending.batch_link_revoke(actor=owner, batch=batch)
    assert client.get(page_url(old)).status_code == 404
    batch = sending.batch_link_reissue(actor=owner, batch=batch)
    assert client.get(page_url(batch.public_token)).status_code == 200
    verbs = set(Activity.objects.filter(target_id=batch.pk).values_list("verb", flat=True))
    assert {Verb.BATCH_LINK_REVOKED, Verb.BATCH_LINK_REISSUED} <= verbs


def test_a_paid_up_batch_says_so(client, batch):
    for invoice in batch.invoices.all():
        pay(invoice, invoice.balance)
    html = client.get(page_url(batch.public_token)).content.decode()
    assert "doc-stamp-paid" in html
    assert D("0") == documents.batch_document(batch=batch).balance
