"""Rules a client's details must follow, shared by the form, the API and the CSV import."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from crewdesk.clients import normalize as n

POSTAL_CODE_PATTERNS = {
    "US": (r"\d{5}(-\d{4})?", "12345 or 12345-6789"),
    "CA": (r"[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d", "K1A 0B1"),
    "GB": (r"[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}", "SW1A 1AA"),
    "MX": (r"\d{5}", "01000"),
    "AU": (r"\d{4}", "2000"),
}


def postal_code_error(postal_code: str, country: str) -> str | None:
    rule = POSTAL_CODE_PATTERNS.get((country or "").upper())
    if not postal_code or rule is None:
        return None
    pattern, example = rule
    if re.fullmatch(pattern, postal_code.strip()):
        return None
    return _("This is not a postal code of %(country)s (for example %(example)s).") % {
        "country": country.upper(),
        "example": example,
    }


def clean_phones(phones: list[tuple[str, str]], region: str) -> tuple[list[tuple[str, str]], list]:
    """[(kind, number as typed)] -> ([(kind, E.164)], [error messages]). Blank numbers drop."""
    cleaned, errors = [], []
    for kind, number in phones:
        if not (number or "").strip():
            continue
        e164 = n.phone_e164(number, region)
        if e164 is None:
            errors.append(_("“%(number)s” is not a phone number we can read.") % {"number": number})
        else:
            cleaned.append((kind, e164))
    return cleaned, errors


def validate_client_fields(
    data: dict, phones: list[tuple[str, str]], *, unreadable_phones: bool = False
) -> None:
    """Raise ValidationError({field: [messages]}) for a client about to be saved, every
    problem at once. `phones` are already cleaned (E.164); `unreadable_phones` says a number
    was typed that could not be read (its own error says so: "no way to reach" would mislead)."""
    errors: dict[str, list[str]] = {}
    kind = data.get("kind", "person")
    has_person = bool(data.get("first_name", "").strip() or data.get("last_name", "").strip())
    has_company = bool(data.get("company_name", "").strip())
    if kind == "company" and not has_company:
        errors.setdefault("company_name", []).append(_("Enter the company's name."))
    elif not (has_person or has_company):
        errors.setdefault("first_name", []).append(
            _("Enter a first or last name, or a company name.")
        )
    email = (data.get("email") or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.setdefault("email", []).append(_("Enter a valid email address."))
    if not email and not phones and not unreadable_phones:
        errors.setdefault("email", []).append(
            _("Give at least one way to reach the client: an email or a phone number.")
        )
    postal_error = postal_code_error(data.get("postal_code", ""), data.get("country", ""))
    if postal_error:
        errors.setdefault("postal_code", []).append(postal_error)
    rating = data.get("rating", 0)
    if rating is not None and not (str(rating).isdigit() and 0 <= int(rating) <= 5):
        errors.setdefault("rating", []).append(_("A rating is from 0 to 5 stars."))
    if errors:
        raise ValidationError(errors)
