"""The invoices list's filters: one object for the office's page and the API (NetBox's FilterSet
idea, as clients/filters.py and jobs/filters.py). The page reads it from its form, the API
from its query schema (schemas.InvoiceListQuery); the selector (selectors.invoice_list)
applies it and orders the invoices, so the same filters give the same invoices in the same
order on both."""

from __future__ import annotations

import builtins
import datetime
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crewdesk.billing.schemas import InvoiceListQuery

UNPAID = "unpaid"  # the status filter for open and partially paid invoices (receivables)


@dataclass(frozen=True)
class InvoiceFilters:
    status: str = ""  # an InvoiceStatus, or UNPAID
    client: int | None = None
    property: int | None = None
    kind: str = ""  # an InvoiceKind
    date_from: datetime.date | None = None  # issued on or after
    date_to: datetime.date | None = None  # issued on or before
    overdue: bool = False  # unpaid and past its due date (in the company's time zone)
    search: str = ""  # an invoice number ("INV-0012", or its digits), or the client's words

    def __post_init__(self) -> None:
        # Typed text means the same with or without spaces around it, page or API.
        object.__setattr__(self, "search", self.search.strip())

    @classmethod
    def from_form(cls, form) -> InvoiceFilters:
        """The page's filters (a form with `value(name, default)`, as the jobs list's): a value
        the form refuses counts as not given, as a link may carry anything."""
        return cls(
            status=form.value("status", ""),
            client=form.value("client"),
            property=form.value("property"),
            kind=form.value("kind", ""),
            date_from=form.value("date_from"),
            date_to=form.value("date_to"),
            overdue=form.value("overdue", "") in ("1", True),
            search=form.value("q", ""),
        )

    @classmethod
    def from_query(cls, query: InvoiceListQuery) -> InvoiceFilters:
        """The API's filters (the schema has refused bad values with a 422 already)."""
        return cls(**{f.name: getattr(query, f.name) for f in fields(cls)})

    @builtins.property  # the `property` field shadows the builtin here
    def is_filtered(self) -> bool:
        """Whether anything narrows the list (an empty list then says "no match", not "no
        invoices yet")."""
        return self != InvoiceFilters()
