"""Reads the property pages need beyond properties/selectors.py: a property's history, how a
rule is shown, and the panels other apps add to the property page.

PROPERTY_PANELS is the property page's registration point (core.panels): an app that keeps
something about a property (the jobs done there, their photos) registers a Panel in its
AppConfig.ready(), with its context as `context(request, prop)`. The page has two places:
"main", under the services, and "side", above the history."""

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from crewdesk.accounts.models import Membership
from crewdesk.core.panels import PanelRegistry
from crewdesk.core.selectors import record_activity_list
from crewdesk.properties.models import Property, PropertyService
from crewdesk.properties.recurrence import recurrence_summary

PROPERTY_PANELS = PanelRegistry("the property page")


def property_history(actor: Membership, prop: Property):
    """The activity-log entries about the property, newest first."""
    return record_activity_list(viewer=actor, record=prop)


def properties_with_counts(properties: QuerySet[Property]) -> QuerySet[Property]:
    """Each property with the number of services it gets (stopped ones not counted)."""
    return properties.annotate(
        service_count=Count("services", filter=Q(services__archived_at__isnull=True))
    )


def crew_choices(actor: Membership) -> list[tuple[int, str]]:
    """Who can be crew: the company's active team members, by name."""
    from crewdesk.accounts.selectors import crew_list

    members = crew_list(viewer=actor)
    return sorted(((m.pk, m.user.display_name) for m in members), key=lambda c: c[1].casefold())


def recurrence_text(ps: PropertyService) -> str:
    if not ps.is_recurring:
        return _("Does not repeat")
    return recurrence_summary(ps)
