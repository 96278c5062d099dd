"""Invoices: made from finished jobs, from chosen lines, by hand; issued, changed, voided and
written off through the services."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crewdesk.billing import selectors, services
from crewdesk.billing.models import Invoice, InvoiceLine, InvoiceStatus
from crewdesk.billing.services import LineInput as HandLine
from crewdesk.jobs.models import JobClientRole, JobStatus
from crewdesk.jobs.services import JobInput, LineInput, TransitionError, job_transition, job_update
from tests.billing.conftest import finish
from tests.factories import make_job, make_property

pytestmark = pytest.mark.django_db


def pay(actor, invoice, amount):
    """Money on an invoice comes from a payment (the ledger checks it after each test)."""
    from crewdesk.payments.services import payment_record

    payment_record(
        actor=actor,
        client=invoice.client_id,
        method="check",
        amount=amount,
        allocations=[{"invoice": invoice.pk, "amount": amount}],
    )


def test_an_invoice_of_two_finished_jobs_copies_their_lines_with_date_and_property(
    owner, billed, prop, finished_job
):
    other_prop = make_property(owner, billed, name="Lake Cabin", street="1 Lake Rd")
    first = finished_job(lines=[LineInput("Standard clean", 1, "120.00")])
    second = finished_job(
        prop_=other_prop,
        day=first.scheduled_date - datetime.timedelta(days=3),
        lines=[LineInput("Deep clean", 2, "80.00"), LineInput("Windows", 1, "35.50")],
    )
    invoice = services.invoice_create(actor=owner, client=billed, jobs=[first.pk, second.pk])
    lines = list(invoice.lines.order_by("position"))
    # oldest job first, each line with its job's day and property
    assert [line.description for line in lines] == ["Deep clean", "Windows", "Standard clean"]
    assert [line.service_date for line in lines] == [second.scheduled_date] * 2 + [
        first.scheduled_date
    ]
    assert [line.property_id for line in lines] == [other_prop.pk, other_prop.pk, prop.pk]
    assert invoice.property_id is None  # lines at two properties
    assert (invoice.subtotal, invoice.total) == (D("315.50"), D("315.50"))
    assert invoice.status == InvoiceStatus.DRAFT and invoice.number == ""
    assert invoice.balance == 0  # a draft owes nothing yet


def test_a_job_line_is_invoiced_once_and_a_void_frees_it(owner, billed, finished_job):
    job = finished_job()
    invoice = services.invoice_create(actor=owner, client=billed, jobs=[job], issue=True)
    with pytest.raises(ValidationError, match="invoiced already"):
        services.invoice_create(actor=owner, client=billed, jobs=[job])
    assert list(selectors.ready_to_invoice(viewer=owner)) == []
    services.invoice_void(actor=owner, invoice=invoice, reason="wrong price")
    assert list(selectors.ready_to_invoice(viewer=owner)) == [job]
    again = services.invoice_create(actor=owner, client=billed, jobs=[job])
    assert again.total == D("120.00")


def test_a_partial_invoice_takes_chosen_lines_and_the_rest_follows_later(
    owner, billed, finished_job
):
    job = finished_job(lines=[LineInput("Clean", 1, "100.00"), LineInput("Oven", 1, "40.00")])
    clean, oven = job.lines.order_by("position")
    partial = services.invoice_create(actor=owner, client=billed, job_lines=[clean.pk])
    assert partial.total == D("100.00")
    assert list(selectors.ready_to_invoice(viewer=owner)) == [job]  # the oven is left
    rest = services.invoice_create(actor=owner, client=billed, jobs=[job])
    assert [line.job_line_id for line in rest.lines.all()] == [oven.pk]
    assert list(selectors.ready_to_invoice(viewer=owner)) == []
    with pytest.raises(ValidationError, match="invoiced already"):
        services.invoice_create(actor=owner, client=billed, job_lines=[clean.pk])


def test_only_finished_jobs_of_that_client_are_invoiced(owner, billed, prop, make_client):
    pending = make_job(owner, prop)
    with pytest.raises(ValidationError, match="Only finished jobs"):
        services.invoice_create(actor=owner, client=billed, jobs=[pending])
    someone = make_client(first_name="Other", last_name="Person")
    finish(owner, pending)
    with pytest.raises(ValidationError, match="billed to another client"):
        services.invoice_create(actor=owner, client=someone, jobs=[pending])


def test_a_job_naming_a_billing_client_is_invoiced_to_that_client(owner, billed, prop, make_client):
    payer = make_client(company_name="Harbor Rentals LLC", kind="company")
    job = make_job(owner, prop)
    job_update(
        actor=owner, job=job, data=JobInput(extra_clients=[(payer.pk, JobClientRole.BILLING)])
    )
    finish(owner, job)
    with pytest.raises(ValidationError, match="billed to another client"):
        services.invoice_create(actor=owner, client=billed, jobs=[job])
    invoice = services.invoice_create(actor=owner, client=payer, jobs=[job])
    assert invoice.client == payer and invoice.lines.get().property_id == prop.pk


def test_issuing_numbers_drafts_in_order_with_the_prefix(owner, billed, finished_job):
    owner.company.invoice_prefix = "INV-"
    owner.company.payment_terms_days = 15
    owner.company.save()
    drafts = [
        services.invoice_create(actor=owner, client=billed, lines=[HandLine("Visit", "50")])
        for _ in range(3)
    ]
    assert all(d.number == "" for d in drafts)
    issued = [services.invoice_issue(actor=owner, invoice=d) for d in reversed(drafts)]
    assert [i.number for i in issued] == ["INV-0001", "INV-0002", "INV-0003"]
    first = issued[0]
    assert first.status == InvoiceStatus.OPEN and first.balance == D("50.00")
    assert first.due_date == first.issue_date + datetime.timedelta(days=15)
    assert first.public_token and len(first.public_token) >= 40


def test_a_failed_issue_leaves_no_gap(owner, billed):
    draft = services.invoice_create(actor=owner, client=billed, lines=[HandLine("Visit", "50")])
    other = services.invoice_create(actor=owner, client=billed, lines=[HandLine("Visit", "60")])
    InvoiceLine.objects.filter(invoice=draft).update(unit_price=D("-100"))  # made invalid
    with pytest.raises(ValidationError, match="below zero"):
        services.invoice_issue(actor=owner, invoice=draft)
    assert services.invoice_issue(actor=owner, invoice=other).number == "0001"


def test_tax_once_per_invoice_and_the_client_exemption(owner, billed, make_client):
    owner.company.default_tax_rate = D("8.875")
    owner.company.save()
    three = [HandLine("Visit", "10.00") for _ in range(3)]
    invoice = services.invoice_create(actor=owner, client=billed, lines=three, issue=True)
    assert (invoice.tax, invoice.total) == (D("2.66"), D("32.66"))
    exempt = make_client(first_name="Church", last_name="Hall", tax_exempt=True)
    free = services.invoice_create(actor=owner, client=exempt, lines=three, issue=True)
    assert (free.tax, free.total) == (D("0.00"), D("30.00"))
    assert free.tax_rate == D("8.875") and free.tax_exempt


def test_the_tax_rate_is_kept_from_issue_on(owner, billed):
    owner.company.default_tax_rate = D("10")
    owner.company.save()
    invoice = services.invoice_create(
        actor=owner, client=billed, lines=[HandLine("Visit", "100")], issue=True
    )
    owner.company.default_tax_rate = D("20")
    owner.company.save()
    changed = services.invoice_update(
        actor=owner, invoice=invoice, lines=[HandLine("Extra", "100")]
    )
    assert (changed.tax_rate, changed.tax, changed.total) == (D("10"), D("20.00"), D("220.00"))


def test_a_discount_spreads_over_the_lines_before_tax(owner, billed):
    owner.company.default_tax_rate = D("10")
    owner.company.save()
    invoice = services.invoice_create(
        actor=owner,
        client=billed,
        lines=[HandLine("Clean", "100.00"), HandLine("Supplies", "50.00", taxable=False)],
        discount_percent="10",
        issue=True,
    )
    assert (invoice.subtotal, invoice.discount, invoice.tax) == (
        D("150.00"),
        D("15.00"),
        D("9.00"),
    )
    assert [line.discount for line in invoice.lines.order_by("position")] == [D("10.00"), D("5.00")]
    assert invoice.total == D("144.00")


def test_an_issued_invoice_changes_only_while_nothing_is_paid(owner, billed):
    invoice = services.invoice_create(
        actor=owner, client=billed, lines=[HandLine("Visit", "100")], issue=True
    )
    pay(owner, invoice, "40.00")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID and invoice.balance == D("60.00")
    with pytest.raises(ValidationError, match="void it"):
        services.invoice_update(actor=owner, invoice=invoice, discount="10")
    with pytest.raises(ValidationError, match="more than the balance"):
        services.invoice_paid_change(invoice=invoice, delta=D("60.01"))
    pay(owner, invoice, "60.00")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.balance == 0


def test_writing_off_moves_the_balance_out_and_marks_the_jobs(owner, billed, finished_job):
    job = finished_job()
    invoice = services.invoice_create(actor=owner, client=billed, jobs=[job], issue=True)
    pay(owner, invoice, "20.00")
    invoice = services.invoice_write_off(actor=owner, invoice=invoice)
    assert invoice.status == InvoiceStatus.BAD_DEBT
    assert (invoice.written_off, invoice.balance) == (D("100.00"), D("0.00"))
    job.refresh_from_db()
    assert job.bad_debt


def test_void_keeps_the_number_and_leaves_the_batch(owner, billed):
    invoice = services.invoice_create(
        actor=owner, client=billed, lines=[HandLine("Visit", "100")], issue=True
    )
    batch = services.batch_create(actor=owner, client=billed, invoices=[invoice.pk])
    voided = services.invoice_void(actor=owner, invoice=invoice, reason="duplicate")
    assert (voided.status, voided.number, voided.balance) == (InvoiceStatus.VOID, "0001", 0)
    assert voided.public_token is None
    assert list(selectors.batch_invoices(viewer=owner, batch=batch)) == []
    with pytest.raises(ValidationError):
        services.invoice_void(actor=owner, invoice=voided)


def test_a_void_blocker_registered_by_payments_refuses(owner, billed, monkeypatch):
    invoice = services.invoice_create(
        actor=owner, client=billed, lines=[HandLine("Visit", "100")], issue=True
    )
    monkeypatch.setattr(
        services, "VOID_BLOCKERS", [lambda *, invoice: "A payment on it is still processing."]
    )
    with pytest.raises(ValidationError, match="still processing"):
        services.invoice_void(actor=owner, invoice=invoice)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.OPEN


def test_job_invoiced_follows_its_lines_on_and_off_invoices(owner, billed, finished_job):
    """Job.invoiced, what Ready to invoice reads through its index, follows every way a
    job's lines go on and off invoices."""

    def invoiced() -> bool:
        job.refresh_from_db()
        return job.invoiced

    job = finished_job(lines=[LineInput("Clean", 1, "100.00"), LineInput("Oven", 1, "40.00")])
    clean, oven = job.lines.order_by("position")
    draft = services.invoice_create(actor=owner, client=billed, job_lines=[clean.pk])
    assert not invoiced()  # the oven is left
    services.invoice_update(
        actor=owner,
        invoice=draft,
        remove_lines=[draft.lines.get(job_line=clean).pk],
        lines=[HandLine("Visit", "10")],
    )
    assert not invoiced()
    issued = services.invoice_create(actor=owner, client=billed, jobs=[job], issue=True)
    assert invoiced() and list(selectors.ready_to_invoice(viewer=owner)) == []
    services.invoice_void(actor=owner, invoice=issued)
    assert not invoiced() and list(selectors.ready_to_invoice(viewer=owner)) == [job]
    draft = services.invoice_create(actor=owner, client=billed, jobs=[job])
    assert invoiced()
    services.invoice_update(
        actor=owner, invoice=draft, remove_lines=[draft.lines.get(job_line=oven).pk]
    )
    assert not invoiced() and list(selectors.ready_to_invoice(viewer=owner)) == [job]
    services.invoice_draft_delete(actor=owner, invoice=draft)
    assert not invoiced() and list(selectors.ready_to_invoice(viewer=owner)) == [job]


def test_a_draft_may_be_deleted_an_issued_invoice_may_not(owner, billed, finished_job):
    job = finished_job()
    draft = services.invoice_create(actor=owner, client=billed, jobs=[job])
    services.invoice_draft_delete(actor=owner, invoice=draft)
    assert list(selectors.ready_to_invoice(viewer=owner)) == [job]
    issued = services.invoice_create(actor=owner, client=billed, jobs=[job], issue=True)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.invoice_draft_delete(actor=owner, invoice=issued)


def test_batches_have_their_own_series_and_an_invoice_is_in_one_batch(owner, billed):
    first, second = (
        services.invoice_create(
            actor=owner, client=billed, lines=[HandLine("Visit", price)], issue=True
        )
        for price in ("100", "50")
    )
    batch = services.batch_create(actor=owner, client=billed, invoices=[second.pk, first.pk])
    assert batch.number == "B-0001" and batch.public_token
    assert set(selectors.batch_invoices(viewer=owner, batch=batch)) == {first, second}
    with pytest.raises(ValidationError, match="in the batch B-0001 already"):
        services.batch_create(actor=owner, client=billed, invoices=[first.pk])


def test_bad_input_is_a_field_error(owner, billed):
    for lines, message in [
        ([], "at least one line"),
        ([HandLine("", "10")], "needs a description"),
        ([HandLine("Visit", "")], "needs a price"),
        ([HandLine("Visit", "abc")], "Enter a number"),
        ([HandLine("Visit", "NaN")], "Enter a number"),
        ([HandLine("Visit", "1e30")], "too large"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.invoice_create(actor=owner, client=billed, lines=lines)
    with pytest.raises(ValidationError, match="No such record"):
        services.invoice_create(actor=owner, client=10**20, lines=[HandLine("Visit", "1")])
    assert not Invoice.objects.exists()  # nothing half-made is left


# --- who may ----------------------------------------------------------------------------------


def test_employees_and_customers_may_not_invoice(employee, customer, billed):
    for member in (employee, customer):
        with pytest.raises(PermissionDenied):
            services.invoice_create(actor=member, client=billed, lines=[HandLine("Visit", "1")])


def test_another_company_cannot_invoice_or_batch_our_records(outsider, owner, billed, finished_job):
    job = finished_job()
    with pytest.raises(ValidationError, match="No such record"):
        services.invoice_create(actor=outsider, client=billed, lines=[HandLine("Visit", "1")])
    ours = services.invoice_create(actor=owner, client=billed, jobs=[job], issue=True)
    with pytest.raises(ValidationError, match="No such record"):
        services.batch_create(actor=outsider, client=billed, invoices=[ours.pk])
    with pytest.raises(Invoice.DoesNotExist):
        selectors.invoice_get(viewer=outsider, invoice_id=ours.pk)


def test_a_customer_sees_their_own_issued_invoices_only(owner, customer, neighbour, billed):
    draft = services.invoice_create(actor=owner, client=billed, lines=[HandLine("A", "10")])
    issued = services.invoice_create(
        actor=owner, client=billed, lines=[HandLine("B", "10")], issue=True
    )
    assert list(selectors.invoice_queryset(viewer=customer)) == [issued]
    assert list(selectors.invoice_queryset(viewer=neighbour)) == []
    with pytest.raises(Invoice.DoesNotExist):
        selectors.invoice_get(viewer=customer, invoice_id=draft.pk)
    assert selectors.invoice_lines(viewer=customer, invoice=issued).count() == 1


def test_ready_to_invoice_filters_by_client_and_property(owner, billed, prop, finished_job):
    other = make_property(owner, billed, name="Lake Cabin", street="2 Lake Rd")
    here, there = finished_job(), finished_job(prop_=other)
    make_job(owner, prop)  # not finished: not ready
    cancelled = make_job(owner, prop)
    job_transition(actor=owner, job=cancelled, to_status=JobStatus.CANCELLED)
    assert set(selectors.ready_to_invoice(viewer=owner)) == {here, there}
    assert list(selectors.ready_to_invoice(viewer=owner, prop=other)) == [there]
    assert set(selectors.ready_to_invoice(viewer=owner, client=billed)) == {here, there}


def test_an_invoiced_job_keeps_its_lines_and_stays_finished_until_the_invoice_is_void(
    owner, billed, finished_job
):
    job = finished_job()
    invoice = services.invoice_create(actor=owner, client=billed, jobs=[job], issue=True)
    # the form sends the same lines back with a changed note: fine
    same = [LineInput("Standard clean", 1, "120.00")]
    job_update(
        actor=owner, job=job, data=JobInput(fields={"customer_notes": "Thanks!"}, lines=same)
    )
    with pytest.raises(ValidationError, match="on the invoice 0001: void the invoice first"):
        job_update(actor=owner, job=job, data=JobInput(lines=[LineInput("Clean", 1, "99.00")]))
    with pytest.raises(TransitionError, match="void the invoice first"):
        job_transition(actor=owner, job=job, to_status=JobStatus.STARTED)
    services.invoice_void(actor=owner, invoice=invoice)
    job_update(actor=owner, job=job, data=JobInput(lines=[LineInput("Clean", 1, "99.00")]))
    assert invoice.lines.get().job_line_id is None  # the void invoice keeps its copy
    assert invoice.lines.get().amount == D("120.00")


def test_a_job_on_a_draft_says_so(owner, billed, finished_job):
    job = finished_job()
    services.invoice_create(actor=owner, client=billed, jobs=[job])
    with pytest.raises(TransitionError, match="draft invoice"):
        job_transition(actor=owner, job=job, to_status=JobStatus.STARTED)


def test_a_client_with_invoices_is_archived_not_deleted(owner, make_client):
    from crewdesk.clients.services import client_delete

    payer = make_client(first_name="Only", last_name="Invoices")
    services.invoice_create(actor=owner, client=payer, lines=[HandLine("Visit", "10")])
    with pytest.raises(ValidationError, match="it has invoices"):
        client_delete(actor=owner, client=payer)
