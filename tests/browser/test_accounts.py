"""Journeys of issue 10's account security in a real browser: an invitation accepted, the
sign-in link from the login email, and API tokens made and revoked."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, last_login_code, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _last_link(email: str) -> str:
    for message in reversed(mail.outbox):
        if email in message.to:
            match = re.search(r"(/login/link/[\w-]+/)", message.body)
            if match:
                return match.group(1)
    raise AssertionError(f"no login link was emailed to {email}")


def test_an_invited_person_logs_in_and_joins_the_company(visit, owner):
    owner_tab = visit()
    log_in(owner_tab, "alice", "alice@example.com")
    owner_tab.page.wait_for_url("**/app/")
    owner_tab.goto("/app/team/invite/")
    owner_tab.page.get_by_label("Username").fill("erin")
    owner_tab.page.get_by_label("Email").fill("erin@example.com")
    owner_tab.page.get_by_label("Role").select_option("office")
    owner_tab.page.get_by_role("button", name=re.compile("Invite|Send", re.I)).click()
    owner_tab.page.wait_for_url("**/app/team/")
    expect(owner_tab.page.get_by_text("Waiting for an answer")).to_be_visible()
    owner_tab.check("team-waiting")

    tab = visit(PHONE, "phone")
    page = tab.page
    tab.goto("/login/")
    page.get_by_label("Username").fill("erin")
    page.get_by_role("button", name="Email me a code").click()
    page.wait_for_url("**/login/code/")
    page.get_by_label("6-digit code").fill(last_login_code("erin@example.com"))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/invitations/")
    expect(page.get_by_text("invited you to join")).to_be_visible()
    tab.check("invitation")
    page.get_by_role("button", name="Join Acme Cleaning").click()
    page.wait_for_url("**/app/")
    expect(page.get_by_text("Welcome to Acme Cleaning")).to_be_visible()
    tab.check("joined")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_login_link_logs_in_on_another_device(visit, office):
    desk = visit()
    desk.goto("/login/")
    desk.page.get_by_label("Username").fill("bob")
    desk.page.get_by_role("button", name="Email me a code").click()
    desk.page.wait_for_url("**/login/code/")

    phone = visit(PHONE, "phone")
    phone.goto(_last_link("bob@example.com"))
    expect(phone.page.get_by_role("heading", name="Log in as bob?")).to_be_visible()
    phone.check("confirm")
    phone.page.get_by_role("button", name="Log in").click()
    phone.page.wait_for_url("**/app/")
    phone.check("logged-in")


def test_a_member_makes_a_token_sees_it_once_and_revokes_it(visit, office):
    tab = visit()
    page = tab.page
    log_in(tab, "bob", "bob@example.com")
    page.wait_for_url("**/app/")
    page.locator("#user-menu").click()
    page.get_by_role("link", name="API tokens").click()
    page.wait_for_url("**/app/api-tokens/")
    page.get_by_label("What is it for?").fill("Accounting export")
    page.get_by_label("Expires").select_option("30")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("New token").input_value()
    assert token.startswith("cdk_")
    expect(page.get_by_role("cell", name=re.compile("Accounting export"))).to_be_visible()
    tab.check("created")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Revoked", exact=True)).to_be_visible()
    tab.check("revoked")
