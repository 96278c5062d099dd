"""What clients show on other apps' pages (registered in apps.py): the office home's
"My due reminders"."""

from django.http import HttpRequest

from crewdesk.clients.selectors import reminders_due_for

DUE_REMINDERS_SHOWN = 10


def home_due_reminders(request: HttpRequest) -> dict:
    # One more than shown tells that there are more, without counting them all.
    due = list(reminders_due_for(viewer=request.membership)[: DUE_REMINDERS_SHOWN + 1])
    return {
        "due_reminders": due[:DUE_REMINDERS_SHOWN],
        "more_due_reminders": len(due) > DUE_REMINDERS_SHOWN,
    }
