"""CSV export of the client list: the same filters as the list page, every matching client (not
one page), streamed in chunks, cells a spreadsheet would run escaped, and only the company's own
clients for the office."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.urls import reverse

from crewdesk.clients import exporting, importing
from crewdesk.clients.models import Client
from crewdesk.clients.services import client_archive, client_tag_add

URL = reverse("clients:export")


def exported(web, **query) -> list[dict]:
    response = web.get(URL, query)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets read it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


def names(rows) -> list[str]:
    return sorted(row["Last name"] or row["Company name"] for row in rows)


@pytest.fixture
def some_clients(owner, make_client):
    ann = make_client(
        first_name="Ann",
        last_name="Lee",
        email="ann@example.com",
        phones=[("mobile", "415 555 0101"), ("work", "415 555 0102")],
        client_type="residential",
        lead_source="Google",
        street="1 Oak St",
        city="Oakland",
        region="CA",
        postal_code="94607",
        rating=4,
        notes="Prefers mornings",
    )
    client_tag_add(actor=owner, client=ann, name="VIP")
    client_tag_add(actor=owner, client=ann, name="Airbnb")
    bob = make_client(
        first_name="Bob",
        last_name="Stone",
        client_type="commercial",
        phones=[("home", "510 555 0111")],
    )
    acme = make_client(
        kind="company",
        company_name="Acme Rentals",
        lead_source="Referral",
        phones=[("work", "510 555 0122")],
    )
    old = make_client(first_name="Old", last_name="Gone", email="old@example.com")
    client_archive(actor=owner, client=old)
    return {"ann": ann, "bob": bob, "acme": acme, "old": old}


def test_the_export_has_every_column(client_as, office, some_clients):
    rows = {row["Last name"]: row for row in exported(client_as(office))}
    ann = rows["Lee"]
    assert ann["ID"] == str(some_clients["ann"].pk)
    assert (ann["Kind"], ann["First name"], ann["Email"]) == ("person", "Ann", "ann@example.com")
    # One column per kind of phone (several of a kind share it), and the primary one first.
    assert (ann["Primary phone"], ann["Mobile phone"], ann["Work phone"]) == (
        "(415) 555-0101",
        "(415) 555-0101",
        "(415) 555-0102",
    )
    assert (ann["Home phone"], ann["Other phone"]) == ("", "")
    assert (ann["Street"], ann["City"], ann["Region"], ann["Postal code"], ann["Country"]) == (
        "1 Oak St",
        "Oakland",
        "CA",
        "94607",
        "US",
    )
    assert (ann["Client type"], ann["Lead source"], ann["Rating"]) == ("residential", "Google", "4")
    assert ann["Tags"] == "Airbnb, VIP"
    assert ann["Notes"] == "Prefers mornings"
    assert (ann["Tax exempt"], ann["Newsletter"]) == ("no", "no")
    assert ann["Created"][:4].isdigit()
    assert rows["Stone"]["Home phone"] == "(510) 555-0111"


def test_a_phone_of_another_country_is_exported_whole_and_safe(client_as, office, make_client):
    make_client(first_name="Ed", last_name="Hart", phones=[("mobile", "+44 7700 900123")])
    row = exported(client_as(office))[0]
    # International, with the apostrophe a cell starting with "+" gets (read back by the import).
    assert row["Mobile phone"] == "'+44 7700 900123"


def test_the_export_follows_the_list_filters(client_as, office, some_clients, owner):
    web = client_as(office)
    tag_id = some_clients["ann"].client_tags.select_related("tag").get(tag__name="VIP").tag_id
    assert names(exported(web)) == ["Acme Rentals", "Lee", "Stone"]  # archived ones hidden
    assert names(exported(web, archived="all")) == ["Acme Rentals", "Gone", "Lee", "Stone"]
    assert names(exported(web, archived="archived")) == ["Gone"]
    assert names(exported(web, q="stone")) == ["Stone"]
    assert names(exported(web, q="ann@example.com")) == ["Lee"]
    assert names(exported(web, type="commercial")) == ["Stone"]
    assert names(exported(web, source="referral")) == ["Acme Rentals"]
    assert names(exported(web, tag=tag_id)) == ["Lee"]
    # The longer names of the filters work too.
    assert names(exported(web, search="acme", client_type="")) == ["Acme Rentals"]
    assert names(exported(web, lead_source="google")) == ["Lee"]


def test_the_export_holds_every_match_not_one_page(client_as, office, make_client, monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK_SIZE", 7)  # many chunks, read by id
    for i in range(60):
        make_client(first_name=f"Sam{i}", last_name="Smith", email=f"sam{i}@example.com")
    make_client(first_name="Tom", last_name="Jones", email="tom@example.com")
    rows = exported(client_as(office), q="smith")
    assert len(rows) == 60
    ids = [int(row["ID"]) for row in rows]
    assert ids == sorted(ids) and len(set(ids)) == 60


def test_a_misspelt_search_exports_what_the_list_guesses(client_as, office, some_clients):
    assert names(exported(client_as(office), q="Ann Lea")) == ["Lee"]


@pytest.fixture
def checked_import(owner):
    def make(content: bytes):
        client_import, _notes = importing.import_upload(
            actor=owner, upload=SimpleUploadedFile("clients.csv", content)
        )
        importing.import_check(actor=owner, client_import=client_import)
        client_import.refresh_from_db()
        return client_import

    return make


def test_cells_a_spreadsheet_would_run_get_an_apostrophe(client_as, office, make_client):
    make_client(
        first_name='=HYPERLINK("http://evil.example")',
        last_name="+SUM(A1)",
        company_name="-2+3",
        billing_name="@cmd",
        email="ok@example.com",
        lead_source="\t=1",
    )
    row = exported(client_as(office))[0]
    assert row["First name"] == '\'=HYPERLINK("http://evil.example")'
    assert row["Last name"] == "'+SUM(A1)"
    assert row["Company name"] == "'-2+3"
    assert row["Billing name"] == "'@cmd"
    assert row["Email"] == "ok@example.com"


EVERY_FIELD = {
    "kind": "company",
    "first_name": "Rosa",  # the company's contact person
    "last_name": "Quintero",
    "company_name": "Quintero Holiday Homes",
    "billing_name": "QHH Accounts Payable",
    "email": "rosa@qhh.example",
    "street": "500 Shore Dr",
    "street2": "Suite 4",
    "city": "Santa Cruz",
    "region": "CA",
    "postal_code": "95060",
    "country": "US",
    "client_type": "commercial",
    "lead_source": "Referral",
    "rating": 5,
    "tax_exempt": True,
    "tax_id": "EIN 12-3456789",
    "newsletter": True,
    "preferred_contact": "sms",
    "language": "es",
    "notes": "Gate code 4411.\nKeys with the neighbour, “Ana”.\n=not a formula",
}


def test_the_export_reads_back_in_through_the_import_with_every_field(
    client_as, office, outsider, make_client, django_capture_on_commit_callbacks
):
    original = make_client(
        phones=[
            ("work", "(831) 555-0140"),  # the primary phone is not the mobile
            ("mobile", "(831) 555-0141"),
            ("mobile", "(831) 555-0142"),
            ("home", "(831) 555-0143"),
            ("other", "+44 20 7946 0958"),
        ],
        tags=["Vacation rental", "VIP"],
        **EVERY_FIELD,
    )
    make_client(first_name="Bob", last_name="Stone", phones=[("home", "510 555 0111")])
    response = client_as(office).get(URL)
    content = b"".join(response.streaming_content)
    client_import, _notes = importing.import_upload(
        actor=outsider, upload=SimpleUploadedFile("clients.csv", content)
    )
    assert client_import.mapping["ID"] == "" and client_import.mapping["Created"] == ""
    importing.import_check(actor=outsider, client_import=client_import)
    client_import.refresh_from_db()
    assert importing.import_preview(client_import).good == 2
    with django_capture_on_commit_callbacks(execute=True):
        importing.import_start(actor=outsider, client_import=client_import)

    copy = Client.objects.get(company=outsider.company, company_name="Quintero Holiday Homes")
    for name, value in EVERY_FIELD.items():
        assert getattr(copy, name) == value, name

    def phones(client):
        return [(p.kind, p.number, p.position) for p in client.phones.all()]

    assert (
        phones(copy)
        == phones(original)
        == [
            ("work", "+18315550140", 0),
            ("mobile", "+18315550141", 1),
            ("mobile", "+18315550142", 2),
            ("home", "+18315550143", 3),
            ("other", "+442079460958", 4),
        ]
    )
    assert sorted(ct.tag.name for ct in copy.client_tags.all()) == ["VIP", "Vacation rental"]
    bob = Client.objects.get(company=outsider.company, last_name="Stone")
    assert [(p.kind, p.number) for p in bob.phones.all()] == [("home", "+15105550111")]


def test_an_export_of_the_old_shape_still_reads_back_in(owner, checked_import):
    # Before one column per kind, every phone was in one "Phones" cell, each with its kind.
    content = (
        b"ID,Kind,First name,Last name,Email,Phones\n"
        b"7,person,Ann,Lee,ann@example.com,mobile: +14155550101; work: +14155550102\n"
    )
    client_import = checked_import(content)
    assert client_import.mapping["Phones"] == "phone:mobile"
    assert importing.import_preview(client_import).good == 1


def test_the_export_is_a_streamed_download(client_as, office, some_clients):
    response = client_as(office).get(URL)
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="clients-')


def test_the_export_takes_the_same_queries_for_3_or_30_clients(
    client_as, office, make_client, django_assert_max_num_queries
):
    web = client_as(office)

    def run():
        return b"".join(web.get(URL).streaming_content)

    for i in range(3):
        make_client(first_name=f"A{i}", last_name="Doe", email=f"a{i}@example.com")
    with django_assert_max_num_queries(20) as few:
        run()
    for i in range(27):
        make_client(first_name=f"B{i}", last_name="Roe", email=f"b{i}@example.com")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert run().count(b"\n") == 31


def test_another_companys_clients_are_never_exported(client_as, outsider, some_clients):
    web = client_as(outsider)
    assert exported(web) == []
    assert exported(web, archived="all") == []
    # Their tag id filters nothing in; it does not leak anything out.
    tag_id = some_clients["ann"].client_tags.first().tag_id
    assert exported(web, tag=tag_id) == []


@pytest.mark.parametrize("role", ["employee", "customer"])
def test_employees_and_customers_may_not_export(request, client_as, role, some_clients):
    assert client_as(request.getfixturevalue(role)).get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_the_owner_may_export(client_as, owner, some_clients):
    assert len(exported(client_as(owner))) == 3
