"""How a job looks on a page: `{% load jobs %}` then `{{ job.status|status_badge }}`."""

from django import template

from crewdesk.jobs.models import JobStatus

register = template.Library()

# The Bootstrap badge of each status, wherever a job's status is shown in the office.
STATUS_BADGES = {
    JobStatus.PENDING: "text-bg-secondary",
    JobStatus.ON_THE_WAY: "text-bg-info",
    JobStatus.STARTED: "text-bg-primary",
    JobStatus.FINISHED: "text-bg-success",
    JobStatus.CANCELLED: "text-bg-light border",
}


@register.filter
def status_badge(status: str) -> str:
    return STATUS_BADGES.get(status, "text-bg-secondary")
