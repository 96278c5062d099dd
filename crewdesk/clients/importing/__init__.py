"""CSV import of clients: read an upload (encoding, delimiter, headers), guess which column is
which client field, check every row with the rules the services use, then import the good rows
in batches while the page shows progress.

The upload is stored privately re-encoded as UTF-8 with commas, so every later step reads one
format. Rows are checked with the pieces `services.client_create` uses (the same normalisation,
validation.py's rules, the model's limits) and the duplicate check of `duplicates`; the rows
with errors and the likely duplicates are kept (ClientImportRow) for the preview, where the
office imports or skips each likely duplicate (or a whole kind of them). The good rows are
saved by `services.clients_create_many`, a thousand at a time.

By subject, in the order a file goes through them:
- decoding.py: the upload as a CSV (refusals, encoding, delimiter, headers), stored as UTF-8;
- columns.py: which field each column fills (the guess from headers, the office's mapping);
- cells.py: a row's cell text as the values a client stores;
- checking.py: each row against the rules, the earlier rows and the saved clients;
- preview.py: the counts and problem rows of a check, the office's choices on duplicates;
- report.py: the rejected rows as a CSV to fix and upload again;
- batches.py: the two passes over the file (check, import), a batch at a time;
- lifecycle.py: the steps the office takes (upload, map, start) and the tasks' bookkeeping.

The steps the pages, the tasks and the benchmarks call are importable from here.
"""

from crewdesk.clients.importing.batches import import_check, import_fail, import_run
from crewdesk.clients.importing.lifecycle import (
    import_actor,
    import_check_begin,
    import_checked_while_waiting,
    import_fail_if_stalled,
    import_get,
    import_list,
    import_orphaned,
    import_samples,
    import_set_mapping,
    import_start,
    import_upload,
    report_file,
)
from crewdesk.clients.importing.preview import import_choose, import_preview, import_row_chosen

__all__ = [
    "import_actor",
    "import_check",
    "import_check_begin",
    "import_checked_while_waiting",
    "import_choose",
    "import_fail",
    "import_fail_if_stalled",
    "import_get",
    "import_list",
    "import_orphaned",
    "import_preview",
    "import_row_chosen",
    "import_run",
    "import_samples",
    "import_set_mapping",
    "import_start",
    "import_upload",
    "report_file",
]
