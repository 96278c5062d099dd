"""The record of which generated client copies which: one CSV per company,
`<CREWDESK_DATA_DIR>/generated/duplicates-<company slug>.csv`, so that the duplicate check's
recall and precision can be measured against it (recall.py)."""

import csv
from pathlib import Path

from django.conf import settings

from crewdesk.core.models import Company

TRUTH_HEADER = ["duplicate_id", "original_id", "mutations"]


def truth_path_for(company: Company) -> Path:
    return Path(settings.DATA_DIR) / "generated" / f"duplicates-{company.slug}.csv"


def read_truth(path: Path) -> list[tuple[int, int, str]]:
    """(duplicate_id, original_id, mutations) rows of a truth file."""
    with open(path, newline="") as f:
        return [
            (int(row["duplicate_id"]), int(row["original_id"]), row.get("mutations") or "")
            for row in csv.DictReader(f)
        ]
