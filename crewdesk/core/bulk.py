"""Writing many rows fast, for the CSV import (and the sample data): COPY on PostgreSQL, one
executemany INSERT elsewhere."""

from collections.abc import Sequence

from django.db import connection
from django.db.models import Model


class BulkWriter:
    """Writes rows fast: COPY on PostgreSQL, one executemany INSERT per table elsewhere."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

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
