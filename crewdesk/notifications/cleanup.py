"""What notifications prunes in the daily cleanup (core/cleanup.py)."""

from datetime import datetime, timedelta

from django.conf import settings

from crewdesk.notifications.models import Message

# A sent login-code email is already redacted; its row says only that a code went out.
SENSITIVE_KEPT = timedelta(days=30)


def messages_cleanup(now: datetime) -> dict[str, int]:
    deleted = {
        "login-code emails": Message.objects.filter(
            sensitive=True, created_at__lt=now - SENSITIVE_KEPT
        ).delete()[0]
    }
    # The rest is the communication log, part of each client's history: kept unless the
    # installation chooses a retention.
    if settings.MESSAGE_RETENTION_DAYS:
        deleted["emails past their retention"] = Message.objects.filter(
            created_at__lt=now - timedelta(days=settings.MESSAGE_RETENTION_DAYS)
        ).delete()[0]
    return deleted
