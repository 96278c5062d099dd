"""Activity-log entries about people: one function per event (see core/events.py)."""

from crewdesk.accounts.models import ApiToken, Membership
from crewdesk.core.events import activity_record
from crewdesk.core.models import Activity


class Verb:
    LOGIN = "user.login"
    LOGOUT = "user.logout"
    MEMBER_INVITED = "member.invited"
    ROLE_CHANGED = "member.role_changed"
    MEMBER_DEACTIVATED = "member.deactivated"
    MEMBER_REACTIVATED = "member.reactivated"
    API_TOKEN_CREATED = "api_token.created"


def login_event(*, membership: Membership, address: str | None) -> Activity:
    return activity_record(
        company=membership.company,
        actor=membership.user,
        verb=Verb.LOGIN,
        target=membership.user,
        data={"address": address},
    )


def logout_event(*, membership: Membership) -> Activity:
    return activity_record(
        company=membership.company, actor=membership.user, verb=Verb.LOGOUT, target=membership.user
    )


def member_invited_event(*, actor: Membership, membership: Membership) -> Activity:
    return activity_record(
        company=actor.company,
        actor=actor.user,
        verb=Verb.MEMBER_INVITED,
        target=membership,
        data={"username": membership.user.username, "role": membership.role},
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


def api_token_created_event(*, membership: Membership, token: ApiToken) -> Activity:
    return activity_record(
        company=membership.company,
        actor=membership.user,
        verb=Verb.API_TOKEN_CREATED,
        target=token,
        data={"prefix": token.prefix, "name": token.name},
    )
