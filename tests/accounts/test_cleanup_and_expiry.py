"""Nothing is kept forever that has served its purpose (issue 10 #14): the daily cleanup, and
logins that end when left unused or too old."""

from datetime import timedelta
from io import StringIO

import time_machine
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crewdesk.accounts.models import LoginCode, LoginLockout, LoginThrottle, UserSession
from crewdesk.core.cleanup import cleanup_run
from crewdesk.notifications.models import Message
from tests.accounts.test_login import last_code_for

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login_code")
HOME = reverse("dashboard:home")


def _logged_in(username: str, email: str) -> Client:
    browser = Client()
    browser.post(LOGIN, {"username": username})
    browser.post(CODE, {"code": last_code_for(email)})
    return browser


# --- the daily cleanup -----------------------------------------------------------------------


def test_cleanup_deletes_what_has_served_its_purpose_and_keeps_the_rest(owner, office):
    start = timezone.now()
    with time_machine.travel(start - timedelta(days=40), tick=False):
        old_browser = _logged_in("bob", "bob@example.com")  # a login code, a session, a log
        LoginLockout.objects.create(key="name:ghost", failures=3, last_failure_at=timezone.now())
    with time_machine.travel(start, tick=False):
        _logged_in("alice", "alice@example.com")
        deleted = cleanup_run()
    assert deleted["login codes"] == 1
    assert LoginCode.objects.filter(user=owner.user).exists()  # today's stays
    assert deleted["ended sessions"] == 1 and deleted["session list entries"] == 1
    assert UserSession.objects.filter(user=owner.user).exists()
    assert deleted["login-code emails"] == 1
    assert Message.objects.filter(to="alice@example.com").exists()
    assert deleted["forgiven wrong-code counts"] == 1
    assert not LoginThrottle.objects.filter(window_started_at__lt=start - timedelta(hours=1))
    assert old_browser.get(HOME).status_code == 302


def test_cleanup_keeps_the_communication_log_unless_a_retention_is_set(owner, settings):
    from crewdesk.notifications.services import email_send

    with time_machine.travel(timezone.now() - timedelta(days=400), tick=False):
        email_send(
            to="client@example.com",
            subject="Your invoice",
            template="accounts/email/invitation",
            context={"user": owner.user, "company": owner.company, "inviter": owner.user},
        )
    cleanup_run()
    assert Message.objects.filter(to="client@example.com").exists()
    settings.MESSAGE_RETENTION_DAYS = 365
    cleanup_run()
    assert not Message.objects.filter(to="client@example.com").exists()


def test_cleanup_command_says_what_it_deleted(db):
    out = StringIO()
    call_command("cleanup", stdout=out)
    assert "login codes" in out.getvalue()


def test_a_lockout_still_in_force_is_kept(owner):
    now = timezone.now()
    LoginLockout.objects.create(
        key="user:1",
        failures=50,
        last_failure_at=now - timedelta(days=30),
        locked_until=now + timedelta(hours=1),
    )
    cleanup_run()
    assert LoginLockout.objects.exists()


# --- sessions end when unused or too old --------------------------------------------------------


def test_a_login_left_unused_ends(owner, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _logged_in("alice", "alice@example.com")
        key = browser.session.session_key
        clock.shift(timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60))
        assert browser.get(HOME).status_code == 200  # still in: used just in time
        clock.shift(timedelta(seconds=settings.SESSION_IDLE_TIMEOUT - 60))
        assert browser.get(HOME).status_code == 200
        clock.shift(timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 1))
        response = browser.get(HOME)
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()


def test_a_login_in_daily_use_still_ends_at_its_maximum_age(owner, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _logged_in("alice", "alice@example.com")
        for _day in range(settings.SESSION_COOKIE_AGE // 86400):
            clock.shift(timedelta(days=1))
            assert browser.get(HOME).status_code == 200
        clock.shift(timedelta(days=1))
        assert browser.get(HOME).status_code == 302


def test_using_a_login_is_written_down_at_most_once_a_minute(owner):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        browser = _logged_in("alice", "alice@example.com")
        clock.shift(timedelta(minutes=5))
        browser.get(HOME)
        seen = UserSession.objects.get().last_seen_at
        assert seen == timezone.now()
        clock.shift(timedelta(seconds=30))
        browser.get(HOME)
        assert UserSession.objects.get().last_seen_at == seen
