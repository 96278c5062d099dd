"""The money rules of invoices and payments, in one place (DESIGN §5). Decimal only.

Every function here is pure: it takes amounts and answers amounts, so each rule has a
table-driven test (tests/billing/test_amounts.py) and the services, the PDF, the pages and
the ledger check all get the same answer.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from crewdesk.core.money import CENT, line_total, round_money

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
# No card fee may pass 3% of the amount, whatever the company sets (card network rules for
# US surcharges), and a company's own cap may be lower.
CARD_FEE_LIMIT_PERCENT = Decimal("3")


@dataclass(frozen=True)
class LineIn:
    quantity: Decimal
    unit_price: Decimal
    taxable: bool = True


@dataclass(frozen=True)
class LineOut:
    amount: Decimal  # quantity × unit price, half-up to the cent
    discount: Decimal  # this line's share of the invoice discount
    taxable: bool

    @property
    def net(self) -> Decimal:
        return self.amount - self.discount


@dataclass(frozen=True)
class Totals:
    lines: tuple[LineOut, ...]
    subtotal: Decimal
    discount: Decimal
    taxable_base: Decimal
    tax: Decimal
    total: Decimal


def discount_amount(subtotal: Decimal, *, amount=None, percent=None) -> Decimal:
    """An invoice discount as money: a fixed amount, or a percent of the subtotal (half-up);
    never below zero nor above the subtotal."""
    subtotal = Decimal(subtotal)
    if percent is not None:
        wanted = round_money(subtotal * Decimal(percent) / HUNDRED)
    else:
        wanted = round_money(amount or 0)
    return max(ZERO, min(wanted, max(subtotal, ZERO)))


def spread(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`total` split over `weights` pro rata in whole cents, by largest remainder: the shares
    add up to `total` exactly; ties go to the earlier weight."""
    total = round_money(total)
    weights = [Decimal(w) for w in weights]
    whole = sum(weights, Decimal(0))
    if not weights or whole <= 0 or total == 0:
        return [ZERO for _ in weights]
    cents = int(total / CENT)
    exact = [Decimal(cents) * w / whole for w in weights]
    floors = [int(e.to_integral_value(rounding=ROUND_FLOOR)) for e in exact]
    left = cents - sum(floors)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:left]:
        floors[i] += 1
    return [Decimal(c) * CENT for c in floors]


def tax_amount(base: Decimal, rate_percent: Decimal) -> Decimal:
    """Tax once per invoice on its discounted taxable lines, half-up: 3 × 10.00 at 8.875% is
    2.66, not 3 × 0.89."""
    return round_money(Decimal(base) * Decimal(rate_percent) / HUNDRED)


def invoice_totals(
    lines: Sequence[LineIn],
    *,
    discount: Decimal = ZERO,
    discount_percent: Decimal | None = None,
    tax_rate: Decimal = ZERO,
    tax_exempt: bool = False,
) -> Totals:
    """An invoice's figures from its lines: each line half-up, the discount spread over the
    lines pro rata, tax once on the discounted taxable lines (none for an exempt client)."""
    amounts = [line_total(line.quantity, line.unit_price) for line in lines]
    subtotal = sum(amounts, ZERO)
    off = discount_amount(subtotal, amount=discount, percent=discount_percent)
    # A negative line (a credit written by hand) takes no share of the discount.
    shares = spread(off, [max(a, ZERO) for a in amounts])
    out = tuple(
        LineOut(amount=a, discount=s, taxable=line.taxable)
        for a, s, line in zip(amounts, shares, lines, strict=True)
    )
    base = ZERO if tax_exempt else sum((line.net for line in out if line.taxable), ZERO)
    tax = tax_amount(max(base, ZERO), tax_rate)
    return Totals(
        lines=out,
        subtotal=subtotal,
        discount=off,
        taxable_base=base,
        tax=tax,
        total=subtotal - off + tax,
    )


# --- Card fees ---------------------------------------------------------------------------


def card_fee_offered(*, country: str, currency: str) -> bool:
    """A card fee is offered only to US companies billing in USD."""
    return country == "US" and currency == "USD"


def card_fee(
    amount: Decimal,
    *,
    percent: Decimal,
    cap: Decimal | None,
    funding: str,
    method: str = "card",
    country: str = "US",
    currency: str = "USD",
) -> Decimal:
    """The fee added to a card payment: half-up(amount × percent), never above the company's
    cap nor 3% of the amount, only on credit cards (none on debit, prepaid, unknown or ACH)."""
    if (
        method != "card"
        or funding != "credit"
        or not card_fee_offered(country=country, currency=currency)
    ):
        return ZERO
    percent = min(Decimal(percent or 0), CARD_FEE_LIMIT_PERCENT)
    if percent <= 0:
        return ZERO
    fee = round_money(Decimal(amount) * percent / HUNDRED)
    if cap is not None:
        fee = min(fee, round_money(cap))
    return max(fee, ZERO)


def refund_fee_share(
    *, fee: Decimal, amount: Decimal, fee_refunded: Decimal, refunded: Decimal, refund: Decimal
) -> Decimal:
    """The part of a payment's card fee a refund returns: pro rata to the amount refunded,
    half-up, and the refund that empties the payment takes what is left of the fee.

    `amount` is what was paid towards invoices (without the fee); `refunded` and
    `fee_refunded` what earlier refunds returned of each."""
    fee, amount, refund = Decimal(fee), Decimal(amount), Decimal(refund)
    fee_left = fee - Decimal(fee_refunded)
    if fee_left <= 0 or amount <= 0:
        return ZERO
    if Decimal(refunded) + refund >= amount:
        return fee_left
    return min(round_money(fee * refund / amount), fee_left)


# --- Dates ---------------------------------------------------------------------------------

AGING_BUCKETS = ("current", "1_30", "31_60", "61_90", "over_90")


def aging_bucket(due_date: datetime.date, today: datetime.date) -> str:
    """Which aging column an open balance falls in, by days past its due date."""
    late = (today - due_date).days
    if late <= 0:
        return "current"
    if late <= 30:
        return "1_30"
    if late <= 60:
        return "31_60"
    if late <= 90:
        return "61_90"
    return "over_90"


def due_date_for(issued: datetime.date, terms_days: int) -> datetime.date:
    """Due on receipt (0) or net N days from the issue date."""
    return issued + datetime.timedelta(days=max(0, int(terms_days)))


def allocate_oldest_first(amount: Decimal, balances: Sequence[Decimal]) -> list[Decimal]:
    """One payment over balances already sorted oldest due first: each gets up to its balance;
    what is left over is returned by the caller as credit (amount − sum)."""
    left = Decimal(amount)
    shares = []
    for balance in balances:
        take = max(ZERO, min(left, Decimal(balance)))
        shares.append(take)
        left -= take
    return shares


def quantize(value) -> Decimal:
    """A money value from a form, the API or the database, to two places half-up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
