"""Money (crewdesk/core/money.py): rounding and the bounds every amount is checked against."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crewdesk.core.money import MAX_AMOUNT, MAX_QUANTITY, line_total, parse_amount, round_money
from crewdesk.jobs.models import JobLine
from crewdesk.properties.models import PropertyService, Service


def test_amounts_round_half_up_per_line():
    assert round_money("2.675") == Decimal("2.68")
    assert line_total(Decimal("3"), Decimal("0.335")) == Decimal("1.01")


def _largest(field) -> Decimal:
    whole = field.max_digits - field.decimal_places
    return Decimal("9" * whole + "." + "9" * field.decimal_places)


def test_the_bounds_are_what_the_money_columns_hold():
    assert _largest(JobLine._meta.get_field("unit_price")) == MAX_AMOUNT
    assert _largest(Service._meta.get_field("default_price")) == MAX_AMOUNT
    assert _largest(PropertyService._meta.get_field("price")) == MAX_AMOUNT
    assert _largest(JobLine._meta.get_field("quantity")) == MAX_QUANTITY


@pytest.mark.parametrize(
    "value, message",
    [
        ("abc", "Enter a number"),
        ("NaN", "Enter a number"),
        ("Infinity", "Enter a number"),
        ("-1", "at least 0"),
        ("1e30", "too large"),
        ("99999999999999999999999999999999", "too large"),
        ("9999999999.995", "too large"),
    ],
)
def test_parse_amount_refuses_with_a_field_error(value, message):
    with pytest.raises(ValidationError, match=message):
        parse_amount(value, "price")


def test_parse_amount_takes_a_number_as_typed():
    assert parse_amount(" 120.5 ", "price") == Decimal("120.5")
    assert parse_amount("9999999999.99", "price") == MAX_AMOUNT
