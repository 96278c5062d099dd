"""Jobs follow their property to a new client (jobs/following.py, called by property_move
through properties.hooks.PROPERTY_MOVE_HANDLERS)."""

import pytest

from crewdesk.core.models import Activity
from crewdesk.jobs.events import Verb
from crewdesk.jobs.following import jobs_that_would_follow
from crewdesk.jobs.models import JobStatus
from crewdesk.jobs.services import job_transition
from crewdesk.properties.hooks import PROPERTY_MOVE_HANDLERS
from crewdesk.properties.services import property_move
from tests.factories import make_job, make_property
from tests.properties.test_pages import new_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def harbor(owner):
    return new_client(owner, "Harbor Rentals", email="h@example.com")


@pytest.fixture
def bayview(owner):
    return new_client(owner, "Bayview Homes", email="b@example.com")


def test_jobs_registered_to_follow_a_moved_property():
    assert [h.data_key for h in PROPERTY_MOVE_HANDLERS] == ["jobs_moved"]


def test_a_moved_job_gets_its_event_and_a_started_one_stays(owner, harbor, bayview):
    prop = make_property(owner, harbor)
    started = make_job(owner, prop)
    job_transition(actor=owner, job=started, to_status=JobStatus.STARTED)
    upcoming = make_job(owner, prop, hour=13)
    assert jobs_that_would_follow(prop) == 1

    property_move(actor=owner, prop=prop, new_client=bayview.pk)

    upcoming.refresh_from_db()
    started.refresh_from_db()
    assert (upcoming.client, started.client) == (bayview, harbor)
    moved = Activity.objects.get(verb=Verb.JOB_MOVED_WITH_PROPERTY)
    assert moved.target_id == upcoming.pk and moved.actor_id == owner.user_id
    assert moved.data["from_client"] == "Harbor Rentals"
    assert moved.data["to_client_id"] == bayview.pk
    assert not Activity.objects.filter(
        verb=Verb.JOB_MOVED_WITH_PROPERTY, target_id=started.pk
    ).exists()
    # The job's own history records the change too.
    assert upcoming.history.first().client_id == bayview.pk


def test_the_moved_jobs_are_counted_on_the_propertys_entry(owner, harbor, bayview):
    prop = make_property(owner, harbor)
    make_job(owner, prop)
    make_job(owner, prop, hour=13)
    property_move(actor=owner, prop=prop, new_client=bayview.pk)
    assert Activity.objects.get(verb="property.moved").data["jobs_moved"] == 2
