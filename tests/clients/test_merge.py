"""Merging duplicate clients moves everything to the survivor and loses nothing; the suspected
pairs are reviewed on their own page (the pairs themselves: test_duplicate_pairs.py)."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crewdesk.clients import merging, selectors, services
from crewdesk.clients.merging import records
from crewdesk.clients.models import (
    Client,
    ClientPhone,
    Contact,
    DuplicatePair,
    Note,
    NoteFile,
    Notice,
    Reminder,
    Tag,
)
from crewdesk.core.models import Activity


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ann(make_client):
    return make_client(
        first_name="Ann",
        last_name="Lee",
        email="ann@example.com",
        phones=[("mobile", "+1 415 555 0101")],
        street="1 Main St",
        city="Springfield",
        postal_code="62701",
        tags=["VIP"],
    )


@pytest.fixture
def anne(make_client):
    return make_client(
        first_name="Anne",
        last_name="Lee",
        email="anne.lee@work.example",
        phones=[("work", "+1 415 555 0102"), ("mobile", "+1 415 555 0101")],
        street="9 Oak Ave",
        city="Shelbyville",
        postal_code="62565",
        notes="Gate code 1234",
        tags=["VIP", "Airbnb"],
    )


def _fill(owner, client, label):
    """One of every record a client has, so a merge has something to move."""
    services.contact_create(
        actor=owner, client=client, values={"first_name": f"{label} contact", "is_primary": True}
    )
    services.contact_create(actor=owner, client=client, values={"first_name": f"{label} second"})
    services.note_create(
        actor=owner,
        client=client,
        text=f"{label} note",
        files=[SimpleUploadedFile(f"{label}.pdf", b"%PDF-1.4 hello", content_type="text/plain")],
    )
    services.reminder_create(
        actor=owner, client=client, text=f"call {label}", due_on=date(2030, 1, 1)
    )
    services.notice_create(actor=owner, client=client, text=f"{label} pays late")


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Client, Contact, Note, NoteFile, Reminder, Notice)
    }


# --- the merge service ---


def test_merge_moves_every_record_to_the_survivor(owner, customer, make_client, ann, anne):
    _fill(owner, ann, "ann")
    _fill(owner, anne, "anne")
    customer.client = anne
    customer.save()
    child = make_client(first_name="Kid", last_name="Lee", email="kid@example.com")
    child.parent, child.referred_by = anne, anne
    child.save()
    ann_primary = Contact.objects.get(client=ann, is_primary=True)

    merging.client_merge(actor=owner, survivor=ann, others=[anne], choices={})

    ann.refresh_from_db()
    anne.refresh_from_db()
    assert Contact.objects.filter(client=ann).count() == 4
    assert list(Contact.objects.filter(client=ann, is_primary=True)) == [ann_primary]
    assert Note.objects.filter(client=ann).count() == 2
    assert NoteFile.objects.filter(note__client=ann).count() == 2
    assert sorted(services.client_tag_names(client=ann)) == ["Airbnb", "VIP"]
    assert Reminder.objects.filter(client=ann).count() == 2
    assert Notice.objects.filter(client=ann).count() == 2
    customer.refresh_from_db()
    assert customer.client == ann
    child.refresh_from_db()
    assert child.parent == ann and child.referred_by == ann
    assert anne.merged_into == ann and anne.archived_at is not None
    assert not Contact.objects.filter(client=anne).exists()
    # The merged-away client keeps its own details.
    assert anne.email == "anne.lee@work.example" and anne.notes == "Gate code 1234"
    assert ClientPhone.objects.filter(client=anne).count() == 2


def test_merge_applies_the_chosen_values(owner, ann, anne):
    merging.client_merge(
        actor=owner,
        survivor=ann,
        others=[anne],
        choices={"first_name": anne.pk, "email": anne.pk, "address": anne.pk, "phones": "all"},
    )
    ann.refresh_from_db()
    assert ann.first_name == "Anne" and ann.last_name == "Lee"
    assert ann.email == "anne.lee@work.example"
    assert (ann.street, ann.city, ann.postal_code) == ("9 Oak Ave", "Shelbyville", "62565")
    # The union of the numbers, the survivor's first, each number once.
    assert [p.number for p in ann.phones.all()] == ["+14155550101", "+14155550102"]
    assert ann.notes == ""  # not chosen: the survivor's value stays


def test_merge_can_take_one_clients_phones_and_every_note_text(owner, make_client, ann, anne):
    ann.notes = "Has a dog"
    ann.save()
    merging.client_merge(
        actor=owner, survivor=ann, others=[anne], choices={"phones": anne.pk, "notes": "all"}
    )
    ann.refresh_from_db()
    assert [p.number for p in ann.phones.all()] == ["+14155550102", "+14155550101"]
    assert ann.notes == "Has a dog\n\nGate code 1234"


def test_merge_of_three_clients(owner, make_client, ann, anne):
    third = make_client(first_name="A.", last_name="Lee", email="a.lee@example.org")
    _fill(owner, anne, "anne")
    _fill(owner, third, "third")
    merging.client_merge(
        actor=owner, survivor=ann, others=[anne, third], choices={"email": third.pk}
    )
    ann.refresh_from_db()
    assert ann.email == "a.lee@example.org"
    assert Contact.objects.filter(client=ann).count() == 4
    assert Contact.objects.filter(client=ann, is_primary=True).count() == 1
    assert Note.objects.filter(client=ann).count() == 2
    assert set(Client.objects.filter(merged_into=ann)) == {anne, third}
    activities = Activity.objects.filter(verb="client.merged", target_id=ann.pk)
    assert sorted(a.data["merged_id"] for a in activities) == sorted([anne.pk, third.pk])


def test_the_chosen_clients_primary_contact_stays_primary(owner, ann, anne):
    _fill(owner, ann, "ann")
    _fill(owner, anne, "anne")
    anne_primary = Contact.objects.get(client=anne, is_primary=True)
    merging.client_merge(
        actor=owner, survivor=ann, others=[anne], choices={"primary_contact": anne.pk}
    )
    assert list(Contact.objects.filter(client=ann, is_primary=True)) == [anne_primary]


def test_merge_is_in_the_activity_log_with_before_and_after(owner, ann, anne):
    _fill(owner, anne, "anne")
    merging.client_merge(actor=owner, survivor=ann, others=[anne], choices={"email": anne.pk})
    activity = Activity.objects.get(verb="client.merged")
    assert activity.target == ann and activity.actor == owner.user
    assert activity.data["name"] == "Ann Lee" and activity.data["merged"] == "Anne Lee"
    assert activity.data["merged_id"] == anne.pk
    assert activity.data["before"]["email"] == "ann@example.com"
    assert activity.data["after"]["email"] == "anne.lee@work.example"
    assert activity.data["after"]["tags"] == ["Airbnb", "VIP"]
    assert activity.data["moved"]["contacts"] == 2
    assert activity.data["moved"]["notes"] == 1 and activity.data["moved"]["reminders"] == 1


def test_search_finds_the_survivor_by_the_merged_clients_email_and_phone(owner, ann, anne):
    merging.client_merge(actor=owner, survivor=ann, others=[anne], choices={})
    for search in ("anne.lee@work.example", "415 555 0102"):
        page = selectors.client_page(viewer=owner, filters=selectors.ClientFilters(search=search))
        assert [c.pk for c in page.clients] == [ann.pk], search


def test_a_merged_clients_id_still_resolves(owner, ann, anne):
    merging.client_merge(actor=owner, survivor=ann, others=[anne], choices={})
    found = selectors.client_get(viewer=owner, client_id=anne.pk)
    assert found.merged_into == ann
    # ... and it is no longer listed.
    listed = selectors.client_page(
        viewer=owner, filters=selectors.ClientFilters(archived="all")
    ).clients
    assert anne.pk not in [c.pk for c in listed]


def test_a_merge_loses_nothing(owner, customer, make_client, ann, anne):
    _fill(owner, ann, "ann")
    _fill(owner, anne, "anne")
    before = _counts()
    tags_before = set(services.client_tag_names(client=ann)) | set(
        services.client_tag_names(client=anne)
    )
    phones_before = set(ClientPhone.objects.values_list("number", flat=True))
    merging.client_merge(actor=owner, survivor=ann, others=[anne], choices={"phones": ann.pk})
    assert _counts() == before
    assert set(services.client_tag_names(client=ann)) == tags_before
    assert Tag.objects.count() == 2
    assert set(ClientPhone.objects.values_list("number", flat=True)) == phones_before


def test_another_companys_client_cannot_be_merged(owner, outsider, make_client, ann):
    theirs = make_client(actor=outsider, first_name="Ann", last_name="Lee", email="a@b.example")
    with pytest.raises(PermissionDenied):
        merging.client_merge(actor=owner, survivor=ann, others=[theirs], choices={})
    with pytest.raises(PermissionDenied):
        merging.client_merge(actor=outsider, survivor=theirs, others=[ann], choices={})
    theirs.refresh_from_db()
    ann.refresh_from_db()
    assert theirs.merged_into is None and ann.merged_into is None


@pytest.mark.parametrize("role", ["employee", "customer"])
def test_employee_and_customer_cannot_merge(request, role, ann, anne):
    member = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        merging.client_merge(actor=member, survivor=ann, others=[anne], choices={})
    assert not Client.objects.filter(merged_into__isnull=False).exists()


def test_a_merged_client_cannot_be_merged_again(owner, make_client, ann, anne):
    third = make_client(first_name="Al", last_name="Lee", email="al@example.com")
    merging.client_merge(actor=owner, survivor=ann, others=[anne], choices={})
    anne.refresh_from_db()
    with pytest.raises(ValidationError, match="already merged"):
        merging.client_merge(actor=owner, survivor=third, others=[anne], choices={})
    with pytest.raises(ValidationError, match="already merged"):
        merging.client_merge(actor=owner, survivor=anne, others=[third], choices={})
    third.refresh_from_db()
    assert third.merged_into is None and not Activity.objects.filter(target_id=third.pk).filter(
        verb="client.merged"
    )


def test_bad_selections_are_refused_and_change_nothing(owner, make_client, ann, anne):
    stranger = make_client(first_name="Zed", last_name="Zulu", email="zed@example.com")
    with pytest.raises(ValidationError):
        merging.client_merge(actor=owner, survivor=ann, others=[ann], choices={})
    with pytest.raises(ValidationError):
        merging.client_merge(actor=owner, survivor=ann, others=[], choices={})
    with pytest.raises(ValidationError) as raised:
        merging.client_merge(
            actor=owner, survivor=ann, others=[anne], choices={"email": stranger.pk}
        )
    assert "email" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        merging.client_merge(actor=owner, survivor=ann, others=[anne], choices={"password": ann.pk})
    assert "password" in raised.value.message_dict
    assert not Client.objects.filter(merged_into__isnull=False).exists()


def test_a_merge_that_leaves_no_way_to_reach_the_client_is_refused(owner, make_client):
    by_email = make_client(first_name="Bo", last_name="Ray", email="bo@example.com")
    by_phone = make_client(first_name="Bo", last_name="Ray", phones=[("mobile", "4155550177")])
    with pytest.raises(ValidationError) as raised:
        merging.client_merge(
            actor=owner, survivor=by_email, others=[by_phone], choices={"email": by_phone.pk}
        )
    assert "email" in raised.value.message_dict
    by_phone.refresh_from_db()
    assert by_phone.merged_into is None
    assert Contact.objects.count() == 0 and by_email.email == "bo@example.com"


def test_pointers_between_merged_clients_never_point_to_themselves(owner, ann, anne):
    ann.parent = anne
    ann.save()
    merging.client_merge(actor=owner, survivor=ann, others=[anne], choices={})
    ann.refresh_from_db()
    assert ann.parent is None


def test_a_merge_that_would_make_a_parent_loop_is_refused(owner, make_client, ann, anne):
    """Anne's subsidiary moves to Ann; Ann's parent is that subsidiary: Ann under itself."""
    east = make_client(kind="company", company_name="Lee East", email="east@lee.example")
    Client.objects.filter(pk=east.pk).update(parent=anne)
    Client.objects.filter(pk=ann.pk).update(parent=east)
    ann.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        merging.client_merge(actor=owner, survivor=ann, others=[anne], choices={})
    assert "Lee East” is under this client" in raised.value.message_dict["parent"][0]
    anne.refresh_from_db()
    east.refresh_from_db()
    assert anne.merged_into is None and east.parent == anne
    merging.client_merge(
        actor=owner, survivor=ann, others=[anne], choices={"parent": anne.pk}
    )  # Anne had no parent
    ann.refresh_from_db()
    east.refresh_from_db()
    assert ann.parent is None and east.parent == ann


def test_relations_of_later_apps_are_found_but_history_and_index_rows_are_not(db):
    for relation in records.other_relations():
        model = relation.related_model
        assert not model.__name__.startswith("Historical")
        assert model._meta.app_label != "clients" or model.__name__ not in (
            "ClientToken",
            "ClientMatchKey",
            "DuplicatePair",
            "ClientPhone",
        )


# --- pages ---


def _pair(make_client, actor=None, n=0):
    make_client(actor=actor, first_name="John", last_name=f"Smith{n}", email=f"j{n}@example.com")
    make_client(actor=actor, first_name="Jon", last_name=f"Smith{n}", email=f"j{n}@example.com")
    return DuplicatePair.objects.latest("id")


def test_the_duplicates_page_lists_pairs_best_first(client_as, office, make_client):
    weak = _pair(make_client, n=1)
    strong = _pair(make_client, n=2)
    DuplicatePair.objects.filter(pk=weak.pk).update(score=71)
    DuplicatePair.objects.filter(pk=strong.pk).update(score=98)
    response = client_as(office).get(reverse("clients:duplicates"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Smith2") < html.index("Smith1")
    assert "same email" in html and "Compare & merge" in html and "Not a duplicate" in html
    assert f"ids={strong.client_a_id}&amp;ids={strong.client_b_id}" in html


def test_the_duplicates_page_shows_only_the_companys_pairs(client_as, outsider, make_client):
    _pair(make_client, n=7)
    response = client_as(outsider).get(reverse("clients:duplicates"))
    assert response.status_code == 200
    assert "Smith7" not in response.content.decode()


def test_the_duplicates_page_query_count_does_not_grow_with_pairs(
    client_as, office, make_client, django_assert_max_num_queries
):
    for n in range(3):
        _pair(make_client, n=n)
    browser = client_as(office)
    browser.get(reverse("clients:duplicates"))
    with CaptureQueriesContext(connection) as few:
        browser.get(reverse("clients:duplicates"))
    for n in range(3, 30):
        _pair(make_client, n=n)
    with django_assert_max_num_queries(len(few)):
        response = browser.get(reverse("clients:duplicates"))
    assert response.content.decode().count('name="page"') == 25


def test_not_a_duplicate_dismisses_the_pair(client_as, office, make_client):
    pair = _pair(make_client)
    response = client_as(office).post(reverse("clients:duplicate_dismiss", args=[pair.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("clients:duplicates")
    pair.refresh_from_db()
    assert pair.dismissed_at is not None and pair.dismissed_by == office.user


def test_another_companys_pair_is_not_found(client_as, outsider, make_client):
    pair = _pair(make_client)
    response = client_as(outsider).post(reverse("clients:duplicate_dismiss", args=[pair.pk]))
    assert response.status_code == 404
    pair.refresh_from_db()
    assert pair.dismissed_at is None


def _merge_url(*clients, **extra):
    query = "&".join(f"ids={c.pk}" for c in clients)
    query += "".join(f"&{k}={v}" for k, v in extra.items())
    return f"{reverse('clients:merge')}?{query}"


@pytest.mark.parametrize(
    "url_of",
    [
        lambda pair, a, b: reverse("clients:duplicates"),
        lambda pair, a, b: reverse("clients:duplicate_dismiss", args=[pair.pk]),
        lambda pair, a, b: _merge_url(a, b),
    ],
    ids=["duplicates", "dismiss", "merge"],
)
def test_pages_need_an_office_member(client, client_as, employee, customer, make_client, url_of):
    pair = _pair(make_client)
    url = url_of(pair, pair.client_a, pair.client_b)
    method = "post" if "dismiss" in url else "get"
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    for member in (employee, customer):
        assert getattr(client_as(member), method)(url).status_code == 403
        if method == "get":
            assert client_as(member).post(url).status_code == 403
    pair.refresh_from_db()
    assert pair.dismissed_at is None


def test_the_merge_page_compares_the_clients(client_as, office, ann, anne):
    _fill(office, anne, "anne")
    response = client_as(office).get(_merge_url(ann, anne))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Keep Ann Lee" in html and "Keep Anne Lee" in html
    assert 'name="survivor"' in html and f'value="{ann.pk}" checked' in html
    assert 'name="choice_email"' in html and 'name="choice_phones"' in html
    assert 'value="all" checked' in html  # phones keep every number by default
    assert "What moves to the client you keep" in html
    assert 'data-summary-kind="contacts"' in html and 'data-summary-kind="notes"' in html


def test_the_merge_page_of_another_companys_clients_is_not_found(
    client_as, owner, outsider, make_client, ann, anne
):
    theirs = make_client(actor=outsider, first_name="Ann", last_name="Lee", email="x@y.example")
    assert client_as(outsider).get(_merge_url(ann, anne)).status_code == 404
    assert client_as(owner).get(_merge_url(ann, theirs)).status_code == 404
    response = client_as(owner).post(_merge_url(ann, theirs), {"survivor": ann.pk})
    assert response.status_code == 404
    assert not Client.objects.filter(merged_into__isnull=False).exists()


@pytest.mark.parametrize(
    "query, message",
    [
        ("ids={a}", "at least two"),
        ("", "at least two"),
        ("ids={a}&ids=abc", "not given as client numbers"),
    ],
)
def test_the_merge_page_explains_a_bad_selection(client_as, office, ann, query, message):
    response = client_as(office).get(f"{reverse('clients:merge')}?{query.format(a=ann.pk)}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_merge_page_refuses_a_merged_client(client_as, office, ann, anne):
    merging.client_merge(actor=office, survivor=ann, others=[anne], choices={})
    response = client_as(office).get(_merge_url(ann, anne))
    assert response.status_code == 400
    assert "was already merged into" in response.content.decode()


def test_merging_from_the_page(client_as, office, ann, anne):
    _fill(office, anne, "anne")
    browser = client_as(office)
    response = browser.post(
        _merge_url(ann, anne),
        {
            "survivor": anne.pk,
            "choice_first_name": anne.pk,
            "choice_email": ann.pk,
            "choice_phones": "all",
            "choice_address": anne.pk,
            "choice_notes": anne.pk,
            "choice_primary_contact": anne.pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/app/clients/{anne.pk}/"
    anne.refresh_from_db()
    ann.refresh_from_db()
    assert ann.merged_into == anne and anne.first_name == "Anne"
    assert anne.email == "ann@example.com" and anne.city == "Shelbyville"
    follow = browser.get(reverse("clients:duplicates"))
    assert "Merged Ann Lee into Anne Lee." in follow.content.decode()


def test_a_refused_merge_keeps_the_choices_and_says_why(client_as, office, make_client):
    by_email = make_client(first_name="Bo", last_name="Ray", email="bo@example.com")
    by_phone = make_client(first_name="Bo", last_name="Ray", phones=[("mobile", "4155550177")])
    response = client_as(office).post(
        _merge_url(by_email, by_phone),
        {"survivor": by_phone.pk, "choice_email": by_phone.pk, "choice_phones": by_email.pk},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "at least one way to reach the client" in html
    assert f'value="{by_phone.pk}" checked' in html and 'aria-invalid="true"' in html
    assert not Client.objects.filter(merged_into__isnull=False).exists()


def test_a_missing_choice_is_a_form_error(client_as, office, ann, anne):
    response = client_as(office).post(_merge_url(ann, anne), {"survivor": ann.pk})
    assert response.status_code == 400
    assert "Choose which value to keep." in response.content.decode()
    assert not Client.objects.filter(merged_into__isnull=False).exists()


def test_the_merge_page_query_count_does_not_grow_with_records(
    client_as, office, ann, anne, django_assert_max_num_queries
):
    _fill(office, anne, "anne")
    browser = client_as(office)
    browser.get(_merge_url(ann, anne))
    with CaptureQueriesContext(connection) as few:
        browser.get(_merge_url(ann, anne))
    for n in range(10):
        _fill(office, ann, f"more{n}")
    with django_assert_max_num_queries(len(few)):
        assert browser.get(_merge_url(ann, anne)).status_code == 200


def test_the_survivors_activity_tab_keeps_the_merged_clients_history(owner, client_as, ann, anne):
    services.client_tag_add(actor=owner, client=anne, name="Before the merge")
    merging.client_merge(actor=owner, survivor=ann, others=[anne], choices={})
    page = client_as(owner).get(reverse("clients:detail", args=[ann.pk]), {"tab": "activity"})
    entries = list(page.context["activity_page"])
    tagged = [e for e in entries if e.target_id == anne.pk]
    assert tagged and all(e.merged_from == anne for e in tagged)
    assert "on Anne Lee, merged in" in page.content.decode()
    assert any(e.verb == "client.merged" and e.merged_from is None for e in entries)
