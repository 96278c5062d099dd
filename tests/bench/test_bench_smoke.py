"""A tiny run of the benchmark harness (bench/), so that `make bench` cannot rot unnoticed.
Nothing here asserts a time: it checks that every workload runs, answers 200 and reports
what it should."""

from dataclasses import asdict
from pathlib import Path

import pytest

from bench import load, run, workloads
from crewdesk.clients.models import Client, Note
from crewdesk.jobs.models import Job
from crewdesk.sampledata.bulk.company import company_for_generation
from crewdesk.sampledata.bulk.generate_clients import generate_clients
from crewdesk.sampledata.bulk.generate_invoices import generate_invoices
from crewdesk.sampledata.bulk.generate_jobs import generate_jobs


@pytest.fixture
def generated(db, settings, tmp_path):
    settings.DATA_DIR = tmp_path  # the truth file of the near-duplicates goes there
    owner = company_for_generation("bench-smoke")
    generate_clients(owner, count=120, seed="smoke")
    return owner


def test_every_workload_runs_and_reports(generated, on_postgres, tmp_path):
    company = workloads.Company(generated)
    per = {"count": 6, "warmup": 2}
    results = {
        "W1": workloads.w1_search(company, **per),
        "W2": workloads.w2_duplicate_check(company, recall_sample=20, **per),
        "W3": workloads.w3_list(company, **per),
        "W4": workloads.w4_profile(company, **per),
        "W5": workloads.w5_api(company, **per),
    }
    for name, result in results.items():
        assert result.requests == 6, name
        assert 0 < result.ms["p50"] <= result.ms["p95"] <= result.ms["p99"], name
        assert 0 < result.queries["min"] <= result.queries["max"] <= 25, name
        assert result.peak_memory_mb > 0, name
    assert {"name prefix", "typo", "email fragment"} <= set(results["W1"].extra["terms"])
    assert 0 < results["W2"].extra["recall"] <= 1
    if on_postgres:
        # Rows read and the bare SQL of the searches come from PostgreSQL itself. (Its row
        # counts appear when a transaction ends: inside a test's transaction they stay 0.)
        assert results["W1"].rows_per_request is not None
        assert results["W1"].bare_sql_ms["p50"] > 0 and results["W1"].ratio_to_sql > 0
    profile = company.profile_client()
    assert profile.contacts.count() == 50 and Note.objects.filter(client=profile).count() == 50

    imported = workloads.w6_import(generated, rows=60)
    assert imported["status"] == "done" and imported["imported"] > 50
    assert imported["imported"] + imported["rejected"] + imported["skipped_duplicates"] == 60

    report = {
        "date": "2026-01-01",
        "commit": "abc1234",
        "machine": run.machine(),
        "requests": 6,
        "warmup": 2,
        "postgres": "15.0",
        "sizes": [
            {
                "size": Client.objects.filter(company_id=generated.company_id).count(),
                "generated_seconds": 1.0,
                "workloads": {name: asdict(r) for name, r in results.items()},
            }
        ],
        "import": imported,
    }
    written = run.write_report(report, tmp_path / "results")
    text = written.read_text()
    for name in ("W1", "W2", "W3", "W4", "W5", "W6"):
        assert name in text
    assert (tmp_path / "results" / "latest.md").read_text() == text
    assert (tmp_path / "results" / "latest.json").exists()


@pytest.fixture
def generated_jobs(generated):
    generate_jobs(generated, seed="smoke", employees=4)
    return generated


JOB_WORKLOADS = {
    "W8": workloads.w8_job_list,
    "W9": workloads.w9_schedule,
    "W10": workloads.w10_crew_home,
    "W11": workloads.w11_property_and_client_jobs,
    "W12": workloads.w12_api_jobs,
}


@pytest.mark.parametrize("name", sorted(JOB_WORKLOADS))
def test_every_job_workload_runs_and_reports(generated_jobs, on_postgres, name):
    """W8–W12 on a tiny company of generated clients, properties and jobs."""
    assert Job.objects.filter(company_id=generated_jobs.company_id).count() > 200
    company = workloads.Company(generated_jobs)
    result = JOB_WORKLOADS[name](company, count=6, warmup=2)
    assert result.name == name and result.requests == 6
    assert 0 < result.ms["p50"] <= result.ms["p95"] <= result.ms["p99"]
    assert 0 < result.queries["min"] <= result.queries["max"] <= 25
    assert result.peak_memory_mb > 0
    if on_postgres:
        assert result.rows_per_request is not None
        assert result.bare_sql_ms["p50"] > 0


@pytest.fixture
def generated_invoices(generated_jobs):
    generate_invoices(generated_jobs, seed="smoke", client_invoices=150)
    return generated_jobs


INVOICE_WORKLOADS = {
    "W13": workloads.w13_invoice_list,
    "W14": workloads.w14_client_invoices,
    "W15": workloads.w15_ready_to_invoice,
    "W16": workloads.w16_invoice_pdf,
    "W19": workloads.w19_aging,
}


@pytest.mark.parametrize("name", sorted(INVOICE_WORKLOADS))
def test_every_invoice_workload_runs_and_reports(generated_invoices, on_postgres, name):
    """W13–W16 and W19 on a tiny company of generated invoices and payments."""
    company = workloads.Company(generated_invoices)
    result = INVOICE_WORKLOADS[name](company, count=4, warmup=1)
    assert result.name == name and result.requests == 4
    assert 0 < result.ms["p50"] <= result.ms["p95"] <= result.ms["p99"]
    assert 0 < result.queries["min"] <= result.queries["max"] <= 25
    if name == "W16":
        assert result.extra["lines"] == workloads.PDF_LINES
    if on_postgres and name != "W16":
        assert result.bare_sql_ms["p50"] > 0


def test_the_batch_pdf_and_the_ledger_workloads_report(generated_invoices, tmp_path):
    """W17 renders a batch of the big client's open invoices (20 here, 500 in `make bench`)
    and says its seconds and peak memory; W18 checks the whole ledger and finds nothing."""
    company = workloads.Company(generated_invoices)
    batch = workloads.w17_batch_pdf(company, size=20)
    assert batch.name == "W17" and batch.extra["invoices"] == 20
    assert batch.ms["p50"] > 0 and batch.peak_memory_mb > 0 and batch.extra["pdf_kb"] > 0
    ledger = workloads.w18_check_ledger(company)
    assert ledger.extra["violations"] == 0 and ledger.queries["max"] <= 6
    report = {
        "date": "2026-01-01",
        "commit": "abc1234",
        "machine": run.machine(),
        "requests": 1,
        "warmup": 0,
        "sizes": [
            {
                "size": 120,
                "workloads": {"W17": asdict(batch), "W18": asdict(ledger)},
            }
        ],
    }
    text = run.write_report(report, tmp_path).read_text()
    assert "W17 batch PDF of" in text and "W18 check_ledger over" in text


def test_the_report_counts_the_tables(generated_jobs, on_postgres):
    if not on_postgres:
        pytest.skip("row estimates come from PostgreSQL")
    rows = run.table_rows()
    assert set(rows) == {
        "clients",
        "properties",
        "jobs",
        "job_lines",
        "job_assignments",
        "invoices",
        "invoice_lines",
        "payments",
        "payment_allocations",
    }


def test_the_load_driver_counts_answers_of_a_real_server(live_server, owner):
    """W7's driver, against the test server: every request answered and counted."""
    result = load.drive(live_server.url, ["/healthz", "/login/"], {}, seconds=0.5, concurrency=2)
    assert result["requests"] > 0 and result["errors"] == 0
    assert result["requests_per_second"] > 0 and result["ms"]["p50"] > 0


def test_sizes_and_database_names():
    assert [run.parse_size(s) for s in ("10k", "100K", "1m", "2500")] == [
        10_000,
        100_000,
        1_000_000,
        2500,
    ]
    assert run.size_label(1_000_000) == "1m" and run.size_label(10_000) == "10k"
    url = "postgres://postgres@127.0.0.1:5432/crewdesk_bench"
    assert run.with_database(url, "crewdesk_bench_1m").endswith("/crewdesk_bench_1m")
    assert run.database_name(url) == "crewdesk_bench"


def test_bench_refuses_sqlite(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/x.sqlite3")
    assert run.main(["--sizes", "10k"]) == 2
    assert "PostgreSQL" in capsys.readouterr().err


def test_results_folder_is_linked_from_the_readme():
    readme = (Path(run.ROOT) / "README.md").read_text()
    assert "bench/results/latest.md" in readme
