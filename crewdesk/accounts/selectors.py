"""Reads about people shared by pages and the API."""

from django.contrib.sessions.models import Session
from django.db.models import QuerySet
from django.utils import timezone

from crewdesk.accounts.models import ApiToken, Invitation, Membership, User, UserSession
from crewdesk.core.permissions import Action, can, require, scope


def member_list(*, viewer: Membership) -> QuerySet[Membership]:
    require(viewer, Action.VIEW_TEAM)
    return (
        scope(Membership.objects.all(), viewer)
        .select_related("user")
        .order_by("-active", "user__username")
    )


def member_get(*, viewer: Membership, membership_id: int) -> Membership:
    """A member of the viewer's company; another company's id is simply not found."""
    return member_list(viewer=viewer).get(pk=membership_id)


def user_session_list(*, user: User) -> QuerySet[UserSession]:
    live_keys = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=user, session_key__in=live_keys)


def invitation_list(*, viewer: Membership) -> QuerySet[Invitation]:
    """The company's invitations still waiting for an answer (Owner). Shows what the Owner
    typed, never the invited user's own details."""
    require(viewer, Action.MANAGE_TEAM)
    return scope(Invitation.objects.filter(answered_at=None), viewer).order_by("-created_at")


def invitations_open_for(*, user: User) -> list[Invitation]:
    return list(
        Invitation.objects.filter(user=user, answered_at=None)
        .select_related("company", "invited_by")
        .order_by("created_at")
    )


def api_token_list(*, viewer: Membership) -> QuerySet[ApiToken]:
    """The tokens a member may see and revoke: their own; an Owner, all of the company's."""
    tokens = scope(ApiToken.objects.select_related("user"), viewer)
    if can(viewer, Action.MANAGE_TEAM):
        return tokens
    return tokens.filter(user_id=viewer.user_id)
