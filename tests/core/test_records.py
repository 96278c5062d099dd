"""An id sent by a member becomes a record of their company, or a field error: never a 500,
whatever the number (SQLite cannot even bind one beyond 64 bits)."""

import pytest
from django.core.exceptions import ValidationError

from crewdesk.clients.models import Client
from crewdesk.core.records import MAX_ID, company_record, parse_id


@pytest.mark.parametrize(
    "value", ["99999999999999999999", str(MAX_ID + 1), 2**64, "-1", "0", "abc", "", None, "1.5"]
)
def test_what_cannot_be_an_id_is_no_record(owner, value):
    assert parse_id(value) is None
    with pytest.raises(ValidationError) as error:
        company_record(owner, Client, value, "client")
    assert "client" in error.value.message_dict


def test_an_id_is_read_from_text(owner, make_client):
    client = make_client(first_name="Ann", email="ann@example.com")
    assert parse_id(f" {client.pk} ") == client.pk
    assert company_record(owner, Client, str(client.pk), "client") == client
    assert parse_id(str(MAX_ID)) == MAX_ID
