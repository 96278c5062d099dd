"""clients/selectors: what a viewer gets of a client's records (scoped by `scope`)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crewdesk.clients import merging, selectors, services
from crewdesk.clients.models import NoteFile
from tests.images import PDF


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def notes(owner, customer_client):
    def note(text, visibility):
        return services.note_create(
            actor=owner,
            client=customer_client,
            text=text,
            visibility=visibility,
            files=[SimpleUploadedFile(f"{visibility}.pdf", PDF)],
        )

    shown = note("Your next visit is Tuesday", "customer")
    internal = note("Slow payer", "internal")
    archived = note("Old news", "customer")
    services.note_archive(actor=owner, note=archived)
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


def test_a_notes_file_is_found_by_whoever_may_see_the_note(
    owner, customer, neighbour, outsider, customer_client, notes
):
    shown, internal = notes["shown"].files.get(), notes["internal"].files.get()

    def found(viewer, file) -> bool:
        try:
            selectors.note_file_get(viewer=viewer, client_id=customer_client.pk, file_id=file.pk)
        except NoteFile.DoesNotExist:
            return False
        return True

    assert found(owner, shown) and found(owner, internal)
    assert found(customer, shown) and not found(customer, internal)
    assert not found(neighbour, shown) and not found(outsider, shown)
    # The file of another client's note is not found under this client.
    with pytest.raises(NoteFile.DoesNotExist):
        selectors.note_file_get(viewer=owner, client_id=neighbour.client_id, file_id=shown.pk)


def test_clients_by_id_are_the_viewers_companys_merged_ones_too(owner, outsider, make_client):
    ann, anne = make_client(first_name="Ann"), make_client(first_name="Anne")
    merging.client_merge(actor=owner, survivor=ann, others=[anne], choices={})

    assert set(selectors.clients_by_id(viewer=owner, ids=[ann.pk, anne.pk])) == {ann.pk, anne.pk}
    assert selectors.clients_by_id(viewer=outsider, ids=[ann.pk, anne.pk]) == {}
    assert [c.pk for c in selectors.clients_merged_into(viewer=owner, client=ann)] == [anne.pk]
    assert list(selectors.clients_merged_into(viewer=outsider, client=ann)) == []
