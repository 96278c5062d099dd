"""The days Crewdesk works in: 1900 to 2999. Far enough either way for any business, and far
from the ends of Python's calendar (years 1 and 9999), where a page's arithmetic — the week
around a day, the next week, a job's end a few hours on — overflows."""

import datetime

from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)
OUT_OF_RANGE = _("Pick a day between 1900 and 2999.")


def in_range(day: datetime.date | datetime.datetime | None) -> bool:
    if isinstance(day, datetime.datetime):
        day = day.date()
    return day is None or FIRST_DAY <= day <= LAST_DAY


def parse_day(value: str | None) -> datetime.date | None:
    """A day written YYYY-MM-DD within the range, else None (nonsense, or out of range)."""
    try:
        day = parse_date((value or "").strip())
    except ValueError:  # well formed but no such day (2027-02-30)
        return None
    return day if day is not None and in_range(day) else None
