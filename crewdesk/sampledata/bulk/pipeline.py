"""Writing batches of generated clients: one transaction per batch in this thread, or on
PostgreSQL outside a transaction, a second thread that writes while this one builds (the
Python work and PostgreSQL's run on two cores at once), optionally as one fast load with the
secondary indexes dropped."""

import time
from collections.abc import Callable

from django.db import connection, transaction

from crewdesk.clients.models import Client
from crewdesk.sampledata.bulk.client_rows import TABLES, Batch, BatchBuilder, write_batch
from crewdesk.sampledata.bulk.writer import LoadWriter

Progress = Callable[[str], None]


class ProgressLog:
    """What generate_data prints after each batch: clients, near-duplicates and rows so far,
    and how fast."""

    def __init__(self, started: float, count: int, progress: Progress | None):
        self.started, self.count, self.progress = started, count, progress
        self.clients = self.rows = self.duplicates = 0

    def say(self, message: str) -> None:
        if self.progress:
            self.progress(message)

    def written(self, batch: Batch, rows: int) -> None:
        self.clients += batch.clients
        self.rows += rows
        self.duplicates += len(batch.truth)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        self.say(
            f"{self.clients:,}/{self.count:,} clients ({self.duplicates:,} near-duplicates), "
            f"{self.rows:,} rows, {elapsed:.1f} s: "
            f"{self.clients / elapsed:,.0f} clients/s, {self.rows / elapsed:,.0f} rows/s"
        )


def run_inline(
    builder: BatchBuilder,
    writer: LoadWriter,
    count: int,
    batch_size: int,
    record: Callable[[Batch], None],
    log: ProgressLog,
) -> tuple[list, int]:
    """One transaction per batch, in this thread (SQLite, or inside a caller's transaction)."""
    truth, rows, done = [], 0, 0
    while done < count:
        size = min(batch_size, count - done)
        with transaction.atomic():
            batch = builder.build(writer.reserve_ids(Client, size))
            written = write_batch(writer, batch)
        record(batch)
        truth.extend(batch.truth)
        rows += written
        done += size
        log.written(batch, written)
    return truth, rows


_DONE = object()  # the builder has sent every batch
_ABORT = object()  # the builder failed: write nothing more, roll back what is not committed


class _Aborted(Exception):
    pass


def run_pipelined(
    builder: BatchBuilder,
    writer: LoadWriter,
    count: int,
    batch_size: int,
    fast_load: bool,
    record: Callable[[Batch], None],
    log: ProgressLog,
) -> tuple[list, int]:
    """This thread builds rows while a second one (with its own connection) writes them: the
    Python work and PostgreSQL's run on two cores at once."""
    import queue
    import threading

    from django.db import connections

    batches: queue.Queue = queue.Queue(maxsize=2)
    outcome: dict = {"rows": 0, "error": None}

    def write_all() -> None:
        try:
            if fast_load:
                with transaction.atomic():
                    _tune_session(local=True)
                    restore = writer.suspend_indexes([model for model, _c in TABLES])
                    log.say("Fast load: secondary indexes and foreign keys are rebuilt at the end.")
                    _write_from(batches, writer, record, log, outcome, per_batch=False)
                    log.say(f"Rebuilding {len(restore)} indexes and foreign keys…")
                    writer.run(restore)
            else:
                _write_from(batches, writer, record, log, outcome, per_batch=True)
        except _Aborted:
            pass  # the building thread raises its own error
        except BaseException as error:  # reported to the building thread, which re-raises
            outcome["error"] = error
            while batches.get() not in (_DONE, _ABORT):  # let the builder finish and exit
                pass
        finally:
            connections.close_all()

    thread = threading.Thread(target=write_all, name="generate-writer", daemon=True)
    thread.start()
    truth: list = []
    done = 0
    try:
        while done < count and outcome["error"] is None:
            size = min(batch_size, count - done)
            batch = builder.build(writer.reserve_ids(Client, size))
            truth.extend(batch.truth)
            batches.put(batch)
            done += size
    except BaseException:  # a bug, or Ctrl-C: the fast load rolls back entirely
        batches.put(_ABORT)
        thread.join()
        raise
    batches.put(_DONE)
    thread.join()
    if outcome["error"] is not None:
        raise outcome["error"]
    return truth, outcome["rows"]


def _tune_session(*, local: bool) -> None:
    scope = "LOCAL " if local else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SET {scope}synchronous_commit TO OFF")
        cursor.execute(f"SET {scope}maintenance_work_mem TO '512MB'")


def _write_from(batches, writer, record, log, outcome, *, per_batch: bool) -> None:
    while (batch := batches.get()) is not _DONE:
        if batch is _ABORT:
            raise _Aborted
        if per_batch:
            with transaction.atomic():
                _tune_session(local=True)
                written = write_batch(writer, batch)
        else:
            written = write_batch(writer, batch)
        record(batch)
        outcome["rows"] += written
        log.written(batch, written)
