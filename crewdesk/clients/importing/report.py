"""The report of the rows a check or an import rejected: a CSV with the file's own columns
plus "error", which the office fixes and uploads again."""

import csv
import io
import os
import tempfile

from django.core.files import File

from crewdesk.clients.importing.cells import csv_safe
from crewdesk.clients.importing.checking import RowOutcome
from crewdesk.clients.models import ClientImport

REPORT_ERROR_COLUMN = "error"


class RejectedRows:
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
