"""Client services: every write checks role and company, validates, logs, and keeps the
search index current."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crewdesk.clients import services
from crewdesk.clients.models import (
    Client,
    ClientMatchKey,
    ClientTag,
    ClientToken,
    Contact,
    Tag,
)
from crewdesk.clients.services import ClientInput
from crewdesk.core.models import Activity


def create(actor, phones=None, tags=None, allow_duplicate=False, relations=None, **fields):
    return services.client_create(
        actor=actor,
        data=ClientInput(fields=fields, phones=phones, tags=tags, relations=relations or {}),
        allow_duplicate=allow_duplicate,
    )


def test_create_normalises_and_indexes(owner):
    client = create(
        owner,
        first_name=" Zoë ",
        last_name="Núñez",
        email="Zoe.Nunez@Example.com",
        phones=[("mobile", "(415) 555-0123"), ("work", "")],
        tags=["VIP", "vip ", "Airbnb"],
    )
    assert client.display_name == "Zoë Núñez"
    assert client.email == "zoe.nunez@example.com"
    assert [p.number for p in client.phones.all()] == ["+14155550123"]
    assert sorted(services.client_tag_names(client=client)) == ["Airbnb", "VIP"]
    assert client.country == "US"  # the company's
    tokens = set(ClientToken.objects.filter(client=client).values_list("token", flat=True))
    assert {"zoe", "nunez", "zoe.nunez@example.com", "4155550123", "0123"} <= tokens
    assert ClientMatchKey.objects.filter(client=client, key="e:zoe.nunez@example.com").exists()
    assert Activity.objects.filter(verb="client.created", target_id=client.pk).exists()


@pytest.mark.parametrize(
    ("fields", "phones", "field"),
    [
        ({"first_name": "Ann"}, None, "email"),  # no way to reach
        ({"first_name": "Ann", "email": "not-an-email"}, None, "email"),
        ({"email": "a@example.com"}, None, "first_name"),  # no name at all
        ({"kind": "company", "first_name": "Ann", "email": "a@example.com"}, None, "company_name"),
        (
            {"first_name": "Ann", "email": "a@example.com", "postal_code": "ABCDE"},
            None,
            "postal_code",
        ),
        (
            {
                "first_name": "Ann",
                "email": "a@example.com",
                "country": "CA",
                "postal_code": "12345",
            },
            None,
            "postal_code",
        ),
        (
            {"first_name": "Ann", "email": "a@example.com", "country": "GB", "postal_code": "999"},
            None,
            "postal_code",
        ),
        ({"first_name": "Ann"}, [("mobile", "12")], "phones"),
        ({"first_name": "Ann", "email": "a@example.com", "rating": 7}, None, "rating"),
    ],
)
def test_create_refuses_bad_details_with_the_field(owner, fields, phones, field):
    with pytest.raises(ValidationError) as raised:
        create(owner, phones=phones, **fields)
    assert field in raised.value.message_dict
    assert not Client.objects.exists()


def test_every_bad_field_is_reported_at_once(owner, make_client):
    """A bad email, phone and postal code: three errors, not the first one found."""
    fields = {"first_name": "Ann", "email": "ann@", "postal_code": "ABCDE", "rating": 9}
    fields |= {"first_name": "A" * 101}
    with pytest.raises(ValidationError) as raised:
        create(owner, phones=[("mobile", "call me")], relations={"parent": 999}, **fields)
    errors = raised.value.message_dict
    assert set(errors) == {"email", "phones", "postal_code", "rating", "first_name", "parent"}
    # A phone was given, just unreadable: no "give a way to reach the client" on top.
    assert errors["email"] == ["Enter a valid email address."]
    ann = make_client(first_name="Ann", email="ann@example.com")
    with pytest.raises(ValidationError) as raised:
        services.client_update(
            actor=owner,
            client=ann,
            data=ClientInput(fields={"email": "x@", "postal_code": "1"}, phones=[("mobile", "12")]),
        )
    assert set(raised.value.message_dict) == {"email", "phones", "postal_code"}


def test_every_bad_contact_field_is_reported_at_once(owner, make_client):
    ann = make_client(first_name="Ann", email="ann@example.com")
    bad = {"first_name": "B" * 101, "email": "bo@", "phone": "call me", "role": "boss"}
    with pytest.raises(ValidationError) as raised:
        services.contact_create(actor=owner, client=ann, values=bad)
    assert set(raised.value.message_dict) == {"first_name", "email", "phone", "role"}
    contact = services.contact_create(actor=owner, client=ann, values={"first_name": "Bo"})
    with pytest.raises(ValidationError) as raised:
        services.contact_update(
            actor=owner, contact=contact, values={"email": "bo@", "phone": "12"}
        )
    assert set(raised.value.message_dict) == {"email", "phone"}
    assert not Contact.objects.filter(email="bo@").exists()


@pytest.mark.parametrize(
    ("country", "postal_code"),
    [
        ("US", "94105"),
        ("US", "94105-1234"),
        ("CA", "K1A 0B1"),
        ("GB", "SW1A 1AA"),
        ("MX", "01000"),
        ("AU", "2000"),
    ],
)
def test_postal_codes_of_supported_countries(owner, country, postal_code):
    create(owner, first_name="Ann", email="a@example.com", country=country, postal_code=postal_code)


def test_only_office_roles_write(employee, customer, outsider, owner):
    for member in (employee, customer):
        with pytest.raises(PermissionDenied):
            create(member, first_name="Ann", email="a@example.com")
    client = create(owner, first_name="Ann", email="a@example.com")
    with pytest.raises(PermissionDenied):
        services.client_update(
            actor=outsider, client=client, data=ClientInput(fields={"first_name": "X"})
        )
    with pytest.raises(PermissionDenied):
        services.client_archive(actor=outsider, client=client)


def test_relations_must_be_of_the_same_company(owner, outsider):
    theirs = create(outsider, first_name="Their", email="t@example.com")
    with pytest.raises(ValidationError) as raised:
        create(owner, first_name="Ann", email="a@example.com", relations={"parent": theirs.pk})
    assert "parent" in raised.value.message_dict


@pytest.mark.parametrize("length", [1, 2, 3, 5])
def test_a_parent_loop_of_any_length_is_refused(owner, length):
    """A client is never its own parent, directly or through others (4 -> 10 -> 4)."""
    clients = [create(owner, first_name=f"C{i}", email=f"c{i}@example.com") for i in range(length)]
    for child, parent in zip(clients[1:], clients, strict=False):
        services.client_update(
            actor=owner, client=child, data=ClientInput(relations={"parent": parent.pk})
        )
    top, bottom = clients[0], clients[-1]
    with pytest.raises(ValidationError) as raised:
        services.client_update(
            actor=owner, client=top, data=ClientInput(relations={"parent": bottom.pk})
        )
    assert raised.value.message_dict["parent"] == [
        str(services.MSG_OWN_PARENT)
        if length == 1
        else services.MSG_PARENT_LOOP % {"parent": bottom.display_name}
    ]
    top.refresh_from_db()
    assert top.parent_id is None


def test_a_parent_that_makes_no_loop_is_accepted(owner):
    a = create(owner, first_name="A", email="a@example.com")
    b = create(owner, first_name="B", email="b@example.com", relations={"parent": a.pk})
    c = create(owner, first_name="C", email="c@example.com", relations={"parent": a.pk})
    services.client_update(
        actor=owner, client=c, data=ClientInput(relations={"parent": b.pk})
    )  # a sibling
    c.refresh_from_db()
    assert c.parent == b
    services.client_update(actor=owner, client=b, data=ClientInput(relations={"referred_by": c.pk}))
    b.refresh_from_db()
    assert b.referred_by == c  # referrals are no hierarchy


def test_an_existing_loop_does_not_hang_the_check(owner):
    a = create(owner, first_name="A", email="a@example.com")
    b = create(owner, first_name="B", email="b@example.com", relations={"parent": a.pk})
    Client.objects.filter(pk=a.pk).update(parent=b)  # a loop saved before the rule existed
    c = create(owner, first_name="C", email="c@example.com")
    services.client_update(actor=owner, client=c, data=ClientInput(relations={"parent": a.pk}))
    with pytest.raises(ValidationError):
        services.client_update(actor=owner, client=a, data=ClientInput(relations={"parent": c.pk}))


def test_update_logs_each_changed_field_and_reindexes(owner):
    client = create(owner, first_name="Ann", last_name="Lee", email="ann@example.com")
    services.client_update(
        actor=owner,
        client=client,
        data=ClientInput(fields={"last_name": "Leigh", "email": "ann@example.com"}),
    )
    client.refresh_from_db()
    assert client.last_name == "Leigh"
    change = Activity.objects.get(verb="client.updated", target_id=client.pk)
    assert change.data["changes"] == {"last_name": ["Lee", "Leigh"]}
    tokens = set(ClientToken.objects.filter(client=client).values_list("token", flat=True))
    assert "leigh" in tokens and "lee" not in tokens
    assert client.history.count() == 2  # field history kept by simple_history too


def test_update_without_changes_logs_nothing(owner):
    client = create(owner, first_name="Ann", email="ann@example.com")
    services.client_update(
        actor=owner, client=client, data=ClientInput(fields={"first_name": "Ann"})
    )
    assert not Activity.objects.filter(verb="client.updated").exists()


def test_archive_restore_and_delete_rules(owner, office):
    client = create(office, first_name="Ann", email="ann@example.com")
    services.client_archive(actor=office, client=client)
    assert client.archived_at is not None
    services.client_restore(actor=office, client=client)
    assert client.archived_at is None
    with pytest.raises(PermissionDenied):
        services.client_delete(actor=office, client=client)  # Owner only
    child = create(
        owner, first_name="Kid", email="kid@example.com", relations={"parent": client.pk}
    )
    with pytest.raises(ValidationError) as raised:
        services.client_delete(actor=owner, client=client)
    assert "subsidiaries" in raised.value.messages[0]
    services.client_delete(actor=owner, client=child)
    services.client_delete(actor=owner, client=client)
    assert not Client.objects.exists()
    assert Activity.objects.filter(verb="client.deleted").count() == 2


def test_contacts_keep_exactly_one_primary(owner):
    client = create(owner, first_name="Ann", email="ann@example.com")
    first = services.contact_create(
        actor=owner, client=client, values={"first_name": "Bo", "role": "billing"}
    )
    second = services.contact_create(
        actor=owner, client=client, values={"first_name": "Cy", "phone": "415 555 0100"}
    )
    assert first.is_primary and not second.is_primary
    assert second.phone == "+14155550100"
    with pytest.raises(ValidationError):
        services.contact_delete(actor=owner, contact=first)
    services.contact_set_primary(actor=owner, contact=second)
    assert list(Contact.objects.filter(is_primary=True)) == [second]
    services.contact_delete(actor=owner, contact=Contact.objects.get(pk=first.pk))
    assert "cy" in set(ClientToken.objects.filter(client=client).values_list("token", flat=True))


def test_tags_are_company_wide_and_case_insensitive(owner, outsider):
    a = create(owner, first_name="Ann", email="ann@example.com")
    b = create(owner, first_name="Bea", email="bea@example.com")
    services.client_tag_add(actor=owner, client=a, name="VIP")
    services.client_tag_add(actor=owner, client=b, name="vip")
    assert Tag.objects.filter(company_id=owner.company_id).count() == 1
    services.client_tag_add(
        actor=outsider, client=create(outsider, first_name="O", email="o@example.com"), name="VIP"
    )
    assert Tag.objects.count() == 2
    services.client_tag_remove(
        actor=owner, client=a, tag=Tag.objects.get(company_id=owner.company_id)
    )
    assert services.client_tag_names(client=a) == []


def test_reminders_notices_notes(owner, office, employee, outsider):
    import datetime

    client = create(owner, first_name="Ann", email="ann@example.com")
    reminder = services.reminder_create(
        actor=owner,
        client=client,
        text="Call about spring",
        due_on=datetime.date(2026, 3, 1),
        assignee_id=office.user_id,
    )
    assert reminder.assignee == office.user
    with pytest.raises(ValidationError):
        services.reminder_create(
            actor=owner,
            client=client,
            text="x",
            due_on=datetime.date(2026, 3, 1),
            assignee_id=outsider.user_id,
        )
    services.reminder_set_done(actor=owner, reminder=reminder)
    assert reminder.done_at is not None
    notice = services.notice_create(actor=owner, client=client, text="Gate code changed")
    services.notice_dismiss(actor=office, notice=notice)
    assert notice.dismissed_at is not None
    note = services.note_create(
        actor=owner, client=client, text="Prefers mornings", visibility="customer"
    )
    services.note_archive(actor=owner, note=note)
    with pytest.raises(ValidationError):
        services.note_create(actor=owner, client=client, text="  ")
    with pytest.raises(PermissionDenied):
        services.notice_create(actor=employee, client=client, text="x")


# --- many clients at once (the CSV import's path) ---


def _new_client(actor, phones=(), tags=(), **fields):
    client = services.client_build(actor=actor, fields=services.client_fields_clean(values=fields))
    return services.NewClient(client=client, phones=list(phones), tags=list(tags))


def _stored(client: Client) -> dict:
    """What a client is made of in the database, besides its own row."""
    return {
        "phones": [(p.kind, p.number, p.position) for p in client.phones.order_by("position")],
        "tags": sorted(services.client_tag_names(client=client)),
        "tokens": set(ClientToken.objects.filter(client=client).values_list("token", flat=True)),
        "keys": set(ClientMatchKey.objects.filter(client=client).values_list("key", flat=True)),
        "history": client.history.count(),
    }


def test_create_many_stores_each_client_as_client_create_does(owner):
    Tag.objects.create(company=owner.company, name="VIP")
    one = create(
        owner,
        first_name="Zoë",
        last_name="Núñez",
        email="zoe@example.com",
        phones=[("mobile", "+14155550123"), ("work", "+14155550124")],
        tags=["vip", "Airbnb"],
    )
    [many] = services.clients_create_many(
        actor=owner,
        new_clients=[
            _new_client(
                owner,
                phones=[("mobile", "+14155550123"), ("work", "+14155550124")],
                tags=["vip", "Airbnb", "AIRBNB"],
                first_name=" Zoë ",
                last_name="Núñez",
                email="Zoe@Example.com",
            )
        ],
    )
    assert many.pk and many.email == "zoe@example.com" and many.sort_key == one.sort_key
    assert _stored(many) == _stored(one)
    assert Tag.objects.filter(company=owner.company).count() == 2  # "vip" is the VIP tag


def test_create_many_writes_in_bulk_never_per_client(owner, django_assert_max_num_queries):
    clients = [
        services.NewClient(
            client=services.client_build(
                actor=owner, fields={"first_name": f"Ann{i}", "email": f"ann{i}@example.com"}
            ),
            phones=[("mobile", f"+1415555{i:04d}")],
            tags=["VIP", f"Tag {i % 3}"],
        )
        for i in range(300)
    ]
    # SQLite takes some 30 clients per INSERT (its limit on parameters); still not one per client.
    with django_assert_max_num_queries(40):
        services.clients_create_many(actor=owner, new_clients=clients)
    assert Client.objects.filter(company=owner.company).count() == 300
    assert ClientTag.objects.filter(company=owner.company).count() == 600


def test_create_many_refuses_a_client_of_another_company(owner, outsider):
    theirs = _new_client(outsider, first_name="Ann", email="ann@example.com")
    with pytest.raises(ValueError):
        services.clients_create_many(actor=owner, new_clients=[theirs])
    assert not Client.objects.exists()


@pytest.mark.parametrize("role", ["employee", "customer"])
def test_create_many_is_for_owner_and_office(request, owner, role):
    member = request.getfixturevalue(role)
    before = Client.objects.count()  # a customer's own client is there already
    with pytest.raises(PermissionDenied):
        services.clients_create_many(
            actor=member,
            new_clients=[_new_client(owner, first_name="Ann", email="ann@example.com")],
        )
    assert Client.objects.count() == before


def test_tag_names_are_trimmed_and_one_per_folded_name():
    names = [" VIP ", "vip", "", "  ", "Net 30", "x" * 60]
    assert services.tag_names_unique(names=names) == {
        "vip": "VIP",
        "net 30": "Net 30",
        "x" * 50: "x" * 50,
    }
