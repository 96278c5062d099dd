"""What the jobs API reads and writes (DESIGN §4, §6): field names are the model's, a relation
is the other record's id, money is a decimal string.

An employee's token sees the jobs assigned to them, fully except the office's part: `total`,
a line's `unit_price` and `amount`, and `internal_notes` are null for them, as the crew's page
leaves them out (one rule: `selectors.sees_office_details`)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import field_validator, model_validator

from crewdesk.clients.schemas import RecordId, TextInput
from crewdesk.core import dates
from crewdesk.core.money import MAX_AMOUNT, MAX_QUANTITY
from crewdesk.core.paging import MAX_PAGE_SIZE
from crewdesk.core.records import MAX_ID
from crewdesk.jobs.filters import OPEN
from crewdesk.jobs.models import AttachmentKind, JobClientRole, JobStatus

StatusName = Literal[tuple(JobStatus.values)]
StatusFilter = Literal[("", OPEN, *JobStatus.values)]
ClientRoleName = Literal[tuple(JobClientRole.values)]
AttachmentKindName = Literal[tuple(AttachmentKind.values)]

Price = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
Quantity = Annotated[Decimal, Field(ge=0, le=MAX_QUANTITY, allow_inf_nan=False)]


def _in_range(value):
    if not dates.in_range(value):
        raise ValueError(str(dates.OUT_OF_RANGE))
    return value


def _sees_office_details(context) -> bool:
    from crewdesk.jobs.selectors import sees_office_details

    request = (context or {}).get("request")
    return sees_office_details(viewer=getattr(request, "membership", None))


def _money(value, context) -> str | None:
    return str(value) if value is not None and _sees_office_details(context) else None


# --- input -----------------------------------------------------------------------------------


class LineIn(TextInput):
    service: RecordId | None = Field(
        None, description="A catalog service's id: fills a blank description and price."
    )
    description: str = Field("", max_length=300)
    quantity: Quantity = Decimal("1")
    unit_price: Price | None = Field(None, description='A decimal string such as "120.00".')
    taxable: bool | None = None


class ExtraClientIn(Schema):
    client: RecordId
    role: ClientRoleName


class JobIn(TextInput):
    """A job's details; on PATCH only the fields sent change (a list sent replaces the old)."""

    property: RecordId | None = Field(None, description="The property's id.")
    title: str | None = Field("", max_length=200)
    scheduled_start: datetime | None = Field(
        None, description="ISO 8601; without an offset, in the company's time zone."
    )
    scheduled_end: datetime | None = None
    internal_notes: str | None = Field("", max_length=10_000)
    customer_notes: str | None = Field("", max_length=10_000)
    assignees: list[RecordId] = Field([], max_length=50, description="Membership ids of the crew.")
    lines: list[LineIn] = Field([], max_length=100)
    extra_clients: list[ExtraClientIn] = Field([], max_length=20)
    checklist_template: RecordId | None = Field(
        None, description="A checklist template's id: its items are added to the job."
    )

    @field_validator("scheduled_start", "scheduled_end")
    @classmethod
    def _plausible_day(cls, value):
        return _in_range(value)

    @model_validator(mode="after")
    def _total_fits(self):
        total = sum(
            (line.quantity * line.unit_price for line in self.lines if line.unit_price is not None),
            Decimal("0"),
        )
        if total > MAX_AMOUNT:
            raise ValueError("The lines add up to more than a job can charge.")
        return self


class JobCreateIn(JobIn):
    property: RecordId = Field(..., description="The property's id.")
    scheduled_start: datetime = Field(
        ..., description="ISO 8601; without an offset, in the company's time zone."
    )


class TransitionIn(Schema):
    status: StatusName


class BadDebtIn(Schema):
    bad_debt: bool = True


class ChecklistItemIn(TextInput):
    text: str = Field(..., min_length=1, max_length=300)
    required: bool = False


class ChecklistDoneIn(Schema):
    done: bool


class JobListQuery(TextInput):
    search: str = Field(
        "", max_length=200, description="A job number (#123), or the client's words."
    )
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    status: StatusFilter = Field("", description='A status, or "open" for the unfinished ones.')
    date_from: date | None = None
    date_to: date | None = None
    employee: int | None = Field(
        None, ge=0, le=MAX_ID, description="A membership id; 0 for jobs nobody is on."
    )
    client: RecordId | None = None
    property: RecordId | None = None
    archived: bool = False

    @field_validator("date_from", "date_to")
    @classmethod
    def _plausible_day(cls, value):
        return _in_range(value)


# --- output ----------------------------------------------------------------------------------


class LineOut(Schema):
    id: int
    service: int | None
    description: str
    quantity: str
    unit_price: str | None = Field(..., description="Null for an employee's token.")
    amount: str | None = Field(..., description="Null for an employee's token.")
    taxable: bool

    @staticmethod
    def resolve_service(obj) -> int | None:
        return obj.service_id

    @staticmethod
    def resolve_quantity(obj) -> str:
        return str(obj.quantity)

    @staticmethod
    def resolve_unit_price(obj, context) -> str | None:
        return _money(obj.unit_price, context)

    @staticmethod
    def resolve_amount(obj, context) -> str | None:
        return _money(obj.amount, context)


class ExtraClientOut(Schema):
    client: int
    role: str

    @staticmethod
    def resolve_client(obj) -> int:
        return obj.client_id


class JobOut(Schema):
    id: int
    client: int
    property: int
    property_label: str
    title: str
    scheduled_start: datetime
    scheduled_end: datetime | None
    scheduled_date: date
    status: StatusName
    status_changed_at: datetime | None
    total: str | None = Field(..., description="Null for an employee's token.")
    bad_debt: bool
    internal_notes: str | None = Field(..., description="Null for an employee's token.")
    customer_notes: str
    assignees: list[int] = Field(..., description="Membership ids of the crew.")
    lines: list[LineOut]
    extra_clients: list[ExtraClientOut]
    property_service: int | None
    archived_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_client(obj) -> int:
        return obj.client_id

    @staticmethod
    def resolve_property(obj) -> int:
        return obj.property_id

    @staticmethod
    def resolve_property_label(obj) -> str:
        return str(obj.property.label)

    @staticmethod
    def resolve_total(obj, context) -> str | None:
        return _money(obj.total, context)

    @staticmethod
    def resolve_internal_notes(obj, context) -> str | None:
        return obj.internal_notes if _sees_office_details(context) else None

    @staticmethod
    def resolve_assignees(obj) -> list[int]:
        return [a.membership_id for a in obj.assignments.all()]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_extra_clients(obj) -> list:
        return list(obj.extra_clients.all())

    @staticmethod
    def resolve_property_service(obj) -> int | None:
        return obj.property_service_id


class JobListOut(Schema):
    items: list[JobOut]
    count: int
    count_exact: bool


class ChecklistItemOut(Schema):
    id: int
    text: str
    required: bool
    position: int
    done: bool
    done_at: datetime | None
    done_by: str | None = Field(..., description="Who ticked it.")

    @staticmethod
    def resolve_done_by(obj) -> str | None:
        user = obj.done_by
        return (user.get_full_name() or user.get_username()) if user else None


class JobNoteOut(Schema):
    id: int
    text: str
    customer_visible: bool
    author: str | None
    created_at: datetime

    @staticmethod
    def resolve_author(obj) -> str | None:
        user = obj.author
        return (user.get_full_name() or user.get_username()) if user else None


class JobDetailOut(JobOut):
    checklist: list[ChecklistItemOut]
    notes: list[JobNoteOut]
    access_notes: str | None = Field(
        ...,
        description=(
            "The property's access notes. An employee's token gets them from GET /jobs/{id}"
            " only (the reading is logged), for an open job from the day before its date to"
            " the day after; null in other answers and when not allowed."
        ),
    )

    @staticmethod
    def resolve_checklist(obj) -> list:
        return obj.checklist_items

    @staticmethod
    def resolve_notes(obj) -> list:
        return obj.note_list


class ChecklistTemplateItemOut(Schema):
    text: str
    required: bool


class ChecklistTemplateOut(Schema):
    id: int
    name: str
    required_blocks_finish: bool
    items: list[ChecklistTemplateItemOut]

    @staticmethod
    def resolve_items(obj) -> list:
        return list(obj.items.all())


class AttachmentOut(Schema):
    id: int
    kind: str
    name: str
    size: int
    content_type: str
    is_image: bool
    width: int | None
    height: int | None
    customer_visible: bool
    uploaded_at: datetime
    url: str = Field(..., description="Where to download the file (with the same token).")

    @staticmethod
    def resolve_url(obj) -> str:
        from django.urls import reverse

        return reverse(
            "api:job_attachment_file", kwargs={"job_id": obj.job_id, "attachment_id": obj.pk}
        )
