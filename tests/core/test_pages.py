"""Who may open which page of the shell, and what the pages show."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from crewdesk.core.events import activity_record
from crewdesk.core.models import Activity

OFFICE_PAGES = ["dashboard:home", "core:activity", "core:company_settings", "accounts:team"]


@pytest.mark.parametrize("name", [*OFFICE_PAGES, "portal:home", "accounts:sessions"])
def test_anonymous_is_sent_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("owner", {"dashboard:home", "core:activity", "core:company_settings", "accounts:team"}),
        ("office", {"dashboard:home", "core:activity", "accounts:team"}),
        ("employee", set()),
        ("customer", set()),
    ],
)
def test_office_pages_by_role(request, client_as, role, allowed):
    client = client_as(request.getfixturevalue(role))
    for name in OFFICE_PAGES:
        expected = 200 if name in allowed else 403
        if role in ("employee", "customer") and name == "dashboard:home":
            expected = 302  # the crew's home is their jobs, a customer's the portal
        assert client.get(reverse(name)).status_code == expected, name


def test_portal_is_for_customers_only(client_as, customer, office):
    assert client_as(customer).get(reverse("portal:home")).status_code == 200
    assert client_as(office).get(reverse("portal:home")).status_code == 403


def test_navigation_hides_what_the_role_cannot_open(client_as, employee, owner):
    content = client_as(employee).get(reverse("dashboard:home"), follow=True).content.decode()
    assert reverse("accounts:team") not in content
    assert reverse("core:company_settings") not in content
    content = client_as(owner).get(reverse("dashboard:home")).content.decode()
    assert reverse("core:company_settings") in content


def test_activity_shows_only_own_company(client_as, owner, outsider):
    activity_record(company=owner.company, actor=owner.user, verb="company.updated")
    activity_record(
        company=outsider.company,
        actor=outsider.user,
        verb="member.invited",
        data={"username": "zed-of-bravo"},
    )
    content = client_as(owner).get(reverse("core:activity")).content.decode()
    assert "changed company settings" in content
    assert "zed-of-bravo" not in content  # long enough never to turn up in a CSRF token


def test_times_show_in_the_companys_time_zone(client_as, owner):
    owner.company.timezone = "America/Los_Angeles"
    owner.company.save()
    entry = activity_record(company=owner.company, actor=owner.user, verb="company.updated")
    Activity.objects.filter(pk=entry.pk).update(created_at=datetime(2026, 7, 1, 18, 30, tzinfo=UTC))
    content = client_as(owner).get(reverse("core:activity")).content.decode()
    assert "11:30\u202fAM" in content  # 18:30 UTC is 11:30 in Los Angeles in summer
    assert 'datetime="2026-07-01T11:30:00-07:00"' in content


def test_company_settings_saves_and_logs(client_as, owner):
    response = client_as(owner).post(
        reverse("core:company_settings"),
        {
            "name": "Acme Cleaning Co",
            "currency": "CAD",
            "timezone": "America/Toronto",
            "country": "CA",
            "default_tax_rate": "13.000",
            "card_fee_percent": "2.50",
            "invoice_prefix": "AC-",
        },
    )
    assert response.status_code == 302
    owner.company.refresh_from_db()
    assert owner.company.default_tax_rate == Decimal("13.000")
    assert owner.company.timezone == "America/Toronto"
    entry = Activity.objects.get(verb="company.updated")
    assert entry.data["changes"]["currency"] == ["USD", "CAD"]


def test_company_settings_bad_input_is_a_form_error(client_as, owner):
    response = client_as(owner).post(
        reverse("core:company_settings"),
        {
            "name": "",
            "currency": "XXX",
            "timezone": "Mars/Olympus",
            "country": "US",
            "default_tax_rate": "abc",
            "card_fee_percent": "50",
            "invoice_prefix": "",
        },
    )
    assert response.status_code == 200
    assert response.content.decode().count('aria-invalid="true"') >= 4
    owner.company.refresh_from_db()
    assert owner.company.name == "Acme Cleaning"


def test_user_strings_are_escaped(client_as, owner):
    owner.user.first_name = "<script>alert(1)</script>"
    owner.user.save()
    content = client_as(owner).get(reverse("dashboard:home")).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_spanish_is_offered(client_as, owner):
    response = client_as(owner).get(reverse("dashboard:home"), headers={"accept-language": "es"})
    assert response.status_code == 200
    assert 'lang="es"' in response.content.decode()
