"""Login with a username and an emailed 6-digit code (DESIGN §5)."""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from crewdesk.accounts import login
from crewdesk.accounts.models import LoginCode, UserSession
from crewdesk.accounts.views import MSG_BAD_CODE, MSG_THROTTLED
from crewdesk.core.models import Activity
from crewdesk.notifications.models import Message

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login_code")
BINDING = login.session_binding("test-session-nonce")


def _login_email_text(email: str) -> str:
    """The newest login email to `email`: from the test mail outbox once delivered, else from
    the message log (in a test's transaction, delivery waits for a commit that never comes)."""
    for message in reversed(mail.outbox):
        if email in message.to and "login code" in message.subject:
            return message.body
    message = Message.objects.filter(to=email, sensitive=True).order_by("-id").first()
    return message.body


def last_code_for(email: str) -> str:
    return re.search(r"\b(\d{6})\b", _login_email_text(email)).group(1)


def last_link_for(email: str) -> str:
    return re.search(r"(/login/link/[\w-]+/)", _login_email_text(email)).group(1)


def request_code(client, username: str):
    return client.post(LOGIN, {"username": username})


def wrong(code: str, n: int = 1) -> str:
    return f"{(int(code) + n) % 1_000_000:06d}"


def test_happy_path_staff_lands_in_office_app(client, owner):
    response = request_code(client, "alice")
    assert response.status_code == 302 and response.url == CODE
    code = last_code_for("alice@example.com")
    response = client.post(CODE, {"code": code})
    assert response.status_code == 302
    assert response.url == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).status_code == 200
    assert Activity.objects.filter(verb="user.login", actor=owner.user).exists()


def test_customer_lands_in_portal(client, customer):
    request_code(client, "dave")
    response = client.post(CODE, {"code": last_code_for("dave@example.com")})
    assert response.url == reverse("portal:home")
    assert client.get(reverse("portal:home")).status_code == 200
    # and the office app is not theirs: its front door sends them back to the portal
    assert client.get(reverse("dashboard:home")).url == reverse("portal:home")
    assert client.get(reverse("core:activity")).status_code == 403


def test_username_is_case_insensitive(client, owner):
    request_code(client, "  ALICE ")
    assert client.post(CODE, {"code": last_code_for("alice@example.com")}).status_code == 302


def test_code_is_stored_only_as_a_hash(client, owner):
    request_code(client, "alice")
    code = last_code_for("alice@example.com")
    stored = LoginCode.objects.get(user=owner.user)
    assert code not in stored.code_hash
    link_token = last_link_for("alice@example.com").split("/")[-2]
    assert link_token not in stored.link_hash


def test_wrong_code_is_refused(client, owner):
    request_code(client, "alice")
    response = client.post(CODE, {"code": wrong(last_code_for("alice@example.com"))})
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


def test_reused_code_is_refused(owner):
    login.login_code_request(username="alice", address="127.0.0.1", binding=BINDING)
    code = last_code_for("alice@example.com")
    assert login.login_code_verify(code=code, address="127.0.0.1", binding=BINDING).user
    again = login.login_code_verify(code=code, address="127.0.0.1", binding=BINDING)
    assert again.user is None and again.refusal is login.Refusal.BAD_CODE


def test_sixth_try_is_refused_even_with_the_right_code(client, owner):
    request_code(client, "alice")
    code = last_code_for("alice@example.com")
    for _ in range(5):
        client.post(CODE, {"code": wrong(code)})
    response = client.post(CODE, {"code": code})
    assert str(MSG_BAD_CODE) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_new_code_in_the_same_browser_replaces_the_old_one(client, owner):
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


def test_throttle_per_address(client, owner, office, settings):
    settings.LOGIN_THROTTLE_PER_ADDRESS = 4
    for name in ["alice", "bob", "x1", "x2"]:
        assert request_code(client, name).status_code == 302
    assert str(MSG_THROTTLED) in request_code(client, "alice").content.decode()


def test_session_key_rotates_at_login(client, owner):
    request_code(client, "alice")
    before = client.session.session_key
    client.post(CODE, {"code": last_code_for("alice@example.com")})
    assert client.session.session_key != before
    assert login.BINDING_SESSION_KEY not in client.session  # the login secret is spent


def test_logout_ends_the_session_on_the_server(client, owner):
    request_code(client, "alice")
    client.post(CODE, {"code": last_code_for("alice@example.com")})
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert Activity.objects.filter(verb="user.logout").exists()
    assert client.get(reverse("dashboard:home")).status_code == 302


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
    assert response.url == reverse("dashboard:home")


def test_user_sees_and_ends_own_sessions(client, owner):
    other_browser = Client()
    for browser in (client, other_browser):
        request_code(browser, "alice")
        browser.post(CODE, {"code": last_code_for("alice@example.com")})
    assert UserSession.objects.filter(user=owner.user).count() == 2
    page = client.get(reverse("accounts:sessions"))
    assert page.status_code == 200
    client.post(reverse("accounts:sessions"), {"end": "others"})
    assert other_browser.get(reverse("dashboard:home")).status_code == 302
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_cannot_end_someone_elses_session(client_as, owner, office):
    other = UserSession.objects.create(user=office.user, session_key="k" * 32)
    client = client_as(owner)
    response = client.post(reverse("accounts:sessions"), {"end": other.pk})
    assert response.status_code == 404
    assert UserSession.objects.filter(pk=other.pk).exists()


def test_bad_input_is_a_form_error_not_a_500(client, owner):
    assert client.post(LOGIN, {"username": ""}).status_code == 200
    assert client.post(LOGIN, {"username": "x" * 5000}).status_code == 200
    assert client.post(LOGIN, {"username": "a\x00b"}).status_code == 400  # our 400 page
    request_code(client, "alice")
    for bad in ["", "abc", "1234567", "12 34 5x"]:
        response = client.post(CODE, {"code": bad})
        assert response.status_code == 200
    assert client.post(CODE, {"code": "\x00" * 6}).status_code == 400


def test_code_page_without_a_username_goes_back_to_login(client):
    assert client.get(CODE).url == LOGIN


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_correct_submissions_log_in_once(owner):
    login.login_code_request(username="alice", address="127.0.0.1", binding=BINDING)
    code = last_code_for("alice@example.com")
    results = []
    barrier = threading.Barrier(20)

    def submit():
        try:
            barrier.wait()
            results.append(login.login_code_verify(code=code, address="127.0.0.1", binding=BINDING))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 20
    assert sum(1 for attempt in results if attempt.user is not None) == 1


# --- the sign-in link ----------------------------------------------------------------------------


def test_the_link_asks_before_it_logs_in(client, owner):
    request_code(client, "alice")
    link = last_link_for("alice@example.com")
    other_browser = Client()
    page = other_browser.get(link)  # a mail scanner opening it logs nobody in
    assert page.status_code == 200 and "Log in as alice" in page.content.decode()
    assert "_auth_user_id" not in other_browser.session
    response = other_browser.post(link)
    assert response.status_code == 302 and response.url == reverse("dashboard:home")
    assert other_browser.get(reverse("dashboard:home")).status_code == 200


def test_the_link_and_its_code_work_once_together(client, owner):
    request_code(client, "alice")
    code, link = last_code_for("alice@example.com"), last_link_for("alice@example.com")
    assert Client().post(link).status_code == 302
    assert str(MSG_BAD_CODE) in client.post(CODE, {"code": code}).content.decode()
    assert Client().get(link).url == LOGIN


def test_an_expired_or_made_up_link_sends_back_to_login(client, owner):
    assert client.get("/login/link/not-a-real-token/").url == LOGIN
    assert client.post("/login/link/not-a-real-token/").url == LOGIN
    assert client.get("/login/link/" + "x" * 500 + "/").url == LOGIN
    with time_machine.travel(timezone.now(), tick=False) as clock:
        request_code(client, "alice")
        link = last_link_for("alice@example.com")
        clock.shift(timedelta(minutes=11))
        assert Client().post(link).url == LOGIN


# --- login lands in the company last used (issue 10 #7) ------------------------------------------


def test_login_lands_in_the_company_used_last(client, owner, outsider):
    from crewdesk.accounts.models import Membership
    from crewdesk.core.roles import Role

    second = Membership.objects.create(user=owner.user, company=outsider.company, role=Role.OFFICE)
    request_code(client, "alice")
    client.post(CODE, {"code": last_code_for("alice@example.com")})
    client.post(reverse("accounts:switch_company"), {"company": second.company_id})
    client.post(reverse("accounts:logout"))

    request_code(client, "alice")
    client.post(CODE, {"code": last_code_for("alice@example.com")})
    assert client.session["company_id"] == outsider.company_id
    assert UserSession.objects.get(session_key=client.session.session_key).company_id == (
        outsider.company_id
    )
