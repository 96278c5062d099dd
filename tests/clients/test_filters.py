"""One filter object for the client list: the page (and its export) and the API read their
own parameters into the same ClientFilters, and the same filters give the same clients in the
same order."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from crewdesk.clients.filters import Archived, ClientFilters, Sort
from crewdesk.clients.forms import ClientFilterForm
from crewdesk.clients.models import Tag
from crewdesk.clients.schemas import ClientListQuery
from crewdesk.clients.services import client_archive


@pytest.fixture
def directory(owner, outsider, make_client):
    """Clients of every kind the filters tell apart, and one of another company."""

    def add(first, last, *, tags=(), **fields):
        email = f"{first}.{last}@example.com".lower()
        return make_client(first_name=first, last_name=last, email=email, tags=list(tags), **fields)

    add("Ann", "Smith", tags=["VIP"], client_type="residential", lead_source="Google")
    add("Bob", "Smith", tags=["VIP", "Airbnb"], client_type="vacation_rental")
    add("Cora", "Lee", tags=["Airbnb"], client_type="commercial", lead_source="google")
    add("Dev", "Lee", lead_source="Referral")
    add("Eve", "Smithson", tags=["VIP"], client_type="commercial")
    client_archive(actor=owner, client=add("Finn", "Lee", tags=["VIP"], lead_source="Google"))
    make_client(actor=outsider, first_name="Gus", last_name="Smith", email="gus@example.com")
    return {tag.name: tag.pk for tag in Tag.objects.filter(company=owner.company)}


def _page_names(web, params) -> list[str]:
    response = web.get(reverse("clients:list"), params)
    assert response.status_code == 200
    return [client.display_name for client in response.context["clients"]]


def _api_names(api, params) -> list[str]:
    response = api.get("/api/v1/clients", **params)
    assert response.status_code == 200, response.content
    return [item["display_name"] for item in response.json()["items"]]


CASES = [
    # (page's query string, API's query string, the clients shown in order)
    ({}, {}, ["Cora Lee", "Dev Lee", "Ann Smith", "Bob Smith", "Eve Smithson"]),
    ({"q": "smith"}, {"search": "smith"}, ["Ann Smith", "Bob Smith", "Eve Smithson"]),
    ({"tag": ["VIP"]}, {"tag": ["VIP"]}, ["Ann Smith", "Bob Smith", "Eve Smithson"]),
    ({"tag": ["VIP", "Airbnb"]}, {"tag": ["VIP", "Airbnb"]}, ["Bob Smith"]),
    ({"type": "commercial"}, {"client_type": "commercial"}, ["Cora Lee", "Eve Smithson"]),
    ({"source": " GOOGLE "}, {"lead_source": " GOOGLE "}, ["Cora Lee", "Ann Smith"]),
    ({"archived": "archived"}, {"archived": "archived"}, ["Finn Lee"]),
    (
        {"q": "lee", "tag": ["VIP"], "archived": "all"},
        {"search": "lee", "tag": ["VIP"], "archived": "all"},
        ["Finn Lee"],
    ),
]


@pytest.mark.parametrize(("page", "api", "expected"), CASES)
def test_the_page_and_the_api_show_the_same_clients_in_the_same_order(
    client_as, api_client, office, directory, page, api, expected
):
    def with_tag_ids(params):
        if "tag" in params:
            return {**params, "tag": [directory[name] for name in params["tag"]]}
        return params

    assert _page_names(client_as(office), with_tag_ids(page)) == expected
    assert _api_names(api_client(office), with_tag_ids(api)) == expected


def test_the_form_and_the_query_schema_read_into_the_same_filters(owner):
    tag = Tag.objects.create(company=owner.company, name="VIP")
    form = ClientFilterForm(
        QueryDict(f"q=+ann+&tag={tag.pk}&type=commercial&source=Google&archived=all"),
        tags=[tag],
    )
    query = ClientListQuery(
        search=" ann ",
        tag=[tag.pk],
        client_type="commercial",
        lead_source="Google",
        archived="all",
    )
    expected = ClientFilters(
        search="ann",
        tags=[tag.pk],
        client_type="commercial",
        lead_source="Google",
        archived=Archived.ALL,
        sort=Sort.NAME,
    )
    assert ClientFilters.from_form(form) == ClientFilters.from_query(query) == expected


def test_a_filter_the_form_refuses_counts_as_not_given(owner):
    form = ClientFilterForm(QueryDict("tag=999&type=nope&archived=maybe&sort=up"), tags=[])
    assert ClientFilters.from_form(form) == ClientFilters()


@pytest.mark.parametrize(
    ("filters", "narrows"),
    [
        (ClientFilters(), False),
        (ClientFilters(sort=Sort.NEWEST), False),  # the same clients, another order
        (ClientFilters(search="  "), False),
        (ClientFilters(search="ann"), True),
        (ClientFilters(tags=[1]), True),
        (ClientFilters(client_type="commercial"), True),
        (ClientFilters(lead_source="Google"), True),
        (ClientFilters(archived=Archived.ALL), True),
    ],
)
def test_narrows_says_whether_fewer_than_the_active_clients_show(filters, narrows):
    assert filters.narrows is narrows
