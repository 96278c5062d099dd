"""Invoices to pay and payments made through the services, as the pages and the API make
them; the ledger is checked after every test (ledger_check.py)."""

from decimal import Decimal as D

import pytest

from crewdesk.billing import services as billing
from crewdesk.billing.services import LineInput
from tests.billing.conftest import billed, finished_job, prop  # noqa: F401
from tests.payments.ledger_check import ledger_holds  # noqa: F401


@pytest.fixture
def invoice_of(owner, billed):  # noqa: F811
    """invoice_of("120.00", client=..., issue=True): an invoice of one line by hand."""

    def make(total="100.00", client=None, issue=True, actor=None):
        return billing.invoice_create(
            actor=actor or owner,
            client=client or billed,
            lines=[LineInput("Cleaning", D(total))],
            issue=issue,
        )

    return make


@pytest.fixture
def corrupted(request):
    """The test breaks the ledger on purpose (raw SQL): the after-test check is skipped."""
    request.node.ledger_corrupted_on_purpose = True


def refreshed(*records):
    for record in records:
        record.refresh_from_db()
    return records[0] if len(records) == 1 else records
