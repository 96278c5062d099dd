"""The money rules, one table per rule (DESIGN §5)."""

import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crewdesk.billing.amounts import (
    LineIn,
    aging_bucket,
    allocate_oldest_first,
    card_fee,
    discount_amount,
    due_date_for,
    invoice_totals,
    refund_fee_share,
    spread,
    tax_amount,
)


@pytest.mark.parametrize(
    "quantity, unit_price, amount",
    [
        ("1", "120.00", "120.00"),
        ("1.5", "33.33", "50.00"),  # 49.995 half-up
        ("3", "0.335", "1.01"),  # 1.005 half-up, not banker's 1.00
        ("0.25", "0.10", "0.03"),  # 0.025 half-up
        ("2", "-10.00", "-20.00"),  # a credit line written by hand
    ],
)
def test_a_line_is_quantity_times_price_rounded_half_up(quantity, unit_price, amount):
    totals = invoice_totals([LineIn(D(quantity), D(unit_price))])
    assert totals.lines[0].amount == D(amount) == totals.subtotal


@pytest.mark.parametrize(
    "subtotal, amount, percent, expected",
    [
        ("100.00", "10.00", None, "10.00"),
        ("100.00", None, "15", "15.00"),
        ("33.33", None, "10", "3.33"),
        ("10.05", None, "50", "5.03"),  # 5.025 half-up
        ("50.00", "80.00", None, "50.00"),  # never above the subtotal
        ("50.00", "-5.00", None, "0.00"),  # never below zero
        ("50.00", None, "150", "50.00"),
    ],
)
def test_a_discount_is_an_amount_or_a_percent_of_the_subtotal(subtotal, amount, percent, expected):
    got = discount_amount(D(subtotal), amount=amount and D(amount), percent=percent and D(percent))
    assert got == D(expected)


@pytest.mark.parametrize(
    "total, weights, shares",
    [
        ("10.00", ["30.00", "30.00", "30.00"], ["3.34", "3.33", "3.33"]),  # tie: the first
        ("10.00", ["10.00", "20.00", "70.00"], ["1.00", "2.00", "7.00"]),
        ("0.05", ["1.00", "1.00", "1.00", "1.00"], ["0.02", "0.01", "0.01", "0.01"]),
        ("1.00", ["33.33", "33.33", "33.34"], ["0.33", "0.33", "0.34"]),
        ("5.00", ["0.00", "10.00"], ["0.00", "5.00"]),
        ("0.00", ["10.00", "20.00"], ["0.00", "0.00"]),
        ("5.00", [], []),
    ],
)
def test_a_discount_is_spread_pro_rata_by_largest_remainder(total, weights, shares):
    got = spread(D(total), [D(w) for w in weights])
    assert got == [D(s) for s in shares]


@given(
    st.decimals(min_value=0, max_value=10_000, places=2),
    st.lists(st.decimals(min_value=0, max_value=5_000, places=2), min_size=1, max_size=30),
)
def test_the_shares_always_add_up_to_the_discount(total, weights):
    shares = spread(total, weights)
    if sum(weights) > 0:
        assert sum(shares) == total
    assert all(s >= 0 for s in shares)


@pytest.mark.parametrize(
    "base, rate, tax",
    [
        ("30.00", "8.875", "2.66"),  # once per invoice: not 3 × 0.89 = 2.67
        ("10.00", "8.875", "0.89"),
        ("100.00", "0", "0.00"),
        ("19.99", "7.25", "1.45"),  # 1.449275
        ("0.20", "12.5", "0.03"),  # 0.025 half-up
    ],
)
def test_tax_is_computed_once_on_the_base_half_up(base, rate, tax):
    assert tax_amount(D(base), D(rate)) == D(tax)


def test_three_lines_of_ten_at_8875_percent_pay_266_of_tax():
    totals = invoice_totals([LineIn(D(1), D("10.00"))] * 3, tax_rate=D("8.875"))
    assert (totals.subtotal, totals.tax, totals.total) == (D("30.00"), D("2.66"), D("32.66"))


@pytest.mark.parametrize(
    "lines, discount, exempt, base, tax, total",
    [
        # the discount comes off the taxable lines before tax
        ([("100.00", True), ("100.00", False)], "20.00", False, "90.00", "9.00", "189.00"),
        # an exempt client pays no tax at all
        ([("100.00", True)], "0.00", True, "0.00", "0.00", "100.00"),
        # only the taxable lines are taxed
        ([("50.00", False), ("50.00", True)], "0.00", False, "50.00", "5.00", "105.00"),
    ],
)
def test_tax_falls_on_the_discounted_taxable_lines(lines, discount, exempt, base, tax, total):
    totals = invoice_totals(
        [LineIn(D(1), D(price), taxable) for price, taxable in lines],
        discount=D(discount),
        tax_rate=D("10"),
        tax_exempt=exempt,
    )
    assert totals.taxable_base == D(base)
    assert totals.tax == D(tax)
    assert totals.total == D(total)
    assert sum(line.discount for line in totals.lines) == totals.discount


@pytest.mark.parametrize(
    "amount, percent, cap, funding, method, country, currency, fee",
    [
        ("100.00", "2.9", None, "credit", "card", "US", "USD", "2.90"),
        ("100.00", "5", None, "credit", "card", "US", "USD", "3.00"),  # never above 3%
        ("1000.00", "3", "20.00", "credit", "card", "US", "USD", "20.00"),  # the company's cap
        ("33.35", "3", None, "credit", "card", "US", "USD", "1.00"),  # 1.0005 half-up
        ("100.00", "3", None, "debit", "card", "US", "USD", "0.00"),
        ("100.00", "3", None, "prepaid", "card", "US", "USD", "0.00"),
        ("100.00", "3", None, "unknown", "card", "US", "USD", "0.00"),
        ("100.00", "3", None, "", "ach", "US", "USD", "0.00"),
        ("100.00", "3", None, "credit", "card", "GB", "GBP", "0.00"),  # US and USD only
        ("100.00", "3", None, "credit", "card", "US", "CAD", "0.00"),
        ("100.00", "0", None, "credit", "card", "US", "USD", "0.00"),
    ],
)
def test_the_card_fee(amount, percent, cap, funding, method, country, currency, fee):
    got = card_fee(
        D(amount),
        percent=D(percent),
        cap=cap and D(cap),
        funding=funding,
        method=method,
        country=country,
        currency=currency,
    )
    assert got == D(fee)


@pytest.mark.parametrize(
    "refunds, shares",
    [
        (["100.00"], ["3.00"]),  # a whole refund returns the whole fee
        (["50.00", "50.00"], ["1.50", "1.50"]),
        (["33.33", "33.33", "33.34"], ["1.00", "1.00", "1.00"]),  # the last takes the remainder
        (["10.00", "90.00"], ["0.30", "2.70"]),
        (["0.01", "99.99"], ["0.00", "3.00"]),
    ],
)
def test_partial_refunds_return_the_fee_pro_rata_and_the_last_takes_the_rest(refunds, shares):
    fee, amount = D("3.00"), D("100.00")
    refunded = fee_refunded = D("0")
    got = []
    for refund in refunds:
        share = refund_fee_share(
            fee=fee, amount=amount, fee_refunded=fee_refunded, refunded=refunded, refund=D(refund)
        )
        got.append(share)
        refunded += D(refund)
        fee_refunded += share
    assert got == [D(s) for s in shares]
    assert fee_refunded == fee


@pytest.mark.parametrize(
    "days_late, bucket",
    [
        (-5, "current"),
        (0, "current"),
        (1, "1_30"),
        (30, "1_30"),
        (31, "31_60"),
        (60, "31_60"),
        (61, "61_90"),
        (90, "61_90"),
        (91, "over_90"),
        (400, "over_90"),
    ],
)
def test_aging_buckets_by_days_past_due(days_late, bucket):
    today = datetime.date(2026, 3, 1)
    assert aging_bucket(today - datetime.timedelta(days=days_late), today) == bucket


@pytest.mark.parametrize(
    "issued, terms, due",
    [
        ("2026-01-31", 0, "2026-01-31"),
        ("2026-01-31", 30, "2026-03-02"),
        ("2028-02-14", 15, "2028-02-29"),
    ],
)
def test_the_due_date_is_net_days_from_issue(issued, terms, due):
    d = datetime.date.fromisoformat
    assert due_date_for(d(issued), terms) == d(due)


@pytest.mark.parametrize(
    "amount, balances, shares",
    [
        ("150.00", ["100.00", "100.00"], ["100.00", "50.00"]),
        ("250.00", ["100.00", "100.00"], ["100.00", "100.00"]),  # 50.00 left over: credit
        ("0.00", ["100.00"], ["0.00"]),
    ],
)
def test_a_payment_covers_the_oldest_balances_first(amount, balances, shares):
    assert allocate_oldest_first(D(amount), [D(b) for b in balances]) == [D(s) for s in shares]
