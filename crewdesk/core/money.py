"""Money is Decimal with two places, each amount rounded half-up (DESIGN §5)."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# The largest numbers the columns hold: prices and totals numeric(12,2), quantities
# numeric(10,2). Pages, the API and the services refuse anything larger with a message.
MAX_AMOUNT = Decimal("9999999999.99")
MAX_QUANTITY = Decimal("99999999.99")


def round_money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """One line: quantity × unit price, rounded; a total is the sum of rounded lines."""
    return round_money(Decimal(quantity) * Decimal(unit_price))
