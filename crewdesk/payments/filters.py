"""The office's payments list filters, one object (as billing/filters.py): the page reads it
from its form (forms.PaymentFilterForm); `selectors.payment_search` applies it and orders the
payments, newest received first."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from crewdesk.payments.models import PaymentStatus

if TYPE_CHECKING:
    from crewdesk.payments.forms import PaymentFilterForm

# The status filter for payments that brought no money in the end (failed, rejected,
# bounced, or given back).
PROBLEMS = "problems"
PROBLEM_STATUSES = (PaymentStatus.FAILED, PaymentStatus.REFUNDED)
STATUS_GROUPS = [(PROBLEMS, _("Failed or refunded"))]

# The quick views above the list: (label, status filter).
QUICK_VIEWS = [
    (_("All"), ""),
    (_("To approve"), PaymentStatus.TO_APPROVAL),
    (_("Pending"), PaymentStatus.PENDING),
    (_("Failed or refunded"), PROBLEMS),
]


@dataclass(frozen=True)
class PaymentFilters:
    """Which payments the list shows; every filter narrows. Dates are the days the money was
    received, in the company's time zone."""

    status: str = ""  # a PaymentStatus, or PROBLEMS
    method: str = ""
    client: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    search: str = ""  # the payment's reference ("1042"), or the client's words

    def __post_init__(self) -> None:
        object.__setattr__(self, "search", (self.search or "").strip())

    @classmethod
    def from_form(cls, form: PaymentFilterForm) -> PaymentFilters:
        """A value the form refuses counts as not given: a link may carry anything."""
        return cls(
            status=form.value("status", ""),
            method=form.value("method", ""),
            client=form.value("client"),
            date_from=form.value("date_from"),
            date_to=form.value("date_to"),
            search=form.value("q", ""),
        )

    @property
    def is_filtered(self) -> bool:
        return self != PaymentFilters()
