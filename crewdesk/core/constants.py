"""Choices shared across apps."""

import zoneinfo

# The currencies small service businesses we know of bill in; extend as users ask.
CURRENCY_CHOICES = [
    (code, code)
    for code in ("USD", "CAD", "EUR", "GBP", "AUD", "NZD", "MXN", "BRL", "CHF", "ZAR", "INR")
]

TIMEZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones()) if "/" in tz] + [
    ("UTC", "UTC")
]
