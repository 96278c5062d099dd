"""clients/selectors: what a viewer gets of a client's records (scoped by `scope`)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crewdesk.clients import selectors, services
from tests.images import PDF


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def notes(owner, customer_client):
    def note(text, visibility):
        return services.note_create(
            owner,
            customer_client,
            text=text,
            visibility=visibility,
            files=[SimpleUploadedFile(f"{visibility}.pdf", PDF)],
        )

    shown = note("Your next visit is Tuesday", "customer")
    internal = note("Slow payer", "internal")
    archived = note("Old news", "customer")
    services.note_archive(owner, archived)
    return {"shown": shown, "internal": internal}


def texts(viewer, client) -> list[str]:
    return [n.text for n in selectors.client_notes(viewer=viewer, client=client)]


def test_the_office_gets_every_note_of_the_client_newest_first(
    owner, office, customer_client, notes
):
    for member in (owner, office):
        assert texts(member, customer_client) == ["Slow payer", "Your next visit is Tuesday"]


def test_the_clients_customer_gets_only_the_notes_shown_to_them(customer, customer_client, notes):
    found = list(selectors.client_notes(viewer=customer, client=customer_client))

    assert [n.text for n in found] == ["Your next visit is Tuesday"]
    assert [f.name for f in found[0].files.all()] == ["customer.pdf"]


def test_another_clients_customer_gets_none(neighbour, outsider, customer_client, notes):
    assert texts(neighbour, customer_client) == []
    assert texts(outsider, customer_client) == []
