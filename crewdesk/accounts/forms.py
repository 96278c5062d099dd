from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crewdesk.core.roles import Role


class UsernameForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
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
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("Use letters, digits and @ . + - _ only.")},
    )
    email = forms.EmailField(label=_("Email"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(r.value, r.label) for r in Role if r != Role.CUSTOMER],
        initial=Role.OFFICE,
    )


class RoleForm(forms.Form):
    """A staff member's role. Customers have no such form: their access belongs to their client."""

    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in Role if r != Role.CUSTOMER]
    )


class ApiTokenForm(forms.Form):
    """A new API token: what it is for, and how long it lives."""

    LIFETIMES = {"30": 30, "90": 90, "365": 365, "never": None}

    name = forms.CharField(
        label=_("What is it for?"),
        max_length=100,
        required=False,
        help_text=_("For example: accounting export, Zapier."),
    )
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
