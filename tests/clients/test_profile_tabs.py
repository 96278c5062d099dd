"""A client profile's tabs: clients, properties and jobs register theirs (profile_tabs.py);
billing and the portal will add theirs the same way."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from crewdesk.clients import profile_tabs
from crewdesk.clients.profile_tabs import (
    PROFILE_TABS,
    ProfileTab,
    profile_tabs_for,
    register_profile_tabs,
)
from crewdesk.core.permissions import Action

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def _quotes(request, client):
    return {"quotes": ["Q-12"]}


# A tab of an app still to come (quotes): billing's own Invoices tab is registered already.
QUOTES = ProfileTab(
    "quotes",
    "Quotes",
    "receipt",
    "includes/messages.html",  # any template: what matters is where the tab goes
    _quotes,
    order=31,
    show_label="Show the quotes",
    action=Action.MANAGE_COMPANY,
    badge=lambda request, client: 3,
)


def test_the_tabs_come_in_their_order():
    assert [t.name for t in PROFILE_TABS] == [
        "contacts",
        "properties",
        "jobs",
        "invoices",
        "batches",
        "payments",
        "notes",
        "messages",
        "activity",
    ]


def test_a_member_sees_the_tabs_their_role_allows(owner, employee):
    assert "activity" in [t.name for t in profile_tabs_for(owner)]
    assert "activity" not in [t.name for t in profile_tabs_for(employee)]


def test_a_tab_another_app_registers_takes_its_place(
    monkeypatch, client_as, owner, office, make_client
):
    monkeypatch.setattr(profile_tabs, "PROFILE_TABS", list(PROFILE_TABS))
    register_profile_tabs(QUOTES)
    register_profile_tabs(QUOTES)  # a second ready() adds nothing
    assert [t.name for t in profile_tabs.PROFILE_TABS].index("quotes") == 3

    client = make_client(first_name="Ann", email="ann@example.com")
    url = reverse("clients:detail", args=[client.pk])
    page = client_as(owner).get(url).content.decode()
    assert 'id="tab-quotes"' in page and f'hx-get="{url}?panel=quotes"' in page
    assert (
        page.index('id="tab-jobs"') < page.index('id="tab-quotes"') < page.index('id="tab-notes"')
    )
    assert 'Quotes <span class="badge' in page
    assert client_as(owner).get(url, {"panel": "quotes"}, headers=HX).status_code == 200
    # The office may not see it: no tab, and asking for it is refused.
    assert 'id="tab-quotes"' not in client_as(office).get(url).content.decode()
    assert client_as(office).get(url, {"panel": "quotes"}, headers=HX).status_code == 403


def test_two_tabs_of_one_name_are_a_mistake(monkeypatch):
    monkeypatch.setattr(profile_tabs, "PROFILE_TABS", list(PROFILE_TABS))
    with pytest.raises(ImproperlyConfigured):
        register_profile_tabs(
            ProfileTab("jobs", "Jobs", "x", "x.html", _quotes, order=1, show_label="x")
        )
