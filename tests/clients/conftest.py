import pytest

from crewdesk.clients.services import ClientInput, client_create


@pytest.fixture
def make_client(owner):
    """make_client(first_name=..., phones=[("mobile", "555...")], actor=..., **fields)."""

    def make(actor=None, phones=None, tags=None, allow_duplicate=True, **fields):
        if not fields.get("email") and not phones:
            phones = [("mobile", "+1 415 555 0199")]
        return client_create(
            actor or owner,
            ClientInput(fields=fields, phones=phones, tags=tags),
            allow_duplicate=allow_duplicate,
        )

    return make
