"""The bulk generators' writer: the product's BulkWriter, plus what only a load of sample data
needs: ids reserved before writing (so children can point at their parents in the same batch),
and (PostgreSQL) loading with the secondary indexes and foreign keys dropped."""

from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Model

from crewdesk.core.bulk import BulkWriter


class LoadWriter(BulkWriter):
    """A BulkWriter that also reserves ids and suspends indexes, for generate_data."""

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

    def write_rows(self, model: type[Model], columns: Sequence[str], rows: list[tuple]) -> int:
        """`write`, with the model's dates and moments adapted for SQLite as Django would
        (it stores them as ISO text; created_at and updated_at the BulkWriter adapts itself)."""
        if not self.postgres and rows:
            rows = _for_sqlite(model, columns, rows)
        return self.write(model, columns, rows)

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


def _for_sqlite(model: type[Model], columns: Sequence[str], rows: list[tuple]) -> list[tuple]:
    kinds = {f.column: f.get_internal_type() for f in model._meta.concrete_fields}
    moments = [
        i
        for i, c in enumerate(columns)
        if kinds.get(c) == "DateTimeField" and c not in ("created_at", "updated_at")
    ]
    days = [i for i, c in enumerate(columns) if kinds.get(c) == "DateField"]
    if not moments and not days:
        return rows
    adapt = connection.ops.adapt_datetimefield_value
    out = []
    for row in rows:
        row = list(row)
        for i in moments:
            row[i] = adapt(row[i])
        for i in days:
            if row[i] is not None:
                row[i] = row[i].isoformat()
        out.append(tuple(row))
    return out
