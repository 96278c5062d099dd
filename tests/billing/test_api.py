"""The invoices and batch-invoices API (DESIGN §6): made from jobs, chosen lines or by hand,
issued, changed, voided, written off and deleted; lists with their filters and search; batch
invoices. Money is a decimal string, a draft's number null; 422 for bad input and another
company's ids in the body, 404 for them in the path, 409 for what the invoice's state
forbids, 403 for everyone but the office; no N+1 in the lists."""

import datetime
import json
from decimal import Decimal as D

import pytest

from crewdesk.accounts.services import api_token_create
from crewdesk.billing import services
from crewdesk.billing.models import BatchItem, Invoice, InvoiceStatus
from crewdesk.billing.services import LineInput as HandLine
from crewdesk.clients.services import ClientInput, client_create
from crewdesk.core.models import Activity
from crewdesk.core.roles import Role
from crewdesk.jobs.services import LineInput
from tests.billing.conftest import pay
from tests.factories import company_today, make_job, make_property, make_service

pytestmark = pytest.mark.django_db

API = "/api/v1"


class Api:
    def __init__(self, client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, params=None):
        return self.client.get(f"{API}{path}", params or {}, headers=self.headers)

    def _send(self, method, path, data):
        return self.client.generic(
            method,
            f"{API}{path}",
            json.dumps(data if data is not None else {}),
            content_type="application/json",
            headers=self.headers,
        )

    def post(self, path, data=None):
        return self._send("POST", path, data)

    def patch(self, path, data=None):
        return self._send("PATCH", path, data)

    def delete(self, path):
        return self._send("DELETE", path, None)


@pytest.fixture
def api(client):
    def make(membership=None):
        return Api(client, api_token_create(membership=membership).raw if membership else None)

    return make


@pytest.fixture
def office_api(api, office):
    return api(office)


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:800])
    return response.json() if response.content else {}


def error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:800])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"], body
    return body


def invalid(response, *fields: str) -> dict:
    body = error(response, 422)
    for field in fields:
        assert field in body["errors"], body
    return body["errors"]


def issued(owner, client, *lines, **extra) -> Invoice:
    hand = [HandLine(f"Work {n}", price) for n, price in enumerate(lines or ["100.00"])]
    return services.invoice_create(actor=owner, client=client, lines=hand, issue=True, **extra)


def draft(owner, client, price="100.00") -> Invoice:
    return services.invoice_create(actor=owner, client=client, lines=[HandLine("Work", price)])


def paid(invoice: Invoice, amount: str) -> Invoice:
    """What the payments app does when it allocates a payment to the invoice."""
    pay(invoice, D(amount))
    invoice.refresh_from_db()
    return invoice


MONEY = ("subtotal", "discount", "tax", "total", "amount_paid", "balance")


# --- create --------------------------------------------------------------------------------


def test_a_draft_from_two_finished_jobs(office_api, owner, billed, prop, finished_job):
    first = finished_job(lines=[LineInput("Standard clean", 1, "120.00")])
    second = finished_job(
        day=first.scheduled_date - datetime.timedelta(days=2),
        lines=[LineInput("Deep clean", 2, "80.00"), LineInput("Windows", 1, "35.5")],
    )

    body = ok(
        office_api.post("/invoices", {"client": billed.pk, "jobs": [first.pk, second.pk]}), 201
    )

    assert body["number"] is None and body["status"] == "draft"
    assert body["client"] == billed.pk and body["property"] == prop.pk
    assert {k: body[k] for k in MONEY} == {
        "subtotal": "315.50",
        "discount": "0.00",
        "tax": "0.00",
        "total": "315.50",
        "amount_paid": "0.00",
        "balance": "0.00",  # a draft owes nothing yet
    }
    assert body["issue_date"] is None and body["due_date"] is None
    lines = body["lines"]
    assert [line["description"] for line in lines] == ["Deep clean", "Windows", "Standard clean"]
    assert [line["job"] for line in lines] == [second.pk, second.pk, first.pk]
    assert lines[0]["service_date"] == second.scheduled_date.isoformat()
    assert lines[1]["unit_price"] == "35.50" and lines[0]["amount"] == "160.00"
    assert all(line["property"] == prop.pk and line["job_line"] for line in lines)
    assert Invoice.objects.get(pk=body["id"]).total == D("315.50")


def test_an_invoice_by_hand_with_a_discount_and_tax(office_api, owner, make_client):
    company = owner.company
    company.default_tax_rate = D("8.875")
    company.save(update_fields=["default_tax_rate"])
    buyer = make_client(first_name="Tess", email="tess@example.com")
    body = ok(
        office_api.post(
            "/invoices",
            {
                "client": buyer.pk,
                "lines": [
                    {"description": "Mow", "quantity": "3", "unit_price": "10.00"},
                    {"description": "Permit", "unit_price": "25", "taxable": False},
                    {"description": "Goodwill credit", "unit_price": "-5.00", "taxable": False},
                ],
                "discount_percent": "10",
                "customer_message": "Thank you!",
            },
        ),
        201,
    )
    # 50.00 less 10% (5.00) spread pro rata over the positive lines (2.73 and 2.27); tax once
    # on the discounted taxable line: 8.875% of 27.27 is 2.42.
    assert {k: body[k] for k in ("subtotal", "discount", "tax", "total")} == {
        "subtotal": "50.00",
        "discount": "5.00",
        "tax": "2.42",
        "total": "47.42",
    }
    assert body["discount_percent"] == "10.00" and body["customer_message"] == "Thank you!"
    assert [line["discount"] for line in body["lines"]] == ["2.73", "2.27", "0.00"]
    assert [line["taxable"] for line in body["lines"]] == [True, False, False]
    assert body["property"] is None and body["lines"][0]["job"] is None


def test_issue_true_numbers_it_at_once(office_api, owner, billed, finished_job):
    job = finished_job()
    body = ok(
        office_api.post("/invoices", {"client": billed.pk, "jobs": [job.pk], "issue": True}), 201
    )
    assert body["status"] == "open" and body["number"] == f"{owner.company.invoice_prefix}0001"
    assert body["issue_date"] == company_today(owner).isoformat()
    assert body["balance"] == body["total"] == "120.00"
    assert Activity.objects.filter(verb="invoice.issued", target_id=body["id"]).exists()


def test_a_partial_invoice_of_chosen_job_lines(office_api, owner, billed, finished_job):
    job = finished_job(lines=[LineInput("Clean", 1, "100.00"), LineInput("Oven", 1, "40.00")])
    oven = job.lines.get(description="Oven")
    body = ok(office_api.post("/invoices", {"client": billed.pk, "job_lines": [oven.pk]}), 201)
    assert [line["job_line"] for line in body["lines"]] == [oven.pk]
    assert body["total"] == "40.00"
    again = office_api.post("/invoices", {"client": billed.pk, "job_lines": [oven.pk]})
    assert "invoiced already" in invalid(again, "job_lines")["job_lines"][0]


def test_a_deposit(office_api, owner, billed, prop):
    job = make_job(owner, prop, day=company_today(owner) + datetime.timedelta(days=7))
    body = ok(
        office_api.post(
            "/invoices",
            {
                "client": billed.pk,
                "kind": "deposit",
                "deposit_for": job.pk,
                "lines": [{"description": "Deposit", "unit_price": "50.00"}],
            },
        ),
        201,
    )
    assert (body["kind"], body["deposit_for"], body["total"]) == ("deposit", job.pk, "50.00")
    refused = office_api.post(
        "/invoices", {"client": billed.pk, "kind": "deposit", "jobs": [job.pk]}
    )
    invalid(refused, "kind")


def test_a_catalog_service_fills_a_blank_description(office_api, owner, billed):
    service = make_service(owner, "Pool check", "60.00")
    body = ok(
        office_api.post(
            "/invoices",
            {"client": billed.pk, "lines": [{"service": service.pk, "unit_price": "60"}]},
        ),
        201,
    )
    assert body["lines"][0]["description"] == "Pool check"
    assert body["lines"][0]["service"] == service.pk


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "client"),
        ({"client": "abc"}, "client"),
        ({"client": 2**70}, "client"),
        ({"lines": [{"description": "x"}]}, "lines.0.unit_price"),
        ({"lines": [{"description": "x", "unit_price": "abc"}]}, "lines.0.unit_price"),
        ({"lines": [{"description": "x", "unit_price": "NaN"}]}, "lines.0.unit_price"),
        ({"lines": [{"description": "x", "unit_price": "1e30"}]}, "lines.0.unit_price"),
        ({"lines": [{"description": "x", "unit_price": 1, "quantity": -1}]}, "lines.0.quantity"),
        ({"lines": [{"description": "x" * 301, "unit_price": 1}]}, "lines.0.description"),
        ({"lines": [{"description": "a\x00b", "unit_price": 1}]}, "lines.0.description"),
        ({"lines": [{"unit_price": 1}]}, "lines"),  # no description, no service
        ({"lines": []}, "lines"),  # nothing to invoice
        ({"lines": [{"description": "x", "unit_price": 1}], "discount": "-1"}, "discount"),
        (
            {"lines": [{"description": "x", "unit_price": 1}], "discount_percent": "101"},
            "discount_percent",
        ),
        ({"kind": "gift", "lines": [{"description": "x", "unit_price": 1}]}, "kind"),
        ({"jobs": [0]}, "jobs.0"),
        ({"jobs": "12"}, "jobs"),
        (
            {"customer_message": "x" * 10_001, "lines": [{"description": "x", "unit_price": 1}]},
            "customer_message",
        ),
    ],
)
def test_bad_input_is_a_422_naming_the_field(office_api, billed, payload, field):
    body = {"client": billed.pk, **payload} if "client" not in payload and payload else payload
    errors = invalid(office_api.post("/invoices", body))
    if field:
        assert field in errors, errors
    assert not Invoice.objects.exists()


def test_both_discounts_at_once_are_refused(office_api, billed):
    lines = [{"description": "x", "unit_price": 1}]
    body = {"client": billed.pk, "lines": lines, "discount": "1", "discount_percent": "5"}
    invalid(office_api.post("/invoices", body), "discount_percent")


def test_lines_adding_up_to_too_much_are_a_422(office_api, billed):
    lines = [{"description": "x", "unit_price": "9999999999.99", "quantity": "2"}]
    invalid(office_api.post("/invoices", {"client": billed.pk, "lines": lines}), "lines")


def test_adding_a_line_too_large_is_a_422_and_changes_nothing(office_api, owner, billed):
    invoice = draft(owner, billed, "9999999999.99")
    huge = {"description": "More", "unit_price": "1.00"}
    response = office_api.patch(f"/invoices/{invoice.pk}", {"add_lines": [huge]})
    invalid(response, "lines")
    assert [line.amount for line in invoice.lines.all()] == [D("9999999999.99")]


def test_a_body_that_is_not_json_is_a_400(office_api, client):
    response = client.post(
        f"{API}/invoices", "{nope", content_type="application/json", headers=office_api.headers
    )
    error(response, 400)


def test_unfinished_and_other_clients_jobs_are_refused(
    office_api, owner, billed, prop, make_client, finished_job
):
    pending = make_job(owner, prop)
    invalid(office_api.post("/invoices", {"client": billed.pk, "jobs": [pending.pk]}), "jobs")
    someone = make_client(first_name="Sam", email="sam@example.com")
    theirs = finished_job(prop_=make_property(owner, someone, name="Sam's"))
    invalid(office_api.post("/invoices", {"client": billed.pk, "jobs": [theirs.pk]}), "jobs")
    assert not Invoice.objects.exists()


# --- tenancy -------------------------------------------------------------------------------


@pytest.fixture
def elsewhere(outsider):
    """Company B's client, finished job, service, invoice and batch."""
    from tests.billing.conftest import finish

    theirs_client = client_create(
        actor=outsider, data=ClientInput(fields={"first_name": "Bea", "email": "bea@example.com"})
    )
    theirs_prop = make_property(outsider, theirs_client, name="Bravo Villa")
    job = finish(outsider, make_job(outsider, theirs_prop))
    invoice = services.invoice_create(actor=outsider, client=theirs_client, jobs=[job], issue=True)
    return {
        "client": theirs_client,
        "job": job,
        "job_line": job.lines.get(),
        "service": make_service(outsider, "Bravo clean", "10.00"),
        "invoice": invoice,
        "batch": services.batch_create(actor=outsider, client=theirs_client, invoices=[invoice]),
        "draft": draft(outsider, theirs_client),
    }


def test_another_companys_ids_in_the_body_are_a_422(office_api, billed, elsewhere):
    line = [{"description": "x", "unit_price": 1}]
    cases = [
        ({"client": elsewhere["client"].pk, "lines": line}, "client"),
        ({"client": billed.pk, "jobs": [elsewhere["job"].pk]}, "jobs"),
        ({"client": billed.pk, "job_lines": [elsewhere["job_line"].pk]}, "job_lines"),
        (
            {"client": billed.pk, "lines": [{**line[0], "service": elsewhere["service"].pk}]},
            "lines",
        ),
        (
            {
                "client": billed.pk,
                "kind": "deposit",
                "deposit_for": elsewhere["job"].pk,
                "lines": line,
            },
            "deposit_for",
        ),
    ]
    for body, field in cases:
        assert "No such record" in invalid(office_api.post("/invoices", body), field)[field][0]
    invalid(
        office_api.post(
            "/batch-invoices", {"client": billed.pk, "invoices": [elsewhere["invoice"].pk]}
        ),
        "invoices",
    )
    invalid(
        office_api.post(
            "/batch-invoices",
            {"client": elsewhere["client"].pk, "invoices": [elsewhere["invoice"].pk]},
        ),
        "client",
    )
    assert not Invoice.objects.filter(company=billed.company).exists()


def test_another_companys_invoice_and_batch_in_the_path_are_a_404(office_api, elsewhere):
    invoice, batch = elsewhere["invoice"].pk, elsewhere["batch"].pk
    draft_id = elsewhere["draft"].pk
    for response in (
        office_api.get(f"/invoices/{invoice}"),
        office_api.patch(f"/invoices/{invoice}", {"customer_message": "Hacked"}),
        office_api.delete(f"/invoices/{draft_id}"),
        office_api.post(f"/invoices/{draft_id}/issue"),
        office_api.post(f"/invoices/{invoice}/void", {"reason": "Hacked"}),
        office_api.post(f"/invoices/{invoice}/write-off"),
        office_api.get(f"/batch-invoices/{batch}"),
    ):
        assert error(response, 404)["detail"] == "Not found."
    fresh = Invoice.objects.get(pk=invoice)
    assert fresh.status == InvoiceStatus.OPEN and fresh.customer_message == ""
    assert Invoice.objects.get(pk=draft_id).status == InvoiceStatus.DRAFT


def test_lists_show_only_the_companys_own(office_api, owner, billed, elsewhere):
    mine = issued(owner, billed)
    services.batch_create(actor=owner, client=billed, invoices=[mine])
    assert [i["id"] for i in ok(office_api.get("/invoices"))["items"]] == [mine.pk]
    batches = ok(office_api.get("/batch-invoices"))["items"]
    assert [b["invoices"] for b in batches] == [[mine.pk]]
    assert ok(office_api.get("/invoices", {"client": elsewhere["client"].pk}))["count"] == 0


def test_unknown_and_impossible_ids_are_a_404(office_api):
    for path in ("/invoices/999999", f"/invoices/{2**63}", "/batch-invoices/999999"):
        error(office_api.get(path), 404)
    error(office_api.get("/invoices/abc"), 422)


# --- roles -----------------------------------------------------------------------------------


def _every_route(invoice_id: int, batch_id: int, client_id: int) -> list[tuple[str, str, dict]]:
    return [
        ("get", "/invoices", None),
        (
            "post",
            "/invoices",
            {"client": client_id, "lines": [{"description": "x", "unit_price": 1}]},
        ),
        ("get", f"/invoices/{invoice_id}", None),
        ("patch", f"/invoices/{invoice_id}", {"customer_message": "Hi"}),
        ("delete", f"/invoices/{invoice_id}", None),
        ("post", f"/invoices/{invoice_id}/issue", None),
        ("post", f"/invoices/{invoice_id}/void", {"reason": "x"}),
        ("post", f"/invoices/{invoice_id}/write-off", None),
        ("get", "/batch-invoices", None),
        ("post", "/batch-invoices", {"client": client_id, "invoices": [invoice_id]}),
        ("get", f"/batch-invoices/{batch_id}", None),
    ]


def _call(api, method, path, body):
    if method == "get":
        return api.get(path)
    if method == "delete":
        return api.delete(path)
    return getattr(api, method)(path, body)


def test_an_employee_is_refused_everywhere_even_for_unknown_ids(api, owner, employee, billed):
    invoice = issued(owner, billed)
    batch = services.batch_create(actor=owner, client=billed, invoices=[invoice])
    crew = api(employee)
    for method, path, body in _every_route(invoice.pk, batch.pk, billed.pk):
        assert error(_call(crew, method, path, body), 403)["detail"], path
    # 403 before any lookup: an id that does not exist is no different.
    for method, path, body in _every_route(999999, 999999, billed.pk):
        error(_call(crew, method, path, body), 403)
    assert Invoice.objects.count() == 1 and Invoice.objects.get().status == InvoiceStatus.OPEN


def test_a_customer_token_and_no_token_are_a_401(api, client, owner, customer, billed):
    invoice = issued(owner, billed)
    customer.role = Role.OFFICE  # a token issued while they were staff
    customer.save(update_fields=["role"])
    token = api_token_create(membership=customer).raw
    customer.role = Role.CUSTOMER
    customer.save(update_fields=["role"])
    for caller in (Api(client, token), api()):
        for method, path, body in _every_route(invoice.pk, 1, billed.pk):
            error(_call(caller, method, path, body), 401)


def test_the_owner_and_the_office_both_bill(api, owner, office, billed):
    for member in (owner, office):
        body = ok(
            api(member).post(
                "/invoices",
                {"client": billed.pk, "lines": [{"description": "x", "unit_price": "1"}]},
            ),
            201,
        )
        assert body["total"] == "1.00"


# --- read, change, issue, void, write off, delete ------------------------------------------------


def test_detail(office_api, owner, billed):
    invoice = issued(owner, billed, "19.99", "0.01")
    body = ok(office_api.get(f"/invoices/{invoice.pk}"))
    assert body["id"] == invoice.pk and body["number"] == invoice.number
    assert body["total"] == body["balance"] == "20.00"
    assert [line["amount"] for line in body["lines"]] == ["19.99", "0.01"]
    assert body["due_date"] == invoice.due_date.isoformat()


def test_patch_changes_only_what_is_sent(office_api, owner, billed):
    invoice = services.invoice_create(
        actor=owner,
        client=billed,
        lines=[HandLine("Mow", "40.00"), HandLine("Edge", "20.00")],
        customer_message="Keep",
    )
    edge = invoice.lines.get(description="Edge")
    body = ok(
        office_api.patch(
            f"/invoices/{invoice.pk}",
            {
                "add_lines": [{"description": "Hedge", "unit_price": "30"}],
                "remove_lines": [edge.pk],
            },
        )
    )
    assert [line["description"] for line in body["lines"]] == ["Mow", "Hedge"]
    assert body["total"] == "70.00" and body["customer_message"] == "Keep"

    body = ok(office_api.patch(f"/invoices/{invoice.pk}", {"discount": "7"}))
    assert (body["discount"], body["total"], body["discount_percent"]) == ("7.00", "63.00", None)
    body = ok(office_api.patch(f"/invoices/{invoice.pk}", {"discount_percent": "50"}))
    assert (body["discount"], body["total"]) == ("35.00", "35.00")
    body = ok(office_api.patch(f"/invoices/{invoice.pk}", {"discount_percent": None}))
    assert (body["discount"], body["total"], body["discount_percent"]) == ("0.00", "70.00", None)
    body = ok(office_api.patch(f"/invoices/{invoice.pk}", {"customer_message": None}))
    assert body["customer_message"] == ""
    assert body["status"] == "draft" and body["number"] is None


def test_patch_refuses_a_line_of_another_invoice(office_api, owner, billed):
    mine, other = draft(owner, billed), draft(owner, billed)
    their_line = other.lines.get()
    invalid(
        office_api.patch(f"/invoices/{mine.pk}", {"remove_lines": [their_line.pk]}), "remove_lines"
    )
    invalid(office_api.patch(f"/invoices/{mine.pk}", {"remove_lines": [999999]}), "remove_lines")
    assert other.lines.exists() and mine.lines.exists()


def test_patch_removing_every_line_is_a_422(office_api, owner, billed):
    invoice = draft(owner, billed)
    line = invoice.lines.get()
    invalid(office_api.patch(f"/invoices/{invoice.pk}", {"remove_lines": [line.pk]}), "lines")
    assert invoice.lines.exists()


def test_an_issued_invoice_is_edited_until_something_is_paid(office_api, owner, billed):
    invoice = issued(owner, billed, "100.00")
    body = ok(office_api.patch(f"/invoices/{invoice.pk}", {"discount": "10"}))
    assert (body["total"], body["balance"], body["status"]) == ("90.00", "90.00", "open")
    paid(invoice, "40.00")
    response = office_api.patch(f"/invoices/{invoice.pk}", {"discount": "20"})
    assert "void it" in error(response, 409)["detail"]
    assert Invoice.objects.get(pk=invoice.pk).discount == D("10.00")


def test_issue_numbers_a_draft_and_a_second_issue_is_a_409(office_api, owner, billed):
    first, second = draft(owner, billed), draft(owner, billed)
    prefix = owner.company.invoice_prefix
    assert ok(office_api.post(f"/invoices/{second.pk}/issue"))["number"] == f"{prefix}0001"
    body = ok(office_api.post(f"/invoices/{first.pk}/issue"))
    assert (body["number"], body["status"], body["balance"]) == (f"{prefix}0002", "open", "100.00")
    assert "Only a draft" in error(office_api.post(f"/invoices/{first.pk}/issue"), 409)["detail"]
    assert Invoice.objects.get(pk=first.pk).number == f"{prefix}0002"


def test_void_keeps_the_number_and_a_second_void_is_a_409(office_api, owner, billed, finished_job):
    job = finished_job()
    invoice = services.invoice_create(actor=owner, client=billed, jobs=[job], issue=True)
    body = ok(office_api.post(f"/invoices/{invoice.pk}/void", {"reason": "Wrong price"}))
    assert (body["status"], body["number"], body["void_reason"]) == (
        "void",
        invoice.number,
        "Wrong price",
    )
    assert body["balance"] == "0.00" and body["voided_at"]
    error(office_api.post(f"/invoices/{invoice.pk}/void", {"reason": "again"}), 409)
    # its job is free to be invoiced again
    ok(office_api.post("/invoices", {"client": billed.pk, "jobs": [job.pk]}), 201)


def test_void_of_a_draft_is_a_409_and_a_long_reason_a_422(office_api, owner, billed):
    invoice = draft(owner, billed)
    error(office_api.post(f"/invoices/{invoice.pk}/void", {}), 409)
    invalid(office_api.post(f"/invoices/{invoice.pk}/void", {"reason": "x" * 301}), "reason")
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.DRAFT


def test_a_void_blocked_by_a_processing_payment_is_a_409(office_api, owner, billed, monkeypatch):
    invoice = issued(owner, billed)
    monkeypatch.setattr(
        services, "VOID_BLOCKERS", [lambda *, invoice: "A payment on it is still processing."]
    )
    response = office_api.post(f"/invoices/{invoice.pk}/void", {"reason": "x"})
    assert error(response, 409)["detail"] == "A payment on it is still processing."
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.OPEN


def test_write_off_and_what_cannot_be_written_off(office_api, owner, billed):
    invoice = issued(owner, billed, "100.00")
    paid(invoice, "30.00")
    body = ok(office_api.post(f"/invoices/{invoice.pk}/write-off"))
    assert (body["status"], body["written_off"], body["balance"], body["amount_paid"]) == (
        "bad_debt",
        "70.00",
        "0.00",
        "30.00",
    )
    error(office_api.post(f"/invoices/{invoice.pk}/write-off"), 409)
    error(office_api.post(f"/invoices/{draft(owner, billed).pk}/write-off"), 409)


def test_delete_a_draft_but_not_an_issued_invoice(office_api, owner, billed, finished_job):
    job = finished_job()
    invoice = services.invoice_create(actor=owner, client=billed, jobs=[job])
    response = office_api.delete(f"/invoices/{invoice.pk}")
    assert response.status_code == 204 and not Invoice.objects.filter(pk=invoice.pk).exists()
    error(office_api.get(f"/invoices/{invoice.pk}"), 404)
    numbered = issued(owner, billed)
    assert "void" in error(office_api.delete(f"/invoices/{numbered.pk}"), 409)["detail"]
    assert Invoice.objects.filter(pk=numbered.pk).exists()


# --- the list --------------------------------------------------------------------------------


def _ids(office_api, **params) -> list[int]:
    return [item["id"] for item in ok(office_api.get("/invoices", params))["items"]]


def test_list_filters_and_order(office_api, owner, billed, prop, make_client):
    other = make_client(first_name="Quincy", last_name="Quill", email="q@example.com")
    other_prop = make_property(owner, other, name="Quill Barn")
    today = company_today(owner)
    old = issued(owner, billed, "10.00")
    Invoice.objects.filter(pk=old.pk).update(
        issue_date=today - datetime.timedelta(days=40), due_date=today - datetime.timedelta(days=10)
    )
    part = issued(owner, billed, "50.00")
    paid(part, "20.00")
    done = issued(owner, other, "30.00")
    paid(done, "30.00")
    voided = services.invoice_void(actor=owner, invoice=issued(owner, other), reason="x")
    deposit = services.invoice_create(
        actor=owner, client=other, kind="deposit", lines=[HandLine("Deposit", "5")]
    )
    at_barn = services.invoice_create(actor=owner, client=other, lines=[HandLine("Barn", "5")])
    Invoice.objects.filter(pk=at_barn.pk).update(property=other_prop)
    first_draft = draft(owner, billed)

    # drafts first (newest first), then the newest issued
    assert _ids(office_api) == [
        first_draft.pk,
        at_barn.pk,
        deposit.pk,
        voided.pk,
        done.pk,
        part.pk,
        old.pk,
    ]
    assert _ids(office_api, status="draft") == [first_draft.pk, at_barn.pk, deposit.pk]
    assert _ids(office_api, status="unpaid") == [part.pk, old.pk]
    assert _ids(office_api, status="partially_paid") == [part.pk]
    assert _ids(office_api, status="paid") == [done.pk]
    assert _ids(office_api, status="void") == [voided.pk]
    assert _ids(office_api, overdue=True) == [old.pk]
    assert _ids(office_api, client=other.pk, status="draft") == [at_barn.pk, deposit.pk]
    assert _ids(office_api, property=other_prop.pk) == [at_barn.pk]
    assert _ids(office_api, date_from=today.isoformat()) == [voided.pk, done.pk, part.pk]
    assert _ids(office_api, date_to=(today - datetime.timedelta(days=1)).isoformat()) == [old.pk]
    assert _ids(office_api, page_size=2, page=2) == [deposit.pk, voided.pk]
    body = ok(office_api.get("/invoices", {"page_size": 2}))
    assert (body["count"], body["count_exact"]) == (7, True)
    assert "lines" not in body["items"][0]


def test_list_search_by_number_digits_and_client(office_api, owner, billed, make_client):
    other = make_client(first_name="Quincy", last_name="Quill", email="q@example.com")
    first = issued(owner, billed)
    second = issued(owner, other)
    draft(owner, other)
    assert _ids(office_api, search=second.number) == [second.pk]
    assert _ids(office_api, search=second.number.lower()) == [second.pk]
    assert _ids(office_api, search="1") == [first.pk]
    assert _ids(office_api, search=f"  {first.number} ") == [first.pk]
    found = _ids(office_api, search="Quill")
    assert second.pk in found and first.pk not in found and len(found) == 2
    assert _ids(office_api, search="Dawson") == [first.pk]
    assert _ids(office_api, search="Nobody-at-all-xyz") == []


@pytest.mark.parametrize(
    "params",
    [
        {"status": "lost"},
        {"client": "x"},
        {"client": 0},
        {"date_from": "nope"},
        {"date_to": "0001-01-01"},
        {"page": 0},
        {"page_size": 201},
        {"overdue": "maybe"},
        {"search": "x" * 201},
        {"search": "a\x00"},
    ],
)
def test_bad_filters_are_a_422(office_api, params):
    invalid(office_api.get("/invoices", params))


def test_the_list_has_no_n_plus_one(
    office_api, owner, billed, make_client, django_assert_max_num_queries
):
    for n in range(25):
        buyer = make_client(first_name=f"Buyer{n}", email=f"b{n}@example.com") if n % 5 else billed
        invoice = issued(owner, buyer, "10.00", "5.00")
        if n % 3 == 0:
            paid(invoice, "1.00")
    with django_assert_max_num_queries(6):
        body = ok(office_api.get("/invoices", {"page_size": 100}))
    assert len(body["items"]) == 25
    assert all(item["total"] == "15.00" for item in body["items"])


# --- batch invoices ------------------------------------------------------------------------------


def test_a_batch_of_a_clients_open_invoices(office_api, owner, billed):
    first, second = issued(owner, billed, "100.00"), issued(owner, billed, "50.25")
    paid(second, "20.25")
    body = ok(
        office_api.post(
            "/batch-invoices", {"client": billed.pk, "invoices": [second.pk, first.pk]}
        ),
        201,
    )
    assert body["number"] == "B-0001" and body["client"] == billed.pk
    assert (body["total"], body["balance"]) == ("150.25", "130.00")
    assert sorted(body["invoices"]) == sorted([first.pk, second.pk])

    # the batch's balance is always its invoices': paid through an invoice, voided out of it
    paid(first, "60.00")
    body = ok(office_api.get(f"/batch-invoices/{body['id']}"))
    assert body["balance"] == "70.00"
    services.invoice_void(actor=owner, invoice=second, reason="x")
    body = ok(office_api.get(f"/batch-invoices/{body['id']}"))
    assert (body["invoices"], body["total"], body["balance"]) == ([first.pk], "100.00", "40.00")


@pytest.mark.parametrize("case", ["draft", "paid", "other_client", "in_a_batch", "none", "unknown"])
def test_a_batch_refuses_what_cannot_be_in_it(office_api, owner, billed, make_client, case):
    other = make_client(first_name="Quincy", email="q@example.com")
    invoice = {
        "draft": lambda: draft(owner, billed),
        "paid": lambda: paid(issued(owner, billed, "5.00"), "5.00"),
        "other_client": lambda: issued(owner, other),
        "in_a_batch": lambda: services.batch_create(
            actor=owner, client=billed, invoices=[issued(owner, billed)]
        ).invoices.get(),
        "none": lambda: None,
        "unknown": lambda: None,
    }[case]()
    ids = {"none": [], "unknown": [999999]}[case] if invoice is None else [invoice.pk]
    before = BatchItem.objects.count()
    invalid(office_api.post("/batch-invoices", {"client": billed.pk, "invoices": ids}), "invoices")
    assert BatchItem.objects.count() == before


def test_batch_bad_bodies_are_a_422(office_api, billed):
    invalid(office_api.post("/batch-invoices", {"client": billed.pk}), "invoices")
    invalid(office_api.post("/batch-invoices", {"invoices": [1]}), "client")
    invalid(
        office_api.post("/batch-invoices", {"client": billed.pk, "invoices": ["x"]}), "invoices.0"
    )
    invalid(
        office_api.post("/batch-invoices", {"client": billed.pk, "invoices": [1] * 1001}),
        "invoices",
    )


def test_batch_list_filters_and_search(office_api, owner, billed, make_client):
    other = make_client(first_name="Quincy", last_name="Quill", email="q@example.com")
    mine = services.batch_create(actor=owner, client=billed, invoices=[issued(owner, billed)])
    theirs = services.batch_create(actor=owner, client=other, invoices=[issued(owner, other)])

    def ids(**params):
        return [b["id"] for b in ok(office_api.get("/batch-invoices", params))["items"]]

    assert ids() == [theirs.pk, mine.pk]
    assert ids(client=billed.pk) == [mine.pk]
    assert ids(search=theirs.number.lower()) == [theirs.pk]
    assert ids(search="Quill") == [theirs.pk]
    assert ids(page_size=1, page=2) == [mine.pk]
    invalid(office_api.get("/batch-invoices", {"client": "x"}), "client")


def test_the_batch_list_has_no_n_plus_one(office_api, owner, billed, django_assert_max_num_queries):
    for _n in range(12):
        invoices = [issued(owner, billed, "10.00") for _ in range(3)]
        services.batch_create(actor=owner, client=billed, invoices=invoices)
    with django_assert_max_num_queries(7):
        body = ok(office_api.get("/batch-invoices", {"page_size": 100}))
    assert len(body["items"]) == 12
    assert all(len(b["invoices"]) == 3 and b["total"] == "30.00" for b in body["items"])
