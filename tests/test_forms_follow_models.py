"""Form fields come from the model (core/forms.model_field): a form field that stands for a
field of a model has that field's label and max_length, so the two cannot drift apart again.

A form field stands for a model field when it has its name (after the form's prefix for that
model, such as the job form's `new_` client and `prop_` property) or is listed in RENAMED. A
form that words a label its own way, or keeps another limit, says so in OWN_LABEL or
OWN_LENGTH, with why. Every form of crewdesk is listed here, so a new one is checked too.
"""

import pytest
from django import forms
from django.urls import get_resolver
from django.utils.text import capfirst

from crewdesk.accounts.forms import ApiTokenForm, CodeForm, InviteForm, RoleForm, UsernameForm
from crewdesk.accounts.models import ApiToken, Invitation, Membership, User
from crewdesk.billing.forms import (
    BatchForm,
    InvoiceEditForm,
    InvoiceFilterForm,
    InvoiceForm,
    InvoiceLinesForm,
    ReadyFilterForm,
    SendForm,
    VoidForm,
)
from crewdesk.billing.models import BatchInvoice, Invoice
from crewdesk.clients.forms import ClientFilterForm, ClientForm
from crewdesk.clients.forms_profile import (
    ContactForm,
    NoteForm,
    NoticeForm,
    ReminderForm,
    TagForm,
)
from crewdesk.clients.models import Client, Contact, Note, Notice, Reminder, Tag
from crewdesk.clients.views.transfer import ChooseForm, MappingForm, ProblemPageForm, UploadForm
from crewdesk.core.forms import CompanySettingsForm
from crewdesk.core.models import Company
from crewdesk.jobs.forms import ChecklistTemplateForm, JobFilterForm, JobForm
from crewdesk.jobs.forms_crew import CrewNoteForm, CrewPhotoForm
from crewdesk.jobs.models import ChecklistTemplate, Job, JobAttachment, JobNote
from crewdesk.notifications.models import Message
from crewdesk.payments.forms import (
    ApplyCreditForm,
    PaymentFilterForm,
    PaymentRecordForm,
    RefundForm,
    RejectForm,
    ReverseForm,
)
from crewdesk.payments.models import Payment, Refund
from crewdesk.properties.forms import MoveForm, PropertyForm, PropertyServiceForm, ServiceForm
from crewdesk.properties.models import Property, PropertyService, Service

# Each form and the models its fields stand for, as (model, prefix of the form's names); a
# name is looked up in the first model that has it.
FORMS = {
    UsernameForm: [(User, "")],
    InviteForm: [(Invitation, ""), (User, "")],
    RoleForm: [(Membership, "")],
    ApiTokenForm: [(ApiToken, "")],
    CompanySettingsForm: [(Company, "")],
    ClientFilterForm: [(Client, "")],
    ClientForm: [(Client, "")],
    ContactForm: [(Contact, "")],
    TagForm: [(Tag, "")],
    ReminderForm: [(Reminder, "")],
    NoticeForm: [(Notice, "")],
    NoteForm: [(Note, "")],
    PropertyForm: [(Property, "")],
    ServiceForm: [(Service, "")],
    PropertyServiceForm: [(PropertyService, "")],
    MoveForm: [(Property, "")],
    JobFilterForm: [(Job, "")],
    JobForm: [(Job, ""), (Client, "new_"), (Property, "prop_")],
    ChecklistTemplateForm: [(ChecklistTemplate, "")],
    CrewPhotoForm: [(JobAttachment, "")],
    CrewNoteForm: [(JobNote, "")],
    InvoiceFilterForm: [(Invoice, "")],
    InvoiceLinesForm: [(Invoice, "")],
    InvoiceForm: [(Invoice, "")],
    InvoiceEditForm: [(Invoice, "")],
    VoidForm: [(Invoice, "")],
    BatchForm: [(BatchInvoice, "")],
    SendForm: [(Message, "")],
    PaymentFilterForm: [(Payment, "")],
    PaymentRecordForm: [(Payment, "")],
    RefundForm: [(Refund, "")],
    ReverseForm: [(Payment, "")],
    RejectForm: [(Payment, "")],
}
# Forms none of whose fields is a model's: a login code, the steps of a client import.
NO_MODEL_FIELDS = {
    CodeForm,
    UploadForm,
    MappingForm,
    ProblemPageForm,
    ChooseForm,
    ReadyFilterForm,
    ApplyCreditForm,  # only its invoice rows (apply_<id>), no field of its own
}

RENAMED = {
    (ClientFilterForm, "type"): (Client, "client_type"),
    (ClientFilterForm, "source"): (Client, "lead_source"),
    (JobForm, "start_time"): (Job, "scheduled_start"),
    (JobForm, "end_time"): (Job, "scheduled_end"),
}
# Named like a model field, but not one: ids a list is filtered by.
NOT_MODEL_FIELDS = {
    (JobFilterForm, "client"),
    (JobFilterForm, "property"),
    (InvoiceFilterForm, "client"),
    (InvoiceFilterForm, "property"),
    (PaymentFilterForm, "client"),
}

# The form asks a question, or words the field for its one page, where the model names it.
OWN_LABEL = {
    (ClientForm, "kind"): "This client is",
    (ApiTokenForm, "name"): "What is it for?",
    (TagForm, "name"): "Add a tag",
    (NoteForm, "text"): "New note",
    (NoteForm, "visibility"): "Who sees it",
    (PropertyServiceForm, "price"): "Price here",
    (CrewPhotoForm, "kind"): "What the photo shows",
}
# The limit of a crew note is the service's (jobs.services); the model's text has none.
OWN_LENGTH = {(CrewNoteForm, "text"): 5000}


def _all_forms() -> set[type]:
    get_resolver().check()  # reads every URL pattern: imports every view, and the forms they use
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return {form for form in found if form.__module__.startswith("crewdesk.")}


def _backed_fields() -> list[tuple[type, str, object]]:
    """(form, form field name, model field) of every form field that stands for one."""
    pairs = []
    for form, models in FORMS.items():
        for name in form.base_fields:
            if (form, name) in NOT_MODEL_FIELDS:
                continue
            if (form, name) in RENAMED:
                model, field_name = RENAMED[form, name]
                pairs.append((form, name, model._meta.get_field(field_name)))
                continue
            for model, prefix in models:
                if not name.startswith(prefix):
                    continue
                try:
                    field = model._meta.get_field(name.removeprefix(prefix))
                except Exception:  # noqa: BLE001 - not a field of this model
                    continue
                if field.auto_created and not field.concrete:
                    continue  # the other side of a relation (a note's files), not a field
                pairs.append((form, name, field))
                break
    return pairs


BACKED = _backed_fields()


def test_every_form_is_listed():
    assert _all_forms() == set(FORMS) | NO_MODEL_FIELDS


@pytest.mark.parametrize(
    ("form", "name", "model_field"),
    BACKED,
    ids=[f"{form.__name__}.{name}" for form, name, _field in BACKED],
)
def test_label_and_max_length_are_the_models(form, name, model_field):
    form_field = form.base_fields[name]
    if (form, name) in OWN_LABEL:
        assert str(form_field.label) == OWN_LABEL[form, name]
    elif not form_field.widget.is_hidden:  # a hidden id shows no label
        assert str(form_field.label) == str(capfirst(model_field.verbose_name))
    # A choice field has no length of its own: its choices bound it.
    if hasattr(form_field, "max_length"):
        expected = OWN_LENGTH.get((form, name), model_field.max_length)
        assert form_field.max_length == expected


def test_the_exceptions_are_still_fields_of_the_forms():
    backed = {(form, name) for form, name, _field in BACKED}
    assert set(OWN_LABEL) | set(OWN_LENGTH) | set(RENAMED) <= backed
    assert {(f, n) for f, n in NOT_MODEL_FIELDS if n in f.base_fields} == NOT_MODEL_FIELDS
