"""Every write about clients. Each function checks the member's role and company, runs in a
transaction, keeps the search index current and writes the activity log. Pages, the API and
the CSV import all come through here."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from crewdesk.accounts.models import Membership, User
from crewdesk.clients import events
from crewdesk.clients.duplicate_pairs import duplicate_pairs_refresh_for
from crewdesk.clients.duplicates import BLOCK_SCORE, Candidate, ClientDraft, find_duplicates
from crewdesk.clients.indexing import (
    client_index_refresh,
    client_match_keys,
    client_tokens_mark_archived,
    sort_key_for,
    tokens_for,
)
from crewdesk.clients.models import (
    Client,
    ClientMatchKey,
    ClientPhone,
    ClientTag,
    ClientToken,
    Contact,
    Note,
    NoteFile,
    Notice,
    Reminder,
    Tag,
)
from crewdesk.clients.selectors import reminder_assignees
from crewdesk.clients.validation import clean_phones, validate_client_fields
from crewdesk.core.bulk import BulkWriter
from crewdesk.core.changes import apply_changes
from crewdesk.core.models import Brand, Company
from crewdesk.core.permissions import Action, require
from crewdesk.core.uploads import Accept, UploadBatch

# The fields a member may set on a client (relations by id: parent, referred_by, brand).
CLIENT_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "company_name",
    "billing_name",
    "email",
    "lead_source",
    "notes",
    "client_type",
    "rating",
    "tax_exempt",
    "tax_id",
    "newsletter",
    "preferred_contact",
    "language",
    "street",
    "street2",
    "city",
    "region",
    "postal_code",
    "country",
)
CLIENT_RELATIONS = {"parent": Client, "referred_by": Client, "brand": Brand}
TEXT_FIELDS = frozenset(CLIENT_FIELDS) - {"rating", "tax_exempt", "newsletter"}


class DuplicateClientError(Exception):
    """The client looks like one (or more) the company already has."""

    def __init__(self, candidates: list[Candidate]):
        self.candidates = candidates
        super().__init__(_("This client looks like one you already have."))


@dataclass
class ClientInput:
    """A client as a form or the API sends it. `phones` are (kind, number as typed)."""

    fields: dict = field(default_factory=dict)
    phones: list[tuple[str, str]] | None = None
    tags: list[str] | None = None
    relations: dict = field(default_factory=dict)  # {"parent": id or None, ...}


MSG_OWN_PARENT = gettext_lazy("A client cannot be its own parent.")
MSG_PARENT_LOOP = gettext_lazy(
    "“%(parent)s” is under this client (directly or through other clients): it cannot also be"
    " its parent."
)


def client_parent_error(*, client_id: int | None, parent: Client | None) -> str | None:
    """Why `parent` cannot be the parent of client `client_id`, or None. The one rule of the
    client tree: no client is above itself, directly or through others (4 → 10 → 4). Walks up
    from `parent`: a tree is a few levels deep, and a loop saved before this rule still ends."""
    if parent is None or client_id is None:
        return None  # a new client has no subsidiaries yet
    if parent.pk == client_id:
        return str(MSG_OWN_PARENT)
    seen = set()
    ancestor = parent.parent_id
    while ancestor is not None and ancestor not in seen:
        if ancestor == client_id:
            return MSG_PARENT_LOOP % {"parent": parent.display_name}
        seen.add(ancestor)
        ancestor = Client.objects.filter(pk=ancestor).values_list("parent_id", flat=True).first()
    return None


def client_tree_lock(*, company_id: int) -> None:
    """Changes of parent in a company wait for each other: two at once could each pass the
    loop check and close a loop together (A under B while B goes under A)."""
    Company.objects.select_for_update().filter(pk=company_id).first()


def _resolve_relations(actor: Membership, relations: dict, client: Client | None) -> dict:
    """Ids sent by the member become records of their own company, or a field error."""
    resolved, errors = {}, {}
    for name, value in relations.items():
        model = CLIENT_RELATIONS[name]
        if value in (None, ""):
            resolved[name] = None
            continue
        try:
            record = model.objects.get(company_id=actor.company_id, pk=int(value))
        except (ObjectDoesNotExist, ValueError, TypeError):
            errors[name] = [_("No such record in your company.")]
            continue
        if name == "parent" and client is not None and record.pk != client.parent_id:
            client_tree_lock(company_id=actor.company_id)
            loop = client_parent_error(client_id=client.pk, parent=record)
            if loop:
                errors[name] = [loop]
                continue
        elif client is not None and record.pk == client.pk and model is Client:
            errors[name] = [_("A client cannot point to itself.")]
            continue
        resolved[name] = record
    if errors:
        raise ValidationError(errors)
    return resolved


def client_fields_clean(*, values: dict) -> dict:
    """The client fields among `values` as a client stores them: text trimmed, an email in
    lower case, a country code in capitals; anything that is not a client field is dropped.
    The one normalisation of every way in: forms, the API and the CSV import."""
    cleaned = {}
    for name, value in values.items():
        if name not in CLIENT_FIELDS:
            continue
        if name in TEXT_FIELDS:
            value = (value or "").strip()
        cleaned[name] = value
    if "email" in cleaned:
        cleaned["email"] = cleaned["email"].lower() if "@" in cleaned["email"] else cleaned["email"]
    if "country" in cleaned:
        cleaned["country"] = cleaned["country"].upper()
    return cleaned


# A client's phones are rows in the order given: the first (position 0) is the primary.
PHONE_COLUMNS = ("company_id", "client_id", "kind", "number", "position")


def _phone_rows(client: Client, phones: list[tuple[str, str]]) -> list[tuple]:
    """The ClientPhone rows of a saved client, as values of PHONE_COLUMNS."""
    return [
        (client.company_id, client.pk, kind, number, position)
        for position, (kind, number) in enumerate(phones)
    ]


def client_phones_set(*, client: Client, phones: list[tuple[str, str]]) -> None:
    """Replace the client's phones by `phones`, (kind, E.164 number) already cleaned."""
    ClientPhone.objects.filter(client=client).delete()
    ClientPhone.objects.bulk_create(
        ClientPhone(**dict(zip(PHONE_COLUMNS, row, strict=True)))
        for row in _phone_rows(client, phones)
    )


def tag_names_unique(*, names: Iterable[str]) -> dict[str, str]:
    """{folded name: name as first written} of the tag names given: trimmed, at most 50
    letters, blanks dropped, "VIP" and "vip" one tag."""
    unique: dict[str, str] = {}
    for name in names:
        name = (name or "").strip()[:50]
        if name:
            unique.setdefault(name.casefold(), name)
    return unique


def _tags_set(actor: Membership, client: Client, names: list[str]) -> None:
    wanted = tag_names_unique(names=names)
    existing = {
        ct.tag.name.casefold(): ct
        for ct in ClientTag.objects.filter(client=client).select_related("tag")
    }
    for key, link in existing.items():
        if key not in wanted:
            link.delete()
    for key, name in wanted.items():
        if key not in existing:
            tag = tag_get_or_create(actor=actor, name=name)
            ClientTag.objects.get_or_create(company_id=client.company_id, client=client, tag=tag)


def tag_get_or_create(*, actor: Membership, name: str) -> Tag:
    require(actor, Action.EDIT_RECORDS)
    name = name.strip()[:50]
    if not name:
        raise ValidationError({"name": [_("A tag needs a name.")]})
    tag = Tag.objects.filter(company_id=actor.company_id, name__iexact=name).first()
    return tag or Tag.objects.create(company_id=actor.company_id, name=name)


def duplicates_for_input(
    *, actor: Membership, data: ClientInput, exclude: list[int] = ()
) -> list[Candidate]:
    """What the duplicate check says about a client being typed (before it is saved)."""
    require(actor, Action.VIEW_RECORDS)
    phones, _errors = clean_phones(data.phones or [], actor.company.country)
    f = data.fields
    draft = ClientDraft(
        first_name=f.get("first_name", ""),
        last_name=f.get("last_name", ""),
        company_name=f.get("company_name", ""),
        emails=[f["email"]] if f.get("email") else [],
        phones=[number for _kind, number in phones],
        street=f.get("street", ""),
        postal_code=f.get("postal_code", ""),
    )
    return find_duplicates(actor.company_id, draft, exclude=exclude)


def _client_checked(
    actor: Membership,
    client: Client | None,
    fields: dict,
    phones: list[tuple[str, str]],
    relations: dict,
) -> tuple[list[tuple[str, str]], dict]:
    """Every problem of the client about to be saved (`client` None for a new one), all in one
    ValidationError({field: [messages]}), so a form or the API shows them together. Answers
    the cleaned phones (E.164) and the related records."""
    errors: dict[str, list] = {}
    phones, phone_errors = clean_phones(phones, actor.company.country)
    if phone_errors:
        errors["phones"] = phone_errors
    values = {name: getattr(client, name) for name in CLIENT_FIELDS} if client else {}
    values |= fields
    try:
        validate_client_fields(values, phones, unreadable_phones=bool(phone_errors))
    except ValidationError as error:
        error.update_error_dict(errors)
    try:
        relations = _resolve_relations(actor, relations, client)
    except ValidationError as error:
        error.update_error_dict(errors)
    # The model's own limits (lengths, choices) on the fields not refused above.
    probe = Client(company_id=actor.company_id, **values)
    try:
        probe.clean_fields(exclude=[*NOT_TYPED, *CLIENT_RELATIONS, *errors])
    except ValidationError as error:
        error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    return phones, relations


# Client fields set by Crewdesk, never typed.
NOT_TYPED = ("company", "created_by", "sort_key", "merged_into", "archived_at")


def client_build(*, actor: Membership, fields: dict, relations: dict | None = None) -> Client:
    """A new client of the member's company, not saved yet, from clean fields (see
    `client_fields_clean`) and related records: what `client_create` saves, and what the CSV
    import checks row by row before `clients_create_many` saves the good rows."""
    client = Client(
        company_id=actor.company_id, created_by=actor.user, **fields, **(relations or {})
    )
    client.sort_key = sort_key_for(client)
    return client


@transaction.atomic
def client_create(*, actor: Membership, data: ClientInput, allow_duplicate: bool = False) -> Client:
    """A new client. Raises ValidationError for bad details and DuplicateClientError when it
    looks like an existing client, unless `allow_duplicate`."""
    require(actor, Action.EDIT_RECORDS)
    fields = client_fields_clean(values=data.fields)
    fields.setdefault("country", actor.company.country)
    phones, relations = _client_checked(actor, None, fields, data.phones or [], data.relations)
    if not allow_duplicate:
        blocking = [
            c
            for c in duplicates_for_input(actor=actor, data=ClientInput({**fields}, data.phones))
            if c.score >= BLOCK_SCORE
        ]
        if blocking:
            raise DuplicateClientError(blocking)
    client = client_build(actor=actor, fields=fields, relations=relations)
    client.full_clean(exclude=["company", "created_by", "sort_key"])
    client.save()
    client_phones_set(client=client, phones=phones)
    if data.tags:
        _tags_set(actor, client, data.tags)
    client_index_refresh(client)
    if allow_duplicate:
        # Without it the check above already found no look-alike worth a pair.
        duplicate_pairs_refresh_for(client)
    events.client_created_event(actor=actor, client=client)
    return client


@transaction.atomic
def client_update(*, actor: Membership, client: Client, data: ClientInput) -> Client:
    """Change a client's details. Only the fields sent change; each change is logged."""
    require(actor, Action.EDIT_RECORDS, client)
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client.merged_into_id:
        raise ValidationError(_("This client was merged into another one; edit that one."))
    fields = client_fields_clean(values=data.fields)
    old_phones = [(p.kind, p.number) for p in client.phones.all()]
    phones, relations = _client_checked(
        actor, client, fields, old_phones if data.phones is None else data.phones, data.relations
    )

    changes = apply_changes(client, fields | relations)
    if phones != old_phones:
        changes["phones"] = [[n for _k, n in old_phones], [n for _k, n in phones]]
        client_phones_set(client=client, phones=phones)
    if data.tags is not None:
        before = sorted(client_tag_names(client=client))
        _tags_set(actor, client, data.tags)
        after = sorted(client_tag_names(client=client))
        if before != after:
            changes["tags"] = [before, after]
    if not changes:
        return client
    client.sort_key = sort_key_for(client)
    client.full_clean(exclude=["company", "created_by", "sort_key", "merged_into"])
    client.save()
    client_index_refresh(client)
    duplicate_pairs_refresh_for(client)
    events.client_updated_event(actor=actor, client=client, changes=changes)
    return client


@dataclass
class NewClient:
    """A client for `clients_create_many`: built by `client_build` and already checked by the
    caller with the rules `client_create` applies (validation.py, the model's limits), with its
    phones cleaned to (kind, E.164 number), the first the primary, and its tag names."""

    client: Client
    phones: list[tuple[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@transaction.atomic
def clients_create_many(*, actor: Membership, new_clients: Sequence[NewClient]) -> list[Client]:
    """Save many checked clients as `client_create` saves one (the client with its history
    row, phones, tags, search words and match keys) in a few bulk inserts, whatever their
    number: the CSV import's path. The caller decides what `client_create` would: it has
    checked each client and its look-alikes, and logs one activity entry for all of them."""
    require(actor, Action.EDIT_RECORDS)
    clients = [new.client for new in new_clients]
    if any(c.pk is not None or c.company_id != actor.company_id for c in clients):
        raise ValueError("clients_create_many saves new clients of the member's company only.")
    bulk_create_with_history(clients, Client, batch_size=500, default_user=actor.user)
    tag_ids = _tag_ids(actor.company_id, (name for new in new_clients for name in new.tags))
    # The rows that hang off each client go in as plain tuples (COPY on PostgreSQL): a
    # thousand clients have some 15,000 search tokens, too many to build as model objects.
    company_id = actor.company_id
    phones, links, tokens, keys = [], [], [], []
    for new in new_clients:
        client = new.client
        numbers = [number for _kind, number in new.phones]
        phones += _phone_rows(client, new.phones)
        links += [(company_id, client.pk, tag_ids[key]) for key in tag_names_unique(names=new.tags)]
        tokens += [(company_id, token, client.pk) for token in tokens_for(client, numbers)]
        keys += [(company_id, key, client.pk) for key in client_match_keys(client, numbers)]
    writer = BulkWriter()
    writer.write(ClientPhone, PHONE_COLUMNS, phones)
    writer.write(ClientTag, ["company_id", "client_id", "tag_id"], links)
    writer.write(ClientToken, ["company_id", "token", "client_id"], tokens)
    writer.write(ClientMatchKey, ["company_id", "key", "client_id"], keys)
    return clients


def _tag_ids(company_id: int, names: Iterable[str]) -> dict[str, int]:
    """{folded name: tag id} of the company's tags, the missing ones among `names` created:
    at most three queries for any number of names."""
    wanted = tag_names_unique(names=names)
    if not wanted:
        return {}

    def read() -> dict[str, int]:
        ids: dict[str, int] = {}
        for tag_id, name in Tag.objects.filter(company_id=company_id).values_list("id", "name"):
            ids.setdefault(name.casefold(), tag_id)
        return ids

    ids = read()
    missing = [name for key, name in wanted.items() if key not in ids]
    if missing:
        Tag.objects.bulk_create(
            [Tag(company_id=company_id, name=name) for name in missing],
            ignore_conflicts=True,  # someone else created it meanwhile
        )
        ids = read()
    return ids


def client_tag_names(*, client: Client) -> list[str]:
    return list(
        ClientTag.objects.filter(client=client)
        .order_by("tag__name")
        .values_list("tag__name", flat=True)
    )


@transaction.atomic
def client_archive(*, actor: Membership, client: Client) -> Client:
    require(actor, Action.EDIT_RECORDS, client)
    if client.archived_at is None:
        client.archived_at = timezone.now()
        client.save(update_fields=["archived_at", "updated_at"])
        client_tokens_mark_archived(client)
        events.client_archived_event(actor=actor, client=client)
    return client


@transaction.atomic
def client_restore(*, actor: Membership, client: Client) -> Client:
    require(actor, Action.EDIT_RECORDS, client)
    if client.merged_into_id:
        raise ValidationError(
            _("A merged client cannot be restored; its history is on the survivor.")
        )
    if client.archived_at is not None:
        client.archived_at = None
        client.save(update_fields=["archived_at", "updated_at"])
        client_tokens_mark_archived(client)
        events.client_restored_event(actor=actor, client=client)
    return client


# Later apps (properties, jobs, invoices, payments) add a function here that names the records
# which make a client's history; a client with any is archived, never deleted.
HISTORY_CHECKS: list = []


def client_delete_blockers(*, client: Client) -> list[str]:
    """Why this client cannot be deleted, in words; empty when it can."""
    reasons = []
    if client.merged_from.exists():
        reasons.append(_("other clients were merged into it"))
    if client.subsidiaries.exists():
        reasons.append(_("it has subsidiaries"))
    if client.referrals.exists():
        reasons.append(_("it referred other clients"))
    if client.portal_memberships.all().exists():
        reasons.append(_("it has portal users"))
    for check in HISTORY_CHECKS:
        reasons.extend(check(client=client))
    return reasons


@transaction.atomic
def client_delete(*, actor: Membership, client: Client) -> None:
    """Owner only, and only for a client without history: anything else is archived."""
    require(actor, Action.HARD_DELETE, client)
    blockers = client_delete_blockers(client=client)
    if blockers:
        raise ValidationError(
            _("This client cannot be deleted because %(reasons)s. Archive it instead.")
            % {"reasons": ", ".join(blockers)}
        )
    events.client_deleted_event(actor=actor, client=client)
    client.delete()


# --- contacts ---


def _contact_set(actor: Membership, contact: Contact, values: dict) -> None:
    """Put the values sent on the contact, or raise every problem at once."""
    cleaned = {
        k: (values.get(k) or "").strip()
        for k in ("first_name", "last_name", "role", "email", "phone")
        if k in values
    }
    errors: dict[str, list] = {}
    if cleaned.get("phone"):
        phones, phone_errors = clean_phones([("", cleaned["phone"])], actor.company.country)
        if phone_errors:
            errors["phone"] = phone_errors
        else:
            cleaned["phone"] = phones[0][1]
    for name, value in cleaned.items():
        setattr(contact, name, value)
    if not (contact.first_name or contact.last_name or contact.email):
        errors["first_name"] = [_("Enter a name or an email.")]
    try:
        contact.clean_fields(exclude=["company", "client", *errors])
    except ValidationError as error:
        error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contact_create(*, actor: Membership, client: Client, values: dict) -> Contact:
    """A contact of the client; the first one becomes the primary."""
    require(actor, Action.EDIT_RECORDS, client)
    Client.objects.select_for_update().filter(pk=client.pk).first()  # one primary at a time
    contact = Contact(company_id=client.company_id, client=client)
    _contact_set(actor, contact, values)
    contact.is_primary = not client.contacts.exists() or bool(values.get("is_primary"))
    if contact.is_primary:
        client.contacts.filter(is_primary=True).update(is_primary=False)
    contact.full_clean(exclude=["company", "client"])
    contact.save()
    client_index_refresh(client)
    events.contact_event(actor=actor, contact=contact, verb=events.Verb.CONTACT_ADDED)
    return contact


@transaction.atomic
def contact_update(*, actor: Membership, contact: Contact, values: dict) -> Contact:
    require(actor, Action.EDIT_RECORDS, contact)
    _contact_set(actor, contact, values)
    contact.full_clean(exclude=["company", "client"])
    contact.save()
    client_index_refresh(contact.client)
    events.contact_event(actor=actor, contact=contact, verb=events.Verb.CONTACT_CHANGED)
    return contact


@transaction.atomic
def contact_set_primary(*, actor: Membership, contact: Contact) -> Contact:
    require(actor, Action.EDIT_RECORDS, contact)
    Client.objects.select_for_update().filter(pk=contact.client_id).first()
    Contact.objects.filter(client_id=contact.client_id, is_primary=True).exclude(
        pk=contact.pk
    ).update(is_primary=False)
    contact.is_primary = True
    contact.save(update_fields=["is_primary"])
    events.contact_event(actor=actor, contact=contact, verb=events.Verb.CONTACT_MADE_PRIMARY)
    return contact


@transaction.atomic
def contact_delete(*, actor: Membership, contact: Contact) -> None:
    require(actor, Action.EDIT_RECORDS, contact)
    if contact.is_primary:
        raise ValidationError(
            _("The primary contact cannot be deleted. Make another contact primary first.")
        )
    events.contact_event(actor=actor, contact=contact, verb=events.Verb.CONTACT_REMOVED)
    client = contact.client
    contact.delete()
    client_index_refresh(client)


# --- tags ---


@transaction.atomic
def client_tag_add(*, actor: Membership, client: Client, name: str) -> Tag:
    require(actor, Action.EDIT_RECORDS, client)
    tag = tag_get_or_create(actor=actor, name=name)
    _link, created = ClientTag.objects.get_or_create(
        company_id=client.company_id, client=client, tag=tag
    )
    if created:
        events.client_tag_event(actor=actor, client=client, tag=tag, added=True)
    return tag


@transaction.atomic
def client_tag_remove(*, actor: Membership, client: Client, tag: Tag) -> None:
    require(actor, Action.EDIT_RECORDS, client)
    deleted, _by_model = ClientTag.objects.filter(client=client, tag=tag).delete()
    if deleted:
        events.client_tag_event(actor=actor, client=client, tag=tag, added=False)


# --- reminders, notices, notes ---


MSG_REMINDER_ASSIGNEE = gettext_lazy(
    "Choose an owner or office member of your team: the crew does not see client reminders."
)


def _reminder_assignee(actor: Membership, user_id) -> User | None:
    if user_id in (None, ""):
        return None
    member = reminder_assignees(viewer=actor).filter(user_id=user_id).first()
    if member is None:
        raise ValidationError({"assignee": [str(MSG_REMINDER_ASSIGNEE)]})
    return member.user


@transaction.atomic
def reminder_create(
    *, actor: Membership, client: Client, text: str, due_on: date, assignee_id=None
) -> Reminder:
    require(actor, Action.EDIT_RECORDS, client)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Say what to do.")]})
    reminder = Reminder.objects.create(
        company_id=client.company_id,
        client=client,
        text=text[:500],
        due_on=due_on,
        assignee=_reminder_assignee(actor, assignee_id) or actor.user,
        created_by=actor.user,
    )
    events.reminder_event(actor=actor, reminder=reminder, verb=events.Verb.REMINDER_ADDED)
    return reminder


@transaction.atomic
def reminder_set_done(*, actor: Membership, reminder: Reminder, done: bool = True) -> Reminder:
    require(actor, Action.EDIT_RECORDS, reminder)
    reminder.done_at = timezone.now() if done else None
    reminder.save(update_fields=["done_at"])
    if done:
        events.reminder_event(actor=actor, reminder=reminder, verb=events.Verb.REMINDER_DONE)
    return reminder


@transaction.atomic
def notice_create(*, actor: Membership, client: Client, text: str) -> Notice:
    require(actor, Action.EDIT_RECORDS, client)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the notice.")]})
    notice = Notice.objects.create(
        company_id=client.company_id, client=client, text=text[:500], created_by=actor.user
    )
    events.notice_event(actor=actor, notice=notice, verb=events.Verb.NOTICE_ADDED)
    return notice


@transaction.atomic
def notice_dismiss(*, actor: Membership, notice: Notice) -> Notice:
    require(actor, Action.EDIT_RECORDS, notice)
    if notice.dismissed_at is None:
        notice.dismissed_at = timezone.now()
        notice.save(update_fields=["dismissed_at"])
        events.notice_event(actor=actor, notice=notice, verb=events.Verb.NOTICE_DISMISSED)
    return notice


@transaction.atomic
def note_create(
    *, actor: Membership, client: Client, text: str, visibility: str = "internal", files=()
) -> Note:
    """A note with its files, all or nothing: the files go through the upload check job
    documents go through (a PDF or a picture, the upload limits); a refusal names each file."""
    require(actor, Action.EDIT_RECORDS, client)
    text = (text or "").strip()
    files = list(files)
    if not text and not files:
        raise ValidationError({"text": [_("Write a note or attach a file.")]})
    batch = UploadBatch.start(actor, len(files), field="files")
    checked, refusals = [], []
    for upload in files:
        try:
            checked.append(batch.check(upload, accept=Accept.DOCUMENT))
        except ValidationError as error:
            name = getattr(upload, "name", "") or _("file")
            refusals.extend(f"“{name}”: {message}" for message in error.messages)
    if refusals:
        raise ValidationError({"files": refusals})
    note = Note(company_id=client.company_id, client=client, text=text, created_by=actor.user)
    note.visibility = visibility
    note.full_clean(exclude=["company", "client", "created_by", "text"])  # a file alone is a note
    note.save()
    stored = []
    try:
        for one in checked:
            note_file = NoteFile(
                company_id=client.company_id,
                note=note,
                name=one.name,
                size=one.size,
                content_type=one.content_type,
                is_image=one.is_image,
                width=one.width,
                height=one.height,
                uploaded_by=actor.user,
            )
            note_file.file.save(one.storage_name(), one.content, save=False)
            stored.append(note_file.file)
            note_file.save()
        events.note_event(actor=actor, note=note, verb=events.Verb.NOTE_ADDED)
    except Exception:
        for file in stored:  # the rows roll back; the files on disk would stay
            file.storage.delete(file.name)
        raise
    return note


@transaction.atomic
def note_archive(*, actor: Membership, note: Note) -> Note:
    require(actor, Action.EDIT_RECORDS, note)
    if note.archived_at is None:
        note.archived_at = timezone.now()
        note.save(update_fields=["archived_at"])
        events.note_event(actor=actor, note=note, verb=events.Verb.NOTE_ARCHIVED)
    return note
