"""Activity-log entries about clients: one function per event (see core/events.py).
Entries about a contact, reminder, notice or note target the client, so they form its timeline."""

from django.utils.translation import gettext_lazy as _

from crewdesk.accounts.models import Membership
from crewdesk.clients.models import Client, ClientImport, Contact, Note, Notice, Reminder, Tag
from crewdesk.core.events import activity_record
from crewdesk.core.models import Activity


class Verb:
    CLIENT_CREATED = "client.created"
    CLIENT_UPDATED = "client.updated"
    CLIENT_ARCHIVED = "client.archived"
    CLIENT_RESTORED = "client.restored"
    CLIENT_DELETED = "client.deleted"
    CLIENT_MERGED = "client.merged"
    CLIENT_IMPORTED = "client.imported"
    TAG_ADDED = "client.tag_added"
    TAG_REMOVED = "client.tag_removed"
    CONTACT_ADDED = "contact.added"
    CONTACT_CHANGED = "contact.changed"
    CONTACT_MADE_PRIMARY = "contact.made_primary"
    CONTACT_REMOVED = "contact.removed"
    REMINDER_ADDED = "reminder.added"
    REMINDER_DONE = "reminder.done"
    NOTICE_ADDED = "notice.added"
    NOTICE_DISMISSED = "notice.dismissed"
    NOTE_ADDED = "note.added"
    NOTE_ARCHIVED = "note.archived"
    # Written by the bulk data generator (sample data), about the company it filled.


# How each entry reads on a timeline: "<who> <sentence>" (registered in apps.py).
SENTENCES = {
    Verb.CLIENT_CREATED: _("added the client %(name)s"),
    Verb.CLIENT_UPDATED: _("changed %(fields)s of %(name)s"),
    Verb.CLIENT_ARCHIVED: _("archived %(name)s"),
    Verb.CLIENT_RESTORED: _("restored %(name)s"),
    Verb.CLIENT_DELETED: _("deleted the client %(name)s"),
    Verb.CLIENT_MERGED: _("merged %(merged)s into %(name)s"),
    Verb.CLIENT_IMPORTED: _("imported %(count)s clients from %(name)s"),
    Verb.TAG_ADDED: _("tagged %(name)s “%(tag)s”"),
    Verb.TAG_REMOVED: _("removed the tag “%(tag)s” from %(name)s"),
    Verb.CONTACT_ADDED: _("added the contact %(contact)s to %(name)s"),
    Verb.CONTACT_CHANGED: _("changed the contact %(contact)s of %(name)s"),
    Verb.CONTACT_MADE_PRIMARY: _("made %(contact)s the primary contact of %(name)s"),
    Verb.CONTACT_REMOVED: _("removed the contact %(contact)s from %(name)s"),
    Verb.REMINDER_ADDED: _("set a reminder for %(name)s: %(text)s"),
    Verb.REMINDER_DONE: _("completed a reminder for %(name)s: %(text)s"),
    Verb.NOTICE_ADDED: _("pinned a notice on %(name)s: %(text)s"),
    Verb.NOTICE_DISMISSED: _("took down a notice on %(name)s"),
    Verb.NOTE_ADDED: _("added a note to %(name)s"),
    Verb.NOTE_ARCHIVED: _("archived a note of %(name)s"),
}


def _client_event(actor: Membership, client: Client, verb: str, **data) -> Activity:
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=verb,
        target=client,
        data={"name": client.display_name, **data},
    )


def client_created_event(*, actor: Membership, client: Client) -> Activity:
    return _client_event(actor, client, Verb.CLIENT_CREATED)


def client_updated_event(*, actor: Membership, client: Client, changes: dict) -> Activity:
    """`changes` is {field: [before, after]}: the profile shows it as the change history."""
    return _client_event(
        actor, client, Verb.CLIENT_UPDATED, changes=changes, fields=", ".join(changes)
    )


def client_archived_event(*, actor: Membership, client: Client) -> Activity:
    return _client_event(actor, client, Verb.CLIENT_ARCHIVED)


def client_restored_event(*, actor: Membership, client: Client) -> Activity:
    return _client_event(actor, client, Verb.CLIENT_RESTORED)


def client_deleted_event(*, actor: Membership, client: Client) -> Activity:
    return _client_event(actor, client, Verb.CLIENT_DELETED, client_id=client.pk)


def client_tag_event(*, actor: Membership, client: Client, tag: Tag, added: bool) -> Activity:
    verb = Verb.TAG_ADDED if added else Verb.TAG_REMOVED
    return _client_event(actor, client, verb, tag=tag.name)


def contact_event(*, actor: Membership, contact: Contact, verb: str) -> Activity:
    return _client_event(actor, contact.client, verb, contact=contact.name, contact_id=contact.pk)


def reminder_event(*, actor: Membership, reminder: Reminder, verb: str) -> Activity:
    return _client_event(actor, reminder.client, verb, text=reminder.text[:80])


def notice_event(*, actor: Membership, notice: Notice, verb: str) -> Activity:
    return _client_event(actor, notice.client, verb, text=notice.text[:80])


def note_event(*, actor: Membership, note: Note, verb: str) -> Activity:
    return _client_event(actor, note.client, verb, note_id=note.pk)


def client_imported_event(*, actor: Membership, client_import: ClientImport) -> Activity:
    """One entry for a whole import, not one per client."""
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=Verb.CLIENT_IMPORTED,
        target=client_import,
        data={"name": client_import.original_name, "count": client_import.imported_count},
    )


def client_merged_event(
    *,
    actor: Membership,
    survivor: Client,
    merged: Client,
    before: dict,
    after: dict,
    moved: dict[str, int],
) -> Activity:
    """One entry per merged client, on the survivor: its values before and after, and what
    moved to it by kind."""
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=Verb.CLIENT_MERGED,
        target=survivor,
        data={
            "name": survivor.display_name,
            "merged": merged.display_name,
            "merged_id": merged.pk,
            "before": before,
            "after": after,
            "moved": {kind: count for kind, count in moved.items() if count},
        },
    )
