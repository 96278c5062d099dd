"""Reads shared by pages and the API."""

from django.db.models import QuerySet

from crewdesk.core.models import Activity
from crewdesk.core.permissions import Action, require, scope


def activity_list(*, viewer) -> QuerySet[Activity]:
    require(viewer, Action.VIEW_ACTIVITY)
    return scope(Activity.objects.all(), viewer).select_related("actor", "target_type")
