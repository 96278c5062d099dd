"""The office home (/app/): the apps' panels, the latest activity, the company at a glance."""

from django.urls import reverse

from crewdesk.core.panels import HOME_PANELS
from tests.factories import company_today, make_job, make_property

HOME = "/app/"


def test_the_home_keeps_its_address():
    assert reverse("dashboard:home") == HOME


def test_the_crews_home_is_their_jobs(client_as, employee):
    response = client_as(employee).get(HOME)
    assert response.url == reverse("jobs:crew_home")


def test_the_apps_registered_their_home_panels():
    assert [(p.name, p.slot) for p in HOME_PANELS] == [
        ("due_reminders", "side"),
        ("todays_jobs", "top"),
        ("payments_to_approve", "top"),
        ("money_owed", "top"),
    ]


def test_the_office_home_shows_todays_jobs_and_the_week(client_as, office, make_client):
    prop = make_property(office, make_client(first_name="Ann", email="ann@example.com"))
    make_job(office, prop)  # today, nobody assigned
    response = client_as(office).get(HOME)
    assert response.status_code == 200
    today = response.context["today_jobs"]
    assert (today["total"], today["pending"], today["unassigned"]) == (1, 1, 1)
    assert len(response.context["week_chart"]["labels"]) == 7
    page = response.content.decode()
    assert 'id="week-chart-data"' in page
    # The panel's scripts are loaded once, in the head.
    assert page.count("crewdesk/home.js") == 1
    assert page.index("chart.umd.min.js") < page.index("crewdesk/home.js") < page.index("<body")


def test_the_office_home_shows_my_due_reminders_beside_the_activity(client_as, office, make_client):
    from crewdesk.clients.services import reminder_create

    client = make_client(first_name="Ann", email="ann@example.com")
    reminder_create(
        actor=office,
        client=client,
        text="Call about the gutters",
        due_on=company_today(office),
        assignee_id=office.user_id,
    )
    page = client_as(office).get(HOME).content.decode()
    assert page.index('id="week-chart"') < page.index("Recent activity")
    assert page.index("Recent activity") < page.index("My due reminders")
    assert page.index("Call about the gutters") < page.index("Your company")
