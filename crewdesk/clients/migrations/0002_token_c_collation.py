"""On PostgreSQL, search tokens compare byte by byte ("C" collation): then `token >= 'smi' AND
token < 'smj'` is one range of the btree, read in order, with no sort. SQLite already compares
strings this way."""

from django.db import migrations


def token_c_collation(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        'ALTER TABLE clients_clienttoken ALTER COLUMN token TYPE varchar(64) COLLATE "C"'
    )


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [migrations.RunPython(token_c_collation, migrations.RunPython.noop)]
