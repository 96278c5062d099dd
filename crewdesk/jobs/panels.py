"""What jobs show on other apps' pages (registered in apps.py): the office home's
"Today's jobs" with the week ahead."""

from django.http import HttpRequest
from django.utils import timezone

from crewdesk.core.formats import format_day
from crewdesk.core.navigation import url_or_none
from crewdesk.jobs.models import STATUS_BADGES, JobStatus
from crewdesk.jobs.selectors import day_summary

# --- the office home ---------------------------------------------------------------------------


def home_week(request: HttpRequest) -> dict:
    """Today's jobs by status and the next seven days as a chart, linked to the schedule."""
    week = day_summary(request.membership, timezone.localdate())
    today = week[0]
    shown_statuses = [(s, label) for s, label in JobStatus.choices if s != JobStatus.CANCELLED]
    chart = {
        "labels": [format_day(d["day"], "weekday_day") for d in week],
        "series": [
            {"label": str(label), "status": status, "data": [d.get(status, 0) for d in week]}
            for status, label in shown_statuses
        ],
    }
    return {
        "week": week,
        "today_jobs": today,
        "today_rows": [
            {"label": label, "badge": STATUS_BADGES[status], "count": today.get(status, 0)}
            for status, label in shown_statuses
        ],
        "week_chart": chart,
        "schedule_url": url_or_none("jobs:schedule"),
        "jobs_url": url_or_none("jobs:list"),
    }
