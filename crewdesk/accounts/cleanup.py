"""What accounts prunes in the daily cleanup (core/cleanup.py)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Q

from crewdesk.accounts.models import LoginCode, LoginLockout, LoginThrottle, UserSession

# Spent and expired codes stay a day, for a look at a login someone could not finish.
CODES_KEPT = timedelta(days=1)


def accounts_cleanup(now: datetime) -> dict[str, int]:
    window = timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)
    return {
        "login codes": LoginCode.objects.filter(expires_at__lt=now - CODES_KEPT).delete()[0],
        "login throttle counters": LoginThrottle.objects.filter(
            window_started_at__lt=now - window
        ).delete()[0],
        "forgiven wrong-code counts": LoginLockout.objects.filter(
            Q(locked_until=None) | Q(locked_until__lt=now),
            last_failure_at__lt=now - settings.LOGIN_LOCKOUT_FORGET,
        ).delete()[0],
        "ended sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        "session list entries": UserSession.objects.exclude(
            session_key__in=Session.objects.values("session_key")
        ).delete()[0],
    }
