"""The client profile's "Give a portal login" form (clients/views/portal.py)."""

from django.urls import reverse

from crewdesk.accounts.models import Membership
from crewdesk.core.roles import Role


def _give(client_as, member, client, email):
    url = reverse("clients:portal_login_new", args=[client.pk])
    return client_as(member).post(url, {"email": email}, follow=True)


def test_the_office_gives_a_portal_login_from_the_profile(client_as, office, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@example.net")
    page = client_as(office).get(reverse("clients:detail", args=[ann.pk])).content.decode()
    assert reverse("clients:portal_login_new", args=[ann.pk]) in page

    response = _give(client_as, office, ann, "ann@example.net")

    login = Membership.objects.get(client=ann, role=Role.CUSTOMER)
    assert response.redirect_chain[-1][0] == reverse("clients:detail", args=[ann.pk])
    body = response.content.decode()
    assert login.user.username in body and "ann@example.net" in body


def test_a_refused_login_says_why_and_makes_nothing(client_as, office, make_client):
    ann = make_client(first_name="Ann", last_name="Lee")

    response = _give(client_as, office, ann, "not-an-email")

    assert "Give the email address the customer logs in with." in response.content.decode()
    assert not Membership.objects.filter(client=ann).exists()
