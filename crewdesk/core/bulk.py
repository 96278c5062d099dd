"""Writing many rows fast, for the data generator and the CSV import: COPY on PostgreSQL, one
executemany INSERT elsewhere, and (PostgreSQL) loading with the secondary indexes dropped."""

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model


class BulkWriter:
    """Writes rows fast: COPY on PostgreSQL, one executemany INSERT per table elsewhere."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    def reserve_ids(self, model: type[Model], count: int) -> list[int]:
        """Ids for `count` new rows. On PostgreSQL they come from the table's sequence, so no
        one else gets them; on SQLite the caller holds the write lock (a transaction), so the
        ids after the highest one ever used are ours."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            top = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            start = max(top, row[0] if row else 0) + 1
            return list(range(start, start + count))

    def write(self, model: type[Model], columns: Sequence[str], rows: list[tuple]) -> int:
        if not rows:
            return 0
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        names = ", ".join(quote(c) for c in columns)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                return len(rows)
            dated = [i for i, c in enumerate(columns) if c in ("created_at", "updated_at")]
            if dated:
                adapt = connection.ops.adapt_datetimefield_value
                rows = [list(row) for row in rows]
                for row in rows:
                    for i in dated:
                        row[i] = adapt(row[i])
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608
            return len(rows)

    def suspend_indexes(self, models: Sequence[type[Model]]) -> list[str]:
        """PostgreSQL, inside a transaction: drop the tables' foreign keys and the indexes that
        back no constraint, and answer the statements that recreate them exactly. Loading a
        million rows and then building each index once is many times faster than updating
        large indexes row by row (pg_restore loads the same way). Being DDL in the same
        transaction, nothing is lost if the load fails: it all rolls back."""
        restore: list[str] = []
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in models:
                table = model._meta.db_table
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                    " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
                    restore.append(
                        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                    )
                cursor.execute(
                    "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
                    " JOIN pg_class i ON i.oid = x.indexrelid"
                    " WHERE x.indrelid = %s::regclass AND NOT EXISTS"
                    " (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
                    " ORDER BY i.relname",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    cursor.execute(f"DROP INDEX {quote(name)}")
                    restore.insert(0, definition)  # indexes first, then the foreign keys
        return restore

    def run(self, statements: Iterable[str]) -> None:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
