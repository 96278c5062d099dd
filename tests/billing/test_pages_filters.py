"""The invoices list's filters (billing/filters.py) applied by selectors.invoice_list: the
same object for the page and the API."""

import datetime
from types import SimpleNamespace

import pytest

from crewdesk.billing import selectors, services
from crewdesk.billing.filters import UNPAID, InvoiceFilters
from crewdesk.billing.models import Invoice, InvoiceStatus
from crewdesk.billing.services import LineInput as HandLine
from tests.factories import company_today, make_property

pytestmark = pytest.mark.django_db


def _listed(viewer, **filters) -> list[Invoice]:
    return list(selectors.invoice_list(viewer=viewer, filters=InvoiceFilters(**filters)))


@pytest.fixture
def invoices(owner, billed, make_client, finished_job):
    """A draft, an open invoice, an overdue one and a void one of the customer's client, and
    an open one of another client."""
    other = make_client(first_name="Olga", last_name="Quist")
    draft = services.invoice_create(actor=owner, client=billed, lines=[HandLine("Draft", "10")])
    issued = services.invoice_create(actor=owner, client=billed, jobs=[finished_job()], issue=True)
    late = services.invoice_create(
        actor=owner, client=billed, lines=[HandLine("Late", "30")], issue=True
    )
    Invoice.objects.filter(pk=late.pk).update(
        due_date=company_today(owner) - datetime.timedelta(days=3)
    )
    void = services.invoice_create(
        actor=owner, client=billed, lines=[HandLine("Void", "40")], issue=True
    )
    services.invoice_void(actor=owner, invoice=void, reason="typo")
    others = services.invoice_create(
        actor=owner, client=other, lines=[HandLine("Other", "50")], issue=True
    )
    return SimpleNamespace(
        draft=draft, issued=issued, late=late, void=void, others=others, other=other
    )


def test_drafts_come_first_then_the_newest_issued(owner, invoices):
    assert _listed(owner) == [
        invoices.draft,
        invoices.others,
        invoices.void,
        invoices.late,
        invoices.issued,
    ]


def test_status_filters(owner, invoices):
    assert _listed(owner, status=InvoiceStatus.DRAFT) == [invoices.draft]
    assert _listed(owner, status=InvoiceStatus.VOID) == [invoices.void]
    assert _listed(owner, status=UNPAID) == [invoices.others, invoices.late, invoices.issued]
    assert _listed(owner, overdue=True) == [invoices.late]


def test_client_property_and_dates(owner, billed, invoices, finished_job):
    assert invoices.others not in _listed(owner, client=billed.pk)
    assert _listed(owner, client=invoices.other.pk) == [invoices.others]
    # the job's invoice is at its property; the hand-written ones are at none
    assert _listed(owner, property=invoices.issued.property_id) == [invoices.issued]
    today = company_today(owner)
    assert invoices.draft not in _listed(owner, date_from=today)  # a draft has no issue date
    assert _listed(owner, date_to=today - datetime.timedelta(days=1)) == []


def test_a_line_at_a_property_finds_an_invoice_spanning_several(owner, billed, finished_job):
    second = make_property(owner, billed, name="Lake Cabin", street="1 Lake Rd")
    invoice = services.invoice_create(
        actor=owner, client=billed, jobs=[finished_job(), finished_job(prop_=second)]
    )
    assert invoice.property_id is None
    assert _listed(owner, property=second.pk) == [invoice]


def test_search_by_number_sequence_and_client_name(owner, invoices):
    assert _listed(owner, search=invoices.late.number) == [invoices.late]
    assert _listed(owner, search=invoices.late.number.lower()) == [invoices.late]
    assert _listed(owner, search=str(invoices.late.sequence)) == [invoices.late]
    assert _listed(owner, search=f"#{invoices.late.sequence}") == [invoices.late]
    assert _listed(owner, search="quist") == [invoices.others]
    assert _listed(owner, search="  Olga  ") == [invoices.others]


def test_the_api_reads_the_same_filters_from_its_query(owner, invoices):
    query = SimpleNamespace(
        status=UNPAID,
        client=None,
        property=None,
        date_from=None,
        date_to=None,
        overdue=True,
        search="",
    )
    filters = InvoiceFilters.from_query(query)
    assert filters == InvoiceFilters(status=UNPAID, overdue=True)
    assert filters.is_filtered and not InvoiceFilters().is_filtered


def test_a_customer_sees_their_issued_invoices_only(customer, neighbour, invoices):
    assert _listed(customer) == [invoices.void, invoices.late, invoices.issued]
    assert _listed(customer, search=invoices.late.number) == [invoices.late]
    assert _listed(neighbour) == []


def test_another_company_sees_none(outsider, invoices):
    assert _listed(outsider) == []
    assert _listed(outsider, search=invoices.late.number) == []
