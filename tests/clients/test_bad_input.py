"""Nonsense in any parameter of the client pages (huge, negative or non-numeric ids, repeated
parameters, huge text, NUL bytes) is ignored, refused with a message or not found: never a 500,
on SQLite as on PostgreSQL."""

from datetime import date

import pytest
from django.urls import reverse

from crewdesk.clients import services

HUGE = "99999999999999999999"  # no database key holds it (a bigint stops at 2**63 - 1)
BAD = ["abc", "-1", HUGE, f"-{HUGE}", "1.5", "x" * 5000, "a\x00b"]


@pytest.fixture
def world(owner, make_client):
    ann = make_client(first_name="Ann", last_name="Lee", email="ann@example.com")
    anne = make_client(first_name="Anne", last_name="Lee", email="anne@example.com")
    contact = services.contact_create(
        actor=owner, client=ann, values={"first_name": "Bo", "email": "bo@x.example"}
    )
    services.reminder_create(actor=owner, client=ann, text="Call", due_on=date(2030, 1, 1))
    return ann, anne, contact


@pytest.fixture
def web(client_as, owner):
    web = client_as(owner)
    web.raise_request_exception = False  # a 500 is an answer to check, not an exception
    return web


def _variants(value: str) -> list:
    """The value alone, and repeated after a good one."""
    return [value, ["1", value]]


def _get_pages(ann, anne, contact) -> list[tuple[str, dict, list[str]]]:
    """(url, the other parameters, the parameters to spoil) of every client page. The list,
    the profile and the pickers answer htmx requests with a part of the page: both are tried."""
    return [
        (reverse("clients:list"), {}, ["q", "tag", "type", "source", "archived", "sort", "page"]),
        (
            reverse("clients:detail", args=[ann.pk]),
            {},
            [
                "tab",
                "panel",
                "notes_page",
                "activity_page",
                "properties_page",
                "properties_archived",
                "jobs_page",
            ],
        ),
        (reverse("clients:merge"), {}, ["ids"]),
        (reverse("clients:merge"), {"ids": [ann.pk, anne.pk]}, ["survivor"]),
        (reverse("clients:duplicates"), {}, ["page"]),
        (reverse("clients:quality"), {}, ["show"]),
        (reverse("clients:lookup"), {}, ["field"]),
        (
            reverse("clients:lookup"),
            {"field": "parent"},
            ["exclude", "choose", "parent_search", "referred_by_search"],
        ),
        (reverse("clients:new"), {}, ["x"]),
        (reverse("clients:edit", args=[ann.pk]), {}, ["x"]),
        (reverse("clients:contact_edit", args=[ann.pk, contact.pk]), {}, ["x"]),
    ]


@pytest.mark.parametrize("value", BAD)
def test_no_query_parameter_breaks_a_client_page(web, world, value):
    for url, others, params in _get_pages(*world):
        for param in params:
            for sent in _variants(value):
                htmx = "lookup" in url or "?" not in url and param in ("q", "page", "panel")
                for headers in ({}, {"HX-Request": "true"}) if htmx else ({},):
                    response = web.get(url, {**others, param: sent}, headers=headers)
                    assert response.status_code < 500, (url, param, sent[:20], headers)


def test_the_merge_page_of_an_id_no_database_holds_is_not_found(web, world):
    ann, anne, _contact = world
    for ids in ([ann.pk, HUGE], [HUGE, anne.pk], [f"-{HUGE}", ann.pk]):
        response = web.get(reverse("clients:merge"), {"ids": ids})
        assert response.status_code == 404, ids
        response = web.post(f"{reverse('clients:merge')}?ids={ids[0]}&ids={ids[1]}", {})
        assert response.status_code == 404, ids


def _posts(ann, anne, contact) -> list[tuple[str, dict, list[str]]]:
    person = {"kind": "person", "first_name": "Zed", "email": "zed@example.com"}
    person |= {"preferred_contact": "any", "language": "en"}
    client_fields = [
        "kind",
        "first_name",
        "email",
        "phone_number_0",
        "phone_kind_0",
        "postal_code",
        "country",
        "rating",
        "parent",
        "referred_by",
        "brand",
        "tags",
        "client_type",
        "allow_duplicate",
        f"phone_number_{HUGE}",
    ]
    return [
        (reverse("clients:new"), person, client_fields),
        (reverse("clients:edit", args=[ann.pk]), person, ["email", "rating", "parent", "brand"]),
        (reverse("clients:duplicate_check"), person, ["first_name", "email", "phone_number_0"]),
        (f"{reverse('clients:duplicate_check')}?exclude={HUGE}", person, ["company_name"]),
        (
            reverse("clients:contact_new", args=[ann.pk]),
            {"contact-first_name": "A", "contact-role": "other"},
            ["contact-first_name", "contact-email", "contact-phone", "contact-role"],
        ),
        (
            reverse("clients:contact_edit", args=[ann.pk, contact.pk]),
            {"contact-first_name": "A", "contact-role": "other"},
            ["contact-last_name", "contact-email", "contact-phone"],
        ),
        (reverse("clients:tag_add", args=[ann.pk]), {}, ["tag-name"]),
        (
            reverse("clients:reminder_new", args=[ann.pk]),
            {"reminder-text": "Call", "reminder-due_on": "2030-01-01"},
            ["reminder-text", "reminder-due_on", "reminder-assignee"],
        ),
        (reverse("clients:notice_new", args=[ann.pk]), {}, ["notice-text"]),
        (
            f"{reverse('clients:merge')}?ids={ann.pk}&ids={anne.pk}",
            {"survivor": str(ann.pk)},
            ["survivor", "choice_first_name", "choice_email"],
        ),
        (reverse("clients:duplicates") + "0/dismiss/", {}, ["page"]),
    ]


@pytest.mark.parametrize("value", BAD)
def test_no_posted_field_breaks_a_client_form(web, world, value):
    for url, others, params in _posts(*world):
        for param in params:
            for sent in _variants(value):
                response = web.post(url, {**others, param: sent})
                assert response.status_code < 500, (url, param, sent[:20])


def test_ids_no_database_holds_in_the_path_are_not_found(web, world, api_client, owner):
    ann, _anne, contact = world
    for name, args in [
        ("clients:detail", [HUGE]),
        ("clients:edit", [HUGE]),
        ("clients:contact_edit", [ann.pk, HUGE]),
        ("clients:note_file", [ann.pk, HUGE]),
    ]:
        assert web.get(reverse(name, args=args)).status_code == 404, name
    for name, args in [
        ("clients:tag_remove", [ann.pk, HUGE]),
        ("clients:reminder_done", [ann.pk, HUGE]),
        ("clients:notice_dismiss", [ann.pk, HUGE]),
        ("clients:contact_primary", [ann.pk, HUGE]),
        ("clients:duplicate_dismiss", [HUGE]),
    ]:
        assert web.post(reverse(name, args=args)).status_code == 404, name
    api = api_client(owner)
    api_paths = [
        f"/api/v1/clients/{HUGE}",
        f"/api/v1/clients/{ann.pk}/contacts/{HUGE}/primary",
        f"/api/v1/clients/{ann.pk}/tags/{HUGE}",
        f"/api/v1/notices/{HUGE}/dismiss",
    ]
    assert api.get(api_paths[0]).status_code == 404
    for path in api_paths[1:]:
        assert api.post(path).status_code in (404, 405), path
    # DELETE through the test client: the API helper only sends GET and POST.
    response = web.delete(api_paths[2], headers=api.headers)
    assert response.status_code == 404
