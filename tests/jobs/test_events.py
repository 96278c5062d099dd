"""The jobs' activity log (jobs/events.py): the checklist's changes are written like the other
job events, and each reads as a sentence on the job's history."""

import pytest
from django.urls import reverse

from crewdesk.core.activity_text import activity_sentence
from crewdesk.core.models import Activity
from crewdesk.jobs.services import (
    checklist_item_add,
    checklist_item_remove,
    checklist_item_set_done,
    checklist_template_archive,
    checklist_template_save,
)
from tests.factories import make_job, make_property

pytestmark = pytest.mark.django_db


@pytest.fixture
def job(owner, employee, make_client):
    prop = make_property(owner, make_client(first_name="Ann", last_name="Lee"))
    return make_job(owner, prop, assignees=[employee], checklist=[("Mop floors", True)])


def _sentences(verb_prefix: str) -> list[str]:
    entries = Activity.objects.filter(verb__startswith=verb_prefix).order_by("id")
    return [activity_sentence(entry) for entry in entries]


def test_ticking_and_unticking_an_item_is_in_the_jobs_history(employee, job):
    item = job.checklist.get()
    item.job = job
    checklist_item_set_done(actor=employee, item=item, done=True)
    checklist_item_set_done(actor=employee, item=item, done=True)  # already ticked: nothing new
    checklist_item_set_done(actor=employee, item=item, done=False)
    entries = Activity.objects.filter(verb__startswith="job.checklist").order_by("id")
    assert [(e.verb, e.actor_id, e.target_id) for e in entries] == [
        ("job.checklist_item_done", employee.user_id, job.pk),
        ("job.checklist_item_undone", employee.user_id, job.pk),
    ]
    assert _sentences("job.checklist") == [
        f"ticked “Mop floors” on the checklist of the job {job}",
        f"unticked “Mop floors” on the checklist of the job {job}",
    ]


def test_adding_and_removing_an_item_is_in_the_jobs_history(owner, job):
    item = checklist_item_add(actor=owner, job=job, text="Check windows")
    item.job = job
    checklist_item_remove(actor=owner, item=item)
    assert _sentences("job.checklist") == [
        f"added “Check windows” to the checklist of the job {job}",
        f"removed “Check windows” from the checklist of the job {job}",
    ]


def test_a_template_created_changed_and_archived_is_logged(owner):
    template = checklist_template_save(
        actor=owner, template=None, name="Turnover", items=[("Strip beds", True)]
    )
    checklist_template_save(
        actor=owner, template=template, name="Turnover", items=[("Strip beds", True)]
    )
    checklist_template_save(
        actor=owner, template=template, name="Turnover", items=[("Strip beds", False)]
    )
    checklist_template_archive(actor=owner, template=template)
    checklist_template_archive(actor=owner, template=template)  # already archived: nothing new
    entries = Activity.objects.filter(verb__startswith="checklist_template.").order_by("id")
    assert [(e.verb, e.target_id) for e in entries] == [
        ("checklist_template.created", template.pk),
        ("checklist_template.updated", template.pk),
        ("checklist_template.archived", template.pk),
    ]
    assert _sentences("checklist_template.") == [
        "added the checklist Turnover",
        "changed the checklist Turnover",
        "archived the checklist Turnover",
    ]


def test_the_job_page_shows_a_tick_in_its_history(client_as, office, job):
    web = client_as(office)
    item = job.checklist.get()
    web.post(reverse("jobs:checklist_toggle", args=[job.pk, item.pk]), {"done": "on"})
    page = web.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "ticked “Mop floors” on the checklist of the job" in page
