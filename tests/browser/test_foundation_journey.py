"""Journeys through the foundation in a real browser: log in with an emailed code, find your way
around the office app, invite a teammate, log out; a customer lands in the portal on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, last_login_code, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_logs_in_invites_a_teammate_and_logs_out(visit, owner, employee):
    tab = visit()
    page = tab.page

    # A wrong code is refused, announced to screen readers, and the field is marked invalid.
    tab.goto("/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_role("button", name="Email me a code").click()
    page.wait_for_url("**/login/code/")
    wrong = "000000" if last_login_code("alice@example.com") != "000000" else "111111"
    page.get_by_label("6-digit code").fill(wrong)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("6-digit code")).to_have_attribute("aria-invalid", "true")
    tab.check("wrong-code")

    log_in(tab, "alice", "alice@example.com", shots=True)
    page.wait_for_url("**/app/")
    navigation = page.get_by_role("navigation", name="Main").first
    for entry in ("Home", "Activity", "Team"):
        expect(navigation.get_by_role("link", name=entry)).to_be_visible()
    # The office's billing is in the menu (an employee's menu has none of it).
    expect(navigation.get_by_role("link", name="Invoices")).to_be_visible()
    tab.check("home")

    navigation.get_by_role("link", name="Team").click()
    page.wait_for_url("**/app/team/")
    expect(page.get_by_role("cell", name="carol", exact=True)).to_be_visible()
    tab.check("team")

    # Inviting with a bad email keeps what was typed and says what is wrong.
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("First name").fill("Erin")
    page.get_by_role("button", name=re.compile("Invite|Send", re.I)).click()
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Username")).to_have_value("erin")
    tab.check("invite-error")
    page.get_by_label("Email").fill("erin@example.com")
    page.get_by_role("button", name=re.compile("Invite|Send", re.I)).click()
    page.wait_for_url("**/app/team/**")
    expect(page.get_by_text("erin", exact=True)).to_be_visible()
    tab.check("team-after-invite")

    # The activity log tells what happened, in sentences.
    navigation.get_by_role("link", name="Activity").click()
    page.wait_for_url("**/app/activity/")
    expect(page.get_by_text(re.compile("logged in", re.I)).first).to_be_visible()
    tab.check("activity")

    # Log out through the user menu; the app is closed afterwards.
    page.locator("#user-menu").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login/**")
    tab.goto("/app/")
    expect(page).to_have_url(re.compile(r"/login/"))
    tab.check()


def test_office_app_on_a_phone(visit, office):
    tab = visit(PHONE, "phone")
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")
    tab.check("home")
    # The sidebar folds into a menu button; nothing scrolls sideways.
    page.get_by_role("button", name="Open menu").click()
    menu = page.locator("#mobile-nav")
    page.wait_for_selector("#mobile-nav.show:not(.showing)")  # slide-in finished
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Activity")).to_be_visible()
    tab.check("menu-open")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_customer_lands_in_the_portal_on_a_phone(visit, customer):
    tab = visit(PHONE, "phone")
    page = tab.page
    log_in(tab, "dave", "dave@example.com", shots=True)
    page.wait_for_url("**/portal/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")
    tab.check("portal")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The office app is not theirs: its front door sends them back to the portal, its pages
    # refuse them.
    page.goto(tab.base_url + "/app/")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    assert page.goto(tab.base_url + "/app/clients/").status == 403


def test_newcomer_reads_the_code_in_the_dev_outbox(visit, owner, settings, tmp_path):
    """The README's demo login: with DEBUG on, the code is read on the development outbox page
    (which keeps its own copy: the message log redacts codes once they are sent)."""
    settings.DEBUG = True
    settings.DEV_OUTBOX_DIR = tmp_path / "dev-outbox"
    settings.DEV_OUTBOX_INNER_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.EMAIL_BACKEND = "crewdesk.notifications.backends.DevOutboxBackend"
    tab = visit()
    page = tab.page
    tab.goto("/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_role("button", name="Email me a code").click()
    page.wait_for_url("**/login/code/")
    page.get_by_role("link", name="Development outbox").click()
    page.wait_for_url("**/dev/outbox/")
    tab.check("dev-outbox")
    body = page.locator(".outbox-body").first.inner_text()
    code = re.search(r"\b(\d{6})\b", body).group(1)
    page.go_back()
    page.get_by_label("6-digit code").fill(code)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/app/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
