"""Receivables: a client's credit and balance, the approval queue, and aging (one SQL
aggregate, in the company's time zone, by billing/amounts.aging_bucket's rule)."""

import datetime
from decimal import Decimal as D

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from crewdesk.billing import amounts
from crewdesk.billing import services as billing
from crewdesk.billing.models import Invoice
from crewdesk.core.dates import company_today
from crewdesk.payments import selectors, services
from tests.payments.conftest import refreshed

pytestmark = pytest.mark.django_db

# Days past due → the bucket, around every boundary.
LATE_DAYS = [-5, 0, 1, 29, 30, 31, 59, 60, 61, 89, 90, 91, 400]


def due(invoice, day):
    Invoice.objects.filter(pk=invoice.pk).update(due_date=day)


def test_aging_puts_each_balance_where_aging_bucket_says(owner, billed, invoice_of):
    today = company_today(owner.company)
    expected = dict.fromkeys(amounts.AGING_BUCKETS, D("0"))
    for i, late in enumerate(LATE_DAYS):
        invoice = invoice_of(f"{10 + i}.00")
        day = today - datetime.timedelta(days=late)
        due(invoice, day)
        expected[amounts.aging_bucket(day, today)] += D(f"{10 + i}.00")
    # a paid, a draft, a void and a written-off invoice are not receivable
    paid = invoice_of("7.00")
    services.payment_record(
        actor=owner,
        client=billed,
        method="cash",
        amount="7",
        allocations=[{"invoice": paid.pk, "amount": "7"}],
    )
    invoice_of("8.00", issue=False)
    billing.invoice_void(actor=owner, invoice=invoice_of("9.00"))
    billing.invoice_write_off(actor=owner, invoice=invoice_of("11.00"))

    result = selectors.aging(viewer=owner)
    assert result.by_bucket() == expected
    assert result.total == sum(expected.values())
    assert selectors.aging(viewer=owner, client=billed) == result


def test_aging_is_one_query_and_per_client_one_more(
    owner, billed, invoice_of, make_client, django_assert_num_queries
):
    other = make_client(first_name="Olga", last_name="Other")
    invoice_of("100.00")
    late = invoice_of("50.00", client=other)
    due(late, company_today(owner.company) - datetime.timedelta(days=45))
    invoice_of("25.00", client=other)
    with django_assert_num_queries(1):
        selectors.aging(viewer=owner)
    with django_assert_num_queries(1):
        rows = list(selectors.aging_by_client(viewer=owner))
    # most owed first
    assert [(r["client_id"], r["total"], r["days_31_60"]) for r in rows] == [
        (billed.pk, D("100.00"), D("0")),
        (other.pk, D("75.00"), D("50.00")),
    ]


def test_aging_counts_days_in_the_company_time_zone(owner, billed, invoice_of):
    owner.company.timezone = "America/Chicago"
    owner.company.save(update_fields=["timezone"])
    invoice = invoice_of("10.00")
    # 03:00 UTC on March 2nd is still March 1st, 21:00, in Chicago
    with time_machine.travel(datetime.datetime(2027, 3, 2, 3, 0, tzinfo=datetime.UTC)):
        due(invoice, datetime.date(2027, 3, 1))
        assert selectors.aging(viewer=owner).current == D("10.00")
        due(invoice, datetime.date(2027, 1, 31))  # 29 days late in Chicago (30 in UTC)
        assert selectors.aging(viewer=owner).days_1_30 == D("10.00")


def test_only_the_office_sees_aging(customer, employee):
    for member in (customer, employee):
        with pytest.raises(PermissionDenied):
            selectors.aging(viewer=member)


def test_client_balance_is_open_balances_less_credit(owner, customer, billed, invoice_of):
    first, second = invoice_of("100.00"), invoice_of("60.00")
    services.payment_record(
        actor=owner,
        client=billed,
        method="cash",
        amount="50",
        allocations=[{"invoice": first.pk, "amount": "30"}],
    )
    assert selectors.client_credit(viewer=owner, client=billed) == D("20.00")
    assert selectors.client_open_balance(viewer=owner, client=billed) == D("130.00")
    assert selectors.client_balance(viewer=owner, client=billed) == D("110.00")
    # the customer sees the same of their own client
    assert selectors.client_balance(viewer=customer, client=billed) == D("110.00")
    assert refreshed(second).balance == D("60.00")


def test_the_approval_queue_is_oldest_first_and_the_companys_own(
    customer, neighbour, owner, outsider
):
    first = services.payment_report(actor=customer, method="zelle", amount="5", reference="a")
    second = services.payment_report(actor=neighbour, method="check", amount="6", reference="b")
    services.payment_approve(
        actor=owner,
        payment=services.payment_report(actor=customer, method="zelle", amount="7", reference="c"),
    )
    assert list(selectors.approval_queue(viewer=owner)) == [first, second]
    assert list(selectors.approval_queue(viewer=outsider)) == []
