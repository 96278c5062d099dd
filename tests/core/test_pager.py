"""One pager for every counted list: the links keep the list's tab and filters."""

from django.core.paginator import Paginator
from django.template import Context, Template

PAGER = Template(
    '{% load crewdesk %}{% pager page "notes_page" "Pages of notes" newest_first=True'
    ' tab="notes" archived=archived %}'
)


def render(number: int, archived: str = "") -> str:
    page = Paginator(list(range(25)), 10).get_page(number)
    return PAGER.render(Context({"page": page, "archived": archived}))


def test_the_links_keep_the_tab_and_leave_out_empty_filters():
    html = render(2)
    assert 'href="?tab=notes&amp;notes_page=1" rel="prev"' in html
    assert 'href="?tab=notes&amp;notes_page=3" rel="next"' in html
    assert "archived" not in html
    assert 'aria-label="Pages of notes"' in html
    assert "Newer" in html and "Older" in html and "Page 2 of 3" in html


def test_a_filter_that_is_set_is_carried_along():
    assert "?tab=notes&amp;archived=1&amp;notes_page=2" in render(1, archived="1")


def test_the_first_page_has_no_previous_and_the_last_no_next():
    assert 'rel="prev"' not in render(1)
    assert 'rel="next"' not in render(3)


def test_one_page_draws_nothing():
    page = Paginator([1, 2], 10).get_page(1)
    assert (
        Template("{% load crewdesk %}{% pager page %}").render(Context({"page": page})).strip()
        == ""
    )
