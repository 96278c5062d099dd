"""The office's schedule: day and week by person, and moving jobs (form and drag)."""

import datetime

import pytest
from django.urls import reverse

from crewdesk.clients.services import ClientInput, client_create
from crewdesk.jobs import services
from crewdesk.jobs.models import JobStatus
from tests.factories import MembershipFactory, UserFactory, company_today, make_job, make_property

pytestmark = pytest.mark.django_db


@pytest.fixture
def prop(owner):
    client = client_create(
        actor=owner,
        data=ClientInput(
            fields={"first_name": "Mia", "last_name": "Harbor"},
            phones=[("mobile", "+1 415 555 0199")],
        ),
        allow_duplicate=True,
    )
    return make_property(owner, client, name="Lake house", city="Santa Cruz")


@pytest.fixture
def jobs(owner, office, employee, prop):
    today = company_today(owner)
    return {
        "assigned": make_job(owner, prop, hour=9, assignees=[employee], title="Kitchen"),
        "unassigned": make_job(owner, prop, hour=11, title="Windows"),
        "pair": make_job(owner, prop, hour=14, assignees=[employee, office], title="Deep"),
        "later": make_job(owner, prop, day=today + datetime.timedelta(days=30), title="Later"),
    }


def url(view="week", day=None):
    day = day or datetime.date.today()
    return f"{reverse('jobs:schedule')}?view={view}&date={day.isoformat()}"


def move_url(job):
    return reverse("jobs:schedule_move", args=[job.pk])


def test_week_shows_unassigned_first_and_a_pair_in_both_rows(client_as, office, employee, jobs):
    today = company_today(office)
    response = client_as(office).get(url("week", today))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0].is_unassigned and rows[0].count == 1
    by_key = {row.key: row for row in rows}
    assert by_key[str(employee.pk)].count == 2  # its own job and the pair's
    assert by_key[str(office.pk)].count == 1
    html = response.content.decode()
    assert "row-unassigned-busy" in html
    assert "Mia Harbor" in html and "Lake house" in html and "Santa Cruz" in html
    assert "Later" not in html
    monday = today - datetime.timedelta(days=today.weekday())
    assert response.context["first"] == monday
    assert response.context["last"] == monday + datetime.timedelta(days=6)
    assert len(response.context["days"]) == 7
    # prev / next / today navigation
    assert response.context["prev_url"].endswith((today - datetime.timedelta(days=7)).isoformat())
    assert response.context["next_url"].endswith((today + datetime.timedelta(days=7)).isoformat())


def test_day_view_groups_by_person(client_as, owner, employee, jobs):
    today = company_today(owner)
    response = client_as(owner).get(url("day", today))
    assert response.status_code == 200
    assert response.context["days"] == [today]
    html = response.content.decode()
    assert html.count('class="schedule-card') == 4  # unassigned 1 + employee 2 + office 1
    assert "Unassigned" in html


def test_bad_query_falls_back_to_this_week(client_as, office, jobs):
    response = client_as(office).get(reverse("jobs:schedule") + "?view=year&date=2026-13-45")
    assert response.status_code == 200
    assert response.context["view"] == "week"


@pytest.mark.parametrize("who", ["employee", "customer"])
def test_schedule_is_for_the_office(client_as, request, who, jobs):
    member = request.getfixturevalue(who)
    c = client_as(member)
    assert c.get(url()).status_code == 403
    assert c.post(move_url(jobs["assigned"]), {"date": "2030-01-01"}).status_code == 403


def test_anonymous_is_sent_to_log_in(client, jobs):
    assert client.get(url()).status_code == 302


def test_move_by_date_keeps_time_and_crew(client_as, office, employee, jobs):
    job = jobs["pair"]
    day = company_today(office) + datetime.timedelta(days=3)
    response = client_as(office).post(move_url(job), {"date": day.isoformat(), "next": url()})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.scheduled_date == day
    assert set(job.assignments.values_list("membership_id", flat=True)) == {employee.pk, office.pk}


def test_move_form_keeps_a_pair_when_the_person_is_not_changed(client_as, office, employee, jobs):
    job = jobs["pair"]
    c = client_as(office)
    page = c.get(move_url(job))
    assert page.status_code == 200
    was = page.context["assignee_was"]
    day = company_today(office) + datetime.timedelta(days=1)
    c.post(move_url(job), {"date": day.isoformat(), "assignee": was, "assignee_was": was})
    assert job.assignments.count() == 2


def test_move_by_assignee_and_to_unassigned(client_as, office, employee, jobs):
    job = jobs["unassigned"]
    c = client_as(office)
    assert c.post(move_url(job), {"assignee": str(employee.pk)}).status_code == 302
    assert list(job.assignments.values_list("membership_id", flat=True)) == [employee.pk]
    response = c.post(move_url(job), {"assignee": ""}, headers={"X-Requested-With": "fetch"})
    assert response.status_code == 200 and response.json()["ok"]
    assert not job.assignments.exists()


def test_move_refused_for_a_finished_job(client_as, owner, office, jobs):
    job = jobs["assigned"]
    services.job_transition(actor=owner, job=job, to_status=JobStatus.STARTED)
    services.job_transition(actor=owner, job=job, to_status=JobStatus.FINISHED)
    c = client_as(office)
    day = company_today(office) + datetime.timedelta(days=2)
    response = c.post(move_url(job), {"date": day.isoformat()})
    assert response.status_code == 400
    assert "Finished and cancelled jobs stay where they were done." in response.content.decode()
    response = c.post(
        move_url(job), {"date": day.isoformat()}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 400
    assert "stay where they were done" in response.json()["detail"]
    job.refresh_from_db()
    assert job.scheduled_date == company_today(office)


def test_move_bad_input_is_a_message(client_as, office, outsider, jobs):
    c = client_as(office)
    response = c.post(move_url(jobs["unassigned"]), {"date": "soon"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()
    assert "soon" in response.content.decode()  # what was typed is kept
    # a person of another company is not one of ours
    response = c.post(move_url(jobs["unassigned"]), {"assignee": str(outsider.pk)})
    assert response.status_code == 400
    assert not jobs["unassigned"].assignments.exists()
    assert c.post(move_url(jobs["unassigned"]), {}).status_code == 400


def test_another_companys_job_is_not_found(client_as, office, outsider):
    client = client_create(
        actor=outsider,
        data=ClientInput(fields={"first_name": "Zedekiah"}, phones=[("mobile", "+14155550100")]),
    )
    their_job = make_job(outsider, make_property(outsider, client))
    c = client_as(office)
    assert c.get(move_url(their_job)).status_code == 404
    assert c.post(move_url(their_job), {"date": "2030-01-01"}).status_code == 404
    # and their jobs never show on our schedule
    response = c.get(url("week", company_today(office)))
    assert "Zedekiah" not in response.content.decode()


def test_schedule_queries_do_not_grow_with_jobs(
    client_as, owner, office, prop, django_assert_max_num_queries
):
    today = company_today(owner)
    crew = [
        MembershipFactory(
            user=UserFactory(username=f"crew{i}", email=f"crew{i}@example.com"),
            company=owner.company,
            role="employee",
        )
        for i in range(8)
    ]
    for i in range(40):
        make_job(
            owner,
            prop,
            day=today - datetime.timedelta(days=today.weekday() - i % 7),
            hour=6 + i % 12,
            assignees=crew[i % 8 : i % 8 + (1 + i % 2)],
        )
    c = client_as(office)
    c.get(url("week", today))  # warm caches (content types, session)
    with django_assert_max_num_queries(8):
        response = c.get(url("week", today))
    assert response.status_code == 200
    with django_assert_max_num_queries(8):
        assert c.get(url("day", today)).status_code == 200


def test_a_big_crew_comes_a_page_of_people_at_a_time(client_as, owner, office, prop, settings):
    from crewdesk.jobs.views import schedule as schedule_view

    today = company_today(owner)
    crew = [
        MembershipFactory(
            user=UserFactory(username=f"p{i:02}", first_name="Crew", last_name=f"{i:02}"),
            company=owner.company,
            role="employee",
        )
        for i in range(schedule_view.PEOPLE_PER_PAGE + 3)  # more than a page of a day
    ]
    first_job = make_job(owner, prop, assignees=[crew[0]], title="First page")
    make_job(owner, prop, assignees=[crew[-1]], title="Last page")
    make_job(owner, prop, title="Nobody yet")
    web = client_as(office)

    week = web.get(url("week", today))
    assert len(week.context["rows"]) == schedule_view.WEEK_PEOPLE_PER_PAGE + 1
    page_one = web.get(url("day", today))
    rows = [row.label for row in page_one.context["rows"]]
    assert len(rows) == schedule_view.PEOPLE_PER_PAGE + 1  # and the Unassigned row
    assert page_one.context["people"]["next_url"]
    jobs_one = {
        card["job"].title
        for row in page_one.context["rows"]
        for c in row.cells
        for card in c["jobs"]
    }
    assert "Nobody yet" in jobs_one  # the unassigned row is on every page
    assert first_job.title in jobs_one or "Last page" in jobs_one

    page_two = web.get(page_one.context["people"]["next_url"])
    assert page_two.context["people"]["page"] == 2
    jobs_two = {
        card["job"].title
        for row in page_two.context["rows"]
        for c in row.cells
        for card in c["jobs"]
    }
    assert "Nobody yet" in jobs_two
    assert jobs_one & {"First page", "Last page"} != jobs_two & {"First page", "Last page"}
    assert web.get(url("day", today) + "&people=x").status_code == 200
    assert web.get(url("day", today) + "&people=999").context["people"]["page"] == 2


def test_a_busy_cell_shows_its_first_cards_and_links_to_the_rest(client_as, owner, office, prop):
    from crewdesk.jobs.views import schedule as schedule_view

    today = company_today(owner)
    for i in range(schedule_view.CARDS_PER_CELL + 2):
        make_job(owner, prop, hour=6 + i % 12, title=f"Visit {i}")
    response = client_as(office).get(url("day", today))
    unassigned = response.context["rows"][0]
    cell = unassigned.cells[0]
    assert len(cell["jobs"]) == schedule_view.CARDS_PER_CELL and cell["more"] == 2
    assert "employee=0" in cell["more_url"] and today.isoformat() in cell["more_url"]
    assert "+2 more jobs" in response.content.decode()
