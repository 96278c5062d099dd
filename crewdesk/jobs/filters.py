"""The jobs list's filters: one object for the office's page and the API (NetBox's FilterSet
idea). The page reads it from its form (forms.JobFilterForm), the API from its query schema
(schemas.JobListQuery); the selector (selectors.job_list) applies it and orders the jobs, so
the same filters give the same jobs in the same order on both."""

from __future__ import annotations

import builtins
import datetime
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crewdesk.jobs.forms import JobFilterForm
    from crewdesk.jobs.schemas import JobListQuery

OPEN = "open"  # the status filter for pending, on the way and started jobs


@dataclass(frozen=True)
class JobFilters:
    status: str = ""  # a JobStatus, or OPEN
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    employee: int | None = None  # a membership id; 0 means "nobody assigned"
    client: int | None = None  # the job's client or one of its extra clients
    property: int | None = None
    search: str = ""  # a job number ("#123"), or the client's words
    archived: bool = False  # the archived jobs instead of the active ones

    @classmethod
    def from_form(cls, form: JobFilterForm) -> JobFilters:
        """The page's filters; a value the form refuses counts as not given."""
        return cls(
            status=form.value("status", ""),
            date_from=form.value("date_from"),
            date_to=form.value("date_to"),
            employee=form.value("employee"),
            client=form.value("client"),
            property=form.value("property"),
            search=form.value("q", ""),
            archived=form.value("archived", "") == "1",
        )

    @classmethod
    def from_query(cls, query: JobListQuery) -> JobFilters:
        """The API's filters (the schema has refused bad values with a 422 already)."""
        return cls(**{f.name: getattr(query, f.name) for f in fields(cls)})

    @builtins.property  # the `property` field shadows the builtin here
    def is_filtered(self) -> bool:
        """Whether anything narrows the list (an empty list then says "no match", not "no
        jobs yet")."""
        return self != JobFilters()
