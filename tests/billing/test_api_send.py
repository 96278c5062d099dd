"""Sending, public links and PDFs through the invoices and batch-invoices API (DESIGN §6):
`/send` emails the document with its PDF and link, `/revoke-link` kills the public link (and
with `reissue` gives a new one), `/pdf` answers application/pdf — a big batch's is made in the
background, answering 202 with its progress until it is ready, as its page does. 409 for what
the record's state forbids, 422 for bad input, 404 for another company's, 403 for employees."""

import pytest
from django.core import mail

from crewdesk.billing import documents, services
from crewdesk.billing.models import BatchPdf, Invoice, InvoiceStatus, RenderStatus
from crewdesk.clients.services import contact_create
from crewdesk.core.models import Activity
from crewdesk.notifications.models import Message
from tests.billing.documents_world import pdf_text
from tests.billing.test_api import API, draft, error, invalid, issued, ok

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def desk(api_client, office):
    """The office's API client."""
    return api_client(office)


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """Run what is queued on commit (the email's delivery) while `with deliver():`."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def batch(owner, billed):
    first, second = issued(owner, billed, "30.00"), issued(owner, billed, "20.00")
    return services.batch_create(actor=owner, client=billed, invoices=[first, second])


def _public(url: str) -> str:
    """The path of a public link (the answer's URL is absolute)."""
    return url[url.index("/d/") :]


def _pdf_bytes(response) -> bytes:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


# --- send --------------------------------------------------------------------------------------


def test_send_emails_the_invoice_with_its_pdf_and_link(desk, owner, billed, deliver):
    invoice = issued(owner, billed, "120.00")
    with deliver():
        body = ok(desk.post(f"{API}/invoices/{invoice.pk}/send", {"message": "Thanks!"}))

    assert body["sent_at"] and body["status"] == "open"
    assert body["public_url"].endswith(f"/d/{invoice.public_token}/")
    (email,) = mail.outbox
    assert email.to == [billed.email] and "Thanks!" in email.body
    assert _public(body["public_url"]) in email.body
    ((name, content, mimetype),) = email.attachments
    assert (name, mimetype) == (f"invoice-{invoice.number}.pdf", "application/pdf")
    assert invoice.number in pdf_text(content)
    message = Message.objects.get()
    assert message.related == invoice and message.to == billed.email
    assert Activity.objects.filter(verb="invoice.sent", target_id=invoice.pk).exists()


def test_send_again_is_a_resend_and_may_go_to_a_contact(desk, owner, billed, deliver):
    invoice = issued(owner, billed)
    contact_create(
        actor=owner, client=billed, values={"first_name": "Pat", "email": "pat@example.com"}
    )
    with deliver():
        ok(desk.post(f"{API}/invoices/{invoice.pk}/send", {}))
        ok(desk.post(f"{API}/invoices/{invoice.pk}/send", {"to": "PAT@example.com"}))
    assert [email.to for email in mail.outbox] == [[billed.email], ["pat@example.com"]]
    assert Message.objects.filter(related_id=invoice.pk).count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"to": "stranger@example.com"}, "to"),  # not the client's nor a contact's
        ({"to": "not an address"}, "to"),
        ({"to": "x" * 255}, "to"),
        ({"message": "x" * 2001}, "message"),
        ({"message": "a\x00b"}, "message"),
    ],
)
def test_send_refuses_bad_input_with_a_422(desk, owner, billed, payload, field):
    invoice = issued(owner, billed)
    invalid(desk.post(f"{API}/invoices/{invoice.pk}/send", payload), field)
    assert not Message.objects.exists() and mail.outbox == []
    assert Invoice.objects.get(pk=invoice.pk).sent_at is None


def test_a_client_with_no_address_is_a_422(desk, owner, make_client):
    nobody = make_client(first_name="Ned", phones=[("mobile", "+1 415 555 0101")])
    invoice = issued(owner, nobody)
    invalid(desk.post(f"{API}/invoices/{invoice.pk}/send", {}), "to")


def test_a_draft_or_a_void_invoice_is_not_sent_409(desk, owner, billed):
    unsent = draft(owner, billed)
    assert (
        "Issue the invoice"
        in error(desk.post(f"{API}/invoices/{unsent.pk}/send", {}), 409)["detail"]
    )
    voided = services.invoice_void(actor=owner, invoice=issued(owner, billed), reason="x")
    error(desk.post(f"{API}/invoices/{voided.pk}/send", {}), 409)
    assert not Message.objects.exists()


def test_no_body_at_all_is_a_422_on_the_body_not_on_a_payload_key(desk, client, owner, billed):
    invoice = issued(owner, billed)
    response = client.post(
        f"{API}/invoices/{invoice.pk}/send",
        "",
        content_type="application/json",
        headers=desk.headers,
    )
    assert invalid(response) == {"__all__": ["Send a JSON object as the body."]}


# --- public links ------------------------------------------------------------------------------


def test_revoke_link_kills_the_public_link(desk, client, owner, billed):
    invoice = issued(owner, billed)
    old = documents.public_url(invoice.public_token)
    assert client.get(_public(old)).status_code == 200

    body = ok(desk.post(f"{API}/invoices/{invoice.pk}/revoke-link", {}))

    assert body["public_url"] is None
    assert client.get(_public(old)).status_code == 404
    assert Activity.objects.filter(verb="invoice.link_revoked", target_id=invoice.pk).exists()
    # Revoking what has no link changes nothing.
    assert ok(desk.post(f"{API}/invoices/{invoice.pk}/revoke-link", {}))["public_url"] is None


def test_reissue_gives_a_new_link_and_kills_the_old(desk, client, owner, billed):
    invoice = issued(owner, billed)
    old = documents.public_url(invoice.public_token)

    body = ok(desk.post(f"{API}/invoices/{invoice.pk}/revoke-link", {"reissue": True}))

    assert body["public_url"] and body["public_url"] != old
    assert client.get(_public(old)).status_code == 404
    assert client.get(_public(body["public_url"])).status_code == 200
    again = ok(desk.post(f"{API}/invoices/{invoice.pk}/revoke-link", {"reissue": True}))
    assert again["public_url"] != body["public_url"]


def test_a_draft_or_void_invoice_gets_no_new_link_409(desk, owner, billed):
    unsent = draft(owner, billed)
    error(desk.post(f"{API}/invoices/{unsent.pk}/revoke-link", {"reissue": True}), 409)
    assert ok(desk.post(f"{API}/invoices/{unsent.pk}/revoke-link", {}))["public_url"] is None
    voided = services.invoice_void(actor=owner, invoice=issued(owner, billed), reason="x")
    error(desk.post(f"{API}/invoices/{voided.pk}/revoke-link", {"reissue": True}), 409)
    invalid(desk.post(f"{API}/invoices/{unsent.pk}/revoke-link", {"reissue": "maybe"}), "reissue")


def test_the_invoice_answer_has_its_public_url(desk, owner, billed):
    invoice = issued(owner, billed)
    body = ok(desk.get(f"{API}/invoices/{invoice.pk}"))
    assert body["public_url"] == documents.public_url(invoice.public_token)
    assert ok(desk.get(f"{API}/invoices/{draft(owner, billed).pk}"))["public_url"] is None
    listed = ok(desk.get(f"{API}/invoices"))["items"]
    assert {item["public_url"] is None for item in listed} == {True, False}


# --- PDFs -------------------------------------------------------------------------------------


def test_the_invoice_pdf(desk, owner, billed):
    invoice = issued(owner, billed, "19.99")
    response = desk.get(f"{API}/invoices/{invoice.pk}/pdf")
    data = _pdf_bytes(response)
    assert f'filename="invoice-{invoice.number}.pdf"' in response["Content-Disposition"]
    assert data.startswith(b"%PDF-") and invoice.number in pdf_text(data)
    unsent = draft(owner, billed)
    response = desk.get(f"{API}/invoices/{unsent.pk}/pdf")
    assert f'filename="invoice-draft-{unsent.pk}.pdf"' in response["Content-Disposition"]


def test_a_small_batch_pdf_comes_at_once(desk, batch):
    response = desk.get(f"{API}/batch-invoices/{batch.pk}/pdf")
    data = _pdf_bytes(response)
    assert batch.number in pdf_text(data)


def test_a_big_batch_pdf_answers_202_with_its_progress_until_made(
    desk, batch, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(documents, "BATCH_PDF_WHILE_WAITING", 1)
    path = f"{API}/batch-invoices/{batch.pk}/pdf"
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = desk.get(path)
        second = desk.get(path)  # asking again waits for the same render

    body = ok(first, 202)
    assert body["status_url"].endswith(path) and first["Location"] == body["status_url"]
    assert int(first["Retry-After"]) > 0
    assert {k: body[k] for k in ("status", "done", "total", "percent", "ready", "error")} == {
        "status": "queued",
        "done": 0,
        "total": 2,
        "percent": 0,
        "ready": False,
        "error": "",
    }
    assert ok(second, 202)["status"] == "queued"
    assert BatchPdf.objects.filter(batch=batch).count() == 1

    for callback in queued:  # the background worker runs the task
        callback()

    assert BatchPdf.objects.get(batch=batch).status == RenderStatus.DONE
    data = _pdf_bytes(desk.get(path))
    assert batch.number in pdf_text(data)


def test_batch_send_and_links(desk, client, owner, billed, batch, deliver):
    with deliver():
        body = ok(desk.post(f"{API}/batch-invoices/{batch.pk}/send", {"message": "All of May"}))
    assert body["sent_at"] and body["id"] == batch.pk
    (email,) = mail.outbox
    assert email.to == [billed.email] and "All of May" in email.body
    assert email.attachments[0][0] == f"batch-{batch.number}.pdf"

    old = body["public_url"]
    assert old and client.get(_public(old)).status_code == 200
    assert ok(desk.post(f"{API}/batch-invoices/{batch.pk}/revoke-link", {}))["public_url"] is None
    assert client.get(_public(old)).status_code == 404
    fresh = ok(desk.post(f"{API}/batch-invoices/{batch.pk}/revoke-link", {"reissue": True}))
    assert client.get(_public(fresh["public_url"])).status_code == 200
    invalid(desk.post(f"{API}/batch-invoices/{batch.pk}/send", {"to": "x@elsewhere.test"}), "to")


def test_a_batch_whose_invoices_all_left_is_not_sent_409(desk, owner, batch):
    for invoice in batch.invoices.all():
        services.invoice_void(actor=owner, invoice=invoice, reason="x")
    error(desk.post(f"{API}/batch-invoices/{batch.pk}/send", {}), 409)
    assert mail.outbox == []


# --- who may ---------------------------------------------------------------------------------


def _routes(invoice_id: int, batch_id: int) -> list[tuple[str, str]]:
    return [
        ("post", f"/invoices/{invoice_id}/send"),
        ("post", f"/invoices/{invoice_id}/revoke-link"),
        ("get", f"/invoices/{invoice_id}/pdf"),
        ("post", f"/batch-invoices/{batch_id}/send"),
        ("post", f"/batch-invoices/{batch_id}/revoke-link"),
        ("get", f"/batch-invoices/{batch_id}/pdf"),
    ]


def _call(caller, method: str, path: str):
    return caller.get(f"{API}{path}") if method == "get" else caller.post(f"{API}{path}", {})


def test_employees_are_refused_and_customers_have_no_token(
    api_client, owner, employee, billed, batch
):
    invoice = issued(owner, billed)
    token_before = invoice.public_token
    crew, nobody = api_client(employee), api_client()
    for method, path in _routes(invoice.pk, batch.pk) + _routes(999999, 999999):
        error(_call(crew, method, path), 403)
        error(_call(nobody, method, path), 401)
    assert Invoice.objects.get(pk=invoice.pk).public_token == token_before
    assert not Message.objects.exists()


def test_another_companys_invoice_and_batch_are_a_404(desk, outsider):
    from crewdesk.billing.services import LineInput
    from crewdesk.clients.services import ClientInput, client_create

    theirs = client_create(
        actor=outsider, data=ClientInput(fields={"first_name": "Bea", "email": "bea@b.test"})
    )
    invoice = services.invoice_create(
        actor=outsider, client=theirs, lines=[LineInput("x", "5.00")], issue=True
    )
    batch = services.batch_create(actor=outsider, client=theirs, invoices=[invoice])
    for method, path in _routes(invoice.pk, batch.pk):
        assert error(_call(desk, method, path), 404)["detail"] == "Not found."
    fresh = Invoice.objects.get(pk=invoice.pk)
    assert fresh.public_token == invoice.public_token and fresh.sent_at is None
    assert fresh.status == InvoiceStatus.OPEN
