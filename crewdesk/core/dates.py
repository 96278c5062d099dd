"""The days Crewdesk works in: 1900 to 2999. Far enough either way for any business, and far
from the ends of Python's calendar (years 1 and 9999), where a page's arithmetic — the week
around a day, the next week, a job's end a few hours on — overflows.

And whose day it is: the company's. Its time zone says when its "today" begins and what a job's
wall-clock time means; requests run in it (accounts.middleware, api.auth)."""

import datetime
import zoneinfo

from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

FIRST_DAY = datetime.date(1900, 1, 1)
LAST_DAY = datetime.date(2999, 12, 31)
OUT_OF_RANGE = _("Pick a day between 1900 and 2999.")


def in_range(day: datetime.date | datetime.datetime | None) -> bool:
    if isinstance(day, datetime.datetime):
        day = day.date()
    return day is None or FIRST_DAY <= day <= LAST_DAY


def company_zone(company) -> zoneinfo.ZoneInfo:
    """The company's time zone; UTC for a name the time zone database does not know (the
    settings only take known names, but a system's database can lose one)."""
    try:
        return zoneinfo.ZoneInfo(company.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def company_today(company) -> datetime.date:
    """Today where the company is, whatever zone is active."""
    return timezone.localdate(timezone=company_zone(company))


def parse_day(value: str | None) -> datetime.date | None:
    """A day written YYYY-MM-DD within the range, else None (nonsense, or out of range)."""
    try:
        day = parse_date((value or "").strip())
    except ValueError:  # well formed but no such day (2027-02-30)
        return None
    return day if day is not None and in_range(day) else None
