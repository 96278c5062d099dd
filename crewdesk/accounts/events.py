"""Activity-log entries about people: one function per event (see core/events.py)."""

from django.utils.translation import gettext_lazy as _

from crewdesk.accounts.models import ApiToken, Invitation, Membership, User
from crewdesk.core.events import activity_record
from crewdesk.core.models import Activity, Company


class Verb:
    LOGIN = "user.login"
    LOGOUT = "user.logout"
    MEMBER_INVITED = "member.invited"
    ROLE_CHANGED = "member.role_changed"
    MEMBER_DEACTIVATED = "member.deactivated"
    MEMBER_REACTIVATED = "member.reactivated"
    INVITATION_CANCELLED = "invitation.cancelled"
    INVITATION_ACCEPTED = "invitation.accepted"
    INVITATION_DECLINED = "invitation.declined"
    API_TOKEN_CREATED = "api_token.created"
    API_TOKEN_CREATED_BY_COMMAND = "api_token.created_by_command"
    API_TOKEN_REVOKED = "api_token.revoked"
    PORTAL_LOGIN_CREATED = "client.portal_login_created"


# How each entry reads on a timeline: "<who> <sentence>" (registered in apps.py).
SENTENCES = {
    Verb.LOGIN: _("logged in"),
    Verb.LOGOUT: _("logged out"),
    Verb.MEMBER_INVITED: _("invited %(username)s as %(role)s"),
    Verb.ROLE_CHANGED: _("changed the role of %(username)s from %(from)s to %(to)s"),
    Verb.MEMBER_DEACTIVATED: _("deactivated %(username)s"),
    Verb.MEMBER_REACTIVATED: _("reactivated %(username)s"),
    Verb.INVITATION_CANCELLED: _("cancelled the invitation of %(username)s"),
    Verb.INVITATION_ACCEPTED: _("accepted the invitation and joined as %(role)s"),
    Verb.INVITATION_DECLINED: _("declined the invitation to join"),
    Verb.API_TOKEN_CREATED: _("created an API token %(prefix)s…"),
    Verb.API_TOKEN_CREATED_BY_COMMAND: _(
        "created an API token %(prefix)s… for %(username)s from the server's command line"
    ),
    Verb.API_TOKEN_REVOKED: _("revoked the API token %(prefix)s… of %(username)s"),
    Verb.PORTAL_LOGIN_CREATED: _("gave %(name)s a portal login, %(username)s"),
}


def login_event(*, user: User, company: Company | None, address: str | None) -> Activity:
    return activity_record(
        company=company, actor=user, verb=Verb.LOGIN, target=user, data={"address": address}
    )


def logout_event(*, user: User, company: Company | None, reason: str = "") -> Activity:
    return activity_record(
        company=company,
        actor=user,
        verb=Verb.LOGOUT,
        target=user,
        data={"reason": reason} if reason else None,
    )


def member_invited_event(*, actor: Membership, invitation: Invitation) -> Activity:
    # What the Owner typed, never the invited user's own details.
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=Verb.MEMBER_INVITED,
        target=invitation,
        data={"username": invitation.username, "role": invitation.role},
    )


def invitation_cancelled_event(*, actor: Membership, invitation: Invitation) -> Activity:
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=Verb.INVITATION_CANCELLED,
        target=invitation,
        data={"username": invitation.username},
    )


def invitation_accepted_event(*, invitation: Invitation, membership: Membership) -> Activity:
    return activity_record(
        company=invitation.company,
        actor=invitation.user,
        verb=Verb.INVITATION_ACCEPTED,
        target=membership,
        data={"username": invitation.username, "role": invitation.role},
    )


def invitation_declined_event(*, invitation: Invitation) -> Activity:
    return activity_record(
        company=invitation.company,
        actor=invitation.user,
        verb=Verb.INVITATION_DECLINED,
        target=invitation,
        data={"username": invitation.username},
    )


def role_changed_event(*, actor: Membership, membership: Membership, old_role: str) -> Activity:
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=Verb.ROLE_CHANGED,
        target=membership,
        data={"username": membership.user.username, "from": old_role, "to": membership.role},
    )


def member_deactivated_event(*, actor: Membership, membership: Membership) -> Activity:
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=Verb.MEMBER_DEACTIVATED,
        target=membership,
        data={"username": membership.user.username},
    )


def member_reactivated_event(*, actor: Membership, membership: Membership) -> Activity:
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=Verb.MEMBER_REACTIVATED,
        target=membership,
        data={"username": membership.user.username},
    )


def api_token_created_event(
    *, membership: Membership, token: ApiToken, by_command: bool = False
) -> Activity:
    # From the command line the member did nothing: whoever runs the server did.
    return activity_record(
        company=membership.company,
        actor=None if by_command else membership.user,
        verb=Verb.API_TOKEN_CREATED_BY_COMMAND if by_command else Verb.API_TOKEN_CREATED,
        target=token,
        data={"prefix": token.prefix, "name": token.name, "username": membership.user.username},
    )


def api_token_revoked_event(*, actor: Membership | None, token: ApiToken, reason: str) -> Activity:
    return activity_record(
        company=token.company,
        actor=actor.user if actor else None,
        verb=Verb.API_TOKEN_REVOKED,
        target=token,
        data={"prefix": token.prefix, "username": token.user.username, "reason": reason},
    )


def portal_login_created_event(*, actor: Membership, membership: Membership) -> Activity:
    # On the client, so that its timeline says who gave whom a way in.
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=Verb.PORTAL_LOGIN_CREATED,
        target=membership.client,
        data={
            "name": membership.client.display_name,
            "username": membership.user.username,
            "membership_id": membership.pk,
        },
    )
