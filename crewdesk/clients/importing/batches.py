"""The two passes over a stored file, BATCH_SIZE rows at a time so a file of any size is never
held in memory: the check behind the preview (`import_check`), and the import itself
(`import_run`), which saves the good rows through `services.clients_create_many`."""

import logging
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crewdesk.accounts.models import Membership
from crewdesk.clients import events, services
from crewdesk.clients.importing.checking import RowChecker, RowOutcome
from crewdesk.clients.importing.decoding import import_rows
from crewdesk.clients.importing.preview import CHOICE_FIELDS
from crewdesk.clients.importing.report import RejectedRows
from crewdesk.clients.models import ClientImport, ClientImportRow, ImportStatus
from crewdesk.core.permissions import Action, require

logger = logging.getLogger(__name__)

BATCH_SIZE = 1_000

MSG_STOPPED = gettext_lazy(
    "The import stopped unexpectedly after %(count)d rows. The rows before that were imported; "
    "upload the rejected and remaining rows again."
)


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _problem_row(client_import: ClientImport, outcome: RowOutcome) -> ClientImportRow:
    return ClientImportRow(
        company_id=client_import.company_id,
        client_import=client_import,
        row=outcome.number,
        kind=outcome.kind,
        summary=outcome.summary[:300],
        messages=outcome.errors or [outcome.duplicate],
        like_client_id=outcome.duplicate_of,
        like_row=outcome.repeat_of,
    )


def import_check(*, actor: Membership, client_import: ClientImport) -> None:
    """The preview: check every row with the current mapping, count the good rows, the rows
    with errors and the likely duplicates; keep every problem row to show (a page at a time)
    and a report of them all. Progress and problem rows are saved per batch, so a file of any
    size is never held in memory."""
    require(actor, Action.EDIT_RECORDS, client_import)
    mapping = dict(client_import.mapping)
    check_round = client_import.check_round
    checker = RowChecker(actor, client_import)
    report = RejectedRows(client_import.headers)
    processed = errors = duplicates = 0
    for batch in _batches(import_rows(client_import), BATCH_SIZE):
        problems = []
        for outcome in checker.check_batch(batch):
            processed += 1
            if not outcome.kind:
                continue
            if outcome.errors:
                errors += 1
            else:
                duplicates += 1
            report.add(outcome)
            problems.append(_problem_row(client_import, outcome))
        with transaction.atomic():
            current = ClientImport.objects.filter(
                pk=client_import.pk, status=ImportStatus.UPLOADED, check_round=check_round
            ).update(processed_rows=processed)
            if not current:  # a newer mapping is being checked: this check is stale
                report.discard()
                return
            # Two checks of one mapping (two preview pages at once) find the same rows.
            ClientImportRow.objects.bulk_create(problems, ignore_conflicts=True)
    with transaction.atomic():
        current = ClientImport.objects.select_for_update().get(pk=client_import.pk)
        if (
            current.status != ImportStatus.UPLOADED
            or current.check_round != check_round
            or current.mapping != mapping
        ):
            report.discard()
            return  # the mapping changed meanwhile: a newer check is on its way
        report.save_to(current)
        current.status = ImportStatus.PREVIEWED
        current.processed_rows = processed
        current.total_rows = processed
        current.rejected_count = errors
        current.duplicate_count = duplicates
        current.save(
            update_fields=[
                "status",
                "processed_rows",
                "total_rows",
                "rejected_count",
                "duplicate_count",
                "report",
            ]
        )
    client_import.refresh_from_db()


def import_fail(client_import: ClientImport, message: str) -> None:
    ClientImport.objects.filter(pk=client_import.pk).update(
        status=ImportStatus.FAILED, error=message, finished_at=timezone.now()
    )


def import_run(*, actor: Membership, client_import: ClientImport) -> None:
    """Import the good rows of a file in batches of BATCH_SIZE, one transaction each, with
    progress saved per batch. Rows with errors are never saved; likely duplicates are skipped
    unless the office chose them (row by row, or a whole kind). Rejected rows go to the report.
    A re-run after a crash resumes after the last saved batch."""
    require(actor, Action.EDIT_RECORDS, client_import)
    client_import.refresh_from_db()
    if client_import.status != ImportStatus.IMPORTING:
        return
    # The rows the office chose one by one: read once (the others follow their kind).
    row_choices = dict(
        client_import.problem_rows.filter(import_it__isnull=False).values_list("row", "import_it")
    )
    kind_choices = {kind: getattr(client_import, name) for kind, name in CHOICE_FIELDS.items()}
    checker = RowChecker(actor, client_import)
    report = RejectedRows(client_import.headers)
    done_before = client_import.processed_rows
    rows = islice(import_rows(client_import), done_before, None)
    try:
        for batch in _batches(rows, BATCH_SIZE):
            outcomes = checker.check_batch(batch)
            good, errors, duplicates = [], 0, 0
            for outcome in outcomes:
                if outcome.errors:
                    errors += 1
                    report.add(outcome)
                elif outcome.kind and not row_choices.get(
                    outcome.number, kind_choices[outcome.kind]
                ):
                    duplicates += 1
                    outcome.errors = [_("Skipped as a likely duplicate: %s") % outcome.duplicate]
                    report.add(outcome)
                else:
                    good.append(outcome)
            with transaction.atomic():
                if good:
                    services.clients_create_many(
                        actor=actor, new_clients=[o.new_client() for o in good]
                    )
                ClientImport.objects.filter(pk=client_import.pk).update(
                    processed_rows=F("processed_rows") + len(outcomes),
                    imported_count=F("imported_count") + len(good),
                    rejected_count=F("rejected_count") + errors,
                    duplicate_count=F("duplicate_count") + duplicates,
                    progress_at=timezone.now(),
                )
    except Exception:
        client_import.refresh_from_db()
        logger.exception("Import %s stopped", client_import.pk)
        report.save_to(client_import)
        client_import.save(update_fields=["report"])
        import_fail(client_import, str(MSG_STOPPED % {"count": client_import.processed_rows}))
        raise
    with transaction.atomic():
        client_import.refresh_from_db()
        report.save_to(client_import)
        client_import.status = ImportStatus.DONE
        client_import.processed_rows = client_import.total_rows = max(
            client_import.processed_rows, client_import.total_rows
        )
        client_import.finished_at = timezone.now()
        client_import.save(
            update_fields=["status", "processed_rows", "total_rows", "finished_at", "report"]
        )
        events.client_imported_event(actor=actor, client_import=client_import)
