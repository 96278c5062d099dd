"""The office menu: each app registers its entries in AppConfig.ready(); core orders them."""

from django.test import RequestFactory

from crewdesk.core import navigation
from crewdesk.core.navigation import NAVIGATION, NavItem, navigation_for, register_nav_items
from crewdesk.core.permissions import Action

# The menu as it was when core listed every app's entry itself: registering them from the apps
# must not move one.
MENU_ORDER = [
    "dashboard:home",
    "jobs:schedule",
    "jobs:list",
    "billing:invoice_list",
    "billing:ready",
    "payments:list",
    "clients:list",
    "properties:catalog",
    "jobs:checklists",
    "jobs:crew_home",
    "core:activity",
    "accounts:team",
    "core:company_settings",
]


def test_the_apps_registered_the_menu_in_its_order():
    assert [item.url_name for item in NAVIGATION] == MENU_ORDER


def test_the_owner_sees_every_entry_in_order(owner):
    request = RequestFactory().get("/app/clients/12/")
    items = navigation_for(request, owner)
    assert [i["label"] for i in items] == [
        "Home",
        "Schedule",
        "Jobs",
        "Invoices",
        "Ready to invoice",
        "Payments",
        "Clients",
        "Services",
        "Checklists",
        "My jobs",
        "Activity",
        "Team",
        "Company",
    ]
    assert [i["label"] for i in items if i["active"]] == ["Clients"]


def test_an_entry_is_placed_by_its_order_whoever_registers_it(monkeypatch):
    monkeypatch.setattr(navigation, "NAVIGATION", list(NAVIGATION))
    invoices = NavItem("Invoices", "billing:list", Action.VIEW_RECORDS, "receipt", order=45)
    register_nav_items(invoices)
    register_nav_items(invoices)  # a second ready() adds nothing
    names = [item.url_name for item in navigation.NAVIGATION]
    assert names.count("billing:list") == 1
    assert names.index("billing:list") == names.index("clients:list") + 1


def test_an_entry_whose_page_does_not_exist_is_not_shown(owner, monkeypatch):
    missing = NavItem("Invoices", "billing:list", Action.VIEW_RECORDS, "receipt", order=45)
    monkeypatch.setattr(navigation, "NAVIGATION", [missing])
    assert navigation_for(RequestFactory().get("/app/"), owner) == []


def test_a_badge_is_loaded_after_the_page(owner, employee):
    """An entry's count (payments to approve) is fetched by htmx, so no page pays for it."""
    request = RequestFactory().get("/app/")
    items = {i["label"]: i for i in navigation_for(request, owner)}
    assert items["Payments"]["badge"] == "/app/payments/approvals/badge/"
    assert items["Clients"]["badge"] is None
    assert "Payments" not in {i["label"] for i in navigation_for(request, employee)}
