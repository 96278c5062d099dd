"""What every page's layout needs: the member, their companies and the navigation."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from crewdesk.core.navigation import navigation_for


def crewdesk(request: HttpRequest) -> dict:
    membership = getattr(request, "membership", None)
    return {
        "membership": membership,
        "current_company": getattr(request, "company", None),
        "nav_items": navigation_for(request, membership) if membership else [],
        # Read only by pages that show the company switcher, not by htmx fragments.
        "other_memberships": SimpleLazyObject(lambda: _other_memberships(request, membership)),
        "debug": settings.DEBUG,
    }


def _other_memberships(request: HttpRequest, membership) -> list:
    if membership is None:
        return []
    return list(
        request.user.memberships.filter(active=True)
        .exclude(pk=membership.pk)
        .select_related("company")
    )
