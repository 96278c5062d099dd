"""The office app's navigation. An app adds its entries when its pages exist (no
placeholders), from its AppConfig.ready()."""

import unicodedata
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme

from crewdesk.core.permissions import Action, can


def url_or_none(name: str, *args) -> str | None:
    """The URL of a page another part of the app provides, or None while it does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def home_url(membership) -> str:
    """Where a member's own pages start: the portal for a customer, their jobs for the crew,
    the office app for the office; the login page for someone not logged in."""
    if membership is None:
        return reverse("accounts:login")
    if can(membership, Action.USE_PORTAL):
        return url_or_none("portal:home") or reverse("accounts:login")
    if not can(membership, Action.VIEW_RECORDS):
        return url_or_none("jobs:crew_home") or reverse("dashboard:home")
    return reverse("dashboard:home")


@dataclass(frozen=True)
class NavItem:
    """An entry of the office app's menu. Each app registers its own in AppConfig.ready()
    (register_nav_items); `order` places it, lowest first, whichever app loads first."""

    label: str | Promise
    url_name: str
    action: str
    icon: str
    order: int
    # The URL name of a fragment shown beside the label (a count of things waiting), loaded
    # after the page (htmx) so that no page pays for it.
    badge_url_name: str | None = None

    def url(self) -> str | None:
        return url_or_none(self.url_name)


NAVIGATION: list[NavItem] = []


def register_nav_items(*items: NavItem) -> None:
    for item in items:
        if item not in NAVIGATION:
            NAVIGATION.append(item)
    NAVIGATION.sort(key=lambda item: item.order)


def navigation_for(request: HttpRequest, membership) -> list[dict]:
    items = []
    for item in NAVIGATION:
        url = item.url() if can(membership, item.action) else None
        if url:
            badge = url_or_none(item.badge_url_name) if item.badge_url_name else None
            items.append(
                {
                    "label": item.label,
                    "url": url,
                    "icon": item.icon,
                    "active": False,
                    "badge": badge,
                }
            )
    # The entry whose address is the longest start of this page's is the one we are in
    # (/app/jobs/checklists/ is Checklists, not Jobs).
    matching = [
        i
        for i in items
        if request.path == i["url"] or (i["url"] != "/app/" and request.path.startswith(i["url"]))
    ]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["active"] = True
    return items


def safe_next(request: HttpRequest, target: str | None) -> str | None:
    """`target` when it is a path of this site ("/app/clients/?page=2"), else None. Not an
    address elsewhere (no open redirect), nor "//host" or "/\\host" (another host to a
    browser), nor a bare word such as "foo" (redirect() would look it up as a URL name, a 500
    when there is none), nor anything with a control character (a header cannot hold it)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(unicodedata.category(char).startswith("C") for char in target):
        return None
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return target


def next_url(request: HttpRequest, fallback: str) -> str:
    """Where a form asked to go back to ("next", posted or in the query), when it is a page of
    this site (safe_next); else `fallback`."""
    target = request.POST.get("next") or request.GET.get("next")
    return safe_next(request, target) or fallback


def query_with(params, **changes) -> str:
    """The query string of `params` (request.GET) with some values replaced, or removed when
    None: the links of a filtered list keep its other filters."""
    query = params.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return query.urlencode()


def page_links(params, list_url: str, page: int, has_next: bool) -> dict[str, str | None]:
    """A list's links to the page before, the page after and the first, keeping its filters
    (`params`, the request's GET): None where there is no such page."""
    return {
        "previous_url": f"{list_url}?{query_with(params, page=str(page - 1))}"
        if page > 1
        else None,
        "next_url": f"{list_url}?{query_with(params, page=str(page + 1))}" if has_next else None,
        "first_page_url": f"{list_url}?{query_with(params, page=None)}",
    }
