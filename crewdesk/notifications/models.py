"""Every email and SMS Crewdesk sends: the communication log."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from crewdesk.core.models import Company


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Message(models.Model):
    """One email or SMS: to whom, about what record, and whether it was delivered."""

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=250, blank=True)
    body = models.TextField(_("body"))
    html_body = models.TextField(blank=True)
    related_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    related_id = models.BigIntegerField(null=True, blank=True)
    related = GenericForeignKey("related_type", "related_id")
    # Holds a secret (a login code): its text is removed once sent (notifications/tasks.py).
    sensitive = models.BooleanField(default=False)
    # Files made when the email is delivered: [{"renderer": key, "id": record id}]
    # (notifications/attachments.py).
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=8, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["related_type", "related_id", "-created_at"], name="message_related"
            ),
            models.Index(fields=["company", "-created_at"], name="message_company_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} to {self.to}: {self.subject}"
