"""API tokens (issue 10 #10, #26): listed, revoked (page, API, command), optionally expiring,
revoked when their member is deactivated and not revived by a reactivation."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from crewdesk.accounts import services
from crewdesk.accounts.models import ApiToken
from crewdesk.core.models import Activity

PAGE = reverse("accounts:api_tokens")


def _me(api_client, raw: str):
    return api_client(token=raw).get("/api/v1/me")


# --- the lifecycle ---------------------------------------------------------------------------


def test_a_revoked_token_stops_working_at_once(api_client, office):
    issued = services.api_token_create(membership=office)
    assert _me(api_client, issued.raw).status_code == 200
    services.api_token_revoke(actor=office, token=issued.token)
    assert _me(api_client, issued.raw).status_code == 401
    assert Activity.objects.filter(verb="api_token.revoked", actor=office.user).exists()


def test_a_token_stops_working_when_it_expires(api_client, office):
    start = timezone.now()
    issued = services.api_token_create(membership=office, expires_at=start + timedelta(days=1))
    with time_machine.travel(start + timedelta(hours=23), tick=False):
        assert _me(api_client, issued.raw).status_code == 200
    with time_machine.travel(start + timedelta(days=1, seconds=1), tick=False):
        assert _me(api_client, issued.raw).status_code == 401


def test_an_expiry_in_the_past_is_refused(office):
    with pytest.raises(ValidationError):
        services.api_token_create(membership=office, expires_at=timezone.now() - timedelta(1))


def test_deactivation_revokes_the_members_tokens_and_reactivation_does_not_revive_them(
    api_client, owner, office
):
    issued = services.api_token_create(membership=office)
    services.member_deactivate(actor=owner, membership=office)
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is not None
    services.member_reactivate(actor=owner, membership=office)
    assert _me(api_client, issued.raw).status_code == 401


def test_deactivation_in_one_company_leaves_the_users_tokens_for_another(
    api_client, owner, outsider
):
    from crewdesk.accounts.models import Membership
    from crewdesk.core.roles import Role

    second = Membership.objects.create(user=outsider.user, company=owner.company, role=Role.OFFICE)
    theirs = services.api_token_create(membership=outsider)
    ours = services.api_token_create(membership=second)
    services.member_deactivate(actor=owner, membership=second)
    assert _me(api_client, theirs.raw).status_code == 200
    assert _me(api_client, ours.raw).status_code == 401


# --- the API ---------------------------------------------------------------------------------


def test_api_lists_creates_and_revokes_tokens(api_client, office):
    api = api_client(office)
    created = api.post("/api/v1/tokens", {"name": "Export", "expires_at": None})
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("cdk_") and body["live"] and body["name"] == "Export"
    listed = api.get("/api/v1/tokens").json()
    assert listed["count"] == 2 and "token" not in listed["items"][0]
    revoked = api.post(f"/api/v1/tokens/{body['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert _me(api_client, body["token"]).status_code == 401


def test_api_shows_a_member_their_own_tokens_and_an_owner_all(api_client, owner, office):
    services.api_token_create(membership=office, name="office's")
    services.api_token_create(membership=owner, name="owner's")
    as_office = {t["name"] for t in api_client(office).get("/api/v1/tokens").json()["items"]}
    as_owner = {t["name"] for t in api_client(owner).get("/api/v1/tokens").json()["items"]}
    assert "owner's" not in as_office and "office's" in as_office
    assert {"owner's", "office's"} <= as_owner


def test_api_refuses_to_revoke_a_token_not_yours(api_client, owner, office, employee):
    owners = services.api_token_create(membership=owner)
    response = api_client(employee).post(f"/api/v1/tokens/{owners.token.pk}/revoke")
    assert response.status_code == 404
    owners.token.refresh_from_db()
    assert owners.token.revoked_at is None


def test_api_answers_bad_token_input_with_422(api_client, office):
    api = api_client(office)
    assert api.post("/api/v1/tokens", {"name": "x" * 101}).status_code == 422
    past = (timezone.now() - timedelta(days=1)).isoformat()
    assert api.post("/api/v1/tokens", {"expires_at": past}).status_code == 422
    assert api.post("/api/v1/tokens/99999999999999999999/revoke").status_code in (404, 422)


# --- the page --------------------------------------------------------------------------------


def test_page_creates_a_token_shown_once(client_as, office):
    client = client_as(office)
    response = client.post(PAGE, {"action": "create", "name": "Zapier", "lifetime": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(name="Zapier")
    assert token.expires_at and token.expires_at - timezone.now() > timedelta(days=29)
    page = response.content.decode()
    raw = page.split('id="new-token" readonly value="')[1].split('"')[0]
    assert raw.startswith(token.prefix)
    assert raw not in client.get(PAGE).content.decode()  # only the once


def test_page_revokes_your_own_token_and_404s_on_anyone_elses(client_as, owner, office):
    mine = services.api_token_create(membership=office).token
    owners = services.api_token_create(membership=owner).token
    client = client_as(office)
    assert client.post(PAGE, {"action": "revoke", "token": owners.pk}).status_code == 404
    assert client.post(PAGE, {"action": "revoke", "token": "x"}).status_code == 404
    assert client.post(PAGE, {"action": "revoke", "token": mine.pk}).status_code == 302
    mine.refresh_from_db()
    owners.refresh_from_db()
    assert mine.revoked_at and not owners.revoked_at


def test_owner_page_lists_and_revokes_everyones(client_as, owner, office, outsider):
    theirs = services.api_token_create(membership=office, name="Office export").token
    services.api_token_create(membership=outsider, name="Bravo secret")
    client = client_as(owner)
    page = client.get(PAGE).content.decode()
    assert "Office export" in page and "Bravo secret" not in page
    assert client.post(PAGE, {"action": "revoke", "token": theirs.pk}).status_code == 302


def test_customers_and_strangers_have_no_token_page(client, client_as, customer):
    assert client_as(customer).get(PAGE).status_code in (302, 403)
    client.logout()
    assert client.get(PAGE).status_code == 302


def test_a_bad_lifetime_is_a_form_error(client_as, office):
    response = client_as(office).post(PAGE, {"action": "create", "lifetime": "forever"})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert not ApiToken.objects.exists()


# --- the commands ----------------------------------------------------------------------------


def _run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_token_made_on_the_command_line_is_not_logged_as_the_members_doing(office):
    raw = _run("create_api_token", "bob", "--expires-in-days", "7").strip()
    token = ApiToken.objects.get()
    assert raw.startswith(token.prefix) and token.expires_at
    activity = Activity.objects.get(target_id=token.pk, verb__startswith="api_token")
    assert activity.actor is None and activity.verb == "api_token.created_by_command"


def test_commands_list_and_revoke_tokens(api_client, office):
    raw = _run("create_api_token", "bob", "--name", "Nightly").strip()
    token = ApiToken.objects.get()
    listed = _run("list_api_tokens", "--company", office.company.slug)
    assert token.prefix in listed and "bob" in listed and "Nightly" in listed
    assert "Revoked" in _run("revoke_api_token", token.prefix)
    assert _me(api_client, raw).status_code == 401
    assert token.prefix not in _run("list_api_tokens")
    assert token.prefix in _run("list_api_tokens", "--all")
    with pytest.raises(CommandError):
        _run("revoke_api_token", "cdk_nope")
    with pytest.raises(CommandError):
        _run("revoke_api_token", "99999999999999999999")


def test_ids_no_database_holds_are_not_found(client_as, office):
    client = client_as(office)
    huge = "99999999999999999999"
    assert client.post(PAGE, {"action": "revoke", "token": huge}).status_code == 404
    assert client.post(reverse("accounts:switch_company"), {"company": huge}).status_code == 404
    assert client.post(reverse("accounts:sessions"), {"end": huge}).status_code == 404
    response = client.post(reverse("accounts:invitations"), {"invitation": huge})
    assert response.status_code == 404
