"""The office gives a client a login to the customer portal: accounts' portal_login_create."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crewdesk.accounts import services
from crewdesk.accounts.models import Membership, User
from crewdesk.clients.models import Client
from crewdesk.clients.services import client_archive
from crewdesk.core.models import Activity
from crewdesk.core.permissions import scope
from crewdesk.core.roles import Role
from crewdesk.notifications.models import Message


@pytest.fixture
def ann(make_client):
    return make_client(first_name="Ann", last_name="Lee", email="ann.lee@example.net")


def _nothing_made(before: int) -> bool:
    return Membership.objects.count() == before and not Message.objects.exists()


def test_the_office_gives_a_client_a_portal_login(office, ann):
    membership = services.portal_login_create(actor=office, client=ann)

    assert (membership.company, membership.role, membership.client) == (
        office.company,
        Role.CUSTOMER,
        ann,
    )
    user = membership.user
    assert user.email == "ann.lee@example.net" and not user.has_usable_password()
    assert user.username.startswith("annlee-")
    message = Message.objects.get(to="ann.lee@example.net")
    assert user.username in message.body and "/login/" in message.body
    event = Activity.objects.get(verb="client.portal_login_created")
    assert (event.target, event.actor) == (ann, office.user)
    assert event.data["username"] == user.username


def test_the_new_login_sees_its_client_and_no_other(office, ann, make_client):
    make_client(first_name="Bo", last_name="Kim")
    membership = services.portal_login_create(actor=office, client=ann)

    assert list(scope(Client.objects.all(), membership)) == [ann]


def test_another_address_can_be_given_for_the_client(office, ann):
    membership = services.portal_login_create(actor=office, client=ann, email="tom@example.net")

    assert membership.user.email == "tom@example.net"
    assert Message.objects.filter(to="tom@example.net").exists()


@pytest.mark.parametrize("role", ["employee", "customer", "neighbour"])
def test_only_the_office_gives_portal_logins(request, role, ann):
    actor = request.getfixturevalue(role)
    before = Membership.objects.count()
    with pytest.raises(PermissionDenied):
        services.portal_login_create(actor=actor, client=ann)
    assert _nothing_made(before)


def test_another_companys_client_gets_no_login_from_us(outsider, office, ann):
    before = Membership.objects.count()
    with pytest.raises(PermissionDenied):
        services.portal_login_create(actor=outsider, client=ann)
    assert _nothing_made(before)


@pytest.mark.parametrize("email", ["", "not-an-email"])
def test_a_login_needs_an_email(office, make_client, email):
    no_email = make_client(first_name="Cy", last_name="Moe")
    before = Membership.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.portal_login_create(actor=office, client=no_email, email=email)
    assert refused.value.message_dict == {"email": [str(services.ERROR_PORTAL_EMAIL)]}
    assert _nothing_made(before)


def test_one_login_per_address_in_a_company(office, ann, make_client):
    services.portal_login_create(actor=office, client=ann)
    other = make_client(first_name="Dee", last_name="Lee")
    before, messages = Membership.objects.count(), Message.objects.count()

    with pytest.raises(ValidationError) as refused:
        services.portal_login_create(actor=office, client=other, email="ANN.LEE@example.net")

    assert refused.value.message_dict == {"email": [str(services.ERROR_PORTAL_TAKEN)]}
    assert (Membership.objects.count(), Message.objects.count()) == (before, messages)


def test_an_archived_client_gets_no_login(office, ann):
    client_archive(actor=office, client=ann)
    before = Membership.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.portal_login_create(actor=office, client=ann)
    assert refused.value.messages == [str(services.ERROR_PORTAL_CLIENT_GONE)]
    assert _nothing_made(before)


def test_the_username_says_nothing_of_other_accounts(office, outsider, ann):
    """Someone elsewhere already has the address's name as a username: the login is made the
    same way, with a username of its own, and their account is left alone."""
    User.objects.create(username="annlee", email="ann.lee@example.net")

    membership = services.portal_login_create(actor=office, client=ann)

    assert membership.user.username != "annlee"
    assert not Membership.objects.filter(user__username="annlee").exists()
