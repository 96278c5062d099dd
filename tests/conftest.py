"""The test world (STYLE.md): company A with an owner, office, employee and customer (the
portal login of one client), a neighbour (the portal login of another client of company A),
and an outsider who owns company B. Every permission test uses them."""

import datetime
import os
import zoneinfo

import pytest
import time_machine
from django.db import connection

from crewdesk.accounts.services import api_token_create
from crewdesk.clients.services import ClientInput, client_create
from crewdesk.core.roles import Role
from tests.factories import CompanyFactory, MembershipFactory, UserFactory


def _test_clock_start(value: str) -> datetime.datetime:
    """CREWDESK_TEST_NOW: an ISO date and time, with an offset ("2027-12-31T23:30-06:00") or
    followed by a zone name ("2027-12-31T23:30 America/Chicago"); UTC when it has neither."""
    when, _, zone = value.strip().partition(" ")
    moment = datetime.datetime.fromisoformat(when)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(zone or "UTC"))
    # As UTC: with a ZoneInfo, time_machine would also change the process's own time zone.
    return moment.astimezone(datetime.UTC)


def pytest_configure(config):
    # The whole session runs as if it were another moment (the clock keeps ticking from
    # there), so any date-dependent test can be tried on a Sunday, a month's end or a DST day.
    value = os.environ.get("CREWDESK_TEST_NOW")
    if value:
        config._crewdesk_clock = time_machine.travel(_test_clock_start(value), tick=True)
        config._crewdesk_clock.start()


def pytest_report_header(config):
    if os.environ.get("CREWDESK_TEST_NOW"):
        return f"clock moved to CREWDESK_TEST_NOW={os.environ['CREWDESK_TEST_NOW']}"
    return None


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip)


@pytest.fixture
def company_a(db):
    return CompanyFactory(name="Acme Cleaning", slug="acme")


@pytest.fixture
def company_b(db):
    return CompanyFactory(name="Bravo Pools", slug="bravo")


def _member(company, username, role, client=None):
    user = UserFactory(username=username, email=f"{username}@example.com")
    return MembershipFactory(user=user, company=company, role=role, client=client)


def _portal_client(owner, first_name: str, last_name: str):
    return client_create(
        actor=owner,
        data=ClientInput(
            fields={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{first_name.lower()}.{last_name.lower()}@example.net",
            }
        ),
    )


@pytest.fixture
def owner(company_a):
    return _member(company_a, "alice", Role.OWNER)


@pytest.fixture
def office(company_a):
    return _member(company_a, "bob", Role.OFFICE)


@pytest.fixture
def employee(company_a):
    return _member(company_a, "carol", Role.EMPLOYEE)


@pytest.fixture
def customer_client(owner):
    """The client the customer logs in as."""
    return _portal_client(owner, "Dave", "Dawson")


@pytest.fixture
def customer(company_a, customer_client):
    """A Customer of company A: the portal login of `customer_client`."""
    return _member(company_a, "dave", Role.CUSTOMER, client=customer_client)


@pytest.fixture
def neighbour(company_a, owner):
    """A Customer of another client of company A: none of `customer_client`'s records exist
    for them."""
    return _member(company_a, "erin", Role.CUSTOMER, client=_portal_client(owner, "Erin", "Eng"))


@pytest.fixture
def outsider(company_b):
    return _member(company_b, "oscar", Role.OWNER)


@pytest.fixture
def client_as(client):
    """Log the test client in as a membership's user."""

    def login(membership):
        client.force_login(membership.user)
        session = client.session
        session["company_id"] = membership.company_id
        session.save()
        return client

    return login


@pytest.fixture
def api_client(client):
    """A test client sending a bearer token for the given membership."""

    class ApiClient:
        def __init__(self, token: str | None = None) -> None:
            self.headers = {"Authorization": f"Bearer {token}"} if token else {}

        def get(self, path, **params):
            return client.get(path, params, headers=self.headers)

        def post(self, path, data=None):
            return client.post(
                path, data or {}, content_type="application/json", headers=self.headers
            )

    def make(membership=None, *, token=None):
        if membership is not None:
            token = api_token_create(membership=membership).raw
        return ApiClient(token)

    return make


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture(scope="session", autouse=True)
def _end_stray_postgres_sessions(django_db_setup, django_db_blocker):
    """Threads of the live server can leave an idle connection behind, which would stop the
    test database from being dropped: end them before it is."""
    yield
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def make_client(owner):
    """make_client(first_name=..., phones=[("mobile", "555...")], actor=..., **fields)."""

    def make(actor=None, phones=None, tags=None, allow_duplicate=True, **fields):
        if not fields.get("email") and not phones:
            phones = [("mobile", "+1 415 555 0199")]
        return client_create(
            actor=actor or owner,
            data=ClientInput(fields=fields, phones=phones, tags=tags),
            allow_duplicate=allow_duplicate,
        )

    return make
