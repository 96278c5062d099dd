"""Writing the activity log. Each app's events.py wraps `activity_record` with one function per
event, so every timeline entry of a kind has the same shape and callers write one line."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from crewdesk.core.models import Activity, Company


class Verb:
    COMPANY_CREATED = "company.created"
    COMPANY_UPDATED = "company.updated"


# How each entry reads on a timeline: "<who> <sentence>" (registered in apps.py).
SENTENCES = {
    Verb.COMPANY_CREATED: _("created the company %(name)s"),
    Verb.COMPANY_UPDATED: _("changed company settings"),
}


def activity_record(
    *,
    company: Company | None,
    actor: Any,
    verb: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> Activity:
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    return Activity.objects.create(
        company=company,
        actor_id=actor_id,
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=target.pk if target is not None else None,
        data=data or {},
    )


def company_created_event(*, membership) -> Activity:
    return activity_record(
        company=membership.company,
        actor=membership.user,
        verb=Verb.COMPANY_CREATED,
        target=membership.company,
        data={"name": membership.company.name},
    )


def company_updated_event(*, actor, changes: dict[str, list[str]]) -> Activity:
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=Verb.COMPANY_UPDATED,
        target=actor.company,
        data={"changes": changes},
    )
