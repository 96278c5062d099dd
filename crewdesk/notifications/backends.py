"""Development only: the outbox a newcomer reads login codes from, without a mail server.

The message log redacts secrets once they are sent (notifications/tasks.py), so the dev outbox
keeps its own copy: this backend sends through the configured one and also writes each email
to DEV_OUTBOX_DIR, keeping the latest few. settings.py puts it in front only when DEBUG is on.
"""

import email
import email.policy
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

KEEP = 50


class DevOutboxBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs) -> None:
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(
            settings.DEV_OUTBOX_INNER_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def send_messages(self, email_messages) -> int:
        sent = self.inner.send_messages(email_messages)
        folder = Path(settings.DEV_OUTBOX_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            (folder / f"{time.time_ns()}.eml").write_bytes(message.message().as_bytes())
        for old in sorted(folder.glob("*.eml"), reverse=True)[KEEP:]:
            old.unlink(missing_ok=True)
        return sent


@dataclass(frozen=True)
class OutboxEmail:
    subject: str
    to: str
    sent_at: datetime
    body: str


def dev_outbox_read(limit: int = 25) -> list[OutboxEmail]:
    """The latest emails kept by DevOutboxBackend, newest first."""
    folder = Path(settings.DEV_OUTBOX_DIR)
    emails = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[:limit]:
        parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        emails.append(
            OutboxEmail(
                subject=str(parsed["Subject"] or ""),
                to=str(parsed["To"] or ""),
                sent_at=datetime.fromtimestamp(int(path.stem) / 1e9, tz=UTC),
                body=body.get_content() if body is not None else "",
            )
        )
    return emails
