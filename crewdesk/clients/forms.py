"""Forms of the client pages: the directory's filters and the client form (new and edit).

The client form only parses what was typed; the rules (names, reachability, phones, postal
codes, duplicates) live in validation.py and services.py, and their errors come back onto the
form through `ClientForm.add_service_error`."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crewdesk.clients.filters import Archived, Sort
from crewdesk.clients.models import Client, ClientType, PhoneKind
from crewdesk.clients.services import CLIENT_FIELDS, ClientInput
from crewdesk.clients.validation import clean_phones
from crewdesk.core.forms import country_field, model_field

PHONE_ROWS = 3  # rows shown on the form; more when a client already has more numbers
RATING_CHOICES = [(0, _("No rating"))] + [(i, "★" * i) for i in range(1, 6)]
ARCHIVED_CHOICES = [
    (Archived.ACTIVE, _("Active")),
    (Archived.ARCHIVED, _("Archived")),
    (Archived.ALL, _("All")),
]
SORT_CHOICES = [
    (Sort.NAME, _("Name")),
    (Sort.NEWEST, _("Newest first")),
    (Sort.OLDEST, _("Oldest first")),
]
# Fields the duplicate check reads: typing in them refreshes the panel of look-alikes.
DUPLICATE_WATCHED = ("first_name", "last_name", "company_name", "email")


class ClientFilterForm(forms.Form):
    """The directory's search box and filters, read from the query string."""

    q = forms.CharField(label=_("Search clients"), required=False, max_length=200)
    tag = forms.TypedMultipleChoiceField(label=_("Tags"), required=False, coerce=int)
    type = model_field(Client, "client_type")
    source = model_field(Client, "lead_source")
    archived = forms.ChoiceField(label=_("Show"), required=False, choices=ARCHIVED_CHOICES)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)

    def __init__(self, data, *, tags) -> None:
        super().__init__(data)
        self.fields["tag"].choices = [(tag.pk, tag.name) for tag in tags]
        self.fields["type"].choices = [("", _("Any type")), *ClientType.choices]

    def value(self, name: str, default=None):
        """The cleaned value of one filter; a bad value counts as not given."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "", []) else value


class ClientForm(forms.Form):
    """Every detail of a client the office types. Relations (parent, referred by) are ids chosen
    through the client picker; brand is one of the company's brands."""

    # The form asks; the model's "kind" is how the history names it.
    kind = model_field(Client, "kind", label=_("This client is"), widget=forms.RadioSelect)
    first_name = model_field(Client, "first_name")
    last_name = model_field(Client, "last_name")
    company_name = model_field(Client, "company_name")
    billing_name = model_field(Client, "billing_name")
    # Text, not an EmailField: the services check the address with the client's other rules.
    email = model_field(
        Client,
        "email",
        form_class=forms.CharField,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    lead_source = model_field(
        Client,
        "lead_source",
        widget=forms.TextInput(attrs={"list": "lead-source-options", "autocomplete": "off"}),
    )
    street = model_field(Client, "street")
    street2 = model_field(Client, "street2")
    city = model_field(Client, "city")
    region = model_field(Client, "region")
    postal_code = model_field(Client, "postal_code")
    country = country_field(Client)
    client_type = model_field(Client, "client_type")
    rating = model_field(
        Client,
        "rating",
        form_class=forms.TypedChoiceField,
        choices=RATING_CHOICES,
        coerce=int,
        initial=0,
        required=False,
    )
    tax_exempt = model_field(Client, "tax_exempt")
    tax_id = model_field(Client, "tax_id")
    newsletter = model_field(Client, "newsletter")
    preferred_contact = model_field(Client, "preferred_contact")
    language = model_field(Client, "language")
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    referred_by = forms.IntegerField(required=False, widget=forms.HiddenInput)
    brand = model_field(
        Client, "brand", form_class=forms.TypedChoiceField, coerce=int, empty_value=None
    )
    tags = forms.CharField(
        label=_("Tags"),
        max_length=1000,
        required=False,
        help_text=_("Separate tags with commas, for example: VIP, Airbnb, Net 30."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    notes = model_field(Client, "notes", widget=forms.Textarea(attrs={"rows": 4}))
    allow_duplicate = forms.BooleanField(
        label=_("Create anyway — this is a different client"), required=False
    )

    def __init__(
        self, *args, brands=(), phone_rows: int = PHONE_ROWS, duplicate_url: str = "", **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.phone_rows = max(PHONE_ROWS, phone_rows)
        for i in range(self.phone_rows):
            self.fields[f"phone_kind_{i}"] = forms.ChoiceField(
                label=_("Kind of phone %(n)d") % {"n": i + 1},
                choices=PhoneKind.choices,
                initial=PhoneKind.MOBILE if i == 0 else PhoneKind.HOME,
                required=False,
            )
            self.fields[f"phone_number_{i}"] = forms.CharField(
                label=_("Phone %(n)d") % {"n": i + 1},
                max_length=40,
                required=False,
                widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            )
        self.fields["client_type"].choices = [("", _("Not set")), *ClientType.choices]
        self.fields["brand"].choices = [("", _("Default brand"))] + [
            (brand.pk, brand.name) for brand in brands
        ]
        self.has_brands = bool(brands)
        if duplicate_url:
            # Typing a name, email or phone asks the server who already looks like this.
            for name in (*DUPLICATE_WATCHED, *self.phone_number_names):
                self.fields[name].widget.attrs.update(
                    {
                        "hx-post": duplicate_url,
                        "hx-trigger": "input changed delay:400ms",
                        "hx-target": "#client-duplicates",
                        "hx-include": "closest form",
                        "hx-sync": "closest form:queue last",
                    }
                )

    @property
    def phone_number_names(self) -> list[str]:
        return [f"phone_number_{i}" for i in range(self.phone_rows)]

    def phone_rows_bound(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"phone_kind_{i}"], self[f"phone_number_{i}"]) for i in range(self.phone_rows)
        ]

    @classmethod
    def initial_for(cls, client: Client, *, phones, tags: list[str]) -> dict:
        initial = {name: getattr(client, name) for name in cls.base_fields if hasattr(client, name)}
        initial.update(
            parent=client.parent_id,
            referred_by=client.referred_by_id,
            brand=client.brand_id,
            tags=", ".join(tags),
        )
        for i, phone in enumerate(phones):
            initial[f"phone_kind_{i}"] = phone.kind
            initial[f"phone_number_{i}"] = phone.number
        return initial

    def _value(self, name: str):
        """Cleaned when valid; for a partly typed form (the live duplicate check), as typed."""
        cleaned = getattr(self, "cleaned_data", {})
        if name in cleaned:
            return cleaned[name]
        return self.data.get(self.add_prefix(name), "")

    def phones_typed(self) -> list[tuple[str, str]]:
        return [
            (self._value(f"phone_kind_{i}") or PhoneKind.MOBILE, self._value(f"phone_number_{i}"))
            for i in range(self.phone_rows)
            if (self._value(f"phone_number_{i}") or "").strip()
        ]

    def tag_names(self) -> list[str]:
        return [t.strip() for t in (self._value("tags") or "").split(",") if t.strip()]

    def to_input(self) -> ClientInput:
        """What the services take. Every field is sent, so clearing a field clears it."""
        fields = {name: self._value(name) for name in CLIENT_FIELDS}
        if fields.get("rating") in (None, ""):
            fields["rating"] = 0
        return ClientInput(
            fields=fields,
            phones=self.phones_typed(),
            tags=self.tag_names(),
            relations={name: self._value(name) for name in ("parent", "referred_by", "brand")},
        )

    def add_service_error(self, error: ValidationError, *, region: str) -> None:
        """A service's ValidationError on the form: each message under its field, a phone's
        message under the number it is about."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            if name == "phones":
                self._add_phone_errors(errors, region)
            elif name in self.fields:
                self.add_error(name, errors)
            else:
                self.add_error(None, errors)

    def _add_phone_errors(self, errors: list, region: str) -> None:
        placed = False
        for i in range(self.phone_rows):
            number = self._value(f"phone_number_{i}") or ""
            _cleaned, row_errors = clean_phones([("", number)], region)
            if row_errors:
                self.add_error(f"phone_number_{i}", row_errors)
                placed = True
        if not placed:
            self.add_error("phone_number_0", errors)
