"""What the invoices and batch-invoices API reads and writes (DESIGN §4, §6): field names are
the model's, a relation is the other record's id, money is a decimal string with two places
("120.00"), and a draft's `number` is null."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ValidationInfo, field_validator

from crewdesk.billing.amounts import quantize
from crewdesk.billing.documents import public_url
from crewdesk.billing.filters import UNPAID
from crewdesk.billing.models import InvoiceKind, InvoiceStatus
from crewdesk.billing.sending import MAX_MESSAGE
from crewdesk.billing.services import MAX_LINES
from crewdesk.clients.schemas import RecordId, TextInput
from crewdesk.core import dates
from crewdesk.core.money import MAX_AMOUNT, MAX_QUANTITY
from crewdesk.core.paging import MAX_PAGE_SIZE

StatusName = Literal[tuple(InvoiceStatus.values)]
StatusFilter = Literal[("", UNPAID, *InvoiceStatus.values)]
KindName = Literal[tuple(InvoiceKind.values)]

MAX_BATCH_INVOICES = 1000
MAX_JOBS = 200

# A price written by hand may be negative: a credit or an adjustment.
UnitPrice = Annotated[Decimal, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, allow_inf_nan=False)]
Quantity = Annotated[Decimal, Field(ge=0, le=MAX_QUANTITY, allow_inf_nan=False)]
Amount = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False)]


def _money_text(value) -> str:
    return str(quantize(value))


# Money out: a decimal string with two places, "120.00".
Money = Annotated[
    str,
    BeforeValidator(_money_text),
    Field(description='A decimal string such as "120.00".', pattern=r"^-?\d+\.\d{2}$"),
]


# --- input -----------------------------------------------------------------------------------


class InvoiceLineIn(TextInput):
    """A line written by hand (negative for a credit)."""

    service: RecordId | None = Field(
        None, description="A catalog service's id: fills a blank description and the taxable flag."
    )
    description: str = Field("", max_length=300)
    quantity: Quantity = Decimal("1")
    unit_price: UnitPrice = Field(..., description='A decimal string such as "120.00".')
    taxable: bool | None = Field(None, description="The service's, else true, when left out.")


class _Discount(TextInput):
    discount: Amount | None = Field(None, description="An amount off the subtotal.")
    discount_percent: Percent | None = Field(
        None, description="A percent off the subtotal (instead of `discount`)."
    )
    customer_message: str | None = Field(
        None, max_length=10_000, description="Printed on the invoice."
    )

    @field_validator("discount_percent")
    @classmethod
    def _one_discount(cls, value, info: ValidationInfo):
        if value is not None and info.data.get("discount") is not None:
            raise ValueError("Send either discount or discount_percent, not both.")
        return value


class InvoiceCreateIn(_Discount):
    """A new invoice for one client: the finished `jobs` (every line of theirs not invoiced
    yet), chosen `job_lines` (a partial invoice) and `lines` by hand, in that order."""

    client: RecordId = Field(..., description="The client's id.")
    jobs: list[RecordId] = Field([], max_length=MAX_JOBS, description="Finished jobs' ids.")
    job_lines: list[RecordId] = Field(
        [], max_length=MAX_LINES, description="Ids of chosen lines of finished jobs."
    )
    lines: list[InvoiceLineIn] = Field([], max_length=MAX_LINES)
    kind: KindName = InvoiceKind.STANDARD.value
    deposit_for: RecordId | None = Field(
        None, description="A deposit's job: its final invoice uses the deposit first."
    )
    issue: bool = Field(False, description="Issue it at once: it gets its number.")


class InvoiceIn(_Discount):
    """A change to a draft, or to an issued invoice with nothing paid on it (else 409: void it
    and issue a new one). Only what is sent changes."""

    add_lines: list[InvoiceLineIn] = Field(
        [], max_length=MAX_LINES, description="Lines by hand added after the others."
    )
    remove_lines: list[RecordId] = Field(
        [],
        max_length=MAX_LINES,
        description="Ids of this invoice's lines to take off (a job's line is free again).",
    )


class VoidIn(TextInput):
    reason: str = Field("", max_length=300)


class SendIn(TextInput):
    """Who an invoice or a batch is emailed to, and a note above it."""

    to: str | None = Field(
        None,
        max_length=254,
        description="The client's email or one of its contacts' (the client's when left out).",
    )
    message: str = Field("", max_length=MAX_MESSAGE, description="A note above the document.")


class LinkIn(Schema):
    reissue: bool = Field(
        False, description="Give it a new public link at once (else it has none until then)."
    )


class BatchCreateIn(Schema):
    client: RecordId = Field(..., description="The client's id.")
    invoices: list[RecordId] = Field(
        ...,
        max_length=MAX_BATCH_INVOICES,
        description="Ids of the client's open or partially paid invoices, in no other batch.",
    )


def _in_range(value):
    if not dates.in_range(value):
        raise ValueError(str(dates.OUT_OF_RANGE))
    return value


class InvoiceListQuery(TextInput):
    """The invoices list's filters: the names of billing/filters.py's InvoiceFilters (the
    office's page reads the same object from its form)."""

    search: str = Field(
        "",
        max_length=200,
        description="An invoice number (INV-0012, or its digits), or the client's words.",
    )
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    status: StatusFilter = Field(
        "", description=f'A status, or "{UNPAID}" for open and partially paid ones.'
    )
    client: RecordId | None = None
    property: RecordId | None = Field(
        None, description="The invoice's property, or one of its lines'."
    )
    date_from: date | None = Field(None, description="Issued on or after this day.")
    date_to: date | None = Field(None, description="Issued on or before this day.")
    overdue: bool = Field(False, description="Only unpaid invoices past their due date.")

    @field_validator("date_from", "date_to")
    @classmethod
    def _plausible_day(cls, value):
        return _in_range(value)


class BatchListQuery(TextInput):
    search: str = Field("", max_length=200, description="A batch number, or the client's words.")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    client: RecordId | None = None


# --- output ----------------------------------------------------------------------------------


class InvoiceLineOut(Schema):
    id: int
    job: int | None = Field(..., description="The job it was copied from.")
    job_line: int | None
    property: int | None
    service: int | None
    service_date: date | None
    description: str
    quantity: str
    unit_price: Money
    taxable: bool
    amount: Money = Field(..., description="Quantity × unit price, half-up to the cent.")
    discount: Money = Field(..., description="This line's share of the invoice's discount.")

    @staticmethod
    def resolve_job(obj) -> int | None:
        return obj.job_id

    @staticmethod
    def resolve_job_line(obj) -> int | None:
        return obj.job_line_id

    @staticmethod
    def resolve_property(obj) -> int | None:
        return obj.property_id

    @staticmethod
    def resolve_service(obj) -> int | None:
        return obj.service_id

    @staticmethod
    def resolve_quantity(obj) -> str:
        return str(obj.quantity)


class InvoiceOut(Schema):
    id: int
    number: str | None = Field(..., description="Null while a draft.")
    kind: KindName
    status: StatusName
    client: int
    property: int | None = Field(..., description="Null when the lines are at several.")
    deposit_for: int | None
    issue_date: date | None
    due_date: date | None
    payment_terms_days: int
    sent_at: datetime | None
    currency: str
    tax_rate: str = Field(..., description="Percent, kept from the company when issued.")
    tax_exempt: bool
    discount_percent: str | None
    subtotal: Money
    discount: Money
    tax: Money
    total: Money
    amount_paid: Money
    written_off: Money
    balance: Money
    customer_message: str
    void_reason: str
    voided_at: datetime | None
    written_off_at: datetime | None
    created_at: datetime
    public_url: str | None = Field(
        ..., description="The customer's page of it, without login; null while it has no link."
    )

    @staticmethod
    def resolve_number(obj) -> str | None:
        return obj.number or None

    @staticmethod
    def resolve_client(obj) -> int:
        return obj.client_id

    @staticmethod
    def resolve_property(obj) -> int | None:
        return obj.property_id

    @staticmethod
    def resolve_deposit_for(obj) -> int | None:
        return obj.deposit_for_id

    @staticmethod
    def resolve_tax_rate(obj) -> str:
        return str(obj.tax_rate)

    @staticmethod
    def resolve_discount_percent(obj) -> str | None:
        return None if obj.discount_percent is None else str(obj.discount_percent)

    @staticmethod
    def resolve_public_url(obj) -> str | None:
        return public_url(obj.public_token) or None


class InvoiceDetailOut(InvoiceOut):
    lines: list[InvoiceLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return obj.line_list


class InvoiceListOut(Schema):
    items: list[InvoiceOut] = Field(..., description="Without their lines: GET one for those.")
    count: int
    count_exact: bool


class BatchOut(Schema):
    id: int
    number: str
    client: int
    total: Money = Field(..., description="The sum of its invoices' totals.")
    balance: Money = Field(..., description="The sum of its invoices' balances.")
    invoices: list[int] = Field(..., description="Its invoices' ids (a voided one has left).")
    sent_at: datetime | None
    created_at: datetime
    public_url: str | None = Field(
        ..., description="The customer's page of it, without login; null while it has no link."
    )

    @staticmethod
    def resolve_client(obj) -> int:
        return obj.client_id

    @staticmethod
    def resolve_invoices(obj) -> list[int]:
        return [item.invoice_id for item in obj.items.all()]

    @staticmethod
    def resolve_public_url(obj) -> str | None:
        return public_url(obj.public_token) or None


class BatchListOut(Schema):
    items: list[BatchOut]
    count: int
    count_exact: bool


class BatchPdfProgressOut(Schema):
    """A big batch's PDF is being made in the background: GET `status_url` (the PDF's own
    URL) again until it answers the PDF."""

    detail: str
    status: str | None = Field(..., description="queued, rendering, done or failed.")
    done: int = Field(..., description="Invoices laid out so far.")
    total: int
    percent: int
    ready: bool
    error: str
    status_url: str
