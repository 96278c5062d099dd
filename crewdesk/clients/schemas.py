"""What the clients API reads and writes (DESIGN §4, §6): field names are the model's, a
relation is the other record's id, a client's `email` and `phone` are its primary ones."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import field_validator

from crewdesk.clients.filters import Archived
from crewdesk.clients.models import (
    ClientKind,
    ClientType,
    ContactMethod,
    ContactRole,
    NoteVisibility,
    PhoneKind,
)
from crewdesk.core.paging import MAX_PAGE_SIZE
from crewdesk.core.records import MAX_ID

KindName = Literal[tuple(ClientKind.values)]
ClientTypeName = Literal[("", *ClientType.values)]
ContactMethodName = Literal[tuple(ContactMethod.values)]
LanguageCode = Literal[tuple(code for code, _name in settings.LANGUAGES)]
PhoneKindName = Literal[tuple(PhoneKind.values)]
ContactRoleName = Literal[tuple(ContactRole.values)]
VisibilityName = Literal[tuple(NoteVisibility.values)]
ArchivedName = Literal[Archived.ACTIVE, Archived.ARCHIVED, Archived.ALL]

# A record's id as databases store it (a bigint): larger numbers are refused, not overflowed.
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]

UNSTORABLE_TEXT = _("Text cannot contain NUL characters or lone surrogates.")


def _storable(value):
    """Text no database can store (NUL, lone surrogates) is refused as input, not a 500."""
    if isinstance(value, str):
        if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
            raise ValueError(str(UNSTORABLE_TEXT))
    elif isinstance(value, list | tuple):
        for item in value:
            _storable(item)
    return value


class TextInput(Schema):
    """An input whose text fields are checked to be storable."""

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_storable(cls, value):
        return _storable(value)


# --- clients ---------------------------------------------------------------------------------


class PhoneIn(TextInput):
    kind: PhoneKindName = PhoneKind.MOBILE.value
    number: str


class PhoneOut(Schema):
    kind: str
    number: str


class ClientIn(TextInput):
    """A client's details; on PATCH only the fields sent change."""

    kind: KindName = ClientKind.PERSON.value
    first_name: str | None = ""
    last_name: str | None = ""
    company_name: str | None = ""
    billing_name: str | None = ""
    email: str | None = Field("", description="The primary email.")
    phone: str | None = Field(
        "",
        description="The primary phone, as typed: replaces the first of `phones`, keeping others.",
    )
    phones: list[PhoneIn] = Field([], max_length=20, description="Every phone, the primary first.")
    lead_source: str | None = ""
    notes: str | None = ""
    client_type: ClientTypeName = ""
    rating: int = 0
    tax_exempt: bool = False
    tax_id: str | None = ""
    newsletter: bool = False
    preferred_contact: ContactMethodName = ContactMethod.ANY.value
    language: LanguageCode = "en"
    street: str | None = ""
    street2: str | None = ""
    city: str | None = ""
    region: str | None = ""
    postal_code: str | None = ""
    country: str | None = Field("", description="ISO 3166 alpha-2; the company's by default.")
    parent: RecordId | None = Field(None, description="The parent client's id.")
    referred_by: RecordId | None = Field(None, description="The referring client's id.")
    brand: RecordId | None = Field(None, description="The brand's id.")
    tags: list[str] = Field([], max_length=50, description="Tag names; new names become new tags.")


class ClientCreateIn(ClientIn):
    allow_duplicate: bool = Field(
        False, description="Create it even when it looks like an existing client."
    )


class ClientOut(Schema):
    id: int
    kind: str
    first_name: str
    last_name: str
    company_name: str
    billing_name: str
    display_name: str
    email: str
    phone: str
    phones: list[PhoneOut]
    lead_source: str
    notes: str
    client_type: str
    rating: int
    tax_exempt: bool
    tax_id: str
    newsletter: bool
    preferred_contact: str
    language: str
    street: str
    street2: str
    city: str
    region: str
    postal_code: str
    country: str
    parent: int | None
    referred_by: int | None
    brand: int | None
    tags: list[str]
    archived_at: datetime | None
    merged_into: int | None
    created_at: datetime

    @staticmethod
    def resolve_phones(obj) -> list:
        return list(obj.phones.all())

    @staticmethod
    def resolve_phone(obj) -> str:
        primary = obj.primary_phone
        return primary.number if primary else ""

    @staticmethod
    def resolve_parent(obj) -> int | None:
        return obj.parent_id

    @staticmethod
    def resolve_referred_by(obj) -> int | None:
        return obj.referred_by_id

    @staticmethod
    def resolve_brand(obj) -> int | None:
        return obj.brand_id

    @staticmethod
    def resolve_merged_into(obj) -> int | None:
        return obj.merged_into_id

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        if "client_tags" in getattr(obj, "_prefetched_objects_cache", {}):
            return [link.tag.name for link in obj.client_tags.all()]
        from crewdesk.clients.services import client_tag_names

        return client_tag_names(client=obj)


class ClientListQuery(TextInput):
    search: str = Field("", max_length=200)
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    tag: list[RecordId] = Field(
        [], max_length=20, description="Tag ids; a client must have every one."
    )
    client_type: ClientTypeName = ""
    lead_source: str = Field("", max_length=64)
    archived: ArchivedName = Archived.ACTIVE


class ClientListOut(Schema):
    items: list[ClientOut]
    count: int
    count_exact: bool


class CandidateOut(Schema):
    id: int
    display_name: str
    score: int = Field(..., ge=0, le=100)
    reasons: list[str]


class CandidatesOut(Schema):
    candidates: list[CandidateOut]


class DuplicateOut(Schema):
    detail: str
    candidates: list[CandidateOut]


class DuplicatesQuery(TextInput):
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    company_name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=32)


class MovedOut(Schema):
    detail: str
    merged_into: int


# --- contacts --------------------------------------------------------------------------------


class ContactIn(TextInput):
    first_name: str | None = ""
    last_name: str | None = ""
    role: ContactRoleName = ContactRole.OTHER.value
    email: str | None = ""
    phone: str | None = ""


class ContactCreateIn(ContactIn):
    is_primary: bool = False


class ContactOut(Schema):
    id: int
    client: int
    first_name: str
    last_name: str
    name: str
    role: str
    email: str
    phone: str
    is_primary: bool
    created_at: datetime

    @staticmethod
    def resolve_client(obj) -> int:
        return obj.client_id


# --- tags ------------------------------------------------------------------------------------


class TagIn(TextInput):
    name: str


class TagOut(Schema):
    id: int
    name: str


class TagCountOut(TagOut):
    client_count: int


# --- reminders, notices, notes ---------------------------------------------------------------


class ReminderIn(TextInput):
    text: str
    due_on: date
    assignee: RecordId | None = Field(None, description="A team member's user id; you by default.")


class ReminderPatchIn(Schema):
    done: bool


class ReminderOut(Schema):
    id: int
    client: int
    text: str
    due_on: date
    assignee: int | None
    done: bool
    done_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_client(obj) -> int:
        return obj.client_id

    @staticmethod
    def resolve_assignee(obj) -> int | None:
        return obj.assignee_id

    @staticmethod
    def resolve_done(obj) -> bool:
        return obj.done_at is not None


class RemindersQuery(Schema):
    due_before: date | None = Field(None, description="Only reminders due before this day.")


class NoticeIn(TextInput):
    text: str


class NoticeOut(Schema):
    id: int
    client: int
    text: str
    created_by: int | None
    created_at: datetime
    dismissed_at: datetime | None

    @staticmethod
    def resolve_client(obj) -> int:
        return obj.client_id

    @staticmethod
    def resolve_created_by(obj) -> int | None:
        return obj.created_by_id


class NoteIn(TextInput):
    text: str
    visibility: VisibilityName = NoteVisibility.INTERNAL.value


class NoteFileOut(Schema):
    id: int
    name: str
    size: int
    content_type: str


class NoteOut(Schema):
    id: int
    client: int
    text: str
    visibility: str
    files: list[NoteFileOut]
    created_by: int | None
    created_at: datetime

    @staticmethod
    def resolve_client(obj) -> int:
        return obj.client_id

    @staticmethod
    def resolve_created_by(obj) -> int | None:
        return obj.created_by_id

    @staticmethod
    def resolve_files(obj) -> list:
        return list(obj.files.all())
