"""The duplicate check finds the same client however it was typed, and says why."""

import pytest

from crewdesk.clients.duplicates import ClientDraft, find_duplicates, find_duplicates_many
from crewdesk.clients.services import (
    ClientInput,
    DuplicateClientError,
    client_create,
    duplicates_for_input,
)


def check(actor, **fields):
    phones = fields.pop("phones", None)
    return duplicates_for_input(actor=actor, data=ClientInput(fields=fields, phones=phones))


def test_typos_in_both_names_find_the_client(owner, make_client):
    john = make_client(first_name="John", last_name="Smith", email="john@example.com")
    found = check(owner, first_name="Jhon", last_name="Smtih")
    assert [c.client for c in found] == [john]
    assert any("similar name" in r for r in found[0].reasons)


def test_company_suffix_and_case_do_not_matter(owner, make_client):
    acme = make_client(kind="company", company_name="Acme, Inc.", email="office@acme.example")
    found = check(owner, kind="company", company_name="ACME inc")
    assert found[0].client == acme and "same name" in found[0].reasons


def test_a_formatted_phone_finds_the_digits(owner, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", phones=[("mobile", "5550102030")])
    found = check(
        owner, first_name="Someone", last_name="Else", phones=[("mobile", "+1 (555) 010-2030")]
    )
    assert found[0].client == ann and "same phone" in found[0].reasons


def test_same_email_in_another_case_blocks_a_create(owner, make_client):
    make_client(first_name="Ann", last_name="Lee", email="ann.lee@example.com")
    with pytest.raises(DuplicateClientError) as raised:
        client_create(
            actor=owner,
            data=ClientInput(
                fields={"first_name": "A.", "last_name": "Lee", "email": "ANN.LEE@example.com"}
            ),
        )
    assert raised.value.candidates[0].score >= 90
    assert "same email" in raised.value.candidates[0].reasons


def test_other_companies_clients_are_never_candidates(owner, outsider, make_client):
    make_client(actor=outsider, first_name="John", last_name="Smith", email="john@example.com")
    assert check(owner, first_name="John", last_name="Smith", email="john@example.com") == []


def test_the_same_house_finds_a_common_name_among_namesakes(owner, make_client):
    for i in range(70):  # more namesakes than one key yields
        make_client(first_name="John", last_name="Smith", email=f"js{i}@example.com")
    home = make_client(
        first_name="John",
        last_name="Smith",
        email="john@home.example",
        street="12 Elm St",
        postal_code="62701",
    )
    found = check(
        owner, first_name="John", last_name="Smyth", street="12 ELM STREET", postal_code="62701"
    )
    assert found[0].client == home


def test_checking_many_drafts_at_once_answers_as_one_by_one(owner, make_client):
    """The import checks a batch in two queries; it must find what single checks find."""
    make_client(first_name="John", last_name="Smith", email="john@example.com")
    make_client(first_name="Ann", last_name="Lee", phones=[("mobile", "5550102030")])
    make_client(kind="company", company_name="Acme, Inc.", email="office@acme.example")
    drafts = {
        "typo": ClientDraft(first_name="Jhon", last_name="Smtih"),
        "phone": ClientDraft(first_name="X", last_name="Y", phones=["+15550102030"]),
        "company": ClientDraft(company_name="ACME inc"),
        "nobody": ClientDraft(first_name="Zed", last_name="Nobody"),
        "empty": ClientDraft(),
    }
    together = find_duplicates_many(owner.company_id, drafts, min_score=30)
    for name, draft in drafts.items():
        alone = find_duplicates(owner.company_id, draft, min_score=30)
        assert [(c.client.pk, c.score, c.reasons) for c in together[name]] == [
            (c.client.pk, c.score, c.reasons) for c in alone
        ], name
    assert together["typo"] and together["phone"] and together["company"]
    assert together["nobody"] == [] and together["empty"] == []


def test_a_big_batch_scores_plain_values_and_still_answers_as_one_by_one(owner, make_client):
    """Past SCORED candidates in a batch, clients are compared as plain values."""
    for i in range(45):
        make_client(first_name="John", last_name="Smith", email=f"js{i}@example.com")
        make_client(first_name="Mary", last_name="Jones", email=f"mj{i}@example.com")
    drafts = {
        "john": ClientDraft(first_name="Jon", last_name="Smith", emails=["js7@example.com"]),
        "mary": ClientDraft(first_name="Mary", last_name="Jonse"),
    }
    together = find_duplicates_many(owner.company_id, drafts, min_score=30)
    for name, draft in drafts.items():
        alone = find_duplicates(owner.company_id, draft, min_score=30)
        assert [(c.client.pk, c.score) for c in together[name]] == [
            (c.client.pk, c.score) for c in alone
        ], name
    assert together["john"][0].client.email == "js7@example.com"
    assert together["john"][0].client.phones.all() is not None
