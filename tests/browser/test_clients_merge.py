"""The office reviews suspected duplicates, compares two clients side by side, picks the values
to keep and merges them, on a desktop and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from crewdesk.clients.models import Client, Contact, DuplicatePair
from crewdesk.clients.services import ClientInput, client_create, contact_create
from tests.browser.conftest import PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _lookalikes(owner) -> tuple[Client, Client]:
    ann = client_create(
        actor=owner,
        data=ClientInput(
            fields={
                "first_name": "Ann",
                "last_name": "Lee",
                "email": "ann@example.com",
                "street": "1 Main St",
                "city": "Springfield",
                "postal_code": "62701",
            },
            phones=[("mobile", "+1 415 555 0101")],
            tags=["VIP"],
        ),
    )
    anne = client_create(
        actor=owner,
        data=ClientInput(
            fields={
                "first_name": "Anne",
                "last_name": "Lee",
                "email": "anne.lee@work.example",
                "street": "9 Oak Avenue, Apartment 12",
                "city": "Shelbyville",
                "postal_code": "62565",
                "notes": "Gate code 1234. The dog is friendly.",
            },
            phones=[("work", "+1 415 555 0102"), ("mobile", "+1 415 555 0101")],
            tags=["Airbnb"],
        ),
        allow_duplicate=True,
    )
    contact_create(
        actor=owner, client=anne, values={"first_name": "Lee", "last_name": "Property Manager"}
    )
    assert DuplicatePair.objects.filter(client_a=ann, client_b=anne).exists()
    return ann, anne


def _merge_journey(tab, ann: Client, anne: Client, label: str) -> None:
    page = tab.page
    page.on("dialog", lambda dialog: dialog.accept())
    tab.goto("/app/clients/duplicates/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Suspected duplicates")
    expect(page.get_by_role("link", name="Ann Lee", exact=True)).to_be_visible()
    expect(page.get_by_text("same phone").first).to_be_visible()
    tab.check(f"{label}-duplicates")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    page.get_by_role("link", name=re.compile("Compare & merge")).first.click()
    page.wait_for_url("**/app/clients/merge/**")
    expect(page.get_by_label("Keep Ann Lee")).to_be_checked()
    tab.check(f"{label}-merge")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    # Keeping Anne: the rows not touched take her values; the summary follows.
    page.get_by_label("Keep Anne Lee").check()
    expect(page.get_by_label(re.compile(r"anne\.lee@work\.example"))).to_be_checked()
    expect(page.locator("[data-summary-kind=tags] [data-summary-count]")).to_have_text("1")
    # ... but Ann's email wins, and every phone number is kept.
    page.get_by_label(re.compile(r"ann@example\.com")).check()
    expect(page.get_by_label("Keep all numbers")).to_be_checked()
    tab.check(f"{label}-merge-chosen")

    page.get_by_role("button", name="Merge clients").click()
    page.wait_for_url(f"**/app/clients/{anne.pk}/")
    expect(page.get_by_text("Merged Ann Lee into Anne Lee.")).to_be_visible()
    tab.check(f"{label}-survivor")

    ann.refresh_from_db()
    anne.refresh_from_db()
    assert ann.merged_into == anne and ann.archived_at is not None
    assert anne.email == "ann@example.com" and anne.first_name == "Anne"
    assert sorted(p.number for p in anne.phones.all()) == ["+14155550101", "+14155550102"]
    assert Contact.objects.filter(client=anne).count() == 1


def test_office_merges_two_clients_from_the_duplicates_page(visit, owner, office):
    ann, anne = _lookalikes(owner)
    tab = visit()
    log_in(tab, "bob", "bob@example.com")
    tab.page.wait_for_url("**/app/")
    _merge_journey(tab, ann, anne, "desktop")


def test_office_merges_two_clients_on_a_phone(visit, owner, office):
    ann, anne = _lookalikes(owner)
    tab = visit(PHONE, "phone")
    log_in(tab, "bob", "bob@example.com")
    tab.page.wait_for_url("**/app/")
    _merge_journey(tab, ann, anne, "phone")
