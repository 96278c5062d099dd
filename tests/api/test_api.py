"""The API's contracts (DESIGN §6): token auth, roles, tenancy, errors, pagination, schema."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from crewdesk.accounts.models import ApiToken
from crewdesk.accounts.services import api_token_create, member_deactivate
from crewdesk.api.auth import TokenAuth
from crewdesk.api.pagination import COUNT_LIMIT, MAX_PAGE_SIZE
from crewdesk.core.events import activity_record
from crewdesk.core.models import Activity
from crewdesk.core.roles import Role

API = "/api/v1"


def assert_error(response, status: int) -> dict:
    """An error answer: the status, JSON, and a non-empty `detail` string."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body.get("detail"), str), body
    assert body["detail"].strip(), body
    return body


def assert_validation_error(response, *fields: str) -> dict:
    body = assert_error(response, 422)
    errors = body["errors"]
    assert isinstance(errors, dict), body
    for field in fields:
        assert field in errors, body
    for messages in errors.values():
        assert messages, body
        assert all(isinstance(m, str) and m for m in messages), body
    return body


@pytest.fixture
def activity_a(company_a, owner):
    return activity_record(
        company=company_a, actor=owner.user, verb="company.updated", data={"name": "Acme"}
    )


def protected_paths(member_id: int = 1, activity_id: int = 1) -> list[str]:
    return [
        f"{API}/me",
        f"{API}/members",
        f"{API}/members/{member_id}",
        f"{API}/activity",
        f"{API}/activity/{activity_id}",
    ]


# --- authentication ----------------------------------------------------------------------------


def test_no_token_is_401_on_every_operation(api_client, owner, activity_a):
    anonymous = api_client()
    for path in protected_paths(owner.pk, activity_a.pk):
        response = anonymous.get(path)
        assert_error(response, 401)
        assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer cdk_not-a-real-token",
        "Bearer not-even-our-prefix",
        "Bearer ",
        "Bearer",
        "cdk_no-scheme",
        "Basic YWxpY2U6c2VjcmV0",
    ],
)
def test_bad_token_is_401(client, owner, authorization):
    response = client.get(f"{API}/me", headers={"Authorization": authorization})
    assert_error(response, 401)


def test_valid_token_with_wrong_scheme_is_401(client, owner):
    raw = api_token_create(membership=owner).raw
    assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    assert_error(client.get(f"{API}/me", headers={"Authorization": f"Token {raw}"}), 401)
    # The token is the whole secret: a prefix or a changed character is not it.
    assert_error(client.get(f"{API}/me", headers={"Authorization": f"Bearer {raw[:-1]}"}), 401)


def test_a_session_login_does_not_authenticate_the_api(client_as, owner):
    """The API takes bearer tokens only (no session, so no CSRF questions)."""
    assert_error(client_as(owner).get(f"{API}/me"), 401)


def test_revoked_token_is_401(api_client, owner):
    issued = api_token_create(membership=owner)
    client = api_client(token=issued.raw)
    assert client.get(f"{API}/me").status_code == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(revoked_at=timezone.now())
    assert_error(client.get(f"{API}/me"), 401)
    assert_error(client.get(f"{API}/members"), 401)


def test_token_of_deactivated_membership_is_401(api_client, owner, office):
    client = api_client(office)
    assert client.get(f"{API}/me").status_code == 200
    member_deactivate(actor=owner, membership=office)
    assert_error(client.get(f"{API}/me"), 401)
    assert_error(client.get(f"{API}/members"), 401)


def test_token_of_deactivated_user_is_401(api_client, office):
    client = api_client(office)
    office.user.is_active = False
    office.user.save(update_fields=["is_active"])
    assert_error(client.get(f"{API}/me"), 401)


def test_token_of_member_demoted_to_customer_is_401(api_client, office):
    client = api_client(office)
    office.role = Role.CUSTOMER
    office.save(update_fields=["role"])
    assert_error(client.get(f"{API}/me"), 401)


def test_customer_cannot_get_a_token(customer):
    with pytest.raises(ValidationError):
        api_token_create(membership=customer)
    assert not ApiToken.objects.filter(user=customer.user).exists()


def test_inactive_membership_cannot_get_a_token(owner, office):
    member_deactivate(actor=owner, membership=office)
    with pytest.raises(ValidationError):
        api_token_create(membership=office)


def test_only_a_hash_of_the_token_is_stored_and_use_is_recorded(api_client, owner):
    issued = api_token_create(membership=owner)
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.raw not in (token.token_hash, token.prefix)
    assert token.last_used_at is None
    assert api_client(token=issued.raw).get(f"{API}/me").status_code == 200
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


# --- /me -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "office", "employee"])
def test_me_answers_the_tokens_user_role_and_company(request, api_client, company_a, who):
    membership = request.getfixturevalue(who)
    response = api_client(membership).get(f"{API}/me")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == membership.user.pk
    assert body["username"] == membership.user.username
    assert body["email"] == membership.user.email
    assert body["role"] == membership.role
    assert body["company"]["id"] == company_a.pk
    assert body["company"]["slug"] == "acme"
    assert body["company"]["name"] == "Acme Cleaning"


def test_token_acts_in_its_own_company_when_the_user_has_two(api_client, outsider, company_a):
    """Oscar owns company B and is also Office in company A: each token speaks for one company."""
    from tests.factories import MembershipFactory

    in_a = MembershipFactory(user=outsider.user, company=company_a, role=Role.OFFICE)
    assert api_client(outsider).get(f"{API}/me").json()["company"]["slug"] == "bravo"
    me_in_a = api_client(in_a).get(f"{API}/me").json()
    assert me_in_a["company"]["slug"] == "acme"
    assert me_in_a["role"] == Role.OFFICE


# --- members and pagination ----------------------------------------------------------------------


def test_members_list_shape(api_client, owner, office, employee, customer):
    response = api_client(owner).get(f"{API}/members")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count", "count_exact"}
    assert body["count"] == 4
    assert body["count_exact"] is True
    usernames = [item["username"] for item in body["items"]]
    assert usernames == ["alice", "bob", "carol", "dave"]
    alice = body["items"][0]
    assert alice["id"] == owner.pk
    assert alice["user_id"] == owner.user.pk
    assert alice["role"] == Role.OWNER
    assert alice["active"] is True


def test_members_pages(api_client, owner, office, employee, customer):
    client = api_client(office)
    first = client.get(f"{API}/members", page=1, page_size=3).json()
    second = client.get(f"{API}/members", page=2, page_size=3).json()
    beyond = client.get(f"{API}/members", page=5, page_size=3).json()
    assert [m["username"] for m in first["items"]] == ["alice", "bob", "carol"]
    assert [m["username"] for m in second["items"]] == ["dave"]
    assert beyond["items"] == []
    assert first["count"] == second["count"] == beyond["count"] == 4
    assert first["count_exact"] is True


def test_members_list_is_the_companys_only(api_client, owner, office, outsider):
    mine = {m["id"] for m in api_client(owner).get(f"{API}/members").json()["items"]}
    theirs = {m["id"] for m in api_client(outsider).get(f"{API}/members").json()["items"]}
    assert mine == {owner.pk, office.pk}
    assert theirs == {outsider.pk}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page_size": MAX_PAGE_SIZE + 1}, "page_size"),
        ({"page_size": 10_000}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": "many"}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"page": "two"}, "page"),
    ],
)
@pytest.mark.parametrize("resource", ["members", "activity"])
def test_bad_pagination_is_422_naming_the_field(api_client, owner, resource, query, field):
    response = api_client(owner).get(f"{API}/{resource}", **query)
    body = assert_validation_error(response, field)
    assert set(body) == {"detail", "errors"}


def test_page_size_at_the_maximum_is_fine(api_client, owner):
    response = api_client(owner).get(f"{API}/members", page_size=MAX_PAGE_SIZE)
    assert response.status_code == 200


# --- bounded count -------------------------------------------------------------------------------


def _fill_activity(company, actor, total: int) -> None:
    """Bring the company's activity log to exactly `total` rows."""
    missing = total - Activity.objects.filter(company=company).count()
    Activity.objects.bulk_create(
        [Activity(company=company, actor=actor, verb="user.login") for _ in range(missing)],
        batch_size=500,
    )
    assert Activity.objects.filter(company=company).count() == total


def test_count_is_exact_up_to_the_limit(api_client, company_a, owner, outsider):
    client = api_client(owner)  # the token's own "created" activity counts too
    _fill_activity(company_a, owner.user, COUNT_LIMIT)
    body = client.get(f"{API}/activity", page_size=10).json()
    assert body["count"] == COUNT_LIMIT
    assert body["count_exact"] is True
    assert len(body["items"]) == 10


def test_count_beyond_the_limit_is_a_flagged_lower_bound(api_client, company_a, owner, outsider):
    client = api_client(owner)
    _fill_activity(company_a, owner.user, COUNT_LIMIT + 5)
    body = client.get(f"{API}/activity", page_size=200).json()
    assert body["count"] == COUNT_LIMIT
    assert body["count_exact"] is False
    assert len(body["items"]) == 200
    # The last page is still reachable although the count stops at the limit.
    last = client.get(f"{API}/activity", page=6, page_size=200).json()
    assert len(last["items"]) == 5
    # Another company's log is not counted.
    other = api_client(outsider).get(f"{API}/activity").json()
    assert other["count_exact"] is True
    assert other["count"] < 10


def test_activity_list_is_newest_first_with_text(api_client, owner, activity_a):
    items = api_client(owner).get(f"{API}/activity").json()["items"]
    assert [i["id"] for i in items] == sorted((i["id"] for i in items), reverse=True)
    item = next(i for i in items if i["id"] == activity_a.pk)
    assert item["verb"] == "company.updated"
    assert item["text"] == "changed company settings"
    assert item["actor"] == owner.user.pk


# --- roles ---------------------------------------------------------------------------------------


def test_employee_is_403_on_members_and_activity(api_client, owner, employee, activity_a):
    client = api_client(employee)
    for path in protected_paths(owner.pk, activity_a.pk):
        if path.endswith("/me"):
            assert client.get(path).status_code == 200
        else:
            assert_error(client.get(path), 403)


def test_office_may_see_members_and_activity(api_client, owner, office, activity_a):
    client = api_client(office)
    for path in protected_paths(owner.pk, activity_a.pk):
        assert client.get(path).status_code == 200, path


# --- tenancy and ids -----------------------------------------------------------------------------


def test_another_companys_ids_are_404(api_client, owner, office, outsider, activity_a):
    owner_client = api_client(owner)
    assert owner_client.get(f"{API}/members/{office.pk}").json()["username"] == "bob"
    assert owner_client.get(f"{API}/activity/{activity_a.pk}").json()["id"] == activity_a.pk

    oscar = api_client(outsider)
    assert_error(oscar.get(f"{API}/members/{office.pk}"), 404)
    assert_error(oscar.get(f"{API}/activity/{activity_a.pk}"), 404)
    # ...and the answer is the same as for an id that does not exist at all.
    assert (
        oscar.get(f"{API}/members/{office.pk}").json() == oscar.get(f"{API}/members/999999").json()
    )


@pytest.mark.parametrize(
    "path",
    [
        "members/999999",
        "members/0",
        "members/-1",
        "members/99999999999999999999999999",
        "activity/999999",
        "activity/-5",
        "activity/9223372036854775808",
    ],
)
def test_nonexistent_ids_are_404(api_client, owner, path):
    assert_error(api_client(owner).get(f"{API}/{path}"), 404)


@pytest.mark.parametrize(
    "path", ["members/abc", "members/1.5", "members/1e3", "activity/%20", "activity/null"]
)
def test_non_integer_path_id_is_422_or_404_never_500(api_client, owner, path):
    response = api_client(owner).get(f"{API}/{path}")
    assert response.status_code in (404, 422), response.content
    assert_error(response, response.status_code)


# --- errors outside the operations ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["nope", "members/", "me/", "", "clients/1/nothing"])
def test_unknown_paths_are_json_404(api_client, owner, path):
    assert_error(api_client(owner).get(f"{API}/{path}"), 404)


def test_wrong_method_is_json_405(api_client, owner):
    response = api_client(owner).post(f"{API}/members", {"username": "eve"})
    assert_error(response, 405)
    assert response["Allow"] == "GET"


def test_a_bug_answers_json_500(api_client, owner, monkeypatch):
    def broken(*, viewer):
        raise RuntimeError("boom")

    monkeypatch.setattr("crewdesk.core.api.activity_list", broken)
    token = api_token_create(membership=owner).raw
    response = Client(raise_request_exception=False).get(
        f"{API}/activity", headers={"Authorization": f"Bearer {token}"}
    )
    body = assert_error(response, 500)
    assert "boom" not in body["detail"]


# --- schema and docs -----------------------------------------------------------------------------


@pytest.fixture
def openapi(client, db):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_is_valid_openapi_3(openapi):
    assert openapi["openapi"].startswith("3.")
    schemathesis.openapi.from_dict(openapi).validate()  # against the OpenAPI meta-schema


def test_openapi_declares_bearer_auth_and_error_responses(openapi):
    schemes = openapi["components"]["securitySchemes"]
    assert any(s.get("type") == "http" and s.get("scheme") == "bearer" for s in schemes.values())
    schemas = openapi["components"]["schemas"]
    operations = [
        (path, method, op) for path, item in openapi["paths"].items() for method, op in item.items()
    ]
    assert {path for path, _, _ in operations} >= {
        f"{API}/me",
        f"{API}/members",
        f"{API}/members/{{member_id}}",
        f"{API}/activity",
        f"{API}/activity/{{activity_id}}",
    }
    for path, method, op in operations:
        assert op.get("security"), (path, method)
        expected = {"401"} if path == f"{API}/me" else {"401", "403", "404", "422"}
        assert expected <= set(op["responses"]), (path, method, sorted(op["responses"]))
        # Reads answer 200, creates 201, deletes 204 (DESIGN §6).
        assert {"200", "201", "204"} & set(op["responses"]), (path, method)
        for code, response in op["responses"].items():
            if code.startswith(("4", "5")):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                schema = schemas[ref.rsplit("/", 1)[-1]]
                assert "detail" in schema["required"], (path, code)
                if code == "422":
                    assert "errors" in schema["required"], (path, code)


def test_openapi_lists_are_paginated(openapi):
    for path in (f"{API}/members", f"{API}/activity"):
        op = openapi["paths"][path]["get"]
        assert {p["name"] for p in op["parameters"]} >= {"page", "page_size"}
        size = next(p for p in op["parameters"] if p["name"] == "page_size")
        assert size["schema"]["maximum"] == MAX_PAGE_SIZE
        ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        paged = openapi["components"]["schemas"][ref.rsplit("/", 1)[-1]]
        assert set(paged["required"]) >= {"items", "count", "count_exact"}


def test_docs_page_answers(client, db):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


def test_a_token_request_runs_in_the_companys_time_zone(rf, owner):
    """As for pages: "today" (due reminders, later the day's jobs) is the company's day."""
    raw = api_token_create(membership=owner).raw
    try:
        assert TokenAuth().authenticate(rf.get("/api/v1/me"), raw) is not None
        assert timezone.get_current_timezone_name() == owner.company.timezone
    finally:
        timezone.deactivate()
