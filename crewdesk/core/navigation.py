"""The office app's navigation. An app adds its entry when its pages exist: no placeholders."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from crewdesk.core.permissions import Action, can


def url_or_none(name: str, *args) -> str | None:
    """The URL of a page another part of the app provides, or None while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    action: str
    icon: str

    def url(self) -> str:
        return reverse(self.url_name)


NAVIGATION: list[NavItem] = [
    NavItem(_("Home"), "core:home", Action.VIEW_OFFICE_APP, "house"),
    NavItem(_("Clients"), "clients:list", Action.VIEW_RECORDS, "person-lines-fill"),
    NavItem(_("Activity"), "core:activity", Action.VIEW_ACTIVITY, "clock-history"),
    NavItem(_("Team"), "accounts:team", Action.VIEW_TEAM, "people"),
    NavItem(_("Company"), "core:company_settings", Action.MANAGE_COMPANY, "building-gear"),
]


def navigation_for(request: HttpRequest, membership) -> list[dict]:
    items = []
    for item in NAVIGATION:
        if can(membership, item.action):
            url = item.url()
            items.append(
                {
                    "label": item.label,
                    "url": url,
                    "icon": item.icon,
                    "active": request.path == url
                    or (url != "/app/" and request.path.startswith(url)),
                }
            )
    return items
