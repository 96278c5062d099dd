"""Timeline sentences: each app registers those of its verbs (its events.py); core looks them up."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from crewdesk.accounts import events as accounts_events
from crewdesk.clients import events as clients_events
from crewdesk.core import activity_text
from crewdesk.core import events as core_events
from crewdesk.core.activity_text import SENTENCES, activity_sentence, register_sentences
from crewdesk.core.models import Activity
from crewdesk.jobs import events as jobs_events
from crewdesk.properties import events as properties_events


@pytest.mark.parametrize(
    "events", [core_events, accounts_events, clients_events, properties_events, jobs_events]
)
def test_every_verb_of_an_app_has_its_sentence_registered(events):
    verbs = {value for name, value in vars(events.Verb).items() if not name.startswith("_")}
    assert verbs == set(events.SENTENCES)
    assert all(SENTENCES[verb] == events.SENTENCES[verb] for verb in verbs)


def test_a_sentence_is_filled_from_the_entrys_data():
    entry = Activity(verb="client.archived", data={"name": "Harbor Rentals", "n": [1]})
    assert activity_sentence(entry) == "archived Harbor Rentals"


def test_a_missing_value_or_an_unknown_verb_still_reads():
    assert activity_sentence(Activity(verb="client.archived", data={})) == "archived ?"
    assert activity_sentence(Activity(verb="estimate.sent", data={})) == "estimate.sent"


def test_a_verb_gets_one_sentence(monkeypatch):
    monkeypatch.setattr(activity_text, "SENTENCES", {"invoice.sent": "sent %(name)s"})
    register_sentences({"invoice.sent": "sent %(name)s"})  # the same again: a second ready()
    with pytest.raises(ImproperlyConfigured):
        register_sentences({"invoice.sent": "emailed %(name)s"})
