"""Realistic bulk clients for benchmarks and for measuring the duplicate check
(`crewdesk generate_data --clients N`, DESIGN §6).

About 3% are near-duplicates of an earlier client (duplicates.py); which client each copies is
written to the truth file (truth.py). Speed: rows are built in Python in batches
(client_rows.py) and written with COPY on PostgreSQL (one INSERT per table and batch
elsewhere), in a second thread when it can (pipeline.py). Search tokens, match keys and the
sort key come from the same functions the services use (indexing.py), so a generated client is
found exactly like a typed one. Client ids are reserved before writing so that children can
point at them.
"""

import csv
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection

from crewdesk.accounts.models import Membership
from crewdesk.clients.models import Client
from crewdesk.clients.services import tag_get_or_create
from crewdesk.core.models import Company
from crewdesk.sampledata import events
from crewdesk.sampledata.bulk.client_maker import TAG_NAMES, ClientMaker
from crewdesk.sampledata.bulk.client_rows import TABLES, Batch, BatchBuilder
from crewdesk.sampledata.bulk.pipeline import Progress, ProgressLog, run_inline, run_pipelined
from crewdesk.sampledata.bulk.truth import TRUTH_HEADER, read_truth, truth_path_for
from crewdesk.sampledata.bulk.writer import LoadWriter

VERB_GENERATED = events.Verb.CLIENTS_GENERATED
FAST_LOAD_MIN_CLIENTS = 50_000


@dataclass
class GenerateResult:
    company: Company
    clients: int
    duplicates: int
    rows: int
    seconds: float
    truth_path: Path
    truth: list[tuple[int, int, str]] = field(default_factory=list)  # (duplicate, original, how)
    fast_load: bool = False


def generate_clients(
    owner: Membership,
    *,
    count: int,
    seed: int | str = 0,
    duplicates_percent: float = 3.0,
    batch_size: int = 5000,
    fast_load: bool | None = None,
    progress: Progress | None = None,
) -> GenerateResult:
    """Add `count` clients to the owner's company, about `duplicates_percent` of them
    near-duplicates of earlier ones, and record which is which in the truth file.

    On PostgreSQL (outside a transaction) a second thread writes while this one builds rows.
    `fast_load` (default: when adding at least 50,000 clients and at least as many as the
    database holds) writes everything in one transaction with the secondary indexes and
    foreign keys of the six tables dropped, then rebuilds them: other sessions wait for the
    client tables meanwhile, so use it on a database being prepared, not on a live one."""
    started = time.monotonic()
    company = owner.company
    rng = random.Random(f"crewdesk-{seed}")  # noqa: S311 (test data, not secrets)
    tag_ids = [tag_get_or_create(actor=owner, name=name).id for name in TAG_NAMES]
    maker = ClientMaker(rng, home_country=company.country or "US", tag_ids=tag_ids)
    builder = BatchBuilder(
        rng,
        maker,
        company_id=company.id,
        user_id=owner.user_id,
        count=count,
        duplicates_percent=duplicates_percent,
    )
    writer = LoadWriter()
    pipelined = writer.postgres and not connection.in_atomic_block
    if fast_load is None:
        fast_load = pipelined and count >= FAST_LOAD_MIN_CLIENTS and count >= _client_rows()
    fast_load = bool(fast_load and pipelined)

    path = truth_path_for(company)
    path.parent.mkdir(parents=True, exist_ok=True)
    earlier = read_truth(path) if path.exists() and _has_other_clients(company) else []
    partial = path.with_name(path.name + ".part")
    log = ProgressLog(started, count, progress)
    with open(partial, "w", newline="") as truth_file:
        out = csv.writer(truth_file)
        out.writerow(TRUTH_HEADER)
        out.writerows(earlier)

        def record(batch: Batch) -> None:
            out.writerows(batch.truth)
            truth_file.flush()

        if pipelined:
            truth, rows = run_pipelined(builder, writer, count, batch_size, fast_load, record, log)
        else:
            truth, rows = run_inline(builder, writer, count, batch_size, record, log)
    partial.replace(path)

    events.sample_data_generated_event(
        owner=owner,
        verb=VERB_GENERATED,
        count=count,
        duplicates=len(truth),
        seed=str(seed),
    )
    if writer.postgres and not connection.in_atomic_block:
        # Statistics for the planner, and the visibility map that lets index-only scans (the
        # search reads ClientToken that way) skip the table.
        log.say("Vacuuming and analysing the new rows…")
        writer.run(
            f"VACUUM (ANALYZE) {connection.ops.quote_name(m._meta.db_table)}" for m, _c in TABLES
        )
    return GenerateResult(
        company=company,
        clients=count,
        duplicates=len(truth),
        rows=rows,
        seconds=time.monotonic() - started,
        truth_path=path,
        truth=earlier + truth,
        fast_load=fast_load,
    )


def _client_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(Client._meta.db_table)}")  # noqa: S608
        return cursor.fetchone()[0]


def _has_other_clients(company: Company) -> bool:
    return Client.objects.filter(company=company).exists()
