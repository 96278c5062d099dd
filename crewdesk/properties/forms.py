"""Forms of the property pages and the service catalog. They only parse and check what was
typed; the services (properties/services.py) decide and save. They are plain forms built from
the models' fields, so the record being edited is not touched before its service sees it."""

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from crewdesk.core.forms import country_field, model_field
from crewdesk.properties.models import Frequency, Property, PropertyService, Service
from crewdesk.properties.services import (
    PROPERTY_FIELDS,
    SERVICE_FIELDS,
    WEEKDAY_CODES,
)

WEEKDAY_LABELS = (
    _("Mon"),
    _("Tue"),
    _("Wed"),
    _("Thu"),
    _("Fri"),
    _("Sat"),
    _("Sun"),
)
TEXTAREA = forms.Textarea(attrs={"rows": 3})


class PropertyForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"] = country_field(Property)
        for name in ("latitude", "longitude"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "any"})

    def clean(self):
        data = super().clean()
        has_lat = data.get("latitude") is not None
        has_lng = data.get("longitude") is not None
        if has_lat != has_lng and not self.errors.keys() & {"latitude", "longitude"}:
            self.add_error(
                "longitude" if has_lat else "latitude",
                _("Give both latitude and longitude, or neither."),
            )
        return data

    @staticmethod
    def initial_for(prop: Property) -> dict:
        return {name: getattr(prop, name) for name in PROPERTY_FIELDS}


class ServiceForm(forms.Form):
    """An entry of the company's service catalog."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_price"].widget.attrs.update({"inputmode": "decimal", "min": "0"})

    @staticmethod
    def initial_for(service: Service) -> dict:
        return {name: getattr(service, name) for name in SERVICE_FIELDS}


# The fields are the models' own (labels, limits, choices); set here, as the declarative
# metaclass of forms.Form would replace a `base_fields` given in the class body.
PropertyForm.base_fields = fields_for_model(
    Property,
    fields=PROPERTY_FIELDS,
    widgets={"access_notes": TEXTAREA, "description": TEXTAREA},
)
ServiceForm.base_fields = fields_for_model(
    Service, fields=SERVICE_FIELDS, widgets={"description": TEXTAREA}
)


class PropertyServiceForm(forms.Form):
    """A service a property gets: which, at what price, how often, by whom.

    `services` are the catalog entries to pick from (None when editing: the service of an
    existing entry does not change); `crew` are (membership id, name) of the active team."""

    service = model_field(PropertyService, "service", form_class=forms.TypedChoiceField, coerce=int)
    # The form's own words: the price at this property, empty for the catalog's (the service
    # then sets it; the model's price is never empty).
    price = model_field(
        PropertyService,
        "price",
        label=_("Price here"),
        required=False,
        min_value=0,
        help_text=_("Leave empty for the catalog price."),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
    )
    instructions = model_field(
        PropertyService, "instructions", widget=forms.Textarea(attrs={"rows": 3})
    )
    frequency = model_field(PropertyService, "frequency")
    interval = model_field(PropertyService, "interval", min_value=1, max_value=365)
    weekdays = model_field(
        PropertyService,
        "weekdays",
        form_class=forms.MultipleChoiceField,
        choices=list(zip(WEEKDAY_CODES, WEEKDAY_LABELS, strict=True)),
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = model_field(
        PropertyService, "starts_on", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = model_field(
        PropertyService, "ends_on", widget=forms.DateInput(attrs={"type": "date"})
    )
    start_time = model_field(
        PropertyService, "start_time", widget=forms.TimeInput(attrs={"type": "time"})
    )
    assignees = model_field(
        PropertyService,
        "assignees",
        form_class=forms.TypedMultipleChoiceField,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, services=None, crew=(), **kwargs):
        super().__init__(*args, **kwargs)
        if services is None:
            del self.fields["service"]
        else:
            self.fields["service"].choices = [("", _("Pick a service"))] + [
                (s.pk, s.name) for s in services
            ]
            self.catalog_prices = {str(s.pk): str(s.default_price) for s in services}
        self.fields["assignees"].choices = list(crew)

    def clean(self):
        data = super().clean()
        if data.get("frequency") and not data.get("starts_on") and "starts_on" not in self.errors:
            self.add_error("starts_on", _("A repeating service needs the day it starts."))
        if data.get("frequency") != Frequency.WEEKLY:
            data["weekdays"] = []  # the boxes only mean something for weekly services
        return data

    def to_data(self) -> dict:
        """What the services take: the fields, without the crew (passed on its own)."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "assignees"}
        if data.get("price") is None:
            data.pop("price", None)
        return data

    @staticmethod
    def initial_for(ps) -> dict:
        return {
            "price": ps.price,
            "instructions": ps.instructions,
            "frequency": ps.frequency,
            "interval": ps.interval,
            "weekdays": [d for d in ps.weekdays.split(",") if d],
            "starts_on": ps.starts_on,
            "ends_on": ps.ends_on,
            "start_time": ps.start_time,
            "assignees": [m.pk for m in ps.assignees.all()],
        }


class MoveForm(forms.Form):
    """Move a property to another client: the client chosen in the picker, and a yes."""

    client = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("Pick the client the property now belongs to.")},
    )
    confirm = forms.BooleanField(
        label=_("Yes, move this property and its jobs not yet started"),
        error_messages={"required": _("Tick the box to confirm the move.")},
    )
