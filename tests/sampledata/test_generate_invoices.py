"""generate_invoices (and generate_data's invoices): invoices of the finished jobs with their
payments, written in bulk and holding the ledger's rules."""

import datetime
import io
import zoneinfo
from collections import Counter

from django.core.management import call_command
from django.utils import timezone

from crewdesk.billing import amounts
from crewdesk.billing.models import DocumentCounter, Invoice, InvoiceLine, InvoiceStatus
from crewdesk.clients.models import Client
from crewdesk.core.models import Company
from crewdesk.jobs.models import Job, JobStatus
from crewdesk.payments.ledger import ledger_violations
from crewdesk.payments.models import Payment, PaymentAllocation, PaymentStatus
from crewdesk.sampledata.bulk.company import company_for_generation
from crewdesk.sampledata.bulk.generate_clients import generate_clients
from crewdesk.sampledata.bulk.generate_invoices import BIG_CLIENT, READY_DAYS, generate_invoices
from crewdesk.sampledata.bulk.generate_jobs import generate_jobs


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def assert_invoiced(company: Company) -> None:
    """Every finished job done before the last READY_DAYS days is on exactly one active
    invoice line of its client (and marked invoiced), the newer ones on none; figures by
    billing's rules; numbers one series without repeats; check_ledger finds nothing."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(company.timezone))
    ready_from = today - datetime.timedelta(days=READY_DAYS)
    active = Counter(
        InvoiceLine.objects.filter(company=company, active=True, job__isnull=False).values_list(
            "job_id", flat=True
        )
    )
    for job in Job.objects.filter(company=company, status=JobStatus.FINISHED):
        assert active[job.pk] == (1 if job.scheduled_date < ready_from else 0), job
        assert job.invoiced == (job.scheduled_date < ready_from), job  # as services mark it
    for line in InvoiceLine.objects.filter(company=company, job__isnull=False).select_related(
        "job", "invoice"
    ):
        assert line.invoice.client_id == line.job.client_id
        assert (line.invoice.status == InvoiceStatus.BAD_DEBT) == line.job.bad_debt
        assert line.active == (line.invoice.status != InvoiceStatus.VOID)
    for invoice in Invoice.objects.filter(company=company).prefetch_related("lines")[:300]:
        lines = list(invoice.lines.all())
        totals = amounts.invoice_totals(
            [amounts.LineIn(ln.quantity, ln.unit_price, ln.taxable) for ln in lines],
            tax_rate=invoice.tax_rate,
            tax_exempt=invoice.tax_exempt,
        )
        assert (invoice.subtotal, invoice.tax, invoice.total) == (
            totals.subtotal,
            totals.tax,
            totals.total,
        )
        assert [ln.amount for ln in lines] == [t.amount for t in totals.lines]
        if invoice.status == InvoiceStatus.DRAFT:
            assert not invoice.number and invoice.issue_date is None
        else:
            assert invoice.number and invoice.due_date >= invoice.issue_date <= today
    numbers = list(
        Invoice.objects.filter(company=company)
        .exclude(number="")
        .values_list("sequence", flat=True)
    )
    counter = DocumentCounter.objects.get(company=company, series="invoice")
    assert sorted(numbers) == list(range(1, counter.last_number + 1))
    assert not Payment.objects.filter(company=company, received_at__gt=timezone.now()).exists()
    assert ledger_violations() == []
    assert "0 violations" in run("check_ledger")


def test_generate_invoices_bills_finished_work_and_the_ledger_holds(db, data_dir):
    owner = company_for_generation("gen-money")
    generate_clients(owner, count=150, seed="m")
    generate_jobs(owner, seed="m", employees=3)
    result = generate_invoices(owner, seed="m", client_invoices=300, batch_size=60)
    company = owner.company
    invoices = Invoice.objects.filter(company=company)
    assert result.invoices == invoices.count() > 300
    assert result.payments == Payment.objects.filter(company=company).count()
    assert result.allocations == PaymentAllocation.objects.filter(company=company).count()
    big = Client.objects.get(company=company, company_name=BIG_CLIENT)
    assert invoices.filter(client=big).exclude(status=InvoiceStatus.VOID).count() == 300
    assert invoices.filter(client=big, status__in=["open", "partially_paid"]).count() >= 50
    assert {
        InvoiceStatus.PAID,
        InvoiceStatus.PARTIALLY_PAID,
        InvoiceStatus.OPEN,
        InvoiceStatus.VOID,
    } <= set(invoices.values_list("status", flat=True))
    statuses = set(Payment.objects.filter(company=company).values_list("status", flat=True))
    assert {PaymentStatus.COMPLETED, PaymentStatus.REFUNDED} <= statuses
    assert invoices.filter(issue_date__lt=timezone.localdate() - datetime.timedelta(days=400))
    assert_invoiced(company)

    # Again: every client has its invoices already, the big one too; nothing is added.
    again = generate_invoices(owner, seed="n", client_invoices=300)
    assert again.invoices == again.payments == 0


def test_generate_data_invoices_then_invoices_only(db, data_dir):
    out = run("generate_data", "--clients", "60", "--company", "gen-inv", "--seed", "i")
    assert "invoices" in out and "payments" in out
    company = Company.objects.get(slug="gen-inv")
    assert Invoice.objects.filter(company=company).count() > 60
    assert_invoiced(company)

    run("generate_data", "--clients", "30", "--company", "gen-inv2", "--no-invoices")
    later = Company.objects.get(slug="gen-inv2")
    assert Job.objects.filter(company=later).exists()
    assert not Invoice.objects.filter(company=later).exists()
    out = run(
        "generate_data", "--invoices-only", "--company", "gen-inv2", "--client-invoices", "40"
    )
    assert Invoice.objects.filter(company=later, client__company_name=BIG_CLIENT).count() >= 40
    assert_invoiced(later)
    assert_invoiced(company)  # another company's books are left as they were
