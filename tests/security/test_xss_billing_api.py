"""Stored XSS through the invoices and payments API: a payload typed into every free-text field
an invoice takes through the API (a line's description, written on create and on change, the
message to the customer, the reason of a void) and a payment takes (its reference, the reasons
of a refund, a reversal and a rejection) is stored and given back exactly as typed — JSON is
not HTML: no escaping there, and nothing dropped — in the record, the list and its search; the
message of a send comes out escaped in the email.
(The pages, emails and PDFs that show these fields have their own suite; how the payloads
work: tests/security/test_xss.py.)"""

import json

import pytest

from crewdesk.billing.models import Invoice, InvoiceLine
from crewdesk.notifications.models import Message
from crewdesk.payments import services as payment_services
from crewdesk.payments.models import Payment
from tests.security.test_xss import closing, img, script, svg, template

pytestmark = pytest.mark.django_db

API = "/api/v1"

PAYLOADS = {
    "line.description": script("line.description"),
    "line.added": svg("line.added"),
    "invoice.customer_message": template("invoice.customer_message"),
    "invoice.message_changed": closing("invoice.message_changed"),
    "invoice.void_reason": img("invoice.void_reason"),
}


def raw(key: str) -> str:
    return PAYLOADS[key].raw


def _json(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


@pytest.fixture
def typed(client, api_client, owner, make_client):
    """An invoice made, changed, issued and voided through the API with a payload in every
    text field; the calls' answers, and the bearer headers."""
    headers = api_client(owner).headers
    buyer = make_client(first_name="Xena", email="xena@example.com")

    def send(method: str, path: str, body: dict | None = None, status: int = 200) -> dict:
        return _json(
            client.generic(
                method,
                f"{API}{path}",
                json.dumps(body or {}),
                content_type="application/json",
                headers=headers,
            ),
            status,
        )

    created = send(
        "POST",
        "/invoices",
        {
            "client": buyer.pk,
            "lines": [{"description": raw("line.description"), "unit_price": "10.00"}],
            "customer_message": raw("invoice.customer_message"),
        },
        201,
    )
    changed = send(
        "PATCH",
        f"/invoices/{created['id']}",
        {"add_lines": [{"description": raw("line.added"), "unit_price": "5.00"}]},
    )
    send("POST", f"/invoices/{created['id']}/issue")
    voided = send("POST", f"/invoices/{created['id']}/void", {"reason": raw("invoice.void_reason")})
    second = send(
        "POST",
        "/invoices",
        {
            "client": buyer.pk,
            "lines": [{"description": "Plain", "unit_price": "1.00"}],
            "customer_message": "plain",
        },
        201,
    )
    message_changed = send(
        "PATCH",
        f"/invoices/{second['id']}",
        {"customer_message": raw("invoice.message_changed")},
    )
    return {
        "created": created,
        "changed": changed,
        "voided": voided,
        "message_changed": message_changed,
        "headers": headers,
        "buyer": buyer,
    }


def test_the_answers_give_back_every_value_as_typed(typed):
    assert typed["created"]["lines"][0]["description"] == raw("line.description")
    assert typed["created"]["customer_message"] == raw("invoice.customer_message")
    descriptions = [line["description"] for line in typed["changed"]["lines"]]
    assert descriptions == [raw("line.description"), raw("line.added")]
    assert typed["voided"]["void_reason"] == raw("invoice.void_reason")
    assert typed["message_changed"]["customer_message"] == raw("invoice.message_changed")


def test_stored_as_typed(typed):
    invoice = Invoice.objects.get(pk=typed["created"]["id"])
    assert invoice.customer_message == raw("invoice.customer_message")
    assert invoice.void_reason == raw("invoice.void_reason")
    stored = InvoiceLine.objects.filter(invoice=invoice).order_by("position")
    assert [line.description for line in stored] == [raw("line.description"), raw("line.added")]


def test_reading_back_gives_every_value_as_typed(typed, client):
    headers = typed["headers"]
    invoice_id = typed["created"]["id"]
    one = _json(client.get(f"{API}/invoices/{invoice_id}", headers=headers))
    assert [line["description"] for line in one["lines"]] == [
        raw("line.description"),
        raw("line.added"),
    ]
    assert one["customer_message"] == raw("invoice.customer_message")
    assert one["void_reason"] == raw("invoice.void_reason")
    listed = _json(client.get(f"{API}/invoices", {"client": typed["buyer"].pk}, headers=headers))[
        "items"
    ]
    messages = {item["customer_message"] for item in listed}
    assert messages == {raw("invoice.customer_message"), raw("invoice.message_changed")}
    # A payload as the search: a 200 that finds nothing, never an error.
    found = client.get(f"{API}/invoices", {"search": raw("line.description")}, headers=headers)
    assert _json(found)["items"] == []


# --- payments, and the message of a send ---------------------------------------------------------

PAYMENT_PAYLOADS = {
    "payment.reference": script("payment.reference"),
    "refund.reason": svg("refund.reason"),
    "payment.failure_reason": img("payment.failure_reason"),
    "payment.rejection_reason": closing("payment.rejection_reason"),
    "send.message": template("send.message"),
}


def typed_in(key: str) -> str:
    return PAYMENT_PAYLOADS[key].raw


@pytest.fixture
def paid(client, api_client, owner, customer, customer_client):
    """A check recorded, partly refunded and reversed (bounced), and a customer's report
    rejected, through the API with a payload in every text field they take."""
    headers = api_client(owner).headers

    def send(path: str, body: dict, status: int = 200) -> dict:
        response = client.post(
            f"{API}{path}", json.dumps(body), content_type="application/json", headers=headers
        )
        return _json(response, status)

    recorded = send(
        "/payments",
        {
            "client": customer_client.pk,
            "method": "check",
            "amount": "50.00",
            "reference": typed_in("payment.reference"),
        },
        201,
    )
    refunded = send(
        f"/payments/{recorded['id']}/refund",
        {"amount": "10.00", "reason": typed_in("refund.reason")},
    )
    reversed_ = send(
        f"/payments/{recorded['id']}/reverse", {"reason": typed_in("payment.failure_reason")}
    )
    report = payment_services.payment_report(
        actor=customer, method="zelle", amount="5.00", reference="ZL-1"
    )
    rejected = send(
        f"/payments/{report.pk}/reject", {"reason": typed_in("payment.rejection_reason")}
    )
    return {
        "recorded": recorded,
        "refunded": refunded,
        "reversed": reversed_,
        "rejected": rejected,
        "headers": headers,
        "client": customer_client,
    }


def test_payment_answers_give_back_every_value_as_typed(paid):
    assert paid["recorded"]["reference"] == typed_in("payment.reference")
    assert paid["refunded"]["refunds"][0]["reason"] == typed_in("refund.reason")
    assert paid["reversed"]["failure_reason"] == typed_in("payment.failure_reason")
    assert paid["rejected"]["rejection_reason"] == typed_in("payment.rejection_reason")


def test_payments_stored_and_read_back_as_typed(paid, client):
    payment = Payment.objects.get(pk=paid["recorded"]["id"])
    assert payment.reference == typed_in("payment.reference")
    assert payment.failure_reason == typed_in("payment.failure_reason")
    assert payment.refunds.get().reason == typed_in("refund.reason")
    assert Payment.objects.get(pk=paid["rejected"]["id"]).rejection_reason == typed_in(
        "payment.rejection_reason"
    )
    headers = paid["headers"]
    one = _json(client.get(f"{API}/payments/{payment.pk}", headers=headers))
    assert one["reference"] == typed_in("payment.reference")
    assert one["refunds"][0]["reason"] == typed_in("refund.reason")
    listed = _json(client.get(f"{API}/payments", {"client": paid["client"].pk}, headers=headers))
    assert {item["reference"] for item in listed["items"]} == {
        typed_in("payment.reference"),
        "ZL-1",
    }
    # A payload as the search finds the payment by its reference, and is never an error.
    found = client.get(
        f"{API}/payments", {"search": typed_in("payment.reference")}, headers=headers
    )
    assert [item["id"] for item in _json(found)["items"]] == [payment.pk]


def test_the_message_of_a_send_is_escaped_in_the_email(client, api_client, owner, make_client):
    from crewdesk.billing.services import LineInput, invoice_create

    buyer = make_client(first_name="Xena", email="xena@example.com")
    invoice = invoice_create(
        actor=owner, client=buyer, lines=[LineInput("Clean", "10.00")], issue=True
    )
    response = client.post(
        f"{API}/invoices/{invoice.pk}/send",
        json.dumps({"message": typed_in("send.message")}),
        content_type="application/json",
        headers=api_client(owner).headers,
    )
    _json(response)
    email = Message.objects.get(related_id=invoice.pk)
    payload = PAYMENT_PAYLOADS["send.message"]
    assert payload.markup not in email.html_body and payload.escaped in email.html_body
    assert payload.raw in email.body  # the plain text as typed
