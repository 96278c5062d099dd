"""The jobs list's one filter object (jobs/filters.py): read alike from the page's form and
the API's query, and the page and the API list the same jobs in the same order."""

import datetime
import re

import pytest
from django.http import QueryDict
from django.urls import reverse

from crewdesk.accounts.services import api_token_create
from crewdesk.jobs.filters import JobFilters
from crewdesk.jobs.forms import JobFilterForm
from crewdesk.jobs.schemas import JobListQuery
from crewdesk.jobs.services import job_transition
from tests.factories import company_today, make_job, make_property

pytestmark = pytest.mark.django_db


def test_the_form_and_the_query_give_the_same_filters(employee):
    form = JobFilterForm(
        QueryDict(
            f"q=Lee&status=open&date_from=2030-01-01&date_to=2030-02-01&employee={employee.pk}"
            "&client=7&property=9&archived=1"
        ),
        members=[employee],
    )
    query = JobListQuery(
        search="Lee",
        status="open",
        date_from="2030-01-01",
        date_to="2030-02-01",
        employee=employee.pk,
        client=7,
        property=9,
        archived=True,
    )
    expected = JobFilters(
        status="open",
        date_from=datetime.date(2030, 1, 1),
        date_to=datetime.date(2030, 2, 1),
        employee=employee.pk,
        client=7,
        property=9,
        search="Lee",
        archived=True,
    )
    assert JobFilters.from_form(form) == JobFilters.from_query(query) == expected


def test_a_value_the_form_refuses_is_no_filter(employee):
    form = JobFilterForm(QueryDict("status=lost&date_from=nope&employee=999"), members=[employee])
    assert JobFilters.from_form(form) == JobFilters()
    assert not JobFilters.from_form(form).is_filtered


def test_nobody_assigned_and_archived_are_filters():
    assert JobFilters(employee=0).is_filtered
    assert JobFilters(archived=True).is_filtered
    assert not JobFilters().is_filtered


@pytest.fixture
def jobs(owner, employee, make_client):
    """Jobs on several days, open and not, of two clients."""
    today = company_today(owner)
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@example.com")
    bob = make_client(first_name="Bob", last_name="Ray", email="bob@example.com")
    ann_home = make_property(owner, ann)
    bob_shop = make_property(owner, bob, street="3 Mill Lane")
    made = []
    for n, (prop, days) in enumerate(
        [(ann_home, -3), (bob_shop, 5), (ann_home, 1), (bob_shop, -1), (ann_home, 0), (ann_home, 1)]
    ):
        made.append(
            make_job(
                owner,
                prop,
                day=today + datetime.timedelta(days=days),
                hour=8 + n,
                assignees=[employee] if n % 2 else [],
            )
        )
    job_transition(actor=owner, job=made[0], to_status="cancelled")
    job_transition(actor=owner, job=made[3], to_status="on_the_way")
    return {"ann": ann, "bob": bob, "home": ann_home, "made": made}


def test_the_page_and_the_api_list_the_same_jobs_in_the_same_order(
    client, client_as, office, employee, jobs
):
    web = client_as(office)
    token = api_token_create(membership=office).raw
    today = company_today(office)

    def on_the_page(params: dict) -> list[int]:
        page = web.get(reverse("jobs:list"), params, HTTP_HX_REQUEST="true").content.decode()
        return [int(pk) for pk in re.findall(r'class="[^"]*job-row" href="/app/jobs/(\d+)/"', page)]

    def through_the_api(params: dict) -> list[int]:
        params = {("search" if k == "q" else k): v for k, v in params.items()}
        body = client.get(
            "/api/v1/jobs", params, headers={"Authorization": f"Bearer {token}"}
        ).json()
        return [job["id"] for job in body["items"]]

    for params in [
        {},
        {"status": "open"},
        {"status": "cancelled"},
        {"employee": str(employee.pk)},
        {"employee": "0", "status": "open"},
        {"client": str(jobs["ann"].pk)},
        {"property": str(jobs["home"].pk), "status": "open"},
        {"date_from": today.isoformat()},
        {"date_to": today.isoformat(), "status": "open"},
        {"q": "Lee"},
        {"q": "Lee", "status": "open"},
        {"q": f"#{jobs['made'][2].pk}"},
    ]:
        listed = on_the_page(params)
        assert listed, params
        assert through_the_api(params) == listed, params
    # The order itself: open jobs soonest first (overdue on top), the others newest first.
    made = jobs["made"]
    assert on_the_page({"status": "open"}) == [
        made[3].pk,
        made[4].pk,
        made[2].pk,
        made[5].pk,
        made[1].pk,
    ]
    assert on_the_page({}) == [
        made[1].pk,
        made[5].pk,
        made[2].pk,
        made[4].pk,
        made[3].pk,
        made[0].pk,
    ]
