"""A finished job or two to invoice, made through the services as the pages make them."""

import pytest

from crewdesk.jobs.models import JobStatus
from crewdesk.jobs.services import LineInput, job_transition
from tests.factories import make_job, make_property
from tests.payments.ledger_check import ledger_holds  # noqa: F401  (the ledger holds after each test)


def finish(actor, job):
    for status in (JobStatus.STARTED, JobStatus.FINISHED):
        job_transition(actor=actor, job=job, to_status=status)
    job.refresh_from_db()
    return job


@pytest.fixture
def billed(owner, customer_client):
    """The customer's client, with a property."""
    return customer_client


@pytest.fixture
def prop(owner, billed):
    return make_property(owner, billed, name="Harbor House")


@pytest.fixture
def finished_job(owner, prop):
    def make(lines=None, prop_=None, **fields):
        job = make_job(
            owner,
            prop_ or prop,
            lines=lines if lines is not None else [LineInput("Standard clean", 1, "120.00")],
            **fields,
        )
        return finish(owner, job)

    return make


def pay(invoice, amount):
    """Money on an invoice comes from a payment (the ledger is checked after each test): a
    check recorded by one of the company's owners, allocated to `invoice`."""
    from crewdesk.accounts.models import Membership
    from crewdesk.payments.services import payment_record

    owner = Membership.objects.filter(company_id=invoice.company_id, role="owner").first()
    return payment_record(
        actor=owner,
        client=invoice.client_id,
        method="check",
        amount=amount,
        allocations=[{"invoice": invoice.pk, "amount": amount}],
    )
