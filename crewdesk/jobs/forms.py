"""The office's job forms: the list filters, the job form (new and edit, with an inline new
client and property, line rows, crew and extra clients) and the checklist template form.

Forms only parse and keep what was typed; the services decide (jobs.services, clients.services,
properties.services) and their ValidationErrors come back onto the fields here."""

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from crewdesk.clients.models import Client, PhoneKind
from crewdesk.core.forms import model_field
from crewdesk.core.records import MAX_ID, parse_id
from crewdesk.jobs.filters import OPEN
from crewdesk.jobs.models import ChecklistTemplate, Job, JobClientRole, JobStatus
from crewdesk.jobs.services import (
    MAX_CHECKLIST_ITEMS,
    MAX_LINES,
    JobInput,
    JobWithParts,
    LineInput,
)
from crewdesk.properties.models import Property

BLANK_LINE_ROWS = 3  # rows for lines without JavaScript (jobs.js adds more)
BLANK_EXTRA_ROWS = 2
BLANK_ITEM_ROWS = 3
MAX_EXTRA_CLIENTS = 10
NEW = "new"  # the property select's "a new property" choice

STATUS_CHOICES = [("", _("Any status")), (OPEN, _("Open")), *JobStatus.choices]
ARCHIVED_CHOICES = [("", _("Active jobs")), ("1", _("Archived jobs"))]


class JobFilterForm(forms.Form):
    """The job list's search box and filters, read from the query string."""

    q = forms.CharField(label=_("Search jobs"), required=False, max_length=200)
    # Any status unless one is asked for: not the model's default.
    status = model_field(Job, "status", choices=STATUS_CHOICES, required=False, initial=None)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    employee = forms.TypedChoiceField(label=_("Crew"), required=False, coerce=int, empty_value=None)
    # Ids: a number no database key can hold is "not a filter", not an overflow.
    client = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    property = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    archived = forms.ChoiceField(label=_("Show"), required=False, choices=ARCHIVED_CHOICES)
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)

    def __init__(self, data, *, members) -> None:
        super().__init__(data)
        self.fields["employee"].choices = [
            ("", _("Anyone")),
            ("0", _("Unassigned")),
            *[(str(m.pk), m.user.display_name) for m in members],
        ]

    def value(self, name: str, default=None):
        """The cleaned value of one filter; a bad value counts as not given."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "", []) else value


def _rows_posted(data: QueryDict | None, prefix: str, limit: int) -> int:
    """How many numbered rows (`prefix<n>`) a form sent, at most `limit`."""
    rows = 0
    for key in data or ():
        if key.startswith(prefix) and key[len(prefix) :].isdigit():
            rows = max(rows, int(key[len(prefix) :]) + 1)
    return min(rows, limit)


def _time_field(name: str) -> forms.TimeField:
    """The time of day of one of the job's datetimes (the day is the form's `date`)."""
    return model_field(
        Job,
        name,
        form_class=forms.TimeField,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class JobForm(forms.Form):
    """A job as the office types it. `client` and `extra_client_<n>` are ids chosen with the
    client picker; `property` is one of the client's properties or NEW; lines, extra clients
    are numbered rows."""

    client = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # A new client typed inline (used when no client is picked).
    new_first_name = model_field(Client, "first_name")
    new_last_name = model_field(Client, "last_name")
    new_company_name = model_field(Client, "company_name")
    # Text, not an EmailField: the client services check it with the client's other rules.
    new_email = model_field(Client, "email", form_class=forms.CharField)
    # As typed, any way of writing a number (the client form's phone rows take as much).
    new_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    allow_duplicate = forms.BooleanField(
        label=_("It is a different client: create it anyway"), required=False
    )
    # One of the client's properties (its id) or NEW.
    property = model_field(Job, "property", form_class=forms.CharField, required=False)
    # A new property typed inline (used when the property is NEW).
    prop_name = model_field(Property, "name")
    prop_street = model_field(Property, "street")
    prop_street2 = model_field(Property, "street2")
    prop_city = model_field(Property, "city")
    prop_region = model_field(Property, "region")
    prop_postal_code = model_field(Property, "postal_code")
    prop_access_notes = model_field(
        Property, "access_notes", widget=forms.Textarea(attrs={"rows": 2})
    )

    title = model_field(Job, "title")
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = _time_field("scheduled_start")
    end_time = _time_field("scheduled_end")
    assignees = forms.TypedMultipleChoiceField(
        label=_("Crew"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    checklist_template = forms.TypedChoiceField(
        label=_("Checklist"), required=False, coerce=int, empty_value=None
    )
    internal_notes = model_field(Job, "internal_notes", widget=forms.Textarea(attrs={"rows": 3}))
    customer_notes = model_field(Job, "customer_notes", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, members, templates, editing=False, initial=None, **kwargs):
        super().__init__(data, initial=initial, **kwargs)
        self.editing = editing
        self.fields["assignees"].choices = [(m.pk, m.user.display_name) for m in members]
        self.fields["checklist_template"].choices = [
            ("", _("No checklist") if not editing else _("Add no checklist items")),
            *[(t.pk, t.name) for t in templates],
        ]
        if editing:
            self.fields["checklist_template"].label = _("Add items from a checklist")
        initial = initial or {}
        self.line_count = max(
            _rows_posted(data, "line_description_", MAX_LINES),
            _rows_posted(data, "line_service_", MAX_LINES),
            len(initial.get("lines", [])) + 1,
            BLANK_LINE_ROWS,
        )
        self.extra_count = max(
            _rows_posted(data, "extra_client_", MAX_EXTRA_CLIENTS),
            len(initial.get("extra_clients", [])) + 1,
            BLANK_EXTRA_ROWS,
        )
        self.line_errors: list[str] = []
        self.extra_errors: list[str] = []

    # --- rows as typed (or as saved) ---

    def line_rows(self) -> list[dict]:
        rows = []
        saved = self.initial.get("lines", [])
        for n in range(self.line_count):
            if self.is_bound:
                row = {
                    key: self.data.get(f"line_{key}_{n}", "").strip()
                    for key in ("service", "description", "quantity", "unit_price")
                }
            elif n < len(saved):
                row = saved[n]
            else:
                row = {"service": "", "description": "", "quantity": "1", "unit_price": ""}
            row["n"] = n
            rows.append(row)
        return rows

    def extra_rows(self) -> list[dict]:
        rows = []
        saved = self.initial.get("extra_clients", [])
        for n in range(self.extra_count):
            if self.is_bound:
                row = {
                    "client": self.data.get(f"extra_client_{n}", "").strip(),
                    "role": self.data.get(f"extra_role_{n}", JobClientRole.SECONDARY),
                }
            elif n < len(saved):
                row = saved[n]
            else:
                row = {"client": "", "role": JobClientRole.SECONDARY}
            row["n"] = n
            rows.append(row)
        return rows

    def filled_lines(self) -> list[dict]:
        return [
            row
            for row in self.line_rows()
            if row["service"] or row["description"] or row["unit_price"]
        ]

    def clean(self):
        """What can be told from the form alone is told at once, every field together (the
        services check it all again and stop at their first error)."""
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end is before the start."))
        for row in self.filled_lines():
            for key, label in (("quantity", _("quantity")), ("unit_price", _("unit price"))):
                value = row[key].replace(",", ".") if key == "quantity" else row[key]
                if not value:
                    continue
                try:
                    number = Decimal(value)
                except InvalidOperation:
                    number = None
                if number is None or not number.is_finite() or number < 0:
                    self.line_errors.append(
                        _("Line %(n)s: enter a number such as 1 or 120.00 as the %(what)s.")
                        % {"n": row["n"] + 1, "what": label}
                    )
        return data

    def is_valid(self) -> bool:
        return super().is_valid() and not self.line_errors

    # --- what the services get ---

    def wants_new_client(self) -> bool:
        return not self.cleaned_data.get("client") and any(
            self.cleaned_data.get(f"new_{name}")
            for name in ("first_name", "last_name", "company_name", "email", "phone")
        )

    def new_client_input(self):
        from crewdesk.clients.services import ClientInput

        data = self.cleaned_data
        fields = {
            "kind": "company"
            if data["new_company_name"] and not (data["new_first_name"] or data["new_last_name"])
            else "person",
            "first_name": data["new_first_name"],
            "last_name": data["new_last_name"],
            "company_name": data["new_company_name"],
            "email": data["new_email"],
        }
        phones = [(PhoneKind.MOBILE, data["new_phone"])] if data["new_phone"] else []
        return ClientInput(fields=fields, phones=phones)

    def wants_new_property(self) -> bool:
        return self.cleaned_data.get("property") == NEW

    def new_property_data(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[f"prop_{name}"]
            for name in ("name", "street", "street2", "city", "region", "postal_code")
        } | {"access_notes": data["prop_access_notes"]}

    def job_with_parts(self) -> JobWithParts:
        """The job with its client and property, picked or typed new, as the service takes
        them (jobs.services.job_save_with_parts)."""
        data = self.cleaned_data
        return JobWithParts(
            job=self.job_input(),
            client=data.get("client"),
            new_client=self.new_client_input() if self.wants_new_client() else None,
            allow_duplicate=data["allow_duplicate"],
            property=parse_id(data.get("property")),
            new_property=self.new_property_data() if self.wants_new_property() else None,
        )

    def job_input(self) -> JobInput:
        """The job's own parts. A line with a service and no price is left without one: the
        service prices it (properties.selectors.service_price_at)."""
        data = self.cleaned_data
        day = data["date"]
        start = datetime.datetime.combine(day, data["start_time"] or datetime.time(9))
        end = datetime.datetime.combine(day, data["end_time"]) if data["end_time"] else None
        lines = []
        for row in self.filled_lines():
            service = int(row["service"]) if row["service"].isdigit() else None
            lines.append(
                LineInput(
                    description=row["description"],
                    quantity=row["quantity"] or "1",
                    unit_price=row["unit_price"] or None,
                    service=service,
                )
            )
        extra = []
        for row in self.extra_rows():
            if row["client"].isdigit():
                extra.append((int(row["client"]), row["role"]))
        return JobInput(
            fields={
                "title": data["title"],
                "scheduled_start": start,
                "scheduled_end": end,
                "internal_notes": data["internal_notes"],
                "customer_notes": data["customer_notes"],
            },
            lines=lines,
            assignees=data["assignees"],
            extra_clients=extra,
            checklist_template=data["checklist_template"],
        )

    # --- errors from the services ---

    FIELD_FOR = {
        "scheduled_start": "start_time",
        "scheduled_end": "end_time",
        "first_name": "new_first_name",
        "last_name": "new_last_name",
        "company_name": "new_company_name",
        "email": "new_email",
        "phones": "new_phone",
        "client": "client",
        "name": "prop_name",
        "street": "prop_street",
        "street2": "prop_street2",
        "city": "prop_city",
        "region": "prop_region",
        "postal_code": "prop_postal_code",
        "access_notes": "prop_access_notes",
        "country": "prop_postal_code",
    }

    def add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            if name == "lines":
                self.line_errors += messages
            elif name == "extra_clients":
                self.extra_errors += messages
            else:
                target = self.FIELD_FOR.get(name, name)
                self.add_error(target if target in self.fields else None, messages)


class ChecklistTemplateForm(forms.Form):
    # Not required here: the service asks for it, with every other error at once.
    name = model_field(ChecklistTemplate, "name", required=False)
    required_blocks_finish = model_field(ChecklistTemplate, "required_blocks_finish")

    def __init__(self, data=None, *, items=(), **kwargs):
        super().__init__(data, **kwargs)
        self.saved_items = list(items)
        self.item_count = max(
            _rows_posted(data, "item_text_", MAX_CHECKLIST_ITEMS + 1),
            len(self.saved_items) + 1,
            BLANK_ITEM_ROWS,
        )
        self.item_errors: list[str] = []

    def item_rows(self) -> list[dict]:
        rows = []
        for n in range(self.item_count):
            if self.is_bound:
                row = {
                    "text": self.data.get(f"item_text_{n}", ""),
                    "required": bool(self.data.get(f"item_required_{n}")),
                }
            elif n < len(self.saved_items):
                item = self.saved_items[n]
                row = {"text": item.text, "required": item.required}
            else:
                row = {"text": "", "required": False}
            row["n"] = n
            rows.append(row)
        return rows

    def items(self) -> list[tuple[str, bool]]:
        return [(row["text"], row["required"]) for row in self.item_rows()]

    def add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            messages = [m for e in errors for m in e.messages]
            if name == "items":
                self.item_errors += messages
            else:
                self.add_error(name if name in self.fields else None, messages)
