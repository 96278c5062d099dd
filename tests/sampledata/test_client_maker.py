"""ClientMaker: varied, valid clients from many cultures."""

import random

import phonenumbers
from django.core.validators import validate_email

from crewdesk.clients.validation import postal_code_error
from crewdesk.sampledata.bulk.client_maker import ClientMaker
from crewdesk.sampledata.bulk.names import CULTURES, ascii_name


def test_thousands_of_made_clients_have_valid_emails_and_a_way_to_reach_them():
    maker = ClientMaker(random.Random(11), tag_ids=[])
    for _ in range(5000):
        spec = maker.client()
        assert spec.email or spec.phones
        for email in [spec.email, *(c[3] for c in spec.contacts)]:
            if email:
                validate_email(email)
        for number in [*(p for _k, p in spec.phones), *(c[4] for c in spec.contacts)]:
            if number:
                assert phonenumbers.is_valid_number(phonenumbers.parse(number)), number
        assert postal_code_error(spec.postal_code, spec.country) is None


def test_names_come_from_many_cultures_with_their_accents():
    maker = ClientMaker(random.Random(1), tag_ids=[])
    names = {" ".join(maker.person_name()) for _ in range(3000)}
    assert len(CULTURES) >= 13
    assert any(name != ascii_name(name) for name in names)  # "José Núñez", "Łukasz"
    assert ascii_name("Łukasz Wiśniewski") == "Lukasz Wisniewski"
    assert ascii_name("Zoë Nguyễn") == "Zoe Nguyen"


def test_emails_stay_unique_when_a_mailbox_is_used_up():
    """A common mailbox at one company domain once looped forever past 999 numbered copies."""
    maker = ClientMaker(random.Random(3), tag_ids=[])
    emails = [maker.email("", "", company="Acme Inc") for _ in range(3000)]
    assert len(set(emails)) == 3000
