"""The payments API (DESIGN §6): the office records a payment (completed at once, allocated to
invoices, the rest credit), approves or rejects a customer's report, refunds, applies credit
and reverses a bounced check; the list with its filters (`status=to_approval` is the approval
queue) and a payment with its allocations, refunds and credit. Money is a decimal string;
422 for bad input (an allocation above a balance, allocations above the amount, another
company's ids in the body), 404 for another company's payment in the path, 409 for what the
payment's status forbids, 403 for employees."""

import datetime
from decimal import Decimal as D

import pytest

from crewdesk.clients.services import ClientInput, client_create
from crewdesk.core.dates import company_zone
from crewdesk.notifications.models import Message
from crewdesk.payments import selectors, services
from crewdesk.payments.models import Payment, PaymentAllocation, PaymentStatus
from tests.billing.test_api import API, error, invalid, ok
from tests.factories import company_today
from tests.payments.conftest import refreshed

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(api_client, office):
    """The office's API client."""
    return api_client(office)


def _check(client, invoice=None, amount="50.00", **extra) -> dict:
    body = {"client": client.pk, "method": "check", "amount": amount, "reference": "1042"}
    if invoice is not None:
        body["allocations"] = [{"invoice": invoice.pk, "amount": amount}]
    return {**body, **extra}


def _report(customer, invoice, amount="100.00", reference="ZL-1") -> Payment:
    return services.payment_report(
        actor=customer, method="zelle", amount=amount, reference=reference, invoice=invoice.pk
    )


# --- record ----------------------------------------------------------------------------------


def test_recording_a_check_answers_the_design_shape(desk, office, billed, invoice_of):
    invoice = invoice_of("120.00")
    response = desk.post(f"{API}/payments", _check(billed, invoice))

    body = ok(response, 201)
    assert {k: body[k] for k in ("status", "amount", "fee_amount", "method", "reference")} == {
        "status": "completed",
        "amount": "50.00",
        "fee_amount": "0.00",
        "method": "check",
        "reference": "1042",
    }
    assert body["client"] == billed.pk and body["credit"] == "0.00" and body["reported"] is False
    ((allocation),) = body["allocations"]
    assert (allocation["invoice"], allocation["amount"], allocation["reversed_at"]) == (
        invoice.pk,
        "50.00",
        None,
    )
    assert body["refunds"] == []
    payment = Payment.objects.get(pk=body["id"])
    assert payment.status == PaymentStatus.COMPLETED and payment.created_by == office.user
    assert refreshed(invoice).balance == D("70.00")


def test_what_is_not_allocated_is_credit_and_a_day_is_midday(desk, owner, billed, invoice_of):
    invoice = invoice_of("30.00")
    yesterday = company_today(owner) - datetime.timedelta(days=1)
    body = ok(
        desk.post(
            f"{API}/payments",
            {
                "client": billed.pk,
                "method": "cash",
                "amount": "100",
                "received_at": yesterday.isoformat(),
                "allocations": [{"invoice": invoice.pk, "amount": "30.00"}],
            },
        ),
        201,
    )
    assert (body["amount"], body["credit"], body["reference"]) == ("100.00", "70.00", "")
    received = datetime.datetime.fromisoformat(body["received_at"])
    local = received.astimezone(company_zone(owner.company))
    assert (local.date(), local.hour) == (yesterday, 12)
    assert selectors.client_credit(viewer=owner, client=billed) == D("70.00")


def test_a_batch_is_paid_all_oldest_due_first(desk, owner, billed, invoice_of):
    from crewdesk.billing import services as billing

    first, second = invoice_of("40.00"), invoice_of("60.00")
    batch = billing.batch_create(actor=owner, client=billed, invoices=[first, second])
    body = ok(
        desk.post(
            f"{API}/payments",
            {"client": billed.pk, "method": "bank_transfer", "amount": "100.00", "batch": batch.pk},
        ),
        201,
    )
    assert sorted((a["invoice"], a["amount"]) for a in body["allocations"]) == [
        (first.pk, "40.00"),
        (second.pk, "60.00"),
    ]
    assert body["batch"] == batch.pk and body["credit"] == "0.00"


def test_an_allocation_above_a_balance_is_a_422(desk, billed, invoice_of):
    invoice = invoice_of("40.00")
    response = desk.post(f"{API}/payments", _check(billed, invoice, amount="50.00"))
    assert "more than the balance" in invalid(response, "allocations")["allocations"][0]
    assert not Payment.objects.exists()
    assert refreshed(invoice).balance == D("40.00")


def test_allocations_above_the_amount_are_a_422(desk, billed, invoice_of):
    first, second = invoice_of("40.00"), invoice_of("40.00")
    body = {
        **_check(billed, amount="50.00"),
        "allocations": [
            {"invoice": first.pk, "amount": "30.00"},
            {"invoice": second.pk, "amount": "30.00"},
        ],
    }
    errors = invalid(desk.post(f"{API}/payments", body), "allocations")
    assert errors["allocations"] == [str(services.ALLOCATIONS_ABOVE_AMOUNT)]
    assert not Payment.objects.exists()


@pytest.fixture
def elsewhere(outsider):
    """Company B's client, with an invoice and a payment."""
    from crewdesk.billing import services as billing
    from crewdesk.billing.services import LineInput

    theirs = client_create(
        actor=outsider, data=ClientInput(fields={"first_name": "Bea", "email": "bea@b.test"})
    )
    invoice = billing.invoice_create(
        actor=outsider, client=theirs, lines=[LineInput("x", "80.00")], issue=True
    )
    payment = services.payment_record(
        actor=outsider, client=theirs, method="check", amount="90.00", reference="B-1"
    )
    return {"client": theirs, "invoice": invoice, "payment": payment}


def test_another_companys_client_or_invoice_in_the_body_is_a_422(
    desk, owner, billed, invoice_of, elsewhere
):
    theirs = elsewhere["invoice"]
    cases = [
        (_check(elsewhere["client"]), "client"),
        (_check(billed, theirs), "allocations"),
        (_check(elsewhere["client"], theirs), "client"),
    ]
    for body, field in cases:
        assert "No such record" in invalid(desk.post(f"{API}/payments", body), field)[field][0]
    payment = services.payment_record(actor=owner, client=billed, method="cash", amount="50.00")
    for path, body in (
        (f"/payments/{payment.pk}/apply", {"allocations": [{"invoice": theirs.pk, "amount": "1"}]}),
        (f"/payments/{payment.pk}/refund", {"amount": "1.00", "invoices": [theirs.pk]}),
    ):
        assert "No such record" in str(invalid(desk.post(f"{API}{path}", body)))
    assert Payment.objects.filter(company=billed.company).count() == 1
    assert refreshed(theirs).balance == D("80.00")


def test_another_clients_invoice_is_a_422(desk, owner, billed, invoice_of, make_client):
    other = make_client(first_name="Quincy", email="q@example.com")
    theirs = invoice_of("50.00", client=other)
    response = desk.post(f"{API}/payments", _check(billed, theirs))
    assert "another client's" in invalid(response, "allocations")["allocations"][0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"method": "barter"}, "method"),
        ({"method": None}, "method"),
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "1e30"}, "amount"),
        ({"amount": "0.001"}, "amount"),  # rounds to nothing
        ({"client": "x"}, "client"),
        ({"client": 0}, "client"),
        ({"reference": "x" * 101}, "reference"),
        ({"reference": "a\x00b"}, "reference"),
        ({"received_at": "yesterday-ish"}, "received_at"),
        ({"received_at": "2999-01-01"}, "received_at"),  # never in the future
        ({"allocations": [{"invoice": 0, "amount": "1"}]}, "allocations.0.invoice"),
        ({"allocations": [{"invoice": 1}]}, "allocations.0.amount"),
        ({"allocations": "all"}, "allocations"),
        ({"batch": 999999}, "batch"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(desk, billed, change, field):
    errors = invalid(desk.post(f"{API}/payments", {**_check(billed), **change}), field)
    assert errors[field], errors
    assert not Payment.objects.exists()


def test_the_same_invoice_twice_is_a_422(desk, billed, invoice_of):
    invoice = invoice_of("100.00")
    body = {
        **_check(billed, amount="20.00"),
        "allocations": [{"invoice": invoice.pk, "amount": "10"}] * 2,
    }
    invalid(desk.post(f"{API}/payments", body), "allocations")


def test_a_paid_or_void_invoice_takes_nothing_422(desk, owner, billed, invoice_of):
    from crewdesk.billing import services as billing

    voided = billing.invoice_void(actor=owner, invoice=invoice_of("10.00"), reason="x")
    response = desk.post(f"{API}/payments", _check(billed, voided, amount="10.00"))
    assert "nothing to pay" in invalid(response, "allocations")["allocations"][0]


# --- read --------------------------------------------------------------------------------------


def test_detail_has_allocations_refunds_fee_and_credit(desk, owner, billed, invoice_of):
    first, second = invoice_of("30.00"), invoice_of("40.00")
    payment = services.payment_record(
        actor=owner,
        client=billed,
        method="check",
        amount="100.00",
        allocations=[{"invoice": first.pk, "amount": "30"}, {"invoice": second.pk, "amount": "40"}],
    )
    Payment.objects.filter(pk=payment.pk).update(fee_amount=D("2.50"))
    services.payment_refund(actor=owner, payment=payment, amount="40.00", reason="Overpaid")

    body = ok(desk.get(f"{API}/payments/{payment.pk}"))

    # 30.00 of credit went first, then 10.00 back from the newest invoice.
    assert (body["amount"], body["fee_amount"], body["refunded_amount"]) == (
        "100.00",
        "2.50",
        "40.00",
    )
    assert body["fee_refunded"] == "1.00" and body["credit"] == "0.00"
    assert [(a["invoice"], a["amount"], bool(a["reversed_at"])) for a in body["allocations"]] == [
        (first.pk, "30.00", False),
        (second.pk, "40.00", True),
        (second.pk, "30.00", False),
    ]
    assert [(r["amount"], r["fee_amount"], r["reason"]) for r in body["refunds"]] == [
        ("40.00", "1.00", "Overpaid")
    ]


def test_another_companys_and_unknown_payments_are_a_404(desk, elsewhere):
    theirs = elsewhere["payment"].pk
    for response in (
        desk.get(f"{API}/payments/{theirs}"),
        desk.post(f"{API}/payments/{theirs}/refund", {"amount": "1.00"}),
        desk.post(f"{API}/payments/{theirs}/reverse", {"reason": "Hacked"}),
        desk.post(f"{API}/payments/{theirs}/apply", {"allocations": []}),
        desk.get(f"{API}/payments/999999"),
        desk.get(f"{API}/payments/{2**63}"),
    ):
        assert error(response, 404)["detail"] == "Not found."
    error(desk.get(f"{API}/payments/abc"), 422)
    payment = refreshed(elsewhere["payment"])
    assert (payment.status, payment.refunded_amount) == (PaymentStatus.COMPLETED, D("0.00"))


def _ids(desk, **params) -> list[int]:
    return [item["id"] for item in ok(desk.get(f"{API}/payments", **params))["items"]]


def test_list_filters_search_and_order(desk, owner, customer, billed, invoice_of, make_client):
    other = make_client(first_name="Quincy", last_name="Quill", email="q@example.com")
    today = company_today(owner)
    old = services.payment_record(
        actor=owner,
        client=billed,
        method="check",
        amount="10.00",
        reference="CHK-1042",
        received_at=today - datetime.timedelta(days=10),
    )
    cash = services.payment_record(actor=owner, client=other, method="cash", amount="20.00")
    bounced = services.payment_record(
        actor=owner, client=other, method="check", amount="30.00", reference="CHK-77"
    )
    services.payment_reverse(actor=owner, payment=bounced)
    report = _report(customer, invoice_of("40.00"))

    assert _ids(desk) == [report.pk, bounced.pk, cash.pk, old.pk]
    assert _ids(desk, status="to_approval") == [report.pk]  # the approval queue
    assert _ids(desk, status="failed") == [bounced.pk]
    assert _ids(desk, status="problems") == [bounced.pk]
    assert _ids(desk, method="check") == [bounced.pk, old.pk]
    assert _ids(desk, client=other.pk) == [bounced.pk, cash.pk]
    assert _ids(desk, client=other.pk, method="cash") == [cash.pk]
    assert _ids(desk, date_to=(today - datetime.timedelta(days=1)).isoformat()) == [old.pk]
    assert _ids(desk, date_from=today.isoformat()) == [report.pk, bounced.pk, cash.pk]
    assert _ids(desk, search="CHK-1042") == [old.pk]
    assert _ids(desk, search=" chk-1042 ") == [old.pk]
    assert _ids(desk, search="Quill") == [bounced.pk, cash.pk]
    assert _ids(desk, search="Nobody-at-all-xyz") == []
    assert _ids(desk, page_size=2, page=2) == [cash.pk, old.pk]
    body = ok(desk.get(f"{API}/payments", page_size=1))
    assert (body["count"], body["count_exact"]) == (4, True)
    item = body["items"][0]
    assert "allocations" not in item and item["reported"] is True and item["invoice"]


def test_the_lists_credit_is_the_payments_credit(desk, owner, billed, invoice_of):
    invoice = invoice_of("25.00")
    payments = [
        services.payment_record(
            actor=owner,
            client=billed,
            method="cash",
            amount="60.00",
            allocations=[{"invoice": invoice.pk, "amount": "25.00"}],
        ),
        services.payment_record(actor=owner, client=billed, method="cash", amount="15.00"),
    ]
    services.payment_refund(actor=owner, payment=payments[1], amount="5.00")
    listed = {item["id"]: item["credit"] for item in ok(desk.get(f"{API}/payments"))["items"]}
    for payment in payments:
        expected = selectors.payment_credit(viewer=owner, payment=payment)
        assert listed[payment.pk] == str(expected)
    assert set(listed.values()) == {"35.00", "10.00"}


@pytest.mark.parametrize(
    "params",
    [
        {"status": "lost"},
        {"method": "barter"},
        {"client": "x"},
        {"client": 0},
        {"date_from": "nope"},
        {"date_to": "0001-01-01"},
        {"page": 0},
        {"page_size": 201},
        {"search": "x" * 201},
        {"search": "a\x00"},
    ],
)
def test_bad_filters_are_a_422(desk, params):
    invalid(desk.get(f"{API}/payments", **params))


def test_the_list_has_no_n_plus_one(
    desk, owner, billed, invoice_of, make_client, django_assert_max_num_queries
):
    for n in range(20):
        buyer = make_client(first_name=f"Buyer{n}", email=f"b{n}@example.com") if n % 4 else billed
        invoice = invoice_of("10.00", client=buyer)
        services.payment_record(
            actor=owner,
            client=buyer,
            method="cash",
            amount="12.00",
            allocations=[{"invoice": invoice.pk, "amount": "10.00"}],
        )
    with django_assert_max_num_queries(8):
        body = ok(desk.get(f"{API}/payments", page_size=50))
    assert len(body["items"]) == 20 and {item["credit"] for item in body["items"]} == {"2.00"}


# --- approve, reject -----------------------------------------------------------------------------


def test_approving_a_report_pays_what_it_was_for_and_emails_the_customer(
    desk, customer, invoice_of
):
    invoice = invoice_of("100.00")
    report = _report(customer, invoice, amount="60.00")
    body = ok(desk.post(f"{API}/payments/{report.pk}/approve", {}))
    assert (body["status"], body["reviewed_at"] is not None) == ("completed", True)
    assert [(a["invoice"], a["amount"]) for a in body["allocations"]] == [(invoice.pk, "60.00")]
    assert refreshed(invoice).balance == D("40.00")
    assert Message.objects.get(related_id=report.pk).to == customer.user.email
    error(desk.post(f"{API}/payments/{report.pk}/approve", {}), 409)
    assert (
        "waiting for approval"
        in error(desk.post(f"{API}/payments/{report.pk}/reject", {"reason": "late"}), 409)["detail"]
    )


def test_approving_onto_other_invoices(desk, customer, billed, invoice_of):
    reported, other = invoice_of("100.00"), invoice_of("30.00")
    report = _report(customer, reported, amount="50.00")
    body = ok(
        desk.post(
            f"{API}/payments/{report.pk}/approve",
            {"allocations": [{"invoice": other.pk, "amount": "30.00"}]},
        )
    )
    assert [(a["invoice"], a["amount"]) for a in body["allocations"]] == [(other.pk, "30.00")]
    assert body["credit"] == "20.00" and refreshed(reported).balance == D("100.00")


def test_approving_with_too_much_is_a_422_and_leaves_it_waiting(desk, customer, invoice_of):
    invoice = invoice_of("100.00")
    report = _report(customer, invoice, amount="50.00")
    too_much = {"allocations": [{"invoice": invoice.pk, "amount": "60.00"}]}
    invalid(desk.post(f"{API}/payments/{report.pk}/approve", too_much), "allocations")
    assert refreshed(report).status == PaymentStatus.TO_APPROVAL


def test_rejecting_needs_a_reason_and_tells_the_customer(desk, customer, invoice_of):
    invoice = invoice_of("100.00")
    report = _report(customer, invoice)
    errors = invalid(desk.post(f"{API}/payments/{report.pk}/reject", {}), "reason")
    assert errors["reason"] == [str(services.REASON_NEEDED)]
    invalid(desk.post(f"{API}/payments/{report.pk}/reject", {"reason": "x" * 301}), "reason")
    assert refreshed(report).status == PaymentStatus.TO_APPROVAL

    body = ok(desk.post(f"{API}/payments/{report.pk}/reject", {"reason": "No such transfer"}))

    assert (body["status"], body["rejection_reason"], body["allocations"]) == (
        "failed",
        "No such transfer",
        [],
    )
    assert "No such transfer" in Message.objects.get(related_id=report.pk).body
    error(desk.post(f"{API}/payments/{report.pk}/reject", {"reason": "again"}), 409)
    error(desk.post(f"{API}/payments/{report.pk}/approve", {}), 409)


def test_an_office_payment_is_not_approved_409(desk, owner, billed):
    payment = services.payment_record(actor=owner, client=billed, method="cash", amount="5.00")
    error(desk.post(f"{API}/payments/{payment.pk}/approve", {}), 409)
    error(desk.post(f"{API}/payments/{payment.pk}/reject", {"reason": "x"}), 409)


# --- refund, apply, reverse -----------------------------------------------------------------


def test_refund_uses_credit_first_then_the_newest_invoice(desk, owner, billed, invoice_of):
    first, second = invoice_of("30.00"), invoice_of("40.00")
    payment = services.payment_record(
        actor=owner,
        client=billed,
        method="check",
        amount="80.00",
        allocations=[{"invoice": first.pk, "amount": "30"}, {"invoice": second.pk, "amount": "40"}],
    )
    body = ok(desk.post(f"{API}/payments/{payment.pk}/refund", {"amount": "25.00"}))
    assert (body["status"], body["refunded_amount"], body["credit"]) == (
        "completed",
        "25.00",
        "0.00",
    )
    assert refreshed(second).balance == D("15.00") and refreshed(first).balance == D("0.00")

    # The office names the invoice to take it back from.
    body = ok(
        desk.post(
            f"{API}/payments/{payment.pk}/refund",
            {"amount": "10.00", "invoices": [first.pk], "reason": "Broken vase"},
        )
    )
    assert refreshed(first).balance == D("10.00") and refreshed(second).balance == D("15.00")
    assert body["refunds"][-1]["reason"] == "Broken vase"

    # The rest: refunded in full.
    body = ok(desk.post(f"{API}/payments/{payment.pk}/refund", {"amount": "45.00"}))
    assert body["status"] == "refunded" and body["refunded_amount"] == "80.00"
    error(desk.post(f"{API}/payments/{payment.pk}/refund", {"amount": "1.00"}), 409)


def test_refund_errors(desk, owner, customer, billed, invoice_of):
    payment = services.payment_record(actor=owner, client=billed, method="cash", amount="20.00")
    path = f"{API}/payments/{payment.pk}/refund"
    invalid(desk.post(path, {"amount": "20.01"}), "amount")
    invalid(desk.post(path, {"amount": "0"}), "amount")
    invalid(desk.post(path, {}), "amount")
    invalid(desk.post(path, {"amount": "1", "reason": "x" * 301}), "reason")
    invalid(desk.post(path, {"amount": "1", "invoices": [999999]}), "invoices")
    assert refreshed(payment).refunded_amount == D("0.00")
    report = _report(customer, invoice_of("10.00"))
    error(desk.post(f"{API}/payments/{report.pk}/refund", {"amount": "1.00"}), 409)


def test_apply_puts_credit_on_invoices(desk, owner, billed, invoice_of):
    payment = services.payment_record(actor=owner, client=billed, method="cash", amount="50.00")
    first, second = invoice_of("30.00"), invoice_of("30.00")
    path = f"{API}/payments/{payment.pk}/apply"

    body = ok(
        desk.post(
            path,
            {
                "allocations": [
                    {"invoice": first.pk, "amount": "30.00"},
                    {"invoice": second.pk, "amount": "20.00"},
                ]
            },
        )
    )

    assert body["credit"] == "0.00" and len(body["allocations"]) == 2
    assert refreshed(first).status == "paid" and refreshed(second).balance == D("10.00")
    more = {"allocations": [{"invoice": second.pk, "amount": "1.00"}]}
    assert (
        "more than the payment" in invalid(desk.post(path, more), "allocations")["allocations"][0]
    )
    invalid(desk.post(path, {"allocations": []}), "allocations")
    invalid(desk.post(path, {}), "allocations")


def test_apply_above_a_balance_is_a_422_and_not_completed_a_409(
    desk, owner, customer, billed, invoice_of
):
    payment = services.payment_record(actor=owner, client=billed, method="cash", amount="50.00")
    invoice = invoice_of("10.00")
    above = {"allocations": [{"invoice": invoice.pk, "amount": "10.01"}]}
    invalid(desk.post(f"{API}/payments/{payment.pk}/apply", above), "allocations")
    report = _report(customer, invoice)
    fine = {"allocations": [{"invoice": invoice.pk, "amount": "1.00"}]}
    error(desk.post(f"{API}/payments/{report.pk}/apply", fine), 409)
    assert not PaymentAllocation.objects.exists()


def test_reverse_a_bounced_check(desk, owner, billed, invoice_of):
    invoice = invoice_of("50.00")
    payment = services.payment_record(
        actor=owner,
        client=billed,
        method="check",
        amount="50.00",
        reference="1042",
        allocations=[{"invoice": invoice.pk, "amount": "50.00"}],
    )
    assert refreshed(invoice).status == "paid"

    body = ok(desk.post(f"{API}/payments/{payment.pk}/reverse", {"reason": "NSF"}))

    assert (body["status"], body["failure_reason"], body["credit"]) == ("failed", "NSF", "0.00")
    assert all(a["reversed_at"] for a in body["allocations"])
    assert refreshed(invoice).status == "open" and invoice.balance == D("50.00")
    assert billed.notices.filter(text__contains="NSF").exists()
    error(desk.post(f"{API}/payments/{payment.pk}/reverse", {}), 409)
    invalid(desk.post(f"{API}/payments/{payment.pk}/reverse", {"reason": "x" * 301}), "reason")


def test_reverse_without_a_reason_says_bounced(desk, owner, billed):
    payment = services.payment_record(actor=owner, client=billed, method="check", amount="9.00")
    assert ok(desk.post(f"{API}/payments/{payment.pk}/reverse", {}))["failure_reason"] == "bounced"


def test_an_online_payment_is_not_reversed_here_409(desk, owner, billed):
    payment = services.payment_record(actor=owner, client=billed, method="card", amount="9.00")
    Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent="pi_123")
    error(desk.post(f"{API}/payments/{payment.pk}/reverse", {}), 409)
    assert refreshed(payment).status == PaymentStatus.COMPLETED


# --- who may -----------------------------------------------------------------------------------


def _every_route(payment_id: int, client_id: int, invoice_id: int) -> list[tuple[str, str, dict]]:
    allocations = [{"invoice": invoice_id, "amount": "1.00"}]
    return [
        ("get", "/payments", None),
        ("post", "/payments", {"client": client_id, "method": "cash", "amount": "1.00"}),
        ("get", f"/payments/{payment_id}", None),
        ("post", f"/payments/{payment_id}/approve", {}),
        ("post", f"/payments/{payment_id}/reject", {"reason": "x"}),
        ("post", f"/payments/{payment_id}/refund", {"amount": "1.00"}),
        ("post", f"/payments/{payment_id}/apply", {"allocations": allocations}),
        ("post", f"/payments/{payment_id}/reverse", {}),
    ]


def _call(caller, method, path, body):
    return caller.get(f"{API}{path}") if method == "get" else caller.post(f"{API}{path}", body)


def test_an_employee_is_refused_everywhere_even_for_unknown_ids(
    api_client, owner, employee, billed, invoice_of
):
    invoice = invoice_of("10.00")
    payment = services.payment_record(actor=owner, client=billed, method="cash", amount="5.00")
    crew = api_client(employee)
    for route in _every_route(payment.pk, billed.pk, invoice.pk) + _every_route(
        999999, 999999, 999999
    ):
        assert error(_call(crew, *route), 403)["detail"], route
    assert Payment.objects.count() == 1 and refreshed(payment).status == PaymentStatus.COMPLETED


def test_a_customer_token_and_no_token_are_a_401(api_client, owner, customer, billed, invoice_of):
    from crewdesk.accounts.services import api_token_create
    from crewdesk.core.roles import Role

    invoice = invoice_of("10.00")
    payment = services.payment_record(actor=owner, client=billed, method="cash", amount="5.00")
    customer.role = Role.OFFICE  # a token issued while they were staff
    customer.save(update_fields=["role"])
    token = api_token_create(membership=customer).raw
    customer.role = Role.CUSTOMER
    customer.save(update_fields=["role"])
    for caller in (api_client(token=token), api_client()):
        for route in _every_route(payment.pk, billed.pk, invoice.pk):
            error(_call(caller, *route), 401)
    assert Payment.objects.count() == 1


def test_the_owner_and_the_office_both_record(api_client, owner, office, billed):
    for member in (owner, office):
        body = ok(api_client(member).post(f"{API}/payments", _check(billed)), 201)
        assert body["status"] == "completed" and body["credit"] == "50.00"
