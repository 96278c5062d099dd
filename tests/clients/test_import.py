"""CSV import of clients: exports of Jobber and QuickBooks map themselves, every row is checked
with the services' rules and the duplicate check, only good rows are saved (as client_create
would save them), rejected rows come back as a report, and every page is for the office of the
company only."""

import csv
import io
import random
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crewdesk.clients import duplicates, importing, services
from crewdesk.clients.duplicates import ClientDraft, candidate_ids
from crewdesk.clients.importing import batches, decoding, lifecycle
from crewdesk.clients.importing.columns import MSG_MAPPING_NO_NAME
from crewdesk.clients.importing.preview import MSG_CHOICE_TOO_LATE
from crewdesk.clients.indexing import client_match_keys, tokens_for
from crewdesk.clients.models import (
    Client,
    ClientImport,
    ClientImportRow,
    ClientMatchKey,
    ClientPhone,
    ClientTag,
    ClientToken,
    ImportRowKind,
    ImportStatus,
    Tag,
)
from crewdesk.clients.selectors import ClientFilters, client_page
from crewdesk.clients.services import ClientInput, client_create, duplicates_for_input
from crewdesk.core.models import Activity

FIXTURES = Path(__file__).parent / "fixtures"
JOBBER = FIXTURES / "jobber_clients.csv"
QUICKBOOKS = FIXTURES / "quickbooks_customers.csv"
HOUSECALL_PRO = FIXTURES / "housecall_pro_customers.csv"


def csv_bytes(rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def upload(actor, content: bytes | Path, name: str = "clients.csv") -> ClientImport:
    if isinstance(content, Path):
        content, name = content.read_bytes(), content.name
    client_import, _notes = importing.import_upload(
        actor=actor, upload=SimpleUploadedFile(name, content)
    )
    return client_import


@pytest.fixture
def checked(owner):
    """upload + check: the import as the preview shows it."""

    def make(content, name="clients.csv", actor=None):
        client_import = upload(actor or owner, content, name)
        importing.import_check(actor=actor or owner, client_import=client_import)
        client_import.refresh_from_db()
        return client_import

    return make


@pytest.fixture
def imported(owner, checked, django_capture_on_commit_callbacks):
    """upload + check + import (the background task runs in-process)."""

    def make(content, name="clients.csv", actor=None, import_duplicates=False):
        client_import = checked(content, name, actor)
        for kind in (ImportRowKind.DUPLICATE, ImportRowKind.REPEAT):
            importing.import_choose(
                actor=actor or owner,
                client_import=client_import,
                kind=kind,
                import_it=import_duplicates,
            )
        with django_capture_on_commit_callbacks(execute=True):
            importing.import_start(actor=actor or owner, client_import=client_import)
        client_import.refresh_from_db()
        return client_import

    return make


def report_rows(client_import) -> list[list[str]]:
    with client_import.report.open("rb") as report:
        return list(csv.reader(io.StringIO(report.read().decode("utf-8-sig"))))


# --- recognising exports ---


def test_a_jobber_client_export_maps_itself(owner):
    client_import = upload(owner, JOBBER)
    assert client_import.total_rows == 6
    mapping = client_import.mapping
    assert mapping["First Name"] == "first_name"
    assert mapping["Last Name"] == "last_name"
    assert mapping["Company Name"] == "company_name"
    assert mapping["Is Company?"] == "kind"
    assert mapping["Display Name"] == "full_name"
    assert mapping["E-mails"] == "email"  # was not recognised: every email was dropped
    # Jobber's "Main" phone says nothing of the kind: it is not taken as a mobile.
    assert mapping["Main Phone #s"] == "phone:main"
    assert mapping["Mobile Phone #s"] == "phone:mobile"
    assert mapping["Work Phone #s"] == "phone:work"
    assert mapping["Home Phone #s"] == "phone:home"
    assert mapping["Other Phone #s"] == "phone:other"
    assert mapping["Billing Street 1"] == "street"
    assert mapping["Billing Street 2"] == "street2"
    assert mapping["Billing City"] == "city"
    assert mapping["Billing State"] == "region"
    assert mapping["Billing Zip code"] == "postal_code"
    assert mapping["Billing Country"] == "country"
    assert mapping["Tags"] == "tags"
    assert mapping["Lead Source"] == "lead_source"
    # The property's address, faxes and Jobber's own bookkeeping are not client fields.
    for ignored in (
        "J-ID",
        "Title",
        "Fax Phone #s",
        "Service Property Name",
        "Service Street 1",
        "Service City",
        "Created Date",
        "Archived",
        "CFT[Gate code]",
    ):
        assert mapping[ignored] == "", ignored


def test_a_housecall_pro_customer_export_maps_itself_and_imports(imported, owner):
    client_import = imported(HOUSECALL_PRO)
    assert client_import.mapping == {
        "First Name": "first_name",
        "Last Name": "last_name",
        "Display Name": "full_name",
        "Company": "company_name",
        "Role": "",
        "Email": "email",
        "Mobile Number": "phone:mobile",
        "Home Number": "phone:home",
        "Work Number": "phone:work",
        "Customer Tags": "tags",
        "Lead Source": "lead_source",
        "Address": "street",
        "Street Line 2": "street2",
        "City": "city",
        "State": "region",
        "Zip": "postal_code",
        "Notes": "notes",
    }
    assert client_import.imported_count == 3
    priya = Client.objects.get(email="priya.rahman@example.com")
    assert priya.notes == "Gate code 4411; two dogs"
    assert [(p.kind, p.number) for p in priya.phones.all()] == [
        ("mobile", "+15125550181"),
        ("home", "+15125550182"),
    ]
    assert sorted(ct.tag.name for ct in priya.client_tags.all()) == ["Pool", "Recurring"]
    luis = Client.objects.get(last_name="Ortega")
    assert (luis.company_name, luis.street2) == ("Ortega Landscaping", "Suite 300")
    assert [(p.kind, p.number) for p in luis.phones.all()] == [
        ("mobile", "+15125550190"),
        ("work", "+15125550191"),
    ]
    grace = Client.objects.get(last_name="Kim")
    assert [(p.kind, p.number) for p in grace.phones.all()] == [("home", "+17375550155")]


def test_a_quickbooks_customer_list_maps_itself_despite_its_bom(owner):
    client_import = upload(owner, QUICKBOOKS)
    assert client_import.headers[0] == "Customer"  # the byte-order mark is not in the name
    assert client_import.mapping == {
        "Customer": "full_name",
        "Company": "company_name",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Main Email": "email",
        "Phone": "phone:mobile",
        "Mobile": "phone:mobile",
        "Billing Address Line 1": "street",
        "Billing Address City": "city",
        "Billing Address State": "region",
        "Billing Address Postal Code": "postal_code",
        "Billing Address Country": "country",
        "Tax Resale No.": "tax_id",
        "Open Balance": "",
        "Notes": "notes",
    }


def test_plain_field_names_and_a_semicolon_delimiter_are_recognised(owner):
    content = csv_bytes(
        [
            ["first_name", "last_name", "email", "postal_code", "client_type"],
            ["Ann", "Lee", "ann@example.com", "94110", "Residential"],
        ],
        delimiter=";",
    )
    client_import = upload(owner, content)
    assert client_import.mapping == {
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "postal_code": "postal_code",
        "client_type": "client_type",
    }


# --- bad files are refused with a message, and nothing is stored ---


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, decoding.MSG_BINARY),
        (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200, decoding.MSG_SPREADSHEET),
        (b"Email,Phone\nann@example.com,555 0100\n", "We found no name column"),
        (b"", "file is empty"),
        (b"First Name,Last Name,Email\n", decoding.MSG_NO_ROWS),
    ],
    ids=["binary", "spreadsheet", "no-name-column", "empty", "headers-only"],
)
def test_a_file_that_is_not_a_client_list_is_refused_on_the_page(
    client_as, office, content, message
):
    response = client_as(office).post(
        reverse("clients:import"), {"file": SimpleUploadedFile("clients.csv", content)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert str(message)[:40] in page.replace("&#x27;", "'").replace("&quot;", '"')
    assert 'aria-invalid="true"' in page
    assert not ClientImport.objects.exists()


def test_a_windows_1252_file_is_read_with_a_note(client_as, office):
    content = csv_bytes(
        [["First Name", "Last Name", "Email"], ["José", "Muñoz", "jose@example.com"]],
        encoding="cp1252",
    )
    response = client_as(office).post(
        reverse("clients:import"),
        {"file": SimpleUploadedFile("clients.csv", content)},
        follow=True,
    )
    assert "Windows-1252" in response.content.decode()
    client_import = ClientImport.objects.get()
    assert importing.import_samples(client_import)["First Name"] == ["José"]


def test_a_utf16_file_with_a_bom_is_read(owner, checked):
    content = "First Name\tLast Name\tEmail\nZoë\tÑúñez\tzoe@example.com\n".encode("utf-16")
    client_import = checked(content)
    assert client_import.mapping["Last Name"] == "last_name"
    assert importing.import_preview(client_import).good == 1


def test_a_file_over_50_mb_is_refused(owner, monkeypatch):
    monkeypatch.setattr(decoding, "MAX_UPLOAD_BYTES", 10)
    with pytest.raises(ValidationError) as refused:
        upload(owner, b"First Name,Email\nAnn,ann@example.com\n")
    assert refused.value.messages == [str(decoding.MSG_TOO_BIG)]


def test_unbalanced_quotes_do_not_crash(owner, checked):
    client_import = checked(b'First Name,Email\n"Ann,ann@example.com\nBob,bob@example.com\n')
    assert client_import.status == ImportStatus.PREVIEWED  # read as one long cell; checked


def test_a_header_row_of_thousands_of_columns_is_refused_at_once(owner):
    # 20,000 identical cells (80 KB) used to take minutes to number ("Name (2)"...).
    content = ",".join(["Name"] * 20_000).encode() + b"\n" + b"Ann\n"
    with pytest.raises(ValidationError) as refused:
        upload(owner, content)
    assert refused.value.messages == [
        str(decoding.MSG_TOO_MANY_COLUMNS) % {"count": 20_000, "most": decoding.MAX_COLUMNS}
    ]
    assert not ClientImport.objects.exists()


def test_blank_columns_at_the_end_of_the_header_row_do_not_count(owner):
    # A spreadsheet that once had a cell far to the right saves a long tail of empty columns.
    content = b"First Name,Email" + b"," * 5_000 + b"\nAnn,ann@example.com\n"
    assert upload(owner, content).headers == ["First Name", "Email"]


@pytest.mark.timeout(60)  # linear: milliseconds; the quadratic numbering took minutes
def test_repeated_headers_are_numbered_in_linear_time():
    headers = decoding._unique_headers(["Name"] * 50_000)
    assert headers[:3] == ["Name", "Name (2)", "Name (3)"] and headers[-1] == "Name (50000)"
    assert len(set(headers)) == 50_000
    # A number already taken by a real column is skipped, whatever the case.
    assert decoding._unique_headers(["Tag", "tag (2)", "TAG", "Tag", ""]) == [
        "Tag",
        "tag (2)",
        "TAG (3)",
        "Tag (4)",
        "Column 5",
    ]


# --- the mapping step ---


def test_the_mapping_page_shows_the_guess_and_saves_an_edit(client_as, office):
    client_import = upload(office, JOBBER)
    web = client_as(office)
    url = reverse("clients:import_mapping", args=[client_import.pk])
    page = web.get(url).content.decode()
    email_column = client_import.headers.index("E-mails")
    assert f'name="column_{email_column}"' in page
    assert '<option value="email" selected>' in page
    assert "maria.gonzalez@example.com" in page  # sample values beside each column

    data = {f"column_{i}": client_import.mapping[h] for i, h in enumerate(client_import.headers)}
    data[f"column_{client_import.headers.index('Work Phone #s')}"] = "phone:other"
    data[f"column_{client_import.headers.index('Lead Source')}"] = ""
    response = web.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("clients:import_preview", args=[client_import.pk])
    client_import.refresh_from_db()
    assert client_import.mapping["Work Phone #s"] == "phone:other"
    assert client_import.mapping["Lead Source"] == ""
    assert client_import.status == ImportStatus.PREVIEWED  # a small file is checked at once


def test_a_mapping_without_a_name_column_is_refused(client_as, office):
    client_import = upload(office, QUICKBOOKS)
    data = {f"column_{i}": "" for i in range(len(client_import.headers))}
    data["column_4"] = "email"
    response = client_as(office).post(
        reverse("clients:import_mapping", args=[client_import.pk]), data
    )
    assert response.status_code == 200
    assert str(MSG_MAPPING_NO_NAME) in response.content.decode()
    client_import.refresh_from_db()
    assert client_import.mapping["Customer"] == "full_name"  # unchanged


def test_one_field_from_two_columns_is_refused_on_the_second(client_as, office):
    client_import = upload(office, QUICKBOOKS)
    data = {f"column_{i}": client_import.mapping[h] for i, h in enumerate(client_import.headers)}
    data["column_13"] = "email"  # "Open Balance" as a second email column
    response = client_as(office).post(
        reverse("clients:import_mapping", args=[client_import.pk]), data
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_column_13-error"' in page and "Main Email" in page


def test_tags_split_on_commas_and_semicolons_and_phone_columns_keep_their_kind(imported, owner):
    imported(JOBBER)
    sunrise = Client.objects.get(company_name="Sunrise Rentals LLC")
    assert (sunrise.kind, sunrise.first_name) == ("company", "Dana")  # "Is Company?" = true
    assert sorted(ct.tag.name for ct in sunrise.client_tags.all()) == ["Airbnb", "Net 30"]
    # A company's main number is its work number; the fax column is not a phone to call.
    assert [(p.kind, p.number) for p in sunrise.phones.all()] == [
        ("work", "+14155550102"),
        ("work", "+14155550199"),
    ]
    maria = Client.objects.get(email="maria.gonzalez@example.com")
    assert maria.kind == "person"
    # Jobber repeats the main phone as the mobile one: stored once, as the mobile it is.
    assert [(p.kind, p.number) for p in maria.phones.all()] == [("mobile", "+14155550101")]
    assert sorted(ct.tag.name for ct in maria.client_tags.all()) == ["Airbnb", "VIP"]
    tom = Client.objects.get(last_name="O'Brien")
    assert [(p.kind, p.number) for p in tom.phones.all()] == [
        ("mobile", "+15105550103"),
        ("home", "+15105550104"),
    ]
    # Tags are company-wide: "Airbnb" exists once although two rows name it.
    assert Tag.objects.filter(company=owner.company, name="Airbnb").count() == 1


def test_an_emails_cell_with_several_addresses_keeps_the_first_and_notes_the_others(imported):
    imported(JOBBER)
    sunrise = Client.objects.get(company_name="Sunrise Rentals LLC")
    assert sunrise.email == "office@sunrise-rentals.example"
    assert sunrise.notes == "Other emails: billing@sunrise-rentals.example"
    rows = [
        ["Name", "Emails", "Notes"],
        ["Ann Lee", "ann@example.com; ann.lee@work.example ann@old.example", "Gate 12"],
    ]
    imported(csv_bytes(rows))
    ann = Client.objects.get(last_name="Lee")
    assert ann.email == "ann@example.com"
    assert ann.notes == "Gate 12\nOther emails: ann.lee@work.example, ann@old.example"


def test_an_email_cell_that_is_not_a_list_of_addresses_is_quoted_whole(checked):
    rows = [["Name", "Email"], ["Ann Lee", "ann at example, dot com"]]
    (problem,) = checked(csv_bytes(rows)).problem_rows.all()
    assert problem.summary == "Ann Lee · ann at example, dot com"
    assert problem.messages == ["Email: Enter a valid email address."]


def test_a_main_phone_of_unknown_kind_is_kept_as_other_unless_another_column_says(imported):
    rows = [
        ["First Name", "Last Name", "Primary Phone", "Home Phone", "Mobile"],
        ["Ann", "Lee", "415 555 0101", "", ""],  # a person's main number: kind unknown
        ["Bo", "Li", "415 555 0111", "415 555 0112", "415 555 0111"],  # it is the mobile
    ]
    imported(csv_bytes(rows))
    ann = Client.objects.get(last_name="Lee")
    assert [(p.kind, p.number) for p in ann.phones.all()] == [("other", "+14155550101")]
    bo = Client.objects.get(last_name="Li")
    # The main number stays first (the primary phone), with the kind the other column gives.
    assert [(p.kind, p.number, p.position) for p in bo.phones.all()] == [
        ("mobile", "+14155550111", 0),
        ("home", "+14155550112", 1),
    ]


# --- the preview ---


def problem_rows(client_import) -> dict[int, ClientImportRow]:
    return {p.row: p for p in client_import.problem_rows.all()}


def preview_page(web, client_import, **query) -> str:
    url = reverse("clients:import_preview", args=[client_import.pk])
    response = web.get(url, query)
    assert response.status_code == 200
    return response.content.decode()


def test_the_preview_counts_good_bad_and_duplicate_rows_with_reasons(client_as, office, checked):
    client_import = checked(JOBBER, actor=office)
    preview = importing.import_preview(client_import)
    assert (preview.rows, preview.good, preview.with_errors, preview.duplicates) == (6, 3, 2, 1)
    by_row = problem_rows(client_import)
    assert by_row[5].messages == ["Email: Enter a valid email address."]
    assert "at least one way to reach" in by_row[6].messages[0]
    assert by_row[7].kind == ImportRowKind.REPEAT and by_row[7].like_row == 2
    assert by_row[7].messages == ["Same email as row 2 of this file: maria.gonzalez@example.com."]

    html = preview_page(client_as(office), client_import)
    assert 'id="count-good">3<' in html and 'id="count-errors">2<' in html
    assert 'id="count-duplicates">1<' in html
    assert "Enter a valid email address." in html and "Same email as row 2" in html


def test_rows_are_checked_with_the_services_rules(checked):
    rows = [
        ["First Name", "Last Name", "Email", "Phone", "Zip", "Country", "Rating", "Client Type"],
        ["Ann", "Lee", "ann@example.com", "", "94110", "US", "4", "Residential"],  # good
        ["Bo", "Li", "bo@example.com", "12", "", "", "", ""],  # unreadable phone
        ["Cy", "Ng", "cy@example.com", "", "ABCDE", "US", "", ""],  # postal code of the US
        ["Di", "Ho", "di@example.com", "", "", "", "9", ""],  # rating out of range
        ["Ed", "Wu", "ed@example.com", "", "", "Narnia", "", ""],  # unknown country
        ["Fa", "Yu", "fa@example.com", "", "", "", "", "Spaceship"],  # not a client type
        ["", "", "gi@example.com", "", "", "", "", ""],  # no name at all
        ["Hu", "Ko", "hu@example.com", "", "2134", "United States", "", ""],  # zip lost its 0
        ["Ida", "x" * 120, "ida@example.com", "", "", "", "", ""],  # longer than the field
    ]
    client_import = checked(csv_bytes(rows))
    reasons = {row: " ".join(p.messages) for row, p in problem_rows(client_import).items()}
    assert "is not a phone number" in reasons[3]
    assert "postal code of US" in reasons[4]
    assert "rating" in reasons[5].lower()
    assert "Narnia" in reasons[6]
    assert "Spaceship" in reasons[7]
    assert "first or last name" in reasons[8]
    assert "at most 100 characters" in reasons[10]
    assert 9 not in reasons and 2 not in reasons
    assert importing.import_preview(client_import).good == 2


def test_a_row_like_an_existing_client_is_a_likely_duplicate(checked, make_client):
    wei = make_client(first_name="Wei", last_name="Chen", email="wei.chen@example.com")
    client_import = checked(QUICKBOOKS)
    preview = importing.import_preview(client_import)
    assert (preview.good, preview.duplicates, preview.like_clients) == (3, 1, 1)
    (row,) = preview.problems
    assert (row.kind, row.like_client_id) == (ImportRowKind.DUPLICATE, wei.pk)
    assert row.messages == [
        f"Looks like Wei Chen, client #{wei.pk} (same email, same name): wei.chen@example.com."
    ]


def test_a_duplicate_row_shows_the_phone_and_email_that_matched(
    client_as, office, checked, make_client
):
    make_client(first_name="Maria", last_name="Gonzalez", phones=[("mobile", "415 555 0101")])
    make_client(company_name="Sunrise Rentals LLC", kind="company", email="office@sunrise.example")
    rows = [
        ["Name", "Phone", "Email"],
        ["M. Gonzalez", "+1 (415) 555-0101", ""],  # the same phone, written otherwise
        ["Sunrise Rentals", "", "OFFICE@sunrise.example"],  # the same email
    ]
    client_import = checked(csv_bytes(rows), actor=office)
    by_row = problem_rows(client_import)
    assert "same phone" in by_row[2].messages[0] and "(415) 555-0101" in by_row[2].messages[0]
    assert "same email" in by_row[3].messages[0]
    assert "office@sunrise.example" in by_row[3].messages[0]
    html = preview_page(client_as(office), client_import)
    assert "(415) 555-0101" in html and "office@sunrise.example" in html


def test_a_row_like_another_companys_client_is_not_a_duplicate(checked, make_client, outsider):
    make_client(actor=outsider, first_name="Wei", last_name="Chen", email="wei.chen@example.com")
    assert importing.import_preview(checked(QUICKBOOKS)).duplicates == 0


def test_repeats_within_a_file_by_email_phone_or_name_and_postal_code(checked):
    rows = [
        ["First Name", "Last Name", "Email", "Phone", "Zip"],
        ["Ann", "Lee", "ann@example.com", "", ""],
        ["Annie", "Lee", "ANN@example.com", "", ""],  # same email, other case
        ["Bo", "Li", "", "(415) 555-0111", ""],
        ["Bob", "Lin", "", "+1 415 555 0111", ""],  # same phone, other format
        ["Cy", "Ng", "cy1@example.com", "", "94110"],
        ["Cy", "Ng", "cy2@example.com", "", "94110"],  # same name and postal code
    ]
    client_import = checked(csv_bytes(rows))
    assert {row: p.messages for row, p in problem_rows(client_import).items()} == {
        3: ["Same email as row 2 of this file: ann@example.com."],
        5: ["Same phone as row 4 of this file: (415) 555-0111."],
        7: ["Same name and postal code as row 6 of this file: Cy Ng, 94110."],
    }


def reimport_rows(count: int, errors_at: tuple[int, ...] = ()) -> list[list[str]]:
    """A file whose first rows repeat each other (as a re-import's all look like clients), with
    rows with errors at the end."""
    rows = [["First Name", "Last Name", "Email"], ["Ann", "Lee", "ann@example.com"]]
    rows += [[f"Ann{i}", "Lee", "ann@example.com"] for i in range(count)]
    rows += [[f"Bad{i}", "Row", "not-an-email"] for i in errors_at]
    return rows


def test_errors_come_first_however_many_duplicates_are_before_them(client_as, office, checked):
    client_import = checked(csv_bytes(reimport_rows(120, errors_at=(1, 2))), actor=office)
    web = client_as(office)
    html = preview_page(web, client_import)
    # Both errors, at rows 123 and 124, are on the first page, above the 120 duplicates.
    assert html.count("Enter a valid email address.") == 2
    assert html.index("Bad1") < html.index("Ann0")
    # Counts per kind of problem, each a filter.
    assert "Errors <span" in html and ">2</span>" in html
    assert ">120</span>" in html
    errors_only = preview_page(web, client_import, show="error")
    assert errors_only.count("Enter a valid email address.") == 2 and "Ann0" not in errors_only
    repeats = preview_page(web, client_import, show="repeat")
    assert "Bad1" not in repeats and "Ann0" in repeats and "Ann50" not in repeats
    second = preview_page(web, client_import, show="repeat", page=2)
    assert "Ann50" in second and "Ann0" not in second
    # Nonsense in the query string is no filter and no 500.
    for query in ({"show": "<x>"}, {"page": "-3"}, {"page": "99999999999999999999"}):
        assert "Bad1" in preview_page(web, client_import, **query)


def test_duplicates_are_skipped_unless_chosen_row_by_row(
    owner, checked, django_capture_on_commit_callbacks
):
    client_import = checked(csv_bytes(reimport_rows(5)))
    preview = importing.import_preview(client_import)
    assert (preview.repeats, preview.repeats_imported, preview.to_import) == (5, 0, 1)
    importing.import_choose(actor=owner, client_import=client_import, row=4, import_it=True)
    importing.import_choose(actor=owner, client_import=client_import, row=6, import_it=True)
    preview = importing.import_preview(client_import)
    assert (preview.repeats_imported, preview.to_import) == (2, 3)
    with django_capture_on_commit_callbacks(execute=True):
        importing.import_start(actor=owner, client_import=client_import)
    client_import.refresh_from_db()
    assert (client_import.imported_count, client_import.duplicate_count) == (3, 3)
    assert sorted(Client.objects.values_list("first_name", flat=True)) == ["Ann", "Ann1", "Ann3"]
    skipped = [row[0] for row in report_rows(client_import)[1:]]
    assert skipped == ["Ann0", "Ann2", "Ann4"]


def test_a_kind_of_duplicate_can_be_imported_whole_and_rows_still_skipped(
    owner, checked, make_client, django_capture_on_commit_callbacks
):
    make_client(first_name="Zed", last_name="Old", email="zed@example.com")
    rows = reimport_rows(3) + [["Zed", "Old", "zed@example.com"]]
    client_import = checked(csv_bytes(rows))
    importing.import_choose(actor=owner, client_import=client_import, row=3, import_it=False)
    importing.import_choose(
        actor=owner, client_import=client_import, kind=ImportRowKind.REPEAT, import_it=True
    )
    preview = importing.import_preview(client_import)
    # "Import all" of a kind starts the kind afresh: the row skipped before is imported too.
    assert (preview.repeats_imported, preview.like_clients_imported) == (3, 0)
    importing.import_choose(actor=owner, client_import=client_import, row=4, import_it=False)
    with django_capture_on_commit_callbacks(execute=True):
        importing.import_start(actor=owner, client_import=client_import)
    client_import.refresh_from_db()
    assert (client_import.imported_count, client_import.duplicate_count) == (3, 2)
    assert Client.objects.filter(first_name="Zed").count() == 1  # the saved one only


def test_only_likely_duplicates_are_chosen_and_only_before_the_import(
    owner, checked, django_capture_on_commit_callbacks
):
    client_import = checked(csv_bytes(reimport_rows(1, errors_at=(1,))))
    for row in (2, 4, 999):  # a good row, a row with errors, no row
        with pytest.raises(ValidationError):
            importing.import_choose(
                actor=owner, client_import=client_import, row=row, import_it=True
            )
    with pytest.raises(ValidationError):
        importing.import_choose(
            actor=owner, client_import=client_import, kind=ImportRowKind.ERROR, import_it=True
        )
    with django_capture_on_commit_callbacks(execute=True):
        importing.import_start(actor=owner, client_import=client_import)
    with pytest.raises(ValidationError) as late:
        importing.import_choose(actor=owner, client_import=client_import, row=3, import_it=True)
    assert late.value.messages == [str(MSG_CHOICE_TOO_LATE)]


def test_the_choice_of_a_row_is_made_on_the_page_with_or_without_htmx(client_as, office, checked):
    client_import = checked(csv_bytes(reimport_rows(60)), actor=office)
    web = client_as(office)
    url = reverse("clients:import_choose", args=[client_import.pk])
    page_two = reverse("clients:import_preview", args=[client_import.pk]) + "?show=repeat&page=2"
    response = web.post(url, {"row": 55, "choice": "import", "show": "repeat", "page": 2})
    assert response.status_code == 302 and response.url == page_two
    assert problem_rows(client_import)[55].import_it is True
    fragment = web.post(
        url, {"row": 56, "choice": "import"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert 'id="import-row-56"' in fragment and "<html" not in fragment
    assert 'hx-swap-oob="true"' in fragment  # the counts and the start button follow
    assert "2 of 60 likely duplicates will be imported" in fragment.replace("\n", " ")
    response = web.post(url, {"kind": "repeat", "choice": "skip"})
    assert importing.import_preview(client_import).repeats_imported == 0
    # A row that cannot be chosen is a message, not a 500.
    response = web.post(url, {"row": 2, "choice": "import"}, follow=True)
    assert "not a likely duplicate" in response.content.decode()
    assert web.post(url, {"row": "x", "choice": "maybe"}).status_code == 302


def test_the_batch_prefilter_asks_for_the_keys_the_duplicate_check_uses(owner, monkeypatch):
    asked = []
    lookup = ClientMatchKey.objects.filter

    def spy(*args, **kwargs):
        asked.append(set(kwargs.get("key__in", ())))
        return lookup(*args, **kwargs)

    monkeypatch.setattr(ClientMatchKey.objects, "filter", spy)
    for draft in (
        ClientDraft(first_name="John", last_name="Smith", emails=["j.smith+x@example.com"]),
        ClientDraft(company_name="Acme, Inc.", phones=["+14155550100"]),
    ):
        candidate_ids(owner.company_id, draft)
        assert asked[-1] == duplicates.draft_keys(draft)


def test_a_big_file_is_checked_in_the_background_while_the_page_polls(
    client_as, office, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(lifecycle, "SYNC_CHECK_ROWS", 2)
    client_import = upload(office, JOBBER)
    web = client_as(office)
    data = {f"column_{i}": client_import.mapping[h] for i, h in enumerate(client_import.headers)}
    with django_capture_on_commit_callbacks(execute=False) as queued:
        web.post(reverse("clients:import_mapping", args=[client_import.pk]), data)
    client_import.refresh_from_db()
    assert client_import.status == ImportStatus.UPLOADED and len(queued) == 1
    preview_url = reverse("clients:import_preview", args=[client_import.pk])
    page = web.get(preview_url).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'role="progressbar"' in page
    queued[0]()  # the worker runs the check
    response = web.get(preview_url, headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == preview_url  # the poll ends in the full preview
    assert 'id="count-good">3<' in web.get(preview_url).content.decode()


# --- the import ---


def test_import_saves_the_good_rows_searchable_and_duplicate_checkable(imported, owner):
    client_import = imported(QUICKBOOKS)
    assert client_import.status == ImportStatus.DONE
    assert (client_import.imported_count, client_import.rejected_count) == (4, 0)
    assert client_import.percent_done == 100 and client_import.finished_at

    def search(text):
        return [
            c.display_name
            for c in client_page(viewer=owner, filters=ClientFilters(search=text)).clients
        ]

    assert search("nunez") == ["Zoë Ñúñez"]
    assert search("212 555 0150") == ["Acme Property Management"]
    assert search("jane") == ["Jane Doe"]  # the name column split into first and last
    acme = Client.objects.get(company_name="Acme Property Management")
    assert (acme.kind, acme.tax_id, acme.notes, acme.country) == (
        "company",
        "RS-88231",
        "Net 30 terms",
        "US",
    )
    found = duplicates_for_input(
        actor=owner, data=ClientInput(fields={"first_name": "Wei", "last_name": "Chen"}, phones=[])
    )
    assert [c.client.last_name for c in found] == ["Chen"]


def test_an_imported_client_is_stored_as_client_create_stores_it(imported, owner, outsider):
    imported(QUICKBOOKS)
    mine = Client.objects.get(company=owner.company, email="wei.chen@example.com")
    theirs = client_create(
        actor=outsider,
        data=ClientInput(
            fields={
                "first_name": "Wei",
                "last_name": "Chen",
                "email": "wei.chen@example.com",
                "street": "88 Mott St",
                "city": "New York",
                "region": "NY",
                "postal_code": "10013",
                "country": "US",
            },
            phones=[("mobile", "(646) 555-0151")],
        ),
    )

    def stored(client):
        return {
            "sort_key": client.sort_key,
            "phones": [
                (p.kind, p.number, p.position) for p in ClientPhone.objects.filter(client=client)
            ],
            "tokens": sorted(
                ClientToken.objects.filter(client=client).values_list("token", flat=True)
            ),
            "keys": sorted(
                ClientMatchKey.objects.filter(client=client).values_list("key", flat=True)
            ),
            "history": list(client.history.values_list("history_type", flat=True)),
            "created_by": client.created_by_id is not None,
        }

    assert stored(mine) == stored(theirs)
    assert set(stored(mine)["tokens"]) == tokens_for(mine, ["+16465550151"])
    assert set(stored(mine)["keys"]) == client_match_keys(mine, ["+16465550151"])


def test_likely_duplicates_are_skipped_unless_asked_for(imported, owner):
    skipped = imported(JOBBER)
    assert (skipped.imported_count, skipped.rejected_count, skipped.duplicate_count) == (3, 2, 1)
    assert Client.objects.filter(email="maria.gonzalez@example.com").count() == 1

    again = imported(JOBBER, import_duplicates=True)
    # Now every valid row is a duplicate of what the first import saved, and all are imported.
    assert (again.imported_count, again.rejected_count, again.duplicate_count) == (4, 2, 0)
    assert Client.objects.filter(email="maria.gonzalez@example.com").count() == 3


def test_one_activity_entry_per_import(imported, owner):
    imported(JOBBER)
    entries = Activity.objects.filter(company=owner.company, verb__startswith="client.")
    assert [(a.verb, a.data) for a in entries] == [
        ("client.imported", {"name": "jobber_clients.csv", "count": 3})
    ]


def test_the_report_lists_rejected_rows_with_their_original_columns_and_error(
    imported, client_as, office
):
    client_import = imported(JOBBER, actor=office)
    response = client_as(office).get(reverse("clients:import_report", args=[client_import.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "jobber_clients-rejected.csv" in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode("utf-8-sig")  # closes the file
    rows = list(csv.reader(io.StringIO(content)))
    header = client_import.headers + ["error"]
    assert rows[0] == header
    assert [row[0] for row in rows[1:]] == ["1004_2004", "1005_2005", "1006_2006"]  # J-ID
    assert rows[1][-1] == "Email: Enter a valid email address."
    assert rows[3][-1].startswith("Skipped as a likely duplicate")


def test_report_cells_that_a_spreadsheet_would_run_are_escaped_and_read_back(imported):
    rows = [
        ["First Name", "Last Name", "Email"],
        ['=HYPERLINK("x")', "Lee", "bad"],
        ["Ann", "-Lee", "ann@example.com"],
    ]
    client_import = imported(csv_bytes(rows))
    assert report_rows(client_import)[1][0] == '\'=HYPERLINK("x")'
    assert Client.objects.get().last_name == "-Lee"
    # The report, fixed and uploaded again, loses the apostrophe.
    fixed = [["First Name", "Last Name", "Email"], ["'=Ann", "Lee", "ann2@example.com"]]
    imported(csv_bytes(fixed))
    assert Client.objects.filter(first_name="=Ann").exists()


def test_ten_thousand_bad_rows_are_all_reported_and_nothing_is_saved(
    owner, django_capture_on_commit_callbacks
):
    problems = [
        lambda i: [f"Ann{i}", "Lee", f"not-an-email-{i}", "", "", ""],
        lambda i: [f"Bo{i}", "Li", "", "", "", ""],  # no way to reach them
        lambda i: [f"Cy{i}", "Ng", f"cy{i}@example.com", "12", "", ""],  # bad phone
        lambda i: [f"Di{i}", "Ho", f"di{i}@example.com", "", "ABCDE", "US"],  # bad postal code
        lambda i: ["", "", f"ed{i}@example.com", "", "", ""],  # no name
        lambda i: [f"Fa{i}", "Yu", f"fa{i}@example.com", "", "", "Atlantis"],  # unknown country
    ]
    rows = [["First Name", "Last Name", "Email", "Phone", "Zip", "Country"]]
    rows += [problems[i % len(problems)](i) for i in range(10_000)]
    client_import = upload(owner, csv_bytes(rows), "bad.csv")
    assert client_import.total_rows == 10_000
    with django_capture_on_commit_callbacks(execute=True):  # big: checked in the background
        importing.import_check_begin(actor=owner, client_import=client_import)
    client_import.refresh_from_db()
    preview = importing.import_preview(client_import)
    assert (preview.good, preview.with_errors, len(preview.problems)) == (0, 10_000, 50)
    with django_capture_on_commit_callbacks(execute=True):
        importing.import_start(actor=owner, client_import=client_import)
    client_import.refresh_from_db()
    assert client_import.status == ImportStatus.DONE
    assert (client_import.imported_count, client_import.rejected_count) == (0, 10_000)
    report = report_rows(client_import)
    assert len(report) == 10_001 and all(row[-1] for row in report[1:])
    assert report[1][:3] == ["Ann0", "Lee", "not-an-email-0"]
    for model in (Client, ClientPhone, ClientTag, ClientToken, ClientMatchKey, Tag):
        assert not model.objects.exists(), model


def test_ten_thousand_likely_duplicates_are_paged_and_chosen_row_by_row(
    client_as, office, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    # A re-import: every row looks like another. Row n + 3 holds "Ann{n}".
    content = csv_bytes(reimport_rows(10_000, errors_at=(1,)))
    client_import = upload(office, content, "again.csv")
    with django_capture_on_commit_callbacks(execute=True):  # big: checked in the background
        importing.import_check_begin(actor=office, client_import=client_import)
    client_import.refresh_from_db()
    web = client_as(office)
    with django_assert_max_num_queries(12):  # a page of 50 rows, whatever the file's size
        html = preview_page(web, client_import, show="repeat", page=150)
    assert "Ann7450" in html and "Ann7500" not in html and "Page 150 of 200" in html
    assert "Bad1" in preview_page(web, client_import)  # the error is first
    choose = reverse("clients:import_choose", args=[client_import.pk])
    web.post(choose, {"row": 7453, "choice": "import"}, headers={"HX-Request": "true"})
    web.post(choose, {"row": 10_002, "choice": "import"})
    start = reverse("clients:import_start", args=[client_import.pk])
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        web.post(start)
    assert len(queries) < 400  # per batch of 1,000 rows, never per row
    client_import.refresh_from_db()
    assert (client_import.imported_count, client_import.duplicate_count) == (3, 9_998)
    assert client_import.rejected_count == 1
    names = Client.objects.values_list("first_name", flat=True)
    assert sorted(names) == ["Ann", "Ann7450", "Ann9999"]


# fmt: off
FIRST_NAMES = (
    "Ava", "Ben", "Cleo", "Dev", "Emi", "Finn", "Gia", "Hugo", "Ines", "Jae", "Kai", "Lena",
    "Milo", "Nia", "Omar", "Pia", "Quin", "Rosa", "Sami", "Tara",
)
LAST_NAMES = (
    "Abbott", "Barros", "Castillo", "Dubois", "Eriksen", "Fujita", "Grabowski", "Haddad",
    "Ivanova", "Jovanovic", "Kowalczyk", "Lindqvist", "Moreau", "Nakamura", "Okafor", "Petrov",
    "Quintero", "Rasmussen", "Sato", "Takahashi", "Umarov", "Varga", "Wojcik", "Xiong",
    "Yilmaz", "Zhou", "Adeyemi", "Bianchi", "Chaudhry", "Delacroix", "Esposito", "Ferreira",
    "Gallagher", "Horvat", "Iqbal", "Jankowski", "Karlsson", "Lombardi", "Mbeki", "Novak",
    "Oyelaran", "Papadopoulos", "Quiroga", "Rossi", "Schneider", "Tanaka", "Ulrich", "Vasquez",
    "Whitfield", "Xu",
)
# fmt: on


def test_two_thousand_good_rows_are_imported_in_batches_with_progress(
    owner, monkeypatch, django_capture_on_commit_callbacks
):
    rng = random.Random(7)
    rows = [["First Name", "Last Name", "Email", "Mobile", "Street", "Zip", "Tags"]]
    for i in range(2_000):
        first, last = FIRST_NAMES[i % 20], LAST_NAMES[i // 20 % 50]
        rows.append(
            [
                first,
                last + ("" if i < 1_000 else "-" + LAST_NAMES[(i * 7) % 50]),
                f"{first}.{last}.{i}@example.com".lower(),
                f"+1 415 {rng.randrange(200, 999)} {i:04d}",
                f"{i} Main Street",
                f"{94000 + i % 900}",
                rng.choice(["VIP", "Airbnb", "VIP; Net 30", ""]),
            ]
        )
    client_import = upload(owner, csv_bytes(rows), "good.csv")
    progress = []
    save_batch = services.clients_create_many

    def recording(*, actor, new_clients):
        progress.append(ClientImport.objects.get(pk=client_import.pk).processed_rows)
        return save_batch(actor=actor, new_clients=new_clients)

    monkeypatch.setattr(batches, "BATCH_SIZE", 500)
    monkeypatch.setattr(services, "clients_create_many", recording)
    importing.import_check(actor=owner, client_import=client_import)
    client_import.refresh_from_db()
    assert importing.import_preview(client_import).good == 2_000
    with django_capture_on_commit_callbacks(execute=True):
        importing.import_start(actor=owner, client_import=client_import)
    client_import.refresh_from_db()
    assert progress == [0, 500, 1_000, 1_500]  # progress saved after each batch
    assert client_import.status == ImportStatus.DONE
    assert client_import.processed_rows == client_import.total_rows == 2_000
    assert client_import.imported_count == 2_000 and client_import.percent_done == 100
    assert Client.objects.filter(company=owner.company).count() == 2_000
    assert Tag.objects.filter(company=owner.company).count() == 3
    assert ClientPhone.objects.count() == 2_000
    assert Activity.objects.get(verb="client.imported").data["count"] == 2_000


def test_a_crash_mid_import_keeps_the_saved_batches_and_says_what_happened(
    owner, monkeypatch, django_capture_on_commit_callbacks, checked
):
    rows = [["First Name", "Last Name", "Email"]] + [
        [FIRST_NAMES[i % 20], LAST_NAMES[i % 50], f"p{i}@example.com"] for i in range(30)
    ]
    client_import = checked(csv_bytes(rows))
    save_batch, calls = services.clients_create_many, []

    def failing(*, actor, new_clients):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return save_batch(actor=actor, new_clients=new_clients)

    monkeypatch.setattr(batches, "BATCH_SIZE", 10)
    monkeypatch.setattr(services, "clients_create_many", failing)
    with django_capture_on_commit_callbacks(execute=True):
        importing.import_start(actor=owner, client_import=client_import)
    client_import.refresh_from_db()
    assert client_import.status == ImportStatus.FAILED
    assert "after 10 rows" in client_import.error
    assert Client.objects.count() == 10  # the first batch, whole; nothing of the second


def test_starting_twice_imports_once(
    client_as, office, checked, django_capture_on_commit_callbacks
):
    client_import = checked(QUICKBOOKS, actor=office)
    web = client_as(office)
    url = reverse("clients:import_start", args=[client_import.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first = web.post(url, {"duplicates": "skip"})
        second = web.post(url, {"duplicates": "skip"})
    status_url = reverse("clients:import_status", args=[client_import.pk])
    assert first.url == second.url == status_url
    assert Client.objects.count() == 4


def test_import_cannot_start_before_the_check(client_as, office):
    client_import = upload(office, QUICKBOOKS)
    response = client_as(office).post(
        reverse("clients:import_start", args=[client_import.pk]), follow=True
    )
    assert str(lifecycle.MSG_NOT_READY) in response.content.decode()
    assert not Client.objects.exists()


def test_the_status_page_polls_while_importing_and_stops_when_done(client_as, office, checked):
    client_import = checked(QUICKBOOKS, actor=office)
    ClientImport.objects.filter(pk=client_import.pk).update(
        status=ImportStatus.IMPORTING, processed_rows=1
    )
    web = client_as(office)
    url = reverse("clients:import_status", args=[client_import.pk])
    page = web.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'aria-valuenow="25"' in page
    ClientImport.objects.filter(pk=client_import.pk).update(
        status=ImportStatus.DONE, processed_rows=4, imported_count=4
    )
    fragment = web.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and 'aria-valuenow="100"' in fragment
    assert 'id="result-imported">4<' in fragment and "<html" not in fragment


def test_an_import_whose_worker_died_says_so_instead_of_waiting_forever(client_as, office, checked):
    client_import = checked(QUICKBOOKS, actor=office)
    moved = timezone.now() - lifecycle.STALLED_AFTER + timedelta(minutes=1)
    ClientImport.objects.filter(pk=client_import.pk).update(
        status=ImportStatus.IMPORTING, processed_rows=2, progress_at=moved
    )
    web = client_as(office)
    url = reverse("clients:import_status", args=[client_import.pk])
    assert 'hx-trigger="every 1s"' in web.get(url).content.decode()  # still moving

    ClientImport.objects.filter(pk=client_import.pk).update(
        progress_at=moved - timedelta(minutes=2)
    )
    page = web.get(url, headers={"HX-Request": "true"}).content.decode()
    client_import.refresh_from_db()
    assert client_import.status == ImportStatus.FAILED
    assert "stopped unexpectedly after 2 rows" in client_import.error
    assert "hx-trigger" not in page and "stopped unexpectedly" in page


def test_the_pages_escape_what_the_file_holds(client_as, office, checked):
    payload = "<script>alert(1)</script>"
    rows = [["First Name", f"Last {payload}", "Email"], [payload, "Lee", "bad-email"]]
    client_import = checked(csv_bytes(rows), actor=office)
    web = client_as(office)
    for name in ("import_mapping", "import_preview"):
        page = web.get(reverse(f"clients:{name}", args=[client_import.pk])).content.decode()
        assert payload not in page and "&lt;script&gt;" in page


def test_the_upload_page_lists_recent_imports_in_constant_queries(
    client_as, office, django_assert_max_num_queries
):
    web = client_as(office)
    for _ in range(3):
        upload(office, QUICKBOOKS)
    with django_assert_max_num_queries(12) as few:
        web.get(reverse("clients:import"))
    for _ in range(12):
        upload(office, QUICKBOOKS)
    with django_assert_max_num_queries(len(few.captured_queries)):
        web.get(reverse("clients:import"))


def test_the_preview_page_takes_constant_queries(
    client_as, office, checked, django_assert_max_num_queries
):
    small = checked(QUICKBOOKS, actor=office)
    big = checked(JOBBER, actor=office)
    web = client_as(office)
    with django_assert_max_num_queries(12) as few:
        web.get(reverse("clients:import_preview", args=[small.pk]))
    with django_assert_max_num_queries(len(few.captured_queries)):
        web.get(reverse("clients:import_preview", args=[big.pk]))


# --- who may do what ---

IMPORT_PAGES = [
    ("import_status", "get"),
    ("import_mapping", "get"),
    ("import_mapping", "post"),
    ("import_preview", "get"),
    ("import_start", "post"),
    ("import_choose", "post"),
    ("import_report", "get"),
]


@pytest.fixture
def done_import(imported, office):
    return imported(JOBBER, actor=office)


def test_anonymous_visitors_are_sent_to_log_in(client, done_import):
    urls = [reverse("clients:import")] + [
        reverse(f"clients:{name}", args=[done_import.pk]) for name, _m in IMPORT_PAGES
    ]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code == 405:
                continue
            assert response.status_code == 302 and response.url.startswith("/login/"), url


@pytest.mark.parametrize("role", ["employee", "customer"])
def test_employees_and_customers_may_not_import(request, client_as, done_import, role):
    web = client_as(request.getfixturevalue(role))
    assert web.get(reverse("clients:import")).status_code == 403
    assert web.post(reverse("clients:import")).status_code == 403
    for name, method in IMPORT_PAGES:
        url = reverse(f"clients:{name}", args=[done_import.pk])
        assert getattr(web, method)(url).status_code == 403, url


def test_another_companys_import_is_not_found(client_as, outsider, done_import):
    web = client_as(outsider)
    assert web.get(reverse("clients:import")).status_code == 200
    for name, method in IMPORT_PAGES:
        url = reverse(f"clients:{name}", args=[done_import.pk])
        assert getattr(web, method)(url).status_code == 404, url
    assert importing.import_list(viewer=outsider).count() == 0


def test_the_owner_and_office_reach_every_page(client_as, owner, office, done_import):
    for member in (owner, office):
        web = client_as(member)
        assert web.get(reverse("clients:import")).status_code == 200
        for name in ("import_status", "import_report"):
            response = web.get(reverse(f"clients:{name}", args=[done_import.pk]))
            assert response.status_code == 200
            if response.streaming:
                b"".join(response.streaming_content)  # read to the end, which closes the file
        # A finished import sends the mapping and preview pages to its result.
        for name in ("import_mapping", "import_preview"):
            response = web.get(reverse(f"clients:{name}", args=[done_import.pk]))
            assert response.url == reverse("clients:import_status", args=[done_import.pk])


def test_the_files_are_private(client_as, owner, done_import):
    for stored in (done_import.file, done_import.report):
        assert stored.name.startswith(f"private/{done_import.company_id}/imports/")
        assert client_as(owner).get("/" + stored.name).status_code == 404
        assert client_as(owner).get("/media/" + stored.name).status_code == 404
