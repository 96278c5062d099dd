"""The management commands an operator runs: create_company, create_api_token (seed_demo is
in tests/sampledata)."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from crewdesk.accounts.models import ApiToken, Membership, User
from crewdesk.core.models import Activity, Brand, Company
from crewdesk.core.roles import Role
from tests.factories import MembershipFactory

TOKEN_PREFIX = "cdk_"  # crewdesk/accounts/services.py


def run(command: str, /, *args, **options) -> tuple[str, str]:
    """Call a command; return what it wrote to stdout and stderr."""
    stdout, stderr = StringIO(), StringIO()
    call_command(command, *args, stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


# --- create_company ----------------------------------------------------------------------------


def test_create_company_with_a_new_owner(db):
    out, err = run(
        "create_company",
        name="Sunny Windows",
        owner_username="sunny",
        owner_email="sunny@example.com",
        currency="CAD",
        timezone="America/Toronto",
        country="CA",
    )
    company = Company.objects.get()
    assert (company.name, company.slug) == ("Sunny Windows", "sunny-windows")
    assert (company.currency, company.timezone, company.country) == (
        "CAD",
        "America/Toronto",
        "CA",
    )
    membership = Membership.objects.get()
    assert (membership.company, membership.user.username) == (company, "sunny")
    assert membership.role == Role.OWNER and membership.active
    assert membership.user.email == "sunny@example.com"
    assert not membership.user.has_usable_password()  # logs in by emailed code
    assert Brand.objects.get(company=company).is_default
    assert Activity.objects.filter(company=company, verb="company.created").count() == 1
    assert "Sunny Windows" in out and "sunny-windows" in out and "sunny" in out
    assert err == ""


def test_create_company_defaults_and_slug(db):
    run("create_company", name="Acme", owner_username="ann", owner_email="ann@example.com")
    run(
        "create_company",
        "--name=Acme",
        "--owner-username=ben",
        "--owner-email=ben@example.com",
    )
    run(
        "create_company",
        name="Other",
        slug="chosen",
        owner_username="cy",
        owner_email="cy@example.com",
    )
    assert list(Company.objects.order_by("pk").values_list("slug", flat=True)) == [
        "acme",
        "acme-2",  # a free slug is found for a repeated name
        "chosen",
    ]
    first = Company.objects.get(slug="acme")
    assert (first.currency, first.timezone, first.country) == ("USD", "America/New_York", "US")


def test_create_company_with_an_existing_user_as_owner(owner):
    run(
        "create_company",
        name="Second Business",
        owner_username="ALICE",  # usernames match without regard to case
        owner_email="Alice@Example.com",
    )
    company = Company.objects.get(name="Second Business")
    assert User.objects.filter(username__iexact="alice").count() == 1
    assert owner.user.memberships.get(company=company).role == Role.OWNER


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "Unknown time zone"),
        ({"currency": "XXX"}, "not a valid choice"),
        ({"name": ""}, "cannot be blank"),
        ({"slug": "not a slug!"}, "slug"),
        ({"slug": "acme"}, "already exists"),  # company_a's
        ({"owner_email": "not-an-email"}, "valid email"),
        ({"owner_username": "has spaces"}, "username"),
        # alice exists with another email: not silently made owner of a new company
        ({"owner_username": "alice"}, "another email"),
    ],
)
def test_create_company_refuses_bad_input(owner, options, message):
    before = (Company.objects.count(), User.objects.count(), Membership.objects.count())
    options = {
        "name": "New Co",
        "owner_username": "newowner",
        "owner_email": "newowner@example.com",
        **options,
    }
    with pytest.raises(CommandError) as error:
        run("create_company", **options)
    assert message.lower() in str(error.value).lower()
    # nothing half-made is left behind
    after = (Company.objects.count(), User.objects.count(), Membership.objects.count())
    assert after == before
    assert not Brand.objects.filter(name="New Co").exists()


def test_create_company_run_twice_makes_one_company(db):
    options = {"name": "Sunny Windows", "owner_username": "sunny", "owner_email": "s@example.com"}
    run("create_company", **options)
    with pytest.raises(CommandError) as error:
        run("create_company", **options)
    assert "sunny already owns Sunny Windows (sunny-windows)" in str(error.value)
    assert Company.objects.count() == 1
    # The same name for someone else's business is allowed: it is another company.
    run("create_company", name="sunny windows", owner_username="ann", owner_email="a@example.com")
    assert Company.objects.count() == 2


def test_create_company_needs_its_arguments(db):
    with pytest.raises(CommandError, match="--owner-email"):
        run("create_company", name="Acme", owner_username="ann")
    assert not Company.objects.exists()


# --- create_api_token --------------------------------------------------------------------------


def test_create_api_token_prints_only_the_token_and_stores_only_its_hash(owner, client):
    out, err = run("create_api_token", "alice", name="zapier")
    assert err == ""
    assert out.endswith("\n") and out.count("\n") == 1  # one line
    raw = out.strip()
    assert raw.startswith(TOKEN_PREFIX)
    assert len(raw) > len(TOKEN_PREFIX) + 30

    token = ApiToken.objects.get()
    assert (token.user, token.company, token.name) == (owner.user, owner.company, "zapier")
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(token.prefix) and len(token.prefix) < len(raw)
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    assert not any(raw in value for value in stored)

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["username"] == "alice"
    assert body["role"] == Role.OWNER
    assert "Authorization" not in response.headers  # plain sanity: nothing echoed back


def test_each_token_is_new(owner):
    first, _ = run("create_api_token", "alice")
    second, _ = run("create_api_token", "alice")
    assert first != second
    assert ApiToken.objects.count() == 2


def test_a_wrong_token_does_not_authenticate(owner, client):
    run("create_api_token", "alice")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {TOKEN_PREFIX}nope"})
    assert response.status_code == 401


def test_create_api_token_for_an_unknown_username_fails(owner):
    with pytest.raises(CommandError, match="No active member with that username"):
        run("create_api_token", "nobody")
    assert not ApiToken.objects.exists()


def test_create_api_token_refuses_a_customer(customer):
    with pytest.raises(CommandError, match="Only active staff members"):
        run("create_api_token", "dave")
    assert not ApiToken.objects.exists()


def test_create_api_token_refuses_a_deactivated_member(owner):
    owner.active = False
    owner.save()
    with pytest.raises(CommandError, match="No active member"):
        run("create_api_token", "alice")


def test_create_api_token_asks_which_company(owner, company_b, client):
    MembershipFactory(user=owner.user, company=company_b, role=Role.OFFICE)
    with pytest.raises(CommandError, match="--company") as error:
        run("create_api_token", "alice")
    assert "acme" in str(error.value) and "bravo" in str(error.value)
    assert not ApiToken.objects.exists()

    out, _ = run("create_api_token", "alice", company="bravo")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {out.strip()}"})
    assert response.status_code == 200
    assert response.json()["role"] == Role.OFFICE
    assert ApiToken.objects.get().company == company_b
