"""Background delivery of queued messages."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from crewdesk.notifications.attachments import attachments_render
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
        # Made here, in the background, at delivery: a PDF may take a while.
        for attachment in attachments_render(message.attachments):
            email.attach(attachment.filename, attachment.content, attachment.mimetype)
    except Exception as exc:  # noqa: BLE001 - the email does not go without its attachment
        logger.exception("The attachments of email %s could not be made", message.pk)
        return _failed(message, f"The attachment could not be made: {exc}", redacted)
    try:
        email.send()
    except Exception as exc:  # noqa: BLE001 - any transport failure is recorded on the message
        logger.warning("Email %s to %s failed: %s", message.pk, message.to, exc)
        return _failed(message, str(exc), redacted)
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENT, sent_at=timezone.now(), error="", **redacted
    )
    return "sent"


def _failed(message: Message, error: str, redacted: dict) -> str:
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.FAILED, error=error, **redacted
    )
    return "failed"
