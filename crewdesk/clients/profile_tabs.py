"""The tabs of a client's profile: the registration point for what other apps keep about a
client (their properties, jobs, and later invoices and payments).

Each app registers its ProfileTab in its AppConfig.ready(); clients registers its own
(contacts, notes, activity) the same way. The profile shows the tabs the member may see, in
order. Only the open tab is rendered with the page; the others load (htmx, `?panel=<name>`)
the first time they are shown, so a tab costs nothing until someone opens it."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

from crewdesk.core.panels import PanelRegistry
from crewdesk.core.permissions import Action, can


@dataclass(frozen=True)
class ProfileTab:
    """One tab of the profile. Its template gets the profile's context (`client`, `can_edit`)
    and what `context(request, client)` returns."""

    name: str  # in the address (?tab=jobs) and the page (#pane-jobs)
    label: str | Promise
    icon: str  # a Bootstrap icon's name
    template: str
    context: Callable[..., dict]
    order: int
    show_label: str | Promise  # the link shown until the tab has loaded: "Show the jobs"
    action: str = Action.VIEW_RECORDS
    # (request, client) -> a count shown beside the label, or None for none.
    badge: Callable[..., int | None] | None = None


PROFILE_TABS: list[ProfileTab] = []


def register_profile_tabs(*tabs: ProfileTab) -> None:
    for tab in tabs:
        if tab in PROFILE_TABS:
            continue  # a second ready() (tests) adds nothing
        if any(t.name == tab.name for t in PROFILE_TABS):
            raise ImproperlyConfigured(f"two client profile tabs named {tab.name!r}")
        PROFILE_TABS.append(tab)
    PROFILE_TABS.sort(key=lambda t: t.order)


def profile_tabs_for(membership) -> list[ProfileTab]:
    """The tabs this member may open, in order."""
    return [tab for tab in PROFILE_TABS if can(membership, tab.action)]


def profile_tab(name: str | None) -> ProfileTab | None:
    return next((tab for tab in PROFILE_TABS if tab.name == name), None)


# Figures other apps show in the profile's header (slot "header": what the client owes),
# each a core.panels.Panel with its context as `context(request, client)`.
PROFILE_PANELS = PanelRegistry("the client profile")
