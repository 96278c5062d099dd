"""Writes about a company's settings. A new company comes with its first owner, so
accounts.services.company_create makes it."""

from typing import TYPE_CHECKING

from django.db import transaction

from crewdesk.core import events
from crewdesk.core.changes import apply_changes
from crewdesk.core.models import Company
from crewdesk.core.permissions import Action, require

if TYPE_CHECKING:
    from crewdesk.accounts.models import Membership

COMPANY_SETTINGS_FIELDS = (
    "name",
    "currency",
    "timezone",
    "country",
    "default_tax_rate",
    "card_fee_percent",
    "card_fee_cap",
    "invoice_prefix",
    "payment_instructions",
)


@transaction.atomic
def company_update(*, actor: "Membership", company: Company, data: dict) -> Company:
    require(actor, Action.MANAGE_COMPANY)
    if company.pk != actor.company_id:
        raise Company.DoesNotExist
    changes = apply_changes(
        company, {field: data[field] for field in COMPANY_SETTINGS_FIELDS if field in data}
    )
    company.full_clean()
    if changes:
        company.save(update_fields=list(changes))
        events.company_updated_event(actor=actor, changes=changes)
    return company
