"""`crewdesk check_ledger`: each rule found when one row is corrupted with raw SQL (the
services never write such rows, and the database is changed under them)."""

from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from crewdesk.billing import services as billing
from crewdesk.billing.models import BatchInvoice, Invoice
from crewdesk.payments import services
from crewdesk.payments.ledger import Rule, ledger_violations
from crewdesk.payments.models import Payment, PaymentAllocation

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(owner, billed, invoice_of, make_client, corrupted):
    """A partly paid invoice, a paid one in a batch, a payment with credit left, and another
    client: every rule holds until a test breaks one."""
    partly, paid = invoice_of("100.00"), invoice_of("40.00")
    batch = billing.batch_create(actor=owner, client=billed, invoices=[paid.pk])
    payment = services.payment_record(
        actor=owner,
        client=billed,
        method="check",
        amount="100.00",
        allocations=[
            {"invoice": partly.pk, "amount": "30.00"},
            {"invoice": paid.pk, "amount": "40.00"},
        ],
    )
    assert ledger_violations() == []
    return {
        "partly": partly,
        "paid": paid,
        "batch": batch,
        "payment": payment,
        "other": make_client(first_name="Olga", last_name="Other"),
    }


def run_sql(model, assignments: str, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET {assignments} WHERE id = %s", [pk])


def rules() -> list[str]:
    return sorted({v.rule for v in ledger_violations()})


def test_an_amount_paid_that_differs_from_the_allocations(books):
    run_sql(Invoice, "amount_paid = 31", books["partly"].pk)
    assert rules() == [Rule.INVOICE_AMOUNT_PAID]
    (violation,) = ledger_violations()
    assert books["partly"].number in violation.record
    assert "amount paid is 31.00" in violation.message and "30.00" in violation.message


def test_a_balance_that_drifted(books):
    run_sql(Invoice, "balance = 69.99", books["partly"].pk)
    assert rules() == [Rule.INVOICE_BALANCE]
    assert "should be 70.00" in ledger_violations()[0].message


def test_a_void_invoice_with_a_balance(books, owner, invoice_of):
    voided = billing.invoice_void(actor=owner, invoice=invoice_of("10.00"))
    run_sql(Invoice, "balance = 10", voided.pk)
    assert rules() == [Rule.INVOICE_BALANCE]


def test_a_status_that_does_not_match_the_balance(books):
    run_sql(Invoice, "status = 'paid'", books["partly"].pk)
    assert rules() == [Rule.INVOICE_STATUS]


def test_an_allocation_above_a_balance(books):
    allocation = PaymentAllocation.objects.get(invoice=books["paid"])
    run_sql(PaymentAllocation, "amount = 41", allocation.pk)
    assert Rule.ALLOCATION_ABOVE_BALANCE in rules()


def test_an_allocation_left_on_a_void_invoice(books):
    run_sql(Invoice, "status = 'void', balance = 0, amount_paid = 0", books["paid"].pk)
    assert Rule.ALLOCATION_ABOVE_BALANCE in rules()


def test_a_payment_credit_below_zero(books):
    run_sql(Payment, "amount = 60", books["payment"].pk)
    assert rules() == [Rule.PAYMENT_CREDIT_NEGATIVE]
    assert "credit is -10.00" in ledger_violations()[0].message


def test_an_allocation_of_a_payment_that_failed(books):
    run_sql(Payment, "status = 'failed'", books["payment"].pk)
    assert Rule.ALLOCATION_NOT_COMPLETED in rules()


def test_a_refunded_amount_without_refunds(books):
    run_sql(Payment, "refunded_amount = 10", books["payment"].pk)
    assert rules() == [Rule.PAYMENT_REFUNDS]


def test_a_payment_refunded_in_full_still_completed(books, owner, billed):
    payment = services.payment_record(actor=owner, client=billed, method="cash", amount="5")
    services.payment_refund(actor=owner, payment=payment, amount="5")
    run_sql(Payment, "status = 'completed'", payment.pk)
    assert rules() == [Rule.PAYMENT_REFUNDS]


def test_an_allocation_between_two_clients(books):
    run_sql(Payment, f"client_id = {books['other'].pk:d}", books["payment"].pk)
    assert rules() == [Rule.ALLOCATION_MISMATCH]


def test_a_batch_holding_another_clients_invoice(books):
    run_sql(BatchInvoice, f"client_id = {books['other'].pk:d}", books["batch"].pk)
    assert rules() == [Rule.BATCH_ITEM]


def test_one_company_is_checked_alone(books, outsider):
    run_sql(Invoice, "balance = 1", books["partly"].pk)
    assert ledger_violations(company=outsider.company) == []
    assert len(ledger_violations(company=books["partly"].company)) == 1


def test_the_command_prints_each_violation_and_exits_non_zero(books):
    out = StringIO()
    call_command("check_ledger", stdout=out)
    assert "0 violations" in out.getvalue()
    run_sql(Invoice, "balance = 1", books["partly"].pk)
    run_sql(Payment, "refunded_amount = 10", books["payment"].pk)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("check_ledger", stdout=out, stderr=err)
    assert exit_.value.code == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "[invoice_balance]" in lines[0] and "[payment_refunds]" in lines[1]
    assert "2 ledger violation(s)" in err.getvalue()
    with pytest.raises(CommandError):
        call_command("check_ledger", company="no-such-company")
    with pytest.raises(SystemExit):
        call_command("check_ledger", company=books["partly"].company.slug, stdout=StringIO())


def test_money_adds_up_in_cents_on_every_database(owner, billed, invoice_of):
    """Sums of many odd cents (floating point on SQLite) are not taken for drift."""
    invoice = invoice_of("1000.00")
    for _ in range(30):
        services.payment_record(
            actor=owner,
            client=billed,
            method="cash",
            amount="0.10",
            allocations=[{"invoice": invoice.pk, "amount": "0.10"}],
        )
    services.payment_record(
        actor=owner,
        client=billed,
        method="cash",
        amount="0.30",
        allocations=[{"invoice": invoice.pk, "amount": "0.20"}],
    )
    assert ledger_violations() == []
    invoice.refresh_from_db()
    assert invoice.amount_paid == D("3.20")
