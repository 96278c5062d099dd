from django import forms
from django.core.exceptions import ValidationError

from crewdesk.core.constants import TIMEZONE_CHOICES
from crewdesk.core.models import Company
from crewdesk.core.services import COMPANY_SETTINGS_FIELDS


class CompanySettingsForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=TIMEZONE_CHOICES)

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
