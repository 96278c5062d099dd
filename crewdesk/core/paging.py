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


class PeekPage:
    """A page of a list too big to count (a million payments): PAGE rows read, one more to
    know whether a next page exists. It answers what the `pager` tag asks of a Django Page,
    and has no paginator, so the pager says "Page 3" without "of N"."""

    paginator = None

    def __init__(self, queryset: QuerySet, number: int, per_page: int) -> None:
        start = (number - 1) * per_page
        rows = list(queryset[start : start + per_page + 1])
        self.object_list = rows[:per_page]
        self.number = number
        self._more = len(rows) > per_page
        self.start = start + 1

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next() or self.has_previous()

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def start_index(self) -> int:
        return self.start if self.object_list else 0

    def end_index(self) -> int:
        return self.start + len(self.object_list) - 1
