"""Every write about users but the login code itself (accounts/login.py): sessions, team
membership and invitations, API tokens."""

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crewdesk.accounts import events
from crewdesk.accounts.addresses import client_address
from crewdesk.accounts.login import BINDING_SESSION_KEY
from crewdesk.accounts.models import ApiToken, Invitation, Membership, User, UserSession
from crewdesk.accounts.selectors import api_token_list
from crewdesk.accounts.usernames import user_by_username
from crewdesk.core import events as core_events
from crewdesk.core.models import Brand, Company
from crewdesk.core.permissions import Action, require
from crewdesk.core.roles import Role
from crewdesk.notifications.services import email_send

ERROR_LAST_OWNER = gettext_lazy("A company needs at least one active owner.")
ERROR_SELF_DEACTIVATE = gettext_lazy("You cannot deactivate yourself.")
ERROR_ALREADY_MEMBER = gettext_lazy("This person is already a member of the company.")
ERROR_ALREADY_INVITED = gettext_lazy(
    "This username already has an invitation waiting. Cancel it on the Team page to send another."
)
ERROR_CUSTOMER_ROLE = gettext_lazy(
    "A customer's access is given and taken from their client's page: "
    "a customer cannot become staff, nor staff a customer."
)
ERROR_NO_COMPANY = gettext_lazy("Your account has no active company.")
ERROR_TOKEN_STAFF_ONLY = gettext_lazy("Only active staff members can have API tokens.")
ERROR_TOKEN_EXPIRY = gettext_lazy("Choose an expiry date in the future.")
ERROR_PORTAL_EMAIL = gettext_lazy("Give the email address the customer logs in with.")
ERROR_PORTAL_CLIENT_GONE = gettext_lazy("An archived or merged client cannot get a portal login.")
ERROR_PORTAL_TAKEN = gettext_lazy("This email already logs in to your company's portal.")

# --- sessions ----------------------------------------------------------------------------------

# When the session's login began and when it was last used, in epoch seconds (middleware.py).
SESSION_STARTED = "login_started"
SESSION_SEEN = "login_seen"


def _memberships_latest_first(user: User):
    return (
        Membership.objects.filter(user=user, active=True)
        .select_related("company")
        .order_by(F("last_used_at").desc(nulls_last=True), "pk")
    )


def _company_use(request: HttpRequest, membership: Membership) -> None:
    """Work in `membership`'s company from now on, and land in it at the next login."""
    request.session["company_id"] = membership.company_id
    Membership.objects.filter(pk=membership.pk).update(last_used_at=timezone.now())
    if request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).update(
            company_id=membership.company_id
        )


def session_start(request: HttpRequest, *, user: User) -> Membership | None:
    """Log `user` in (a new session key) in the company they used last.

    None when they are in no company yet but have an invitation to answer.
    """
    membership = _memberships_latest_first(user).first()
    if membership is None and not user.invitations.filter(answered_at=None).exists():
        raise ValidationError(ERROR_NO_COMPANY)  # deactivated between the code and now
    django_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.pop(BINDING_SESSION_KEY, None)
    request.session[SESSION_STARTED] = request.session[SESSION_SEEN] = time.time()
    address = client_address(request)
    UserSession.objects.create(
        user=user,
        company=membership.company if membership else None,
        session_key=request.session.session_key,
        ip_address=address,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    if membership is not None:
        _company_use(request, membership)
    events.login_event(
        user=user, company=membership.company if membership else None, address=address
    )
    return membership


def session_end(request: HttpRequest, *, reason: str = "") -> None:
    """Log out: the session is deleted on the server, not only forgotten by the browser."""
    if request.user.is_authenticated:
        company = getattr(request, "company", None) or (
            Company.objects.filter(pk=request.session.get("company_id")).first()
        )
        events.logout_event(user=request.user, company=company, reason=reason)
    if request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
    django_logout(request)


def user_session_end(*, user: User, session_id: int) -> None:
    """End one of `user`'s own sessions (another browser, a lost phone)."""
    user_session = UserSession.objects.filter(user=user, pk=session_id).first()
    if user_session is None:
        raise UserSession.DoesNotExist
    Session.objects.filter(session_key=user_session.session_key).delete()
    user_session.delete()


def _sessions_end(sessions) -> int:
    keys = list(sessions.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def user_sessions_end_all(*, user: User, keep_session_key: str | None = None) -> int:
    sessions = UserSession.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    return _sessions_end(sessions)


def company_switch(request: HttpRequest, *, company_id: int) -> Membership:
    membership = _memberships_latest_first(request.user).filter(company_id=company_id).first()
    if membership is None:
        raise Membership.DoesNotExist
    _company_use(request, membership)
    return membership


# --- team --------------------------------------------------------------------------------------


def _active_owner_count(company: Company) -> int:
    return Membership.objects.filter(
        company=company, role=Role.OWNER, active=True, user__is_active=True
    ).count()


@transaction.atomic
def member_invite(
    *,
    actor: Membership,
    username: str,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
) -> Invitation:
    """Invite a person to the actor's company; they join when they accept, after logging in.

    The answer is the same whether the username is new (the user is made, with the email
    typed) or already someone's elsewhere (the invitation goes to that user's own address,
    and nothing of them is shown): an Owner learns nothing about other companies' people.
    """
    require(actor, Action.MANAGE_TEAM)
    if role not in Role.values or role == Role.CUSTOMER:
        raise ValidationError({"role": _("Choose a valid role.")})
    username, email = username.strip(), email.strip()
    user = user_by_username(username)
    if user is None:
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif Membership.objects.filter(user=user, company_id=actor.company_id, active=True).exists():
        raise ValidationError({"username": ERROR_ALREADY_MEMBER})  # your own team: no secret
    if Invitation.objects.filter(company_id=actor.company_id, user=user, answered_at=None).exists():
        raise ValidationError({"username": ERROR_ALREADY_INVITED})
    invitation = Invitation.objects.create(
        company_id=actor.company_id,
        user=user,
        role=role,
        username=username,
        email=email,
        invited_by=actor.user,
    )
    events.member_invited_event(actor=actor, invitation=invitation)
    email_send(
        to=user.email,
        subject=_("You are invited to %(company)s on Crewdesk") % {"company": actor.company.name},
        template="accounts/email/invitation",
        context={
            "user": user,
            "company": actor.company,
            "inviter": actor.user,
            "role": invitation.get_role_display(),
            "site_url": settings.SITE_URL,
        },
        company=actor.company,
        related=invitation,
    )
    return invitation


@transaction.atomic
def invitation_cancel(*, actor: Membership, invitation_id: int) -> Invitation:
    require(actor, Action.MANAGE_TEAM)
    invitation = Invitation.objects.select_for_update().get(
        pk=invitation_id, company_id=actor.company_id, answered_at=None
    )
    invitation.answered_at, invitation.accepted = timezone.now(), False
    invitation.save(update_fields=["answered_at", "accepted"])
    events.invitation_cancelled_event(actor=actor, invitation=invitation)
    return invitation


@transaction.atomic
def invitation_answer(
    request: HttpRequest, *, invitation_id: int, accept: bool
) -> Membership | None:
    """The invited user accepts (joining the company, and working in it now) or declines."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("company")
        .get(pk=invitation_id, user=request.user, answered_at=None)
    )
    invitation.answered_at, invitation.accepted = timezone.now(), accept
    invitation.save(update_fields=["answered_at", "accepted"])
    if not accept:
        events.invitation_declined_event(invitation=invitation)
        return None
    membership, created = Membership.objects.get_or_create(
        user=invitation.user,
        company=invitation.company,
        defaults={"role": invitation.role},
    )
    if not created:  # a former member, deactivated: back with the role invited to
        membership.role, membership.active = invitation.role, True
        membership.save(update_fields=["role", "active"])
    events.invitation_accepted_event(invitation=invitation, membership=membership)
    _company_use(request, membership)
    return membership


@transaction.atomic
def member_change_role(*, actor: Membership, membership: Membership, role: str) -> Membership:
    require(actor, Action.MANAGE_TEAM, membership)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    old_role = membership.role
    if old_role == role:
        return membership
    # A customer is tied to their client; turning one into staff (or back) would hand the
    # office app to a customer's login, or leave a staff login pointing at a client.
    if Role.CUSTOMER in (old_role, role):
        raise ValidationError({"role": ERROR_CUSTOMER_ROLE})
    # Lock the owners so two owners demoting each other at once cannot leave none.
    list(
        Membership.objects.select_for_update().filter(company_id=actor.company_id, role=Role.OWNER)
    )
    if (
        old_role == Role.OWNER
        and membership.active
        and _active_owner_count(membership.company) <= 1
    ):
        raise ValidationError({"role": ERROR_LAST_OWNER})
    membership.role = role
    membership.save(update_fields=["role"])
    events.role_changed_event(actor=actor, membership=membership, old_role=old_role)
    return membership


@transaction.atomic
def member_deactivate(*, actor: Membership, membership: Membership) -> Membership:
    """Remove a member's access to this company: their membership is kept for history, their
    sessions in this company end, and their API tokens for it are revoked. Their place in
    other companies is not this company's to touch."""
    require(actor, Action.MANAGE_TEAM, membership)
    if membership.pk == actor.pk:
        raise ValidationError(ERROR_SELF_DEACTIVATE)
    if not membership.active:
        return membership
    list(
        Membership.objects.select_for_update().filter(company_id=actor.company_id, role=Role.OWNER)
    )
    if membership.role == Role.OWNER and _active_owner_count(membership.company) <= 1:
        raise ValidationError(ERROR_LAST_OWNER)
    membership.active = False
    membership.save(update_fields=["active"])
    _sessions_end(
        UserSession.objects.filter(user_id=membership.user_id).filter(
            Q(company_id=membership.company_id) | Q(company=None)
        )
    )
    api_tokens_revoke_all(membership=membership, reason="deactivated")
    events.member_deactivated_event(actor=actor, membership=membership)
    return membership


@transaction.atomic
def member_reactivate(*, actor: Membership, membership: Membership) -> Membership:
    """Give a member their access back. Their old API tokens stay revoked: new ones are made."""
    require(actor, Action.MANAGE_TEAM, membership)
    if not membership.active:
        membership.active = True
        membership.save(update_fields=["active"])
        events.member_reactivated_event(actor=actor, membership=membership)
    return membership


# --- the customer portal --------------------------------------------------------------------


def _portal_username(email: str) -> str:
    """A new username for a portal login: the email's name and four random digits. Never the
    email itself, nor a name chosen by the office: a username already in use elsewhere would
    have to be refused, and the refusal would tell the office that someone has an account."""
    name = "".join(c for c in email.partition("@")[0].lower() if c.isascii() and c.isalnum())
    name = name[:30] or "customer"
    for _try in range(20):
        username = f"{name}-{secrets.randbelow(10_000):04d}"
        if user_by_username(username) is None:
            return username
    return f"{name}-{secrets.token_hex(6)}"  # a common name: more digits than anyone types


@transaction.atomic
def portal_login_create(*, actor: Membership, client: models.Model, email: str = "") -> Membership:
    """Give a client a login to the customer portal: a new user, at `email` (the client's own
    email when none is given), with a Customer membership tied to the client, so that the
    portal shows them that client's records only (core/permissions.scope). An email tells
    them their username; they log in by code, like everyone.

    `client` is a clients.Client: accounts sits below clients and does not import it.
    """
    require(actor, Action.EDIT_RECORDS, client)
    if client.archived_at or client.merged_into_id:
        raise ValidationError(ERROR_PORTAL_CLIENT_GONE)
    email = (email or client.email).strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": ERROR_PORTAL_EMAIL}) from error
    # One login per address in a company: a code sent there could not tell two apart. The
    # company's row is locked so that two clicks at once cannot both find the address free.
    list(Company.objects.select_for_update().filter(pk=actor.company_id).values("pk"))
    taken = Membership.objects.filter(
        company_id=actor.company_id, role=Role.CUSTOMER, active=True, user__email__iexact=email
    )
    if taken.exists():
        raise ValidationError({"email": ERROR_PORTAL_TAKEN})
    user = User(
        username=_portal_username(email),
        email=email,
        first_name=client.first_name,
        last_name=client.last_name,
        language=client.language,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    membership = Membership.objects.create(
        user=user, company_id=actor.company_id, role=Role.CUSTOMER, client=client
    )
    events.portal_login_created_event(actor=actor, membership=membership)
    email_send(
        to=email,
        subject=_("Your login to %(company)s's portal") % {"company": actor.company.name},
        template="accounts/email/portal_login",
        context={
            "user": user,
            "company": actor.company,
            "site_url": settings.SITE_URL,
        },
        company=actor.company,
        related=membership,
    )
    return membership


# --- API tokens --------------------------------------------------------------------------------

TOKEN_PREFIX = "cdk_"


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str  # shown once, never stored


@transaction.atomic
def api_token_create(
    *,
    membership: Membership,
    name: str = "",
    expires_at: datetime | None = None,
    by_command: bool = False,
) -> IssuedToken:
    """A token acting as `membership`. Made by the member themselves, or from the command line
    by whoever runs the server (`by_command`: the activity log says so, not that they did)."""
    if not membership.active or membership.role == Role.CUSTOMER:
        raise ValidationError(ERROR_TOKEN_STAFF_ONLY)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": ERROR_TOKEN_EXPIRY})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=membership.user,
        company=membership.company,
        name=name.strip()[:100],
        token_hash=_token_hash(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        expires_at=expires_at,
    )
    events.api_token_created_event(membership=membership, token=token, by_command=by_command)
    return IssuedToken(token=token, raw=raw)


@transaction.atomic
def api_token_revoke(*, actor: Membership | None, token: ApiToken) -> ApiToken:
    """Revoke a token at once. `actor` None is the command line (whoever runs the server)."""
    if actor is not None and not api_token_list(viewer=actor).filter(pk=token.pk).exists():
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        events.api_token_revoked_event(actor=actor, token=token, reason="revoked")
    return token


def api_tokens_revoke_all(*, membership: Membership, reason: str) -> int:
    """Revoke every live token of a member in their company (they were deactivated)."""
    tokens = list(
        ApiToken.objects.filter(
            user_id=membership.user_id, company_id=membership.company_id, revoked_at=None
        )
    )
    now = timezone.now()
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        events.api_token_revoked_event(actor=None, token=token, reason=reason)
    return len(tokens)


def api_token_authenticate(*, raw: str) -> tuple[ApiToken, Membership] | None:
    """The token and the membership it acts as, or None if it is unknown, revoked, expired or
    orphaned."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.filter(token_hash=_token_hash(raw), revoked_at=None)
        .filter(Q(expires_at=None) | Q(expires_at__gt=now))
        .select_related("user", "company")
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    membership = (
        Membership.objects.filter(user_id=token.user_id, company_id=token.company_id, active=True)
        .select_related("company", "user")
        .first()
    )
    if membership is None or membership.role == Role.CUSTOMER:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token, membership


# A company and its first owner.

MSG_SAME_COMPANY = gettext_lazy("%(owner)s already owns %(name)s (%(slug)s): nothing was created.")


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "company"
    slug, n = base, 2
    while Company.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def company_create(
    *,
    name: str,
    owner_username: str,
    owner_email: str,
    owner_first_name: str = "",
    owner_last_name: str = "",
    slug: str | None = None,
    **settings_fields,
) -> Membership:
    """A new company with its default brand and its first owner (a new or existing user).

    The same owner never gets a second company of the same name: running the same
    `create_company` twice is a mistake to report, not a copy to make."""
    same = Company.objects.filter(
        name__iexact=name.strip(),
        memberships__user__username__iexact=owner_username,
        memberships__role=Role.OWNER,
    ).first()
    if same is not None:
        raise ValidationError(
            {
                "name": MSG_SAME_COMPANY
                % {"owner": owner_username, "name": same.name, "slug": same.slug}
            }
        )
    company = Company(name=name, slug=slug or _unique_slug(name), **settings_fields)
    company.full_clean()
    company.save()
    Brand.objects.create(company=company, name=name, is_default=True)
    user = user_by_username(owner_username)
    if user is None:
        user = User(
            username=owner_username,
            email=owner_email,
            first_name=owner_first_name,
            last_name=owner_last_name,
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif user.email.lower() != owner_email.lower():
        raise ValidationError(
            {"owner_username": _("A user with this username exists with another email.")}
        )
    membership = Membership.objects.create(user=user, company=company, role=Role.OWNER)
    core_events.company_created_event(membership=membership)
    return membership
