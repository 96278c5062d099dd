"""The clients part of the API (DESIGN §6): clients, their contacts, tags, reminders, notices and
notes. Thin: each endpoint parses, calls the service or selector the pages use, and answers."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status
from ninja.pagination import paginate

from crewdesk.accounts.models import Membership
from crewdesk.api.errors import (
    BODY_ERRORS,
    COMMON_ERRORS,
    CONFLICT_ERRORS,
    Conflict,
    refusal_is_conflict,
)
from crewdesk.api.pagination import PageNumberPagination
from crewdesk.clients import selectors, services
from crewdesk.clients.duplicates import Candidate
from crewdesk.clients.filters import ClientFilters
from crewdesk.clients.models import Client, ClientTag, Contact, PhoneKind, Reminder
from crewdesk.clients.schemas import (
    CandidatesOut,
    ClientCreateIn,
    ClientIn,
    ClientListOut,
    ClientListQuery,
    ClientOut,
    ContactCreateIn,
    ContactIn,
    ContactOut,
    DuplicateOut,
    DuplicatesQuery,
    MovedOut,
    NoteIn,
    NoteOut,
    NoticeIn,
    NoticeOut,
    ReminderIn,
    ReminderOut,
    ReminderPatchIn,
    RemindersQuery,
    TagCountOut,
    TagIn,
    TagOut,
)
from crewdesk.core.permissions import Action, require

router = Router(tags=["clients"])

NO_CONTENT = {204: None}

MERGED_CLIENT = gettext_lazy("This client was merged into another one; use that one.")
MAX_MERGE_HOPS = 20


def _member(request: HttpRequest) -> Membership:
    """The token's membership, once its role may use the clients API (403 before any 404)."""
    require(request.membership, Action.VIEW_RECORDS)
    return request.membership


def _client(request: HttpRequest, client_id: int) -> Client:
    return selectors.client_get(viewer=_member(request), client_id=client_id)


def _survivor(request: HttpRequest, client: Client) -> Client:
    """The client a merged-away one now lives on (following a chain of merges)."""
    for _hop in range(MAX_MERGE_HOPS):
        if not client.merged_into_id:
            break
        client = _client(request, client.merged_into_id)
    return client


def _client_for_write(request: HttpRequest, client_id: int) -> Client:
    client = _client(request, client_id)
    if client.merged_into_id:
        raise Conflict(str(MERGED_CLIENT), merged_into=_survivor(request, client).pk)
    return client


@contextmanager
def _phone_errors_as_sent(payload: ClientIn) -> Iterator[None]:
    """A bad number sent as `phone` is reported under `phone`, not under `phones`."""
    try:
        yield
    except ValidationError as exc:
        sent = payload.model_fields_set
        if hasattr(exc, "error_dict") and "phone" in sent and "phones" not in sent:
            errors = exc.message_dict
            if "phones" in errors:
                errors["phone"] = errors.pop("phones")
                raise ValidationError(errors) from exc
        raise


def _candidates(candidates: list[Candidate]) -> list[dict]:
    return [
        {
            "id": c.client.pk,
            "display_name": c.client.display_name,
            "score": c.score,
            "reasons": c.reasons,
        }
        for c in candidates
        if not c.client.merged_into_id
    ]


def _client_input(payload: ClientIn, current: Client | None = None) -> services.ClientInput:
    """The fields sent (and only those) as the services take them. `phone` is the primary:
    it replaces the first phone (of `phones` if sent too, else the client's), keeping others."""
    sent = payload.model_dump(exclude_unset=True)
    fields = {name: sent[name] for name in services.CLIENT_FIELDS if name in sent}
    relations = {name: sent[name] for name in services.CLIENT_RELATIONS if name in sent}
    phones = None
    if "phones" in sent:
        phones = [(p.kind, p.number) for p in payload.phones]
    if "phone" in sent:
        if phones is None:
            phones = [(p.kind, p.number) for p in current.phones.all()] if current else []
        number = (sent["phone"] or "").strip()
        if not number:
            phones = phones[1:]
        elif phones:
            phones = [(phones[0][0], number), *phones[1:]]
        else:
            phones = [(PhoneKind.MOBILE.value, number)]
    return services.ClientInput(
        fields=fields, phones=phones, tags=sent.get("tags"), relations=relations
    )


# --- clients ---------------------------------------------------------------------------------


@router.get("/clients", response={200: ClientListOut, **COMMON_ERRORS})
def client_list(request, filters: Query[ClientListQuery]):
    """Clients, searched (names, company, email, phone digits, contacts) and filtered.
    `count` is exact up to 1,000 matches (`count_exact`)."""
    found = selectors.client_page(
        viewer=_member(request),
        filters=ClientFilters.from_query(filters),
        page=filters.page,
        page_size=filters.page_size,
    )
    return {"items": found.clients, "count": found.count, "count_exact": found.count_exact}


@router.post(
    "/clients",
    response={201: ClientOut, **BODY_ERRORS, 409: DuplicateOut},
)
def client_new(request, payload: ClientCreateIn):
    """Create a client. Answers 409 with the likely duplicates unless `allow_duplicate`."""
    try:
        with _phone_errors_as_sent(payload):
            client = services.client_create(
                actor=_member(request),
                data=_client_input(payload),
                allow_duplicate=payload.allow_duplicate,
            )
    except services.DuplicateClientError as exc:
        raise Conflict(str(exc), candidates=_candidates(exc.candidates)) from exc
    return Status(201, client)


# Declared before /clients/{client_id} so "duplicates" is never read as an id.
@router.get("/clients/duplicates", response={200: CandidatesOut, **COMMON_ERRORS})
def client_duplicates(request, query: Query[DuplicatesQuery]):
    """Existing clients that look like the one described (any subset of fields), best first."""
    data = services.ClientInput(
        fields={
            "first_name": query.first_name,
            "last_name": query.last_name,
            "company_name": query.company_name,
            "email": query.email.strip(),
        },
        phones=[("", query.phone)] if query.phone.strip() else [],
    )
    return {
        "candidates": _candidates(services.duplicates_for_input(actor=_member(request), data=data))
    }


@router.get(
    "/clients/{client_id}",
    response={200: ClientOut, 301: MovedOut, **COMMON_ERRORS},
    url_name="client_detail",
)
def client_detail(request, client_id: int, response: HttpResponse):
    """A client. One merged into another answers 301 with the survivor's URL."""
    client = _client(request, client_id)
    if client.merged_into_id:
        survivor = _survivor(request, client)
        response["Location"] = reverse("api:client_detail", kwargs={"client_id": survivor.pk})
        return Status(301, {"detail": str(MERGED_CLIENT), "merged_into": survivor.pk})
    return client


@router.patch("/clients/{client_id}", response={200: ClientOut, **BODY_ERRORS})
def client_change(request, client_id: int, payload: ClientIn):
    """Change a client: only the fields sent change."""
    client = _client_for_write(request, client_id)
    with refusal_is_conflict(), _phone_errors_as_sent(payload):
        return services.client_update(
            actor=request.membership, client=client, data=_client_input(payload, client)
        )


@router.delete("/clients/{client_id}", response={**NO_CONTENT, **CONFLICT_ERRORS})
def client_remove(request, client_id: int):
    """Delete a client without history (Owner only); otherwise 409 says why: archive it."""
    client = _client_for_write(request, client_id)
    with refusal_is_conflict():
        services.client_delete(actor=request.membership, client=client)
    return Status(204, None)


@router.post("/clients/{client_id}/archive", response={200: ClientOut, **CONFLICT_ERRORS})
def client_archive(request, client_id: int):
    return services.client_archive(
        actor=request.membership, client=_client_for_write(request, client_id)
    )


@router.post("/clients/{client_id}/restore", response={200: ClientOut, **CONFLICT_ERRORS})
def client_restore(request, client_id: int):
    client = _client_for_write(request, client_id)
    with refusal_is_conflict():
        return services.client_restore(actor=request.membership, client=client)


# --- contacts --------------------------------------------------------------------------------


def _contact(request: HttpRequest, client_id: int, contact_id: int) -> Contact:
    client = _client_for_write(request, client_id)
    contact = Contact.objects.get(client=client, pk=contact_id)
    contact.client = client
    return contact


@router.get("/clients/{client_id}/contacts", response={200: list[ContactOut], **COMMON_ERRORS})
@paginate(PageNumberPagination)
def contact_list(request, client_id: int):
    """The client's contacts, the primary first."""
    return selectors.client_contacts(client=_client(request, client_id))


@router.post("/clients/{client_id}/contacts", response={201: ContactOut, **BODY_ERRORS})
def contact_new(request, client_id: int, payload: ContactCreateIn):
    """Add a contact; the first one (or one sent with `is_primary`) becomes the primary."""
    client = _client_for_write(request, client_id)
    return Status(
        201,
        services.contact_create(
            actor=request.membership, client=client, values=payload.model_dump(exclude_unset=True)
        ),
    )


@router.patch(
    "/clients/{client_id}/contacts/{contact_id}", response={200: ContactOut, **BODY_ERRORS}
)
def contact_change(request, client_id: int, contact_id: int, payload: ContactIn):
    contact = _contact(request, client_id, contact_id)
    return services.contact_update(
        actor=request.membership, contact=contact, values=payload.model_dump(exclude_unset=True)
    )


@router.delete(
    "/clients/{client_id}/contacts/{contact_id}", response={**NO_CONTENT, **CONFLICT_ERRORS}
)
def contact_remove(request, client_id: int, contact_id: int):
    """Delete a contact; the primary cannot be deleted (409): make another primary first."""
    contact = _contact(request, client_id, contact_id)
    with refusal_is_conflict():
        services.contact_delete(actor=request.membership, contact=contact)
    return Status(204, None)


@router.post(
    "/clients/{client_id}/contacts/{contact_id}/primary",
    response={200: ContactOut, **CONFLICT_ERRORS},
)
def contact_primary(request, client_id: int, contact_id: int):
    contact = _contact(request, client_id, contact_id)
    return services.contact_set_primary(actor=request.membership, contact=contact)


# --- tags ------------------------------------------------------------------------------------


@router.get("/tags", response={200: list[TagCountOut], **COMMON_ERRORS}, tags=["tags"])
@paginate(PageNumberPagination)
def tag_list(request):
    """The company's tags by name, each with how many clients carry it."""
    counts = (
        ClientTag.objects.filter(tag_id=OuterRef("pk"))
        .order_by()
        .values("tag_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return selectors.tags_of_company(viewer=_member(request)).annotate(
        client_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    )


@router.post("/clients/{client_id}/tags", response={201: TagOut, **BODY_ERRORS})
def client_tag_add(request, client_id: int, payload: TagIn):
    """Tag the client by name; a new name makes a new company tag."""
    client = _client_for_write(request, client_id)
    return Status(
        201, services.client_tag_add(actor=request.membership, client=client, name=payload.name)
    )


@router.delete("/clients/{client_id}/tags/{tag_id}", response={**NO_CONTENT, **CONFLICT_ERRORS})
def client_tag_remove(request, client_id: int, tag_id: int):
    """Take a tag off the client (the tag stays in the company)."""
    client = _client_for_write(request, client_id)
    # tag__pk, not tag_id: an id no database key holds is then "not found" (SQLite overflows).
    link = ClientTag.objects.select_related("tag").get(client=client, tag__pk=tag_id)
    services.client_tag_remove(actor=request.membership, client=client, tag=link.tag)
    return Status(204, None)


# --- reminders -------------------------------------------------------------------------------


@router.get("/reminders", response={200: list[ReminderOut], **COMMON_ERRORS}, tags=["reminders"])
@paginate(PageNumberPagination)
def reminder_list(request, filters: Query[RemindersQuery]):
    """Your open reminders, soonest first; with `due_before`, only those due before that day."""
    member = _member(request)
    if filters.due_before is None:
        return selectors.reminders_due_for(viewer=member, until=date.max)
    if filters.due_before == date.min:
        return Reminder.objects.none()
    return selectors.reminders_due_for(viewer=member, until=filters.due_before - timedelta(days=1))


@router.post("/clients/{client_id}/reminders", response={201: ReminderOut, **BODY_ERRORS})
def reminder_new(request, client_id: int, payload: ReminderIn):
    client = _client_for_write(request, client_id)
    return Status(
        201,
        services.reminder_create(
            actor=request.membership,
            client=client,
            text=payload.text,
            due_on=payload.due_on,
            assignee_id=payload.assignee,
        ),
    )


@router.patch(
    "/reminders/{reminder_id}", response={200: ReminderOut, **BODY_ERRORS}, tags=["reminders"]
)
def reminder_change(request, reminder_id: int, payload: ReminderPatchIn):
    """Mark a reminder done (or not done again)."""
    member = _member(request)
    reminder = selectors.reminder_get(viewer=member, reminder_id=reminder_id)
    return services.reminder_set_done(actor=member, reminder=reminder, done=payload.done)


# --- notices and notes -----------------------------------------------------------------------


@router.get("/clients/{client_id}/notices", response={200: list[NoticeOut], **COMMON_ERRORS})
@paginate(PageNumberPagination)
def notice_list(request, client_id: int):
    """The notices pinned on the client's profile (not dismissed), newest first."""
    return selectors.client_notices(client=_client(request, client_id))


@router.post("/clients/{client_id}/notices", response={201: NoticeOut, **BODY_ERRORS})
def notice_new(request, client_id: int, payload: NoticeIn):
    client = _client_for_write(request, client_id)
    return Status(
        201, services.notice_create(actor=request.membership, client=client, text=payload.text)
    )


@router.post(
    "/notices/{notice_id}/dismiss", response={200: NoticeOut, **COMMON_ERRORS}, tags=["notices"]
)
def notice_dismiss(request, notice_id: int):
    member = _member(request)
    notice = selectors.notice_get(viewer=member, notice_id=notice_id)
    return services.notice_dismiss(actor=member, notice=notice)


@router.get("/clients/{client_id}/notes", response={200: list[NoteOut], **COMMON_ERRORS})
@paginate(PageNumberPagination)
def note_list(request, client_id: int):
    """The client's notes, newest first (files are attached on the profile page)."""
    return selectors.client_notes(viewer=request.membership, client=_client(request, client_id))


@router.post("/clients/{client_id}/notes", response={201: NoteOut, **BODY_ERRORS})
def note_new(request, client_id: int, payload: NoteIn):
    client = _client_for_write(request, client_id)
    return Status(
        201,
        services.note_create(
            actor=request.membership,
            client=client,
            text=payload.text,
            visibility=payload.visibility,
        ),
    )
