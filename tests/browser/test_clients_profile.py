"""The client profile in a real browser: tag by typing + Enter, a note sent with Ctrl+Enter, a new
primary contact, a reminder done; on a desktop and on a phone."""

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from crewdesk.clients import services
from crewdesk.clients.models import Contact, Note, Tag
from crewdesk.clients.services import ClientInput
from tests import images
from tests.browser.conftest import PHONE, log_in
from tests.factories import company_today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def harbor(owner, office, settings, tmp_path):
    """A client with everything a profile shows, made through the services."""
    settings.MEDIA_ROOT = tmp_path / "media"
    parent = services.client_create(
        actor=owner,
        data=ClientInput(
            fields={"kind": "company", "company_name": "Harbor Group", "email": "hq@h.com"}
        ),
    )
    client = services.client_create(
        actor=owner,
        data=ClientInput(
            fields={
                "kind": "company",
                "company_name": "Harbor Vacation Rentals",
                "billing_name": "Harbor Vacation Rentals LLC",
                "client_type": "vacation_rental",
                "rating": 4,
                "email": "bookings@harbor-rentals.example.com",
                "street": "12 Ocean Avenue",
                "city": "Santa Cruz",
                "region": "CA",
                "postal_code": "95060",
                "lead_source": "Referral",
            },
            phones=[("mobile", "+1 415 555 0199"), ("work", "831 555 0123")],
            tags=["Airbnb", "Net 30"],
            relations={"parent": parent.pk},
        ),
    )
    services.contact_create(
        actor=owner,
        client=client,
        values={
            "first_name": "Jo",
            "last_name": "Doe",
            "role": "billing",
            "email": "jo@example.com",
        },
    )
    services.contact_create(
        actor=owner,
        client=client,
        values={"first_name": "Max", "last_name": "Rivera", "phone": "415 555 0123"},
    )
    services.notice_create(actor=owner, client=client, text="Gate code is 4512. Dog is friendly.")
    services.reminder_create(
        actor=owner,
        client=client,
        text="Call about the spring deep clean",
        due_on=company_today(owner),
    )
    services.reminder_create(
        actor=owner,
        client=client,
        text="Send the renewal quote",
        due_on=company_today(owner) + timedelta(days=7),
        assignee_id=office.user_id,
    )
    services.note_create(
        actor=owner,
        client=client,
        text="Keys are in the lockbox by the garage.\nCode changes monthly.",
        files=[SimpleUploadedFile("lockbox.jpg", images.jpeg(), content_type="image/jpeg")],
    )
    services.client_update(actor=owner, client=client, data=ClientInput(fields={"rating": 5}))
    return client


def test_owner_manages_a_client_profile(visit, owner, harbor):
    tab = visit()
    page = tab.page
    log_in(tab, "alice", "alice@example.com")
    page.wait_for_url("**/app/")
    due = page.locator("section", has=page.get_by_role("heading", name="My due reminders"))
    expect(due.get_by_text("Call about the spring deep clean")).to_be_visible()
    tab.check("home")

    due.get_by_role("link", name="Harbor Vacation Rentals").click()
    page.wait_for_url(f"**/app/clients/{harbor.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbor Vacation Rentals")
    expect(page.locator("#profile-notices").get_by_text("Gate code is 4512")).to_be_visible()
    tab.check("profile")

    # A tag: type it and press Enter; the field is ready for the next one.
    field = page.get_by_label("Add a tag")
    field.fill("Weekly clean")
    field.press("Enter")
    tags = page.locator("#profile-tags")
    expect(tags.get_by_role("link", name="Weekly clean")).to_be_visible()
    expect(page.get_by_label("Add a tag")).to_have_value("")
    expect(page.get_by_label("Add a tag")).to_be_focused()
    assert Tag.objects.filter(company=owner.company, name="Weekly clean").exists()
    tags.get_by_role("button", name="Remove the tag Net 30").click()
    expect(tags.get_by_role("link", name="Net 30")).to_have_count(0)

    # A note, sent with Ctrl+Enter.
    page.get_by_role("tab", name="Notes & files").click()
    expect(page).to_have_url(re.compile(r"\?tab=notes"))
    note = page.get_by_label("New note")
    note.fill("Prefers eco-friendly products.")
    note.press("Control+Enter")
    notes = page.locator("#profile-notes")
    expect(notes.get_by_text("Prefers eco-friendly products.")).to_be_visible()
    expect(page.get_by_label("New note")).to_have_value("")
    assert Note.objects.filter(client=harbor, text="Prefers eco-friendly products.").exists()
    expect(notes.get_by_role("link", name=re.compile("lockbox.jpg"))).to_be_visible()
    tab.check("notes")

    # Another contact becomes the primary; the old primary can now be deleted.
    page.get_by_role("tab", name="Contacts").click()
    contacts = page.locator("#profile-contacts")
    expect(
        contacts.get_by_role("button", name="Delete Jo Doe: make another contact primary first")
    ).to_be_disabled()
    contacts.get_by_role("button", name="Make Max Rivera the primary contact").click()
    expect(contacts.get_by_role("button", name="Make Jo Doe the primary contact")).to_be_visible()
    expect(contacts.get_by_role("button", name="Delete Jo Doe", exact=True)).to_be_enabled()
    assert Contact.objects.get(first_name="Max").is_primary
    tab.check("contacts")

    # A reminder done; the change history tells what changed.
    page.get_by_role("button", name="Mark “Call about the spring deep clean” done").click()
    reminders = page.locator("#profile-reminders")
    expect(reminders.get_by_text("Call about the spring deep clean", exact=True)).to_have_count(0)
    expect(reminders.get_by_text("Send the renewal quote", exact=True)).to_be_visible()
    page.get_by_role("tab", name="Activity").click()
    expect(
        page.locator("#pane-activity").get_by_text(re.compile(r"4\s*→\s*5")).first
    ).to_be_visible()
    tab.check("activity")


def test_profile_on_a_phone(visit, office, harbor):
    tab = visit(PHONE, "phone")
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")
    tab.goto(f"/app/clients/{harbor.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbor Vacation Rentals")
    tab.check("profile")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_role("tab", name="Notes & files").click()
    expect(page.get_by_role("tab", name="Notes & files")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tab", name="Contacts")).to_have_attribute("aria-selected", "false")
    tab.check("notes")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_what_a_profile_shows_of_a_bare_person_and_a_companys_contact_person(visit, owner):
    person = services.client_create(
        actor=owner,
        data=ClientInput(fields={"first_name": "Ann", "last_name": "Lee", "email": "a@x.io"}),
    )
    company = services.client_create(
        actor=owner,
        data=ClientInput(
            fields={
                "kind": "company",
                "company_name": "Harbor Rentals",
                "first_name": "Priya",
                "last_name": "Raman",
                "email": "desk@harbor.example",
            }
        ),
    )
    tab = visit()
    page = tab.page
    log_in(tab, "alice", "alice@example.com")
    page.wait_for_url("**/app/")
    tab.goto(f"/app/clients/{person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ann Lee")
    expect(page.get_by_text("Billing address")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("Show on map"))).to_have_count(0)
    tab.check("person-without-address")
    tab.goto(f"/app/clients/{company.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbor Rentals")
    expect(page.locator("#client-second-name")).to_have_text(
        re.compile(r"Contact person:\s*Priya Raman")
    )
    tab.check("company-contact-person")
    tab.goto("/app/clients/")
    expect(page.get_by_role("link", name=re.compile("Harbor Rentals.*Priya Raman"))).to_be_visible()
    tab.check("list")
