"""How a job looks on a page (jobs/templatetags/jobs.py)."""

from crewdesk.jobs.models import JobStatus
from crewdesk.jobs.templatetags.jobs import status_badge


def test_each_status_has_its_own_badge_and_an_unknown_one_a_plain_badge():
    badges = [status_badge(status) for status in JobStatus.values]
    assert len(set(badges)) == len(badges)
    assert status_badge("nonsense") == "text-bg-secondary"
