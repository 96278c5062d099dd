"""Parts of a page that other apps provide: the registration point for panels.

A page of a lower app shows parts of higher apps without importing them (DESIGN.md §3): each
higher app registers a Panel in its AppConfig.ready(), and the page renders, in order, the
panels the member may see. A page names the places it has (`slot`: "top", "side"...).

HOME_PANELS is the office home's (crewdesk/dashboard); the property page has PROPERTY_PANELS
(properties/display.py). A client profile's tabs are ProfileTabs (clients/profile_tabs.py).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from crewdesk.core.permissions import Action, can


@dataclass(frozen=True)
class Panel:
    """One part of a page, from another app."""

    name: str  # unique on its page
    template: str
    # (request, *the page's records) -> the template's context, or None to show nothing.
    context: Callable[..., dict | None]
    order: int
    slot: str = "main"
    action: str = Action.VIEW_RECORDS
    scripts: tuple[str, ...] = ()  # static files the panel needs, loaded in the page's <head>


@dataclass(frozen=True)
class RenderedPanel:
    name: str
    html: SafeString
    scripts: tuple[str, ...]


class PanelRegistry:
    """The panels of one page, in order."""

    def __init__(self, page: str) -> None:
        self.page = page
        self._panels: list[Panel] = []

    def register(self, *panels: Panel) -> None:
        for panel in panels:
            if panel in self._panels:
                continue  # a second ready() (tests) adds nothing
            if any(p.name == panel.name for p in self._panels):
                raise ImproperlyConfigured(f"two panels named {panel.name!r} on {self.page}")
            self._panels.append(panel)
        self._panels.sort(key=lambda p: p.order)

    def __iter__(self):
        return iter(list(self._panels))

    def visible(self, membership, slot: str | None = None) -> list[Panel]:
        return [
            p
            for p in self._panels
            if (slot is None or p.slot == slot) and can(membership, p.action)
        ]

    def render(
        self, request: HttpRequest, *records, slot: str | None = None
    ) -> list[RenderedPanel]:
        """The panels of `slot` the member may see and that have something to show."""
        shown = []
        for panel in self.visible(request.membership, slot):
            context = panel.context(request, *records)
            if context is None:
                continue
            html = render_to_string(panel.template, context, request=request)
            shown.append(RenderedPanel(panel.name, html, panel.scripts))
        return shown


def scripts_of(*panel_lists: list[RenderedPanel]) -> list[str]:
    """The static files the shown panels need, each once, in order."""
    return list(dict.fromkeys(s for panels in panel_lists for p in panels for s in p.scripts))


HOME_PANELS = PanelRegistry("the office home")
