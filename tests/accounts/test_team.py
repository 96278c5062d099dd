"""Team management: Owner only; roles, invitations and deactivation."""

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from crewdesk.accounts import services
from crewdesk.accounts.models import Membership, User, UserSession
from crewdesk.core.models import Activity
from crewdesk.core.roles import Role
from crewdesk.notifications.models import Message


def test_owner_invites_a_new_member_who_gets_an_email(owner):
    membership = services.member_invite(
        actor=owner, username="erin", email="erin@example.com", role=Role.EMPLOYEE
    )
    assert membership.company == owner.company and membership.role == Role.EMPLOYEE
    message = Message.objects.get(to="erin@example.com")
    assert "erin" in message.body and "/login/" in message.body
    assert Activity.objects.filter(verb="member.invited", target_id=membership.pk).exists()
    assert not membership.user.has_usable_password()


def test_invite_refuses_a_taken_username_with_another_email(owner, outsider):
    with pytest.raises(ValidationError) as error:
        services.member_invite(
            actor=owner, username="oscar", email="someone-else@example.com", role=Role.OFFICE
        )
    assert str(services.ERROR_USERNAME_TAKEN) in str(error.value)
    assert not Membership.objects.filter(user=outsider.user, company=owner.company).exists()


def test_invite_adds_an_existing_user_of_another_company(owner, outsider):
    membership = services.member_invite(
        actor=owner, username="oscar", email="oscar@example.com", role=Role.OFFICE
    )
    assert membership.user == outsider.user
    assert outsider.user.memberships.count() == 2


@pytest.mark.parametrize("role_fixture", ["office", "employee", "customer"])
def test_only_owners_manage_the_team(request, role_fixture, owner):
    actor = request.getfixturevalue(role_fixture)
    with pytest.raises(PermissionDenied):
        services.member_invite(actor=actor, username="x", email="x@example.com", role="office")
    with pytest.raises(PermissionDenied):
        services.member_change_role(actor=actor, membership=owner, role=Role.OFFICE)
    with pytest.raises(PermissionDenied):
        services.member_deactivate(actor=actor, membership=owner)


def test_owner_cannot_touch_another_companys_member(owner, outsider):
    with pytest.raises(PermissionDenied):
        services.member_change_role(actor=owner, membership=outsider, role=Role.OFFICE)


def test_role_change_is_logged_with_before_and_after(owner, office):
    services.member_change_role(actor=owner, membership=office, role=Role.EMPLOYEE)
    office.refresh_from_db()
    assert office.role == Role.EMPLOYEE
    entry = Activity.objects.get(verb="member.role_changed")
    assert entry.data == {"username": "bob", "from": "office", "to": "employee"}
    assert entry.actor == owner.user


def test_last_owner_cannot_be_demoted(owner):
    with pytest.raises(ValidationError) as error:
        services.member_change_role(actor=owner, membership=owner, role=Role.OFFICE)
    assert str(services.ERROR_LAST_OWNER) in str(error.value)


def test_deactivating_ends_the_members_sessions(owner, office, client):
    client.force_login(office.user)
    key = client.session.session_key
    UserSession.objects.create(user=office.user, session_key=key)
    assert client.get(reverse("core:home")).status_code == 200
    services.member_deactivate(actor=owner, membership=office)
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("core:home")).status_code == 302
    assert Activity.objects.filter(verb="member.deactivated").exists()


def test_a_deactivated_member_is_logged_out_even_without_a_tracked_session(owner, office, client):
    client.force_login(office.user)
    Membership.objects.filter(pk=office.pk).update(active=False)
    assert client.get(reverse("core:home")).status_code == 302


def test_owner_cannot_deactivate_themselves(owner):
    with pytest.raises(ValidationError):
        services.member_deactivate(actor=owner, membership=owner)


def test_reactivate(owner, office):
    services.member_deactivate(actor=owner, membership=office)
    services.member_reactivate(actor=owner, membership=office)
    office.refresh_from_db()
    assert office.active


# --- pages ---------------------------------------------------------------------------------


def test_team_page_lists_members_of_own_company_only(client_as, owner, office, outsider):
    page = client_as(owner).get(reverse("accounts:team"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "bob" in content and "oscar" not in content


def test_office_sees_team_but_cannot_manage(client_as, owner, office):
    client = client_as(office)
    assert client.get(reverse("accounts:team")).status_code == 200
    assert client.get(reverse("accounts:team_invite")).status_code == 403
    assert client.get(reverse("accounts:team_member", args=[owner.pk])).status_code == 403


def test_invite_page_shows_errors_and_keeps_input(client_as, owner):
    response = client_as(owner).post(
        reverse("accounts:team_invite"),
        {"username": "new person!", "email": "not-an-email", "role": "office"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert 'aria-invalid="true"' in content
    assert "not-an-email" in content
    assert not User.objects.filter(email="not-an-email").exists()


def test_invite_page_creates_member(client_as, owner):
    response = client_as(owner).post(
        reverse("accounts:team_invite"),
        {"username": "erin", "email": "erin@example.com", "role": "employee"},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user__username="erin", company=owner.company).exists()


def test_member_page_of_another_company_is_404(client_as, owner, outsider):
    client = client_as(owner)
    assert client.get(reverse("accounts:team_member", args=[outsider.pk])).status_code == 404
    response = client.post(
        reverse("accounts:team_member", args=[outsider.pk]), {"action": "deactivate"}
    )
    assert response.status_code == 404
    outsider.refresh_from_db()
    assert outsider.active


def test_member_page_changes_role_and_deactivates(client_as, owner, office):
    client = client_as(owner)
    url = reverse("accounts:team_member", args=[office.pk])
    assert client.post(url, {"action": "role", "role": "employee"}).status_code == 302
    office.refresh_from_db()
    assert office.role == Role.EMPLOYEE
    assert client.post(url, {"action": "deactivate"}).status_code == 302
    office.refresh_from_db()
    assert not office.active


def test_member_page_shows_last_owner_error(client_as, owner):
    response = client_as(owner).post(
        reverse("accounts:team_member", args=[owner.pk]), {"action": "role", "role": "office"}
    )
    assert response.status_code == 200
    assert str(services.ERROR_LAST_OWNER) in response.content.decode()


def test_switch_company(client_as, owner, outsider):
    services.member_invite(
        actor=outsider, username="alice", email="alice@example.com", role=Role.OFFICE
    )
    client = client_as(owner)
    response = client.post(reverse("accounts:switch_company"), {"company": outsider.company_id})
    assert response.status_code == 302
    assert client.session["company_id"] == outsider.company_id
    assert "Bravo Pools" in client.get(reverse("core:home")).content.decode()


def test_switch_to_a_company_you_are_not_in_is_404(client_as, owner, outsider):
    client = client_as(owner)
    response = client.post(reverse("accounts:switch_company"), {"company": outsider.company_id})
    assert response.status_code == 404
    assert client.session["company_id"] == owner.company_id


# --- a customer's role (issue 10 #1) ------------------------------------------------------------


def test_member_page_of_a_customer_preselects_nothing_it_does_not_hold(client_as, owner, customer):
    page = client_as(owner).get(reverse("accounts:team_member", args=[customer.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'value="owner" selected' not in content
    assert "Save role" not in content  # a customer's access is managed from their client


def test_saving_an_unchanged_form_does_not_promote_a_customer(client_as, owner, customer):
    url = reverse("accounts:team_member", args=[customer.pk])
    response = client_as(owner).post(url, {"action": "role", "role": "owner"})
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.role == Role.CUSTOMER


@pytest.mark.parametrize("role", [Role.OWNER, Role.OFFICE, Role.EMPLOYEE])
def test_a_customer_is_never_made_staff_by_a_role_change(owner, customer, role):
    with pytest.raises(ValidationError):
        services.member_change_role(actor=owner, membership=customer, role=role)
    customer.refresh_from_db()
    assert customer.role == Role.CUSTOMER


def test_staff_is_never_made_a_customer_by_a_role_change(owner, office):
    with pytest.raises(ValidationError):
        services.member_change_role(actor=owner, membership=office, role=Role.CUSTOMER)
    office.refresh_from_db()
    assert office.role == Role.OFFICE


def test_member_page_shows_the_members_own_role_selected(client_as, owner, employee):
    content = client_as(owner).get(reverse("accounts:team_member", args=[employee.pk]))
    assert 'value="employee" selected' in content.content.decode()
