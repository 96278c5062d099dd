"""Properties in a real browser: the office opens a client, adds a property with its access
notes, gives it a weekly service from the catalog, and reads it all on the property page; on a
desktop and on a phone."""

import datetime

import pytest
from playwright.sync_api import expect

from crewdesk.clients.services import ClientInput, client_create
from crewdesk.properties.models import Property, PropertyService
from tests.browser.conftest import PHONE, log_in
from tests.factories import company_today, make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def harbor(owner, employee):
    make_service(owner, "Deep clean", "180.00")
    make_service(owner, "Window wash", "45.00", duration_minutes=30)
    return client_create(
        actor=owner,
        data=ClientInput(
            fields={
                "kind": "company",
                "company_name": "Harbor Vacation Rentals",
                "email": "bookings@harbor.example.com",
            }
        ),
    )


def test_office_adds_a_property_with_a_weekly_service(visit, office, employee, harbor):
    tab = visit()
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")
    tab.goto(f"/app/clients/{harbor.pk}/")
    page.get_by_role("tab", name="Properties").click()
    add = page.locator("#pane-properties").get_by_role("link", name="Add property")
    expect(add).to_be_visible()
    tab.check("profile-properties")
    add.click()

    page.wait_for_url(f"**/app/clients/{harbor.pk}/properties/new/")
    page.get_by_label("Name", exact=True).fill("Lake house")
    page.get_by_label("Type").select_option("residential")
    page.get_by_label("Street", exact=True).fill("12 Ocean Avenue")
    page.get_by_label("City").fill("Santa Cruz")
    page.get_by_label("State / region").fill("CA")
    page.get_by_label("Postal code").fill("95060")
    page.get_by_label("Latitude").fill("100")  # out of range: a form error, nothing lost
    page.get_by_label("Longitude").fill("-122.03")
    page.get_by_label("Access notes").fill("Gate code 4512. Lockbox behind the shed.")
    tab.check("property-form")
    page.get_by_role("button", name="Add property").click()
    expect(page.get_by_label("Latitude")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Access notes")).to_have_value(
        "Gate code 4512. Lockbox behind the shed."
    )
    tab.check("property-form-error")
    page.get_by_label("Latitude").fill("36.97")
    page.get_by_role("button", name="Add property").click()

    prop = Property.objects.get(name="Lake house")
    page.wait_for_url(f"**/app/properties/{prop.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lake house")
    expect(page.locator("#access-notes")).to_contain_text("Gate code 4512")
    expect(page.get_by_role("link", name="Harbor Vacation Rentals").last).to_be_visible()

    page.get_by_role("link", name="Add a service").click()
    page.wait_for_url(f"**/app/properties/{prop.pk}/services/new/")
    expect(page.locator("[data-weekly-only]")).to_be_hidden()
    page.get_by_label("Service", exact=True).select_option(label="Deep clean")
    expect(page.get_by_label("Price here")).to_have_attribute("placeholder", "180.00")
    page.get_by_label("Standing instructions").fill("Shoes off. Towels in the hall closet.")
    page.get_by_label("Repeats").select_option("weekly")
    expect(page.locator("[data-weekly-only]")).to_be_visible()
    page.get_by_label("Every").fill("1")
    page.get_by_label("Mon", exact=True).check()
    page.get_by_label("Thu", exact=True).check()
    starts = company_today(office) + datetime.timedelta(days=1)
    page.get_by_label("Starts on").fill(starts.isoformat())
    page.get_by_label("Start time").fill("09:30")
    page.get_by_label(employee.user.display_name).check()
    tab.check("service-form")
    page.get_by_role("button", name="Add service").click()

    page.wait_for_url(f"**/app/properties/{prop.pk}/")
    ps = PropertyService.objects.get(property=prop)
    assert ps.frequency == "weekly" and ps.weekdays == "MO,TH" and ps.price == 180
    services = page.locator("#property-services")
    expect(services.get_by_text("Deep clean")).to_be_visible()
    expect(services.get_by_text("Shoes off. Towels in the hall closet.")).to_be_visible()
    expect(services).to_contain_text(employee.user.display_name)
    from crewdesk.properties.recurrence import recurrence_summary

    expect(services).to_contain_text(recurrence_summary(ps))
    tab.check("property")

    # The client's Jobs tab lists the jobs the weekly rule scheduled, soonest first.
    page.get_by_role("link", name="Harbor Vacation Rentals").first.click()
    page.wait_for_url(f"**/app/clients/{harbor.pk}/*")
    page.get_by_role("tab", name="Jobs").click()
    jobs = page.locator("#profile-jobs")
    expect(jobs.get_by_text("Upcoming")).to_be_visible()
    expect(jobs.locator(".job-row").first).to_contain_text("Lake house")
    tab.check("profile-jobs")

    # The same page on a phone: nothing wider than the screen.
    phone = visit(PHONE, "phone")
    log_in(phone, "bob", "bob@example.com")
    phone.page.wait_for_url("**/app/")
    phone.goto(f"/app/properties/{prop.pk}/")
    expect(phone.page.locator("#access-notes")).to_contain_text("Gate code 4512")
    phone.check("property")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.goto(f"/app/properties/{prop.pk}/services/{ps.pk}/edit/")
    phone.check("service-form")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.goto(f"/app/clients/{harbor.pk}/?tab=properties")
    expect(phone.page.locator("#pane-properties")).to_contain_text("Lake house")
    phone.check("profile-properties")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
