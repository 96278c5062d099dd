"""The properties API (DESIGN §6): properties, the service catalog and the services a property
gets; office only, tenancy (another company's ids: 404 in the path, 422 in the body), errors."""

import datetime

import pytest

from crewdesk.accounts.services import api_token_create
from crewdesk.core.roles import Role
from crewdesk.jobs.models import Job
from crewdesk.properties.models import Property, PropertyService, Service
from tests.factories import company_today, make_job, make_property, make_service

API = "/api/v1"


class Api:
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

    def call(self, method, path, data=None):
        return self.get(path) if method == "get" else getattr(self, method)(path, data)


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
    assert isinstance(body["detail"], str) and body["detail"], body
    return body


def invalid(response, *fields: str) -> dict:
    body = error(response, 422)
    for field in fields:
        assert field in body["errors"], body
    return body["errors"]


@pytest.fixture
def ann(make_client):
    return make_client(first_name="Ann", last_name="Lee", email="ann@example.com")


@pytest.fixture
def prop(owner, ann):
    return make_property(
        owner, ann, name="Lake house", street="1 Shore Rd", city="Easton", access_notes="Gate 4321"
    )


@pytest.fixture
def service(owner):
    return make_service(owner, "Standard clean", "120.00")


@pytest.fixture
def theirs(outsider):
    """Company B's client, property, catalog service and property service."""
    from crewdesk.clients.services import ClientInput, client_create
    from crewdesk.properties.services import property_service_add

    client = client_create(
        actor=outsider,
        data=ClientInput(fields={"first_name": "Zed"}, phones=[("mobile", "+14155550100")]),
    )
    their_prop = make_property(outsider, client, name="Their place")
    their_service = make_service(outsider, "Pool clean", "80.00")
    ps = property_service_add(actor=outsider, prop=their_prop, data={"service": their_service.pk})
    return {
        "client": client,
        "property": their_prop,
        "service": their_service,
        "ps": ps,
        "member": outsider,
    }


# --- properties ------------------------------------------------------------------------------


def test_create_answers_201_with_the_property(api, owner, ann):
    response = api(owner).post(
        "/properties",
        {
            "client": ann.pk,
            "name": "Main office",
            "type": "business",
            "street": "5 Elm St",
            "city": "Springfield",
            "latitude": "40.712800",
            "longitude": -74.006,
            "access_notes": "Code 1234",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    prop = Property.objects.get(pk=body["id"])
    assert prop.client == ann and prop.company_id == owner.company_id
    assert body["client"] == ann.pk
    assert body["type"] == "business"
    assert body["latitude"] == "40.712800" and body["longitude"] == "-74.006000"
    assert body["access_notes"] == "Code 1234"
    assert body["country"] == owner.company.country


def test_create_refuses_bad_input_with_field_errors(api, owner, ann, theirs):
    office_api = api(owner)
    invalid(office_api.post("/properties", {"client": theirs["client"].pk}), "client")
    invalid(office_api.post("/properties", {"client": ann.pk, "type": "castle"}), "type")
    invalid(office_api.post("/properties", {"client": ann.pk, "latitude": "95"}), "latitude")
    invalid(office_api.post("/properties", {"client": ann.pk, "latitude": "NaN"}), "latitude")
    invalid(office_api.post("/properties", {"street": "x"}), "client")
    invalid(office_api.post("/properties", {"client": ann.pk, "name": "a\x00b"}), "name")
    assert not Property.objects.filter(company_id=owner.company_id).exists()


def test_list_filters_searches_and_counts(api, owner, ann, make_client, prop):
    bob = make_client(first_name="Bob", last_name="Ray", email="bob@example.com")
    other = make_property(owner, bob, name="Shop", street="9 Main St", city="Weston")
    pool = make_property(owner, ann, name="Pool", type="pool", city="Easton")
    office_api = api(owner)

    body = office_api.get("/properties").json()
    assert body["count"] == 3 and body["count_exact"] is True
    assert {p["id"] for p in body["items"]} == {prop.pk, other.pk, pool.pk}

    ids = lambda **q: {p["id"] for p in office_api.get("/properties", q).json()["items"]}  # noqa: E731
    assert ids(client=ann.pk) == {prop.pk, pool.pk}
    assert ids(type="pool") == {pool.pk}
    assert ids(search="easton") == {prop.pk, pool.pk}
    assert ids(search="main weston") == {other.pk}
    assert ids(client=bob.pk, search="easton") == set()
    assert ids(page_size=1, page=2) and len(ids(page_size=1, page=2)) == 1

    office_api.post(f"/properties/{pool.pk}/archive")
    assert ids() == {prop.pk, other.pk}
    assert ids(archived="archived") == {pool.pk}
    assert ids(archived="all") == {prop.pk, other.pk, pool.pk}
    invalid(office_api.get("/properties", {"archived": "maybe"}), "archived")
    invalid(office_api.get("/properties", {"page_size": 1000}), "page_size")


def test_list_queries_do_not_grow_with_the_page(api, owner, ann, django_assert_max_num_queries):
    for n in range(25):
        make_property(owner, ann, name=f"Unit {n}")
    office_api = api(owner)
    with django_assert_max_num_queries(6):
        body = office_api.get("/properties", {"page_size": 50}).json()
    assert body["count"] == 25 and len(body["items"]) == 25


def test_detail_patch_archive_restore(api, owner, prop):
    office_api = api(owner)
    body = office_api.get(f"/properties/{prop.pk}").json()
    assert body["name"] == "Lake house" and body["access_notes"] == "Gate 4321"

    response = office_api.patch(f"/properties/{prop.pk}", {"city": "Weston", "name": None})
    assert response.status_code == 200, response.content
    prop.refresh_from_db()
    assert (prop.city, prop.name, prop.street) == ("Weston", "", "1 Shore Rd")

    assert office_api.post(f"/properties/{prop.pk}/archive").json()["archived_at"]
    assert office_api.post(f"/properties/{prop.pk}/restore").json()["archived_at"] is None


def test_patch_client_moves_the_property_and_its_open_jobs(api, owner, prop, make_client):
    new_owner = make_client(first_name="Cy", last_name="New", email="cy@example.com")
    job = make_job(owner, prop)
    response = api(owner).patch(
        f"/properties/{prop.pk}", {"client": new_owner.pk, "description": "Sold"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["client"] == new_owner.pk
    prop.refresh_from_db()
    assert prop.client == new_owner and prop.description == "Sold"
    assert Job.objects.get(pk=job.pk).client == new_owner


def test_patch_to_another_companys_client_is_a_field_error(api, owner, prop, ann, theirs):
    invalid(api(owner).patch(f"/properties/{prop.pk}", {"client": theirs["client"].pk}), "client")
    prop.refresh_from_db()
    assert prop.client == ann


def test_a_bad_field_with_a_move_changes_nothing(api, owner, prop, ann, make_client):
    new_owner = make_client(first_name="Cy", last_name="New", email="cy@example.com")
    invalid(
        api(owner).patch(
            f"/properties/{prop.pk}", {"client": new_owner.pk, "latitude": "1.1234567"}
        ),
        "latitude",
    )
    prop.refresh_from_db()
    assert prop.client == ann


# --- property services and the catalog -------------------------------------------------------


def test_property_services_add_list_change_archive(api, owner, employee, prop, service):
    office_api = api(owner)
    response = office_api.post(
        f"/properties/{prop.pk}/services",
        {
            "service": service.pk,
            "price": "95.50",
            "instructions": "Side door",
            "frequency": "weekly",
            "weekdays": ["TH", "MO"],
            "starts_on": company_today(owner).isoformat(),
            "start_time": "09:30",
            "assignees": [employee.pk],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["price"] == "95.50" and body["service"] == service.pk
    assert body["weekdays"] == ["MO", "TH"] and body["assignees"] == [employee.pk]
    ps_id = body["id"]
    assert Job.objects.filter(property_service_id=ps_id).exists()  # upcoming jobs generated

    listed = office_api.get(f"/properties/{prop.pk}/services").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == ps_id

    response = office_api.patch(f"/properties/{prop.pk}/services/{ps_id}", {"price": 100})
    assert response.status_code == 200, response.content
    assert response.json()["price"] == "100.00"
    assert response.json()["assignees"] == [employee.pk]  # not sent: unchanged

    response = office_api.post(f"/properties/{prop.pk}/services/{ps_id}/archive")
    assert response.json()["archived_at"]
    assert office_api.get(f"/properties/{prop.pk}/services").json()["count"] == 0
    assert office_api.get(f"/properties/{prop.pk}/services", {"archived": True}).json()["count"]


def test_property_service_takes_the_catalog_price_and_refuses_bad_rules(api, owner, prop, service):
    office_api = api(owner)
    response = office_api.post(f"/properties/{prop.pk}/services", {"service": service.pk})
    assert response.status_code == 201 and response.json()["price"] == "120.00"
    path = f"/properties/{prop.pk}/services"
    invalid(office_api.post(path, {"service": service.pk, "frequency": "daily"}), "starts_on")
    invalid(office_api.post(path, {"service": service.pk, "weekdays": ["XX"]}), "weekdays.0")
    daily = {"service": service.pk, "frequency": "daily", "starts_on": "2030-01-07"}
    invalid(office_api.post(path, {**daily, "weekdays": ["MO"]}), "weekdays")  # weekly only
    invalid(office_api.post(path, {**daily, "ends_on": "2030-01-01"}), "ends_on")
    invalid(office_api.post(path, {"service": service.pk, "price": "-1"}), "price")
    invalid(office_api.post(path, {"service": service.pk, "starts_on": "0001-01-01"}), "starts_on")


def test_property_services_tenancy(api, owner, prop, service, theirs):
    office_api = api(owner)
    path = f"/properties/{prop.pk}/services"
    invalid(office_api.post(path, {"service": theirs["service"].pk}), "service")
    invalid(office_api.post(path, {"service": service.pk, "assignees": [theirs["member"].pk]}))
    ps = office_api.post(path, {"service": service.pk}).json()
    their = theirs["property"].pk
    error(office_api.get(f"/properties/{their}/services"), 404)
    error(office_api.patch(f"/properties/{their}/services/{theirs['ps'].pk}", {"price": 1}), 404)
    error(office_api.patch(f"/properties/{prop.pk}/services/{theirs['ps'].pk}", {"price": 1}), 404)
    error(office_api.post(f"/properties/{their}/services/{ps['id']}/archive"), 404)
    assert PropertyService.objects.get(pk=theirs["ps"].pk).price == theirs["service"].default_price


def test_catalog_create_list_change_archive(api, owner, service):
    office_api = api(owner)
    response = office_api.post(
        "/services", {"name": "Deep clean", "default_price": "240.5", "duration_minutes": 180}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["default_price"] == "240.50" and body["taxable"] is True
    names = [s["name"] for s in office_api.get("/services").json()["items"]]
    assert names == ["Deep clean", "Standard clean"]

    invalid(office_api.post("/services", {"name": "standard CLEAN"}), "name")
    invalid(office_api.post("/services", {"name": "X", "default_price": "abc"}), "default_price")
    invalid(office_api.patch(f"/services/{service.pk}", {"name": ""}), "name")

    response = office_api.patch(f"/services/{service.pk}", {"default_price": 130})
    assert response.json()["default_price"] == "130.00"
    assert office_api.get(f"/services/{service.pk}").json()["name"] == "Standard clean"
    assert office_api.post(f"/services/{service.pk}/archive").json()["archived_at"]
    assert [s["name"] for s in office_api.get("/services").json()["items"]] == ["Deep clean"]
    assert office_api.get("/services", {"archived": True}).json()["count"] == 2


# --- roles and tenancy on every route --------------------------------------------------------


def _routes(prop, service, ps):
    p, s = prop.pk, service.pk
    return [
        ("get", "/properties", None),
        ("post", "/properties", {"client": prop.client_id}),
        ("get", f"/properties/{p}", None),
        ("patch", f"/properties/{p}", {"name": "X"}),
        ("post", f"/properties/{p}/archive", None),
        ("post", f"/properties/{p}/restore", None),
        ("get", f"/properties/{p}/services", None),
        ("post", f"/properties/{p}/services", {"service": s}),
        ("patch", f"/properties/{p}/services/{ps.pk}", {"price": 1}),
        ("post", f"/properties/{p}/services/{ps.pk}/archive", None),
        ("get", "/services", None),
        ("post", "/services", {"name": "New"}),
        ("get", f"/services/{s}", None),
        ("patch", f"/services/{s}", {"name": "Y"}),
        ("post", f"/services/{s}/archive", None),
    ]


@pytest.fixture
def ps(owner, prop, service):
    from crewdesk.properties.services import property_service_add

    return property_service_add(actor=owner, prop=prop, data={"service": service.pk})


def test_employee_tokens_are_refused(api, employee, prop, service, ps):
    member_api = api(employee)
    for method, path, data in _routes(prop, service, ps):
        error(member_api.call(method, path, data), 403)
    assert Service.objects.get(pk=service.pk).name == "Standard clean"
    assert Property.objects.get(pk=prop.pk).archived_at is None


def test_a_token_whose_member_became_a_customer_is_refused(api, office, prop, service, ps):
    """Customers cannot hold tokens; one whose member became a customer gets nothing."""
    member_api = api(office)
    office.role = Role.CUSTOMER
    office.save(update_fields=["role"])
    for method, path, data in _routes(prop, service, ps):
        response = member_api.call(method, path, data)
        assert response.status_code in (401, 403), (path, response.status_code)
        assert set(response.json()) == {"detail"}
    assert Service.objects.get(pk=service.pk).name == "Standard clean"
    assert Property.objects.get(pk=prop.pk).archived_at is None


def test_no_token_is_401(api, prop, service, ps):
    for method, path, data in _routes(prop, service, ps):
        error(api().call(method, path, data), 401)


def test_another_companys_records_are_not_found(api, outsider, prop, service, ps):
    their_api = api(outsider)
    for method, path, data in _routes(prop, service, ps):
        if path in ("/properties", "/services"):
            continue
        error(their_api.call(method, path, data), 404)
    assert their_api.get("/properties").json()["count"] == 0
    assert their_api.get("/services").json()["count"] == 0
    assert Property.objects.get(pk=prop.pk).name == "Lake house"


def test_ids_out_of_range_are_refused_not_crashing(api, owner):
    office_api = api(owner)
    assert office_api.get(f"/properties/{2**70}").status_code in (404, 422)
    invalid(office_api.post("/properties", {"client": 2**70}), "client")
    start = datetime.date(2030, 1, 1).isoformat()
    assert office_api.get("/properties", {"client": 0, "x": start}).status_code == 422
