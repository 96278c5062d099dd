"""Every write about users: login codes, sessions, team membership, API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crewdesk.accounts import events
from crewdesk.accounts.models import ApiToken, LoginCode, Membership, User, UserSession
from crewdesk.accounts.throttles import throttle_hit
from crewdesk.core.models import Company
from crewdesk.core.permissions import Action, require
from crewdesk.core.roles import Role
from crewdesk.notifications.services import email_send

ERROR_USERNAME_TAKEN = gettext_lazy("That username is taken. Choose another one.")
ERROR_LAST_OWNER = gettext_lazy("A company needs at least one active owner.")
ERROR_SELF_DEACTIVATE = gettext_lazy("You cannot deactivate yourself.")
ERROR_ALREADY_MEMBER = gettext_lazy("This person is already a member of the company.")
ERROR_CUSTOMER_ROLE = gettext_lazy(
    "A customer's access is given and taken from their client's page: "
    "a customer cannot become staff, nor staff a customer."
)

# --- login codes -------------------------------------------------------------------------------


class CodeRequestOutcome(Enum):
    SENT = "sent"  # also the answer for an unknown username: nothing tells them apart
    THROTTLED = "throttled"


def _code_hash(user_id: int, code: str) -> str:
    return salted_hmac("crewdesk.login-code", f"{user_id}:{code}", algorithm="sha256").hexdigest()


def _user_for_login(username: str) -> User | None:
    username = username.strip()
    if not username:
        return None
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None or not user.email:
        return None
    if not user.memberships.filter(active=True).exists():
        return None
    return user


@transaction.atomic
def login_code_request(*, username: str, address: str | None) -> CodeRequestOutcome:
    """Email a new 6-digit code to the user called `username`, if there is one.

    The caller answers the same way whether or not the user exists; the work done here is the
    same too, up to the email itself, which is sent after the response by a task.
    """
    allowed_user = throttle_hit(
        f"code-request:username:{username.strip().lower()}",
        limit=settings.LOGIN_THROTTLE_PER_USERNAME,
        window_seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS,
    )
    allowed_address = throttle_hit(
        f"code-request:address:{address}",
        limit=settings.LOGIN_THROTTLE_PER_ADDRESS,
        window_seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS,
    )
    if not (allowed_user and allowed_address):
        return CodeRequestOutcome.THROTTLED

    code = f"{secrets.randbelow(1_000_000):06d}"
    user = _user_for_login(username)
    if user is None:
        _code_hash(0, code)  # the same work as for a real user
        return CodeRequestOutcome.SENT

    now = timezone.now()
    LoginCode.objects.filter(user=user, used_at=None, superseded_at=None).update(superseded_at=now)
    login_code = LoginCode.objects.create(
        user=user,
        code_hash=_code_hash(user.pk, code),
        expires_at=now + timedelta(seconds=settings.LOGIN_CODE_TTL_SECONDS),
        requested_from=address,
    )
    email_send(
        to=user.email,
        subject=_("Your Crewdesk login code: %(code)s") % {"code": code},
        template="accounts/email/login_code",
        context={
            "user": user,
            "code": code,
            "minutes": settings.LOGIN_CODE_TTL_SECONDS // 60,
            "site_url": settings.SITE_URL,
        },
        related=login_code,
        sensitive=True,
    )
    return CodeRequestOutcome.SENT


def login_code_verify(*, username: str, code: str, address: str | None) -> User | None:
    """The user if `code` is their latest live code; it is then used up. Else None.

    Safe under parallel submissions: each try is counted by one atomic UPDATE that also checks
    the code is still live, and using the code is a second UPDATE that only one request can win.
    """
    if not throttle_hit(
        f"code-verify:address:{address}",
        limit=settings.LOGIN_THROTTLE_PER_ADDRESS * settings.LOGIN_CODE_MAX_TRIES,
        window_seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS,
    ):
        return None
    user = _user_for_login(username)
    code = code.strip().replace(" ", "")
    if user is None or not (len(code) == 6 and code.isdigit()):
        return None
    now = timezone.now()
    login_code = (
        LoginCode.objects.filter(user=user, used_at=None, superseded_at=None, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if login_code is None:
        return None
    live = LoginCode.objects.filter(
        pk=login_code.pk,
        used_at=None,
        superseded_at=None,
        expires_at__gt=now,
        tries__lt=settings.LOGIN_CODE_MAX_TRIES,
    )
    if not live.update(tries=F("tries") + 1):
        return None  # used up, replaced, expired, or out of tries
    if not constant_time_compare(login_code.code_hash, _code_hash(user.pk, code)):
        return None
    if not LoginCode.objects.filter(pk=login_code.pk, used_at=None).update(used_at=now):
        return None  # a parallel request used it first
    return user


# --- sessions ----------------------------------------------------------------------------------


def client_address(request: HttpRequest) -> str | None:
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR")


def session_start(request: HttpRequest, *, user: User) -> Membership:
    """Log `user` in (a new session key) and choose the company they work in."""
    django_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    membership = user.memberships.filter(active=True).select_related("company").first()
    if membership is None:  # deactivated between the code and now
        django_logout(request)
        raise ValidationError(_("Your account has no active company."))
    request.session["company_id"] = membership.company_id
    UserSession.objects.create(
        user=user,
        session_key=request.session.session_key,
        ip_address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
    events.login_event(membership=membership, address=client_address(request))
    return membership


def session_end(request: HttpRequest) -> None:
    """Log out: the session is deleted on the server, not only forgotten by the browser."""
    membership = getattr(request, "membership", None)
    if request.user.is_authenticated and membership is not None:
        events.logout_event(membership=membership)
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


def user_sessions_end_all(*, user: User, keep_session_key: str | None = None) -> int:
    sessions = UserSession.objects.filter(user=user)
    if keep_session_key:
        sessions = sessions.exclude(session_key=keep_session_key)
    keys = list(sessions.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    sessions.delete()
    return len(keys)


def company_switch(request: HttpRequest, *, company_id: int) -> Membership:
    membership = (
        Membership.objects.filter(user=request.user, company_id=company_id, active=True)
        .select_related("company")
        .first()
    )
    if membership is None:
        raise Membership.DoesNotExist
    request.session["company_id"] = membership.company_id
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
) -> Membership:
    """Add a person to the actor's company and email them how to log in."""
    require(actor, Action.MANAGE_TEAM)
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a valid role.")})
    username = username.strip()
    email = email.strip()
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif user.email.lower() != email.lower():
        raise ValidationError({"username": ERROR_USERNAME_TAKEN})
    membership = Membership.objects.filter(user=user, company_id=actor.company_id).first()
    if membership is not None and membership.active:
        raise ValidationError({"username": ERROR_ALREADY_MEMBER})
    if membership is None:
        membership = Membership.objects.create(user=user, company_id=actor.company_id, role=role)
    else:
        membership.role, membership.active = role, True
        membership.save(update_fields=["role", "active"])
    events.member_invited_event(actor=actor, membership=membership)
    email_send(
        to=user.email,
        subject=_("You are invited to %(company)s on Crewdesk") % {"company": actor.company.name},
        template="accounts/email/invitation",
        context={
            "user": user,
            "company": actor.company,
            "inviter": actor.user,
            "role": membership.get_role_display(),
            "site_url": settings.SITE_URL,
        },
        company=actor.company,
        related=membership,
    )
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
    """Remove a member's access: their membership is kept for history, their sessions end."""
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
    user_sessions_end_all(user=membership.user)
    events.member_deactivated_event(actor=actor, membership=membership)
    return membership


@transaction.atomic
def member_reactivate(*, actor: Membership, membership: Membership) -> Membership:
    require(actor, Action.MANAGE_TEAM, membership)
    if not membership.active:
        membership.active = True
        membership.save(update_fields=["active"])
        events.member_reactivated_event(actor=actor, membership=membership)
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
def api_token_create(*, membership: Membership, name: str = "") -> IssuedToken:
    if not membership.active or membership.role == Role.CUSTOMER:
        raise ValidationError(_("Only active staff members can have API tokens."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=membership.user,
        company=membership.company,
        name=name,
        token_hash=_token_hash(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
    )
    events.api_token_created_event(membership=membership, token=token)
    return IssuedToken(token=token, raw=raw)


def api_token_authenticate(raw: str) -> tuple[ApiToken, Membership] | None:
    """The token and the membership it acts as, or None if it is unknown, revoked or orphaned."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.filter(token_hash=_token_hash(raw), revoked_at=None)
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
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token, membership
