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
        job_create(owner, JobInput(fields={}, property=HUGE))
    with pytest.raises(ValidationError):
        job_create(owner, JobInput(fields={}, property=str(HUGE)))
