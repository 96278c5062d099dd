"""Real chromium (Debian's, driven by Playwright) against a live server on loopback.

Every page a journey visits is checked for console errors and for form fields without a label;
screenshots go to test-artifacts/screenshots/, which CI keeps."""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.core import mail

# Playwright's sync API runs an event loop in this thread; the test still talks to the database
# synchronously, which Django refuses unless told it is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# Form controls a person fills in, each of which needs an accessible name.
UNLABELLED_FIELDS_JS = """
() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => !['hidden', 'submit', 'button'].includes(el.type))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))
"""

# A step that emails a PDF makes it within the request in tests (CREWDESK_TASKS=immediate): on
# a busy machine that takes longer than expect's 5 s.
EMAILS_A_PDF = 30_000


def _chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if not path:
        pytest.fail("chromium is missing: run `make browser` (apt-get install chromium)")
    return path


@pytest.fixture(scope="session")
def browser(live_server):
    # Depends on the live server so it closes first: its kept-alive connections hold server
    # threads, and their database connections, which would block dropping the test database.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One browser tab with the checks every journey wants after each step."""

    def __init__(self, page, base_url: str, name: str):
        self.page = page
        self.base_url = base_url
        self.name = name
        self.console_errors: list[str] = []
        page.on(
            "console",
            lambda msg: msg.type == "error" and self.console_errors.append(msg.text),
        )
        page.on("pageerror", lambda exc: self.console_errors.append(str(exc)))

    def goto(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response.status < 400, f"{path} answered {response.status}"
        return response

    def check(self, shot: str | None = None):
        """No console errors and every field labelled; take a screenshot when named."""
        self.page.wait_for_load_state("networkidle")
        unlabelled = self.page.evaluate(UNLABELLED_FIELDS_JS)
        assert not unlabelled, f"fields without a label on {self.page.url}: {unlabelled}"
        assert not self.console_errors, f"console errors on {self.page.url}: {self.console_errors}"
        if shot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=SCREENSHOTS / f"{self.name}-{shot}.png", full_page=True)


@pytest.fixture
def visit(browser, live_server, request):
    """visit(viewport) opens a fresh browser context (own cookies) at that size."""
    contexts = []

    def open_tab(viewport=DESKTOP, label="desktop"):
        context = browser.new_context(viewport=viewport, locale="en-US")
        contexts.append(context)
        name = f"{request.node.name}-{label}"
        return Visit(context.new_page(), live_server.url, name)

    yield open_tab
    for context in contexts:
        context.close()


def last_login_code(email: str) -> str:
    """The code from the newest login email to this address (the test mail outbox)."""
    for message in reversed(mail.outbox):
        if email in message.to:
            match = re.search(r"\b(\d{6})\b", message.body)
            if match:
                return match.group(1)
    raise AssertionError(f"no login code was emailed to {email}")


def log_in(tab: Visit, username: str, email: str, shots: bool = False):
    """Log in through the real pages: username, then the emailed code."""
    tab.goto("/login/")
    tab.check("login" if shots else None)
    tab.page.get_by_label("Username").fill(username)
    tab.page.get_by_role("button", name="Email me a code").click()
    tab.page.wait_for_url("**/login/code/")
    tab.check("code" if shots else None)
    tab.page.get_by_label("6-digit code").fill(last_login_code(email))
    tab.page.get_by_role("button", name="Log in").click()


def pay_online(tab: Visit, token: str, method: str, shots: str) -> None:
    """From a public link to the stand-in Payment Element, `method` chosen, at the summary."""
    from playwright.sync_api import expect

    tab.goto(f"/d/{token}/")
    tab.check(f"{shots}-unpaid")
    tab.page.get_by_role("link", name="Pay online").click()
    tab.page.wait_for_url(f"**/d/{token}/pay/")
    expect(tab.page.get_by_test_id("standin-payment-element")).to_be_visible()
    tab.page.get_by_label(method, exact=True).check()
    tab.check(f"{shots}-pay")
    tab.page.get_by_role("button", name="Continue").click()
    expect(tab.page.locator("#pay-summary")).to_be_visible()
