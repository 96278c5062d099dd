"""Reads about people shared by pages and the API."""

from collections.abc import Iterable

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crewdesk.accounts.models import ApiToken, Invitation, Membership, User, UserSession
from crewdesk.core.permissions import Action, can, require, scope
from crewdesk.core.records import company_record
from crewdesk.core.roles import STAFF_ROLES


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


# --- who can be crew ------------------------------------------------------------------------
# Crew (a job's assignees, a recurring service's crew) is an active member of the staff: Owner,
# Office or Employee. A customer never is, nor anyone whose membership was ended.


def crew_only(*, members: QuerySet[Membership]) -> QuerySet[Membership]:
    """Those of `members` who can be crew."""
    return members.filter(active=True, role__in=STAFF_ROLES)


def can_be_crew(*, member: Membership) -> bool:
    """The same rule for one member already loaded."""
    return member.active and member.role in STAFF_ROLES


def crew_list(*, viewer: Membership) -> QuerySet[Membership]:
    """Who can be crew in the viewer's company (the crew pickers, the schedule's rows), by
    name."""
    return (
        crew_only(members=Membership.objects.filter(company_id=viewer.company_id))
        .select_related("user")
        .order_by("user__first_name", "user__username", "id")
    )


def crew_members(
    *, viewer: Membership, ids: Iterable, field: str = "assignees"
) -> list[Membership]:
    """Membership ids sent by the office become its crew, in the order sent, without repeats;
    another company's id or someone who cannot be crew is a field error."""
    members = []
    for value in dict.fromkeys(ids or []):
        member = company_record(viewer, Membership, value, field)
        if not can_be_crew(member=member):
            raise ValidationError({field: [_("Only active team members can be crew.")]})
        members.append(member)
    return members


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
