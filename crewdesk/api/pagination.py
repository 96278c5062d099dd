"""List pagination of DESIGN §6: `{"items": [...], "count": N, "count_exact": bool}`.

Counting stops at COUNT_LIMIT: an exact count of many thousand matches costs more than the page.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

COUNT_LIMIT = 1000
MAX_PAGE_SIZE = 200


def bounded_count(queryset: QuerySet, limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """(count, exact): the exact count up to `limit`, else (`limit`, False)."""
    count = queryset.order_by()[: limit + 1].count()
    return (count, True) if count <= limit else (limit, False)


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
