"""Every email is logged as a Message and delivered by a task after commit."""

import pytest
from django.core import mail

from crewdesk.notifications.models import Message, MessageStatus
from crewdesk.notifications.services import email_send
from crewdesk.notifications.tasks import message_deliver


def _send(**kwargs):
    return email_send(
        to="sam@example.com",
        subject="Hello",
        template="accounts/email/login_code",
        context={"user": {"first_name": "Sam", "username": "sam"}, "code": "123456", "minutes": 10},
        **kwargs,
    )


def test_email_is_logged_then_delivered_on_commit(db, django_capture_on_commit_callbacks, owner):
    with django_capture_on_commit_callbacks(execute=True):
        message = _send(company=owner.company, related=owner)
        assert message.status == MessageStatus.QUEUED
        assert len(mail.outbox) == 0  # nothing leaves before the transaction commits
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.com"]
    assert "123456" in mail.outbox[0].body
    assert message.related == owner


def test_nothing_is_sent_when_the_transaction_rolls_back(db, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                _send()
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    assert len(mail.outbox) == 0


def test_delivery_failure_is_recorded(db, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.notifications.test_messages.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message = _send()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "mail server down" in message.error


def test_a_delivered_message_is_not_sent_twice(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _send()
    assert message_deliver.call(message.pk) == "skipped"
    assert len(mail.outbox) == 1


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.mark.parametrize("status", [MessageStatus.QUEUED])
def test_message_str(db, status):
    message = Message.objects.create(to="a@example.com", subject="S", body="B", status=status)
    assert "a@example.com" in str(message)


# --- the dev outbox keeps its own copy (issue 10 #12) -------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_dev_outbox_shows_a_login_code_the_log_no_longer_holds(client, settings, tmp_path):
    from crewdesk.notifications.models import Message
    from crewdesk.notifications.tasks import REDACTED_BODY

    settings.DEBUG = True
    settings.DEV_OUTBOX_DIR = tmp_path
    settings.DEV_OUTBOX_INNER_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_BACKEND = "crewdesk.notifications.backends.DevOutboxBackend"
    email_send(
        to="sam@example.com",
        subject="Your Crewdesk login code",
        template="accounts/email/login_code",
        context={"user": {"username": "sam"}, "code": "654321", "minutes": 10, "link": "L"},
        sensitive=True,
    )
    assert Message.objects.get().body == REDACTED_BODY
    page = client.get("/dev/outbox/").content.decode()
    assert "654321" in page and "sam@example.com" in page
