"""Sentences for activity-log entries, shown on timelines. Each app adds its verbs here."""

from django.utils.translation import gettext_lazy as _

from crewdesk.core.models import Activity

SENTENCES = {
    "user.login": _("logged in"),
    "user.logout": _("logged out"),
    "member.invited": _("invited %(username)s as %(role)s"),
    "member.role_changed": _("changed the role of %(username)s from %(from)s to %(to)s"),
    "member.deactivated": _("deactivated %(username)s"),
    "member.reactivated": _("reactivated %(username)s"),
    "invitation.cancelled": _("cancelled the invitation of %(username)s"),
    "invitation.accepted": _("accepted the invitation and joined as %(role)s"),
    "invitation.declined": _("declined the invitation to join"),
    "api_token.created": _("created an API token %(prefix)s…"),
    "api_token.created_by_command": _(
        "created an API token %(prefix)s… for %(username)s from the server's command line"
    ),
    "api_token.revoked": _("revoked the API token %(prefix)s… of %(username)s"),
    "client.portal_login_created": _("gave %(name)s a portal login, %(username)s"),
    "company.created": _("created the company %(name)s"),
    "company.updated": _("changed company settings"),
    "client.created": _("added the client %(name)s"),
    "client.updated": _("changed %(fields)s of %(name)s"),
    "client.archived": _("archived %(name)s"),
    "client.restored": _("restored %(name)s"),
    "client.deleted": _("deleted the client %(name)s"),
    "client.merged": _("merged %(merged)s into %(name)s"),
    "client.imported": _("imported %(count)s clients from %(name)s"),
    "clients.generated": _("generated %(count)s demo clients for benchmarks"),
    "client.tag_added": _("tagged %(name)s “%(tag)s”"),
    "client.tag_removed": _("removed the tag “%(tag)s” from %(name)s"),
    "contact.added": _("added the contact %(contact)s to %(name)s"),
    "contact.changed": _("changed the contact %(contact)s of %(name)s"),
    "contact.made_primary": _("made %(contact)s the primary contact of %(name)s"),
    "contact.removed": _("removed the contact %(contact)s from %(name)s"),
    "reminder.added": _("set a reminder for %(name)s: %(text)s"),
    "reminder.done": _("completed a reminder for %(name)s: %(text)s"),
    "notice.added": _("pinned a notice on %(name)s: %(text)s"),
    "notice.dismissed": _("took down a notice on %(name)s"),
    "note.added": _("added a note to %(name)s"),
    "note.archived": _("archived a note of %(name)s"),
    "property.created": _("added the property %(name)s"),
    "property.updated": _("changed %(fields)s of the property %(name)s"),
    "property.archived": _("archived the property %(name)s"),
    "property.restored": _("restored the property %(name)s"),
    "property.moved": _("moved the property %(name)s from %(from_client)s to %(to_client)s"),
    "property.access_notes_viewed": _("read the access notes of %(name)s"),
    "property.service_added": _("added %(service)s to the property %(name)s"),
    "property.service_updated": _("changed %(service)s at the property %(name)s"),
    "property.service_archived": _("stopped %(service)s at the property %(name)s"),
    "service.created": _("added %(name)s to the service catalog"),
    "service.updated": _("changed %(name)s in the service catalog"),
    "service.archived": _("archived %(name)s in the service catalog"),
    "job.created": _("created the job %(name)s"),
    "job.updated": _("changed %(fields)s of the job %(name)s"),
    "job.status": _("moved the job %(name)s from %(from_label)s to %(to_label)s"),
    "job.bad_debt": _("marked the job %(name)s as bad debt"),
    "job.bad_debt_cleared": _("took the bad-debt mark off the job %(name)s"),
    "job.archived": _("archived the job %(name)s"),
    "job.restored": _("restored the job %(name)s"),
    "job.note_added": _("added a note to the job %(name)s"),
    "job.attachment_added": _("added %(file)s to the job %(name)s"),
    "job.attachment_archived": _("removed %(file)s from the job %(name)s"),
    "job.generated": _("scheduled the job %(name)s from its repeating service"),
}


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def activity_sentence(activity: Activity) -> str:
    sentence = SENTENCES.get(activity.verb)
    if sentence is None:
        return activity.verb
    return str(sentence) % _Defaulting(
        {k: v for k, v in activity.data.items() if isinstance(v, str | int)}
    )
