"""Template helpers shared by every page."""

from django import template
from django.forms import BoundField

from crewdesk.core.activity_text import activity_sentence

register = template.Library()


@register.simple_tag
def field_widget(field: BoundField, css: str) -> str:
    """The field's widget with Bootstrap classes and the ARIA links to its error and help."""
    attrs = {"class": f"{css} is-invalid" if field.errors else css}
    described_by = []
    if field.errors:
        attrs["aria-invalid"] = "true"
        described_by.append(f"{field.id_for_label}-error")
    if field.help_text:
        described_by.append(f"{field.id_for_label}-help")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def sentence(activity) -> str:
    return activity_sentence(activity)
