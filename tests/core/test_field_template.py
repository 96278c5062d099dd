"""The one form-field partial (templates/includes/field.html) every form renders its fields
with: label, widget, the error tied to the field for screen readers, help text."""

from django import forms
from django.template.loader import render_to_string


class Form(forms.Form):
    kind = forms.CharField(required=False)
    city = forms.CharField(label="City", help_text="Where it is.")
    notes = forms.CharField(label="Notes", required=False)
    tax_exempt = forms.BooleanField(label="Tax exempt", required=False)
    type = forms.ChoiceField(label="Type", choices=[("a", "A")])


def field(name: str, data=None, **options) -> str:
    form = Form(data) if data is not None else Form(initial={"kind": "person"})
    return render_to_string("includes/field.html", {"form": form, "field": form[name], **options})


def test_label_widget_and_help_are_tied_together():
    html = field("city")
    assert html.startswith('<div class="mb-3">')
    assert '<label class="form-label" for="id_city">City</label>' in html
    assert 'class="form-control"' in html and 'aria-describedby="id_city-help"' in html
    assert '<div class="form-text" id="id_city-help">Where it is.</div>' in html
    assert 'class="form-select"' in field("type")


def test_an_error_is_announced_and_linked_to_its_field():
    html = field("city", data={})
    assert 'aria-invalid="true"' in html and "is-invalid" in html
    assert 'aria-describedby="id_city-error id_city-help"' in html
    assert 'id="id_city-error" role="alert">This field is required.' in html


def test_a_checkbox_has_its_label_after_it():
    html = field("tax_exempt")
    assert html.startswith('<div class="mb-3 form-check">')
    assert html.index('type="checkbox"') < html.index('<label class="form-check-label"')


def test_marks_are_asked_for():
    mark = '<span class="text-danger" aria-hidden="true">*</span>'
    assert mark not in field("city")
    assert mark in field("city", required_mark=True)
    assert mark not in field("notes", required_mark=True)  # not required
    assert mark not in field("city", required_mark=True, hide_label=True)
    person = field("notes", kind_mark="person")
    assert 'class="text-danger kind-mark" data-kind="person"' in person
    assert 'class="text-danger kind-mark d-none" data-kind="company"' in field(
        "notes", kind_mark="company"
    )


def test_options_for_compact_forms():
    assert 'class="form-label visually-hidden"' in field("city", hide_label=True)
    assert 'class="form-control form-control-sm"' in field("city", small=True)
    assert not field("city", bare=True).strip().startswith("<div")
