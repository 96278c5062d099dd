"""Background work of the CSV import: checking a big file and importing it. Each task marks
the import failed, with a message for the office, when something goes wrong, so the page that
shows progress never waits forever."""

import logging

from django_tasks import task

from crewdesk.clients import importing, quality
from crewdesk.clients.importing.lifecycle import MSG_CHECK_STOPPED

logger = logging.getLogger(__name__)


@task()
def client_import_check(import_id: int, membership_id: int) -> str:
    found = importing.import_actor(membership_id, import_id)
    if found is None:
        importing.import_orphaned(import_id)
        return "skipped"
    actor, client_import = found
    try:
        importing.import_check(actor=actor, client_import=client_import)
    except Exception:
        logger.exception("Checking import %s failed", import_id)
        importing.import_fail(client_import, str(MSG_CHECK_STOPPED))
        return "failed"
    return "checked"


@task()
def client_import_run(import_id: int, membership_id: int) -> str:
    found = importing.import_actor(membership_id, import_id)
    if found is None:
        importing.import_orphaned(import_id)
        return "skipped"
    actor, client_import = found
    try:
        importing.import_run(actor=actor, client_import=client_import)
    except Exception:
        # import_run saved the report and the message; the batches before stay imported.
        logger.exception("Import %s failed", import_id)
        return "failed"
    return "imported"


@task()
def client_quality_count(company_id: int) -> str:
    """Count a big company's data-quality numbers (seconds at a million clients)."""
    quality.client_quality_recount(company_id)
    return "counted"
