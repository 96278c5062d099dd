"""Money is Decimal with two places, each amount rounded half-up (DESIGN §5)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def round_money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """One line: quantity × unit price, rounded; a total is the sum of rounded lines."""
    return round_money(Decimal(quantity) * Decimal(unit_price))
