"""One rule for how dates, times, money and countries read: the company's locale (its country,
in the page's language). A US company shows 12-hour times, month-first dates and "$"; a
British one 24-hour times and day-first dates; every page the same way."""

import datetime
import re

import pytest
from django.urls import reverse

from crewdesk.core import formats
from tests.factories import make_job, make_property

NNBSP = "\u202f"  # CLDR puts a narrow no-break space between a time and its AM/PM
DAY = datetime.date(2031, 7, 1)  # a Tuesday; jobs on a fixed day, whatever today is


@pytest.fixture
def job(owner, make_client):
    client = make_client(first_name="Ann", last_name="Lee", email="ann@example.com")
    prop = make_property(owner, client)
    return make_job(owner, prop, day=DAY, hour=14, assignees=[owner])


def _set_country(membership, country: str, currency: str = "USD") -> None:
    membership.company.country = country
    membership.company.currency = currency
    membership.company.save()


def _pages(browser, job) -> str:
    """Pages showing the job's day and time: the job, the job list, the schedule, the crew's."""
    pages = [
        reverse("jobs:detail", args=[job.pk]),
        reverse("jobs:list") + f"?date_from={DAY}&date_to={DAY}",
        reverse("jobs:schedule") + f"?view=week&date={DAY}",
        reverse("jobs:crew_job", args=[job.pk]),
    ]
    text = ""
    for url in pages:
        response = browser.get(url)
        assert response.status_code == 200, url
        text += response.content.decode()
    return text


def test_a_us_company_shows_12_hour_times_and_month_first_dates(client_as, owner, job):
    _set_country(owner, "US")
    text = _pages(client_as(owner), job)
    assert f"2:00{NNBSP}PM" in text
    assert "14:00" not in text  # never the 24-hour clock beside the 12-hour one
    assert "Jul 1, 2031" in text
    assert "1 Jul 2031" not in text  # never two date orders


def test_a_british_company_shows_24_hour_times_and_day_first_dates(client_as, owner, job):
    _set_country(owner, "GB", "GBP")
    text = _pages(client_as(owner), job)
    assert "14:00" in text
    assert f"{NNBSP}PM" not in text and "p.m." not in text
    assert "1 Jul 2031" in text
    assert "Jul 1, 2031" not in text


def test_prices_have_the_currency_sign(client_as, owner, job):
    _set_country(owner, "US")
    page = client_as(owner).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "$120.00" in page
    _set_country(owner, "CA", "CAD")
    page = client_as(owner).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "$120.00" in page and "US$" not in page
    _set_country(owner, "US", "CAD")  # a US company billing in Canadian dollars
    page = client_as(owner).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "CA$120.00" in page


def test_spanish_pages_keep_the_companys_clock(client_as, owner, job):
    _set_country(owner, "US")
    page = (
        client_as(owner)
        .get(reverse("jobs:detail", args=[job.pk]), headers={"accept-language": "es"})
        .content.decode()
    )
    assert f"2:00{NNBSP}p.{NNBSP}m." in page or f"2:00{NNBSP}p.m." in page
    assert "14:00" not in page


def _country_options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="country".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="([A-Z]*)"', select)


def test_the_client_and_property_forms_offer_the_same_countries_by_name(client_as, owner, job):
    browser = client_as(owner)
    client_form = browser.get(reverse("clients:new")).content.decode()
    property_form = browser.get(reverse("properties:edit", args=[job.property_id])).content
    options = _country_options(client_form)
    assert options == _country_options(property_form.decode())  # a select in both
    assert len([o for o in options if o]) == 249  # ISO 3166-1
    assert "AC" not in options and "TA" not in options and "XK" not in options
    assert ">United States</option>" in client_form
    assert ">AC<" not in client_form


@pytest.mark.parametrize("country", ["AC", "TA", "XX", "usa"])
def test_a_country_must_be_iso_3166(client_as, api_client, owner, job, country):
    api = api_client(owner)
    assert (
        api.post(
            "/api/v1/clients", {"first_name": "Bo", "email": "bo@example.com", "country": country}
        ).status_code
        == 422
    )
    response = client_as(owner).post(
        reverse("properties:edit", args=[job.property_id]),
        {"name": "Home", "type": "residential", "country": country},
    )
    assert response.status_code == 200  # the form again, with the error
    job.property.refresh_from_db()
    assert job.property.country == "US"


def test_addresses_show_the_countrys_name(client_as, owner, job):
    page = client_as(owner).get(reverse("properties:detail", args=[job.property_id]))
    assert "United States" in page.content.decode()


def test_formats_outside_a_request_use_the_defaults():
    formats.activate(None)
    assert formats.format_clock(datetime.time(14, 5)) == f"2:05{NNBSP}PM"
    assert formats.format_money("5") == "$5.00"
    assert formats.country_name("DE") == "Germany"
    assert formats.country_name("AC") == "AC"  # not a country: shown as given
