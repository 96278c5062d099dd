"""Activity-log entries about jobs (see core/events.py). They target the job: its page shows
them as its history, with who did what and when. A checklist template's entries target the
template."""

from django.utils.translation import gettext_lazy as _

from crewdesk.accounts.models import Membership
from crewdesk.core.events import activity_record
from crewdesk.core.models import Activity
from crewdesk.jobs.models import ChecklistTemplate, Job, JobChecklistItem


class Verb:
    JOB_CREATED = "job.created"
    JOB_UPDATED = "job.updated"
    JOB_STATUS = "job.status"
    JOB_BAD_DEBT = "job.bad_debt"
    JOB_BAD_DEBT_CLEARED = "job.bad_debt_cleared"
    JOB_ARCHIVED = "job.archived"
    JOB_RESTORED = "job.restored"
    JOB_NOTE_ADDED = "job.note_added"
    ATTACHMENT_ADDED = "job.attachment_added"
    ATTACHMENT_ARCHIVED = "job.attachment_archived"
    JOBS_GENERATED = "job.generated"
    JOB_MOVED_WITH_PROPERTY = "job.moved_with_property"
    CHECKLIST_ITEM_DONE = "job.checklist_item_done"
    CHECKLIST_ITEM_UNDONE = "job.checklist_item_undone"
    CHECKLIST_ITEM_ADDED = "job.checklist_item_added"
    CHECKLIST_ITEM_REMOVED = "job.checklist_item_removed"
    CHECKLIST_TEMPLATE_CREATED = "checklist_template.created"
    CHECKLIST_TEMPLATE_UPDATED = "checklist_template.updated"
    CHECKLIST_TEMPLATE_ARCHIVED = "checklist_template.archived"


# How each entry reads on a timeline: "<who> <sentence>" (registered in apps.py).
SENTENCES = {
    Verb.JOB_CREATED: _("created the job %(name)s"),
    Verb.JOB_UPDATED: _("changed %(fields)s of the job %(name)s"),
    Verb.JOB_STATUS: _("moved the job %(name)s from %(from_label)s to %(to_label)s"),
    Verb.JOB_BAD_DEBT: _("marked the job %(name)s as bad debt"),
    Verb.JOB_BAD_DEBT_CLEARED: _("took the bad-debt mark off the job %(name)s"),
    Verb.JOB_ARCHIVED: _("archived the job %(name)s"),
    Verb.JOB_RESTORED: _("restored the job %(name)s"),
    Verb.JOB_NOTE_ADDED: _("added a note to the job %(name)s"),
    Verb.ATTACHMENT_ADDED: _("added %(file)s to the job %(name)s"),
    Verb.ATTACHMENT_ARCHIVED: _("removed %(file)s from the job %(name)s"),
    Verb.JOBS_GENERATED: _("scheduled the job %(name)s from its repeating service"),
    Verb.JOB_MOVED_WITH_PROPERTY: _(
        "moved the job %(name)s from %(from_client)s to %(to_client)s with its property"
    ),
    Verb.CHECKLIST_ITEM_DONE: _("ticked “%(item)s” on the checklist of the job %(name)s"),
    Verb.CHECKLIST_ITEM_UNDONE: _("unticked “%(item)s” on the checklist of the job %(name)s"),
    Verb.CHECKLIST_ITEM_ADDED: _("added “%(item)s” to the checklist of the job %(name)s"),
    Verb.CHECKLIST_ITEM_REMOVED: _("removed “%(item)s” from the checklist of the job %(name)s"),
    Verb.CHECKLIST_TEMPLATE_CREATED: _("added the checklist %(name)s"),
    Verb.CHECKLIST_TEMPLATE_UPDATED: _("changed the checklist %(name)s"),
    Verb.CHECKLIST_TEMPLATE_ARCHIVED: _("archived the checklist %(name)s"),
}


def job_event(*, actor: Membership | None, job: Job, verb: str, **data) -> Activity:
    """`actor` is None for work the system does by itself (recurring jobs made ahead)."""
    return activity_record(
        company=job.company if actor is None else actor.company,
        actor=actor.user if actor is not None else None,
        verb=verb,
        target=job,
        data={"name": str(job), "job_id": job.pk, "client_id": job.client_id, **data},
    )


def job_moved_with_property_event(*, actor: Membership, job: Job, old_client, new_client):
    return job_event(
        actor=actor,
        job=job,
        verb=Verb.JOB_MOVED_WITH_PROPERTY,
        from_client=old_client.display_name,
        from_client_id=old_client.pk,
        to_client=new_client.display_name,
        to_client_id=new_client.pk,
    )


def checklist_item_event(*, actor: Membership, item: JobChecklistItem, verb: str) -> Activity:
    """An item of a job's checklist ticked, unticked, added or removed: in the job's history."""
    return job_event(actor=actor, job=item.job, verb=verb, item=item.text)


def checklist_template_event(
    *, actor: Membership, template: ChecklistTemplate, verb: str
) -> Activity:
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=verb,
        target=template,
        data={"name": template.name, "template_id": template.pk},
    )
