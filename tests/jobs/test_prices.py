"""One price rule for a job line that names a service but no price (properties.selectors
`service_price_at`): the job form, the API and the recurring jobs give the same price."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from crewdesk.accounts.services import api_token_create
from crewdesk.jobs.models import Job
from crewdesk.jobs.recurrence import recurring_jobs_generate
from crewdesk.properties.services import property_service_add
from tests.factories import make_job, make_property, make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(owner, make_client):
    """A property that gets "Standard clean" at 95.00 where the catalog says 120.00."""
    client = make_client(first_name="Ann", last_name="Lee", email="ann@example.com")
    prop = make_property(owner, client)
    service = make_service(owner, "Standard clean", "120.00")
    property_service_add(actor=owner, prop=prop, data={"service": service.pk, "price": "95.00"})
    return prop, service


def _through_the_page(web, prop, service) -> Job:
    response = web.post(
        reverse("jobs:new"),
        {
            "client": prop.client_id,
            "property": prop.pk,
            "date": "2030-05-06",
            "start_time": "09:00",
            "line_service_0": str(service.pk),
            "line_quantity_0": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Job.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))


def _through_the_api(client, office, prop, service) -> Job:
    token = api_token_create(membership=office).raw
    response = client.post(
        "/api/v1/jobs",
        {
            "property": prop.pk,
            "scheduled_start": "2030-05-06T09:00:00",
            "lines": [{"service": service.pk}],
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.content
    return Job.objects.get(pk=response.json()["id"])


def test_the_page_and_the_api_price_a_service_line_alike(client, client_as, office, agreed):
    prop, service = agreed
    on_the_page = _through_the_page(client_as(office), prop, service)
    through_the_api = _through_the_api(client, office, prop, service)
    assert on_the_page.lines.get().unit_price == Decimal("95.00")
    assert through_the_api.lines.get().unit_price == Decimal("95.00")
    assert through_the_api.total == on_the_page.total == Decimal("95.00")


def test_the_api_patch_prices_a_service_line_at_the_property(client, owner, office, agreed):
    prop, service = agreed
    job = make_job(owner, prop, day=datetime.date(2030, 5, 6))
    token = api_token_create(membership=office).raw
    response = client.patch(
        f"/api/v1/jobs/{job.pk}",
        {"lines": [{"service": service.pk, "quantity": "2"}]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["total"] == "190.00"


def test_a_service_the_property_does_not_get_is_at_the_catalog_price(
    client, client_as, office, owner, agreed
):
    prop, _ = agreed
    other = make_service(owner, "Windows", "40.00")
    assert _through_the_page(client_as(office), prop, other).total == Decimal("40.00")
    assert _through_the_api(client, office, prop, other).total == Decimal("40.00")


def test_the_page_hints_the_property_price(client_as, office, agreed):
    prop, service = agreed
    page = client_as(office).get(reverse("jobs:new"), {"client": prop.client_id}).content
    # The property select carries its prices for jobs.js (HTML-escaped JSON).
    assert f"{{&quot;{service.pk}&quot;: &quot;95.00&quot;}}" in page.decode()


def test_recurring_jobs_are_at_the_agreed_price(owner, agreed):
    prop, service = agreed
    ps = prop.services.get()
    ps.frequency, ps.interval = "weekly", 1
    ps.weekdays, ps.starts_on = "MO", datetime.date.today()
    ps.save()
    assert recurring_jobs_generate(ps, actor=owner) > 0
    assert {job.total for job in Job.objects.filter(property_service=ps)} == {Decimal("95.00")}
