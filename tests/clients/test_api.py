"""The clients API (DESIGN §6): clients, duplicates, contacts, tags, reminders, notices, notes;
roles, tenancy and error shapes on every route."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crewdesk.accounts.services import api_token_create
from crewdesk.clients.models import Client, ClientTag, Contact, Note, Notice, Reminder, Tag
from crewdesk.clients.services import (
    MSG_REMINDER_ASSIGNEE,
    client_tag_add,
    contact_create,
    note_create,
    notice_create,
    reminder_create,
)
from crewdesk.core.models import Brand
from crewdesk.core.roles import Role
from tests.factories import company_today

API = "/api/v1"
XSS = """<script>alert("x")</script><img src=x onerror=alert(1)>&amp; '"`${7*7}{{7*7}}"""


class Api:
    """A test client speaking JSON with a bearer token (or none)."""

    def __init__(self, client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path, params=None):
        return self.client.get(f"{API}{path}", params or {}, headers=self.headers)

    def post(self, path, data=None):
        return self.client.post(
            f"{API}{path}", data or {}, content_type="application/json", headers=self.headers
        )

    def patch(self, path, data=None):
        return self.client.patch(
            f"{API}{path}", data or {}, content_type="application/json", headers=self.headers
        )

    def delete(self, path):
        return self.client.delete(f"{API}{path}", headers=self.headers)

    def call(self, method, path, data=None):
        if method == "get":
            return self.get(path)
        if method == "delete":
            return self.delete(path)
        return getattr(self, method)(path, data)


@pytest.fixture
def api(client):
    def make(membership=None):
        token = api_token_create(membership=membership).raw if membership else None
        return Api(client, token)

    return make


def error(response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"].strip(), body
    return body


def invalid(response, *fields: str) -> dict:
    body = error(response, 422)
    for field in fields:
        assert field in body["errors"], body
    return body["errors"]


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:500])
    return response.json() if response.content else {}


# --- create, read, list ------------------------------------------------------------------------


def test_create_answers_201_with_the_client_object(api, owner):
    brand = Brand.objects.create(company=owner.company, name="Acme Shine")
    body = ok(
        api(owner).post(
            "/clients",
            {
                "first_name": "  Ann ",
                "last_name": "Lee",
                "email": "Ann.Lee@Example.com",
                "phone": "(415) 555-0101",
                "lead_source": "Referral",
                "client_type": "residential",
                "rating": 4,
                "tax_exempt": True,
                "tax_id": "12-345",
                "newsletter": True,
                "preferred_contact": "sms",
                "language": "es",
                "street": "1 Main St",
                "city": "Springfield",
                "region": "IL",
                "postal_code": "62701",
                "country": "us",
                "brand": brand.pk,
                "tags": ["VIP", "Airbnb"],
            },
        ),
        201,
    )
    client = Client.objects.get(pk=body["id"])
    assert client.company == owner.company
    assert body["first_name"] == "Ann" and body["display_name"] == "Ann Lee"
    assert body["email"] == "ann.lee@example.com"
    assert body["phone"] == "+14155550101"
    assert body["phones"] == [{"kind": "mobile", "number": "+14155550101"}]
    assert body["country"] == "US" and body["language"] == "es" and body["rating"] == 4
    assert body["brand"] == brand.pk and body["parent"] is None and body["merged_into"] is None
    assert body["tags"] == ["Airbnb", "VIP"]
    assert body["archived_at"] is None and body["created_at"]
    expected = {
        "id", "kind", "first_name", "last_name", "company_name", "billing_name", "display_name",
        "email", "phone", "phones", "lead_source", "notes", "client_type", "rating",
        "tax_exempt", "tax_id", "newsletter", "preferred_contact", "language", "street",
        "street2", "city", "region", "postal_code", "country", "parent", "referred_by", "brand",
        "tags", "archived_at", "merged_into", "created_at",
    }  # fmt: skip
    assert set(body) == expected


def test_create_a_company_client_with_defaults(api, office, company_a):
    body = ok(
        api(office).post(
            "/clients", {"kind": "company", "company_name": "Acme, Inc.", "email": "a@acme.test"}
        ),
        201,
    )
    assert body["display_name"] == "Acme, Inc."
    assert body["country"] == company_a.country
    assert body["phone"] == "" and body["phones"] == []


def test_detail_answers_the_client(api, owner, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", phones=[("home", "415 555 0102")])
    body = ok(api(owner).get(f"/clients/{ann.pk}"))
    assert body["id"] == ann.pk and body["phone"] == "+14155550102"
    assert body["phones"] == [{"kind": "home", "number": "+14155550102"}]


def test_list_and_search(api, owner, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@example.com")
    bo = make_client(first_name="Bo", last_name="Smithers", phones=[("mobile", "415 555 0177")])
    zoe = make_client(first_name="Zoë", last_name="Ñúñez", email="zoe@nunez.test")
    acme = make_client(kind="company", company_name="Acme Rentals", email="office@acme.test")
    a = api(owner)

    def found(**params):
        body = ok(a.get("/clients", params))
        assert set(body) == {"items", "count", "count_exact"}
        return [item["id"] for item in body["items"]]

    assert sorted(found()) == sorted([ann.pk, bo.pk, zoe.pk, acme.pk])
    assert found(search="smi") == [bo.pk]
    assert found(search="SMITHERS b") == [bo.pk]
    assert found(search="zoe nun") == [zoe.pk]
    assert found(search="ann@example.com") == [ann.pk]
    assert found(search="(415) 555-0177") == [bo.pk]
    assert found(search="0177") == [bo.pk]
    assert found(search="acme") == [acme.pk]
    body = ok(a.get("/clients", {"page_size": 2}))
    assert len(body["items"]) == 2 and body["count"] == 4 and body["count_exact"] is True
    second = ok(a.get("/clients", {"page_size": 2, "page": 2}))
    assert {i["id"] for i in body["items"]}.isdisjoint(i["id"] for i in second["items"])


def test_list_filters(api, owner, make_client):
    vip = make_client(first_name="Ann", last_name="Lee", tags=["VIP"], client_type="commercial")
    web = make_client(first_name="Bo", last_name="Ray", lead_source="Website", tags=["VIP", "Net"])
    old = make_client(first_name="Cy", last_name="Old")
    a = api(owner)
    a.post(f"/clients/{old.pk}/archive")
    vip_tag = Tag.objects.get(company=owner.company, name="VIP")
    net_tag = Tag.objects.get(company=owner.company, name="Net")

    def found(params):
        return sorted(item["id"] for item in ok(a.get("/clients", params))["items"])

    assert found({"tag": vip_tag.pk}) == sorted([vip.pk, web.pk])
    assert found({"tag": [vip_tag.pk, net_tag.pk]}) == [web.pk]
    assert found({"client_type": "commercial"}) == [vip.pk]
    assert found({"lead_source": "website"}) == [web.pk]
    assert found({}) == sorted([vip.pk, web.pk])
    assert found({"archived": "archived"}) == [old.pk]
    assert found({"archived": "all"}) == sorted([vip.pk, web.pk, old.pk])
    invalid(a.get("/clients", {"archived": "sometimes"}), "archived")
    assert any(k.startswith("tag") for k in invalid(a.get("/clients", {"tag": "vip"})))
    invalid(a.get("/clients", {"page_size": 201}), "page_size")
    invalid(a.get("/clients", {"page": 0}), "page")


def test_search_with_a_typo_answers_the_likely_client(api, owner, make_client):
    john = make_client(first_name="John", last_name="Smith", email="john@example.com")
    items = ok(api(owner).get("/clients", {"search": "Jhon Smtih"}))["items"]
    assert [i["id"] for i in items] == [john.pk]


def test_list_query_count_does_not_grow_with_clients(
    api, owner, make_client, django_assert_max_num_queries
):
    def add(count: int, start: int) -> None:
        for i in range(start, start + count):
            client = make_client(
                first_name=f"Person{i}",
                last_name="Doe",
                phones=[("mobile", f"415 555 {i:04d}"), ("work", f"415 556 {i:04d}")],
                tags=["VIP", f"T{i % 3}"],
            )
            contact_create(
                actor=owner, client=client, values={"first_name": f"C{i}", "email": f"c{i}@x.test"}
            )

    a = api(owner)
    searches = ({}, {"search": "doe"}, {"search": "person"}, {"tag": [], "archived": "all"})
    add(3, 0)
    ok(a.get("/clients"))  # the token's first use is recorded once
    few = []
    for params in searches:
        with CaptureQueriesContext(connection) as queries:
            assert len(ok(a.get("/clients", params))["items"]) == 3
        few.append(len(queries))
        assert len(queries) <= 8, [q["sql"] for q in queries.captured_queries]
    add(22, 100)
    for params, limit in zip(searches, few, strict=True):
        with django_assert_max_num_queries(limit):
            assert len(ok(a.get("/clients", params))["items"]) == 25


# --- duplicates --------------------------------------------------------------------------------


def test_create_a_likely_duplicate_is_409_with_candidates(api, owner, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann.lee@example.com")
    a = api(owner)
    payload = {"first_name": "Anne", "last_name": "Lee", "email": "ANN.LEE@example.com"}
    body = error(a.post("/clients", payload), 409)
    candidate = body["candidates"][0]
    assert candidate["id"] == ann.pk
    assert 70 <= candidate["score"] <= 100
    assert "same email" in candidate["reasons"]
    assert Client.objects.filter(company=owner.company).count() == 1

    created = ok(a.post("/clients", {**payload, "allow_duplicate": True}), 201)
    assert created["id"] != ann.pk
    assert Client.objects.filter(company=owner.company).count() == 2


@pytest.mark.parametrize(
    ("existing", "query"),
    [
        (
            {"first_name": "John", "last_name": "Smith", "email": "john@example.com"},
            {"first_name": "Jhon", "last_name": "Smtih"},
        ),
        (
            {"kind": "company", "company_name": "Acme, Inc.", "email": "office@acme.test"},
            {"company_name": "ACME inc"},
        ),
        (
            {"first_name": "Ann", "last_name": "Lee", "phones": [("mobile", "5550102030")]},
            {"phone": "+1 (555) 010-2030"},
        ),
        (
            {"first_name": "Ann", "last_name": "Lee", "email": "ann.lee@example.com"},
            {"email": "Ann.Lee+spam@EXAMPLE.com"},
        ),
    ],
)
def test_duplicates_endpoint_finds_the_client(api, owner, make_client, existing, query):
    target = make_client(**existing)
    make_client(first_name="Zed", last_name="Other", email="zed@other.test")
    body = ok(api(owner).get("/clients/duplicates", query))
    assert set(body) == {"candidates"}
    first = body["candidates"][0]
    assert first["id"] == target.pk
    assert set(first) >= {"id", "score", "reasons"}
    assert 0 <= first["score"] <= 100 and first["reasons"]
    scores = [c["score"] for c in body["candidates"]]
    assert scores == sorted(scores, reverse=True)


def test_duplicates_endpoint_with_nothing_or_nothing_similar(api, owner, make_client):
    make_client(first_name="John", last_name="Smith", email="john@example.com")
    a = api(owner)
    assert ok(a.get("/clients/duplicates")) == {"candidates": []}
    assert ok(a.get("/clients/duplicates", {"last_name": "Zyx"})) == {"candidates": []}
    assert ok(a.get("/clients/duplicates", {"phone": "not a phone"})) == {"candidates": []}


def test_duplicates_never_come_from_another_company(api, owner, outsider, make_client):
    make_client(actor=outsider, first_name="John", last_name="Smith", email="john@example.com")
    body = ok(api(owner).get("/clients/duplicates", {"email": "john@example.com"}))
    assert body == {"candidates": []}


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"first_name": "Ann", "email": "not-an-email"}, "email"),
        ({"first_name": "Ann"}, "email"),  # no way to reach the client
        ({"email": "x@example.com"}, "first_name"),  # no name at all
        ({"kind": "company", "first_name": "Ann", "email": "x@example.com"}, "company_name"),
        ({"first_name": "Ann", "email": "a@x.test", "postal_code": "1234"}, "postal_code"),
        (
            {"first_name": "Ann", "email": "a@x.test", "country": "CA", "postal_code": "12345"},
            "postal_code",
        ),
        (
            {"first_name": "Ann", "email": "a@x.test", "country": "GB", "postal_code": "ABCDE"},
            "postal_code",
        ),
        ({"first_name": "Ann", "phone": "12"}, "phone"),
        ({"first_name": "Ann", "phones": [{"kind": "home", "number": "abc"}]}, "phones"),
        ({"first_name": "Ann", "email": "a@x.test", "rating": 6}, "rating"),
        ({"first_name": "Ann", "email": "a@x.test", "kind": "robot"}, "kind"),
        ({"first_name": "Ann", "email": "a@x.test", "language": "xx"}, "language"),
        ({"first_name": "Ann", "email": "a@x.test", "country": "USA"}, "country"),
        ({"first_name": "A" * 101, "email": "a@x.test"}, "first_name"),
        ({"first_name": "Ann\x00", "email": "a@x.test"}, "first_name"),
        ({"first_name": "Ann", "email": "a@x.test", "parent": 999999}, "parent"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_saves_nothing(api, owner, payload, field):
    errors = invalid(api(owner).post("/clients", payload), field)
    assert all(isinstance(m, str) and m for messages in errors.values() for m in messages)
    assert not Client.objects.exists()


def test_every_bad_field_is_listed_in_one_422(api, owner, make_client):
    a = api(owner)
    payload = {"first_name": "Ann", "email": "ann@", "phone": "call me", "postal_code": "ABCDE"}
    errors = invalid(a.post("/clients", payload), "email", "phone", "postal_code")
    assert errors["email"] == ["Enter a valid email address."]
    ann = make_client(first_name="Ann", email="ann@example.com")
    invalid(a.patch(f"/clients/{ann.pk}", payload), "email", "phone", "postal_code")
    contact = {"first_name": "Bo", "email": "bo@", "phone": "call me"}
    invalid(a.post(f"/clients/{ann.pk}/contacts", contact), "email", "phone")
    assert not Client.objects.filter(first_name="Ann").exclude(pk=ann.pk).exists()


def test_good_postal_codes_pass(api, owner):
    a = api(owner)
    for i, (country, code) in enumerate(
        [("US", "62701-1234"), ("CA", "K1A 0B1"), ("GB", "SW1A 1AA"), ("MX", "01000")]
    ):
        payload = {"first_name": f"P{i}", "email": f"p{i}@x.test", "country": country}
        ok(a.post("/clients", {**payload, "postal_code": code, "last_name": "Zz"}), 201)


def test_relations_of_another_company_are_422(api, owner, outsider, make_client):
    theirs = make_client(actor=outsider, first_name="Oz", last_name="B", email="oz@b.test")
    their_brand = Brand.objects.create(company=outsider.company, name="Bravo")
    mine = make_client(first_name="Ann", last_name="Lee", email="ann@a.test")
    a = api(owner)
    base = {"first_name": "Kid", "last_name": "Co", "email": "kid@a.test"}
    for field, value in (
        ("parent", theirs.pk),
        ("referred_by", theirs.pk),
        ("brand", their_brand.pk),
    ):
        invalid(a.post("/clients", {**base, field: value}), field)
        invalid(a.patch(f"/clients/{mine.pk}", {field: value}), field)
    mine.refresh_from_db()
    assert mine.parent is None and mine.referred_by is None and mine.brand is None
    body = ok(a.post("/clients", {**base, "parent": mine.pk, "referred_by": mine.pk}), 201)
    assert body["parent"] == mine.pk and body["referred_by"] == mine.pk


def test_malformed_json_is_a_4xx(api, owner, client):
    a = api(owner)
    response = client.post(
        f"{API}/clients", "{not json", content_type="application/json", headers=a.headers
    )
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


# --- update ------------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(api, owner, make_client):
    ann = make_client(
        first_name="Ann", last_name="Lee", email="ann@a.test", city="Austin", tags=["VIP"]
    )
    body = ok(api(owner).patch(f"/clients/{ann.pk}", {"last_name": "Lee-Park", "rating": 5}))
    assert body["last_name"] == "Lee-Park" and body["rating"] == 5
    assert body["city"] == "Austin" and body["email"] == "ann@a.test" and body["tags"] == ["VIP"]
    ann.refresh_from_db()
    assert ann.last_name == "Lee-Park" and ann.city == "Austin"


def test_patch_with_nothing_changes_nothing(api, owner, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@a.test")
    assert ok(api(owner).patch(f"/clients/{ann.pk}", {}))["last_name"] == "Lee"


def test_patch_refuses_bad_values_and_keeps_the_old_ones(api, owner, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@a.test")
    a = api(owner)
    invalid(a.patch(f"/clients/{ann.pk}", {"email": "", "phones": []}), "email")
    invalid(a.patch(f"/clients/{ann.pk}", {"email": "nope", "city": "Paris"}), "email")
    invalid(a.patch(f"/clients/{ann.pk}", {"parent": ann.pk}), "parent")
    ann.refresh_from_db()
    assert ann.email == "ann@a.test" and ann.city == ""


def test_a_parent_loop_is_422_on_create_and_patch(api, owner, make_client):
    a = api(owner)
    four = ok(
        a.post("/clients", {"company_name": "Four", "kind": "company", "email": "4@x.test"}), 201
    )
    ten = ok(
        a.post(
            "/clients",
            {"company_name": "Ten", "kind": "company", "email": "10@x.test", "parent": four["id"]},
        ),
        201,
    )
    errors = invalid(a.patch(f"/clients/{four['id']}", {"parent": ten["id"]}), "parent")
    assert "Ten” is under this client" in errors["parent"][0]
    invalid(a.patch(f"/clients/{four['id']}", {"parent": four["id"]}), "parent")
    assert ok(a.get(f"/clients/{four['id']}"))["parent"] is None
    # A new client has no subsidiaries yet: any parent of the company is fine.
    eleven = {"company_name": "Eleven", "kind": "company", "email": "11@x.test"}
    assert ok(a.post("/clients", {**eleven, "parent": ten["id"]}), 201)["parent"] == ten["id"]


def test_patch_tags_sets_the_list(api, owner, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@a.test", tags=["VIP", "Old"])
    body = ok(api(owner).patch(f"/clients/{ann.pk}", {"tags": ["vip", "New"]}))
    assert sorted(t.casefold() for t in body["tags"]) == ["new", "vip"]


def test_phone_is_the_primary_and_writable(api, owner, make_client):
    ann = make_client(
        first_name="Ann",
        last_name="Lee",
        phones=[("home", "415 555 0101"), ("work", "415 555 0102")],
    )
    a = api(owner)
    body = ok(a.patch(f"/clients/{ann.pk}", {"phone": "415 555 0199"}))
    assert body["phone"] == "+14155550199"
    assert body["phones"] == [
        {"kind": "home", "number": "+14155550199"},
        {"kind": "work", "number": "+14155550102"},
    ]
    body = ok(a.patch(f"/clients/{ann.pk}", {"phone": ""}))
    assert body["phone"] == "+14155550102"
    assert body["phones"] == [{"kind": "work", "number": "+14155550102"}]
    body = ok(
        a.patch(
            f"/clients/{ann.pk}",
            {
                "phones": [
                    {"kind": "mobile", "number": "+44 20 7946 0958"},
                    {"number": "4155550100"},
                ]
            },
        )
    )
    assert body["phone"] == "+442079460958"
    assert [p["kind"] for p in body["phones"]] == ["mobile", "mobile"]
    errors = invalid(a.patch(f"/clients/{ann.pk}", {"phone": "call me"}), "phone")
    assert "phones" not in errors
    assert ok(a.get(f"/clients/{ann.pk}"))["phone"] == "+442079460958"


def test_phone_and_phones_together_put_phone_first(api, owner):
    body = ok(
        api(owner).post(
            "/clients",
            {
                "first_name": "Bo",
                "phone": "415 555 0111",
                "phones": [
                    {"kind": "work", "number": "415 555 0112"},
                    {"kind": "home", "number": "415 555 0113"},
                ],
            },
        ),
        201,
    )
    assert body["phones"] == [
        {"kind": "work", "number": "+14155550111"},
        {"kind": "home", "number": "+14155550113"},
    ]


# --- archive, restore, delete, merged ----------------------------------------------------------


def test_archive_and_restore(api, office, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@a.test")
    a = api(office)
    body = ok(a.post(f"/clients/{ann.pk}/archive"))
    assert body["archived_at"] is not None
    assert ok(a.get("/clients"))["items"] == []
    assert ok(a.get(f"/clients/{ann.pk}"))["archived_at"] is not None
    body = ok(a.post(f"/clients/{ann.pk}/restore"))
    assert body["archived_at"] is None
    assert [i["id"] for i in ok(a.get("/clients"))["items"]] == [ann.pk]


def test_owner_deletes_a_client_without_history(api, owner, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@a.test")
    a = api(owner)
    response = a.delete(f"/clients/{ann.pk}")
    assert response.status_code == 204 and response.content == b""
    assert not Client.objects.filter(pk=ann.pk).exists()
    error(a.get(f"/clients/{ann.pk}"), 404)


def test_office_may_not_delete(api, office, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@a.test")
    error(api(office).delete(f"/clients/{ann.pk}"), 403)
    assert Client.objects.filter(pk=ann.pk).exists()


def test_delete_of_a_client_with_history_is_409_with_the_reason(api, owner, make_client):
    parent = make_client(kind="company", company_name="Holding", email="h@a.test")
    make_client(first_name="Kid", last_name="Co", email="kid@a.test", actor=owner)
    Client.objects.filter(first_name="Kid").update(parent=parent)
    body = error(api(owner).delete(f"/clients/{parent.pk}"), 409)
    assert "cannot be deleted because" in body["detail"] and "subsidiaries" in body["detail"]
    assert Client.objects.filter(pk=parent.pk).exists()


def _merge(old: Client, survivor: Client) -> None:
    Client.objects.filter(pk=old.pk).update(merged_into=survivor, archived_at=timezone.now())


def test_a_merged_client_redirects_to_its_survivor(api, owner, make_client):
    old = make_client(first_name="Jon", last_name="Smith", email="jon@a.test")
    middle = make_client(first_name="John", last_name="Smith", email="john@a.test")
    survivor = make_client(first_name="John", last_name="Smyth", email="john@b.test")
    _merge(old, middle)
    _merge(middle, survivor)
    a = api(owner)
    for merged in (old, middle):
        response = a.get(f"/clients/{merged.pk}")
        assert response.status_code in (301, 308)
        assert response["Location"].endswith(f"{API}/clients/{survivor.pk}")
        assert response.json()["merged_into"] == survivor.pk
        assert response.json()["detail"]
    body = error(a.patch(f"/clients/{old.pk}", {"first_name": "X"}), 409)
    assert body["merged_into"] == survivor.pk
    error(a.post(f"/clients/{old.pk}/restore"), 409)
    error(a.delete(f"/clients/{old.pk}"), 409)
    error(a.post(f"/clients/{old.pk}/contacts", {"first_name": "Al"}), 409)
    old.refresh_from_db()
    assert old.first_name == "Jon"
    assert old.pk not in [i["id"] for i in ok(a.get("/clients", {"archived": "all"}))["items"]]


# --- contacts ----------------------------------------------------------------------------------


def test_contacts_and_the_primary_rules(api, owner, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@a.test")
    a = api(owner)
    first = ok(a.post(f"/clients/{ann.pk}/contacts", {"first_name": "Al", "role": "billing"}), 201)
    assert first["is_primary"] is True and first["client"] == ann.pk and first["name"] == "Al"
    second = ok(
        a.post(
            f"/clients/{ann.pk}/contacts",
            {"first_name": "Bea", "last_name": "Day", "phone": "415 555 0123", "email": "b@x.io"},
        ),
        201,
    )
    assert second["is_primary"] is False and second["phone"] == "+14155550123"
    body = error(a.delete(f"/clients/{ann.pk}/contacts/{first['id']}"), 409)
    assert "primary" in body["detail"]
    made = ok(a.post(f"/clients/{ann.pk}/contacts/{second['id']}/primary"))
    assert made["is_primary"] is True
    listed = ok(a.get(f"/clients/{ann.pk}/contacts"))
    assert [(c["id"], c["is_primary"]) for c in listed["items"]] == [
        (second["id"], True),
        (first["id"], False),
    ]
    assert listed["count"] == 2
    assert a.delete(f"/clients/{ann.pk}/contacts/{first['id']}").status_code == 204
    assert list(Contact.objects.filter(client=ann).values_list("pk", flat=True)) == [second["id"]]


def test_contact_patch_and_errors(api, owner, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@a.test")
    bo = make_client(first_name="Bo", last_name="Ray", email="bo@a.test")
    a = api(owner)
    contact = ok(a.post(f"/clients/{ann.pk}/contacts", {"first_name": "Al"}), 201)
    body = ok(a.patch(f"/clients/{ann.pk}/contacts/{contact['id']}", {"last_name": "Ng"}))
    assert body["first_name"] == "Al" and body["last_name"] == "Ng"
    invalid(a.patch(f"/clients/{ann.pk}/contacts/{contact['id']}", {"email": "bad"}), "email")
    invalid(a.patch(f"/clients/{ann.pk}/contacts/{contact['id']}", {"phone": "x"}), "phone")
    invalid(a.patch(f"/clients/{ann.pk}/contacts/{contact['id']}", {"role": "boss"}), "role")
    invalid(a.post(f"/clients/{ann.pk}/contacts", {"role": "billing"}), "first_name")
    # A contact is reached through its own client only.
    error(a.patch(f"/clients/{bo.pk}/contacts/{contact['id']}", {"last_name": "X"}), 404)
    error(a.delete(f"/clients/{bo.pk}/contacts/{contact['id']}"), 404)
    error(a.post(f"/clients/{bo.pk}/contacts/{contact['id']}/primary"), 404)


# --- tags --------------------------------------------------------------------------------------


def test_tags_add_list_remove(api, owner, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@a.test", tags=["VIP"])
    bo = make_client(first_name="Bo", last_name="Ray", email="bo@a.test")
    a = api(owner)
    tag = ok(a.post(f"/clients/{bo.pk}/tags", {"name": " vip "}), 201)
    assert tag["name"] == "VIP"
    assert ok(a.post(f"/clients/{bo.pk}/tags", {"name": "Net 30"}), 201)["name"] == "Net 30"
    assert ok(a.get(f"/clients/{bo.pk}"))["tags"] == ["Net 30", "VIP"]
    listed = ok(a.get("/tags"))
    assert [(t["name"], t["client_count"]) for t in listed["items"]] == [
        ("Net 30", 1),
        ("VIP", 2),
    ]
    assert a.delete(f"/clients/{ann.pk}/tags/{tag['id']}").status_code == 204
    assert ok(a.get(f"/clients/{ann.pk}"))["tags"] == []
    assert Tag.objects.filter(pk=tag["id"]).exists()
    error(a.delete(f"/clients/{ann.pk}/tags/{tag['id']}"), 404)  # not on this client
    invalid(a.post(f"/clients/{bo.pk}/tags", {"name": "  "}), "name")
    invalid(a.post(f"/clients/{bo.pk}/tags", {}), "name")


# --- reminders ---------------------------------------------------------------------------------


def test_reminders(api, owner, office, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@a.test")
    a = api(owner)
    today = company_today(owner)
    mine = ok(
        a.post(
            f"/clients/{ann.pk}/reminders",
            {"text": "Call about the deposit", "due_on": str(today)},
        ),
        201,
    )
    assert mine["assignee"] == owner.user.pk and mine["done"] is False
    assert mine["client"] == ann.pk
    later = ok(
        a.post(
            f"/clients/{ann.pk}/reminders",
            {"text": "Renewal", "due_on": str(today + timedelta(days=30))},
        ),
        201,
    )
    for_bob = ok(
        a.post(
            f"/clients/{ann.pk}/reminders",
            {"text": "Quote", "due_on": str(today), "assignee": office.user.pk},
        ),
        201,
    )
    assert for_bob["assignee"] == office.user.pk

    def listed(client, **params):
        return [r["id"] for r in ok(client.get("/reminders", params))["items"]]

    assert listed(a) == [mine["id"], later["id"]]
    assert listed(a, due_before=str(today + timedelta(days=1))) == [mine["id"]]
    assert listed(a, due_before=str(today)) == []
    assert listed(api(office)) == [for_bob["id"]]
    done = ok(a.patch(f"/reminders/{mine['id']}", {"done": True}))
    assert done["done"] is True and done["done_at"]
    assert listed(a) == [later["id"]]
    assert ok(a.patch(f"/reminders/{mine['id']}", {"done": False}))["done"] is False
    invalid(a.patch(f"/reminders/{mine['id']}", {}), "done")
    invalid(a.get("/reminders", {"due_before": "soon"}), "due_before")


def test_reminder_bad_input(api, owner, outsider, employee, customer, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@a.test")
    a = api(owner)
    path = f"/clients/{ann.pk}/reminders"
    today = str(company_today(owner))
    invalid(a.post(path, {"text": "   ", "due_on": today}), "text")
    invalid(a.post(path, {"text": "x", "due_on": "tomorrow"}), "due_on")
    invalid(a.post(path, {"text": "x"}), "due_on")
    # The crew never sees client reminders: only the office can be the one to act on them.
    for someone in (outsider, customer, employee):
        errors = invalid(
            a.post(path, {"text": "x", "due_on": today, "assignee": someone.user.pk}), "assignee"
        )
        assert errors["assignee"] == [str(MSG_REMINDER_ASSIGNEE)]
    assert not Reminder.objects.exists()


# --- notices and notes -------------------------------------------------------------------------


def test_notices(api, office, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@a.test")
    a = api(office)
    notice = ok(a.post(f"/clients/{ann.pk}/notices", {"text": "Dog in the yard"}), 201)
    assert notice["text"] == "Dog in the yard" and notice["dismissed_at"] is None
    assert notice["created_by"] == office.user.pk
    assert [n["id"] for n in ok(a.get(f"/clients/{ann.pk}/notices"))["items"]] == [notice["id"]]
    dismissed = ok(a.post(f"/notices/{notice['id']}/dismiss"))
    assert dismissed["dismissed_at"] is not None
    assert ok(a.get(f"/clients/{ann.pk}/notices"))["items"] == []
    invalid(a.post(f"/clients/{ann.pk}/notices", {"text": ""}), "text")


def test_notes(api, owner, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@a.test")
    a = api(owner)
    internal = ok(a.post(f"/clients/{ann.pk}/notes", {"text": "Prefers mornings"}), 201)
    assert internal["visibility"] == "internal" and internal["files"] == []
    shared = ok(
        a.post(f"/clients/{ann.pk}/notes", {"text": "See you Monday", "visibility": "customer"}),
        201,
    )
    assert shared["visibility"] == "customer"
    listed = ok(a.get(f"/clients/{ann.pk}/notes"))["items"]
    assert [n["id"] for n in listed] == [shared["id"], internal["id"]]
    invalid(a.post(f"/clients/{ann.pk}/notes", {"text": " "}), "text")
    invalid(a.post(f"/clients/{ann.pk}/notes", {"text": "x", "visibility": "world"}), "visibility")
    assert Note.objects.count() == 2


# --- XSS-ish text is data ----------------------------------------------------------------------


def test_markup_in_text_round_trips_unchanged_as_json(api, owner):
    a = api(owner)
    response = a.post(
        "/clients",
        {
            "first_name": XSS[:100],
            "last_name": "Lee",
            "company_name": XSS,
            "billing_name": XSS,
            "notes": XSS,
            "lead_source": XSS[:64],
            "city": XSS[:100],
            "email": "x@a.test",
            "tags": [XSS[:50]],
        },
    )
    assert response["Content-Type"].startswith("application/json")
    body = ok(response, 201)
    assert body["company_name"] == XSS and body["notes"] == XSS and body["tags"] == [XSS[:50]]
    assert body["first_name"] == XSS[:100]
    cid = body["id"]
    assert ok(a.post(f"/clients/{cid}/notices", {"text": XSS}), 201)["text"] == XSS
    assert ok(a.post(f"/clients/{cid}/notes", {"text": XSS}), 201)["text"] == XSS
    assert (
        ok(a.post(f"/clients/{cid}/contacts", {"first_name": XSS[:100]}), 201)["name"]
        == (XSS[:100])
    )
    reminder = {"text": XSS, "due_on": str(company_today(owner))}
    assert ok(a.post(f"/clients/{cid}/reminders", reminder), 201)["text"] == XSS
    again = ok(a.get(f"/clients/{cid}"))
    assert again["billing_name"] == XSS and again["city"] == XSS[:100]
    assert ok(a.get("/clients", {"search": "alert"}))["items"][0]["company_name"] == XSS


# --- roles and tenancy on every route ----------------------------------------------------------


@pytest.fixture
def world(owner, make_client):
    """One client of company A with something behind every route."""
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@a.test")
    primary = contact_create(actor=owner, client=ann, values={"first_name": "Al"})
    other = contact_create(actor=owner, client=ann, values={"first_name": "Bea"})
    tag = client_tag_add(actor=owner, client=ann, name="VIP")
    reminder = reminder_create(actor=owner, client=ann, text="Call", due_on=company_today(owner))
    notice = notice_create(actor=owner, client=ann, text="Dog")
    note = note_create(actor=owner, client=ann, text="Hi")
    return {
        "client": ann.pk,
        "primary": primary.pk,
        "contact": other.pk,
        "tag": tag.pk,
        "reminder": reminder.pk,
        "notice": notice.pk,
        "note": note.pk,
    }


ROUTES_WITH_IDS = [
    ("get", "/clients/{client}", None),
    ("patch", "/clients/{client}", {"first_name": "Hacked"}),
    ("delete", "/clients/{client}", None),
    ("post", "/clients/{client}/archive", None),
    ("post", "/clients/{client}/restore", None),
    ("get", "/clients/{client}/contacts", None),
    ("post", "/clients/{client}/contacts", {"first_name": "Eve"}),
    ("patch", "/clients/{client}/contacts/{contact}", {"first_name": "Eve"}),
    ("delete", "/clients/{client}/contacts/{contact}", None),
    ("post", "/clients/{client}/contacts/{contact}/primary", None),
    ("post", "/clients/{client}/tags", {"name": "Hacked"}),
    ("delete", "/clients/{client}/tags/{tag}", None),
    ("post", "/clients/{client}/reminders", {"text": "x", "due_on": "2030-01-01"}),
    ("patch", "/reminders/{reminder}", {"done": True}),
    ("get", "/clients/{client}/notices", None),
    ("post", "/clients/{client}/notices", {"text": "x"}),
    ("post", "/notices/{notice}/dismiss", None),
    ("get", "/clients/{client}/notes", None),
    ("post", "/clients/{client}/notes", {"text": "x"}),
]
ROUTES_WITHOUT_IDS = [
    ("get", "/clients", None),
    ("post", "/clients", {"first_name": "Eve", "email": "eve@x.test"}),
    ("get", "/clients/duplicates?email=ann@a.test", None),
    ("get", "/tags", None),
    ("get", "/reminders", None),
]
ALL_ROUTES = ROUTES_WITH_IDS + ROUTES_WITHOUT_IDS


def _snapshot() -> tuple:
    """Everything the routes could change, to show a refused request changed nothing."""
    return (
        list(Client.objects.order_by("pk").values()),
        list(Contact.objects.order_by("pk").values()),
        list(ClientTag.objects.order_by("pk").values()),
        list(Tag.objects.order_by("pk").values()),
        list(Reminder.objects.order_by("pk").values()),
        list(Notice.objects.order_by("pk").values()),
        list(Note.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize(("method", "path", "data"), ALL_ROUTES)
def test_anonymous_is_401_everywhere(api, world, method, path, data):
    before = _snapshot()
    response = api().call(method, path.format(**world), data)
    error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert _snapshot() == before


@pytest.mark.parametrize(("method", "path", "data"), ALL_ROUTES)
def test_employee_is_403_everywhere(api, world, employee, method, path, data):
    before = _snapshot()
    error(api(employee).call(method, path.format(**world), data), 403)
    assert _snapshot() == before


@pytest.mark.parametrize(("method", "path", "data"), ALL_ROUTES)
def test_customer_never_gets_in(api, world, office, method, path, data):
    """Customers cannot hold API tokens: a token whose member became a customer is refused."""
    a = api(office)
    office.role = Role.CUSTOMER
    office.save(update_fields=["role"])
    before = _snapshot()
    response = a.call(method, path.format(**world), data)
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"detail"}
    assert _snapshot() == before


@pytest.mark.parametrize(("method", "path", "data"), ROUTES_WITH_IDS)
def test_another_companys_ids_are_404(api, world, outsider, method, path, data):
    before = _snapshot()
    oscar = api(outsider)
    response = oscar.call(method, path.format(**world), data)
    body = error(response, 404)
    nonexistent = dict.fromkeys(world, 999999)
    assert body == oscar.call(method, path.format(**nonexistent), data).json()
    assert _snapshot() == before


def test_another_companys_lists_show_nothing_of_ours(api, world, outsider, make_client):
    oscar = api(outsider)
    assert ok(oscar.get("/clients"))["items"] == []
    assert ok(oscar.get("/clients", {"search": "ann"}))["items"] == []
    assert ok(oscar.get("/clients", {"archived": "all"}))["count"] == 0
    assert ok(oscar.get("/clients", {"tag": world["tag"]}))["items"] == []
    assert ok(oscar.get("/clients/duplicates", {"email": "ann@a.test"})) == {"candidates": []}
    assert ok(oscar.get("/tags"))["items"] == []
    assert ok(oscar.get("/reminders"))["items"] == []
    # Our tag's id sent with their client does not reach our tag.
    theirs = make_client(actor=outsider, first_name="Oz", last_name="B", email="oz@b.test")
    error(oscar.delete(f"/clients/{theirs.pk}/tags/{world['tag']}"), 404)


@pytest.mark.parametrize(("method", "path", "data"), ALL_ROUTES)
def test_office_may_use_every_route(api, world, office, method, path, data):
    response = api(office).call(method, path.format(**world), data)
    if (method, path) == ("delete", "/clients/{client}"):
        assert response.status_code == 403  # hard delete is the owner's
    else:
        assert response.status_code in (200, 201, 204), (response.status_code, response.content)
