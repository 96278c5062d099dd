"""How dates, times, money and countries read on every page: one rule, the company's locale.

The locale is the page's language (English, Spanish) in the company's country: en_US writes
"Jul 1, 2026" and "9:05 AM", en_GB "1 Jul 2026" and "09:05"; the money is the company's
currency as that locale writes it ("$1,234.50", "CA$1,234.50"). The formats come from CLDR
(through Babel), so a new country needs no code. CompanyFormatsMiddleware puts the company's
locale in force for each request, as Django does the time zone; the template filters of
core/templatetags/crewdesk.py (`day`, `clock`, `moment`, `money`, `country`) read it.
"""

import datetime
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale, localedata
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.utils import timezone
from django.utils.translation import get_language

DEFAULT_COUNTRY = "US"
DEFAULT_CURRENCY = "USD"

# Date styles: CLDR's full date format, or a CLDR skeleton (which fields; each locale orders
# and punctuates them its own way).
DAY_STYLES = {
    "date": "yMMMd",  # Jul 1, 2026 · 1 Jul 2026
    "weekday_date": "yMMMEd",  # Wed, Jul 1, 2026
    "long_date": "full",  # Wednesday, July 1, 2026 · Wednesday 1 July 2026
    "weekday": "MMMEd",  # Wed, Jul 1
    "long_weekday": "MMMMEd",  # Wed, July 1
    "day_month": "MMMd",  # Jul 1
    "weekday_day": "Ed",  # Wed 1 (a chart's axis)
}

_country: ContextVar[str] = ContextVar("company_country", default=DEFAULT_COUNTRY)
_currency: ContextVar[str] = ContextVar("company_currency", default=DEFAULT_CURRENCY)


# --- the company's locale --------------------------------------------------------------------


def activate(company) -> tuple:
    """Put `company`'s country and currency in force (None: the defaults); what it returns
    undoes it, given to deactivate()."""
    return (
        _country.set((getattr(company, "country", "") or DEFAULT_COUNTRY).upper()),
        _currency.set(getattr(company, "currency", "") or DEFAULT_CURRENCY),
    )


def deactivate(tokens: tuple) -> None:
    country, currency = tokens
    _country.reset(country)
    _currency.reset(currency)


@cache
def _locale(language: str, country: str) -> Locale:
    for name in (f"{language}_{country}", language, "en"):
        if localedata.exists(name):
            return Locale.parse(name)
    return Locale.parse("en")


def current_locale() -> Locale:
    """The page's language in the company's country (en_US, es_MX), or the language alone
    when CLDR has no such pair."""
    language = (get_language() or "en").split("-")[0].lower()
    return _locale(language, _country.get())


class CompanyFormatsMiddleware:
    """After CurrentMembershipMiddleware: the request's company decides the formats."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        tokens = activate(getattr(request, "company", None))
        try:
            return self.get_response(request)
        finally:
            deactivate(tokens)  # the next request, or a task in this thread, starts afresh


# --- formatting ------------------------------------------------------------------------------


def _local(value):
    """A datetime in the time zone in force (the company's); a date as it is."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def format_day(value, style: str = "date") -> str:
    if value in (None, ""):
        return ""
    value, pattern, locale = _local(value), DAY_STYLES[style], current_locale()
    if pattern == "full":
        return babel_dates.format_date(value, "full", locale=locale)
    return babel_dates.format_skeleton(pattern, value, locale=locale)


def format_clock(value) -> str:
    """The time of day: "9:05 AM" or "09:05", as the company's country writes it."""
    if value in (None, ""):
        return ""
    return babel_dates.format_time(_local(value), "short", locale=current_locale())


def format_moment(value, style: str = "date") -> str:
    """A date and its time: "Jul 1, 2026, 9:05 AM" or "1 Jul 2026, 09:05"."""
    if value in (None, ""):
        return ""
    pattern = current_locale().datetime_formats["medium"]  # how the locale joins the two
    return str(pattern).format(format_clock(value), format_day(value, style))


def format_money(amount, currency: str | None = None) -> str:
    """An amount in the company's currency (or `currency`): "$1,234.50", "1.234,50 €"."""
    if amount in (None, ""):
        return ""
    try:
        amount = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    return babel_numbers.format_currency(
        amount, currency or _currency.get(), locale=current_locale()
    )


# --- countries -------------------------------------------------------------------------------

# ISO 3166-1 alpha-2: the officially assigned codes (249). CLDR names more territories (AC
# Ascension Island, TA Tristan da Cunha, XK, EU, regions...), which are not countries to pick.
_ISO_3166 = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
"""
COUNTRY_CODES = frozenset(_ISO_3166.split())


def country_name(code: str) -> str:
    """The country's name in the page's language; the code itself when it is not one."""
    code = (code or "").upper()
    if code not in COUNTRY_CODES:
        return code
    return current_locale().territories.get(code, code)


@cache
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(language).territories
    return tuple(
        sorted(((c, names.get(c, c)) for c in COUNTRY_CODES), key=lambda i: i[1].casefold())
    )


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166 country, by its name in the page's language, for a select."""
    language = (get_language() or "en").split("-")[0].lower()
    return list(_country_choices(language if localedata.exists(language) else "en"))


def validate_country(value: str) -> None:
    """ISO 3166-1 alpha-2, in capitals ("US"); blank is left to the field's own rule."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if value and value not in COUNTRY_CODES:
        raise ValidationError(
            _("%(value)s is not a country code (ISO 3166, such as US or CA)."),
            params={"value": value},
            code="country",
        )
