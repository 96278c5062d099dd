"""The API's documentation page renders its operations in a real browser (Swagger UI parses the
OpenAPI text strictly: a key written twice stops it)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_show_every_operation(visit, client):
    operations = sum(
        len(methods) for methods in client.get("/api/v1/openapi.json").json()["paths"].values()
    )
    tab = visit()
    tab.goto("/api/v1/docs")
    page = tab.page
    expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
    expect(page.locator(".opblock")).to_have_count(operations)
    expect(page.locator(".errors-wrapper")).to_have_count(0)  # Swagger UI's parser errors
    tab.check("docs")
