"""Jobs that follow their property to a new client (a house sold, a manager changed).

properties.services.property_move calls these through PROPERTY_MOVE_HANDLERS (registered in
apps.py): jobs already started or done stay with the client they were done for (they may be
invoiced to them); jobs not yet started move with the property, each with its own event."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crewdesk.accounts.models import Membership
from crewdesk.jobs import events
from crewdesk.jobs.models import Job, JobStatus


def jobs_following_a_move(prop) -> QuerySet[Job]:
    """The property's jobs not yet started: they move with it to a new client."""
    return Job.objects.filter(
        company_id=prop.company_id,
        property=prop,
        status__in=[JobStatus.PENDING, JobStatus.ON_THE_WAY],
    )


def jobs_that_would_follow(prop) -> int:
    return jobs_following_a_move(prop).count()


@transaction.atomic
def jobs_follow_property(actor: Membership, prop, new_client) -> int:
    """Give the property's jobs not yet started to `new_client`; how many moved. The caller
    (property_move) has checked the actor and the client."""
    moved = 0
    for job in jobs_following_a_move(prop).select_related("client").select_for_update(of=("self",)):
        old_client = job.client
        if old_client.pk == new_client.pk:
            continue
        job.client = new_client
        job.save(update_fields=["client", "updated_at"])
        events.job_moved_with_property_event(
            actor=actor, job=job, old_client=old_client, new_client=new_client
        )
        moved += 1
    return moved


def will_follow_text(count: int) -> str:
    """What the move page says before the move."""
    return ngettext(
        "%(n)s job not yet started will move with it.",
        "%(n)s jobs not yet started will move with it.",
        count,
    ) % {"n": count}


def followed_text(count: int) -> str:
    """The part of the message after the move."""
    return ngettext(
        "%(count)s job not yet started moved with it",
        "%(count)s jobs not yet started moved with it",
        count,
    ) % {"count": count}


def rule_text(client_name: str) -> str:
    return _(
        "Jobs already started or done stay with %(client)s; jobs not yet started move with "
        "the property."
    ) % {"client": client_name}
