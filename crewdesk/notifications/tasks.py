"""Background delivery of queued messages."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from crewdesk.notifications.models import Message, MessageStatus

logger = logging.getLogger(__name__)

# What the log keeps of a secret (a login code) once the email has gone, or failed to go.
REDACTED_BODY = "[This email held a one-time login code. Its text was removed once it was sent.]"


@task()
def message_deliver(message_id: int) -> str:
    message = Message.objects.filter(pk=message_id, status=MessageStatus.QUEUED).first()
    if message is None:
        return "skipped"  # already delivered (a retried task) or gone
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    redacted = {"body": REDACTED_BODY, "html_body": ""} if message.sensitive else {}
    try:
        email.send()
    except Exception as exc:  # noqa: BLE001 - any transport failure is recorded on the message
        logger.warning("Email %s to %s failed: %s", message.pk, message.to, exc)
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.FAILED, error=str(exc), **redacted
        )
        return "failed"
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENT, sent_at=timezone.now(), error="", **redacted
    )
    return "sent"
