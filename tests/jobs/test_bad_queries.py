"""Nonsense in the query string of the new pages is ignored or explained, never a 500."""

import pytest
from django.urls import reverse

BAD = ["abc", "-1", "0", "99999999999999999999", "2027-02-30", "<script>", "", "1.5"]


@pytest.mark.parametrize("value", BAD)
def test_query_parameters_never_break_a_page(client_as, owner, employee, value):
    office = client_as(owner)
    pages = [
        (
            reverse("jobs:list"),
            [
                "page",
                "date_from",
                "date_to",
                "employee",
                "client",
                "property",
                "status",
                "q",
                "archived",
            ],
        ),
        (reverse("jobs:new"), ["client", "property", "date"]),
        (reverse("jobs:schedule"), ["view", "date", "people"]),
        (reverse("properties:catalog"), ["archived"]),
        (reverse("jobs:checklists"), ["archived"]),
    ]
    for url, params in pages:
        for param in params:
            response = office.get(url, {param: value})
            assert response.status_code < 500, (url, param, value)
    crew = client_as(employee)
    assert crew.get(reverse("jobs:crew_home"), {"page": value}).status_code < 500


@pytest.mark.parametrize("value", BAD)
def test_client_pickers_never_break(client_as, owner, make_client, value):
    from tests.factories import make_property

    prop = make_property(owner, make_client(first_name="Ann", email="ann@example.com"))
    office = client_as(owner)
    lookups = [
        reverse("clients:lookup") + "?field=parent",
        reverse("jobs:client_lookup") + "?field=client",
        reverse("properties:move_lookup", args=[prop.pk]) + "?field=client",
    ]
    for url in lookups:
        for param in ("choose", "exclude", "client_search", "parent_search"):
            response = office.get(url, {param: value}, headers={"HX-Request": "true"})
            assert response.status_code < 500, (url, param, value)


HUGE = 99999999999999999999


def test_an_id_no_database_can_hold_is_not_found(client_as, owner, employee, api_client):
    office = client_as(owner)
    for name, kwargs in [
        ("jobs:detail", {"job_id": HUGE}),
        ("jobs:crew_job", {"job_id": HUGE}),
        ("properties:detail", {"property_id": HUGE}),
        ("properties:catalog_edit", {"service_id": HUGE}),
        ("jobs:checklist_edit", {"template_id": HUGE}),
        ("jobs:attachment_file", {"job_id": HUGE, "attachment_id": HUGE}),
        ("clients:detail", {"client_id": HUGE}),
    ]:
        assert office.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    api = api_client(owner)
    for path in (f"/api/v1/jobs/{HUGE}", f"/api/v1/properties/{HUGE}", f"/api/v1/services/{HUGE}"):
        assert api.get(path).status_code in (404, 422), path


def test_a_posted_id_no_database_can_hold_is_a_form_error(owner, make_client):
    from django.core.exceptions import ValidationError

    from crewdesk.jobs.services import JobInput, job_create

    with pytest.raises(ValidationError):
        job_create(actor=owner, data=JobInput(fields={}, property=HUGE))
    with pytest.raises(ValidationError):
        job_create(actor=owner, data=JobInput(fields={}, property=str(HUGE)))


# --- every parameter of the schedule, the jobs list and the crew's pages ------------------------

# Days a date parser accepts but no calendar arithmetic survives (a week after 9999-12-31),
# days it refuses, numbers no column holds, and text a database refuses.
EXTREME_DAYS = ["9999-12-31", "0001-01-01", "0001-01-07", "9999-12-27", "10000-01-01"]
ODD_DAYS = ["0000-00-00", "1899-12-31", "3000-01-01", "2027-13-45", "2027-1-1", "+02027-01-01"]
ODD_NUMBERS = ["-1", "0", "99999999999999999999", "9" * 5000, "1e309", "NaN", "inf", "1.5"]
ODD_TEXT = ["abc", "<script>", "", "\x00", "%00", "' OR '1'='1", "🙂" * 50, "a" * 5000]
ANYTHING = EXTREME_DAYS + ODD_DAYS + ODD_NUMBERS + ODD_TEXT


@pytest.fixture
def a_job(owner, employee, make_client):
    from tests.factories import make_job, make_property

    client = make_client(first_name="Ann", last_name="Lee", email="ann@example.com")
    return make_job(owner, make_property(owner, client), assignees=[employee])


def _never_500(http, url, params, method="get"):
    response = getattr(http, method)(url, params)
    assert response.status_code < 500, (url, params)
    return response


@pytest.mark.parametrize("view", ["day", "week", "month", ""])
@pytest.mark.parametrize("day", EXTREME_DAYS + ODD_DAYS)
def test_the_schedule_at_the_ends_of_the_calendar(client_as, owner, a_job, view, day):
    office = client_as(owner)
    for people in ("1", "2", "99999999999999999999"):
        response = _never_500(
            office, reverse("jobs:schedule"), {"view": view, "date": day, "people": people}
        )
        assert response.status_code == 200


@pytest.mark.parametrize("value", ANYTHING)
def test_every_parameter_of_the_jobs_pages(client_as, owner, employee, a_job, value):
    office = client_as(owner)
    pages = {
        reverse("jobs:list"): [
            "page",
            "date_from",
            "date_to",
            "employee",
            "client",
            "property",
            "status",
            "q",
            "archived",
        ],
        reverse("jobs:schedule"): ["view", "date", "people"],
        reverse("jobs:new"): ["client", "property", "date"],
        # (`next` is core.navigation's, fuzzed with it.)
        reverse("jobs:schedule_move", args=[a_job.pk]): ["date"],
        reverse("jobs:detail", args=[a_job.pk]): ["tab", "page"],
        reverse("jobs:checklists"): ["archived"],
    }
    for url, params in pages.items():
        for param in params:
            _never_500(office, url, {param: value})
        _never_500(office, url, dict.fromkeys(params, value))
    # The list filtered from one end of the calendar to the other, and the other way round.
    _never_500(office, reverse("jobs:list"), {"date_from": value, "date_to": "9999-12-31"})
    _never_500(office, reverse("jobs:list"), {"date_from": "0001-01-01", "date_to": value})
    crew = client_as(employee)
    for url in (reverse("jobs:crew_home"), reverse("jobs:crew_job", args=[a_job.pk])):
        _never_500(crew, url, {"date": value, "page": value, "status": value})


@pytest.mark.parametrize("value", ANYTHING)
def test_every_field_of_the_schedules_move_form(client_as, owner, office, a_job, value):
    http = client_as(owner)
    url = reverse("jobs:schedule_move", args=[a_job.pk])
    for data in (
        {"date": value},
        {"assignee": value},
        {"date": value, "assignee": value, "assignee_was": value},
    ):
        response = _never_500(http, url, data, method="post")
        fetched = http.post(url, data, headers={"X-Requested-With": "fetch"})
        assert fetched.status_code < 500, data
        if response.status_code == 400:
            assert fetched.json()["ok"] is False
    a_job.refresh_from_db()
    assert a_job.scheduled_start.year < 3000


@pytest.mark.parametrize("value", EXTREME_DAYS + ODD_DAYS)
def test_the_crew_pages_at_the_ends_of_the_calendar(client_as, employee, a_job, value):
    crew = client_as(employee)
    for status in ("on_the_way", value):
        _never_500(
            crew, reverse("jobs:crew_transition", args=[a_job.pk]), {"status": status}, "post"
        )
    _never_500(crew, reverse("jobs:crew_note", args=[a_job.pk]), {"text": value}, "post")
