"""The client list's filters: one object for the directory page, its CSV export and the API
(NetBox's FilterSet idea). Each reads its own input — the page's form, the API's query
schema — into a ClientFilters; `selectors.client_page` applies it and orders the clients, so
the same filters give the same clients in the same order wherever they come from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # both build on the names below
    from crewdesk.clients.forms import ClientFilterForm
    from crewdesk.clients.schemas import ClientListQuery


class Archived:
    ACTIVE = "active"
    ARCHIVED = "archived"
    ALL = "all"


class Sort:
    NAME = "name"
    NEWEST = "newest"
    OLDEST = "oldest"


@dataclass
class ClientFilters:
    """Which clients a list shows. Every filter narrows: a client must match them all (every
    tag, too). A search is ordered by its match instead of `sort`."""

    search: str = ""
    tags: list[int] = field(default_factory=list)
    client_type: str = ""
    lead_source: str = ""
    archived: str = Archived.ACTIVE
    sort: str = Sort.NAME

    def __post_init__(self) -> None:
        # Typed text means the same with or without spaces around it, page or API.
        self.search = self.search.strip()
        self.lead_source = self.lead_source.strip()

    @classmethod
    def from_form(cls, form: ClientFilterForm) -> ClientFilters:
        """The filters of the directory's query string (q, tag, type, source, archived, sort):
        a value the form refuses counts as not given, as a link may carry anything."""
        return cls(
            search=form.value("q", ""),
            tags=form.value("tag", []),
            client_type=form.value("type", ""),
            lead_source=form.value("source", ""),
            archived=form.value("archived", Archived.ACTIVE),
            sort=form.value("sort", Sort.NAME),
        )

    @classmethod
    def from_query(cls, query: ClientListQuery) -> ClientFilters:
        """The filters of an API request, already checked by its schema (a bad value is a
        422 there, not ignored)."""
        return cls(
            search=query.search,
            tags=list(query.tag),
            client_type=query.client_type,
            lead_source=query.lead_source,
            archived=query.archived,
        )

    @property
    def narrows(self) -> bool:
        """Whether the list shows fewer clients than the active ones: a search or a filter."""
        return bool(
            self.search
            or self.tags
            or self.client_type
            or self.lead_source
            or self.archived != Archived.ACTIVE
        )
