"""Fixed-window counters kept as database rows, so they hold on SQLite and PostgreSQL alike
without a cache server, and under parallel requests (every change is one atomic UPDATE)."""

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from crewdesk.accounts.models import LoginThrottle


def _stored_key(key: str) -> str:
    # Keys hold what people typed; a long one is kept as its hash, within the column.
    if len(key) <= 200:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def throttle_hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt for `key`; False when the key has used up its `limit` in the window."""
    key = _stored_key(key)
    now = timezone.now()
    LoginThrottle.objects.filter(
        key=key, window_started_at__lte=now - timedelta(seconds=window_seconds)
    ).update(window_started_at=now, count=0)
    if LoginThrottle.objects.filter(key=key, count__lt=limit).update(count=F("count") + 1):
        return True
    try:
        with transaction.atomic():
            LoginThrottle.objects.create(key=key, window_started_at=now, count=1)
        return limit > 0
    except IntegrityError:
        # The row exists (at its limit, or created by a parallel request just now): retry once.
        return bool(
            LoginThrottle.objects.filter(key=key, count__lt=limit).update(count=F("count") + 1)
        )


def throttle_reset(key: str) -> None:
    LoginThrottle.objects.filter(key=_stored_key(key)).delete()
