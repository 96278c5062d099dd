"""Sending email: every message is written to the log first, then delivered by a task on commit."""

from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from crewdesk.core.models import Company
from crewdesk.notifications.models import Channel, Message


def email_send(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict,
    company: Company | None = None,
    related: models.Model | None = None,
    sensitive: bool = False,
    attachments: Sequence[dict] = (),
) -> Message:
    """Render `template`.txt (and .html if it exists) and queue the email for delivery.
    `attachments`: made when it is delivered (notifications/attachments.py `attachment_ref`)."""
    body = render_to_string(f"{template}.txt", context).strip() + "\n"
    try:
        html_body = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:  # plain text alone is fine
        html_body = ""
    message = Message.objects.create(
        company=company,
        channel=Channel.EMAIL,
        to=to,
        subject=subject,
        body=body,
        html_body=html_body,
        related_type=ContentType.objects.get_for_model(related) if related else None,
        related_id=related.pk if related else None,
        sensitive=sensitive,
        attachments=list(attachments),
    )
    from crewdesk.notifications.tasks import message_deliver

    transaction.on_commit(lambda: message_deliver.enqueue(message.pk))
    return message
