"""Team management: Owner only; roles, invitations and deactivation."""

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from crewdesk.accounts import services
from crewdesk.accounts.models import Invitation, Membership, User, UserSession
from crewdesk.core.models import Activity
from crewdesk.core.roles import Role
from crewdesk.notifications.models import Message


def test_owner_invites_a_new_member_who_gets_an_email(owner):
    invitation = services.member_invite(
        actor=owner, username="erin", email="erin@example.com", role=Role.EMPLOYEE
    )
    assert invitation.company == owner.company and invitation.role == Role.EMPLOYEE
    message = Message.objects.get(to="erin@example.com")
    assert "erin" in message.body and "/invitations/" in message.body
    assert Activity.objects.filter(verb="member.invited", target_id=invitation.pk).exists()
    assert not invitation.user.has_usable_password()
    # they join when they accept, not before
    assert not Membership.objects.filter(user=invitation.user).exists()


def _accept(client, invitation):
    client.force_login(invitation.user)
    return client.post(
        reverse("accounts:invitations"), {"invitation": invitation.pk, "answer": "accept"}
    )


def test_a_new_member_logs_in_accepts_and_lands_in_the_company(client, owner):
    invitation = services.member_invite(
        actor=owner, username="erin", email="erin@example.com", role=Role.OFFICE
    )
    client.force_login(invitation.user)
    assert client.get(reverse("dashboard:home")).url == reverse("accounts:invitations")
    page = client.get(reverse("accounts:invitations")).content.decode()
    assert "Acme Cleaning" in page
    response = _accept(client, invitation)
    assert response.status_code == 302
    membership = Membership.objects.get(user=invitation.user, company=owner.company)
    assert membership.role == Role.OFFICE and membership.active
    assert client.get(reverse("dashboard:home")).status_code == 200
    assert Activity.objects.filter(verb="invitation.accepted").exists()


def test_inviting_someone_elses_username_answers_exactly_as_for_a_new_one(owner, outsider):
    """An Owner learns nothing about the people of other companies: the same answer, and the
    invitation goes to the user's own address, not the one typed."""
    taken = services.member_invite(
        actor=owner, username="oscar", email="probe@owner.example", role=Role.OFFICE
    )
    fresh = services.member_invite(
        actor=owner, username="zed", email="zed@owner.example", role=Role.OFFICE
    )
    assert (taken.username, taken.email) == ("oscar", "probe@owner.example")
    assert type(taken) is type(fresh)
    assert not Membership.objects.filter(user=outsider.user, company=owner.company).exists()
    assert not Message.objects.filter(to="probe@owner.example").exists()
    assert Message.objects.filter(to="oscar@example.com").exists()


def test_the_team_page_shows_what_the_owner_typed_not_the_users_details(client_as, owner, outsider):
    services.member_invite(
        actor=owner, username="OSCAR", email="probe@owner.example", role=Role.OFFICE
    )
    page = client_as(owner).get(reverse("accounts:team")).content.decode()
    assert "OSCAR" in page and "probe@owner.example" in page
    assert "oscar@example.com" not in page


def test_an_existing_user_joins_only_if_they_accept(client, owner, outsider):
    invitation = services.member_invite(
        actor=owner, username="oscar", email="x@example.com", role=Role.OFFICE
    )
    client.force_login(outsider.user)
    session = client.session
    session["company_id"] = outsider.company_id
    session.save()
    # still working in their own company until they answer
    assert client.get(reverse("dashboard:home")).status_code == 200
    client.post(reverse("accounts:invitations"), {"invitation": invitation.pk, "answer": "decline"})
    assert not Membership.objects.filter(user=outsider.user, company=owner.company).exists()
    assert Activity.objects.filter(verb="invitation.declined").exists()


def test_an_invitation_cannot_be_answered_by_someone_else(client, owner, office, outsider):
    invitation = services.member_invite(
        actor=owner, username="oscar", email="x@example.com", role=Role.OWNER
    )
    client.force_login(office.user)
    response = client.post(
        reverse("accounts:invitations"), {"invitation": invitation.pk, "answer": "accept"}
    )
    assert response.status_code == 404
    assert not Membership.objects.filter(user=office.user, role=Role.OWNER).exists()


def test_owner_cancels_an_invitation_of_their_company_only(client_as, owner, outsider):
    invitation = services.member_invite(
        actor=outsider, username="zed", email="zed@example.com", role=Role.OFFICE
    )
    url = reverse("accounts:team_invitation_cancel", args=[invitation.pk])
    assert client_as(owner).post(url).status_code == 404
    assert client_as(outsider).post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.answered_at and invitation.accepted is False


def test_a_cancelled_invitation_is_no_way_in(client, owner):
    invitation = services.member_invite(
        actor=owner, username="zed", email="zed@example.com", role=Role.OFFICE
    )
    services.invitation_cancel(actor=owner, invitation_id=invitation.pk)
    client.post(reverse("accounts:login"), {"username": "zed"})
    assert not Message.objects.filter(to="zed@example.com", sensitive=True).exists()


def test_invitation_refuses_a_username_that_is_not_plain_ascii(owner):
    with pytest.raises(ValidationError):
        services.member_invite(actor=owner, username="offıce", email="o@example.com", role="office")


def test_deactivating_ends_only_that_companys_sessions(owner, outsider, client):
    """A member of two companies deactivated by one keeps working in the other."""
    second = Membership.objects.create(user=outsider.user, company=owner.company, role=Role.OFFICE)
    in_a = UserSession.objects.create(
        user=outsider.user, company=owner.company, session_key="a" * 32
    )
    in_b = UserSession.objects.create(
        user=outsider.user, company=outsider.company, session_key="b" * 32
    )
    services.member_deactivate(actor=owner, membership=second)
    assert not UserSession.objects.filter(pk=in_a.pk).exists()
    assert UserSession.objects.filter(pk=in_b.pk).exists()


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
    assert client.get(reverse("dashboard:home")).status_code == 200
    services.member_deactivate(actor=owner, membership=office)
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("dashboard:home")).status_code == 302
    assert Activity.objects.filter(verb="member.deactivated").exists()


def test_a_deactivated_member_is_logged_out_even_without_a_tracked_session(owner, office, client):
    client.force_login(office.user)
    Membership.objects.filter(pk=office.pk).update(active=False)
    assert client.get(reverse("dashboard:home")).status_code == 302


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
    assert Invitation.objects.filter(username="erin", company=owner.company).exists()


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
    Membership.objects.create(user=owner.user, company=outsider.company, role=Role.OFFICE)
    client = client_as(owner)
    response = client.post(reverse("accounts:switch_company"), {"company": outsider.company_id})
    assert response.status_code == 302
    assert client.session["company_id"] == outsider.company_id
    assert "Bravo Pools" in client.get(reverse("dashboard:home")).content.decode()


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


def test_a_member_invited_elsewhere_is_shown_the_invitation_at_login(client, owner, outsider):
    from tests.accounts.test_login import last_code_for

    services.member_invite(actor=outsider, username="alice", email="x@example.com", role="office")
    client.post(reverse("accounts:login"), {"username": "alice"})
    response = client.post(
        reverse("accounts:login_code"), {"code": last_code_for("alice@example.com")}
    )
    assert response.url == reverse("accounts:invitations")
    page = client.get(response.url).content.decode()
    assert "Bravo Pools" in page and "Not now: go to Acme Cleaning" in page
    assert client.get(reverse("dashboard:home")).status_code == 200  # not forced to answer


def test_the_invitation_email_links_to_the_invitations_page(owner):
    services.member_invite(actor=owner, username="erin", email="erin@example.com", role="office")
    assert "/invitations/" in Message.objects.get(to="erin@example.com").body
