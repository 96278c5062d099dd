"""Checking the rows of a file: each row against the rules `client_create` applies (through
the same pieces of services.py and validation.py), against the earlier rows of the file (a
repeat), and against the clients already saved (the duplicate check, a batch at a time)."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from crewdesk.accounts.models import Membership
from crewdesk.clients import normalize as n
from crewdesk.clients import services
from crewdesk.clients.duplicates import (
    BLOCK_SCORE,
    Candidate,
    ClientDraft,
    draft_keys,
    find_duplicates_many,
)
from crewdesk.clients.importing.cells import phone_kinds, row_values, values_converted
from crewdesk.clients.importing.columns import FIELD_LABELS, IGNORE
from crewdesk.clients.importing.decoding import is_blank
from crewdesk.clients.indexing import address_keys
from crewdesk.clients.models import (
    Client,
    ClientImport,
    ClientKind,
    ClientMatchKey,
    ImportRowKind,
)
from crewdesk.clients.services import NewClient
from crewdesk.clients.validation import clean_phones, validate_client_fields

CANDIDATE_CHUNK = 250  # rows whose duplicate candidates are read together


@dataclass
class RowOutcome:
    """What the check says about one row; `client` is built (unsaved) when it has no errors."""

    number: int
    cells: list[str]
    summary: str = ""
    errors: list[str] = field(default_factory=list)
    duplicate: str = ""
    duplicate_of: int | None = None  # the saved client this row looks like
    repeat_of: int | None = None  # the earlier row of the file this one repeats
    client: Client | None = None
    phones: list[tuple[str, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @property
    def problem(self) -> str:
        return "; ".join(self.errors) or self.duplicate

    @property
    def kind(self) -> str:
        """The ImportRowKind of a row that needs a look; "" for a good row."""
        if self.errors:
            return ImportRowKind.ERROR
        if self.duplicate_of is not None:
            return ImportRowKind.DUPLICATE
        if self.repeat_of is not None:
            return ImportRowKind.REPEAT
        return ""

    def new_client(self) -> NewClient:
        """The row as `services.clients_create_many` saves it (a row without errors)."""
        return NewClient(client=self.client, phones=self.phones, tags=self.tags)


def _label(field_name: str) -> str:
    if field_name == "phones":
        return _("Phone")
    try:
        return capfirst(str(Client._meta.get_field(field_name).verbose_name))
    except Exception:  # noqa: BLE001 - any unknown key is shown as it is
        return field_name


def _error_messages(error: ValidationError) -> list[tuple[str, str]]:
    if not hasattr(error, "error_dict"):
        return [("", message) for message in error.messages]
    return [
        ("" if name == "__all__" else name, message)
        for name, messages in error.message_dict.items()
        for message in messages
    ]


class RowChecker:
    """Checks rows of one file in order, remembering what earlier rows held so a repeat within
    the file is caught as well as a client already in the database."""

    def __init__(self, actor: Membership, client_import: ClientImport) -> None:
        self.actor = actor
        self.region = actor.company.country
        self.width = len(client_import.headers)
        self.columns = [
            (index, client_import.mapping.get(header, IGNORE))
            for index, header in enumerate(client_import.headers)
            if client_import.mapping.get(header, IGNORE) in FIELD_LABELS
        ]
        self.seen: dict[str, int] = {}

    def _check_row(self, number: int, cells: list[str]) -> RowOutcome:
        """A row against the rules of services and the earlier rows of the file; the check
        against saved clients is done for a whole batch (check_batch)."""
        outcome = RowOutcome(number=number, cells=cells)
        problems: list[tuple[str, str]] = []
        if len(cells) > self.width and not is_blank(cells[self.width :]):
            problems.append(
                (
                    "",
                    _(
                        "This row has %(found)d cells but the file has %(expected)d columns; "
                        "a value with a comma needs quotes around it."
                    )
                    % {"found": len(cells), "expected": self.width},
                )
            )
        raw, raw_phones, tags = row_values(self.columns, cells)
        values, conversion_errors = values_converted(raw, self.region)
        problems += conversion_errors
        fields = services.client_fields_clean(values=values)
        phones, phone_errors = clean_phones(raw_phones, self.region)
        problems += [("phones", message) for message in phone_errors]
        phones = phone_kinds(phones, company=fields.get("kind") == ClientKind.COMPANY)
        client = services.client_build(actor=self.actor, fields=fields)
        outcome.summary = (
            " · ".join(part for part in (client.display_name, fields.get("email", "")) if part)
            or " ".join(c.strip() for c in cells if c.strip())[:80]
        )
        try:
            validate_client_fields(fields, phones)
        except ValidationError as error:
            problems += _error_messages(error)
        try:
            client.full_clean(
                exclude=["company", "created_by", "sort_key"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            problems += _error_messages(error)
        if problems:
            unique = list(dict.fromkeys(problems))
            outcome.errors = [
                f"{_label(name)}: {message}" if name else message for name, message in unique
            ]
            return outcome
        outcome.client, outcome.phones = client, phones
        outcome.tags = list(services.tag_names_unique(names=tags).values())
        self._file_duplicate(outcome, phones)
        return outcome

    def _file_keys(
        self, client: Client, phones: list[tuple[str, str]]
    ) -> list[tuple[str, str, str]]:
        """(key, what it is, its value) of what two rows of a file may share."""
        keys = []
        if client.email:
            keys.append((f"e:{n.email_normal(client.email)}", "email", client.email))
        for _kind, number in phones:
            keys.append((f"p:{n.phone_national_digits(number)}", "phone", number))
        postal = n.fold(client.postal_code).replace(" ", "")
        name = " ".join(n.words(client.person_name)) or " ".join(
            n.company_words(client.company_name)
        )
        if postal and name:
            shown = f"{client.display_name}, {client.postal_code}"
            keys.append((f"n:{name}|{postal}", "name", shown))
        return keys

    def _file_duplicate(self, outcome: RowOutcome, phones: list[tuple[str, str]]) -> None:
        """Mark the row as repeating an earlier row of the file, saying what they share."""
        for key, what, value in self._file_keys(outcome.client, phones):
            earlier = self.seen.setdefault(key, outcome.number)
            if earlier != outcome.number and outcome.repeat_of is None:
                outcome.repeat_of = earlier
                text = {
                    "email": _("Same email as row %(row)d of this file: %(value)s."),
                    "phone": _("Same phone as row %(row)d of this file: %(value)s."),
                    "name": _("Same name and postal code as row %(row)d of this file: %(value)s."),
                }[what]
                if what == "phone":  # formatted only here: it costs more than the check
                    value = n.phone_local(value, self.region)
                outcome.duplicate = text % {"row": earlier, "value": value}

    def check_batch(self, rows: list[tuple[int, list[str]]]) -> list[RowOutcome]:
        """Check rows in file order: each against the rules, the earlier rows of the file and
        the clients already saved (duplicates.find_duplicates at BLOCK_SCORE).

        One query first asks which of the batch's blocking keys any saved client has: a row
        none of whose keys is found has no candidates and is not checked further. The others
        are checked together, CANDIDATE_CHUNK rows in two queries (find_duplicates_many)."""
        outcomes = [self._check_row(number, cells) for number, cells in rows]
        drafts = {
            id(o): _draft(o.client, o.phones)
            for o in outcomes
            if o.client is not None and not o.duplicate
        }
        keys = {draft_id: draft_keys(draft) for draft_id, draft in drafts.items()}
        found = _keys_in_use(self.actor.company_id, set().union(*keys.values()))
        to_check = {i: d for i, d in drafts.items() if keys[i] & found}
        best_of: dict[int, list] = {}
        for start in range(0, len(to_check), CANDIDATE_CHUNK):
            chunk = dict(list(to_check.items())[start : start + CANDIDATE_CHUNK])
            best_of.update(
                find_duplicates_many(self.actor.company_id, chunk, min_score=BLOCK_SCORE, limit=1)
            )
        for outcome in outcomes:
            candidates = best_of.get(id(outcome))
            if candidates:
                best = candidates[0]
                outcome.duplicate_of = best.client.pk
                outcome.duplicate = _like_client_text(drafts[id(outcome)], best, self.region)
        return outcomes


def _like_client_text(draft: ClientDraft, best: Candidate, region: str) -> str:
    """Which client a row looks like and why, with what matched: the email, the phone, the
    address, so the office sees at a glance whether it is the same client."""
    client = best.client
    matched = []
    emails = {n.email_local(e) for e in draft.emails}
    if client.email and n.email_local(client.email) in emails:
        matched.append(client.email)
    endings = {n.phone_national_digits(p)[-7:] for p in draft.phones}
    matched += [
        n.phone_local(p.number, region)
        for p in client.phones.all()
        if n.phone_national_digits(p.number)[-7:] in endings
    ]
    if client.street and draft.street and _same_address(draft, client):
        matched.append(", ".join(part for part in (client.street, client.postal_code) if part))
    values = {"name": client.display_name, "id": client.pk, "reasons": ", ".join(best.reasons)}
    if not matched:
        return _("Looks like %(name)s, client #%(id)d (%(reasons)s).") % values
    return _("Looks like %(name)s, client #%(id)d (%(reasons)s): %(matched)s.") % {
        **values,
        "matched": ", ".join(matched),
    }


def _same_address(draft: ClientDraft, client: Client) -> bool:
    return bool(
        address_keys(draft.street, draft.postal_code)
        & address_keys(client.street, client.postal_code)
    )


def _draft(client: Client, phones: list[tuple[str, str]]) -> ClientDraft:
    """What the duplicate check compares, as services.duplicates_for_input builds it."""
    return ClientDraft(
        first_name=client.first_name,
        last_name=client.last_name,
        company_name=client.company_name,
        emails=[client.email] if client.email else [],
        phones=[number for _kind, number in phones],
        street=client.street,
        postal_code=client.postal_code,
    )


def _keys_in_use(company_id: int, keys: set[str]) -> set[str]:
    found: set[str] = set()
    ordered = sorted(keys)
    for start in range(0, len(ordered), 2_000):
        found.update(
            ClientMatchKey.objects.filter(
                company_id=company_id, key__in=ordered[start : start + 2_000]
            )
            .values_list("key", flat=True)
            .distinct()
        )
    return found
