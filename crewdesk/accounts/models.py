"""Users, their memberships in companies, login codes, throttles, sessions and API tokens."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crewdesk.core.models import Company
from crewdesk.core.roles import Role


class CrewdeskUserManager(UserManager):
    def get_by_natural_key(self, username: str) -> "User":
        # Usernames are matched without regard to case, as people type them.
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A person who logs in: with a username and a code emailed to `email`; never a password."""

    # ASCII only, so that one typed name folds to one user (accounts/usernames.py): a look-alike
    # letter such as the dotless ı cannot reach another account or dodge its throttle.
    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        validators=[ASCIIUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only."),
        error_messages={"unique": _("A user with that username already exists.")},
    )

    email = models.EmailField(_("email"))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    objects = CrewdeskUserManager()

    class Meta:
        verbose_name = _("user")
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("username"), name="user_username_ci_unique"
            )
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    """A user's place in a company: their role, and for a Customer the client they log in as."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    active = models.BooleanField(_("active"), default=True)
    # The client a Customer logs in as: the portal shows that client's records only.
    client = models.ForeignKey(
        "clients.Client",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_memberships",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the user last logged in to or switched to this company: login lands in the latest.
    last_used_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        ordering = ["company__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "company"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.company} ({self.role})"

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER


class LoginCode(models.Model):
    """A one-time 6-digit code (and sign-in link) emailed to a user. Only hashes are stored.

    A code belongs to the browser session that asked for it (`session_hash`): another session
    cannot guess at it, and another session's request does not replace it. A request for an
    unknown username makes a decoy row (no user, no email) so that both cases do the same work.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="login_codes"
    )
    # The folded username that was typed: what a decoy's failures are counted against.
    username_key = models.CharField(max_length=150, default="")
    session_hash = models.CharField(max_length=64, default="")
    code_hash = models.CharField(max_length=128)
    link_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when the same session asks again: only a session's latest code can log in.
    superseded_at = models.DateTimeField(null=True, blank=True)
    requested_from = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["session_hash", "-created_at"], name="logincode_session_recent"),
            models.Index(fields=["link_hash"], name="logincode_link"),
            models.Index(fields=["expires_at"], name="logincode_expires"),
        ]

    def __str__(self) -> str:
        return f"login code of {self.user_id} from {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def lockout_key(self) -> str:
        return f"user:{self.user_id}" if self.user_id else f"name:{self.username_key}"


class LoginLockout(models.Model):
    """Wrong codes entered for one account ("user:12"), or for one unknown name ("name:bob",
    so that an unknown name behaves exactly like a known one), across all its codes.

    Past a threshold, code login for the account pauses for a time that doubles with every
    few more failures; the user and their company's owners are told by email. The sign-in
    link in the email, which cannot be guessed, still works during a pause.
    """

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures} failures"


class LoginThrottle(models.Model):
    """A counter of login attempts for one key ("username:bob", "address:1.2.3.4") in a window.

    Updated with a single atomic UPDATE so it holds under parallel requests on any database.
    """

    key = models.CharField(max_length=200, unique=True)
    window_started_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class UserSession(models.Model):
    """A logged-in browser: lets a user see where they are logged in and end a session."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="browser_sessions")
    # The company the session works in: leaving a company ends only the sessions in it.
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return f"session of {self.user_id} from {self.ip_address}"


class ApiToken(models.Model):
    """A bearer token acting as `user` in `company`. Only a SHA-256 of the token is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(
        _("name"),
        max_length=100,
        blank=True,
        help_text=_("For example: accounting export, Zapier."),
    )
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "user"], name="apitoken_company_user")]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @property
    def is_live(self) -> bool:
        from django.utils import timezone

        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )


class Invitation(models.Model):
    """An Owner's invitation to join their company, waiting for the invited user to accept.

    Nothing joins a user to a company without their consent: a membership is made only when
    they accept (after logging in), whether the username was new or already in use elsewhere.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    # Only what the inviting Owner typed is shown to them; never the invited user's own details.
    username = models.CharField(_("username"), max_length=150)
    email = models.EmailField(_("email"))
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    accepted = models.BooleanField(null=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "user"],
                condition=models.Q(answered_at=None),
                name="invitation_one_open_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"invitation of {self.username} to {self.company_id}"
