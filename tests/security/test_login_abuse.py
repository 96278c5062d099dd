"""Login abuse, as an attacker would try it (issue 10 #2-#6, #12). The single-code rules (five
tries, one use, ten minutes, twenty parallel submissions) are in tests/accounts/test_login.py;
here: how far guessing gets across codes, sessions and addresses, who can lock whom out, what
the answers and the work done tell, and what the message log keeps."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crewdesk.accounts import login
from crewdesk.accounts.addresses import client_address
from crewdesk.accounts.models import LoginCode, LoginLockout
from crewdesk.accounts.views import MSG_LOCKED
from crewdesk.notifications.models import Message
from crewdesk.notifications.tasks import REDACTED_BODY
from tests.accounts.test_login import last_code_for, last_link_for

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login_code")


def binding(name: str) -> str:
    return login.session_binding(f"nonce-of-{name}")


def ask(username: str, *, session: str, address: str = "203.0.113.1"):
    return login.login_code_request(username=username, address=address, binding=binding(session))


def guess(code: str, *, session: str, address: str = "203.0.113.1") -> login.LoginAttempt:
    return login.login_code_verify(code=code, address=address, binding=binding(session))


def fail_times(n: int, *, username: str = "alice", session: str = "attacker") -> None:
    """`n` wrong codes for `username` from one session, asking for a new code when needed."""
    for i in range(n):
        if i % 5 == 0:
            ask(username, session=session, address=f"198.51.100.{i % 250}")
        guess("000000" if i % 2 else "999999", session=session, address=f"198.51.100.{i % 250}")


# --- #2: guessing across codes -------------------------------------------------------------------


def test_a_code_cannot_be_guessed_from_another_browser_session(owner):
    ask("alice", session="alice's browser")
    real = last_code_for("alice@example.com")
    attempt = guess(real, session="attacker")
    assert attempt.user is None
    assert guess(real, session="alice's browser").user == owner.user


def test_wrong_codes_across_codes_pause_code_login_and_tell_the_user_and_owners(owner, office):
    fail_times(9, username="bob")
    assert not LoginLockout.objects.filter(
        key=f"user:{office.user_id}", locked_until__gt=timezone.now()
    )
    fail_times(1, username="bob")
    lockout = LoginLockout.objects.get(key=f"user:{office.user_id}")
    assert lockout.failures == 10 and lockout.locked_until > timezone.now()
    # while paused, even the right code is refused, unread
    ask("bob", session="bob's browser", address="192.0.2.10")
    attempt = guess(last_code_for("bob@example.com"), session="bob's browser", address="192.0.2.10")
    assert attempt.refusal is login.Refusal.LOCKED
    told = {m.to: m.subject for m in Message.objects.exclude(sensitive=True)}
    assert "paused" in told["bob@example.com"]
    assert "bob" in told["alice@example.com"]  # the Owner


def test_the_pause_doubles_with_more_failures_and_the_owner_is_told_once_a_day(owner, office):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail_times(10, username="bob")
        first = LoginLockout.objects.get(key=f"user:{office.user_id}")
        assert first.locked_until == start + timedelta(minutes=15)
        clock.shift(timedelta(minutes=16))
        fail_times(5, username="bob")
        second = LoginLockout.objects.get(key=f"user:{office.user_id}")
        assert second.failures == 15
        assert second.locked_until == start + timedelta(minutes=16, seconds=0) + timedelta(
            minutes=30
        )
    assert Message.objects.filter(to="alice@example.com").count() == 1


def test_the_emailed_link_still_logs_the_real_user_in_during_a_pause(client, owner, office):
    client.post(LOGIN, {"username": "bob"})
    link = last_link_for("bob@example.com")
    fail_times(10, username="bob")
    response = Client().post(link)
    assert response.status_code == 302 and response.url == reverse("dashboard:home")
    # and a successful login forgives the failures
    assert LoginLockout.objects.get(key=f"user:{office.user_id}").failures == 0


def test_a_years_guessing_gets_a_tiny_chance(owner):
    """Count the guesses compared in a year of non-stop guessing: the pauses hold it to about
    five a day, under one chance in 400 of finding a 6-digit code."""
    compared = 0
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        while timezone.now() < start + timedelta(days=365):
            ask("alice", session="attacker", address="198.51.100.1")
            for _ in range(5):
                attempt = guess("000000", session="attacker", address="198.51.100.1")
                compared += attempt.refusal is not login.Refusal.LOCKED
            lockout = LoginLockout.objects.get()
            if lockout.locked_until and lockout.locked_until > timezone.now():
                clock.move_to(lockout.locked_until + timedelta(seconds=1))
    assert compared < 2_500, compared


# --- #4: look-alike usernames -----------------------------------------------------------------


def test_a_look_alike_username_is_nobody(owner, office):
    ask("offıce", session="s")  # a dotless ı
    ask("bоb", session="s2")  # a Cyrillic о
    assert not Message.objects.filter(to="bob@example.com").exists()
    assert not LoginCode.objects.filter(user=office.user).exists()


def test_every_spelling_of_a_username_counts_in_the_same_bucket(owner, settings):
    settings.LOGIN_THROTTLE_PER_USERNAME = 2
    for spelling in ["alice", "ALICE", "ａｌｉｃｅ", " Alice "]:  # the third is full-width
        ask(spelling, session=f"s-{spelling}")
    assert Message.objects.filter(to="alice@example.com").count() == 2


# --- #5: nobody else can cancel or block your code ------------------------------------------------


def test_a_strangers_request_does_not_cancel_the_users_live_code(owner):
    ask("alice", session="alice", address="192.0.2.10")
    real = last_code_for("alice@example.com")
    for n in range(10):
        ask("alice", session=f"stranger-{n}", address="198.51.100.7")
    assert guess(real, session="alice", address="192.0.2.10").user == owner.user


def test_a_strangers_requests_do_not_use_up_the_users_own(owner, settings):
    for n in range(settings.LOGIN_THROTTLE_PER_USERNAME * 3):
        ask("alice", session=f"stranger-{n}", address="198.51.100.7")
    strangers = Message.objects.filter(to="alice@example.com").count()
    assert strangers == settings.LOGIN_THROTTLE_PER_USERNAME  # one address: its own bucket
    ask("alice", session="alice", address="192.0.2.10")
    assert guess(last_code_for("alice@example.com"), session="alice", address="192.0.2.10").user


def test_emails_to_one_person_are_capped_whatever_the_number_of_addresses(owner, settings):
    cap = settings.LOGIN_THROTTLE_PER_USERNAME * settings.LOGIN_THROTTLE_ADDRESSES_PER_USER
    for n in range(cap * 3):
        ask("alice", session=f"s{n}", address=f"198.51.100.{n}")
    assert Message.objects.filter(to="alice@example.com").count() == cap


def test_one_address_cannot_spray_requests_at_many_usernames(owner, settings):
    outcomes = [ask(f"user{n}", session=f"s{n}", address="198.51.100.9") for n in range(30)]
    refused = outcomes.index(login.CodeRequestOutcome.THROTTLED)
    assert refused == settings.LOGIN_THROTTLE_PER_ADDRESS


# --- #6: the same work for every username ---------------------------------------------------------


def _queries_of_a_code_request(client, username: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(LOGIN, {"username": username})
    assert response.status_code == 302
    # Parameters differ (the username, the session); the statements must not.
    return [
        re.sub(r"'[^']*'|\b\d+\b|\"s\d+_x\d+\"", "?", q["sql"]) for q in queries.captured_queries
    ]


@pytest.mark.django_db(transaction=True)
def test_a_code_request_does_the_same_work_for_a_known_and_an_unknown_username(owner, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # From two fresh addresses, so that each request starts its own throttle row.
    known = _queries_of_a_code_request(Client(REMOTE_ADDR="192.0.2.1"), "alice")
    unknown = _queries_of_a_code_request(Client(REMOTE_ADDR="192.0.2.2"), "nobody-at-all")
    assert known == unknown
    assert not any("accounts_user" in sql for sql in known)  # the user is looked up later


def test_the_code_page_tells_nothing_about_the_username(client, owner):
    """A wrong code for a real user and any code for a made-up one get the same answer."""
    client.post(LOGIN, {"username": "alice"})
    real_user = client.post(CODE, {"code": "000000"})
    client.cookies.clear()
    client.post(LOGIN, {"username": "mallory-nobody"})
    made_up = client.post(CODE, {"code": "000000"})
    assert real_user.status_code == made_up.status_code

    def text(response) -> str:
        html = response.content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
        return html.replace("mallory-nobody", "USERNAME").replace("alice", "USERNAME")

    assert text(real_user) == text(made_up)


def test_an_unknown_name_is_paused_like_a_known_one(owner):
    """Otherwise the pause message itself would tell that a username exists."""
    fail_times(10, username="alice")
    fail_times(10, username="nobody-at-all")
    assert guess("123456", session="attacker").refusal is login.Refusal.LOCKED
    ask("nobody-at-all", session="attacker2")
    assert guess("123456", session="attacker2").refusal is login.Refusal.LOCKED


def test_the_pause_shows_its_message_on_the_code_page(client, owner):
    fail_times(10, username="alice")
    client.post(LOGIN, {"username": "alice"})
    assert str(MSG_LOCKED) in client.post(CODE, {"code": "123456"}).content.decode()


# --- #3: the client address ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "remote", "expected"),
    [
        (0, "1.2.3.4", "10.0.0.1", "10.0.0.1"),  # no proxy declared: the header is ignored
        (1, "1.2.3.4", "10.0.0.1", "1.2.3.4"),
        (1, "6.6.6.6, 1.2.3.4", "10.0.0.1", "1.2.3.4"),  # the client wrote the leftmost
        (2, "6.6.6.6, 1.2.3.4, 10.0.0.2", "10.0.0.1", "1.2.3.4"),
        (1, "not-an-address", "10.0.0.1", "10.0.0.1"),
        (1, "1.2.3.4:5678", "10.0.0.1", "1.2.3.4"),
        (1, "[2001:db8::1]:443", "10.0.0.1", "2001:db8::1"),
        (2, "1.2.3.4", "10.0.0.1", "10.0.0.1"),  # fewer entries than proxies: the socket
        (1, "", "10.0.0.1", "10.0.0.1"),
        (0, "", "", None),
    ],
)
def test_client_address_is_what_our_own_proxies_saw(
    rf, settings, proxies, forwarded, remote, expected
):
    settings.TRUSTED_PROXIES = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert client_address(request) == expected


def test_a_spoofed_forwarded_for_neither_fails_nor_buys_a_fresh_bucket(client, owner, settings):
    settings.TRUSTED_PROXIES = 1
    settings.LOGIN_THROTTLE_PER_ADDRESS = 3
    answers = [
        client.post(
            LOGIN,
            {"username": f"u{n}"},
            headers={"x-forwarded-for": f"{spoof}, 203.0.113.5"},
        ).status_code
        for n, spoof in enumerate(["1.1.1.1", "2.2.2.2", "junk'; --", "3.3.3.3", "4.4.4.4"])
    ]
    assert answers == [302, 302, 302, 200, 200]  # one real address, one bucket, no 500
    response = client.post(LOGIN, {"username": "x"}, headers={"x-forwarded-for": "no-address"})
    assert response.status_code in (200, 302)


# --- #12: no codes kept in the message log ------------------------------------------------------


def test_login_codes_are_never_in_the_subject_and_gone_from_the_log_once_sent(
    client, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(LOGIN, {"username": "alice"})
    sent = mail.outbox[-1]
    code = re.search(r"\b(\d{6})\b", sent.body).group(1)
    assert code not in sent.subject
    logged = Message.objects.get(to="alice@example.com")
    assert logged.sensitive and logged.status == "sent"
    assert code not in logged.body + logged.subject + logged.html_body
    assert "/login/link/" not in logged.body
    assert logged.body == REDACTED_BODY
