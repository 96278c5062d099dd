"""A US company's job page in a real browser, on a desktop and on a phone: 12-hour times,
month-first dates and prices with their currency sign (core/formats.py)."""

import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.factories import make_job, make_property

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("viewport", "label"), [(DESKTOP, "desktop"), (PHONE, "phone")], ids=["desktop", "phone"]
)
def test_a_job_shows_the_companys_times_and_money(visit, owner, make_client, viewport, label):
    client = make_client(first_name="Ann", last_name="Lee", email="ann@example.com")
    job = make_job(owner, make_property(owner, client), day=datetime.date(2031, 7, 1), hour=14)
    tab = visit(viewport, label)
    log_in(tab, "alice", "alice@example.com")
    tab.page.wait_for_url("**/app/")

    tab.goto(f"/app/jobs/{job.pk}/")
    main = tab.page.locator("main")
    expect(main).to_contain_text("Tuesday, July 1, 2031")
    expect(main).to_contain_text("2:00\u202fPM")
    expect(main).to_contain_text("$120.00")
    tab.check("job")

    tab.goto(f"/app/jobs/{job.pk}/edit/")
    expect(tab.page.locator("#lines-total")).to_contain_text("$120.00")
    tab.check("job-form")
