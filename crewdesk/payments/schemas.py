"""What the payments API reads and writes (DESIGN §4, §6): field names are the model's, a
relation is the other record's id, money is a decimal string with two places ("50.00")."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import field_validator

from crewdesk.billing.schemas import Money
from crewdesk.clients.schemas import RecordId, TextInput
from crewdesk.core import dates
from crewdesk.core.money import MAX_AMOUNT
from crewdesk.core.paging import MAX_PAGE_SIZE
from crewdesk.payments.filters import PROBLEMS
from crewdesk.payments.models import PaymentMethod, PaymentStatus

MethodName = Literal[tuple(PaymentMethod.values)]
StatusName = Literal[tuple(PaymentStatus.values)]
StatusFilter = Literal[("", PROBLEMS, *PaymentStatus.values)]
MethodFilter = Literal[("", *PaymentMethod.values)]

# More invoices than one payment reasonably pays (a batch is paid with `batch`).
MAX_ALLOCATIONS = 1000
REASON_LENGTH = 300

Amount = Annotated[
    Decimal,
    Field(
        gt=0,
        le=MAX_AMOUNT,
        allow_inf_nan=False,
        description='A decimal string such as "50.00".',
    ),
]


# --- input -----------------------------------------------------------------------------------


class AllocationIn(Schema):
    invoice: RecordId = Field(..., description="An open or partially paid invoice's id.")
    amount: Amount = Field(..., description="At most the invoice's balance.")


Allocations = Annotated[list[AllocationIn], Field(max_length=MAX_ALLOCATIONS)]


class PaymentCreateIn(TextInput):
    """A payment the office took: completed at once. It pays the invoices named in
    `allocations` (together at most `amount`), or with `batch` that batch's invoices oldest
    due first; what is left is the client's credit."""

    client: RecordId = Field(..., description="The client's id.")
    method: MethodName
    amount: Amount
    reference: str = Field(
        "", max_length=100, description="The check number, or the transfer's confirmation code."
    )
    received_at: str | None = Field(
        None,
        max_length=40,
        description="A day (2027-03-01, midday in the company's time zone) or a moment "
        "(ISO 8601); now when left out. Never in the future.",
    )
    allocations: Allocations = []
    batch: RecordId | None = Field(
        None, description="A batch of the client's to pay all of (instead of `allocations`)."
    )


class ApproveIn(Schema):
    allocations: Allocations | None = Field(
        None,
        description="Where the money goes; left out: what the customer reported it for (its "
        "invoice, or its batch oldest due first), up to the balances.",
    )


class ReasonIn(TextInput):
    reason: str = Field("", max_length=REASON_LENGTH)


class RejectIn(TextInput):
    reason: str = Field(
        "", max_length=REASON_LENGTH, description="Why, for the customer (required)."
    )


class RefundIn(TextInput):
    amount: Amount = Field(..., description="At most what was paid and not refunded yet.")
    invoices: list[RecordId] | None = Field(
        None,
        max_length=MAX_ALLOCATIONS,
        description="Invoices to take it back from, in this order, after the unapplied credit; "
        "left out: the newest invoice first.",
    )
    reason: str = Field("", max_length=REASON_LENGTH)


class ApplyIn(Schema):
    allocations: Allocations = Field(..., description="The credit to put on invoices.")


class PaymentListQuery(TextInput):
    """The payments list's filters: the names of payments/filters.py's PaymentFilters (the
    office's page reads the same object from its form)."""

    search: str = Field(
        "", max_length=200, description="A payment's reference (a check number), or the client's."
    )
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    status: StatusFilter = Field(
        "",
        description=f'A status ("to_approval": the approval queue), or "{PROBLEMS}" for '
        "failed and refunded ones.",
    )
    method: MethodFilter = ""
    client: RecordId | None = None
    date_from: date | None = Field(None, description="Received on or after this day.")
    date_to: date | None = Field(None, description="Received on or before this day.")

    @field_validator("date_from", "date_to")
    @classmethod
    def _plausible_day(cls, value):
        if value is not None and not dates.in_range(value):
            raise ValueError(str(dates.OUT_OF_RANGE))
        return value


# --- output ----------------------------------------------------------------------------------


class PaymentOut(Schema):
    id: int
    client: int
    method: MethodName
    status: StatusName
    amount: Money
    fee_amount: Money = Field(..., description="The card fee, kept on the payment.")
    currency: str
    reference: str
    received_at: datetime
    invoice: int | None = Field(..., description="The invoice it was made for, if one.")
    batch: int | None = Field(..., description="The batch it was made for, if one.")
    refunded_amount: Money
    fee_refunded: Money
    credit: Money = Field(
        ..., description="What it has left to apply or refund (the client's credit)."
    )
    reported: bool = Field(..., description="A customer's report (else the office recorded it).")
    unmatched: bool = Field(
        ...,
        description="An online payment whose amount or currency is not what was asked: it waits"
        " in the approval queue, applied to nothing, until the office reviews it.",
    )
    rejection_reason: str
    failure_reason: str
    reviewed_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_client(obj) -> int:
        return obj.client_id

    @staticmethod
    def resolve_invoice(obj) -> int | None:
        return obj.invoice_id

    @staticmethod
    def resolve_batch(obj) -> int | None:
        return obj.batch_id

    @staticmethod
    def resolve_reported(obj) -> bool:
        return obj.reported_by_id is not None


class AllocationOut(Schema):
    id: int
    invoice: int
    amount: Money
    created_at: datetime
    reversed_at: datetime | None = Field(..., description="Undone then (its money is credit).")
    reversal_reason: str

    @staticmethod
    def resolve_invoice(obj) -> int:
        return obj.invoice_id


class RefundOut(Schema):
    id: int
    amount: Money
    fee_amount: Money = Field(..., description="The card fee's share given back.")
    reason: str
    created_at: datetime


class PaymentDetailOut(PaymentOut):
    allocations: list[AllocationOut] = Field(..., description="Oldest first, the undone too.")
    refunds: list[RefundOut]

    @staticmethod
    def resolve_allocations(obj) -> list:
        return obj.allocation_list

    @staticmethod
    def resolve_refunds(obj) -> list:
        return obj.refund_list


class PaymentListOut(Schema):
    items: list[PaymentOut] = Field(..., description="Without allocations: GET one for those.")
    count: int
    count_exact: bool
