"""The generate_data command: clients, the truth file and the measurement (its properties and
jobs: test_generate_jobs.py)."""

import csv
import io

import pytest
from django.core.management import call_command

from crewdesk.clients.models import Client
from crewdesk.sampledata.bulk.truth import read_truth


def test_the_command_creates_a_company_and_prints_the_measurement(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    out = io.StringIO()
    call_command(
        "generate_data", clients=120, company="gen-test", seed="3", measure=True, stdout=out
    )
    output = out.getvalue()
    company = Client.objects.filter(company__slug="gen-test").first().company
    assert Client.objects.filter(company=company).count() == 120
    path = tmp_path / "generated" / "duplicates-gen-test.csv"
    assert str(path) in output
    assert "120/120 clients" in output and "recall " in output and "precision " in output
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 4 and set(rows[0]) == {"duplicate_id", "original_id", "mutations"}

    # Adding to the same company keeps the earlier truth and measures it all.
    out = io.StringIO()
    call_command("generate_data", clients=100, company="gen-test", seed="4", stdout=out)
    assert len(read_truth(path)) == 4 + 3
    out = io.StringIO()
    call_command("generate_data", measure_only=True, company="gen-test", sample=0, stdout=out)
    assert "over 7 duplicates" in out.getvalue()


def test_the_command_refuses_nonsense(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("generate_data", clients=0)
    with pytest.raises(CommandError):
        call_command("generate_data", measure_only=True, company="no-such-company")
