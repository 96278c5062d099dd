"""The jobs part of the API (DESIGN §6): jobs, their status moves, checklists and attachments,
and the checklist templates. Thin: each endpoint parses, calls the service or selector the
pages use, and answers.

Who sees what is the selectors' (`job_queryset`): the office every job of its company, an
employee only the jobs assigned to them (another job's id answers 404), a customer none (403).
An employee's token sees its jobs fully except the money (`total`, `unit_price`, `amount` are
null), may move their status, tick their checklists and add photos; the rest is the office's."""

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from crewdesk.api.errors import BODY_ERRORS, COMMON_ERRORS, CONFLICT_ERRORS, refusal_is_conflict
from crewdesk.api.pagination import PageNumberPagination, bounded_count
from crewdesk.core.responses import private_file_response
from crewdesk.jobs import selectors, services
from crewdesk.jobs.filters import JobFilters
from crewdesk.jobs.models import Job, JobChecklistItem, JobLine
from crewdesk.jobs.schemas import (
    AttachmentKindName,
    AttachmentOut,
    BadDebtIn,
    ChecklistDoneIn,
    ChecklistItemIn,
    ChecklistItemOut,
    ChecklistTemplateOut,
    JobCreateIn,
    JobDetailOut,
    JobIn,
    JobListOut,
    JobListQuery,
    TransitionIn,
)
from crewdesk.properties.services import access_notes_for

router = Router(tags=["jobs"])

TEXT_FIELDS = ("title", "internal_notes", "customer_notes")
JOB_FIELDS = (*TEXT_FIELDS, "scheduled_start", "scheduled_end")


def _with_parts(jobs: QuerySet[Job]) -> QuerySet[Job]:
    """Jobs with everything JobOut reads, in a fixed number of queries for any page size."""
    return selectors.with_list_data(jobs=jobs).prefetch_related(
        Prefetch("lines", queryset=JobLine.objects.order_by("position", "id")),
        "extra_clients",
    )


def _job(request: HttpRequest, job_id: int) -> Job:
    """A job the token may see (404 otherwise, and 403 for a role that sees no jobs)."""
    return selectors.job_get(viewer=request.membership, job_id=job_id)


def _detail(request: HttpRequest, job_id: int, *, reading: bool = False) -> Job:
    """The job (read afresh, after a write too: the stored values) with its checklist, notes
    and the property's access notes; DoesNotExist (404) for a job the member may not see.
    An employee's reading of the notes is logged, so they come only with `reading`."""
    member = request.membership
    job = _with_parts(selectors.job_queryset(viewer=member)).get(pk=job_id)
    job.checklist_items = list(selectors.job_checklist(job=job))
    job.note_list = list(
        job.notes.filter(archived_at__isnull=True).select_related("author").order_by("-id")
    )
    job.access_notes = (
        access_notes_for(viewer=member, prop=job.property, job=job)
        if reading or selectors.sees_all_jobs(viewer=member)
        else None
    )
    return job


def _job_input(payload: JobIn) -> services.JobInput:
    """The parts sent (and only those) as the services take them."""
    sent = payload.model_fields_set
    fields = {}
    for name in JOB_FIELDS:
        if name in sent:
            value = getattr(payload, name)
            fields[name] = (value or "") if name in TEXT_FIELDS else value
    return services.JobInput(
        fields=fields,
        property=payload.property if "property" in sent else None,
        lines=(
            [
                services.LineInput(
                    description=line.description,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    service=line.service,
                    taxable=line.taxable,
                )
                for line in payload.lines
            ]
            if "lines" in sent
            else None
        ),
        assignees=list(payload.assignees) if "assignees" in sent else None,
        extra_clients=(
            [(extra.client, extra.role) for extra in payload.extra_clients]
            if "extra_clients" in sent
            else None
        ),
        checklist_template=payload.checklist_template if "checklist_template" in sent else None,
    )


# --- jobs ------------------------------------------------------------------------------------


@router.get("/jobs", response={200: JobListOut, **COMMON_ERRORS})
def job_list(request, filters: Query[JobListQuery]):
    """Jobs filtered and searched (a job number, or the client as the clients search finds
    it), in the order of the office's list: with `status=open` the oldest first (overdue on
    top, then what comes next), any other list newest first. The office sees every job, an
    employee's token only their own."""
    found = selectors.job_list(viewer=request.membership, filters=JobFilters.from_query(filters))
    count, exact = bounded_count(found)
    start = (filters.page - 1) * filters.page_size
    return {
        "items": list(_with_parts(found)[start : start + filters.page_size]),
        "count": count,
        "count_exact": exact,
    }


@router.post("/jobs", response={201: JobDetailOut, **BODY_ERRORS})
def job_new(request, payload: JobCreateIn):
    """Create a job at a property (for the property's client). Office only."""
    job = services.job_create(actor=request.membership, data=_job_input(payload))
    return Status(201, _detail(request, job.pk))


@router.get("/jobs/{job_id}", response={200: JobDetailOut, **COMMON_ERRORS}, url_name="job_detail")
def job_detail(request, job_id: int):
    """A job with its lines, crew, checklist, notes and the property's access notes."""
    return _detail(request, job_id, reading=True)


@router.patch("/jobs/{job_id}", response={200: JobDetailOut, **BODY_ERRORS})
def job_change(request, job_id: int, payload: JobIn):
    """Change a job (office only): only the fields sent change; a list sent (lines, crew,
    extra clients) replaces the job's; a checklist template adds its items."""
    job = _job(request, job_id)
    with refusal_is_conflict(services.TransitionError):
        job = services.job_update(actor=request.membership, job=job, data=_job_input(payload))
    return _detail(request, job.pk)


@router.post("/jobs/{job_id}/transition", response={200: JobDetailOut, **BODY_ERRORS})
def job_transition(request, job_id: int, payload: TransitionIn):
    """Move the job's status, say `{"status": "on_the_way"}`. A move the rules forbid answers
    409 with why; cancelling a job, reopening a finished one or restoring a cancelled one is
    the office's (403 for an employee's token)."""
    job = _job(request, job_id)
    with refusal_is_conflict(services.TransitionError):
        job = services.job_transition(actor=request.membership, job=job, to_status=payload.status)
    return _detail(request, job.pk)


@router.post("/jobs/{job_id}/bad-debt", response={200: JobDetailOut, **BODY_ERRORS})
def job_bad_debt(request, job_id: int, payload: BadDebtIn):
    """Mark a finished job bad debt (billing leaves it out), or take that off. Office only."""
    job = _job(request, job_id)
    with refusal_is_conflict(services.TransitionError):
        job = services.job_set_bad_debt(
            actor=request.membership, job=job, bad_debt=payload.bad_debt
        )
    return _detail(request, job.pk)


@router.post("/jobs/{job_id}/archive", response={200: JobDetailOut, **CONFLICT_ERRORS})
def job_archive(request, job_id: int):
    """Archive a job (never deleted). A job the crew is working on answers 409."""
    job = _job(request, job_id)
    with refusal_is_conflict(services.TransitionError):
        job = services.job_archive(actor=request.membership, job=job)
    return _detail(request, job.pk)


@router.post("/jobs/{job_id}/restore", response={200: JobDetailOut, **CONFLICT_ERRORS})
def job_restore(request, job_id: int):
    job = _job(request, job_id)
    job = services.job_restore(actor=request.membership, job=job)
    return _detail(request, job.pk)


# --- checklist -------------------------------------------------------------------------------


@router.get("/jobs/{job_id}/checklist", response={200: list[ChecklistItemOut], **COMMON_ERRORS})
@paginate(PageNumberPagination)
def checklist_list(request, job_id: int):
    """The job's checklist in order."""
    return selectors.job_checklist(job=_job(request, job_id))


@router.post("/jobs/{job_id}/checklist", response={201: ChecklistItemOut, **BODY_ERRORS})
def checklist_item_new(request, job_id: int, payload: ChecklistItemIn):
    """Add an item to the job's checklist (office only)."""
    job = _job(request, job_id)
    with refusal_is_conflict(services.TransitionError):
        item = services.checklist_item_add(
            actor=request.membership, job=job, text=payload.text, required=payload.required
        )
    return Status(201, item)


@router.patch("/jobs/{job_id}/checklist/{item_id}", response={200: ChecklistItemOut, **BODY_ERRORS})
def checklist_item_change(request, job_id: int, item_id: int, payload: ChecklistDoneIn):
    """Tick an item (`{"done": true}`) or untick it; a finished job's checklist is closed (409)."""
    job = _job(request, job_id)
    item = JobChecklistItem.objects.select_related("done_by").get(job=job, pk=item_id)
    item.job = job
    with refusal_is_conflict(services.TransitionError):
        return services.checklist_item_set_done(
            actor=request.membership, item=item, done=payload.done
        )


@router.get(
    "/checklist-templates",
    response={200: list[ChecklistTemplateOut], **COMMON_ERRORS},
    tags=["checklist templates"],
)
@paginate(PageNumberPagination)
def checklist_template_list(request):
    """The company's checklist templates (send one's id as a job's `checklist_template`)."""
    return selectors.checklist_templates(viewer=request.membership)


# --- attachments -----------------------------------------------------------------------------


@router.get("/jobs/{job_id}/attachments", response={200: list[AttachmentOut], **COMMON_ERRORS})
@paginate(PageNumberPagination)
def attachment_list(request, job_id: int):
    """The job's photos and documents; `url` downloads one (with the same token)."""
    return selectors.job_attachments(viewer=request.membership, job=_job(request, job_id))


@router.post("/jobs/{job_id}/attachments", response={201: AttachmentOut, **BODY_ERRORS})
def attachment_new(
    request,
    job_id: int,
    file: File[UploadedFile],
    kind: Form[AttachmentKindName],
    customer_visible: Form[bool] = False,
):
    """Upload a photo (JPEG, PNG or WebP) or document (PDF, or a picture) as a multipart form:
    `file`, `kind`, `customer_visible`. Files are checked by what they are, pictures stripped
    of their metadata and thumbnailed; the upload limits (per file, per day) answer 422."""
    from crewdesk.jobs.attachments import attachment_add

    job = _job(request, job_id)
    attachment = attachment_add(
        request.membership, job, file, kind=kind, customer_visible=customer_visible
    )
    return Status(201, attachment)


@router.get(
    "/jobs/{job_id}/attachments/{attachment_id}/file",
    response={200: None, **COMMON_ERRORS},
    url_name="job_attachment_file",
    openapi_extra={"responses": {"200": {"description": "The file's bytes."}}},
)
def attachment_file(request, job_id: int, attachment_id: int):
    """The file itself: an image is shown inline, anything else is a download."""
    job = _job(request, job_id)
    attachment = selectors.attachment_get(viewer=request.membership, attachment_id=attachment_id)
    if attachment.job_id != job.pk or attachment.archived_at is not None:
        raise attachment.DoesNotExist
    return private_file_response(
        attachment.file,
        name=attachment.name,
        content_type=attachment.content_type,
        inline=attachment.is_image,
    )
