"""Users, their memberships in companies, login codes, throttles, sessions and API tokens."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
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
    """A one-time 6-digit code emailed to a user. Only an HMAC of it is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_codes")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when a newer code is sent: only the latest code can log in.
    superseded_at = models.DateTimeField(null=True, blank=True)
    requested_from = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="logincode_user_recent")]

    def __str__(self) -> str:
        return f"login code of {self.user_id} from {self.created_at:%Y-%m-%d %H:%M}"


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
    name = models.CharField(_("name"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
