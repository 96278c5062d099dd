"""A deposit invoice is paid before the job; the job's final invoice, once issued, takes what
the deposit received first: the deposit is voided (with the final invoice's number as its
reason) and its payment, now credit, is applied to the final invoice."""

from decimal import Decimal as D

from crewdesk.billing import services as billing
from crewdesk.billing.models import InvoiceStatus
from crewdesk.billing.services import LineInput
from crewdesk.jobs.services import LineInput as JobLine
from crewdesk.payments.selectors import client_credit
from tests.billing.conftest import finish, pay
from tests.factories import make_job
from tests.payments.conftest import refreshed


def deposit_for(owner, client, job, amount="50.00"):
    return billing.invoice_create(
        actor=owner,
        client=client,
        kind="deposit",
        deposit_for=job.pk,
        lines=[LineInput("Deposit", D(amount))],
        issue=True,
    )


def final_invoice(owner, client, job):
    return billing.invoice_create(actor=owner, client=client, jobs=[finish(owner, job)], issue=True)


def test_the_final_invoice_uses_the_paid_deposit_first(owner, billed, prop):
    job = make_job(owner, prop, lines=[JobLine("Move-out clean", 1, "120.00")])
    deposit = deposit_for(owner, billed, job)
    payment = pay(deposit, "50.00")
    final = billing.invoice_create(
        actor=owner, client=billed, jobs=[finish(owner, job)], issue=True
    )
    deposit, final = refreshed(deposit), refreshed(final)
    assert deposit.status == InvoiceStatus.VOID and final.number in deposit.void_reason
    assert (final.amount_paid, final.balance) == (D("50.00"), D("70.00"))
    assert final.status == InvoiceStatus.PARTIALLY_PAID
    assert payment.allocations.filter(invoice=final, reversed_at__isnull=True).exists()


def test_an_unpaid_deposit_is_voided_and_a_draft_settles_nothing_yet(owner, billed, prop):
    job = make_job(owner, prop, lines=[JobLine("Move-out clean", 1, "120.00")])
    deposit = deposit_for(owner, billed, job)
    draft = billing.invoice_create(actor=owner, client=billed, jobs=[finish(owner, job)])
    assert refreshed(deposit).status == InvoiceStatus.OPEN  # only issuing settles it
    billing.invoice_issue(actor=owner, invoice=draft)
    assert refreshed(deposit).status == InvoiceStatus.VOID
    assert refreshed(draft).balance == D("120.00")


def test_a_deposit_larger_than_the_final_invoice_leaves_credit(owner, billed, prop):
    job = make_job(owner, prop, lines=[JobLine("Window wash", 1, "40.00")])
    deposit = deposit_for(owner, billed, job, "100.00")
    pay(deposit, "100.00")
    final = billing.invoice_create(
        actor=owner, client=billed, jobs=[finish(owner, job)], issue=True
    )
    assert refreshed(final).status == InvoiceStatus.PAID
    assert client_credit(viewer=owner, client=billed) == D("60.00")
