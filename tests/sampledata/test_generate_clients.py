"""generate_clients: realistic, valid, searchable clients with recorded near-duplicates."""

from collections import Counter

import phonenumbers
import pytest
from django.db import connection

from crewdesk.clients import normalize as n
from crewdesk.clients.indexing import client_match_keys, sort_key_for, tokens_for
from crewdesk.clients.models import (
    Client,
    ClientMatchKey,
    ClientPhone,
    ClientTag,
    ClientToken,
    Contact,
)
from crewdesk.clients.selectors import ClientFilters, client_page
from crewdesk.clients.validation import postal_code_error, validate_client_fields
from crewdesk.core.models import Activity
from crewdesk.sampledata.bulk.client_maker import TAG_NAMES
from crewdesk.sampledata.bulk.client_rows import BatchBuilder
from crewdesk.sampledata.bulk.generate_clients import VERB_GENERATED, generate_clients
from crewdesk.sampledata.bulk.recall import measure_duplicate_check
from crewdesk.sampledata.bulk.truth import read_truth, truth_path_for
from tests.sampledata.conftest import N


def test_it_adds_the_clients_and_records_about_three_percent_near_duplicates(owner, generated):
    assert Client.objects.filter(company=owner.company).count() == N
    assert generated.duplicates == round(N * 0.03) == 9
    assert generated.truth_path == truth_path_for(owner.company)
    truth = read_truth(generated.truth_path)
    assert [(d, o) for d, o, _how in truth] == [(d, o) for d, o, _how in generated.truth]
    ids = set(Client.objects.filter(company=owner.company).values_list("id", flat=True))
    for duplicate_id, original_id, mutations in truth:
        assert {duplicate_id, original_id} <= ids
        assert original_id < duplicate_id  # it copies an earlier client
        assert mutations.startswith(("name:", "company:"))
    assert Activity.objects.filter(company=owner.company, verb=VERB_GENERATED).count() == 1


def test_people_and_companies_come_in_realistic_shares(owner, generated):
    kinds = Counter(Client.objects.filter(company=owner.company).values_list("kind", flat=True))
    assert 0.7 <= kinds["person"] / N <= 0.9
    countries = Counter(
        Client.objects.filter(company=owner.company).values_list("country", flat=True)
    )
    assert countries.most_common(1)[0][0] == "US"
    assert len(countries) >= 3


def test_every_generated_client_follows_the_validation_rules(owner, generated):
    clients = Client.objects.filter(company=owner.company).prefetch_related("phones")
    for client in clients:
        data = {f.name: getattr(client, f.name) for f in Client._meta.concrete_fields}
        phones = [(p.kind, p.number) for p in client.phones.all()]
        validate_client_fields(data, phones)  # raises ValidationError when not
        assert postal_code_error(client.postal_code, client.country) is None
        assert client.email == client.email.lower()
        client.full_clean(exclude=["company", "created_by", "sort_key"])
        for _kind, number in phones:
            parsed = phonenumbers.parse(number)
            assert phonenumbers.is_valid_number(parsed), number
            assert n.phone_e164(number, "US") == number


def test_no_two_clients_share_a_phone_or_an_email_unless_one_copies_the_other(owner, generated):
    copies = {duplicate for duplicate, _original, _how in generated.truth}
    phones = ClientPhone.objects.filter(company=owner.company).exclude(client_id__in=copies)
    assert set(Counter(phones.values_list("number", flat=True)).values()) == {1}
    clients = Client.objects.filter(company=owner.company).exclude(id__in=copies)
    emails = Counter(clients.exclude(email="").values_list("email", flat=True))
    assert set(emails.values()) == {1}


def test_contacts_have_exactly_one_primary_and_valid_phones(owner, generated):
    contacts = Contact.objects.filter(company=owner.company)
    assert contacts.exists()
    primaries = Counter(contacts.filter(is_primary=True).values_list("client_id", flat=True))
    assert set(primaries.values()) == {1}
    assert set(primaries) == set(contacts.values_list("client_id", flat=True))
    for number in contacts.exclude(phone="").values_list("phone", flat=True):
        assert phonenumbers.is_valid_number(phonenumbers.parse(number))


def test_tags_come_from_the_companys_small_set(owner, generated):
    names = set(ClientTag.objects.filter(company=owner.company).values_list("tag__name", flat=True))
    assert names and names <= set(TAG_NAMES)


def test_search_tokens_and_match_keys_are_exactly_what_the_services_store(owner, generated):
    clients = Client.objects.filter(company=owner.company).prefetch_related("phones", "contacts")
    tokens, keys = Counter(), Counter()
    for client_id, token in ClientToken.objects.filter(company_id=owner.company_id).values_list(
        "client_id", "token"
    ):
        tokens[client_id, token] += 1
    for client_id, key in ClientMatchKey.objects.filter(company_id=owner.company_id).values_list(
        "client_id", "key"
    ):
        keys[client_id, key] += 1
    assert set(tokens.values()) == {1} and set(keys.values()) == {1}
    for client in clients:
        phones = [p.number for p in client.phones.all()]
        contacts = [(c.first_name, c.last_name, c.email, c.phone) for c in client.contacts.all()]
        assert {t for (cid, t) in tokens if cid == client.id} == tokens_for(
            client, phones, contacts
        )
        assert {k for (cid, k) in keys if cid == client.id} == client_match_keys(client, phones)
        assert client.sort_key == sort_key_for(client)


def test_search_finds_generated_clients(owner, generated):
    people = Client.objects.filter(company=owner.company, kind="person").exclude(last_name="")
    person = people.exclude(email="").prefetch_related("phones").order_by("id")[3]
    for text in (person.last_name, person.email, n.fold(person.last_name)[:3]):
        page = client_page(viewer=owner, filters=ClientFilters(search=text), page_size=500)
        assert person in page.clients, text
    phoned = ClientPhone.objects.filter(company=owner.company, number__startswith="+1").first()
    page = client_page(viewer=owner, filters=ClientFilters(search=phoned.number[2:]), page_size=500)
    assert phoned.client in page.clients


def test_the_same_seed_gives_the_same_clients(owner, outsider, settings, tmp_path):
    settings.DATA_DIR = tmp_path

    def made(actor):
        generate_clients(actor, count=60, seed="same", batch_size=25)
        return list(
            Client.objects.filter(company=actor.company)
            .order_by("id")
            .values_list("first_name", "last_name", "company_name", "email", "street")
        )

    assert made(owner) == made(outsider)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fast_load_on_postgres_restores_every_index_and_foreign_key(owner, settings, tmp_path):
    """Outside a transaction, PostgreSQL loads in a second thread; the fast load drops the
    six tables' secondary indexes and foreign keys and must put back exactly the same ones."""
    settings.DATA_DIR = tmp_path

    def schema() -> list:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename LIKE 'clients_%%'"
                " UNION ALL SELECT conrelid::regclass || ' ' || conname || ' '"
                " || pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE conrelid::regclass::text LIKE 'clients_%%' ORDER BY 1"
            )
            return [row[0] for row in cursor.fetchall()]

    before = schema()
    result = generate_clients(owner, count=400, seed=5, batch_size=150, fast_load=True)
    assert result.fast_load
    assert schema() == before
    assert Client.objects.filter(company=owner.company).count() == 400
    assert ClientToken.objects.filter(company_id=owner.company_id).count() > 400 * 5
    measured = measure_duplicate_check(owner.company_id, result.truth)
    assert measured["duplicates"] == 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_failed_fast_load_leaves_nothing_behind(owner, settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    indexes = "SELECT count(*) FROM pg_indexes WHERE tablename LIKE 'clients_%%'"
    with connection.cursor() as cursor:
        cursor.execute(indexes)
        before = cursor.fetchone()[0]
    build, calls = BatchBuilder.build, []

    def failing_build(self, ids):
        calls.append(ids)
        if len(calls) == 3:
            raise RuntimeError("boom")
        return build(self, ids)

    monkeypatch.setattr(BatchBuilder, "build", failing_build)
    with pytest.raises(RuntimeError, match="boom"):
        generate_clients(owner, count=400, seed=1, batch_size=100, fast_load=True)
    assert not Client.objects.filter(company=owner.company).exists()
    assert not truth_path_for(owner.company).exists()
    with connection.cursor() as cursor:
        cursor.execute(indexes)
        assert cursor.fetchone()[0] == before
