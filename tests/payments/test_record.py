"""The office records a payment: completed at once, split over invoices, the rest credit;
credit applied later; "pay all" of a batch oldest due first."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crewdesk.billing import services as billing
from crewdesk.billing.models import InvoiceStatus
from crewdesk.core.dates import company_today
from crewdesk.payments import selectors, services
from crewdesk.payments.models import Payment, PaymentAllocation, PaymentStatus
from crewdesk.payments.services import ALLOCATIONS_ABOVE_AMOUNT
from tests.payments.conftest import refreshed

pytestmark = pytest.mark.django_db


def test_a_check_pays_two_invoices_and_the_rest_is_credit(owner, billed, invoice_of):
    first, second = invoice_of("100.00"), invoice_of("80.00")
    payment = services.payment_record(
        actor=owner,
        client=billed,
        method="check",
        amount="200.00",
        reference="1042",
        allocations=[
            {"invoice": first.pk, "amount": "100.00"},
            {"invoice": second.pk, "amount": "30.00"},
        ],
    )
    assert (payment.status, payment.amount, payment.fee_amount) == ("completed", D("200"), 0)
    assert payment.currency == owner.company.currency and str(payment) == "Check 1042"
    refreshed(first, second)
    assert (first.status, first.amount_paid, first.balance) == ("paid", D("100"), 0)
    assert (second.status, second.balance) == (InvoiceStatus.PARTIALLY_PAID, D("50.00"))
    assert selectors.client_credit(viewer=owner, client=billed) == D("70.00")
    assert selectors.client_balance(viewer=owner, client=billed) == D("-20.00")
    assert selectors.payment_credit(viewer=owner, payment=payment) == D("70.00")


def test_an_allocation_above_a_balance_is_refused_and_nothing_is_saved(owner, billed, invoice_of):
    invoice = invoice_of("100.00")
    with pytest.raises(ValidationError, match="more than the balance") as error:
        services.payment_record(
            actor=owner,
            client=billed,
            method="cash",
            amount="150.00",
            allocations=[{"invoice": invoice.pk, "amount": "100.01"}],
        )
    assert "allocations" in error.value.message_dict
    assert not Payment.objects.exists() and not PaymentAllocation.objects.exists()
    assert refreshed(invoice).balance == D("100.00")


def test_allocations_above_the_amount_are_refused(owner, billed, invoice_of):
    first, second = invoice_of("100.00"), invoice_of("100.00")
    with pytest.raises(ValidationError) as error:
        services.payment_record(
            actor=owner,
            client=billed,
            method="cash",
            amount="100.00",
            allocations=[
                {"invoice": first.pk, "amount": "60.00"},
                {"invoice": second.pk, "amount": "40.01"},
            ],
        )
    assert error.value.message_dict == {"allocations": [str(ALLOCATIONS_ABOVE_AMOUNT)]}
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"method": "bitcoin"}, "method"),
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "1e30"}, "amount"),
        ({"received_at": "yesterday"}, "received_at"),
        ({"received_at": "2999-12-31"}, "received_at"),
        ({"allocations": [{"invoice": 999999, "amount": "1"}]}, "allocations"),
        ({"allocations": [{"invoice": "x", "amount": "1"}]}, "allocations"),
    ],
)
def test_bad_input_is_a_field_error(owner, billed, fields, field):
    values = {"client": billed, "method": "check", "amount": "10.00", **fields}
    with pytest.raises(ValidationError) as error:
        services.payment_record(actor=owner, **values)
    assert field in error.value.message_dict


def test_an_invoice_named_twice_or_of_another_client_is_refused(
    owner, billed, invoice_of, make_client
):
    invoice = invoice_of("100.00")
    with pytest.raises(ValidationError, match="once"):
        services.payment_record(
            actor=owner,
            client=billed,
            method="cash",
            amount="20",
            allocations=[{"invoice": invoice.pk, "amount": "10"}] * 2,
        )
    other = make_client(first_name="Olga", last_name="Other")
    with pytest.raises(ValidationError, match="another client"):
        services.payment_record(
            actor=owner,
            client=other,
            method="cash",
            amount="20",
            allocations=[{"invoice": invoice.pk, "amount": "10"}],
        )


def test_a_draft_or_void_invoice_cannot_be_paid(owner, billed, invoice_of):
    draft = invoice_of("50.00", issue=False)
    with pytest.raises(ValidationError, match="nothing to pay"):
        services.payment_record(
            actor=owner,
            client=billed,
            method="cash",
            amount="20",
            allocations=[{"invoice": draft.pk, "amount": "10"}],
        )
    voided = billing.invoice_void(actor=owner, invoice=invoice_of("50.00"))
    with pytest.raises(ValidationError, match="nothing to pay"):
        services.payment_record(
            actor=owner,
            client=billed,
            method="cash",
            amount="20",
            allocations=[{"invoice": voided.pk, "amount": "10"}],
        )


def test_another_companys_client_or_invoice_is_a_field_error(owner, outsider, billed, invoice_of):
    invoice = invoice_of("100.00")
    with pytest.raises(ValidationError) as error:
        services.payment_record(actor=outsider, client=billed.pk, method="cash", amount="5")
    assert "client" in error.value.message_dict
    from tests.conftest import _portal_client

    theirs = _portal_client(outsider, "Zed", "Zulu")
    with pytest.raises(ValidationError) as error:
        services.payment_record(
            actor=outsider,
            client=theirs,
            method="cash",
            amount="5",
            allocations=[{"invoice": invoice.pk, "amount": "5"}],
        )
    assert "allocations" in error.value.message_dict
    assert refreshed(invoice).balance == D("100.00")


def test_only_the_office_records_payments(employee, customer, office, billed):
    for member in (employee, customer):
        with pytest.raises(PermissionDenied):
            services.payment_record(actor=member, client=billed, method="cash", amount="5")
    assert services.payment_record(actor=office, client=billed, method="cash", amount="5")


def test_a_day_received_is_midday_in_the_company_zone(owner, billed):
    day = company_today(owner.company) - datetime.timedelta(days=3)
    payment = services.payment_record(
        actor=owner, client=billed, method="zelle", amount="5", received_at=day.isoformat()
    )
    from crewdesk.core.dates import company_zone

    local = payment.received_at.astimezone(company_zone(owner.company))
    assert (local.date(), local.hour) == (day, 12)


def test_credit_is_applied_later_by_choice(owner, billed, invoice_of):
    payment = services.payment_record(actor=owner, client=billed, method="cash", amount="90")
    first, second = invoice_of("50.00"), invoice_of("70.00")
    services.payment_apply(
        actor=owner,
        payment=payment,
        allocations=[{"invoice": first.pk, "amount": "50"}, {"invoice": second.pk, "amount": "40"}],
    )
    refreshed(first, second)
    assert (first.status, second.balance) == ("paid", D("30.00"))
    assert selectors.client_credit(viewer=owner, client=billed) == 0
    third = invoice_of("10.00")
    with pytest.raises(ValidationError, match="more than the payment has"):
        services.payment_apply(
            actor=owner, payment=payment, allocations=[{"invoice": third.pk, "amount": "1"}]
        )


def test_pay_all_of_a_batch_pays_its_invoices_oldest_due_first(owner, billed, invoice_of):
    newer, older = invoice_of("100.00"), invoice_of("60.00")
    # the second invoice is due first
    type(older).objects.filter(pk=older.pk).update(
        due_date=refreshed(newer).due_date - datetime.timedelta(days=10)
    )
    batch = billing.batch_create(actor=owner, client=billed, invoices=[newer.pk, older.pk])
    payment = services.payment_record(
        actor=owner, client=billed, method="check", amount="100.00", batch=batch.pk
    )
    refreshed(newer, older)
    assert (older.status, older.balance) == ("paid", 0)
    assert (newer.status, newer.balance) == (InvoiceStatus.PARTIALLY_PAID, D("60.00"))
    assert payment.batch_id == batch.pk
    assert [a.invoice_id for a in selectors.payment_allocations(viewer=owner, payment=payment)] == [
        older.pk,
        newer.pk,
    ]
    # paying more than the batch owes leaves the rest as credit
    services.payment_record(
        actor=owner, client=billed, method="check", amount="75.00", batch=batch.pk
    )
    assert refreshed(newer).status == "paid"
    assert selectors.client_credit(viewer=owner, client=billed) == D("15.00")


def test_a_payment_is_completed_at_once_and_in_the_history(owner, billed):
    payment = services.payment_record(actor=owner, client=billed, method="cash", amount="5")
    assert payment.status == PaymentStatus.COMPLETED
    assert payment.history.count() == 1
