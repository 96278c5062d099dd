"""With CREWDESK_TASKS=db, emails wait in the database until `crewdesk db_worker` sends them."""

import pytest
from django.core import mail
from django.core.management import call_command

from crewdesk.notifications.models import MessageStatus
from crewdesk.notifications.services import email_send

DB_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_BACKEND  # django_tasks resets its backends on setting_changed


@pytest.mark.django_db(transaction=True)
def test_queued_email_is_sent_by_the_worker(db_tasks):
    from django_tasks_db.models import DBTaskResult

    message = email_send(
        to="sam@example.com",
        subject="Hello",
        template="accounts/email/login_code",
        context={"user": {"first_name": "Sam", "username": "sam"}, "code": "654321", "minutes": 10},
    )
    assert DBTaskResult.objects.count() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and len(mail.outbox) == 0

    call_command("db_worker", "--batch", "--no-startup-delay")

    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert "654321" in mail.outbox[0].body
