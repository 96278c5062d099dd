"""The client list's search: partial, case- and accent-insensitive, over names, billing name,
email, phone digits and contact names; typo-tolerant when nothing starts with the text."""

import pytest

from crewdesk.clients import services
from crewdesk.clients.selectors import Archived, ClientFilters, client_page


def names(actor, search="", **filters):
    page = client_page(viewer=actor, filters=ClientFilters(search=search, **filters))
    return [c.display_name for c in page.clients]


@pytest.fixture
def people(owner, make_client):
    make_client(first_name="John", last_name="Smith", email="john.smith@example.com")
    make_client(first_name="Zoë", last_name="Núñez", phones=[("mobile", "(555) 010-2030")])
    make_client(
        kind="company",
        company_name="Acme, Inc.",
        billing_name="Acme Holdings",
        email="ap@acme.example",
    )
    make_client(
        first_name="Mary", last_name="Smithson", email="mary@example.com", client_type="commercial"
    )
    kim = make_client(first_name="Kim", last_name="Park", email="kim@park.example")
    services.contact_create(
        actor=owner, client=kim, values={"first_name": "Rosalind", "last_name": "Franklin"}
    )
    return kim


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("smi", ["John Smith", "Mary Smithson"]),
        ("SMITH", ["John Smith", "Mary Smithson"]),
        ("nunez", ["Zoë Núñez"]),
        ("Zoë", ["Zoë Núñez"]),
        ("acme", ["Acme, Inc."]),
        ("holdings", ["Acme, Inc."]),
        ("john.smith@", ["John Smith"]),
        ("john.smith@example.com", ["John Smith"]),
        ("2030", ["Zoë Núñez"]),
        ("0102030", ["Zoë Núñez"]),
        ("555010", ["Zoë Núñez"]),
        ("1-555-010-2030", ["Zoë Núñez"]),
        ("555-010-2030", ["Zoë Núñez"]),
        ("+1 (555) 010-2030", ["Zoë Núñez"]),
        ("rosalind", ["Kim Park"]),
        ("john smi", ["John Smith"]),
        ("smith jo", ["John Smith"]),
        ("john example", ["John Smith"]),  # words from two fields: intersected
        ("acme hold", ["Acme, Inc."]),
        ("smi mary", ["Mary Smithson"]),
    ],
)
def test_search_finds(owner, people, search, expected):
    assert sorted(names(owner, search)) == sorted(expected)


def test_typo_falls_back_to_did_you_mean(owner, people):
    page = client_page(viewer=owner, filters=ClientFilters(search="Jhon Smtih"))
    assert page.fuzzy
    assert [c.display_name for c in page.clients][0] == "John Smith"


@pytest.fixture
def priya(make_client):
    return make_client(first_name="Priya", last_name="Raman", email="priya.raman@example.com")


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("Rahman", "Priya Raman"),  # a letter too many
        ("Rman", "Priya Raman"),  # a letter missing
        ("Ramen", "Priya Raman"),  # a wrong letter
        ("Rmaan", "Priya Raman"),  # two letters swapped
        ("Pryia", "Priya Raman"),  # the first name
        ("Smtih", "John Smith"),
        ("Jhon", "John Smith"),
        ("Nunes", "Zoë Núñez"),  # accents folded
        ("Acne", "Acme, Inc."),  # a company
        ("Rosalidn", "Kim Park"),  # a contact's name
    ],
)
def test_one_misspelt_word_finds_the_client(owner, people, priya, search, expected):
    page = client_page(viewer=owner, filters=ClientFilters(search=search))
    assert page.fuzzy
    assert [c.display_name for c in page.clients][:1] == [expected]


def test_the_closest_spelling_comes_first(owner, make_client):
    make_client(first_name="Ann", last_name="Smit", email="ann@example.com")
    make_client(first_name="Bo", last_name="Smith", email="bo@example.com")
    make_client(first_name="Cy", last_name="Schmidt", email="cy@example.com")
    assert names(owner, "Smihth") == ["Bo Smith"]  # one letter too many; "smit" is two away
    assert sorted(names(owner, "Smiht")) == ["Ann Smit", "Bo Smith"]  # one away, both


def test_a_misspelt_word_finds_only_what_the_filters_allow(owner, outsider, priya, make_client):
    make_client(actor=outsider, first_name="Otto", last_name="Rahmen", email="o@bravo.example")
    assert names(owner, "Rahman") == ["Priya Raman"]
    services.client_archive(actor=owner, client=priya)
    assert names(owner, "Rahman") == []
    assert names(owner, "Rahman", archived=Archived.ALL) == ["Priya Raman"]
    assert names(owner, "Rahman", client_type="commercial") == []


def test_a_misspelt_word_takes_a_few_queries_whatever_the_rows(
    owner, make_client, django_assert_max_num_queries
):
    for i in range(30):
        make_client(first_name=f"P{i}", last_name="Raman", email=f"p{i}@example.com", tags=["a"])
    with django_assert_max_num_queries(5):
        page = client_page(viewer=owner, filters=ClientFilters(search="Rahman"))
        for client in page.clients:
            client.primary_phone, [t.tag.name for t in client.client_tags.all()]
    assert len(page.clients) == 30 and page.fuzzy


def test_other_lists_searching_by_client_forgive_a_typo_too(owner, priya, api_client):
    from crewdesk.clients.selectors import client_ids_matching

    assert client_ids_matching(viewer=owner, text="Rahman", limit=10) == [priya.pk]
    items = api_client(owner).get("/api/v1/clients", search="Rahman").json()["items"]
    assert [item["id"] for item in items] == [priya.pk]


def test_filters_and_archived(owner, people):
    assert names(owner, client_type="commercial") == ["Mary Smithson"]
    services.client_archive(actor=owner, client=people)
    assert "Kim Park" not in names(owner)
    assert names(owner, archived=Archived.ARCHIVED) == ["Kim Park"]
    assert "Kim Park" in names(owner, archived=Archived.ALL)
    assert names(owner, "kim") == []


def test_tag_filter(owner, people):
    tag = services.client_tag_add(actor=owner, client=people, name="VIP")
    assert names(owner, tags=[tag.pk]) == ["Kim Park"]
    assert names(owner, "park", tags=[tag.pk]) == ["Kim Park"]


def test_list_is_in_name_order_and_pages(owner, make_client):
    for i in range(7):
        make_client(first_name=f"P{i}", last_name=f"Last{6 - i}", email=f"p{i}@example.com")
    page = client_page(viewer=owner, filters=ClientFilters(), page=1, page_size=3)
    assert [c.last_name for c in page.clients] == ["Last0", "Last1", "Last2"]
    assert page.count == 7 and page.count_exact and page.has_next
    last = client_page(viewer=owner, filters=ClientFilters(), page=3, page_size=3)
    assert [c.last_name for c in last.clients] == ["Last6"] and not last.has_next


def test_search_pages(owner, make_client):
    for i in range(5):
        make_client(first_name=f"Ann{i}", last_name="Baker", email=f"a{i}@example.com")
    first = client_page(viewer=owner, filters=ClientFilters(search="bak"), page=1, page_size=2)
    second = client_page(viewer=owner, filters=ClientFilters(search="bak"), page=2, page_size=2)
    assert first.count == 5
    seen = {c.pk for c in first.clients} | {c.pk for c in second.clients}
    assert len(seen) == 4


def test_other_companies_are_invisible(owner, outsider, make_client, people):
    make_client(actor=outsider, first_name="John", last_name="Smithers", email="js@bravo.example")
    assert "John Smithers" not in names(owner, "smi")
    assert names(outsider, "smi") == ["John Smithers"]


@pytest.mark.parametrize("size", [3, 25])
def test_list_queries_do_not_grow_with_rows(
    owner, make_client, django_assert_max_num_queries, size
):
    for i in range(size):
        client = make_client(
            first_name=f"N{i}", last_name="Lee", email=f"n{i}@example.com", tags=["a", "b"]
        )
        services.contact_create(actor=owner, client=client, values={"first_name": "C"})
    with django_assert_max_num_queries(5):
        page = client_page(viewer=owner, filters=ClientFilters())
        for client in page.clients:
            client.primary_phone, [t.tag.name for t in client.client_tags.all()]
    with django_assert_max_num_queries(5):
        page = client_page(viewer=owner, filters=ClientFilters(search="lee"))
        for client in page.clients:
            client.primary_phone, [t.tag.name for t in client.client_tags.all()]


def test_list_sorts_by_newest_and_oldest(owner, make_client):
    for name in ("Bea", "Ann", "Cy"):
        make_client(first_name=name, last_name="Lee", email=f"{name}@example.com")
    assert names(owner) == ["Ann Lee", "Bea Lee", "Cy Lee"]
    assert names(owner, sort="newest") == ["Cy Lee", "Ann Lee", "Bea Lee"]
    assert names(owner, sort="oldest") == ["Bea Lee", "Ann Lee", "Cy Lee"]


def test_two_words_of_a_name_are_one_token(owner, make_client):
    from crewdesk.clients.models import ClientToken

    client = make_client(first_name="Mary Ann", last_name="de la Cruz", email="m@example.com")
    tokens = set(ClientToken.objects.filter(client=client).values_list("token", flat=True))
    assert {"mary ann", "ann de", "la cruz", "cruz mary"} <= tokens
