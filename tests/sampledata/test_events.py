"""Sample data's timeline entries read as sentences, registered by the sampledata app."""

from crewdesk.core.activity_text import activity_sentence
from crewdesk.core.models import Activity
from crewdesk.sampledata.events import Verb


def test_generated_data_reads_as_a_sentence():
    clients = Activity(verb=Verb.CLIENTS_GENERATED, data={"count": 120})
    jobs = Activity(verb=Verb.JOBS_GENERATED, data={"jobs": 300, "properties": 40})
    assert activity_sentence(clients) == "generated 120 demo clients for benchmarks"
    assert activity_sentence(jobs) == "generated 300 demo jobs at 40 properties for benchmarks"
