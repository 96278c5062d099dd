"""Reading an uploaded CSV: refuse what is not one (a workbook, a picture), find its encoding
and delimiter, and store it privately re-encoded as UTF-8 with commas, so every later step
reads one format (`import_rows`). Row numbers stay those a spreadsheet shows."""

import codecs
import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crewdesk.clients.models import ClientImport

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# A client list has a few dozen columns; a header row of thousands is a mistake or an attack
# (each column becomes a field of the mapping page).
MAX_COLUMNS = 200

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
MSG_NOT_UTF8 = gettext_lazy(
    "The file is not in UTF-8, so we read it as Western European (Windows-1252). Check "
    "accented letters in the preview; if they look wrong, save the file as “CSV UTF-8” and "
    "upload it again."
)


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


def is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def upload_normalised(upload: File, stored: IO[bytes]) -> tuple[list[str], int, str]:
    """Write an uploaded CSV to `stored` as UTF-8 with commas, whatever its encoding and
    delimiter. Answers (headers, number of rows, a note for the user or ""); raises
    ValidationError when the file cannot be a client list."""
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
    headers, total = _normalise(csv.reader(text, delimiter=_sniff_delimiter(sample)), stored)
    if not total:
        raise ValidationError(MSG_NO_ROWS, code="no_rows")
    return headers, total, note


def _normalise(reader, stored: IO[bytes]) -> tuple[list[str], int]:
    """Write the rows to `stored` as UTF-8 with commas; (headers, number of non-blank rows)."""
    out = io.TextIOWrapper(stored, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(out)
    headers: list[str] = []
    total = 0
    try:
        for cells in reader:
            if not headers:
                if not is_blank(cells):
                    headers = _unique_headers(_header_cells(cells))
                    writer.writerow(headers)
                continue
            writer.writerow(cells)  # blank rows too: row numbers stay those of the file
            if not is_blank(cells):
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
            if not is_blank(cells):
                yield number, cells
