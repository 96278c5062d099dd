"""The client directory pages: list and search as you type, the client form with its live
duplicate check, edit, archive / restore / delete, and who may open each of them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from crewdesk.clients.models import Client, ClientType
from crewdesk.clients.services import client_archive, contact_create

XSS = '<script>alert("x")</script>'

NEW_CLIENT = {
    "kind": "person",
    "first_name": "Maya",
    "last_name": "Okafor",
    "email": "maya@example.com",
    "phone_kind_0": "mobile",
    "phone_number_0": "(415) 555-0123",
    "phone_kind_1": "home",
    "phone_number_1": "",
    "phone_kind_2": "home",
    "phone_number_2": "",
    "country": "US",
    "street": "12 Elm St",
    "city": "Springfield",
    "postal_code": "62704",
    "client_type": "residential",
    "lead_source": "Referral",
    "rating": "4",
    "preferred_contact": "email",
    "language": "en",
    "tags": "VIP, Net 30",
    "notes": "Gate code 1234",
}


def list_html(client, **params) -> str:
    response = client.get(reverse("clients:list"), params)
    assert response.status_code == 200
    return response.content.decode()


def row_names(html: str) -> list[str]:
    return re.findall(r'<span class="fw-semibold text-primary">([^<]*)</span>', html)


def location(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"]


@pytest.fixture
def office_client(client_as, office):
    return client_as(office)


# --- the list ---


def test_list_shows_only_the_own_companys_clients(office_client, make_client, outsider, owner):
    make_client(first_name="Ann", last_name="Lee")
    make_client(actor=outsider, first_name="Otto", last_name="Outside")
    html = list_html(office_client)
    assert row_names(html) == ["Ann Lee"]
    assert "1–1 of 1" in html


def test_list_is_in_name_order_with_contact_details_tags_and_billing_name(
    office_client, make_client
):
    make_client(
        first_name="Zed",
        last_name="Young",
        email="zed@example.com",
        city="Austin",
        billing_name="Young Holdings",
        tags=["VIP"],
    )
    make_client(first_name="Ann", last_name="Lee", phones=[("mobile", "415 555 0100")])
    html = list_html(office_client)
    assert row_names(html) == ["Ann Lee", "Zed Young"]
    assert "zed@example.com" in html and "Austin" in html
    assert "Bills to Young Holdings" in html
    assert "+1 415-555-0100" in html
    assert ">VIP</span>" in html


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("smi", ["John Smith"]),  # partial word
        ("SMITH", ["John Smith"]),  # case
        ("nunez", ["Zoë Núñez"]),  # accents
        ("zoë", ["Zoë Núñez"]),
        ("zoe.nunez@", ["Zoë Núñez"]),  # email fragment
        ("acme", ["John Smith"]),  # email domain word
        ("555 010", ["Zoë Núñez"]),  # phone digits, as typed
        ("2030", ["Zoë Núñez"]),  # the last digits of the phone
        ("gomez", ["Big Pools"]),  # a contact's name
        ("john sm", ["John Smith"]),  # every word must match
    ],
)
def test_search_matches_names_email_phone_and_contacts(
    office_client, make_client, owner, search, expected
):
    make_client(first_name="John", last_name="Smith", email="john@acme.example")
    make_client(
        first_name="Zoë",
        last_name="Núñez",
        email="zoe.nunez@example.com",
        phones=[("mobile", "+1 (555) 010-2030")],
    )
    pools = make_client(kind="company", company_name="Big Pools", email="hello@bigpools.example")
    contact_create(actor=owner, client=pools, values={"first_name": "Maria", "last_name": "Gómez"})
    assert row_names(list_html(office_client, q=search)) == expected


def test_a_misspelt_search_offers_did_you_mean(office_client, make_client):
    make_client(first_name="John", last_name="Smith", email="john@example.com")
    html = list_html(office_client, q="Jhon Smtih")
    assert "Did you mean" in html
    assert row_names(html) == ["John Smith"]


def test_a_search_without_match_says_so_and_helps(office_client, make_client):
    make_client(first_name="John", last_name="Smith")
    html = list_html(office_client, q="qqqqzzzz")
    assert row_names(html) == []
    assert "No client matches “qqqqzzzz”" in html
    assert "Clear search and filters" in html


def test_filters_by_tag_type_and_lead_source(office_client, make_client):
    make_client(first_name="Ann", last_name="Lee", tags=["VIP"], client_type="commercial")
    make_client(first_name="Bo", last_name="Ray", tags=["VIP", "Airbnb"], lead_source="Yelp")
    make_client(first_name="Cy", last_name="Fox", tags=["Airbnb"], lead_source="Google")
    html = list_html(office_client)
    vip = re.search(r'value="(\d+)" id="tag-filter-\d+">\s*<label[^>]*>VIP<', html).group(1)
    airbnb = re.search(r'value="(\d+)" id="tag-filter-\d+">\s*<label[^>]*>Airbnb<', html).group(1)
    assert row_names(list_html(office_client, tag=vip)) == ["Ann Lee", "Bo Ray"]
    assert row_names(list_html(office_client, tag=[vip, airbnb])) == ["Bo Ray"]
    assert row_names(list_html(office_client, type=ClientType.COMMERCIAL)) == ["Ann Lee"]
    assert row_names(list_html(office_client, source="yelp")) == ["Bo Ray"]
    # A filter value that makes no sense is ignored, never an error.
    assert len(row_names(list_html(office_client, tag="x", type="nope", page="-3"))) == 3
    # The rows alone (htmx) filter by tag too.
    rows = office_client.get(
        reverse("clients:list"), {"tag": airbnb, "q": "r"}, headers={"HX-Request": "true"}
    )
    assert row_names(rows.content.decode()) == ["Bo Ray"]


def test_archived_clients_are_hidden_unless_asked_for(office_client, make_client, owner):
    make_client(first_name="Ann", last_name="Lee")
    gone = make_client(first_name="Bo", last_name="Ray")
    client_archive(actor=owner, client=gone)
    assert row_names(list_html(office_client)) == ["Ann Lee"]
    assert row_names(list_html(office_client, archived="archived")) == ["Bo Ray"]
    html = list_html(office_client, archived="all")
    assert row_names(html) == ["Ann Lee", "Bo Ray"]
    assert html.count(">Archived</span>") == 1


def test_an_htmx_request_gets_only_the_rows(office_client, make_client):
    make_client(first_name="Ann", last_name="Lee")
    response = office_client.get(
        reverse("clients:list"), {"q": "ann"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html and 'id="client-search"' not in html
    assert row_names(html) == ["Ann Lee"]
    assert "HX-Request" in response["Vary"]
    # The full page has the search box that asks for these rows as you type.
    page = list_html(office_client)
    assert 'hx-trigger="input changed delay:250ms, search"' in page
    assert 'hx-target="#client-results"' in page and 'hx-push-url="true"' in page
    assert 'aria-keyshortcuts="/"' in page


def test_pages_of_fifty_with_previous_and_next(office_client, make_client):
    for i in range(53):
        make_client(first_name=f"Person{i:02d}", last_name="Test")
    html = list_html(office_client)
    assert len(row_names(html)) == 50 and "1–50 of 53" in html
    assert 'rel="next"' in html and 'rel="prev"' not in html
    html = list_html(office_client, page=2)
    assert row_names(html) == ["Person50 Test", "Person51 Test", "Person52 Test"]
    assert "51–53 of 53" in html and 'rel="prev"' in html and 'rel="next"' not in html
    html = list_html(office_client, page=9)
    assert "There are no clients on this page" in html


def test_counts_beyond_a_thousand_are_not_exact(office_client, make_client, monkeypatch):
    from crewdesk.clients import selectors

    monkeypatch.setattr(selectors, "COUNT_LIMIT", 2)
    for name in ("Ann", "Bo", "Cy"):
        make_client(first_name=name, last_name="Lee")
    assert "1–3 of more than 2" in list_html(office_client)


def test_an_empty_company_is_invited_to_add_its_first_client(office_client):
    html = list_html(office_client)
    assert "No clients yet" in html
    assert reverse("clients:new") in html
    try:
        import_url = reverse("clients:import")
    except NoReverseMatch:
        assert "Import a CSV" not in html
    else:
        assert import_url in html


def test_export_link_keeps_the_current_search(office_client, make_client):
    make_client(first_name="Ann", last_name="Lee")
    html = list_html(office_client, q="ann", archived="all")
    try:
        export_url = reverse("clients:export")
    except NoReverseMatch:
        assert "Export CSV" not in html
    else:
        assert f'href="{export_url}?q=ann&amp;archived=all"' in html


def test_the_menu_leads_office_staff_to_clients(office_client):
    html = office_client.get(reverse("dashboard:home")).content.decode()
    assert f'href="{reverse("clients:list")}"' in html


def test_list_queries_do_not_grow_with_the_number_of_clients(office_client, make_client):
    def queries_for_list(**params) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office_client.get(reverse("clients:list"), params).status_code == 200
        return len(queries)

    def add(count: int, start: int) -> None:
        for i in range(start, start + count):
            make_client(
                first_name=f"Ann{i}",
                last_name="Lee",
                email=f"ann{i}@example.com",
                phones=[("mobile", f"415555{i:04d}")],
                tags=["VIP", f"T{i % 3}"],
            )

    add(3, 0)
    few, few_search = queries_for_list(), queries_for_list(q="lee")
    add(27, 3)
    assert queries_for_list() == few
    assert queries_for_list(q="lee") == few_search


def test_names_are_escaped_on_the_list(office_client, make_client):
    make_client(first_name=XSS, last_name=XSS, billing_name=XSS, city=XSS, tags=[XSS])
    html = list_html(office_client)
    assert XSS not in html
    assert "&lt;script&gt;" in html
    assert XSS not in list_html(office_client, q="script")


# --- new client ---


def test_create_a_client_with_every_field(office_client, office, make_client):
    parent = make_client(kind="company", company_name="Okafor Group", email="hq@okafor.example")
    referrer = make_client(first_name="Ref", last_name="Errer", email="ref@example.com")
    response = office_client.post(
        reverse("clients:new"),
        NEW_CLIENT | {"parent": parent.pk, "referred_by": referrer.pk, "tax_exempt": "on"},
    )
    client = Client.objects.get(email="maya@example.com")
    assert location(response) == f"/app/clients/{client.pk}/"
    assert client.display_name == "Maya Okafor"
    assert client.company_id == office.company_id and client.created_by == office.user
    assert [p.number for p in client.phones.all()] == ["+14155550123"]
    assert sorted(ct.tag.name for ct in client.client_tags.all()) == ["Net 30", "VIP"]
    assert (client.parent, client.referred_by) == (parent, referrer)
    assert (client.rating, client.tax_exempt, client.lead_source) == (4, True, "Referral")
    assert client.postal_code == "62704" and client.notes == "Gate code 1234"


def test_the_new_client_form_has_every_field_labelled(office_client):
    html = office_client.get(reverse("clients:new")).content.decode()
    for name in [
        "first_name",
        "last_name",
        "company_name",
        "billing_name",
        "email",
        "phone_number_0",
        "phone_kind_2",
        "lead_source",
        "street",
        "country",
        "client_type",
        "rating",
        "tax_exempt",
        "tax_id",
        "newsletter",
        "preferred_contact",
        "language",
        "parent_search",
        "referred_by_search",
        "tags",
        "notes",
    ]:
        assert f'for="id_{name}"' in html, name
    assert 'id="lead-source-options"' in html and '<option value="Referral">' in html
    assert '<option value="US" selected>' in html  # the company's country


def test_validation_errors_are_shown_by_their_field_and_nothing_typed_is_lost(office_client):
    data = NEW_CLIENT | {
        "first_name": "",
        "last_name": "",
        "email": "not-an-email",
        "postal_code": "ABC",
        "notes": "Keep me",
    }
    response = office_client.post(reverse("clients:new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert not Client.objects.exists()
    for field, message in [
        ("first_name", "Enter a first or last name, or a company name."),
        ("email", "Enter a valid email address."),
        ("postal_code", "This is not a postal code of US"),
    ]:
        assert_field_error(html, field, message)
    assert 'value="not-an-email"' in html and 'value="(415) 555-0123"' in html
    assert "Keep me" in html and 'value="VIP, Net 30"' in html
    assert '<option value="residential" selected>' in html

    # A phone that cannot be read is named under its own input.
    response = office_client.post(reverse("clients:new"), NEW_CLIENT | {"phone_number_1": "12"})
    assert_field_error(
        response.content.decode(), "phone_number_1", "“12” is not a phone number we can read."
    )
    assert not Client.objects.exists()


def assert_field_error(html: str, field: str, message: str) -> None:
    assert re.search(rf'id="id_{field}-error" role="alert">{re.escape(message)}', html), field
    tag = re.search(rf'<input[^>]*id="id_{field}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in tag and f'aria-describedby="id_{field}-error' in tag, tag


def test_a_company_needs_its_name(office_client):
    response = office_client.post(reverse("clients:new"), NEW_CLIENT | {"kind": "company"})
    assert 'id="id_company_name-error"' in response.content.decode()
    assert not Client.objects.exists()


def test_a_parent_of_another_company_is_refused(office_client, make_client, outsider):
    theirs = make_client(actor=outsider, first_name="Otto", last_name="Outside")
    response = office_client.post(reverse("clients:new"), NEW_CLIENT | {"parent": theirs.pk})
    html = response.content.decode()
    assert response.status_code == 200 and not Client.objects.filter(email="maya@example.com")
    assert 'id="id_parent-error"' in html and "Otto" not in html


def test_the_client_form_shows_every_error_at_once(office_client):
    data = NEW_CLIENT | {"email": "maya@", "phone_number_0": "call me", "postal_code": "ABCDE"}
    response = office_client.post(reverse("clients:new"), data)
    html = response.content.decode()
    assert response.status_code == 200 and not Client.objects.exists()
    for field in ("email", "phone_number_0", "postal_code"):
        assert f'id="id_{field}-error"' in html, field
    assert "Enter a valid email address." in html
    assert "is not a phone number we can read" in html
    assert "This is not a postal code of US" in html


def test_the_edit_form_refuses_a_parent_loop(office_client, make_client):
    top = make_client(kind="company", company_name="Okafor Group", email="hq@okafor.example")
    child = make_client(kind="company", company_name="Okafor East", email="east@okafor.example")
    Client.objects.filter(pk=child.pk).update(parent=top)
    data = NEW_CLIENT | {"kind": "company", "company_name": "Okafor Group", "parent": child.pk}
    data |= {"email": "hq@okafor.example", "first_name": "", "last_name": ""}
    response = office_client.post(reverse("clients:edit", args=[top.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="id_parent-error"' in html
    assert "Okafor East” is under this client" in html
    top.refresh_from_db()
    assert top.parent is None


def test_a_likely_duplicate_is_shown_and_can_be_created_anyway(office_client, make_client):
    existing = make_client(first_name="Maya", last_name="Okafor", email="MAYA@example.com")
    data = NEW_CLIENT | {"first_name": "Maia"}
    response = office_client.post(reverse("clients:new"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert Client.objects.count() == 1
    assert 'id="duplicate-warning"' in html and "same email" in html
    assert f'href="/app/clients/{existing.pk}/"' in html
    assert "Create anyway — this is a different client" in html
    assert 'value="Maia"' in html and "Gate code 1234" in html  # nothing typed is lost

    response = office_client.post(reverse("clients:new"), data | {"allow_duplicate": "on"})
    created = Client.objects.exclude(pk=existing.pk).get()
    assert location(response) == f"/app/clients/{created.pk}/"
    assert created.first_name == "Maia"


def test_the_live_duplicate_check_gives_reasons_and_scores(office_client, make_client):
    john = make_client(first_name="John", last_name="Smith", email="john@example.com")
    response = office_client.post(
        reverse("clients:duplicate_check"),
        {"first_name": "Jhon", "last_name": "Smtih"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'href="/app/clients/{john.pk}/"' in html
    assert re.search(r"similar name \d+%", html) and "score " in html

    html = office_client.post(
        reverse("clients:duplicate_check"), {"phone_number_0": "+1 (555) 010-2030"}
    ).content.decode()
    assert "No similar client" in html

    # Editing a client does not find the client itself.
    html = office_client.post(
        f"{reverse('clients:duplicate_check')}?exclude={john.pk}",
        {"first_name": "John", "last_name": "Smith", "email": "john@example.com"},
    ).content.decode()
    assert "John Smith" not in html


def test_the_client_picker_finds_and_chooses_own_clients_only(office_client, make_client, outsider):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@example.com")
    theirs = make_client(actor=outsider, first_name="Ann", last_name="Outside")
    url = reverse("clients:lookup")
    html = office_client.get(url, {"field": "parent", "parent_search": "ann"}).content.decode()
    assert "Ann Lee" in html and "Outside" not in html
    assert f"choose={ann.pk}" in html
    html = office_client.get(url, {"field": "parent", "choose": ann.pk}).content.decode()
    assert f'name="parent" value="{ann.pk}"' in html and 'value="Ann Lee"' in html
    html = office_client.get(url, {"field": "parent", "choose": ""}).content.decode()
    assert 'name="parent" value=""' in html and 'name="parent_search"' in html
    assert office_client.get(url, {"field": "parent", "choose": theirs.pk}).status_code == 404
    assert office_client.get(url, {"field": "brand", "choose": ann.pk}).status_code == 404
    html = office_client.get(
        url, {"field": "parent", "parent_search": "ann", "exclude": ann.pk}
    ).content.decode()
    assert "Ann Lee" not in html


# --- edit ---


def test_edit_shows_the_client_and_saves_changes(office_client, make_client, owner):
    ann = make_client(
        first_name="Ann",
        last_name="Lee",
        email="ann@example.com",
        phones=[("mobile", "415 555 0100"), ("work", "415 555 0101")],
        tags=["VIP"],
    )
    url = reverse("clients:edit", args=[ann.pk])
    html = office_client.get(url).content.decode()
    assert 'value="Ann"' in html and 'value="+14155550101"' in html and 'value="VIP"' in html
    data = NEW_CLIENT | {
        "first_name": "Anne",
        "last_name": "Lee",
        "email": "ann@example.com",
        "phone_number_0": "415 555 0100",
        "phone_kind_0": "mobile",
        "tags": "Airbnb",
    }
    response = office_client.post(url, data)
    assert location(response) == f"/app/clients/{ann.pk}/"
    ann.refresh_from_db()
    assert ann.first_name == "Anne" and ann.rating == 4
    assert [p.number for p in ann.phones.all()] == ["+14155550100"]
    assert [ct.tag.name for ct in ann.client_tags.all()] == ["Airbnb"]


def test_edit_keeps_every_phone_of_a_client_with_more_than_three(office_client, make_client):
    numbers = [f"415 555 010{i}" for i in range(4)]
    ann = make_client(first_name="Ann", last_name="Lee", phones=[("home", n) for n in numbers])
    url = reverse("clients:edit", args=[ann.pk])
    html = office_client.get(url).content.decode()
    assert 'id="id_phone_number_3"' in html
    data = {k: v for k, v in NEW_CLIENT.items() if not k.startswith("phone_")}
    data |= {"first_name": "Ann", "last_name": "Lee", "email": ""}
    for i, number in enumerate(numbers):
        data |= {f"phone_kind_{i}": "home", f"phone_number_{i}": number}
    location(office_client.post(url, data))
    assert ann.phones.count() == 4


def test_edit_errors_are_shown_and_nothing_is_saved(office_client, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@example.com")
    url = reverse("clients:edit", args=[ann.pk])
    data = NEW_CLIENT | {"first_name": "", "last_name": "", "email": "bad"}
    html = office_client.post(url, data).content.decode()
    assert 'id="id_email-error"' in html and 'value="bad"' in html
    ann.refresh_from_db()
    assert ann.email == "ann@example.com"


def test_editing_a_merged_client_opens_the_survivor(office_client, make_client):
    survivor = make_client(first_name="Ann", last_name="Lee", email="ann@example.com")
    merged = make_client(first_name="Anne", last_name="Lee", email="anne@example.com")
    Client.objects.filter(pk=merged.pk).update(merged_into=survivor, archived_at=timezone.now())
    response = office_client.get(reverse("clients:edit", args=[merged.pk]))
    assert location(response) == reverse("clients:edit", args=[survivor.pk])


def test_names_are_escaped_on_the_form(office_client, make_client):
    evil = make_client(
        first_name=XSS, last_name=XSS, email="evil@example.com", notes=XSS, tags=[XSS]
    )
    html = office_client.get(reverse("clients:edit", args=[evil.pk])).content.decode()
    assert XSS not in html and "&lt;script&gt;" in html
    html = office_client.post(
        reverse("clients:new"), NEW_CLIENT | {"first_name": XSS, "email": "evil@example.com"}
    ).content.decode()
    assert XSS not in html and "&lt;script&gt;" in html
    html = office_client.post(
        reverse("clients:duplicate_check"), {"email": "evil@example.com"}
    ).content.decode()
    assert XSS not in html and "&lt;script&gt;" in html


# --- archive, restore, delete ---


def test_archive_and_restore(office_client, make_client):
    ann = make_client(first_name="Ann", last_name="Lee")
    response = office_client.post(reverse("clients:archive", args=[ann.pk]))
    assert location(response) == f"/app/clients/{ann.pk}/"
    ann.refresh_from_db()
    assert ann.is_archived
    edit_url = reverse("clients:edit", args=[ann.pk])
    response = office_client.post(
        reverse("clients:restore", args=[ann.pk]), {"next": edit_url}, follow=True
    )
    assert response.redirect_chain[-1][0] == edit_url
    assert "Ann Lee is active again." in response.content.decode()
    ann.refresh_from_db()
    assert not ann.is_archived


def test_archive_restore_and_delete_answer_only_post(office_client, make_client):
    ann = make_client(first_name="Ann", last_name="Lee")
    for name in ("archive", "restore", "delete"):
        assert office_client.get(reverse(f"clients:{name}", args=[ann.pk])).status_code == 405


def test_an_owner_deletes_a_client_without_history(client_as, owner, make_client):
    ann = make_client(first_name="Ann", last_name="Lee")
    response = client_as(owner).post(reverse("clients:delete", args=[ann.pk]))
    assert location(response) == reverse("clients:list")
    assert not Client.objects.filter(pk=ann.pk).exists()


def test_delete_is_refused_with_the_reason(client_as, office, owner, make_client):
    parent = make_client(first_name="Ann", last_name="Lee")
    child = make_client(first_name="Bo", last_name="Ray")
    Client.objects.filter(pk=child.pk).update(parent=parent)
    edit_url = reverse("clients:edit", args=[parent.pk])

    response = client_as(office).post(
        reverse("clients:delete", args=[parent.pk]), {"next": edit_url}, follow=True
    )
    assert response.status_code == 200 and response.redirect_chain[-1][0] == edit_url
    assert "Only an owner can delete a client" in response.content.decode()

    response = client_as(owner).post(
        reverse("clients:delete", args=[parent.pk]), {"next": edit_url}, follow=True
    )
    html = response.content.decode()
    assert "cannot be deleted because it has subsidiaries" in html and "role=" in html
    assert Client.objects.filter(pk=parent.pk).exists()


def test_delete_ignores_a_next_url_elsewhere(client_as, office, make_client):
    ann = make_client(first_name="Ann", last_name="Lee")
    response = client_as(office).post(
        reverse("clients:delete", args=[ann.pk]), {"next": "https://evil.example/"}
    )
    assert location(response) == f"/app/clients/{ann.pk}/"


# --- who may open what ---

ID_URLS = [("edit", "get"), ("archive", "post"), ("restore", "post"), ("delete", "post")]
PLAIN_URLS = [
    ("list", "get"),
    ("new", "get"),
    ("new", "post"),
    ("duplicate_check", "post"),
    ("lookup", "get"),
]


def _all_urls(client_id: int) -> list[tuple[str, str]]:
    return [(reverse(f"clients:{name}"), method) for name, method in PLAIN_URLS] + [
        (reverse(f"clients:{name}", args=[client_id]), method) for name, method in ID_URLS
    ]


def test_anonymous_visitors_are_sent_to_log_in(client, make_client):
    ann = make_client(first_name="Ann", last_name="Lee")
    for url, method in _all_urls(ann.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/"), url
    ann.refresh_from_db()
    assert not ann.is_archived


@pytest.mark.parametrize("role", ["employee", "customer"])
def test_employees_and_customers_are_forbidden(client_as, make_client, request, role):
    ann = make_client(first_name="Ann", last_name="Lee")
    client = client_as(request.getfixturevalue(role))
    for url, method in _all_urls(ann.pk):
        assert getattr(client, method)(url).status_code == 403, url
    ann.refresh_from_db()
    assert not ann.is_archived


def test_another_companys_client_is_not_found(client_as, outsider, make_client):
    ann = make_client(first_name="Ann", last_name="Lee")
    client = client_as(outsider)
    for name, method in ID_URLS:
        url = reverse(f"clients:{name}", args=[ann.pk])
        assert getattr(client, method)(url).status_code == 404, url
    lookup = reverse("clients:lookup")
    assert client.get(lookup, {"field": "parent", "choose": ann.pk}).status_code == 404
    assert "Ann Lee" not in client.get(reverse("clients:list"), {"q": "ann"}).content.decode()
    assert Client.objects.filter(pk=ann.pk, archived_at__isnull=True).exists()


def test_list_sorts_newest_first(client_as, owner, make_client):
    make_client(first_name="Older", last_name="Zed", email="older@example.com")
    make_client(first_name="Newer", last_name="Abe", email="newer@example.com")
    content = client_as(owner).get("/app/clients/?sort=newest").content.decode()
    assert content.index("Newer Abe") < content.index("Older Zed")
    content = client_as(owner).get("/app/clients/?sort=bogus").content.decode()
    assert content.index("Newer Abe") < content.index("Older Zed")  # name order: Abe first
