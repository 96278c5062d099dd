from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crewdesk.accounts.models import ApiToken, Invitation, Membership, User
from crewdesk.core.forms import model_field
from crewdesk.core.roles import Role

STAFF_ROLES = [(r.value, r.label) for r in Role if r != Role.CUSTOMER]


class UsernameForm(forms.Form):
    # Without the model's help text: which characters a username may have is for choosing
    # one (the invitation), not for logging in.
    username = model_field(
        User,
        "username",
        help_text="",
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
            }
        ),
    )


class InviteForm(forms.Form):
    username = model_field(
        Invitation,
        "username",
        form_class=forms.RegexField,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and @ . + - _ only.")},
    )
    email = model_field(Invitation, "email")
    first_name = model_field(User, "first_name")
    last_name = model_field(User, "last_name")
    role = model_field(Invitation, "role", choices=STAFF_ROLES, initial=Role.OFFICE)


class RoleForm(forms.Form):
    """A staff member's role. Customers have no such form: their access belongs to their client."""

    role = model_field(Membership, "role", choices=STAFF_ROLES)


class ApiTokenForm(forms.Form):
    """A new API token: what it is for, and how long it lives."""

    LIFETIMES = {"30": 30, "90": 90, "365": 365, "never": None}

    name = model_field(ApiToken, "name", label=_("What is it for?"))  # the form asks
    lifetime = forms.ChoiceField(
        label=_("Expires"),
        choices=[
            ("30", _("In 30 days")),
            ("90", _("In 90 days")),
            ("365", _("In a year")),
            ("never", _("Never")),
        ],
        initial="90",
    )

    def expires_at(self):
        days = self.LIFETIMES[self.cleaned_data["lifetime"]]
        return timezone.now() + timedelta(days=days) if days else None
