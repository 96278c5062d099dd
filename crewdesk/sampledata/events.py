"""Activity-log entries about sample data: a company's timeline says when bulk data for
benchmarks was generated into it (see core/events.py)."""

from django.utils.translation import gettext_lazy as _

from crewdesk.core.events import activity_record
from crewdesk.core.models import Activity


class Verb:
    CLIENTS_GENERATED = "clients.generated"
    JOBS_GENERATED = "jobs.generated"
    INVOICES_GENERATED = "invoices.generated"


# How each entry reads on a timeline: "<who> <sentence>" (registered in apps.py).
SENTENCES = {
    Verb.CLIENTS_GENERATED: _("generated %(count)s demo clients for benchmarks"),
    Verb.JOBS_GENERATED: _(
        "generated %(jobs)s demo jobs at %(properties)s properties for benchmarks"
    ),
    Verb.INVOICES_GENERATED: _(
        "generated %(invoices)s demo invoices and %(payments)s payments for benchmarks"
    ),
}


def sample_data_generated_event(*, owner, verb: str, **data) -> Activity:
    """`owner` is the Membership the data was generated for (its company's owner)."""
    return activity_record(company=owner.company, actor=owner.user, verb=verb, data=data)
