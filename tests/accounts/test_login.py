"""Login with a username and an emailed 6-digit code (DESIGN §5)."""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from crewdesk.accounts import services
from crewdesk.accounts.models import LoginCode, UserSession
from crewdesk.accounts.views import MSG_BAD_CODE, MSG_THROTTLED
from crewdesk.core.models import Activity
from crewdesk.notifications.models import Message

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login_code")


def last_code_for(email: str) -> str:
    message = Message.objects.filter(to=email).order_by("-id").first()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def request_code(client, username: str):
    return client.post(LOGIN, {"username": username})


def test_happy_path_staff_lands_in_office_app(client, owner):
    response = request_code(client, "alice")
    assert response.status_code == 302 and response.url == CODE
    code = last_code_for("alice@example.com")
    response = client.post(CODE, {"code": code})
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200
    assert Activity.objects.filter(verb="user.login", actor=owner.user).exists()


def test_customer_lands_in_portal(client, customer):
    request_code(client, "dave")
    response = client.post(CODE, {"code": last_code_for("dave@example.com")})
    assert response.url == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200
    # and the office app is not theirs: its front door sends them back to the portal
    assert client.get(reverse("core:home")).url == reverse("portal:home")
    assert client.get(reverse("core:activity")).status_code == 403


def test_username_is_case_insensitive(client, owner):
    request_code(client, "  ALICE ")
    assert client.post(CODE, {"code": last_code_for("alice@example.com")}).status_code == 302


def test_code_is_stored_only_as_a_hash(client, owner):
    request_code(client, "alice")
    code = last_code_for("alice@example.com")
    stored = LoginCode.objects.get(user=owner.user)
    assert code not in stored.code_hash


def test_wrong_code_is_refused(client, owner):
    request_code(client, "alice")
    code = last_code_for("alice@example.com")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 200
    assert str(MSG_BAD_CODE) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_expired_code_is_refused(client, owner):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        request_code(client, "alice")
        code = last_code_for("alice@example.com")
        clock.shift(timedelta(minutes=10, seconds=1))
        response = client.post(CODE, {"code": code})
    assert str(MSG_BAD_CODE) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_code_works_until_just_before_expiry(client, owner):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        request_code(client, "alice")
        clock.shift(timedelta(minutes=9, seconds=59))
        response = client.post(CODE, {"code": last_code_for("alice@example.com")})
    assert response.status_code == 302


def test_reused_code_is_refused(client, owner):
    request_code(client, "alice")
    code = last_code_for("alice@example.com")
    assert client.post(CODE, {"code": code}).status_code == 302
    assert services.login_code_verify(username="alice", code=code, address="127.0.0.1") is None


def test_sixth_try_is_refused_even_with_the_right_code(client, owner):
    request_code(client, "alice")
    code = last_code_for("alice@example.com")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        client.post(CODE, {"code": wrong})
    response = client.post(CODE, {"code": code})
    assert str(MSG_BAD_CODE) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_new_code_kills_the_old_one(client, owner):
    request_code(client, "alice")
    old = last_code_for("alice@example.com")
    request_code(client, "alice")
    new = last_code_for("alice@example.com")
    if old != new:
        assert str(MSG_BAD_CODE) in client.post(CODE, {"code": old}).content.decode()
    assert client.post(CODE, {"code": new}).status_code == 302


def test_unknown_username_answers_exactly_like_a_known_one(client, owner):
    known = request_code(client, "alice")
    known_page = client.get(CODE).content.decode()
    client.cookies.clear()
    unknown = request_code(client, "nobody-here")
    unknown_page = client.get(CODE).content.decode()
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)

    def normalise(page: str) -> str:
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
        page = re.sub(r'"X-CSRFToken": "[^"]+"', "", page)
        return page.replace("nobody-here", "USERNAME").replace("alice", "USERNAME")

    assert normalise(known_page) == normalise(unknown_page)
    # and no email goes anywhere for the unknown name
    assert Message.objects.count() == 1


def test_deactivated_member_cannot_get_a_code(client, owner, office):
    office.active = False
    office.save()
    request_code(client, "bob")
    assert not Message.objects.filter(to="bob@example.com").exists()


def test_throttle_per_username(client, owner, settings):
    settings.LOGIN_THROTTLE_PER_USERNAME = 3
    for _ in range(3):
        assert request_code(client, "alice").status_code == 302
    response = request_code(client, "alice")
    assert response.status_code == 200
    assert str(MSG_THROTTLED) in response.content.decode()
    assert Message.objects.filter(to="alice@example.com").count() == 3


def test_throttle_per_address(client, owner, office, settings):
    settings.LOGIN_THROTTLE_PER_ADDRESS = 4
    for name in ["alice", "bob", "x1", "x2"]:
        assert request_code(client, name).status_code == 302
    assert str(MSG_THROTTLED) in request_code(client, "alice").content.decode()


def test_throttle_window_passes(client, owner, settings):
    settings.LOGIN_THROTTLE_PER_USERNAME = 1
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert request_code(client, "alice").status_code == 302
        assert request_code(client, "alice").status_code == 200
        clock.shift(timedelta(minutes=16))
        assert request_code(client, "alice").status_code == 302


def test_session_key_rotates_at_login(client, owner):
    request_code(client, "alice")
    before = client.session.session_key
    client.post(CODE, {"code": last_code_for("alice@example.com")})
    assert client.session.session_key != before


def test_logout_ends_the_session_on_the_server(client, owner):
    request_code(client, "alice")
    client.post(CODE, {"code": last_code_for("alice@example.com")})
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert Activity.objects.filter(verb="user.logout").exists()
    assert client.get(reverse("core:home")).status_code == 302


def test_logout_needs_post(client_as, owner):
    client = client_as(owner)
    assert client.get(reverse("accounts:logout")).status_code == 405


def test_next_url_is_kept_but_not_to_other_sites(client, owner):
    client.post(LOGIN + "?next=/app/activity/", {"username": "alice"})
    response = client.post(CODE, {"code": last_code_for("alice@example.com")})
    assert response.url == "/app/activity/"
    client.post(reverse("accounts:logout"))
    client.post(LOGIN + "?next=https://evil.example/", {"username": "alice"})
    response = client.post(CODE, {"code": last_code_for("alice@example.com")})
    assert response.url == reverse("core:home")


def test_user_sees_and_ends_own_sessions(client, owner, django_user_model):
    from django.test import Client

    other_browser = Client()
    for browser in (client, other_browser):
        request_code(browser, "alice")
        browser.post(CODE, {"code": last_code_for("alice@example.com")})
    assert UserSession.objects.filter(user=owner.user).count() == 2
    page = client.get(reverse("accounts:sessions"))
    assert page.status_code == 200
    client.post(reverse("accounts:sessions"), {"end": "others"})
    assert other_browser.get(reverse("core:home")).status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_cannot_end_someone_elses_session(client_as, owner, office):
    other = UserSession.objects.create(user=office.user, session_key="k" * 32)
    client = client_as(owner)
    response = client.post(reverse("accounts:sessions"), {"end": other.pk})
    assert response.status_code == 404
    assert UserSession.objects.filter(pk=other.pk).exists()


def test_bad_input_is_a_form_error_not_a_500(client, owner):
    assert client.post(LOGIN, {"username": ""}).status_code == 200
    request_code(client, "alice")
    for bad in ["", "abc", "1234567", "12 34 5x"]:
        response = client.post(CODE, {"code": bad})
        assert response.status_code == 200


def test_code_page_without_a_username_goes_back_to_login(client):
    assert client.get(CODE).url == LOGIN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_correct_submissions_log_in_once(owner):
    services.login_code_request(username="alice", address="127.0.0.1")
    code = last_code_for("alice@example.com")
    results = []
    barrier = threading.Barrier(20)

    def submit():
        try:
            barrier.wait()
            results.append(
                services.login_code_verify(username="alice", code=code, address="127.0.0.1")
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 20
    assert sum(1 for user in results if user is not None) == 1
