"""List pagination of DESIGN §6: `{"items": [...], "count": N, "count_exact": bool}`.

Counts stop at core.paging's COUNT_LIMIT, pages at its MAX_PAGE_SIZE (the apps' query schemas
use the same bounds, so they live below the apps).
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

from crewdesk.core.paging import COUNT_LIMIT, MAX_PAGE_SIZE, bounded_count

__all__ = [
    "COUNT_LIMIT",
    "MAX_PAGE_SIZE",
    "PageNumberPagination",
    "bounded_count",
    "page_answer",
]


class PageNumberPagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)

    class Output(Schema):
        items: list[Any]
        count: int
        count_exact: bool

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        start = (pagination.page - 1) * pagination.page_size
        count, exact = bounded_count(queryset)
        return {
            "items": list(queryset[start : start + pagination.page_size]),
            "count": count,
            "count_exact": exact,
        }


def page_answer(found: QuerySet, query: Any, *, rows: QuerySet | None = None) -> dict[str, Any]:
    """One page of a list whose query schema has its own `page` and `page_size` (beside the
    filters): `found` is counted, and the page is read from `rows` (`found` with what the
    items show joined or prefetched, which the count does not need), else from `found`."""
    start = (query.page - 1) * query.page_size
    count, exact = bounded_count(found)
    page = (found if rows is None else rows)[start : start + query.page_size]
    return {"items": list(page), "count": count, "count_exact": exact}
