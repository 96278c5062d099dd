"""The checklist template pages: list, new/edit with item rows, archive; roles and tenancy."""

import pytest
from django.urls import reverse

from crewdesk.jobs.models import ChecklistTemplate
from crewdesk.jobs.services import checklist_template_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(owner):
    return checklist_template_save(
        actor=owner,
        template=None,
        name="Turnover",
        items=[("Strip beds", True), ("Restock soap", False)],
    )


@pytest.fixture
def their_template(outsider):
    return checklist_template_save(
        actor=outsider, template=None, name="Pool", items=[("Skim", True)]
    )


def urls(template):
    return {
        "list": ("get", reverse("jobs:checklists")),
        "new": ("get", reverse("jobs:checklist_new")),
        "edit": ("get", reverse("jobs:checklist_edit", args=[template.pk])),
        "archive": ("post", reverse("jobs:checklist_archive", args=[template.pk])),
    }


def test_office_lists_and_edits(client_as, office, template, their_template):
    web = client_as(office)
    page = web.get(reverse("jobs:checklists")).content.decode()
    assert "Turnover" in page and "2 items" in page and "Pool" not in page
    page = web.get(reverse("jobs:checklist_edit", args=[template.pk])).content.decode()
    assert 'value="Strip beds"' in page and 'value="Restock soap"' in page
    assert 'name="item_required_0" id="item_required_0" checked' in page
    response = web.post(
        reverse("jobs:checklist_edit", args=[template.pk]),
        {
            "name": "Turnover v2",
            "item_text_0": "Strip beds",
            "item_required_0": "on",
            "item_text_1": "",
            "item_text_2": "Take out trash",
        },
    )
    assert response.status_code == 302 and response.url == reverse("jobs:checklists")
    template.refresh_from_db()
    assert template.name == "Turnover v2"
    assert not template.required_blocks_finish  # the box was not ticked
    assert list(template.items.values_list("text", "required")) == [
        ("Strip beds", True),
        ("Take out trash", False),
    ]


def test_new_template_and_errors_keep_what_was_typed(client_as, office):
    web = client_as(office)
    page = web.get(reverse("jobs:checklist_new")).content.decode()
    assert 'id="id_required_blocks_finish" class="form-check-input" checked' in page
    response = web.post(
        reverse("jobs:checklist_new"),
        {"name": "", "item_text_0": "Keep me", "item_text_5": "Me too"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the checklist a name." in page
    assert 'value="Keep me"' in page and 'value="Me too"' in page
    page = web.post(reverse("jobs:checklist_new"), {"name": "Empty"}).content.decode()
    assert "Add at least one item." in page and 'value="Empty"' in page
    response = web.post(
        reverse("jobs:checklist_new"),
        {
            "name": "Pool",
            "required_blocks_finish": "on",
            "item_text_0": "Skim",
            "item_required_0": "on",
        },
    )
    assert response.status_code == 302
    saved = ChecklistTemplate.objects.get(name="Pool")
    assert saved.required_blocks_finish and saved.items.get().required


def test_archive_hides_it(client_as, office, template):
    web = client_as(office)
    web.post(reverse("jobs:checklist_archive", args=[template.pk]))
    template.refresh_from_db()
    assert template.archived_at
    assert "checklist-row" not in web.get(reverse("jobs:checklists")).content.decode()
    assert "Turnover" in web.get(reverse("jobs:checklists"), {"archived": "1"}).content.decode()
    assert "Turnover" not in web.get(reverse("jobs:new")).content.decode()


@pytest.mark.parametrize("role", ["employee", "customer"])
def test_employee_and_customer_are_refused(request, client_as, role, template):
    web = client_as(request.getfixturevalue(role))
    for name, (method, url) in urls(template).items():
        assert getattr(web, method)(url).status_code == 403, name
    template.refresh_from_db()
    assert template.archived_at is None


def test_another_companys_template_is_not_found(client_as, office, their_template):
    web = client_as(office)
    for name in ("edit", "archive"):
        method, url = urls(their_template)[name]
        assert getattr(web, method)(url).status_code == 404, name
    response = web.post(
        reverse("jobs:checklist_edit", args=[their_template.pk]),
        {"name": "Hijack", "item_text_0": "x"},
    )
    assert response.status_code == 404
    their_template.refresh_from_db()
    assert their_template.name == "Pool" and their_template.archived_at is None


def test_list_query_count(client_as, office, owner, django_assert_max_num_queries):
    for n in range(15):
        checklist_template_save(
            actor=owner, template=None, name=f"T{n}", items=[("a", True), ("b", False)]
        )
    web = client_as(office)
    with django_assert_max_num_queries(8):
        response = web.get(reverse("jobs:checklists"))
    assert response.content.decode().count("checklist-row") == 15
