"""The steps of an import as the office takes them, each a change of the import's status:
upload (uploaded), map the columns (checked now, or in the background for a big file; then
previewed), start (importing, then done or failed); and the bookkeeping of the background
tasks: whom they work for, an import whose worker stalled or whose member left."""

import os
import tempfile
import uuid
from datetime import timedelta
from itertools import islice
from typing import IO

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crewdesk.accounts.models import Membership
from crewdesk.clients.importing.batches import MSG_STOPPED, import_check
from crewdesk.clients.importing.columns import (
    IGNORE,
    MSG_NO_NAME_COLUMN,
    NAME_FIELDS,
    guess_mapping,
    mapping_errors,
)
from crewdesk.clients.importing.decoding import import_rows, upload_normalised
from crewdesk.clients.models import ClientImport, ImportStatus
from crewdesk.core.permissions import Action, require

# Up to this many rows the check runs while the page waits (a second or two); bigger files are
# checked in the background and the page shows progress.
SYNC_CHECK_ROWS = 2_000
SAMPLE_ROWS = 20
STALLED_AFTER = timedelta(minutes=10)

MSG_NOT_READY = gettext_lazy("Check the rows first; the import starts from the preview.")
MSG_CHECK_STOPPED = gettext_lazy("Checking the file stopped unexpectedly. Upload it again.")
MSG_ORPHANED = gettext_lazy(
    "The person who started this import can no longer import clients. Upload the file again."
)


def import_upload(*, actor: Membership, upload: File) -> tuple[ClientImport, list[str]]:
    """Store an uploaded CSV privately (as UTF-8, comma-separated), read its headers and guess
    the mapping. Returns the import and notes for the user; raises ValidationError when the
    file cannot be a client list."""
    require(actor, Action.EDIT_RECORDS)
    with tempfile.TemporaryFile() as stored:
        headers, total, note = upload_normalised(upload, stored)
        mapping = guess_mapping(headers)
        if not NAME_FIELDS & set(mapping.values()):
            raise ValidationError(
                MSG_NO_NAME_COLUMN % {"headers": ", ".join(headers[:20])}, code="no_name_column"
            )
        original_name = os.path.basename((upload.name or "").replace("\\", "/"))[:200]
        client_import = ClientImport(
            company_id=actor.company_id,
            created_by=actor.user,
            original_name=original_name or "clients.csv",
            headers=headers,
            mapping=mapping,
            total_rows=total,
        )
        stored.seek(0)
        client_import.file.save(f"{uuid.uuid4().hex}.csv", File(stored), save=False)
    client_import.save()
    return client_import, [note] if note else []


def import_samples(client_import: ClientImport) -> dict[str, list[str]]:
    """A few values of each column, shown next to its field choice."""
    samples: dict[str, list[str]] = {h: [] for h in client_import.headers}
    for _number, cells in islice(import_rows(client_import), SAMPLE_ROWS):
        for header, value in zip(client_import.headers, cells, strict=False):
            value = value.strip()
            if value and len(samples[header]) < 3 and value not in samples[header]:
                samples[header].append(value[:60])
    return samples


def import_list(*, viewer: Membership) -> QuerySet[ClientImport]:
    require(viewer, Action.EDIT_RECORDS)
    return ClientImport.objects.filter(company_id=viewer.company_id).select_related("created_by")


def import_get(*, viewer: Membership, import_id: int) -> ClientImport:
    """One import of the member's company, or ClientImport.DoesNotExist."""
    return import_list(viewer=viewer).get(pk=import_id)


def _reset_counts() -> dict:
    return {
        "processed_rows": 0,
        "imported_count": 0,
        "rejected_count": 0,
        "duplicate_count": 0,
        "error": "",
        "finished_at": None,
    }


def import_set_mapping(*, actor: Membership, client_import: ClientImport, mapping: dict) -> None:
    """Save the column mapping and check the rows again: now for a small file, in the
    background for a big one (the preview page shows its progress)."""
    require(actor, Action.EDIT_RECORDS, client_import)
    mapping = {h: mapping.get(h, IGNORE) or IGNORE for h in client_import.headers}
    errors = mapping_errors(client_import.headers, mapping)
    if errors:
        raise ValidationError(
            {header or "__all__": [message] for header, message in errors.items()}
        )
    with transaction.atomic():
        locked = ClientImport.objects.select_for_update().get(pk=client_import.pk)
        if locked.status not in (ImportStatus.UPLOADED, ImportStatus.PREVIEWED):
            raise ValidationError(_("This file is already imported."))
        changes = {
            "mapping": mapping,
            "status": ImportStatus.UPLOADED,
            "check_round": locked.check_round + 1,
            **_reset_counts(),
        }
        for name, value in changes.items():
            setattr(client_import, name, value)
        client_import.save(update_fields=list(changes))
        # The rows of the last check, and the choices made on them, belong to that mapping;
        # the choice for each kind of duplicate stays.
        client_import.problem_rows.all().delete()
    import_check_begin(actor=actor, client_import=client_import)


def import_checked_while_waiting(client_import: ClientImport) -> bool:
    """Whether a file is small enough to check while the page waits; a bigger one is checked
    in the background while the page polls."""
    return client_import.total_rows <= SYNC_CHECK_ROWS


def import_check_begin(*, actor: Membership, client_import: ClientImport) -> None:
    if import_checked_while_waiting(client_import):
        import_check(actor=actor, client_import=client_import)
        return
    from crewdesk.clients.tasks import client_import_check

    import_id, member_id = client_import.pk, actor.pk
    transaction.on_commit(lambda: client_import_check.enqueue(import_id, member_id))


def import_start(*, actor: Membership, client_import: ClientImport) -> None:
    """Queue the import of a checked file. A second click does nothing."""
    require(actor, Action.EDIT_RECORDS, client_import)
    with transaction.atomic():
        started = ClientImport.objects.filter(
            pk=client_import.pk, status=ImportStatus.PREVIEWED
        ).update(status=ImportStatus.IMPORTING, progress_at=timezone.now(), **_reset_counts())
        if not started:
            if client_import.status in (ImportStatus.IMPORTING, ImportStatus.DONE):
                return
            raise ValidationError(MSG_NOT_READY)
        from crewdesk.clients.tasks import client_import_run

        import_id, member_id = client_import.pk, actor.pk
        transaction.on_commit(lambda: client_import_run.enqueue(import_id, member_id))
    client_import.refresh_from_db()


def import_actor(membership_id: int, import_id: int) -> tuple[Membership, ClientImport] | None:
    """The member and import a background task works for; None when either is gone."""
    try:
        actor = Membership.objects.select_related("company", "user").get(
            pk=membership_id, active=True
        )
        client_import = ClientImport.objects.get(pk=import_id, company_id=actor.company_id)
    except ObjectDoesNotExist:
        return None
    return actor, client_import


def import_fail_if_stalled(client_import: ClientImport) -> None:
    """An import that has not moved for STALLED_AFTER lost its worker (a batch takes seconds):
    say so, rather than show a progress bar that never moves. Its saved batches stay."""
    if client_import.status != ImportStatus.IMPORTING:
        return
    moved = client_import.progress_at or client_import.created_at
    if timezone.now() - moved < STALLED_AFTER:
        return
    stalled = ClientImport.objects.filter(
        pk=client_import.pk, status=ImportStatus.IMPORTING, progress_at=client_import.progress_at
    )
    stalled.update(
        status=ImportStatus.FAILED,
        error=str(MSG_STOPPED % {"count": client_import.processed_rows}),
        finished_at=timezone.now(),
    )
    client_import.refresh_from_db()


def import_orphaned(import_id: int) -> None:
    """The member who started a check or import left (or the import is gone): say so."""
    ClientImport.objects.filter(
        pk=import_id, status__in=[ImportStatus.UPLOADED, ImportStatus.IMPORTING]
    ).update(status=ImportStatus.FAILED, error=str(MSG_ORPHANED), finished_at=timezone.now())


def report_file(client_import: ClientImport) -> IO[bytes] | None:
    if not client_import.report:
        return None
    return client_import.report.open("rb")
