"""Logging in with a username and an emailed one-time code (DESIGN §5).

What an attacker meets here, and why:

- Asking for a code does the same work whatever the username: the request counts its address
  and queues one task, which does the rest (finds the user, counts, writes the code, sends the
  email). An unknown name gets a decoy code row and no email, so the code step behaves alike too.
- A code belongs to the browser session that asked for it: another session cannot guess at it,
  and another session's request does not replace it (nobody can cancel your code).
- Code requests are limited per account and address, and per account: one address cannot stop
  the account's owner from getting codes, and many addresses only cap the emails they cause.
- Wrong codes are counted per account across all its codes. Past a threshold, code login for
  the account pauses for a time that doubles with every few more failures, and the user and
  their Owners are told by email. The sign-in link in each email cannot be guessed, so it
  still works during a pause: a stranger's wrong guesses never lock the real user out.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from crewdesk.accounts.models import LoginCode, LoginLockout, Membership, User
from crewdesk.accounts.throttles import throttle_hit
from crewdesk.accounts.usernames import user_by_username, username_key
from crewdesk.core.roles import Role
from crewdesk.notifications.services import email_send

CODE_DIGITS = 6
# The session's secret nonce that its codes are bound to (only its hash is on the code row).
BINDING_SESSION_KEY = "login_binding"
# A decoy's hash: no code compares equal to it.
_NO_CODE = "!"


class CodeRequestOutcome(Enum):
    QUEUED = "queued"  # also the answer for an unknown username: nothing tells them apart
    THROTTLED = "throttled"  # this address asked too often (says nothing about the username)


class Refusal(Enum):
    BAD_CODE = "bad_code"
    LOCKED = "locked"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class LoginAttempt:
    user: User | None = None
    refusal: Refusal | None = None


def session_binding(nonce: str) -> str:
    """What a code row keeps of the session's secret nonce (the nonce itself stays in it)."""
    return hashlib.sha256(nonce.encode()).hexdigest()


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _code_hash(binding: str, code: str) -> str:
    return salted_hmac("crewdesk.login-code", f"{binding}:{code}", algorithm="sha256").hexdigest()


def _window() -> int:
    return settings.LOGIN_THROTTLE_WINDOW_SECONDS


# --- asking for a code ---------------------------------------------------------------------------


@transaction.atomic
def login_code_request(*, username: str, address: str | None, binding: str) -> CodeRequestOutcome:
    """Queue the sending of a code to the user called `username`, if there is one.

    The work done in the request is the same for every username (one counter, one queued
    task), so neither the answer nor its timing tells whether the user exists.
    """
    if not throttle_hit(
        f"code-request:address:{address}",
        limit=settings.LOGIN_THROTTLE_PER_ADDRESS,
        window_seconds=_window(),
    ):
        return CodeRequestOutcome.THROTTLED
    from crewdesk.accounts.tasks import login_code_send_task

    # Queued in this transaction: a row with the database backend, run here with the
    # immediate one (development and tests).
    login_code_send_task.enqueue(username[:150], address, binding)
    return CodeRequestOutcome.QUEUED


def _user_for_login(key: str) -> User | None:
    """The user a folded name names, if they may log in: active, with an email, and in a
    company (or invited to one)."""
    user = user_by_username(key)
    if user is None or not user.is_active or not user.email:
        return None
    if not (
        user.memberships.filter(active=True).exists()
        or user.invitations.filter(answered_at=None).exists()
    ):
        return None
    return user


@transaction.atomic
def login_code_send(*, username: str, address: str | None, binding: str) -> str:
    """The queued part of a code request: count, write the code (or a decoy), email it."""
    key = username_key(username)[:150]
    user = _user_for_login(key)
    account = f"user:{user.pk}" if user else f"name:{key}"
    per_address = throttle_hit(
        f"code-request:{account}:{address}",
        limit=settings.LOGIN_THROTTLE_PER_USERNAME,
        window_seconds=_window(),
    )
    # Caps the emails one person gets, whatever the number of addresses asking.
    per_account = per_address and throttle_hit(
        f"code-request:{account}",
        limit=settings.LOGIN_THROTTLE_PER_USERNAME * settings.LOGIN_THROTTLE_ADDRESSES_PER_USER,
        window_seconds=_window(),
    )
    if not per_account:
        return "throttled"  # the session's live code, if any, still works

    now = timezone.now()
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    link_token = secrets.token_urlsafe(32)
    LoginCode.objects.filter(session_hash=binding, used_at=None, superseded_at=None).update(
        superseded_at=now
    )
    login_code = LoginCode.objects.create(
        user=user,
        username_key=key,
        session_hash=binding,
        code_hash=_code_hash(binding, code) if user else _NO_CODE,
        link_hash=_sha256(link_token) if user else "",
        expires_at=now + timedelta(seconds=settings.LOGIN_CODE_TTL_SECONDS),
        requested_from=address,
    )
    if user is None:
        return "decoy"
    email_send(
        to=user.email,
        subject=_("Your Crewdesk login code"),  # never the code: subjects show on lock screens
        template="accounts/email/login_code",
        context={
            "user": user,
            "code": code,
            "link": f"{settings.SITE_URL}/login/link/{link_token}/",
            "minutes": settings.LOGIN_CODE_TTL_SECONDS // 60,
        },
        related=login_code,
        sensitive=True,
    )
    return "sent"


# --- using a code ---------------------------------------------------------------------------------


def _live_codes(now) -> Q:
    return Q(used_at=None, superseded_at=None, expires_at__gt=now)


def _locked(key: str, now) -> bool:
    return LoginLockout.objects.filter(key=key, locked_until__gt=now).exists()


def login_code_verify(*, code: str, address: str | None, binding: str) -> LoginAttempt:
    """Log in with the latest live code of this browser session, if `code` is it.

    Safe under parallel submissions: each try is counted by one atomic UPDATE that also checks
    the code is still live, and using the code is a second UPDATE that only one request wins.
    """
    if not throttle_hit(
        f"code-verify:address:{address}",
        limit=settings.LOGIN_THROTTLE_PER_ADDRESS * settings.LOGIN_CODE_MAX_TRIES,
        window_seconds=_window(),
    ):
        return LoginAttempt(refusal=Refusal.THROTTLED)
    code = code.strip().replace(" ", "")
    if not (len(code) == CODE_DIGITS and code.isdigit()):
        return LoginAttempt(refusal=Refusal.BAD_CODE)  # a typo, not a guess: not counted
    now = timezone.now()
    login_code = (
        LoginCode.objects.filter(_live_codes(now), session_hash=binding)
        .order_by("-created_at", "-id")
        .first()
    )
    if login_code is None:
        return LoginAttempt(refusal=Refusal.BAD_CODE)
    if _locked(login_code.lockout_key, now):
        return LoginAttempt(refusal=Refusal.LOCKED)
    counted = LoginCode.objects.filter(
        _live_codes(now), pk=login_code.pk, tries__lt=settings.LOGIN_CODE_MAX_TRIES
    ).update(tries=F("tries") + 1)
    if not counted:
        return LoginAttempt(refusal=Refusal.BAD_CODE)  # used up, replaced or out of tries
    if not constant_time_compare(login_code.code_hash, _code_hash(binding, code)):
        locked = _failure_record(login_code, address=address, now=now)
        return LoginAttempt(refusal=Refusal.LOCKED if locked else Refusal.BAD_CODE)
    return _use(login_code, now)


def login_link_user(*, token: str) -> User | None:
    """Whom a sign-in link would log in, to show before they confirm (nothing is used up:
    mail scanners open links)."""
    login_code = _link_code(token, timezone.now())
    return login_code.user if login_code else None


def login_link_use(*, token: str, address: str | None) -> LoginAttempt:
    """Log in with the link from the email. It cannot be guessed, so a pause of code login
    does not apply to it; it is used up with its code."""
    if not throttle_hit(
        f"code-verify:address:{address}",
        limit=settings.LOGIN_THROTTLE_PER_ADDRESS * settings.LOGIN_CODE_MAX_TRIES,
        window_seconds=_window(),
    ):
        return LoginAttempt(refusal=Refusal.THROTTLED)
    now = timezone.now()
    login_code = _link_code(token, now)
    if login_code is None:
        return LoginAttempt(refusal=Refusal.BAD_CODE)
    return _use(login_code, now)


def _link_code(token: str, now) -> LoginCode | None:
    if not token or len(token) > 100:
        return None
    return (
        LoginCode.objects.filter(_live_codes(now), link_hash=_sha256(token), user__isnull=False)
        .select_related("user")
        .first()
    )


def _use(login_code: LoginCode, now) -> LoginAttempt:
    if login_code.user_id is None or not LoginCode.objects.filter(
        pk=login_code.pk, used_at=None
    ).update(used_at=now):
        return LoginAttempt(refusal=Refusal.BAD_CODE)  # a decoy, or a parallel request won
    LoginLockout.objects.filter(key=login_code.lockout_key).update(failures=0, locked_until=None)
    return LoginAttempt(user=login_code.user)


# --- wrong codes ----------------------------------------------------------------------------------


def lock_duration(failures: int) -> timedelta | None:
    """How long code login pauses after the `failures`-th wrong code in a row, if it does:
    after LOGIN_LOCKOUT_AFTER, and again every LOGIN_LOCKOUT_STEP more, each pause twice the
    last, up to a day."""
    first, step = settings.LOGIN_LOCKOUT_AFTER, settings.LOGIN_LOCKOUT_STEP
    if failures < first or (failures - first) % step:
        return None
    doublings = min((failures - first) // step, 20)  # 2**20 pauses are far past a day
    return min(settings.LOGIN_LOCKOUT_FIRST_PAUSE * 2**doublings, timedelta(days=1))


@transaction.atomic
def _failure_record(login_code: LoginCode, *, address: str | None, now) -> bool:
    """Count a wrong code against its account; True if code login is now paused."""
    key = login_code.lockout_key
    try:
        with transaction.atomic():
            lockout, _created = LoginLockout.objects.select_for_update().get_or_create(key=key)
    except IntegrityError:  # created by a parallel request just now
        lockout = LoginLockout.objects.select_for_update().get(key=key)
    if lockout.last_failure_at and now - lockout.last_failure_at > settings.LOGIN_LOCKOUT_FORGET:
        lockout.failures = 0  # a quiet week forgives old mistakes
    lockout.failures += 1
    lockout.last_failure_at = now
    pause = lock_duration(lockout.failures)
    if pause:
        lockout.locked_until = now + pause
    notify = bool(
        pause
        and login_code.user_id
        and (lockout.notified_at is None or now - lockout.notified_at > timedelta(days=1))
    )
    if notify:
        lockout.notified_at = now
    lockout.save()
    if notify:
        _lockout_notify(login_code.user, lockout=lockout, address=address)
    return pause is not None


def _lockout_notify(user: User, *, lockout: LoginLockout, address: str | None) -> None:
    """Tell the user, and the Owners of each company they work in, that code login paused."""
    context = {
        "user": user,
        "failures": lockout.failures,
        "address": address or _("an unknown address"),
        "locked_until": lockout.locked_until,
    }
    email_send(
        to=user.email,
        subject=_("Code login to your Crewdesk account is paused"),
        template="accounts/email/lockout_user",
        context=context,
    )
    memberships = Membership.objects.filter(user=user, active=True).select_related("company")
    for membership in memberships:
        owners = Membership.objects.filter(
            company_id=membership.company_id, role=Role.OWNER, active=True
        ).exclude(user=user)
        for owner in owners.select_related("user"):
            email_send(
                to=owner.user.email,
                subject=_("Wrong login codes for %(username)s") % {"username": user.username},
                template="accounts/email/lockout_owner",
                context={**context, "owner": owner.user, "company": membership.company},
                company=membership.company,
                related=membership,
            )
