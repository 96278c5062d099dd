"""The invoices list's filters: one object for the office's page and the API (NetBox's
FilterSet idea, as clients/filters.py and jobs/filters.py). The page reads it from its form
(forms.InvoiceFilterForm), the API from its query schema (any object with these attributes);
`selectors.invoice_list` applies it and orders the invoices, so the same filters give the
same invoices in the same order on both. The batch form picks a client's open invoices with
it too."""

from __future__ import annotations

import builtins
import datetime
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from crewdesk.billing.forms import InvoiceFilterForm

# The status filter for invoices with something still to pay (open and partially paid).
UNPAID = "unpaid"
# The status filter's choices beside the invoice statuses themselves.
STATUS_GROUPS = [(UNPAID, _("Unpaid"))]


@dataclass(frozen=True)
class InvoiceFilters:
    """Which invoices a list shows; every filter narrows. Dates are issue dates (a draft has
    none, so a date filter leaves drafts out); `overdue` keeps the unpaid invoices whose due
    date has passed in the company's time zone."""

    status: str = ""  # an InvoiceStatus, or UNPAID
    client: int | None = None
    property: int | None = None  # the invoice's property, or one of its lines'
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    overdue: bool = False
    search: str = ""  # an invoice number ("INV-0012", "12"), or the client's words

    def __post_init__(self) -> None:
        # Typed text means the same with or without spaces around it, page or API.
        object.__setattr__(self, "search", (self.search or "").strip())

    @classmethod
    def from_form(cls, form: InvoiceFilterForm) -> InvoiceFilters:
        """The page's filters (q, status, client, property, date_from, date_to, overdue); a
        value the form refuses counts as not given, as a link may carry anything."""
        return cls(
            status=form.value("status", ""),
            client=form.value("client"),
            property=form.value("property"),
            date_from=form.value("date_from"),
            date_to=form.value("date_to"),
            overdue=form.value("overdue", "") == "1",
            search=form.value("q", ""),
        )

    @classmethod
    def from_query(cls, query) -> InvoiceFilters:
        """The API's filters: its query schema has these fields under these names and has
        refused bad values with a 422 already."""
        return cls(**{f.name: getattr(query, f.name) for f in fields(cls)})

    @builtins.property  # the `property` field shadows the builtin here
    def is_filtered(self) -> bool:
        """Whether anything narrows the list (an empty list then says "no match", not "no
        invoices yet")."""
        return self != InvoiceFilters()
