"""Reads shared by pages and the API."""

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from crewdesk.core.models import Activity, Brand
from crewdesk.core.permissions import Action, require, scope


def brand_list(*, viewer) -> QuerySet[Brand]:
    """The company's brands, the default one first (every member sees them: the portal wears
    them)."""
    return scope(Brand.objects.all(), viewer)


def activity_list(*, viewer) -> QuerySet[Activity]:
    require(viewer, Action.VIEW_ACTIVITY)
    return scope(Activity.objects.all(), viewer).select_related("actor", "target_type")


def record_activity_list(
    *, viewer, record: Model, merged_ids: Iterable[int] = ()
) -> QuerySet[Activity]:
    """The timeline of one record (a client, a property, a job), newest first. `merged_ids`:
    records of the same kind merged into it, whose history continues on it."""
    return activity_list(viewer=viewer).filter(
        target_type=ContentType.objects.get_for_model(record),
        target_id__in=[record.pk, *merged_ids],
    )
