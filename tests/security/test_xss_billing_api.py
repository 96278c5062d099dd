"""Stored XSS through the invoices API: a payload typed into every free-text field an invoice
takes through the API (a line's description, written on create and on change, the message to
the customer, the reason of a void) is stored and given back exactly as typed — JSON is not
HTML: no escaping there, and nothing dropped — in the invoice, the list and its search.
(The pages, emails and PDFs that show these fields have their own suite; how the payloads
work: tests/security/test_xss.py.)"""

import json

import pytest

from crewdesk.billing.models import Invoice, InvoiceLine
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
