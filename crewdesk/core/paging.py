"""How far a list counts and how big a page gets: the same bounds for the pages and the API.

Counting stops at COUNT_LIMIT: an exact count of many thousand matches costs more than the page.
"""

from django.db.models import QuerySet

COUNT_LIMIT = 1000
MAX_PAGE_SIZE = 200


def bounded_count(queryset: QuerySet, limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """(count, exact): the exact count up to `limit`, else (`limit`, False)."""
    count = queryset.order_by()[: limit + 1].count()
    return (count, True) if count <= limit else (limit, False)
