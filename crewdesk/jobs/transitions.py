"""Which status a job may move to from which: the one table the service, the pages (which
buttons to show) and the API's 409 all read."""

from django.utils.translation import gettext_lazy as _

from crewdesk.core.roles import OFFICE_ROLES
from crewdesk.jobs.models import JobStatus

S = JobStatus

# Forward along pending → on the way → started → finished; a crew may start without "on the
# way", step back from "on the way", and any open job may be cancelled (by the office).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.ON_THE_WAY, S.STARTED, S.CANCELLED}),
    S.ON_THE_WAY: frozenset({S.PENDING, S.STARTED, S.CANCELLED}),
    S.STARTED: frozenset({S.FINISHED, S.CANCELLED}),
    S.FINISHED: frozenset({S.STARTED}),
    S.CANCELLED: frozenset({S.PENDING}),
}

# The office's calls: cancelling a job (it is the office's promise to the customer, what it
# bills, and only the office can restore it; a crew that cannot do a job says so in a note or
# a call, as crews do in Jobber and Housecall Pro), and undoing an end (reopening a finished
# job, restoring a cancelled one).
OFFICE_ONLY: frozenset[tuple[str, str]] = frozenset(
    {(S.PENDING, S.CANCELLED), (S.ON_THE_WAY, S.CANCELLED), (S.STARTED, S.CANCELLED)}
    | {(S.FINISHED, S.STARTED), (S.CANCELLED, S.PENDING)}
)

# The words on the buttons: what the person does, not the status's name.
ACTION_LABELS = {
    S.PENDING: _("Back to pending"),
    S.ON_THE_WAY: _("On the way"),
    S.STARTED: _("Start"),
    S.FINISHED: _("Finish"),
    S.CANCELLED: _("Cancel job"),
}
REOPEN_LABELS = {(S.FINISHED, S.STARTED): _("Reopen"), (S.CANCELLED, S.PENDING): _("Restore")}


def is_allowed(from_status: str, to_status: str, role: str) -> bool:
    if to_status not in TRANSITIONS.get(from_status, ()):
        return False
    return (from_status, to_status) not in OFFICE_ONLY or role in OFFICE_ROLES


def next_statuses(from_status: str, role: str) -> list[str]:
    """The moves this role may make from a status, in the order of the lifecycle."""
    return [s for s in S.values if is_allowed(from_status, s, role)]


def action_label(from_status: str, to_status: str) -> str:
    return str(REOPEN_LABELS.get((from_status, to_status)) or ACTION_LABELS[to_status])
