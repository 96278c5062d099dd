"""`next` (where a form or the login goes back to) is followed only to a path of this site:
never elsewhere, and never looked up as a URL name (`next=foo` was a 500)."""

import re

import pytest
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from crewdesk.core.navigation import safe_next

REFUSED = [
    "foo",  # redirect() would look it up as a URL name
    "jobs:list",
    "99999999999999999999",
    "//evil.example",
    "/\\evil.example",
    "https://evil.example/app/",
    "http://testserver/app/",  # even this host: a path is all a form needs
    "javascript:alert(1)",
    "/app/\nSet-Cookie: x=1",
    "/app/\x00",
    "",
    None,
]


@pytest.mark.parametrize("target", REFUSED)
def test_only_a_path_of_this_site_is_followed(target):
    assert safe_next(RequestFactory().get("/"), target) is None


@pytest.mark.parametrize("target", ["/app/", "/app/clients/?q=ann&page=2", "/app/jobs/7/#notes"])
def test_a_path_of_this_site_is_followed(target):
    assert safe_next(RequestFactory().get("/"), target) == target


def _log_in(client, capture, username: str, next_: str):
    with capture(execute=True):  # the email is sent once the request's transaction commits
        client.post(f"{reverse('accounts:login')}?next={next_}", {"username": username})
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    return client.post(reverse("accounts:login_code"), {"code": code})


@pytest.mark.parametrize("next_", ["foo", "//evil.example", "%2F%2Fevil.example"])
def test_login_with_a_bad_next_lands_home(client, owner, django_capture_on_commit_callbacks, next_):
    response = _log_in(client, django_capture_on_commit_callbacks, "alice", next_)
    assert response.status_code == 302
    assert response.url == reverse("dashboard:home")


def test_login_follows_a_good_next(client, owner, django_capture_on_commit_callbacks):
    response = _log_in(
        client, django_capture_on_commit_callbacks, "alice", "/app/clients/%3Fq%3Dann"
    )
    assert response.url == "/app/clients/?q=ann"


@pytest.mark.parametrize("next_", ["foo", "//evil.example", "/app/\r\nSet-Cookie: x=1"])
def test_a_form_with_a_bad_next_goes_back_to_its_own_page(client_as, owner, make_client, next_):
    client = make_client(first_name="Ann", email="ann@example.com")
    response = client_as(owner).post(reverse("clients:archive", args=[client.pk]), {"next": next_})
    assert response.status_code == 302
    assert response.url.startswith(reverse("clients:detail", args=[client.pk]))
