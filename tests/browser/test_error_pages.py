"""Crewdesk's own error pages in a real browser, on a desktop and on a phone: a crew member on
an office page, an address that does not exist, a page that fails."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_error_page(tab, path: str, status: int) -> None:
    assert tab.page.goto(tab.base_url + path).status == status
    # The browser reports the page's own status as a console error: the only one allowed.
    reported = f"the server responded with a status of {status}"
    tab.console_errors[:] = [e for e in tab.console_errors if reported not in e]


@pytest.mark.parametrize(
    ("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")], ids=["desktop", "phone"]
)
def test_error_pages_lead_back_home(visit, employee, settings, viewport, label):
    settings.ROOT_URLCONF = "tests.core.urls_failing"  # adds /boom/, a page that fails
    tab = visit(viewport, label)
    page = tab.page
    log_in(tab, "carol", "carol@example.com")
    page.wait_for_url("**/crew/**")

    open_error_page(tab, "/app/activity/", 403)
    expect(page.get_by_role("heading", name="This page is not for your role")).to_be_visible()
    tab.check("403")
    page.get_by_role("link", name="Go to your home page").click()
    page.wait_for_url("**/crew/**")

    open_error_page(tab, "/app/no-such-page/", 404)
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    tab.check("404")

    open_error_page(tab, "/boom/", 500)
    expect(page.get_by_role("heading", name="Something went wrong")).to_be_visible()
    tab.check("500")
