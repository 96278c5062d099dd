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
    "api_token.created": _("created an API token %(prefix)s…"),
    "company.created": _("created the company %(name)s"),
    "company.updated": _("changed company settings"),
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
