"""Payments and the client: a merge moves them (with their credit) to the survivor through
clients/merging's generic move of every relation to Client; a client with payments is
archived, never deleted."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from crewdesk.clients.merging import client_merge, merge_related_counts
from crewdesk.clients.models import Client
from crewdesk.clients.services import client_delete
from crewdesk.payments import selectors, services
from crewdesk.payments.models import Payment
from tests.payments.conftest import refreshed

pytestmark = pytest.mark.django_db


def test_merging_clients_moves_payments_credit_and_reports(
    owner, customer, billed, invoice_of, make_client
):
    keep = make_client(first_name="Keep", last_name="Survivor")
    kept_invoice = invoice_of("50.00", client=keep)
    invoice = invoice_of("150.00")
    paid = services.payment_record(
        actor=owner,
        client=billed,
        method="check",
        amount="130.00",
        allocations=[{"invoice": invoice.pk, "amount": "100.00"}],
    )
    reported = services.payment_report(
        actor=customer, method="zelle", amount="20", reference="Z", invoice=invoice
    )
    assert merge_related_counts([billed])[billed.pk]["payments.payment"] == 2

    client_merge(actor=owner, survivor=keep, others=[billed], choices={})

    assert set(Payment.objects.filter(client=keep)) == {paid, reported}
    assert refreshed(invoice).client_id == keep.pk
    assert selectors.client_credit(viewer=owner, client=keep) == D("30.00")
    assert selectors.client_credit(viewer=owner, client=billed) == 0
    # the credit moved with it pays the survivor's own invoice, and the report is approved there
    services.payment_apply(
        actor=owner, payment=paid, allocations=[{"invoice": kept_invoice.pk, "amount": "30"}]
    )
    services.payment_approve(actor=owner, payment=reported)
    assert (refreshed(kept_invoice).balance, refreshed(invoice).balance) == (D("20"), D("30"))
    assert selectors.client_balance(viewer=owner, client=keep) == D("50.00")


def test_a_client_with_payments_is_not_deleted(owner, billed, make_client):
    lonely = make_client(first_name="Lonely", last_name="Payer")
    services.payment_record(actor=owner, client=lonely, method="cash", amount="5")
    with pytest.raises(ValidationError, match="it has payments"):
        client_delete(actor=owner, client=lonely)
    assert Client.objects.filter(pk=lonely.pk).exists()
