"""Template helpers shared by every page."""

from urllib.parse import urlencode

from django import template
from django.forms import BoundField

from crewdesk.core import formats
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


# Dates, times, money and countries as the company's locale writes them (core/formats.py):
# every page shows them through these, never through |date or |time with a format of its own.


@register.filter
def day(value, style: str = "date") -> str:
    """{{ job.scheduled_start|day }} "Jul 1, 2026"; styles: formats.DAY_STYLES."""
    return formats.format_day(value, style)


@register.filter
def clock(value) -> str:
    """{{ job.scheduled_start|clock }} "9:05 AM" (US) or "09:05" (GB)."""
    return formats.format_clock(value)


@register.filter
def moment(value, style: str = "date") -> str:
    """{{ note.created_at|moment }} "Jul 1, 2026, 9:05 AM"."""
    return formats.format_moment(value, style)


@register.filter
def money(amount, currency: str | None = None) -> str:
    """{{ job.total|money }} "$120.00", in the company's currency unless one is given."""
    return formats.format_money(amount, currency)


@register.filter
def country(code: str) -> str:
    """{{ client.country|country }} "United States"."""
    return formats.country_name(code)


@register.simple_tag
def company_locale() -> str:
    """The company's locale for the browser's Intl formatting: "en-US"."""
    return str(formats.current_locale()).replace("_", "-")


@register.inclusion_tag("includes/pager.html")
def pager(page, param: str = "page", label: str = "", newest_first: bool = False, **keep):
    """Previous/next links of a counted list: {% pager notes_page "notes_page" tab="notes" %}.

    `keep` are the query parameters the links carry along (empty ones are left out), so a tab
    or a filter survives paging; `newest_first` says "Newer"/"Older" instead of
    "Previous"/"Next" for timelines."""

    def link(number: int) -> str:
        query = {name: value for name, value in keep.items() if value not in ("", None, False)}
        query[param] = number
        return "?" + urlencode(query)

    return {
        "page": page,
        "label": label,
        "newest_first": newest_first,
        "previous_url": link(page.previous_page_number()) if page.has_previous() else "",
        "next_url": link(page.next_page_number()) if page.has_next() else "",
    }
