"""From the text of a row's cells to the values a client stores: names split, choices and
yes/no read in the words people write, countries by name, several phones or emails in a cell,
spreadsheet formulas escaped (`csv_safe`) and unescaped (`unescape_cell`)."""

import re
from functools import cache

from django.conf import settings
from django.utils.translation import gettext as _

from crewdesk.clients import normalize as n
from crewdesk.clients.importing.columns import FULL_NAME, MAIN, PHONE, TAGS, comparable
from crewdesk.clients.models import ClientKind, ClientType, ContactMethod, PhoneKind

_LIST_SPLIT = re.compile(r"[;,]")
# fmt: off
_COMPANY_WORDS = frozenset((
    "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "company", "co",
    "plc", "gmbh", "pty", "llp", "lp", "pc", "group", "services", "service", "solutions",
    "enterprises", "partners", "properties", "property", "management", "rentals", "realty",
    "cleaning", "holdings", "associates", "hoa", "association", "church", "school",
))
_TRUE = frozenset(("yes", "y", "true", "t", "1", "x", "si", "on"))
_FALSE = frozenset(("no", "n", "false", "f", "0", "off"))
# fmt: on
_KIND_ALIASES = {
    "individual": ClientKind.PERSON,
    "business": ClientKind.COMPANY,
    # an "Is Company?" column (Jobber's) says yes or no
    **dict.fromkeys(_TRUE, ClientKind.COMPANY),
    **dict.fromkeys(_FALSE, ClientKind.PERSON),
}
_EMAIL_SPLIT = re.compile(r"[\s,;]+")
_COUNTRY_ALIASES = {
    "usa": "US", "us": "US", "u s": "US", "u s a": "US", "america": "US",
    "united states of america": "US", "uk": "GB", "u k": "GB", "great britain": "GB",
    "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "holland": "NL", "the netherlands": "NL",
}  # fmt: skip


# A cell starting with one of these is run as a formula by a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ gets an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def unescape_cell(value: str) -> str:
    """Undo the apostrophe our exports put before a cell that a spreadsheet would run."""
    if value.startswith("'") and value[1:2] and value[1] in "=+-@\t\r":
        return value[1:]
    return value


@cache
def _countries() -> tuple[frozenset[str], dict[str, str]]:
    import phonenumbers
    from phonenumbers.geodata.locale import LOCALE_DATA

    codes = frozenset(LOCALE_DATA) | frozenset(phonenumbers.SUPPORTED_REGIONS)
    names: dict[str, str] = dict(_COUNTRY_ALIASES)
    for code, by_language in LOCALE_DATA.items():
        for name in by_language.values():
            if name and not name.startswith("*"):
                names.setdefault(comparable(name), code)
    return codes, names


def country_code(value: str) -> str | None:
    """ "United States", "USA", "us", "México" -> ISO code; None when unknown ("" stays "")."""
    value = value.strip()
    if not value:
        return ""
    codes, names = _countries()
    if len(value) == 2 and value.isalpha() and value.upper() in codes:
        return value.upper()
    return names.get(comparable(value))


def _choice(value: str, choices: list[tuple[str, str]], aliases: dict | None = None):
    key = comparable(value)
    for stored, label in choices:
        if key in (comparable(stored), comparable(str(label))):
            return stored
    return (aliases or {}).get(key)


def _split_full_name(text: str) -> dict[str, str]:
    """A name column as first/last name, or as a company when it reads like one."""
    text = text.strip()
    if "&" in text or set(n.words(text)) & _COMPANY_WORDS:
        return {"company_name": text}
    if "," in text:  # "Smith, John"
        last, first = (part.strip() for part in text.split(",", 1))
        return {"first_name": first, "last_name": last}
    parts = text.split()
    return {"first_name": " ".join(parts[:-1]), "last_name": parts[-1] if parts else ""}


def _phone_pieces(value: str, kind: str) -> list[tuple[str, str]]:
    """One cell may hold several numbers ("555 0100; work: 555 0101"), with a kind each."""
    pieces = []
    for part in _LIST_SPLIT.split(value):
        part = part.strip()
        if not part:
            continue
        prefix, colon, rest = part.partition(":")
        if colon:
            named = _choice(prefix, PhoneKind.choices)
            if named:
                pieces.append((named, rest.strip()))
                continue
        pieces.append((kind, part))
    return pieces


def phone_kinds(phones: list[tuple[str, str]], *, company: bool) -> list[tuple[str, str]]:
    """Each number once, where it first appears (the first is the primary), with the kind a
    column names for it: Jobber repeats the main phone as the mobile one. A main phone that no
    column names is a company's work phone, else a phone of kind "other"."""
    named: dict[str, str] = {}
    for kind, e164 in phones:
        if kind != MAIN:
            named.setdefault(e164, kind)
    unknown = PhoneKind.WORK if company else PhoneKind.OTHER
    numbers = dict.fromkeys(e164 for _kind, e164 in phones)
    return [(named.get(e164, unknown), e164) for e164 in numbers]


def row_values(
    columns: list[tuple[int, str]], cells: list[str]
) -> tuple[dict, list[tuple[str, str]], list[str]]:
    """The text of a row's cells by the field their column fills (`columns`: (index, field)):
    (values, phones as (kind, number as typed), tag names). Several columns may fill phones,
    tags and notes; extra addresses of an email cell go to the notes."""
    values: dict[str, str] = {}
    phones: list[tuple[str, str]] = []
    tags: list[str] = []
    other_emails: list[str] = []
    for index, target in columns:
        value = unescape_cell(cells[index].strip()) if index < len(cells) else ""
        if not value:
            continue
        if target.startswith(PHONE):
            phones += _phone_pieces(value, target.removeprefix(PHONE))
        elif target == TAGS:
            tags += [t.strip()[:50] for t in _LIST_SPLIT.split(value) if t.strip()]
        elif target == "notes" and values.get("notes"):
            values["notes"] += "\n" + value
        elif target == "email":
            # Jobber's "E-mails" holds every address of the client; a client has one, so
            # the others are kept in the notes rather than dropped. A cell that is not a
            # list of addresses stays whole, for its error to quote it.
            parts = _EMAIL_SPLIT.split(value.strip(" ,;"))
            if len(parts) == 1 or not all("@" in part for part in parts):
                parts = [value]
            values["email"] = parts[0]
            other_emails += [e for e in parts[1:] if e.casefold() != parts[0].casefold()]
        else:
            values[target] = value
    if other_emails:
        line = _("Other emails: %(emails)s") % {"emails": ", ".join(other_emails)}
        values["notes"] = f"{values['notes']}\n{line}" if values.get("notes") else line
    return values, phones, tags


def values_converted(values: dict, region: str) -> tuple[dict, list[tuple[str, str]]]:
    """Cell text -> the values a client stores, and (field, message) for what cannot be. A
    country left out is the company's (`region`)."""
    errors: list[tuple[str, str]] = []
    full_name = values.pop(FULL_NAME, "")
    if full_name and not any(values.get(k) for k in ("first_name", "last_name", "company_name")):
        values.update(_split_full_name(full_name))
    if "kind" in values:
        kind = _choice(values["kind"], ClientKind.choices, _KIND_ALIASES)
        if kind is None:
            errors.append(("kind", _("Write “person” or “company”.")))
        values["kind"] = kind or ClientKind.PERSON
    elif values.get("company_name") and not (values.get("first_name") or values.get("last_name")):
        values["kind"] = ClientKind.COMPANY
    for name, choices in (
        ("client_type", ClientType.choices),
        ("preferred_contact", ContactMethod.choices),
    ):
        if name in values:
            chosen = _choice(values[name], choices)
            if chosen is None:
                errors.append(
                    (
                        name,
                        _("“%(value)s” is not one of: %(choices)s.")
                        % {
                            "value": values[name],
                            "choices": ", ".join(str(label) for _v, label in choices),
                        },
                    )
                )
            values[name] = chosen or ""
    if "language" in values:
        language = _choice(values["language"], settings.LANGUAGES) or _choice(
            re.split(r"[-_]", values["language"])[0], settings.LANGUAGES
        )
        if language is None:
            errors.append(("language", _("Unknown language.")))
        values["language"] = language or "en"
    for name in ("tax_exempt", "newsletter"):
        if name in values:
            key = comparable(values[name])
            if key not in _TRUE | _FALSE:
                errors.append((name, _("Write yes or no.")))
            values[name] = key in _TRUE
    if "rating" in values:
        try:
            rating = float(values["rating"].replace(",", "."))
            if not rating.is_integer():
                raise ValueError
            values["rating"] = int(rating)
        except ValueError:
            errors.append(("rating", _("A rating is a whole number from 0 to 5.")))
            values["rating"] = 0
    code = country_code(values.get("country", ""))
    if code is None:
        errors.append(
            (
                "country",
                _("“%(value)s” is not a country we know; write a two-letter code such as US.")
                % {"value": values["country"]},
            )
        )
        code = ""
    values["country"] = code or region
    postal = values.get("postal_code", "")
    if values["country"] == "US" and re.fullmatch(r"\d{4}", postal):
        values["postal_code"] = "0" + postal  # a spreadsheet dropped the leading zero
    return values, errors
