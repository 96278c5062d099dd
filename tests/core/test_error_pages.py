"""Crewdesk's own 403, 404 and 500 pages: they say what happened in words and lead each role
back to its own home; a customer who opens the office app lands in the portal; a refusal is
logged once, in one line."""

import json

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.core.test_settings import crewdesk, output

pytestmark = pytest.mark.django_db


def test_a_crew_member_on_an_office_page_gets_our_403(client_as, employee):
    response = client_as(employee).get(reverse("core:activity"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "<title>Not allowed · Crewdesk</title>" in page
    assert "Employee" in page  # says which role is refused
    assert f'href="{reverse("jobs:crew_home")}"' in page  # back to their jobs
    assert "403 Forbidden" not in page


def test_an_office_member_on_an_owner_page_is_led_back_to_the_office_home(client_as, office):
    response = client_as(office).get(reverse("core:company_settings"))
    assert response.status_code == 403
    assert f'href="{reverse("dashboard:home")}"' in response.content.decode()


def test_a_customer_on_the_office_app_lands_in_the_portal(client_as, customer):
    response = client_as(customer).get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response.url == reverse("portal:home")


def test_a_customer_on_an_office_page_is_refused_with_a_way_to_the_portal(client_as, customer):
    response = client_as(customer).get(reverse("clients:list"))
    assert response.status_code == 403
    assert f'href="{reverse("portal:home")}"' in response.content.decode()


def test_our_404_page(client_as, owner, client):
    response = client_as(owner).get("/app/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<title>Page not found · Crewdesk</title>" in page
    assert f'href="{reverse("dashboard:home")}"' in page
    client.logout()
    anonymous = client.get("/no-such-page/")
    assert anonymous.status_code == 404
    assert f'href="{reverse("accounts:login")}"' in anonymous.content.decode()


@override_settings(ROOT_URLCONF="tests.core.urls_failing")
def test_our_500_page(client_as, owner):
    browser = client_as(owner)
    browser.raise_request_exception = False
    response = browser.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "<title>Something went wrong · Crewdesk</title>" in page
    assert 'href="/"' in page


@override_settings(ROOT_URLCONF="tests.core.urls_failing")
def test_the_500_page_is_plain_words_when_even_it_cannot_render(client, settings):
    """A static file missing from the manifest fails every page, the 500 page too."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = "/nonexistent"
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


REFUSAL_LOGGED = """
import json
from django.test import Client
from crewdesk.accounts.models import Membership, User
from crewdesk.core.roles import Role
from crewdesk.accounts.services import company_create
if not User.objects.filter(username="crew").exists():  # run twice on one database
    membership = company_create(name="A", owner_username="crew", owner_email="crew@example.com")
    Membership.objects.filter(pk=membership.pk).update(role=Role.EMPLOYEE)
browser = Client()
browser.force_login(User.objects.get(username="crew"))
print(json.dumps([browser.get(path).status_code for path in ("/app/activity/", "/app/nope/")]))
"""


def test_a_refusal_is_logged_once_without_a_traceback(tmp_path):
    env = {
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "testserver",
        "HTTPS": "0",
        "STATIC_MANIFEST": "0",  # no collectstatic here
    }
    assert crewdesk(tmp_path, "migrate", "-v0", **env).returncode == 0
    for debug in ("0", "1"):  # one database for both (a migration costs seconds)
        result = crewdesk(
            tmp_path, "shell", "--no-imports", "-c", REFUSAL_LOGGED, DEBUG=debug, **env
        )
        assert result.returncode == 0, output(result)
        assert json.loads(result.stdout.strip().splitlines()[-1]) == [403, 404]
        logged = result.stderr
        assert logged.count("Forbidden (Permission denied): /app/activity/") == 1, output(result)
        assert logged.count("Not Found: /app/nope/") == 1, output(result)
        assert "Traceback" not in logged, output(result)


def test_the_error_pages_render_without_a_request():
    """Django renders 500.html with no request and no context processors (the database may be
    what failed): it must still be a whole page."""
    from django.template.loader import get_template

    page = get_template("500.html").render()
    assert "Something went wrong" in page and "</html>" in page


def test_anonymous_is_still_sent_to_login_from_an_office_page(db):
    response = Client().get(reverse("core:activity"))
    assert response.status_code == 302


def test_a_nul_character_is_a_400_on_every_database(client_as, owner, make_client):
    """PostgreSQL cannot store a NUL: a note with one was a DataError there (a 500), and on
    SQLite saved as sent. Nobody types one: the request is refused, with our 400 page."""
    from tests.factories import make_job, make_property

    job = make_job(owner, make_property(owner, make_client(first_name="Ann", email="a@x.com")))
    browser = client_as(owner)
    response = browser.post(reverse("jobs:note_add", args=[job.pk]), {"text": "gate\x00code"})
    assert response.status_code == 400
    assert "This request could not be read" in response.content.decode()
    assert not job.notes.exists()
    assert browser.get(reverse("clients:list"), {"q": "a\x00b"}).status_code == 400
    assert browser.get(reverse("clients:list"), {"q": "ab"}).status_code == 200
