from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from crewdesk.core.constants import TIMEZONE_CHOICES
from crewdesk.core.formats import country_choices
from crewdesk.core.models import Company
from crewdesk.core.services import COMPANY_SETTINGS_FIELDS


def model_field(model: type[Model], name: str, **overrides) -> forms.Field:
    """The form field of `model`'s field `name`, so that a label is written once: the label
    (the field's verbose_name), max_length, help text, choices, initial value and whether it
    is required come from the model; `overrides` are what the form says otherwise (a widget,
    `required=False`, its own error messages).

    A form that keeps a value of its own kind, an id for a related row or a pick from a list
    of its own (`choices=`) over a plain column, gets a `form_class` field (ChoiceField unless
    given) with only the model's label, help text and blank."""
    field = model._meta.get_field(name)
    if field.is_relation or ("choices" in overrides and not field.choices):
        form_class = overrides.pop("form_class", forms.ChoiceField)
        defaults = {
            "label": capfirst(field.verbose_name),
            "help_text": field.help_text,
            "required": not field.blank,
        }
        return form_class(**defaults | overrides)
    return field.formfield(**overrides)


class CountryField(forms.ChoiceField):
    def to_python(self, value) -> str:
        return super().to_python(value).strip().upper()  # "us" is US


def country_field(model: type[Model]) -> forms.ChoiceField:
    """The country select of every address form (`model`'s `country`, required unless it may
    be blank): ISO 3166 countries by their name in the page's language (read when the form is
    shown, so in that language)."""
    required = not model._meta.get_field("country").blank

    def choices():
        return country_choices() if required else [("", _("Not set")), *country_choices()]

    return model_field(model, "country", form_class=CountryField, choices=choices)


class CompanySettingsForm(forms.ModelForm):
    timezone = model_field(Company, "timezone", choices=TIMEZONE_CHOICES)
    country = country_field(Company)

    class Meta:
        model = Company
        fields = COMPANY_SETTINGS_FIELDS
        widgets = {"payment_instructions": forms.Textarea(attrs={"rows": 3})}


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
