"""What the properties API reads and writes (DESIGN §4, §6): field names are the model's, a
relation is the other record's id, money and coordinates are decimal strings."""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import field_validator

from crewdesk.clients.filters import Archived
from crewdesk.clients.schemas import ArchivedName, RecordId, TextInput
from crewdesk.core import dates
from crewdesk.core.money import MAX_AMOUNT
from crewdesk.core.paging import MAX_PAGE_SIZE
from crewdesk.properties.models import Frequency, PropertyType
from crewdesk.properties.services import WEEKDAY_CODES

PropertyTypeName = Literal[tuple(PropertyType.values)]
FrequencyName = Literal[tuple(Frequency.values)]
WeekdayCode = Literal[WEEKDAY_CODES]

# Amounts are sent as decimal strings ("120.00") or numbers; answered as strings.
Amount = Annotated[
    Decimal,
    Field(
        ge=0,
        le=MAX_AMOUNT,
        allow_inf_nan=False,
        description='A decimal amount such as "120.00".',
    ),
]
Coordinate = Annotated[Decimal, Field(ge=-180, le=180, allow_inf_nan=False)]


def money(value) -> str | None:
    return None if value is None else str(value)


# --- properties ------------------------------------------------------------------------------


class PropertyIn(TextInput):
    """A property's details; on PATCH only the fields sent change."""

    name: str | None = Field("", max_length=200)
    type: PropertyTypeName = PropertyType.RESIDENTIAL.value
    street: str | None = Field("", max_length=200)
    street2: str | None = Field("", max_length=200)
    city: str | None = Field("", max_length=100)
    region: str | None = Field("", max_length=100)
    postal_code: str | None = Field("", max_length=20)
    country: str | None = Field(
        "", max_length=2, description="ISO 3166 alpha-2; the company's by default."
    )
    latitude: Coordinate | None = None
    longitude: Coordinate | None = None
    access_notes: str | None = Field(
        "", max_length=5000, description="Gate and door codes, lockbox: office only."
    )
    description: str | None = Field("", max_length=5000)


class PropertyCreateIn(PropertyIn):
    client: RecordId = Field(..., description="The client's id.")


class PropertyPatchIn(PropertyIn):
    client: RecordId | None = Field(
        None, description="Another client's id moves the property (and its open jobs) there."
    )


class PropertyOut(Schema):
    id: int
    client: int
    label: str
    name: str
    type: str
    street: str
    street2: str
    city: str
    region: str
    postal_code: str
    country: str
    latitude: str | None
    longitude: str | None
    access_notes: str
    description: str
    archived_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_client(obj) -> int:
        return obj.client_id

    @staticmethod
    def resolve_label(obj) -> str:
        return str(obj.label)

    @staticmethod
    def resolve_latitude(obj) -> str | None:
        return money(obj.latitude)

    @staticmethod
    def resolve_longitude(obj) -> str | None:
        return money(obj.longitude)


class PropertyListQuery(TextInput):
    search: str = Field("", max_length=200, description="Words of the name, street or city.")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    client: RecordId | None = None
    type: PropertyTypeName | None = None
    archived: ArchivedName = Archived.ACTIVE


class PropertyListOut(Schema):
    items: list[PropertyOut]
    count: int
    count_exact: bool


# --- the service catalog ---------------------------------------------------------------------


class ServiceIn(TextInput):
    name: str | None = Field("", max_length=200)
    description: str | None = Field("", max_length=5000)
    default_price: Amount = Decimal("0.00")
    duration_minutes: int = Field(60, ge=0, le=24 * 60)
    taxable: bool = True


class ServiceCreateIn(ServiceIn):
    name: str = Field(..., min_length=1, max_length=200)


class ServiceOut(Schema):
    id: int
    name: str
    description: str
    default_price: str
    duration_minutes: int
    taxable: bool
    archived_at: datetime | None

    @staticmethod
    def resolve_default_price(obj) -> str:
        return money(obj.default_price)


# --- the services a property gets ------------------------------------------------------------


class PropertyServiceIn(TextInput):
    """On PATCH only the fields sent change."""

    price: Amount | None = Field(None, description="The catalog's default price if left out.")
    instructions: str | None = Field("", max_length=5000)
    frequency: FrequencyName = Field(
        Frequency.NONE.value, description='"" does not repeat; daily, weekly or monthly.'
    )
    interval: int = Field(1, ge=1, le=365, description="Every `interval` days/weeks/months.")
    weekdays: list[WeekdayCode] = Field([], max_length=7, description='Weekly: ["MO", "TH"].')
    starts_on: date | None = None
    ends_on: date | None = None
    start_time: time | None = None
    assignees: list[RecordId] | None = Field(
        None, max_length=50, description="Membership ids of the crew."
    )

    @field_validator("starts_on", "ends_on")
    @classmethod
    def _plausible_day(cls, value):
        if not dates.in_range(value):
            raise ValueError(str(dates.OUT_OF_RANGE))
        return value


class PropertyServiceCreateIn(PropertyServiceIn):
    service: RecordId = Field(..., description="The catalog service's id.")


class MemberRefOut(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj) -> str:
        user = obj.user
        return user.get_full_name() or user.get_username()


class PropertyServiceOut(Schema):
    id: int
    property: int
    service: int
    service_name: str
    price: str
    instructions: str
    frequency: str
    interval: int
    weekdays: list[str]
    starts_on: date | None
    ends_on: date | None
    start_time: time | None
    assignees: list[int]
    archived_at: datetime | None

    @staticmethod
    def resolve_property(obj) -> int:
        return obj.property_id

    @staticmethod
    def resolve_service(obj) -> int:
        return obj.service_id

    @staticmethod
    def resolve_service_name(obj) -> str:
        return obj.service.name

    @staticmethod
    def resolve_price(obj) -> str:
        return money(obj.price)

    @staticmethod
    def resolve_weekdays(obj) -> list[str]:
        return [code for code in (obj.weekdays or "").split(",") if code]

    @staticmethod
    def resolve_assignees(obj) -> list[int]:
        return [member.pk for member in obj.assignees.all()]
