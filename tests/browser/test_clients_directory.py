"""The client directory in a real browser: the office adds a client, is warned while typing a
near-duplicate (with the reason), and finds clients as it types; on a desktop and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from crewdesk.clients.models import Client
from crewdesk.clients.services import ClientInput, client_create
from tests.browser.conftest import PHONE, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_client(actor, **fields):
    phones = fields.pop("phones", None)
    tags = fields.pop("tags", None)
    return client_create(
        actor=actor, data=ClientInput(fields=fields, phones=phones, tags=tags), allow_duplicate=True
    )


@pytest.fixture
def some_clients(owner):
    add_client(
        owner,
        first_name="John",
        last_name="Smith",
        email="john.smith@example.com",
        city="Springfield",
        phones=[("mobile", "415 555 0100")],
        tags=["VIP"],
    )
    add_client(
        owner,
        kind="company",
        company_name="Acme, Inc.",
        billing_name="Acme Holdings LLC",
        email="office@acme.example",
        city="Shelbyville",
        tags=["Net 30", "Commercial"],
    )
    add_client(owner, first_name="Zoë", last_name="Núñez", email="zoe@example.com", city="Austin")


def test_office_adds_a_client_is_warned_of_a_duplicate_and_searches(visit, office, some_clients):
    tab = visit()
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")

    page.get_by_role("navigation", name="Main").first.get_by_role("link", name="Clients").click()
    page.wait_for_url("**/app/clients/")
    expect(page.locator(".client-row")).to_have_count(3)
    tab.check("list")

    # A new client: saved, and the office lands on the profile.
    page.get_by_role("link", name="New client").click()
    page.wait_for_url("**/app/clients/new/")
    tab.check("new")
    page.get_by_label("First name").fill("Maya")
    page.get_by_label("Last name").fill("Okafor")
    page.get_by_label("Email").fill("maya@example.com")
    page.get_by_label("Phone 1", exact=True).fill("(415) 555-0123")
    page.get_by_label("Tags").fill("VIP, Airbnb")
    expect(page.locator("#client-duplicates")).to_contain_text("No similar client")
    page.get_by_role("button", name="Add client").click()
    page.wait_for_url(re.compile(r"/app/clients/\d+/$"))

    # A near-duplicate: the panel says who and why while it is typed.
    tab.goto("/app/clients/new/")
    page.get_by_label("First name").fill("Jhon")
    page.get_by_label("Last name").fill("Smtih")
    panel = page.locator("#client-duplicates")
    expect(panel).to_contain_text("John Smith")
    expect(panel).to_contain_text(re.compile(r"similar name \d+%"))
    page.get_by_label("Email").fill("John.Smith@example.com")
    expect(panel).to_contain_text("same email")
    tab.check("duplicate-live")

    # Saving anyway stops once and asks; nothing typed is lost.
    page.get_by_role("button", name="Add client").click()
    page.wait_for_url("**/app/clients/new/")
    warning = page.locator("#duplicate-warning")
    expect(warning).to_contain_text("same email")
    expect(page.get_by_label("First name")).to_have_value("Jhon")
    tab.check("duplicate-refused")
    page.get_by_label("Create anyway — this is a different client").check()
    page.get_by_role("button", name="Add client").click()
    page.wait_for_url(re.compile(r"/app/clients/\d+/$"))

    # Search as you type: "/" jumps to the box, results follow each keystroke, the URL keeps it.
    tab.goto("/app/clients/")
    page.locator("h1").click()
    page.keyboard.press("/")
    search = page.get_by_label("Search clients")
    expect(search).to_be_focused()
    page.keyboard.type("oka")
    expect(page.locator(".client-row")).to_have_count(1)
    expect(page.locator(".client-row")).to_contain_text("Maya Okafor")
    expect(page).to_have_url(re.compile(r"\?q=oka"))
    assert "source=" not in page.url  # filters left empty stay out of the address
    search.fill("nunez")
    expect(page.locator(".client-row")).to_contain_text("Zoë Núñez")
    search.fill("Jonh Smiht")
    expect(page.locator("#client-fuzzy")).to_contain_text("Did you mean")
    expect(page.locator(".client-row", has_text="John Smith")).to_have_count(1)
    tab.check("search-fuzzy")
    search.fill("")
    expect(page.locator(".client-row")).to_have_count(5)
    page.get_by_label("Client type").select_option("residential")
    expect(page).to_have_url(re.compile(r"type=residential"))
    expect(page.locator("#client-empty")).to_contain_text("No client matches these filters")
    tab.check("filter-empty")
    page.get_by_label("Client type").select_option("")
    search.fill("smith")
    expect(page.locator(".client-row")).to_have_count(2)  # John Smith, and Jhon's email
    tab.check("search")

    # The rows are links: Tab from the search box reaches the first client.
    search.focus()
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('client-row')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('client-row')")


def test_client_directory_on_a_phone(visit, office, some_clients):
    tab = visit(PHONE, "phone")
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")
    tab.goto("/app/clients/")
    expect(page.locator(".client-row")).to_have_count(3)
    tab.check("list")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    tab.goto("/app/clients/new/")
    page.locator("label[for=id_kind_1]").click()
    expect(page.get_by_label("Company", exact=True)).to_be_checked()
    page.get_by_label("Company name").fill("ACME inc")
    expect(page.locator("#client-duplicates")).to_contain_text("Acme, Inc.")
    expect(page.locator("#client-duplicates")).to_contain_text("same name")
    tab.check("new-duplicate")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("button", name="Add client").click()
    page.wait_for_url("**/app/clients/new/")
    expect(page.locator("#form-errors")).to_be_visible()
    tab.check("new-errors")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_office_edits_a_client_picks_a_parent_and_archives_it(visit, office, some_clients):
    acme = Client.objects.get(company_name="Acme, Inc.")
    zoe = Client.objects.get(first_name="Zoë")
    tab = visit()
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")
    tab.goto(f"/app/clients/{zoe.pk}/edit/")
    expect(page.get_by_label("First name")).to_have_value("Zoë")

    # The parent is searched for and picked, never chosen from a list of every client.
    page.get_by_label("Parent client").fill("acm")
    page.get_by_role("button", name=re.compile("Acme, Inc.")).click()
    expect(page.get_by_label("Parent client")).to_have_value("Acme, Inc.")
    expect(page.locator('input[name="parent"]')).to_have_value(str(acme.pk))
    # Focus stays on the chosen client for keyboard users. htmx moves it there when the swap
    # settles, a moment after the swap: typing elsewhere before that would go to the picker.
    expect(page.get_by_label("Parent client")).to_be_focused()
    page.get_by_label("Billing name").fill("Zoë N. Holdings")
    tab.check("edit")
    expect(page.get_by_label("Billing name")).to_have_value("Zoë N. Holdings")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_url(re.compile(rf"/app/clients/{zoe.pk}/$"))
    zoe.refresh_from_db()
    assert (zoe.parent_id, zoe.billing_name) == (acme.pk, "Zoë N. Holdings")

    # Archive from the edit page: it says so, and the list hides the client.
    tab.goto(f"/app/clients/{zoe.pk}/edit/")
    page.get_by_role("button", name="Archive").click()
    page.wait_for_url(f"**/app/clients/{zoe.pk}/edit/")
    expect(page.get_by_role("status").first).to_contain_text("is archived")
    expect(page.get_by_role("button", name="Restore")).to_be_visible()
    tab.check("archived")
    tab.goto("/app/clients/")
    expect(page.locator(".client-row")).to_have_count(2)
