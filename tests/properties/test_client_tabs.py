"""The client profile's Properties and Jobs tabs."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crewdesk.jobs.models import Job, JobStatus
from crewdesk.properties import services
from tests.factories import company_today, make_job, make_property, make_service
from tests.properties.test_pages import new_client

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}


def profile(client_id):
    return reverse("clients:detail", args=[client_id])


@pytest.fixture
def harbor(owner):
    return new_client(owner, "Harbor Rentals", email="h@example.com")


def test_tabs_load_when_shown(client_as, office, owner, harbor):
    make_property(owner, harbor, name="Lake house")
    http = client_as(office)
    page = http.get(profile(harbor.pk)).content.decode()
    assert 'id="tab-properties"' in page and 'id="tab-jobs"' in page
    assert f'hx-get="{profile(harbor.pk)}?panel=properties"' in page
    assert f'hx-get="{profile(harbor.pk)}?panel=jobs"' in page
    assert "Lake house" not in page  # not rendered until the tab is shown
    panel = http.get(profile(harbor.pk), {"panel": "properties"}, headers=HX).content.decode()
    assert "Lake house" in panel and "<html" not in panel
    jobs = http.get(profile(harbor.pk), {"panel": "jobs"}, headers=HX).content.decode()
    assert "profile-jobs" in jobs and "<html" not in jobs


def test_properties_tab(client_as, office, owner, harbor):
    lake = make_property(owner, harbor, name="Lake house", access_notes="Code 1234", type="pool")
    make_property(owner, harbor, name="Cabin")
    old = make_property(owner, harbor, name="Sold flat")
    services.property_archive(actor=owner, prop=old)
    for name in ("Clean", "Windows"):
        services.property_service_add(
            actor=owner, prop=lake, data={"service": make_service(owner, name).pk}
        )
    http = client_as(office)
    content = http.get(profile(harbor.pk), {"tab": "properties"}).content.decode()
    assert 'class="tab-pane show active" id="pane-properties"' in content
    assert reverse("properties:detail", args=[lake.pk]) in content
    assert "Lake house" in content and "Cabin" in content and "Sold flat" not in content
    assert "12 Harbor Road" in content and "Pool" in content
    assert "Has access notes" in content and "Code 1234" not in content
    assert "2 services" in content and "0 services" in content
    assert reverse("properties:new", args=[harbor.pk]) in content
    archived = http.get(
        profile(harbor.pk), {"tab": "properties", "properties_archived": "1"}
    ).content.decode()
    assert "Sold flat" in archived


def test_jobs_tab_upcoming_first_then_recent(client_as, office, owner, employee, harbor):
    prop = make_property(owner, harbor, name="Lake house")
    today = company_today(owner)
    make_job(owner, prop, title="Past old", day=today - datetime.timedelta(days=20))
    past = make_job(owner, prop, title="Past recent", day=today - datetime.timedelta(days=2))
    Job.objects.filter(pk=past.pk).update(status=JobStatus.FINISHED)
    make_job(owner, prop, title="Soon later", day=today + datetime.timedelta(days=9))
    make_job(
        owner,
        prop,
        title="Soon first",
        day=today + datetime.timedelta(days=1),
        assignees=[employee],
    )
    content = client_as(office).get(profile(harbor.pk), {"tab": "jobs"}).content.decode()
    order = [content.index(t) for t in ("Soon first", "Soon later", "Past recent", "Past old")]
    assert order == sorted(order)
    assert "Finished" in content and "Pending" in content
    assert employee.user.display_name in content and "Lake house" in content
    assert "120.00" in content
    assert f'href="{reverse("jobs:new")}?client={harbor.pk}"' in content
    assert f'href="{reverse("jobs:detail", args=[past.pk])}"' in content


def test_jobs_tab_shows_only_this_clients_jobs(client_as, office, owner, outsider, harbor):
    other = new_client(owner, "Bayview", email="b@example.com")
    make_job(owner, make_property(owner, other), title="Bayview job")
    b_client = new_client(outsider, "Bravo", email="x@example.com")
    make_job(outsider, make_property(outsider, b_client), title="Bravo job")
    make_job(owner, make_property(owner, harbor), title="Harbor job")
    content = client_as(office).get(profile(harbor.pk), {"tab": "jobs"}).content.decode()
    assert "Harbor job" in content and "Bayview job" not in content and "Bravo job" not in content


def test_jobs_tab_lists_the_jobs_the_client_is_named_on(client_as, office, owner, harbor):
    # Harbor pays for Bayview's job (its billing client): it is one of Harbor's jobs too.
    from crewdesk.jobs.services import JobInput, job_update

    bayview = new_client(owner, "Bayview", email="b@example.com")
    job = make_job(owner, make_property(owner, bayview), title="Bayview job")
    job_update(actor=owner, job=job, data=JobInput(extra_clients=[(harbor.pk, "billing")]))
    http = client_as(office)
    content = http.get(profile(harbor.pk), {"tab": "jobs"}).content.decode()
    assert "Bayview job" in content and "Billing client" in content
    content = http.get(profile(bayview.pk), {"tab": "jobs"}).content.decode()
    assert "Bayview job" in content and "Billing client" not in content


def test_tabs_are_for_the_office_only(client_as, employee, customer, outsider, harbor):
    for member in (employee, customer):
        http = client_as(member)
        for tab in ("properties", "jobs"):
            assert http.get(profile(harbor.pk), {"panel": tab}, headers=HX).status_code == 403
    http = client_as(outsider)
    assert http.get(profile(harbor.pk), {"panel": "jobs"}, headers=HX).status_code == 404


@pytest.mark.parametrize("tab", ["properties", "jobs"])
def test_tab_queries_do_not_grow_with_the_data(
    client_as, owner, office, employee, django_assert_max_num_queries, tab
):
    small = new_client(owner, "Small", email="s@example.com")
    large = new_client(owner, "Large", email="l@example.com")
    service = make_service(owner, "Clean")
    for client, count in ((small, 1), (large, 12)):
        for i in range(count):
            prop = make_property(owner, client, name=f"{client.company_name} home {i}")
            services.property_service_add(actor=owner, prop=prop, data={"service": service.pk})
            make_job(
                owner,
                prop,
                title=f"{client.company_name} job {i}",
                day=company_today(owner) + datetime.timedelta(days=i - 5),
                assignees=[employee, office],
            )
    http = client_as(office)
    http.get(profile(small.pk), {"tab": tab})
    with CaptureQueriesContext(connection) as few:
        assert http.get(profile(small.pk), {"tab": tab}).status_code == 200
    with django_assert_max_num_queries(len(few)):
        response = http.get(profile(large.pk), {"tab": tab})
    assert response.status_code == 200
    word = "home" if tab == "properties" else "job"
    assert response.content.decode().count(f"Large {word} ") == 12
    with django_assert_max_num_queries(len(few)):
        assert http.get(profile(large.pk), {"panel": tab}, headers=HX).status_code == 200
