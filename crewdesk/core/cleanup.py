"""The daily cleanup (`crewdesk cleanup`, run from cron): data that has served its purpose,
such as spent login codes, old throttle counters and ended sessions, is deleted.

Each app says what it prunes by adding a function to CLEANUPS in its AppConfig.ready(); the
function takes the current time and returns {what: how many rows went}.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils import timezone

CLEANUPS: list[Callable[[datetime], dict[str, int]]] = []

# Finished background tasks are kept this long (for a look at what ran), then pruned.
TASK_RESULTS_KEPT = timedelta(days=7)


def cleanup_run(now: datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    deleted: dict[str, int] = {}
    for cleanup in [_task_results_prune, *CLEANUPS]:
        deleted.update(cleanup(now))
    return deleted


def _task_results_prune(now: datetime) -> dict[str, int]:
    from django_tasks_db.models import DBTaskResult

    count, _ = DBTaskResult.objects.filter(finished_at__lt=now - TASK_RESULTS_KEPT).delete()
    return {"finished background tasks": count}
