"""Activity-log entries about jobs (see core/events.py). They target the job: its page shows
them as its history, with who did what and when. A checklist template's entries target the
template."""

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
    CHECKLIST_ITEM_DONE = "job.checklist_item_done"
    CHECKLIST_ITEM_UNDONE = "job.checklist_item_undone"
    CHECKLIST_ITEM_ADDED = "job.checklist_item_added"
    CHECKLIST_ITEM_REMOVED = "job.checklist_item_removed"
    CHECKLIST_TEMPLATE_CREATED = "checklist_template.created"
    CHECKLIST_TEMPLATE_UPDATED = "checklist_template.updated"
    CHECKLIST_TEMPLATE_ARCHIVED = "checklist_template.archived"


def job_event(*, actor: Membership | None, job: Job, verb: str, **data) -> Activity:
    """`actor` is None for work the system does by itself (recurring jobs made ahead)."""
    return activity_record(
        company=job.company if actor is None else actor.company,
        actor=actor.user if actor is not None else None,
        verb=verb,
        target=job,
        data={"name": str(job), "job_id": job.pk, "client_id": job.client_id, **data},
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
