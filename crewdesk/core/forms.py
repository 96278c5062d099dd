from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crewdesk.core.constants import TIMEZONE_CHOICES
from crewdesk.core.formats import country_choices
from crewdesk.core.models import Company
from crewdesk.core.services import COMPANY_SETTINGS_FIELDS


class CountryField(forms.ChoiceField):
    def to_python(self, value) -> str:
        return super().to_python(value).strip().upper()  # "us" is US


def country_field(*, required: bool = False) -> forms.ChoiceField:
    """The country select of every address form: ISO 3166 countries by their name in the
    page's language (read when the form is shown, so in that language)."""

    def choices():
        return country_choices() if required else [("", _("Not set")), *country_choices()]

    return CountryField(label=_("Country"), required=required, choices=choices)


class CompanySettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES)
    country = country_field(required=True)

    class Meta:
        model = Company
        fields = COMPANY_SETTINGS_FIELDS


def form_add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where the form has the field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def refusal_text(error: Exception) -> str:
    """A service's refusal (ValidationError, PermissionDenied, TransitionError) as one line
    for a flash message."""
    from django.utils.translation import gettext as _

    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or _("Your role does not allow this.")
