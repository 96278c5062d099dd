"""Every write about jobs: creating and editing them, moving their status, the crew, lines,
extra clients, checklists and notes. Each function checks the member's role and company
(and, for the crew, that the job is theirs), runs in a transaction and writes the activity
log. Pages and the API both come through here. Attachments are in attachments.py, recurring
jobs in recurrence.py."""

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crewdesk.accounts.models import Membership
from crewdesk.accounts.selectors import crew_members
from crewdesk.clients.models import Client
from crewdesk.clients.services import ClientInput, client_create
from crewdesk.core import dates
from crewdesk.core.money import MAX_AMOUNT, MAX_QUANTITY, line_total, parse_amount, round_money
from crewdesk.core.permissions import Action, require
from crewdesk.core.records import company_record
from crewdesk.jobs import events, transitions
from crewdesk.jobs.models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    Job,
    JobAssignment,
    JobChecklistItem,
    JobClient,
    JobClientRole,
    JobLine,
    JobNote,
    JobStatus,
    JobStatusChange,
)
from crewdesk.jobs.selectors import require_job_access
from crewdesk.properties.models import Property, Service
from crewdesk.properties.selectors import service_price_at
from crewdesk.properties.services import property_create

MAX_LINES = 100
MAX_CHECKLIST_ITEMS = 100
JOB_FIELDS = ("title", "scheduled_start", "scheduled_end", "internal_notes", "customer_notes")


class TransitionError(Exception):
    """A status move the rules refuse; the message says why (the API answers 409)."""


@dataclass
class LineInput:
    description: str = ""
    quantity: Decimal | str | int = Decimal("1")
    unit_price: Decimal | str | int | None = None
    service: int | None = None  # a catalog service id: fills description and price if blank
    taxable: bool | None = None


@dataclass
class JobInput:
    """A job as a form or the API sends it. Parts left as None are not changed on update."""

    fields: dict = field(default_factory=dict)
    property: int | Property | None = None
    lines: list[LineInput] | None = None
    assignees: list[int] | None = None  # membership ids
    extra_clients: list[tuple[int, str]] | None = None  # (client id, role)
    checklist_template: int | None = None


def local_date(*, actor: Membership, moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, dates.company_zone(actor.company)).date()


# Filled by higher apps (billing/apps.py): why a job's charged lines or finished status may
# not change now ("it is on the invoice 0007: void it first"). Each is called with `job=` and
# answers a message or None.
BILLED_JOB_LOCKS: list = []


def job_billing_lock(*, job: Job) -> str | None:
    """Why the job's lines and finished status are fixed by billing, or None."""
    for lock in BILLED_JOB_LOCKS:
        reason = lock(job=job)
        if reason:
            return reason
    return None


# --- parts of a job --------------------------------------------------------------------------


def _lines_set(actor: Membership, job: Job, lines: list[LineInput]) -> bool:
    """Replace the job's lines; False when they are the same as before."""
    if len(lines) > MAX_LINES:
        raise ValidationError({"lines": [_("A job has at most %d lines.") % MAX_LINES]})
    rows = []
    for position, line in enumerate(lines):
        service = company_record(actor, Service, line.service, "lines") if line.service else None
        description = (line.description or "").strip() or (service.name if service else "")
        if not description:
            raise ValidationError({"lines": [_("Each line needs a description or a service.")]})
        if line.unit_price in (None, ""):
            if service is None:
                raise ValidationError({"lines": [_("Each line needs a price.")]})
            unit_price = service_price_at(prop=job.property, service=service)
        else:
            unit_price = parse_amount(line.unit_price, "lines")
        quantity = parse_amount(
            line.quantity if line.quantity not in (None, "") else 1, "lines", maximum=MAX_QUANTITY
        )
        taxable = (
            line.taxable if line.taxable is not None else (service.taxable if service else True)
        )
        rows.append(
            JobLine(
                company_id=job.company_id,
                job=job,
                service=service,
                description=description[:300],
                quantity=round_money(quantity),
                unit_price=round_money(unit_price),
                taxable=taxable,
                position=position,
            )
        )
    total = sum((line_total(r.quantity, r.unit_price) for r in rows), Decimal("0.00"))
    if total > MAX_AMOUNT:
        raise ValidationError({"lines": [_("The job's total is too large.")]})
    if job.pk and _same_lines(job, rows):
        return False  # a form sends every line back: unchanged lines are not rewritten
    if job.pk:
        reason = job_billing_lock(job=job)
        if reason:
            raise ValidationError({"lines": [reason]})
    JobLine.objects.filter(job=job).delete()
    JobLine.objects.bulk_create(rows)
    job.total = total
    return True


def _same_lines(job: Job, rows: list[JobLine]) -> bool:
    def key(line):
        return (line.service_id, line.description, line.quantity, line.unit_price, line.taxable)

    return [key(line) for line in JobLine.objects.filter(job=job).order_by("position", "id")] == [
        key(row) for row in rows
    ]


def _assignees_set(actor: Membership, job: Job, members: list[Membership]) -> bool:
    wanted = {m.pk for m in members}
    current = set(JobAssignment.objects.filter(job=job).values_list("membership_id", flat=True))
    if wanted == current:
        return False
    JobAssignment.objects.filter(job=job).exclude(membership_id__in=wanted).delete()
    JobAssignment.objects.bulk_create(
        JobAssignment(
            company_id=job.company_id, job=job, membership_id=pk, scheduled_date=job.scheduled_date
        )
        for pk in wanted - current
    )
    return True


def _assignment_days_sync(job: Job) -> None:
    """The crew's copies of the job's day follow the job (see JobAssignment)."""
    JobAssignment.objects.filter(job=job).exclude(scheduled_date=job.scheduled_date).update(
        scheduled_date=job.scheduled_date
    )


def _extra_clients_set(actor: Membership, job: Job, extra: list[tuple[int, str]]) -> None:
    rows, seen = [], set()
    for client_id, role in extra:
        client = company_record(actor, Client, client_id, "extra_clients")
        if role not in JobClientRole.values:
            raise ValidationError(
                {"extra_clients": [_("The role is secondary, billing or technical.")]}
            )
        if client.pk == job.client_id or client.pk in seen:
            continue
        seen.add(client.pk)
        rows.append(JobClient(company_id=job.company_id, job=job, client=client, role=role))
    JobClient.objects.filter(job=job).delete()
    JobClient.objects.bulk_create(rows)


def _checklist_from_template(actor: Membership, job: Job, template_id) -> None:
    template = company_record(actor, ChecklistTemplate, template_id, "checklist_template")
    start = job.checklist.count()
    JobChecklistItem.objects.bulk_create(
        JobChecklistItem(
            company_id=job.company_id,
            job=job,
            text=item.text,
            required=item.required,
            position=start + i,
        )
        for i, item in enumerate(template.items.all())
    )
    job.checklist_blocks_finish = template.required_blocks_finish
    job.save(update_fields=["checklist_blocks_finish"])


def _set_schedule(actor: Membership, job: Job, fields: dict) -> None:
    for name in JOB_FIELDS:
        if name in fields:
            value = fields[name]
            if isinstance(value, str) and name not in ("scheduled_start", "scheduled_end"):
                value = value.strip()
            setattr(job, name, value)
    if not job.scheduled_start:
        raise ValidationError({"scheduled_start": [_("A job needs a day and a start time.")]})
    for name in ("scheduled_start", "scheduled_end"):
        if not dates.in_range(getattr(job, name)):
            raise ValidationError({name: [dates.OUT_OF_RANGE]})
    if timezone.is_naive(job.scheduled_start):
        job.scheduled_start = timezone.make_aware(
            job.scheduled_start, dates.company_zone(actor.company)
        )
    if job.scheduled_end and timezone.is_naive(job.scheduled_end):
        job.scheduled_end = timezone.make_aware(
            job.scheduled_end, dates.company_zone(actor.company)
        )
    if job.scheduled_end and job.scheduled_end <= job.scheduled_start:
        raise ValidationError({"scheduled_end": [_("The end is before the start.")]})
    job.scheduled_date = local_date(actor=actor, moment=job.scheduled_start)


# --- jobs ------------------------------------------------------------------------------------


@transaction.atomic
def job_create(*, actor: Membership, data: JobInput) -> Job:
    """A new job at a property (of the property's client). Raises ValidationError."""
    require(actor, Action.EDIT_RECORDS)
    if data.property in (None, ""):
        raise ValidationError({"property": [_("Pick the property where the work is done.")]})
    prop = company_record(actor, Property, data.property, "property")
    if prop.archived_at:
        raise ValidationError({"property": [_("This property is archived.")]})
    if prop.client.archived_at or prop.client.merged_into_id:
        raise ValidationError({"property": [_("This property's client is archived.")]})
    job = Job(company_id=actor.company_id, client=prop.client, property=prop, created_by=actor.user)
    _set_schedule(actor, job, data.fields)
    job.full_clean(exclude=["company", "client", "property", "created_by", "property_service"])
    members = crew_members(viewer=actor, ids=data.assignees)
    job.save()
    if data.lines:
        _lines_set(actor, job, data.lines)
        job.save(update_fields=["total"])
    _assignees_set(actor, job, members)
    if data.extra_clients:
        _extra_clients_set(actor, job, data.extra_clients)
    if data.checklist_template:
        _checklist_from_template(actor, job, data.checklist_template)
    events.job_event(actor=actor, job=job, verb=events.Verb.JOB_CREATED)
    return job


@transaction.atomic
def job_update(*, actor: Membership, job: Job, data: JobInput) -> Job:
    require(actor, Action.EDIT_RECORDS, job)
    if job.bad_debt:
        raise ValidationError(_("This job is marked bad debt; take that off to change it."))
    changed = []
    prop = (
        company_record(actor, Property, data.property, "property")
        if data.property not in (None, "")
        else None
    )
    if prop is not None and prop.pk != job.property_id:
        if prop.client_id != job.client_id:
            raise ValidationError({"property": [_("Pick one of this client's properties.")]})
        job.property = prop
        changed.append("property")
    before = {name: getattr(job, name) for name in JOB_FIELDS}
    _set_schedule(actor, job, data.fields)
    changed += [name for name in JOB_FIELDS if getattr(job, name) != before[name]]
    job.full_clean(exclude=["company", "client", "property", "created_by", "property_service"])
    if data.lines is not None:
        old_total = job.total
        if _lines_set(actor, job, data.lines):
            changed.append("lines")
        if job.total != old_total:
            changed.append("total")
    if data.assignees is not None and _assignees_set(
        actor, job, crew_members(viewer=actor, ids=data.assignees)
    ):
        changed.append("crew")
    if data.extra_clients is not None:
        _extra_clients_set(actor, job, data.extra_clients)
    if data.checklist_template:
        _checklist_from_template(actor, job, data.checklist_template)
        changed.append("checklist")
    job.save()
    _assignment_days_sync(job)
    if changed:
        events.job_event(
            actor=actor, job=job, verb=events.Verb.JOB_UPDATED, fields=", ".join(changed)
        )
    return job


@dataclass
class JobWithParts:
    """A job with the client and property it is for, each picked by id or typed new (the
    office's job form). On update the job keeps its client; a new property may be added."""

    job: JobInput  # its `property` is filled in by job_save_with_parts
    client: int | None = None  # an existing client's id...
    new_client: ClientInput | None = None  # ...or a new client
    allow_duplicate: bool = False  # the new client looks like one already there: add it anyway
    property: int | None = None  # one of the client's properties...
    new_property: dict | None = None  # ...or a new property's fields


@transaction.atomic
def job_save_with_parts(*, actor: Membership, job: Job | None, data: JobWithParts) -> Job:
    """Create a job (`job` None) or update one, creating first the new client and/or property
    typed with it: all or nothing. Raises ValidationError, or DuplicateClientError when the
    new client looks like one the company has; then nothing is saved."""
    require(actor, Action.EDIT_RECORDS, job)
    if job is not None:
        client = job.client
    elif data.client:
        client = Client.objects.filter(
            company_id=actor.company_id, pk=data.client, merged_into__isnull=True
        ).first()
        if client is None:
            raise ValidationError({"client": [_("No such client in your company.")]})
    elif data.new_client is not None:
        client = client_create(
            actor=actor, data=data.new_client, allow_duplicate=data.allow_duplicate
        )
    else:
        raise ValidationError({"client": [_("Pick a client, or add a new one below.")]})
    if data.new_property is not None:
        prop = property_create(actor=actor, client=client, data=data.new_property)
    elif data.property is None:
        raise ValidationError({"property": [_("Pick the property where the work is done.")]})
    else:
        prop = Property.objects.filter(
            company_id=actor.company_id, client=client, pk=data.property
        ).first()
        if prop is None:
            raise ValidationError({"property": [_("Pick one of this client's properties.")]})
    job_input = replace(data.job, property=prop)
    if job is None:
        return job_create(actor=actor, data=job_input)
    return job_update(actor=actor, job=job, data=job_input)


@transaction.atomic
def job_move(*, actor: Membership, job: Job, day: datetime.date | None = None, assignee=...) -> Job:
    """The schedule's drag: the job to another day (same time of day) and/or to one crew
    member (`assignee` a membership id, or None for unassigned)."""
    require(actor, Action.EDIT_RECORDS, job)
    if not job.is_open:
        raise ValidationError(_("Finished and cancelled jobs stay where they were done."))
    if not dates.in_range(day):
        raise ValidationError(dates.OUT_OF_RANGE)
    changed = []
    if day is not None and day != job.scheduled_date:
        zone = dates.company_zone(actor.company)
        start = timezone.localtime(job.scheduled_start, zone)
        new_start = datetime.datetime.combine(day, start.time(), tzinfo=zone)
        # Wall-clock time is kept across a DST change; the length of the job too.
        if job.scheduled_end:
            length = job.scheduled_end - job.scheduled_start
            job.scheduled_end = new_start + length
        job.scheduled_start = new_start
        job.scheduled_date = day
        changed.append("day")
    if assignee is not ...:
        members = crew_members(viewer=actor, ids=[assignee] if assignee else [])
        if _assignees_set(actor, job, members):
            changed.append("crew")
    if changed:
        job.save()
        _assignment_days_sync(job)
        events.job_event(
            actor=actor, job=job, verb=events.Verb.JOB_UPDATED, fields=", ".join(changed)
        )
    return job


def missing_required_items(*, job: Job) -> list[JobChecklistItem]:
    return list(job.checklist.filter(required=True, done_at__isnull=True))


@transaction.atomic
def job_transition(*, actor: Membership, job: Job, to_status: str) -> Job:
    """Move the job's status. Raises TransitionError for a move the rules forbid."""
    require_job_access(viewer=actor, job=job)
    # Two crew phones tapping at once: the status is read under a row lock, and the caller's
    # job is brought up to date with it.
    locked = Job.objects.select_for_update().get(pk=job.pk)
    job.status, job.bad_debt = locked.status, locked.bad_debt
    job.checklist_blocks_finish = locked.checklist_blocks_finish
    if to_status not in JobStatus.values:
        raise ValidationError({"status": [_("Unknown status.")]})
    from_status = job.status
    if to_status == from_status:
        raise TransitionError(
            _("The job is already %(status)s.") % {"status": job.get_status_display().lower()}
        )
    if not transitions.is_allowed(from_status, to_status, actor.role):
        if to_status in transitions.TRANSITIONS.get(from_status, ()):
            if to_status == JobStatus.CANCELLED:
                raise PermissionDenied(
                    _("Only the office can cancel a job: add a note saying why it cannot be done.")
                )
            raise PermissionDenied(_("Only the office can do this."))
        raise TransitionError(
            _("A job that is %(from)s cannot become %(to)s.")
            % {
                "from": JobStatus(from_status).label.lower(),
                "to": JobStatus(to_status).label.lower(),
            }
        )
    if job.bad_debt:
        raise TransitionError(_("This job is marked bad debt; take that off first."))
    if from_status == JobStatus.FINISHED:
        reason = job_billing_lock(job=job)
        if reason:
            raise TransitionError(reason)
    if to_status == JobStatus.FINISHED and job.checklist_blocks_finish:
        missing = missing_required_items(job=job)
        if missing:
            raise TransitionError(
                _("Tick the required checklist items first: %(items)s.")
                % {"items": ", ".join(item.text for item in missing)}
            )
    job.status = to_status
    job.status_changed_at = timezone.now()
    job.save(update_fields=["status", "status_changed_at", "updated_at"])
    JobStatusChange.objects.create(
        company_id=job.company_id,
        job=job,
        from_status=from_status,
        to_status=to_status,
        changed_by=actor.user,
    )
    events.job_event(
        actor=actor,
        job=job,
        verb=events.Verb.JOB_STATUS,
        status_from=from_status,
        status_to=to_status,
        # The words the timeline shows ("on the way"), beside the codes a program reads.
        from_label=str(JobStatus(from_status).label).lower(),
        to_label=str(JobStatus(to_status).label).lower(),
    )
    return job


@transaction.atomic
def job_set_bad_debt(*, actor: Membership, job: Job, bad_debt: bool = True) -> Job:
    """A finished job the client will not pay: billing leaves it out (Owner/Office)."""
    require(actor, Action.MARK_BAD_DEBT, job)
    if bad_debt and job.status != JobStatus.FINISHED:
        raise TransitionError(_("Only a finished job can be marked bad debt."))
    if job_billing_lock(job=job):
        raise TransitionError(_("This job is on an invoice: write the invoice off instead."))
    if job.bad_debt != bad_debt:
        job.bad_debt = bad_debt
        job.bad_debt_at = timezone.now() if bad_debt else None
        job.save(update_fields=["bad_debt", "bad_debt_at", "updated_at"])
        verb = events.Verb.JOB_BAD_DEBT if bad_debt else events.Verb.JOB_BAD_DEBT_CLEARED
        events.job_event(actor=actor, job=job, verb=verb)
    return job


@transaction.atomic
def job_archive(*, actor: Membership, job: Job) -> Job:
    """Jobs are archived, never deleted: they are the history billing and the client rely on."""
    require(actor, Action.EDIT_RECORDS, job)
    if job.status in (JobStatus.ON_THE_WAY, JobStatus.STARTED):
        raise ValidationError(_("The crew is working on this job: finish or cancel it first."))
    if job.archived_at is None:
        job.archived_at = timezone.now()
        job.save(update_fields=["archived_at", "updated_at"])
        events.job_event(actor=actor, job=job, verb=events.Verb.JOB_ARCHIVED)
    return job


@transaction.atomic
def job_restore(*, actor: Membership, job: Job) -> Job:
    require(actor, Action.EDIT_RECORDS, job)
    if job.archived_at is not None:
        job.archived_at = None
        job.save(update_fields=["archived_at", "updated_at"])
        events.job_event(actor=actor, job=job, verb=events.Verb.JOB_RESTORED)
    return job


# --- checklist -------------------------------------------------------------------------------


def _checklist_open(job: Job) -> None:
    if job.status in (JobStatus.FINISHED, JobStatus.CANCELLED):
        raise ValidationError(
            _("The job is %(status)s: its checklist is closed.")
            % {"status": job.get_status_display().lower()}
        )


@transaction.atomic
def checklist_item_set_done(
    *, actor: Membership, item: JobChecklistItem, done: bool
) -> JobChecklistItem:
    require_job_access(viewer=actor, job=item.job)
    _checklist_open(item.job)
    if done != item.done:
        item.done_at = timezone.now() if done else None
        item.done_by = actor.user if done else None
        item.save(update_fields=["done_at", "done_by"])
        verb = events.Verb.CHECKLIST_ITEM_DONE if done else events.Verb.CHECKLIST_ITEM_UNDONE
        events.checklist_item_event(actor=actor, item=item, verb=verb)
    return item


@transaction.atomic
def checklist_item_add(
    *, actor: Membership, job: Job, text: str, required: bool = False
) -> JobChecklistItem:
    require(actor, Action.EDIT_RECORDS, job)
    _checklist_open(job)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write what is to be done.")]})
    if job.checklist.count() >= MAX_CHECKLIST_ITEMS:
        raise ValidationError(
            {"text": [_("A checklist has at most %d items.") % MAX_CHECKLIST_ITEMS]}
        )
    last = job.checklist.order_by("-position").values_list("position", flat=True).first()
    item = JobChecklistItem.objects.create(
        company_id=job.company_id,
        job=job,
        text=text[:300],
        required=required,
        position=(last or 0) + 1,
    )
    events.checklist_item_event(actor=actor, item=item, verb=events.Verb.CHECKLIST_ITEM_ADDED)
    return item


@transaction.atomic
def checklist_item_remove(*, actor: Membership, item: JobChecklistItem) -> None:
    require(actor, Action.EDIT_RECORDS, item.job)
    _checklist_open(item.job)
    item.delete()
    events.checklist_item_event(actor=actor, item=item, verb=events.Verb.CHECKLIST_ITEM_REMOVED)


@transaction.atomic
def checklist_template_save(
    *,
    actor: Membership,
    template: ChecklistTemplate | None,
    name: str,
    items: list[tuple[str, bool]],
    required_blocks_finish: bool = True,
) -> ChecklistTemplate:
    """Create or replace a template. Jobs keep the copy they were given."""
    require(actor, Action.EDIT_RECORDS, template)
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("Give the checklist a name.")]
    items = [(text.strip()[:300], bool(req)) for text, req in items if text and text.strip()]
    if not items:
        errors["items"] = [_("Add at least one item.")]
    if len(items) > MAX_CHECKLIST_ITEMS:
        errors["items"] = [_("A checklist has at most %d items.") % MAX_CHECKLIST_ITEMS]
    if errors:
        raise ValidationError(errors)
    verb = events.Verb.CHECKLIST_TEMPLATE_UPDATED
    if template is None:
        template = ChecklistTemplate(company_id=actor.company_id)
        verb = events.Verb.CHECKLIST_TEMPLATE_CREATED
    elif _template_as_saved(template) == (name[:200], bool(required_blocks_finish), items):
        verb = None  # saved as it was: nothing to log
    template.name = name[:200]
    template.required_blocks_finish = required_blocks_finish
    template.save()
    template.items.all().delete()
    ChecklistTemplateItem.objects.bulk_create(
        ChecklistTemplateItem(
            company_id=actor.company_id, template=template, text=text, required=req, position=i
        )
        for i, (text, req) in enumerate(items)
    )
    if verb is not None:
        events.checklist_template_event(actor=actor, template=template, verb=verb)
    return template


def _template_as_saved(template: ChecklistTemplate) -> tuple[str, bool, list[tuple[str, bool]]]:
    items = template.items.order_by("position", "id").values_list("text", "required")
    return template.name, template.required_blocks_finish, list(items)


@transaction.atomic
def checklist_template_archive(
    *, actor: Membership, template: ChecklistTemplate
) -> ChecklistTemplate:
    require(actor, Action.EDIT_RECORDS, template)
    if template.archived_at is None:
        template.archived_at = timezone.now()
        template.save(update_fields=["archived_at"])
        events.checklist_template_event(
            actor=actor, template=template, verb=events.Verb.CHECKLIST_TEMPLATE_ARCHIVED
        )
    return template


# --- notes -----------------------------------------------------------------------------------


@transaction.atomic
def job_note_add(
    *, actor: Membership, job: Job, text: str, customer_visible: bool = False
) -> JobNote:
    """A note on the job by the office or its crew; only the office shares one with the client."""
    require_job_access(viewer=actor, job=job)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the note first.")]})
    if len(text) > 5000:
        raise ValidationError({"text": [_("A note is at most 5000 characters.")]})
    if customer_visible:
        require(actor, Action.EDIT_RECORDS, job)
    note = JobNote.objects.create(
        company_id=job.company_id,
        job=job,
        author=actor.user,
        text=text,
        customer_visible=customer_visible,
    )
    events.job_event(actor=actor, job=job, verb=events.Verb.JOB_NOTE_ADDED)
    return note


def client_history_blockers(*, client: Client) -> list[str]:
    """Jobs are history (done for this client, or naming it): the client is archived instead."""
    from crewdesk.jobs.models import JobClient

    if (
        Job.objects.filter(client=client).exists()
        or JobClient.objects.filter(client=client).exists()
    ):
        return [_("it has jobs")]
    return []


def merge_prepare(*, survivor: Client, merged: Client) -> None:
    """Before a merge moves the merged client's jobs: a job naming both clients keeps one
    mention of the survivor (as its client, or once among its extra clients)."""
    from crewdesk.jobs.models import JobClient

    # Extra mentions of the merged client on jobs that already name the survivor.
    JobClient.objects.filter(client=merged, job__client=survivor).delete()
    JobClient.objects.filter(client=merged, job__extra_clients__client=survivor).delete()
    # The survivor as an extra client of a job that is about to become its own.
    JobClient.objects.filter(client=survivor, job__client=merged).delete()
