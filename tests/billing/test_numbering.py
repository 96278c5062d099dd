"""Invoice numbers under concurrency: 50 drafts issued at once get 50 different numbers with
no gap (PostgreSQL: the counter row is locked in each issuing transaction)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from crewdesk.billing import services
from crewdesk.billing.models import Invoice
from crewdesk.billing.services import LineInput

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_drafts_issued_at_once_get_fifty_numbers(owner, customer_client):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL): SQLite writes one at a time anyway")
    drafts = [
        services.invoice_create(actor=owner, client=customer_client, lines=[LineInput("A", "1")])
        for _ in range(50)
    ]

    def issue(draft):
        from django.db import connections

        try:
            return services.invoice_issue(actor=owner, invoice=draft).number
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(issue, drafts))
    assert sorted(numbers) == [f"{n:04d}" for n in range(1, 51)]
    assert Invoice.objects.filter(status="open").count() == 50
