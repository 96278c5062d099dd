"""The README and the API's description say what Crewdesk does today: a capability that is
planned (DESIGN.md names its routes) but not built is named only where the text says it is
planned. The day its routes exist, the README may promise it."""

import re

import pytest
from django.urls import Resolver404, resolve

from crewdesk.api.api import api
from tests.core.test_settings import ROOT

# A word naming a planned capability, and the route (DESIGN §6) that exists once it is built.
PLANNED = {
    "invoice": "/api/v1/invoices",
    "payment": "/api/v1/payments",
    "stripe": "/webhooks/stripe/",
    "weasyprint": "/api/v1/invoices/{invoice_id}/pdf",
}
# The portal exists (a customer's login lands there); its jobs, invoices and payments do not.
PLANNED_PORTAL_PAGES = ["/portal/jobs/", "/portal/invoices/", "/portal/payments/"]
SAYS_PLANNED = re.compile(r"not (built )?yet|planned|to come", re.I)


def _exists(path: str) -> bool:
    if path.startswith("/api/"):
        return path in api.get_openapi_schema()["paths"]
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def _missing() -> list[str]:
    return [word for word, path in PLANNED.items() if not _exists(path)]


def _product_text() -> str:
    """What the README tells a user and an operator: everything before its map of the code,
    which describes code that exists (an app may be built before its pages and API are)."""
    return (ROOT / "README.md").read_text().split("## Map of the code")[0]


@pytest.mark.parametrize("word", _missing())
def test_the_readme_names_a_missing_capability_only_as_planned(word):
    for paragraph in _paragraphs(_product_text()):
        if word in paragraph.lower():
            assert SAYS_PLANNED.search(paragraph), paragraph


def test_the_readme_does_not_promise_portal_pages_that_do_not_exist():
    missing = [page for page in PLANNED_PORTAL_PAGES if not _exists(page)]
    if not missing:
        pytest.skip("the portal's pages exist")
    for paragraph in _paragraphs(_product_text()):
        lower = paragraph.lower()
        if "portal" in lower and re.search(r"\b(jobs|invoices|pay)\b", lower):
            assert SAYS_PLANNED.search(paragraph), paragraph


@pytest.mark.parametrize("word", _missing())
def test_the_api_description_names_no_missing_capability(word):
    assert word not in api.description.lower()
