"""Money is Decimal with two places, each amount rounded half-up (DESIGN §5)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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


def parse_amount(
    value, field: str, *, minimum: Decimal = Decimal("0"), maximum: Decimal = MAX_AMOUNT
) -> Decimal:
    """A number typed into a form or sent to the API, or a field error that says what is wrong
    (never a 500 for "abc", "NaN" or a number no column can hold)."""
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValidationError({field: [_("Enter a number such as 1 or 120.00.")]}) from error
    if not number.is_finite() or number < minimum:
        raise ValidationError({field: [_("Enter a number of at least %s.") % minimum]})
    # Compared before rounding: quantizing 1e30 to cents would overflow Decimal's precision.
    if number > maximum + 1 or round_money(number) > maximum:
        raise ValidationError({field: [_("That number is too large.")]})
    return number
