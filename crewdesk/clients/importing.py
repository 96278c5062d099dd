"""CSV import of clients: read an upload (encoding, delimiter, headers), guess which column is
which client field, check every row with the rules the services use, then import the good rows
in batches while the page shows progress.

The upload is stored privately re-encoded as UTF-8 with commas, so every later step reads one
format. Rows are checked with `validation` (the same rules as `services.client_create`) and the
duplicate check of `duplicates`; the rows with errors and the likely duplicates are kept
(ClientImportRow) for the preview, where the office imports or skips each likely duplicate (or
a whole kind of them). A row is saved exactly as `client_create` would save it (client with its
history row, phones, tags, search tokens, match keys), but a thousand at a time.
"""

import codecs
import csv
import io
import logging
import os
import re
import tempfile
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from itertools import islice
from typing import IO

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from crewdesk.clients.events import Verb
from crewdesk.clients.indexing import (
    address_keys,
)
from crewdesk.clients.models import (
    Client,
    ClientImport,
    ClientImportRow,
    ClientKind,
    ClientMatchKey,
    ClientType,
    ContactMethod,
    ImportRowKind,
    ImportStatus,
    PhoneKind,
)
from crewdesk.clients.validation import clean_phones, validate_client_fields
from crewdesk.core.events import activity_record
from crewdesk.core.models import Activity
from crewdesk.core.permissions import Action, require

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# Up to this many rows the check runs while the page waits (a second or two); bigger files are
# checked in the background and the page shows progress.
SYNC_CHECK_ROWS = 2_000
BATCH_SIZE = 1_000
CANDIDATE_CHUNK = 250  # rows whose duplicate candidates are read together
PROBLEM_ROWS_SHOWN = 50  # a page of the preview's problem rows
SAMPLE_ROWS = 20
# A client list has a few dozen columns; a header row of thousands is a mistake or an attack
# (each column becomes a field of the mapping page).
MAX_COLUMNS = 200
REPORT_ERROR_COLUMN = "error"

MSG_TOO_BIG = gettext_lazy("The file is larger than 50 MB. Split it into smaller files.")
MSG_EMPTY = gettext_lazy("The file is empty.")
MSG_TOO_MANY_COLUMNS = gettext_lazy(
    "The first row has %(count)d column names; a client list has at most %(most)d. Check that "
    "the first row holds the column names, or remove the columns you do not need."
)
MSG_NO_ROWS = gettext_lazy("The file has column names but no rows of clients.")
MSG_BINARY = gettext_lazy(
    "This is not a CSV file. Export your clients as CSV (comma-separated values) and upload that."
)
MSG_SPREADSHEET = gettext_lazy(
    "This is a spreadsheet workbook, not a CSV file. Open it and save it as “CSV UTF-8” "
    "(File › Save as), then upload that file."
)
MSG_UNREADABLE = gettext_lazy(
    "The file cannot be read as CSV near line %(line)d: %(problem)s. Check that it is a CSV "
    "export and that quotes are balanced."
)
MSG_NO_NAME_COLUMN = gettext_lazy(
    "We found no name column. A client file needs at least one of: First Name, Last Name, "
    "Company Name or Name. Columns found: %(headers)s."
)
MSG_NOT_UTF8 = gettext_lazy(
    "The file is not in UTF-8, so we read it as Western European (Windows-1252). Check "
    "accented letters in the preview; if they look wrong, save the file as “CSV UTF-8” and "
    "upload it again."
)
MSG_MAPPING_NO_NAME = gettext_lazy(
    "Choose at least one name column: first name, last name, full name or company name."
)
MSG_MAPPING_TWICE = gettext_lazy("“%(field)s” is already chosen for column “%(column)s”.")
MSG_MAPPING_UNKNOWN = gettext_lazy("Choose a field from the list.")
MSG_NOT_READY = gettext_lazy("Check the rows first; the import starts from the preview.")
MSG_STOPPED = gettext_lazy(
    "The import stopped unexpectedly after %(count)d rows. The rows before that were imported; "
    "upload the rejected and remaining rows again."
)
STALLED_AFTER = timedelta(minutes=10)
MSG_CHECK_STOPPED = gettext_lazy("Checking the file stopped unexpectedly. Upload it again.")
MSG_ORPHANED = gettext_lazy(
    "The person who started this import can no longer import clients. Upload the file again."
)
MSG_CHOICE_TOO_LATE = gettext_lazy("The import has started: what it imports can no longer change.")
MSG_NOT_A_DUPLICATE = gettext_lazy(
    "Row %(row)d is not a likely duplicate; only those can be imported or skipped."
)
# The choice the office makes for each kind of likely duplicate: the import's field.
CHOICE_FIELDS = {
    ImportRowKind.DUPLICATE: "import_duplicates",
    ImportRowKind.REPEAT: "import_repeats",
}


# --- the fields a column can fill ---

IGNORE = ""
FULL_NAME = "full_name"
TAGS = "tags"
PHONE = "phone:"  # + a PhoneKind value, or MAIN
# A "main" or "primary" phone says nothing of its kind: it takes the kind another column gives
# the same number (Jobber repeats it as the mobile one), else it is a company's work phone or
# a person's "other" phone. Never guessed to be a mobile.
MAIN = "main"

FIELD_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        gettext_lazy("Name"),
        [
            ("first_name", gettext_lazy("First name")),
            ("last_name", gettext_lazy("Last name")),
            (FULL_NAME, gettext_lazy("Full name (first and last together)")),
            ("company_name", gettext_lazy("Company name")),
            ("billing_name", gettext_lazy("Billing name")),
            ("kind", gettext_lazy("Person or company")),
        ],
    ),
    (
        gettext_lazy("Email and phones"),
        [
            ("email", gettext_lazy("Email")),
            (f"{PHONE}{MAIN}", gettext_lazy("Main phone (kind not known)")),
            (f"{PHONE}{PhoneKind.MOBILE}", gettext_lazy("Mobile phone")),
            (f"{PHONE}{PhoneKind.HOME}", gettext_lazy("Home phone")),
            (f"{PHONE}{PhoneKind.WORK}", gettext_lazy("Work phone")),
            (f"{PHONE}{PhoneKind.OTHER}", gettext_lazy("Other phone")),
        ],
    ),
    (
        gettext_lazy("Billing address"),
        [
            ("street", gettext_lazy("Street")),
            ("street2", gettext_lazy("Street, second line")),
            ("city", gettext_lazy("City")),
            ("region", gettext_lazy("State or province")),
            ("postal_code", gettext_lazy("Postal code")),
            ("country", gettext_lazy("Country")),
        ],
    ),
    (
        gettext_lazy("More"),
        [
            ("lead_source", gettext_lazy("Lead source")),
            ("client_type", gettext_lazy("Client type")),
            (TAGS, gettext_lazy("Tags (separated by commas)")),
            ("notes", gettext_lazy("Internal notes")),
            ("rating", gettext_lazy("Rating (0–5)")),
            ("tax_exempt", gettext_lazy("Tax exempt (yes/no)")),
            ("tax_id", gettext_lazy("Tax id")),
            ("newsletter", gettext_lazy("Newsletter (yes/no)")),
            ("preferred_contact", gettext_lazy("Preferred contact method")),
            ("language", gettext_lazy("Language")),
        ],
    ),
]
FIELD_LABELS = {value: label for _group, fields in FIELD_GROUPS for value, label in fields}
# Fields several columns may fill: phones add up, tags and notes are joined.
MULTI_COLUMN_FIELDS = frozenset(
    {TAGS, "notes", *(f"{PHONE}{k}" for k in [MAIN, *PhoneKind.values])}
)
NAME_FIELDS = frozenset({"first_name", "last_name", FULL_NAME, "company_name"})


def _key(text: str) -> str:
    """A header or value as compared: folded words, punctuation gone ("E-mail" -> "e mail")."""
    return " ".join(n.words(text or ""))


# Headers of common exports (Jobber's client export: "E-mails", "Main Phone #s"...; Housecall
# Pro's customers: "Mobile Number", "Customer Tags"...; QuickBooks' customer list), other tools'
# usual names, and the plain field names. Compared by `_key`; a trailing "#s" is dropped.
# fmt: off
_ALIASES: dict[str, str] = {
    "first_name": "first name|firstname|first|given name|contact first name|nombre",
    "last_name": (
        "last name|lastname|last|surname|family name|contact last name|apellido|"
        "apellidos"
    ),
    FULL_NAME: (
        "name|full name|display name|customer|customer name|customer full name|client|"
        "client name|contact name|contact|nombre completo|cliente"
    ),
    "company_name": (
        "company name|company|business name|business|organization|organisation|"
        "organization name|empresa"
    ),
    "billing_name": "billing name|bill to name|invoice name|name on invoice",
    "kind": "kind|client kind|person or company|is company|is business",
    "email": (
        "email|e mail|email address|e mail address|main email|primary email|emails|e mails|"
        "email addresses|e mail addresses|correo|correo electronico"
    ),
    f"{PHONE}{MAIN}": (
        "main phone|main phone number|main number|primary phone|primary phone number"
    ),
    f"{PHONE}mobile": (
        "phone|phones|phone number|phone numbers|telephone|mobile|mobile phone|"
        "mobile number|cell|cell phone|cellphone|text message enabled phone|sms phone|"
        "telefono|movil|celular"
    ),
    f"{PHONE}home": "home phone|home|home number|telefono casa",
    f"{PHONE}work": "work phone|work|business phone|office phone|work number",
    f"{PHONE}other": (
        "other phone|other number|alternate phone|alt phone|alt phone number|secondary phone"
    ),
    "street": (
        "street|street 1|street1|address|address 1|address1|address line 1|"
        "street address|billing street|billing street 1|billing address|"
        "billing address 1|billing address line 1|billing address street|"
        "bill address line 1|bill to 1|direccion"
    ),
    "street2": (
        "street 2|street2|address 2|address2|address line 2|billing street 2|"
        "billing address 2|billing address line 2|bill address line 2|bill to 2|apt|"
        "suite|unit|street line 2|billing street line 2"
    ),
    "city": "city|town|billing city|billing address city|bill address city|ciudad",
    "region": (
        "state|province|region|state province|state or province|billing state|"
        "billing province|billing region|billing state province|billing address state|"
        "bill address state|estado"
    ),
    "postal_code": (
        "zip|zip code|zipcode|postal code|postcode|post code|billing zip|"
        "billing zip code|billing postal code|billing address postal code|"
        "billing address zip|billing address zip code|bill address postal code|"
        "codigo postal|cp"
    ),
    "country": "country|billing country|billing address country|bill address country|pais",
    "lead_source": "lead source|source|referral source|how did you hear about us|origen",
    "client_type": "client type|customer type|type",
    TAGS: "tags|tag|labels|customer tags|client tags|etiquetas",
    "notes": (
        "notes|note|comments|internal notes|client notes|customer notes|private notes|notas"
    ),
    "rating": "rating|stars",
    "tax_exempt": "tax exempt|taxexempt",
    "tax_id": (
        "tax id|tax resale no|resale no|resale number|tax number|tax id number|vat|"
        "vat number|ein|tax registration number"
    ),
    "newsletter": "newsletter|marketing opt in|email opt in|subscribed",
    "preferred_contact": "preferred contact|preferred contact method|contact preference",
    "language": "language|preferred language|idioma",
}
# fmt: on
HEADER_ALIASES: dict[str, str] = {
    alias: target for target, aliases in _ALIASES.items() for alias in aliases.split("|")
}


def guess_field(header: str) -> str:
    """The client field a column probably holds, or IGNORE."""
    key = _key(header)
    if key.endswith(" s"):  # "Mobile Phone #s": the column may hold several
        key = key.removesuffix(" s")
    if key in HEADER_ALIASES:
        return HEADER_ALIASES[key]
    # The field's label in the user's language ("Código postal"), and its plain name.
    for value, label in FIELD_LABELS.items():
        if not value.startswith(PHONE) and key in (_key(str(label)), _key(value)):
            return value
    return IGNORE


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """{header: field} for every column; a single-valued field goes to its first column."""
    mapping, taken = {}, set()
    for header in headers:
        target = guess_field(header)
        if target and target not in MULTI_COLUMN_FIELDS and target in taken:
            target = IGNORE
        taken.add(target)
        mapping[header] = target
    return mapping


def mapping_errors(headers: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """What is wrong with a mapping: {header: message}; "" as key for the mapping as a whole."""
    errors: dict[str, str] = {}
    first_column: dict[str, str] = {}
    for header in headers:
        target = mapping.get(header, IGNORE)
        if target == IGNORE:
            continue
        if target not in FIELD_LABELS:
            errors[header] = str(MSG_MAPPING_UNKNOWN)
        elif target not in MULTI_COLUMN_FIELDS and target in first_column:
            errors[header] = str(MSG_MAPPING_TWICE) % {
                "field": FIELD_LABELS[target],
                "column": first_column[target],
            }
        else:
            first_column.setdefault(target, header)
    if not NAME_FIELDS & set(first_column):
        errors[""] = str(MSG_MAPPING_NO_NAME)
    return errors


# --- reading the upload ---


def _refuse_binary(head: bytes) -> None:
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):  # xlsx/ods (zip), xls
        raise ValidationError(MSG_SPREADSHEET, code="spreadsheet")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text: its zero bytes are expected
    if b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff")):
        raise ValidationError(MSG_BINARY, code="binary")


def _decodes(chunks: Iterable[bytes], encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        for chunk in chunks:
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(upload: File) -> tuple[str, str]:
    """(encoding, note): UTF-8 with or without BOM, UTF-16 with BOM; else Windows-1252 (or
    Latin-1, which reads any bytes), with a note asking to check accented letters."""
    upload.seek(0)
    head = upload.read(4)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
    upload.seek(0)
    if _decodes(upload.chunks(), encoding):
        return encoding, ""
    if encoding == "utf-8":
        upload.seek(0)
        if _decodes(upload.chunks(), "cp1252"):
            return "cp1252", str(MSG_NOT_UTF8)
        return "latin-1", str(MSG_NOT_UTF8)
    raise ValidationError(MSG_BINARY, code="binary")


def _sniff_delimiter(sample: str) -> str:
    first_line = sample.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    if delimiter not in first_line:
        # The sniffer can be fooled by commas inside values; the header line rarely is.
        counts = {d: first_line.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        delimiter = best if counts[best] else ","
    return delimiter


def _looks_binary(sample: str) -> bool:
    controls = sum(
        1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n\x0c"
    )
    return controls > max(2, len(sample) // 100)


def _unique_headers(row: list[str]) -> list[str]:
    """Headers as keys of the mapping: blank ones named by position, repeats numbered. Linear:
    each name remembers the next number to try, so 20,000 repeats are not 200 million tries."""
    headers: list[str] = []
    seen: set[str] = set()
    next_copy: dict[str, int] = {}
    for position, raw in enumerate(row, start=1):
        header = (raw or "").replace("\ufeff", "").strip()[:100] or _("Column %(number)d") % {
            "number": position
        }
        candidate, key = header, header.casefold()
        copy = next_copy.get(key, 2)
        while candidate.casefold() in seen:
            candidate = f"{header} ({copy})"
            copy += 1
        next_copy[key] = copy
        seen.add(candidate.casefold())
        headers.append(candidate)
    return headers


def _header_cells(cells: list[str]) -> list[str]:
    """The header row without the empty cells a spreadsheet leaves at its end; refused when
    it has more columns than any client list needs."""
    last = max((i for i, cell in enumerate(cells) if cell.strip()), default=-1)
    cells = cells[: last + 1]
    if len(cells) > MAX_COLUMNS:
        raise ValidationError(
            MSG_TOO_MANY_COLUMNS % {"count": len(cells), "most": MAX_COLUMNS},
            code="too_many_columns",
        )
    return cells


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def import_upload(actor: Membership, upload: File) -> tuple[ClientImport, list[str]]:
    """Store an uploaded CSV privately (as UTF-8, comma-separated), read its headers and guess
    the mapping. Returns the import and notes for the user; raises ValidationError when the
    file cannot be a client list."""
    require(actor, Action.EDIT_RECORDS)
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(MSG_TOO_BIG, code="too_big")
    if not upload.size:
        raise ValidationError(MSG_EMPTY, code="empty")
    upload.seek(0)
    _refuse_binary(upload.read(8192))
    encoding, note = detect_encoding(upload)
    upload.seek(0)
    text = io.TextIOWrapper(io.BufferedReader(_Unclosable(upload)), encoding=encoding, newline="")
    sample = text.read(64 * 1024)
    if _looks_binary(sample):
        raise ValidationError(MSG_BINARY, code="binary")
    if not sample.strip():
        raise ValidationError(MSG_EMPTY, code="empty")
    text.seek(0)
    with tempfile.TemporaryFile() as stored:
        headers, total = _normalise(csv.reader(text, delimiter=_sniff_delimiter(sample)), stored)
        if not total:
            raise ValidationError(MSG_NO_ROWS, code="no_rows")
        mapping = guess_mapping(headers)
        if not NAME_FIELDS & set(mapping.values()):
            raise ValidationError(
                MSG_NO_NAME_COLUMN % {"headers": ", ".join(headers[:20])}, code="no_name_column"
            )
        original_name = os.path.basename((upload.name or "").replace("\\", "/"))[:200]
        client_import = ClientImport(
            company_id=actor.company_id,
            created_by=actor.user,
            original_name=original_name or "clients.csv",
            headers=headers,
            mapping=mapping,
            total_rows=total,
        )
        stored.seek(0)
        client_import.file.save(f"{uuid.uuid4().hex}.csv", File(stored), save=False)
    client_import.save()
    return client_import, [note] if note else []


def _normalise(reader, stored: IO[bytes]) -> tuple[list[str], int]:
    """Write the rows to `stored` as UTF-8 with commas; (headers, number of non-blank rows)."""
    out = io.TextIOWrapper(stored, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(out)
    headers: list[str] = []
    total = 0
    try:
        for cells in reader:
            if not headers:
                if not _is_blank(cells):
                    headers = _unique_headers(_header_cells(cells))
                    writer.writerow(headers)
                continue
            writer.writerow(cells)  # blank rows too: row numbers stay those of the file
            if not _is_blank(cells):
                total += 1
    except (csv.Error, UnicodeDecodeError) as error:
        raise ValidationError(
            MSG_UNREADABLE % {"line": reader.line_num, "problem": error}, code="unreadable"
        ) from error
    finally:
        out.detach()  # `stored` stays open for the caller
    if not headers:
        raise ValidationError(MSG_EMPTY, code="empty")
    return headers, total


class _Unclosable(io.RawIOBase):
    """A Django File seen as a raw stream that TextIOWrapper may wrap (and close) freely."""

    def __init__(self, upload: File) -> None:
        self.upload = upload

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.upload.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.upload.seek(offset, whence) or self.upload.tell()

    def tell(self) -> int:
        return self.upload.tell()


def import_rows(client_import: ClientImport) -> Iterator[tuple[int, list[str]]]:
    """(row number as a spreadsheet shows it, cells) of every non-blank data row."""
    with client_import.file.open("rb") as stored:
        text = io.TextIOWrapper(
            io.BufferedReader(_Unclosable(stored)), encoding="utf-8", newline=""
        )
        reader = csv.reader(text)
        next(reader, None)  # the headers
        for number, cells in enumerate(reader, start=2):
            if not _is_blank(cells):
                yield number, cells


def import_samples(client_import: ClientImport) -> dict[str, list[str]]:
    """A few values of each column, shown next to its field choice."""
    samples: dict[str, list[str]] = {h: [] for h in client_import.headers}
    for _number, cells in islice(import_rows(client_import), SAMPLE_ROWS):
        for header, value in zip(client_import.headers, cells, strict=False):
            value = value.strip()
            if value and len(samples[header]) < 3 and value not in samples[header]:
                samples[header].append(value[:60])
    return samples


# --- reading one row ---

_LIST_SPLIT = re.compile(r"[;,]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# fmt: off
_COMPANY_WORDS = frozenset((
    "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "company", "co",
    "plc", "gmbh", "pty", "llp", "lp", "pc", "group", "services", "service", "solutions",
    "enterprises", "partners", "properties", "property", "management", "rentals", "realty",
    "cleaning", "holdings", "associates", "hoa", "association", "church", "school",
))
_TRUE = frozenset(("yes", "y", "true", "t", "1", "x", "si", "on"))
_FALSE = frozenset(("no", "n", "false", "f", "0", "off"))
# fmt: on
_KIND_ALIASES = {
    "individual": ClientKind.PERSON,
    "business": ClientKind.COMPANY,
    # an "Is Company?" column (Jobber's) says yes or no
    **dict.fromkeys(_TRUE, ClientKind.COMPANY),
    **dict.fromkeys(_FALSE, ClientKind.PERSON),
}
_EMAIL_SPLIT = re.compile(r"[\s,;]+")
_COUNTRY_ALIASES = {
    "usa": "US", "us": "US", "u s": "US", "u s a": "US", "america": "US",
    "united states of america": "US", "uk": "GB", "u k": "GB", "great britain": "GB",
    "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "northern ireland": "GB", "holland": "NL", "the netherlands": "NL",
}  # fmt: skip


def unescape_cell(value: str) -> str:
    """Undo the apostrophe our exports put before a cell that a spreadsheet would run."""
    if value.startswith("'") and value[1:2] and value[1] in "=+-@\t\r":
        return value[1:]
    return value


@cache
def _countries() -> tuple[frozenset[str], dict[str, str]]:
    import phonenumbers
    from phonenumbers.geodata.locale import LOCALE_DATA

    codes = frozenset(LOCALE_DATA) | frozenset(phonenumbers.SUPPORTED_REGIONS)
    names: dict[str, str] = dict(_COUNTRY_ALIASES)
    for code, by_language in LOCALE_DATA.items():
        for name in by_language.values():
            if name and not name.startswith("*"):
                names.setdefault(_key(name), code)
    return codes, names


def country_code(value: str) -> str | None:
    """ "United States", "USA", "us", "México" -> ISO code; None when unknown ("" stays "")."""
    value = value.strip()
    if not value:
        return ""
    codes, names = _countries()
    if len(value) == 2 and value.isalpha() and value.upper() in codes:
        return value.upper()
    return names.get(_key(value))


def _choice(value: str, choices: list[tuple[str, str]], aliases: dict | None = None):
    key = _key(value)
    for stored, label in choices:
        if key in (_key(stored), _key(str(label))):
            return stored
    return (aliases or {}).get(key)


def _split_full_name(text: str) -> dict[str, str]:
    """A name column as first/last name, or as a company when it reads like one."""
    text = text.strip()
    if "&" in text or set(n.words(text)) & _COMPANY_WORDS:
        return {"company_name": text}
    if "," in text:  # "Smith, John"
        last, first = (part.strip() for part in text.split(",", 1))
        return {"first_name": first, "last_name": last}
    parts = text.split()
    return {"first_name": " ".join(parts[:-1]), "last_name": parts[-1] if parts else ""}


def _phone_pieces(value: str, kind: str) -> list[tuple[str, str]]:
    """One cell may hold several numbers ("555 0100; work: 555 0101"), with a kind each."""
    pieces = []
    for part in _LIST_SPLIT.split(value):
        part = part.strip()
        if not part:
            continue
        prefix, colon, rest = part.partition(":")
        if colon:
            named = _choice(prefix, PhoneKind.choices)
            if named:
                pieces.append((named, rest.strip()))
                continue
        pieces.append((kind, part))
    return pieces


def _phone_kinds(phones: list[tuple[str, str]], *, company: bool) -> list[tuple[str, str]]:
    """Each number once, where it first appears (the first is the primary), with the kind a
    column names for it: Jobber repeats the main phone as the mobile one. A main phone that no
    column names is a company's work phone, else a phone of kind "other"."""
    named: dict[str, str] = {}
    for kind, e164 in phones:
        if kind != MAIN:
            named.setdefault(e164, kind)
    unknown = PhoneKind.WORK if company else PhoneKind.OTHER
    numbers = dict.fromkeys(e164 for _kind, e164 in phones)
    return [(named.get(e164, unknown), e164) for e164 in numbers]


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

    def _values(self, cells: list[str]) -> tuple[dict, list[tuple[str, str]], list[str]]:
        values: dict[str, str] = {}
        phones: list[tuple[str, str]] = []
        tags: list[str] = []
        other_emails: list[str] = []
        for index, target in self.columns:
            value = unescape_cell(cells[index].strip()) if index < len(cells) else ""
            if not value:
                continue
            if target.startswith(PHONE):
                phones += _phone_pieces(value, target.removeprefix(PHONE))
            elif target == TAGS:
                tags += [t.strip()[:50] for t in _LIST_SPLIT.split(value) if t.strip()]
            elif target == "notes" and values.get("notes"):
                values["notes"] += "\n" + value
            elif target == "email":
                # Jobber's "E-mails" holds every address of the client; a client has one, so
                # the others are kept in the notes rather than dropped. A cell that is not a
                # list of addresses stays whole, for its error to quote it.
                parts = _EMAIL_SPLIT.split(value.strip(" ,;"))
                if len(parts) == 1 or not all("@" in part for part in parts):
                    parts = [value]
                values["email"] = parts[0]
                other_emails += [e for e in parts[1:] if e.casefold() != parts[0].casefold()]
            else:
                values[target] = value
        if other_emails:
            line = _("Other emails: %(emails)s") % {"emails": ", ".join(other_emails)}
            values["notes"] = f"{values['notes']}\n{line}" if values.get("notes") else line
        return values, phones, tags

    def _convert(self, values: dict) -> tuple[dict, list[tuple[str, str]]]:
        """Cell text -> the values a client stores, and (field, message) for what cannot be."""
        errors: list[tuple[str, str]] = []
        full_name = values.pop(FULL_NAME, "")
        if full_name and not any(
            values.get(k) for k in ("first_name", "last_name", "company_name")
        ):
            values.update(_split_full_name(full_name))
        if "kind" in values:
            kind = _choice(values["kind"], ClientKind.choices, _KIND_ALIASES)
            if kind is None:
                errors.append(("kind", _("Write “person” or “company”.")))
            values["kind"] = kind or ClientKind.PERSON
        elif values.get("company_name") and not (
            values.get("first_name") or values.get("last_name")
        ):
            values["kind"] = ClientKind.COMPANY
        for name, choices in (
            ("client_type", ClientType.choices),
            ("preferred_contact", ContactMethod.choices),
        ):
            if name in values:
                chosen = _choice(values[name], choices)
                if chosen is None:
                    errors.append(
                        (
                            name,
                            _("“%(value)s” is not one of: %(choices)s.")
                            % {
                                "value": values[name],
                                "choices": ", ".join(str(label) for _v, label in choices),
                            },
                        )
                    )
                values[name] = chosen or ""
        if "language" in values:
            from django.conf import settings

            language = _choice(values["language"], settings.LANGUAGES) or _choice(
                re.split(r"[-_]", values["language"])[0], settings.LANGUAGES
            )
            if language is None:
                errors.append(("language", _("Unknown language.")))
            values["language"] = language or "en"
        for name in ("tax_exempt", "newsletter"):
            if name in values:
                key = _key(values[name])
                if key not in _TRUE | _FALSE:
                    errors.append((name, _("Write yes or no.")))
                values[name] = key in _TRUE
        if "rating" in values:
            try:
                rating = float(values["rating"].replace(",", "."))
                if not rating.is_integer():
                    raise ValueError
                values["rating"] = int(rating)
            except ValueError:
                errors.append(("rating", _("A rating is a whole number from 0 to 5.")))
                values["rating"] = 0
        code = country_code(values.get("country", ""))
        if code is None:
            errors.append(
                (
                    "country",
                    _("“%(value)s” is not a country we know; write a two-letter code such as US.")
                    % {"value": values["country"]},
                )
            )
            code = ""
        values["country"] = code or self.region
        postal = values.get("postal_code", "")
        if values["country"] == "US" and re.fullmatch(r"\d{4}", postal):
            values["postal_code"] = "0" + postal  # a spreadsheet dropped the leading zero
        return values, errors

    def _check_row(self, number: int, cells: list[str]) -> RowOutcome:
        """A row against the rules of services and the earlier rows of the file; the check
        against saved clients is done for a whole batch (check_batch)."""
        outcome = RowOutcome(number=number, cells=cells)
        problems: list[tuple[str, str]] = []
        if len(cells) > self.width and not _is_blank(cells[self.width :]):
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
        raw, raw_phones, tags = self._values(cells)
        values, conversion_errors = self._convert(raw)
        problems += conversion_errors
        fields = services.client_fields_clean(values)
        phones, phone_errors = clean_phones(raw_phones, self.region)
        problems += [("phones", message) for message in phone_errors]
        phones = _phone_kinds(phones, company=fields.get("kind") == ClientKind.COMPANY)
        client = services.client_build(self.actor, fields)
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
        outcome.tags = list(services.tag_names_unique(tags).values())
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


# --- the imports of a company ---


def import_list(actor: Membership) -> QuerySet[ClientImport]:
    require(actor, Action.EDIT_RECORDS)
    return ClientImport.objects.filter(company_id=actor.company_id).select_related("created_by")


def import_get(actor: Membership, import_id: int) -> ClientImport:
    """One import of the member's company, or ClientImport.DoesNotExist."""
    return import_list(actor).get(pk=import_id)


def _reset_counts() -> dict:
    return {
        "processed_rows": 0,
        "imported_count": 0,
        "rejected_count": 0,
        "duplicate_count": 0,
        "error": "",
        "finished_at": None,
    }


def import_set_mapping(actor: Membership, client_import: ClientImport, mapping: dict) -> None:
    """Save the column mapping and check the rows again: now for a small file, in the
    background for a big one (the preview page shows its progress)."""
    require(actor, Action.EDIT_RECORDS, client_import)
    mapping = {h: mapping.get(h, IGNORE) or IGNORE for h in client_import.headers}
    errors = mapping_errors(client_import.headers, mapping)
    if errors:
        raise ValidationError(
            {header or "__all__": [message] for header, message in errors.items()}
        )
    with transaction.atomic():
        locked = ClientImport.objects.select_for_update().get(pk=client_import.pk)
        if locked.status not in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED):
            raise ValidationError(_("This file is already imported."))
        changes = {
            "mapping": mapping,
            "status": ImportStatus.UPLOADED,
            "check_round": locked.check_round + 1,
            **_reset_counts(),
        }
        for name, value in changes.items():
            setattr(client_import, name, value)
        client_import.save(update_fields=list(changes))
        # The rows of the last check, and the choices made on them, belong to that mapping;
        # the choice for each kind of duplicate stays.
        client_import.problem_rows.all().delete()
    import_check_begin(actor, client_import)


def import_check_begin(actor: Membership, client_import: ClientImport) -> None:
    if client_import.total_rows <= SYNC_CHECK_ROWS:
        import_check(actor, client_import)
        return
    from crewdesk.clients.tasks import client_import_check

    import_id, member_id = client_import.pk, actor.pk
    transaction.on_commit(lambda: client_import_check.enqueue(import_id, member_id))


class _Report:
    """The rejected rows as a CSV: the file's own columns plus "error"; cells a spreadsheet
    would run as formulas are escaped."""

    def __init__(self, headers: list[str]) -> None:
        self.width = len(headers)
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by save_to
        self.text = io.TextIOWrapper(self.file, encoding="utf-8", newline="", write_through=True)
        self.text.write("\ufeff")  # spreadsheets then read it as UTF-8
        self.writer = csv.writer(self.text)
        self.writer.writerow([csv_safe(h) for h in headers] + [REPORT_ERROR_COLUMN])
        self.rows = 0

    def add(self, outcome: RowOutcome) -> None:
        cells = (outcome.cells + [""] * self.width)[: self.width]
        extra = outcome.cells[self.width :]  # cells beyond the headers, kept after the error
        self.writer.writerow([csv_safe(c) for c in [*cells, outcome.problem, *extra]])
        self.rows += 1

    def save_to(self, client_import: ClientImport) -> None:
        self.text.flush()
        self.text.detach()
        self.file.seek(0)
        if client_import.report:
            client_import.report.delete(save=False)
        stem = os.path.splitext(os.path.basename(client_import.file.name))[0]
        client_import.report.save(f"{stem}-rejected.csv", File(self.file), save=False)
        self.file.close()

    def discard(self) -> None:
        self.text.detach()
        self.file.close()


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @ gets an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _problem_row(client_import: ClientImport, outcome: RowOutcome) -> ClientImportRow:
    return ClientImportRow(
        company_id=client_import.company_id,
        client_import=client_import,
        row=outcome.number,
        kind=outcome.kind,
        summary=outcome.summary[:300],
        messages=outcome.errors or [outcome.duplicate],
        like_client_id=outcome.duplicate_of,
        like_row=outcome.repeat_of,
    )


def import_check(actor: Membership, client_import: ClientImport) -> None:
    """The preview: check every row with the current mapping, count the good rows, the rows
    with errors and the likely duplicates; keep every problem row to show (a page at a time)
    and a report of them all. Progress and problem rows are saved per batch, so a file of any
    size is never held in memory."""
    require(actor, Action.EDIT_RECORDS, client_import)
    mapping = dict(client_import.mapping)
    check_round = client_import.check_round
    checker = RowChecker(actor, client_import)
    report = _Report(client_import.headers)
    processed = errors = duplicates = 0
    for batch in _batches(import_rows(client_import), BATCH_SIZE):
        problems = []
        for outcome in checker.check_batch(batch):
            processed += 1
            if not outcome.kind:
                continue
            if outcome.errors:
                errors += 1
            else:
                duplicates += 1
            report.add(outcome)
            problems.append(_problem_row(client_import, outcome))
        with transaction.atomic():
            current = ClientImport.objects.filter(
                pk=client_import.pk, status=ImportStatus.UPLOADED, check_round=check_round
            ).update(processed_rows=processed)
            if not current:  # a newer mapping is being checked: this check is stale
                report.discard()
                return
            # Two checks of one mapping (two preview pages at once) find the same rows.
            ClientImportRow.objects.bulk_create(problems, ignore_conflicts=True)
    with transaction.atomic():
        current = ClientImport.objects.select_for_update().get(pk=client_import.pk)
        if (
            current.status != ImportStatus.UPLOADED
            or current.check_round != check_round
            or current.mapping != mapping
        ):
            report.discard()
            return  # the mapping changed meanwhile: a newer check is on its way
        report.save_to(current)
        current.status = ImportStatus.PREVIEWED
        current.processed_rows = processed
        current.total_rows = processed
        current.rejected_count = errors
        current.duplicate_count = duplicates
        current.save(
            update_fields=[
                "status",
                "processed_rows",
                "total_rows",
                "rejected_count",
                "duplicate_count",
                "report",
            ]
        )
    client_import.refresh_from_db()


# The preview lists errors first (they are what the office must fix), then likely duplicates.
_KIND_ORDER = Case(
    When(kind=ImportRowKind.ERROR, then=Value(0)),
    When(kind=ImportRowKind.DUPLICATE, then=Value(1)),
    default=Value(2),
)


def _chosen(kind: str, by_default: bool) -> Q:
    """The rows of a kind of duplicate that will be imported."""
    row_says = Q(import_it=True)
    if by_default:
        row_says |= Q(import_it__isnull=True)
    return Q(kind=kind) & row_says


@dataclass
class Preview:
    """The result of the last check: counts per kind of problem, what the office chose for the
    likely duplicates, and one page of the problem rows (all kinds, or one)."""

    rows: int
    with_errors: int
    like_clients: int  # rows like a saved client
    repeats: int  # rows like an earlier row of the file
    like_clients_imported: int
    repeats_imported: int
    show: str  # "" for every kind, or an ImportRowKind
    page: int
    pages: int
    problems: list[ClientImportRow]

    @property
    def duplicates(self) -> int:
        return self.like_clients + self.repeats

    @property
    def duplicates_imported(self) -> int:
        return self.like_clients_imported + self.repeats_imported

    @property
    def good(self) -> int:
        return self.rows - self.with_errors - self.duplicates

    @property
    def to_import(self) -> int:
        return self.good + self.duplicates_imported

    @property
    def shown_count(self) -> int:
        return {
            ImportRowKind.ERROR: self.with_errors,
            ImportRowKind.DUPLICATE: self.like_clients,
            ImportRowKind.REPEAT: self.repeats,
        }.get(self.show, self.with_errors + self.duplicates)


def import_preview(
    client_import: ClientImport, *, show: str = "", page: int = 1, with_rows: bool = True
) -> Preview:
    """The result of the last check (status "previewed"), with the page `page` of the problem
    rows of kind `show` ("" for all, errors first). Two queries whatever the file's size (one
    without the rows)."""
    rows = client_import.problem_rows.all()
    counts = rows.aggregate(
        errors=Count("pk", filter=Q(kind=ImportRowKind.ERROR)),
        like_clients=Count("pk", filter=Q(kind=ImportRowKind.DUPLICATE)),
        repeats=Count("pk", filter=Q(kind=ImportRowKind.REPEAT)),
        like_clients_imported=Count(
            "pk", filter=_chosen(ImportRowKind.DUPLICATE, client_import.import_duplicates)
        ),
        repeats_imported=Count(
            "pk", filter=_chosen(ImportRowKind.REPEAT, client_import.import_repeats)
        ),
    )
    show = show if show in ImportRowKind.values else ""
    preview = Preview(
        rows=client_import.total_rows,
        with_errors=counts["errors"],
        like_clients=counts["like_clients"],
        repeats=counts["repeats"],
        like_clients_imported=counts["like_clients_imported"],
        repeats_imported=counts["repeats_imported"],
        show=show,
        page=1,
        pages=1,
        problems=[],
    )
    preview.pages = max(1, -(-preview.shown_count // PROBLEM_ROWS_SHOWN))
    preview.page = min(max(page, 1), preview.pages)
    if not with_rows:
        return preview
    shown = rows.filter(kind=show) if show else rows.order_by(_KIND_ORDER, "row")
    start = (preview.page - 1) * PROBLEM_ROWS_SHOWN
    preview.problems = list(shown[start : start + PROBLEM_ROWS_SHOWN])
    for problem in preview.problems:
        problem.importing = import_row_chosen(client_import, problem)
    return preview


def import_row_chosen(client_import: ClientImport, problem: ClientImportRow) -> bool:
    """Whether a problem row will be imported: a likely duplicate the office chose (the row's
    own choice, else its kind's). A row with errors never is."""
    if problem.kind not in CHOICE_FIELDS:
        return False
    if problem.import_it is not None:
        return problem.import_it
    return getattr(client_import, CHOICE_FIELDS[problem.kind])


def import_choose(
    actor: Membership,
    client_import: ClientImport,
    *,
    import_it: bool,
    row: int | None = None,
    kind: str | None = None,
) -> None:
    """Import or skip one likely duplicate (`row`), or every row of a kind of them (`kind`:
    the kind's choice, which starts it afresh: earlier choices of its rows are forgotten).
    Only before the import starts."""
    require(actor, Action.EDIT_RECORDS, client_import)
    with transaction.atomic():
        locked = ClientImport.objects.select_for_update().get(pk=client_import.pk)
        if locked.status != ImportStatus.PREVIEWED:
            raise ValidationError(MSG_CHOICE_TOO_LATE, code="too_late")
        rows = locked.problem_rows.all()
        if row is not None:
            chosen = rows.filter(row=row, kind__in=CHOICE_FIELDS).update(import_it=import_it)
            if not chosen:
                raise ValidationError(MSG_NOT_A_DUPLICATE % {"row": row}, code="not_duplicate")
        elif kind in CHOICE_FIELDS:
            setattr(locked, CHOICE_FIELDS[kind], import_it)
            locked.save(update_fields=[CHOICE_FIELDS[kind]])
            rows.filter(kind=kind).exclude(import_it=None).update(import_it=None)
        else:
            raise ValidationError(_("Choose a row or a kind of likely duplicate."), code="invalid")
    client_import.refresh_from_db()


def import_fail(client_import: ClientImport, message: str) -> None:
    ClientImport.objects.filter(pk=client_import.pk).update(
        status=ImportStatus.FAILED, error=message, finished_at=timezone.now()
    )


# --- the import itself ---


def import_start(actor: Membership, client_import: ClientImport) -> None:
    """Queue the import of a checked file. A second click does nothing."""
    require(actor, Action.EDIT_RECORDS, client_import)
    with transaction.atomic():
        started = ClientImport.objects.filter(
            pk=client_import.pk, status=ImportStatus.PREVIEWED
        ).update(status=ImportStatus.IMPORTING, progress_at=timezone.now(), **_reset_counts())
        if not started:
            if client_import.status in (ImportStatus.IMPORTING, ImportStatus.DONE):
                return
            raise ValidationError(MSG_NOT_READY)
        from crewdesk.clients.tasks import client_import_run

        import_id, member_id = client_import.pk, actor.pk
        transaction.on_commit(lambda: client_import_run.enqueue(import_id, member_id))
    client_import.refresh_from_db()


def client_imported_event(*, actor: Membership, client_import: ClientImport) -> Activity:
    """One entry for a whole import, not one per client."""
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=Verb.CLIENT_IMPORTED,
        target=client_import,
        data={"name": client_import.original_name, "count": client_import.imported_count},
    )


def import_run(actor: Membership, client_import: ClientImport) -> None:
    """Import the good rows of a file in batches of BATCH_SIZE, one transaction each, with
    progress saved per batch. Rows with errors are never saved; likely duplicates are skipped
    unless the office chose them (row by row, or a whole kind). Rejected rows go to the report.
    A re-run after a crash resumes after the last saved batch."""
    require(actor, Action.EDIT_RECORDS, client_import)
    client_import.refresh_from_db()
    if client_import.status != ImportStatus.IMPORTING:
        return
    # The rows the office chose one by one: read once (the others follow their kind).
    row_choices = dict(
        client_import.problem_rows.filter(import_it__isnull=False).values_list("row", "import_it")
    )
    kind_choices = {kind: getattr(client_import, name) for kind, name in CHOICE_FIELDS.items()}
    checker = RowChecker(actor, client_import)
    report = _Report(client_import.headers)
    done_before = client_import.processed_rows
    rows = islice(import_rows(client_import), done_before, None)
    try:
        for batch in _batches(rows, BATCH_SIZE):
            outcomes = checker.check_batch(batch)
            good, errors, duplicates = [], 0, 0
            for outcome in outcomes:
                if outcome.errors:
                    errors += 1
                    report.add(outcome)
                elif outcome.kind and not row_choices.get(
                    outcome.number, kind_choices[outcome.kind]
                ):
                    duplicates += 1
                    outcome.errors = [_("Skipped as a likely duplicate: %s") % outcome.duplicate]
                    report.add(outcome)
                else:
                    good.append(outcome)
            with transaction.atomic():
                if good:
                    services.clients_create_many(
                        actor, [services.NewClient(o.client, o.phones, o.tags) for o in good]
                    )
                ClientImport.objects.filter(pk=client_import.pk).update(
                    processed_rows=F("processed_rows") + len(outcomes),
                    imported_count=F("imported_count") + len(good),
                    rejected_count=F("rejected_count") + errors,
                    duplicate_count=F("duplicate_count") + duplicates,
                    progress_at=timezone.now(),
                )
    except Exception:
        client_import.refresh_from_db()
        logger.exception("Import %s stopped", client_import.pk)
        report.save_to(client_import)
        client_import.save(update_fields=["report"])
        import_fail(client_import, str(MSG_STOPPED % {"count": client_import.processed_rows}))
        raise
    with transaction.atomic():
        client_import.refresh_from_db()
        report.save_to(client_import)
        client_import.status = ImportStatus.DONE
        client_import.processed_rows = client_import.total_rows = max(
            client_import.processed_rows, client_import.total_rows
        )
        client_import.finished_at = timezone.now()
        client_import.save(
            update_fields=["status", "processed_rows", "total_rows", "finished_at", "report"]
        )
        client_imported_event(actor=actor, client_import=client_import)


def import_actor(membership_id: int, import_id: int) -> tuple[Membership, ClientImport] | None:
    """The member and import a background task works for; None when either is gone."""
    try:
        actor = Membership.objects.select_related("company", "user").get(
            pk=membership_id, active=True
        )
        client_import = ClientImport.objects.get(pk=import_id, company_id=actor.company_id)
    except ObjectDoesNotExist:
        return None
    return actor, client_import


def import_fail_if_stalled(client_import: ClientImport) -> None:
    """An import that has not moved for STALLED_AFTER lost its worker (a batch takes seconds):
    say so, rather than show a progress bar that never moves. Its saved batches stay."""
    if client_import.status != ImportStatus.IMPORTING:
        return
    moved = client_import.progress_at or client_import.created_at
    if timezone.now() - moved < STALLED_AFTER:
        return
    stalled = ClientImport.objects.filter(
        pk=client_import.pk, status=ImportStatus.IMPORTING, progress_at=client_import.progress_at
    )
    stalled.update(
        status=ImportStatus.FAILED,
        error=str(MSG_STOPPED % {"count": client_import.processed_rows}),
        finished_at=timezone.now(),
    )
    client_import.refresh_from_db()


def import_orphaned(import_id: int) -> None:
    """The member who started a check or import left (or the import is gone): say so."""
    ClientImport.objects.filter(
        pk=import_id, status__in=[ImportStatus.UPLOADED, ImportStatus.IMPORTING]
    ).update(status=ImportStatus.FAILED, error=str(MSG_ORPHANED), finished_at=timezone.now())


def report_file(client_import: ClientImport) -> IO[bytes] | None:
    if not client_import.report:
        return None
    return client_import.report.open("rb")
