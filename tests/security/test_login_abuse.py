"""Login abuse, as an attacker would try it. The single-code rules themselves (five tries, one
use, ten minutes, twenty parallel submissions, the same answer for an unknown username) are in
tests/accounts/test_login.py; here: how far a brute force gets across many codes and
addresses, and what an attacker learns from the answers."""

import re

from django.db.models import Sum
from django.urls import reverse

from crewdesk.accounts import services
from crewdesk.accounts.models import LoginCode
from crewdesk.notifications.models import Message

LOGIN = reverse("accounts:login")
CODE = reverse("accounts:login_code")


def _real_code(email: str) -> str:
    message = Message.objects.filter(to=email).order_by("-id").first()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_a_brute_force_from_many_addresses_gets_few_guesses_per_window(owner, settings):
    """New codes and new addresses do not buy more guesses: the per-username limit on code
    requests bounds them to tries x requests per window, a 1-in-40,000 chance at most."""
    guesses = 0
    for attempt in range(200):
        address = f"203.0.113.{attempt % 250}"
        outcome = services.login_code_request(username="alice", address=address)
        real = _real_code("alice@example.com") if Message.objects.exists() else None
        for guess in range(10):
            wrong = f"{(int(real or 0) + 1 + guess) % 1_000_000:06d}"
            assert services.login_code_verify(username="alice", code=wrong, address=address) is None
            guesses += 1
        if outcome == services.CodeRequestOutcome.THROTTLED:
            break
    evaluated = LoginCode.objects.filter(user=owner.user).aggregate(n=Sum("tries"))["n"]
    bound = settings.LOGIN_THROTTLE_PER_USERNAME * settings.LOGIN_CODE_MAX_TRIES
    assert guesses > bound  # the attacker tried far more than were ever compared
    assert evaluated <= bound
    assert LoginCode.objects.filter(user=owner.user).count() <= settings.LOGIN_THROTTLE_PER_USERNAME


def test_one_address_cannot_spray_codes_at_many_usernames(owner, office, settings):
    """Guessing a little at many accounts from one address hits the per-address limit."""
    address = "198.51.100.7"
    refused_after = None
    for n in range(settings.LOGIN_THROTTLE_PER_ADDRESS * settings.LOGIN_CODE_MAX_TRIES + 5):
        username = "alice" if n % 2 else "bob"
        services.login_code_verify(username=username, code="000000", address=address)
        outcome = services.login_code_request(username=f"user{n}", address=address)
        if outcome == services.CodeRequestOutcome.THROTTLED:
            refused_after = n
            break
    assert refused_after is not None and refused_after <= settings.LOGIN_THROTTLE_PER_ADDRESS


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


def test_the_right_code_still_works_for_the_real_user_after_an_attack_elsewhere(client, owner):
    """Throttling an attacker's address does not lock the user out from their own."""
    for _n in range(30):
        services.login_code_verify(username="alice", code="000000", address="192.0.2.66")
    services.login_code_request(username="alice", address="192.0.2.10")
    user = services.login_code_verify(
        username="alice", code=_real_code("alice@example.com"), address="192.0.2.10"
    )
    assert user == owner.user
