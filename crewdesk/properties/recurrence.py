"""A property service's repeating rule: as an RRULE (python-dateutil) and in words.

A PropertyService keeps its rule as simple fields (every `interval` days/weeks/months, on
`weekdays`, from `starts_on` until `ends_on`); `rule_for` reads them as an RRULE, which the
jobs app uses to make the jobs ahead (jobs/recurrence.py), and `recurrence_summary` says it
the way the office reads it."""

import datetime

from dateutil import rrule
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crewdesk.core.formats import format_day
from crewdesk.properties.models import WEEKDAY_CODES, Frequency, PropertyService

# --- the rule --------------------------------------------------------------------------------

_RRULE_DAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
_FREQ = {
    Frequency.DAILY: rrule.DAILY,
    Frequency.WEEKLY: rrule.WEEKLY,
    Frequency.MONTHLY: rrule.MONTHLY,
}


def weekday_numbers(ps: PropertyService) -> list[int]:
    """The weekly rule's days (0 = Monday): the chosen ones, else the start's weekday."""
    codes = [c.strip().upper() for c in (ps.weekdays or "").split(",") if c.strip()]
    days = sorted({WEEKDAY_CODES.index(c) for c in codes if c in WEEKDAY_CODES})
    if not days and ps.starts_on:
        days = [ps.starts_on.weekday()]
    return days


def rule_for(ps: PropertyService) -> rrule.rrule | None:
    """The RRULE of a repeating service, or None when it does not repeat (or has no start)."""
    if not ps.frequency or ps.frequency not in _FREQ or ps.starts_on is None:
        return None
    options = {
        "interval": max(1, ps.interval or 1),
        "dtstart": datetime.datetime.combine(ps.starts_on, datetime.time()),
        "cache": False,
        "wkst": rrule.MO,  # "every 2 weeks" counts weeks from Monday, whatever the locale
    }
    if ps.ends_on:
        options["until"] = datetime.datetime.combine(ps.ends_on, datetime.time())
    if ps.frequency == Frequency.WEEKLY:
        options["byweekday"] = [_RRULE_DAYS[d] for d in weekday_numbers(ps)]
    elif ps.frequency == Frequency.MONTHLY:
        day = ps.starts_on.day
        if day <= 28:
            options["bymonthday"] = day
        else:
            # "The 30th" is the last of the 28th…30th the month has: Feb gets its 28th or
            # 29th, April its 30th, and a month never gets two.
            options["bymonthday"] = tuple(range(28, day + 1))
            options["bysetpos"] = -1
    return rrule.rrule(_FREQ[ps.frequency], **options)


# --- in words ----------------------------------------------------------------------------------


def _weekday_names() -> list[str]:
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def _and_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _ordinal(day: int) -> str:
    if 10 <= day % 100 <= 20:
        suffix = _("th")
    else:
        suffix = {1: _("st"), 2: _("nd"), 3: _("rd")}.get(day % 10, _("th"))
    return f"{day}{suffix}"


def _day(value: datetime.date) -> str:
    return format_day(value)


def recurrence_summary(ps) -> str:
    """How the office reads a rule: "Every 2 weeks on Mon and Thu, from 4 Jan 2027"."""
    if rule_for(ps) is None:
        return _("Does not repeat")
    n = max(1, ps.interval or 1)
    if ps.frequency == Frequency.DAILY:
        text = ngettext("Every day", "Every %(n)d days", n) % {"n": n}
    elif ps.frequency == Frequency.WEEKLY:
        names = _weekday_names()
        days = _and_list([names[d] for d in weekday_numbers(ps)])
        text = ngettext("Every week on %(days)s", "Every %(n)d weeks on %(days)s", n) % {
            "n": n,
            "days": days,
        }
    else:
        day = ps.starts_on.day
        text = ngettext("Every month on the %(day)s", "Every %(n)d months on the %(day)s", n) % {
            "n": n,
            "day": _ordinal(day),
        }
        if day > 28:
            text += " " + _("(the last day in shorter months)")
    text += ", " + _("from %(date)s") % {"date": _day(ps.starts_on)}
    if ps.ends_on:
        text += " " + _("until %(date)s") % {"date": _day(ps.ends_on)}
    return text
