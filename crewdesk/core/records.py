"""Turning an id sent by a member (a form field, an API body) into a record of their own
company: anything else — another company's id, no such id, not a number — is a field error,
never a 404 or a 500 (DESIGN §6: "an id in the body that is not one of your company's
records" is a 422)."""

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.utils.translation import gettext as _

M = TypeVar("M", bound=models.Model)

MAX_ID = 2**63 - 1  # the largest key a database id column holds


def parse_id(value) -> int | None:
    """`value` as a record id, or None when it cannot be one: not a whole number, below 1, or
    beyond what an id column holds (SQLite raises OverflowError for such a number; PostgreSQL
    finds no row)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


def company_record(actor, model: type[M], value, field: str) -> M:
    if isinstance(value, model):
        if getattr(value, "company_id", None) != actor.company_id:
            raise ValidationError({field: [_("No such record in your company.")]})
        return value
    record_id = parse_id(value)
    try:
        if record_id is None:
            raise model.DoesNotExist
        return model.objects.get(company_id=actor.company_id, pk=record_id)
    except ObjectDoesNotExist as error:
        raise ValidationError({field: [_("No such record in your company.")]}) from error
