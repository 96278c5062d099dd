"""Suspected duplicate pairs are kept current as clients are saved, rebuilt by a linear scan
(`crewdesk find_duplicates`), dismissed for good by the office, and follow a merge."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crewdesk.clients import duplicate_pairs, merging, services
from crewdesk.clients.indexing import client_index_refresh
from crewdesk.clients.models import Client, ClientPhone, DuplicatePair
from crewdesk.clients.services import ClientInput


def test_creating_a_lookalike_client_records_a_pair(owner, make_client):
    john = make_client(first_name="John", last_name="Smith", email="john@example.com")
    jon = make_client(first_name="Jon", last_name="Smith", email="john@example.com")
    pair = DuplicatePair.objects.get()
    assert (pair.client_a_id, pair.client_b_id) == (john.pk, jon.pk)
    assert pair.score >= 70 and "same email" in pair.reasons
    assert pair.company_id == owner.company_id


def test_a_pair_goes_when_the_clients_no_longer_look_alike(owner, make_client):
    make_client(first_name="John", last_name="Smith", email="john@example.com")
    jon = make_client(first_name="Jon", last_name="Smith", email="john@example.com")
    services.client_update(
        actor=owner,
        client=jon,
        data=ClientInput(
            fields={"first_name": "Maria", "last_name": "Garcia", "email": "m@g.example"}
        ),
    )
    assert not DuplicatePair.objects.exists()


def test_a_dismissed_pair_stays_dismissed(owner, make_client):
    make_client(first_name="John", last_name="Smith", email="john@example.com")
    jon = make_client(first_name="Jon", last_name="Smith", email="john@example.com")
    pair = DuplicatePair.objects.get()
    duplicate_pairs.duplicate_pair_dismiss(actor=owner, pair=pair)
    assert pair.dismissed_by == owner.user
    services.client_update(
        actor=owner, client=jon, data=ClientInput(fields={"first_name": "Johnny"})
    )
    duplicate_pairs.duplicate_pairs_rebuild(owner.company_id)
    pair.refresh_from_db()
    assert pair.dismissed_at is not None
    assert not duplicate_pairs.duplicate_pairs_open(viewer=owner).exists()


@pytest.mark.parametrize("role", ["employee", "customer"])
def test_only_office_and_owner_dismiss_pairs(request, role, make_client):
    make_client(first_name="John", last_name="Smith", email="john@example.com")
    make_client(first_name="Jon", last_name="Smith", email="john@example.com")
    with pytest.raises(PermissionDenied):
        duplicate_pairs.duplicate_pair_dismiss(
            actor=request.getfixturevalue(role), pair=DuplicatePair.objects.get()
        )


def _people(make_client, actor=None):
    """Clients with lookalikes of several kinds among strangers."""
    rows = [
        ("John", "Smith", "john@example.com", "4155550001"),
        ("Jhon", "Smtih", "jsmith@other.example", "(415) 555-0001"),
        ("Maria", "Garcia", "maria@example.com", "4155550003"),
        ("Maria", "Garcia", "mgarcia@example.net", "4155550003"),
        ("Wei", "Li", "wei@example.com", "4155550005"),
        ("Li", "Wei", "wei@example.com", "4155550006"),
        ("Olga", "Petrova", "olga@example.com", "4155550007"),
        ("Kwame", "Mensah", "kwame@example.com", "4155550008"),
        ("Sofia", "Rossi", "sofia@example.com", "4155550009"),
    ]
    return [
        make_client(actor=actor, first_name=f, last_name=la, email=e, phones=[("mobile", p)])
        for f, la, e, p in rows
    ]


def _pair_set(company_id):
    return set(
        DuplicatePair.objects.filter(company_id=company_id).values_list(
            "client_a_id", "client_b_id", "score"
        )
    )


def test_the_full_scan_finds_the_same_pairs_as_saving_each_client(owner, outsider, make_client):
    _people(make_client)
    _people(make_client, actor=outsider)
    on_save = _pair_set(owner.company_id)
    assert len(on_save) >= 3
    DuplicatePair.objects.filter(company_id=owner.company_id).delete()
    outsiders = _pair_set(outsider.company_id)

    calls = []
    found = duplicate_pairs.duplicate_pairs_rebuild(
        owner.company_id, progress=lambda done, total: calls.append((done, total))
    )
    assert found == len(on_save)
    assert _pair_set(owner.company_id) == on_save
    assert _pair_set(outsider.company_id) == outsiders  # another company is left alone
    assert calls[-1] == (9, 9)


def test_the_full_scan_drops_pairs_that_no_longer_qualify(owner, make_client):
    a, b = _people(make_client)[:2]
    stale, _created = DuplicatePair.objects.update_or_create(
        company_id=owner.company_id,
        client_a_id=min(a.pk, b.pk),
        client_b_id=max(a.pk, b.pk),
        defaults={"score": 99},
    )
    Client.objects.filter(pk=b.pk).update(first_name="Zed", last_name="Quux", email="z@q.example")
    ClientPhone.objects.filter(client=b).update(number="+14155559999")
    client_index_refresh(Client.objects.get(pk=b.pk))
    duplicate_pairs.duplicate_pairs_rebuild(owner.company_id)
    assert not DuplicatePair.objects.filter(pk=stale.pk).exists()


def test_the_full_scan_reads_match_keys_in_chunks(owner, make_client, monkeypatch):
    """Queries grow with the number of chunks, not with the number of clients."""
    _people(make_client)
    monkeypatch.setattr(duplicate_pairs, "REBUILD_CHUNK", 3)
    with CaptureQueriesContext(connection) as three_per_chunk:
        duplicate_pairs.duplicate_pairs_rebuild(owner.company_id)
    monkeypatch.setattr(duplicate_pairs, "REBUILD_CHUNK", 1000)
    with CaptureQueriesContext(connection) as one_chunk:
        duplicate_pairs.duplicate_pairs_rebuild(owner.company_id)
    assert len(one_chunk) <= 12
    assert len(three_per_chunk) <= 3 * len(one_chunk)


def test_the_find_duplicates_command_reports_the_pairs(owner, make_client, capsys):
    _people(make_client)
    DuplicatePair.objects.all().delete()
    call_command("find_duplicates", "--company", "acme")
    out = capsys.readouterr().out
    count = DuplicatePair.objects.filter(dismissed_at__isnull=True).count()
    assert count >= 3 and f"Acme Cleaning: {count} suspected duplicate pairs" in out


def test_the_command_refuses_an_unknown_company(db):
    with pytest.raises(CommandError):
        call_command("find_duplicates", "--company", "nope")


def test_merge_keeps_pairs_with_third_clients_and_drops_the_merged_pair(owner, make_client):
    john = make_client(first_name="John", last_name="Smith", email="john@example.com")
    jon = make_client(first_name="Jon", last_name="Smith", email="john@example.com")
    johnny = make_client(first_name="Johnny", last_name="Smith", email="john@example.com")
    assert DuplicatePair.objects.count() == 3
    merging.client_merge(actor=owner, survivor=john, others=[jon], choices={})
    pairs = {(p.client_a_id, p.client_b_id) for p in DuplicatePair.objects.all()}
    assert pairs == {(john.pk, johnny.pk)}
