"""seed_demo: the demo company, its users, clients, properties and jobs, loaded once."""

import datetime
import zoneinfo
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from crewdesk.accounts.models import Membership, User
from crewdesk.core.models import Activity, Brand, Company
from crewdesk.core.roles import Role
from crewdesk.jobs.models import (
    ChecklistTemplate,
    Job,
    JobAssignment,
    JobChecklistItem,
    JobLine,
    JobStatus,
)
from crewdesk.properties.models import Property, PropertyService, Service
from tests.factories import UserFactory


def run(command: str, /, *args, **options) -> tuple[str, str]:
    """Call a command; return what it wrote to stdout and stderr."""
    stdout, stderr = StringIO(), StringIO()
    call_command(command, *args, stdout=stdout, stderr=stderr, **options)
    return stdout.getvalue(), stderr.getvalue()


def counts() -> dict[str, int]:
    return {
        "companies": Company.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "brands": Brand.objects.count(),
        "activity": Activity.objects.count(),
    }


def job_counts() -> dict:
    return {
        "properties": Property.objects.count(),
        "services": Service.objects.count(),
        "property_services": PropertyService.objects.count(),
        "templates": ChecklistTemplate.objects.count(),
        "jobs": Job.objects.count(),
        "lines": JobLine.objects.count(),
        "assignments": JobAssignment.objects.count(),
        "checklist": JobChecklistItem.objects.count(),
    }


def test_seed_demo_is_idempotent_and_says_how_to_log_in(db, settings):
    settings.DEBUG = True  # as `make demo` runs it: the codes are read in the dev outbox
    first_out, first_err = run("seed_demo")
    after_first = counts()
    assert after_first["companies"] == 1
    assert after_first["users"] == 4
    assert after_first["memberships"] == 4
    assert after_first["brands"] == 1

    second_out, _ = run("seed_demo")
    assert counts() == after_first

    company = Company.objects.get(slug="sparkle-turnovers")
    roles = dict(company.memberships.values_list("user__username", "role"))
    assert roles == {
        "owner": Role.OWNER,
        "office": Role.OFFICE,
        "crew": Role.EMPLOYEE,
        "customer": Role.CUSTOMER,
    }
    assert not any(user.has_usable_password() for user in User.objects.all())

    for out in (first_out, second_out):
        assert "owner" in out
        assert "/login/" in out
        assert "/dev/outbox/" in out
    assert first_err == ""


def test_seed_demo_leaves_other_companies_alone(owner, outsider):
    before = counts()
    run("seed_demo")
    run("seed_demo")
    after = counts()
    assert after["companies"] == before["companies"] + 1
    assert after["memberships"] == before["memberships"] + 4
    assert Membership.objects.filter(user__username="alice", company__slug="acme").exists()
    assert owner.user.memberships.count() == 1


def test_seed_demo_without_debug_does_not_promise_the_dev_outbox(db):
    out, _ = run("seed_demo")
    assert "/dev/outbox/" not in out


@pytest.mark.parametrize("debug", [True, False])
def test_seed_demo_says_email_leaves_when_it_is_sent_by_smtp(db, settings, debug):
    """`make demo` with EMAIL_URL=smtp://... sends real email: the banner must not say none
    leaves the machine."""
    settings.DEBUG = debug
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "smtp.example.com", 587
    out, _ = run("seed_demo")
    assert "no email leaves" not in out
    assert "smtp.example.com:587" in out
    assert "real email" in out


def test_seed_demo_says_where_console_email_goes(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out, _ = run("seed_demo")
    assert "no email leaves the machine" in " ".join(out.split())
    assert "terminal" in out


def test_seed_demo_never_adds_a_real_user_to_the_demo_company(db):
    UserFactory(username="crew", email="real.person@example.com")
    out, err = run("seed_demo")
    company = Company.objects.get(slug="sparkle-turnovers")
    assert not company.memberships.filter(user__username="crew").exists()
    assert "crew" in err


def test_seed_demo_loads_demo_clients_once_and_links_the_customer(db):
    from crewdesk.clients.models import Client, DuplicatePair

    run("seed_demo")
    company = Company.objects.get(slug="sparkle-turnovers")
    clients = Client.objects.filter(company=company).count()
    assert clients >= 8
    customer = company.memberships.get(role=Role.CUSTOMER)
    assert customer.client.display_name == "Harbourview Rentals LLC"
    # The planted double entry shows on the suspected-duplicates page.
    assert DuplicatePair.objects.filter(company=company, dismissed_at__isnull=True).exists()
    run("seed_demo")
    assert Client.objects.filter(company=company).count() == clients


def test_seed_demo_loads_properties_and_jobs_once(db):
    run("seed_demo")
    first = job_counts()
    run("seed_demo")
    assert job_counts() == first

    company = Company.objects.get(slug="sparkle-turnovers")
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(company.timezone))
    jobs = Job.objects.filter(company=company)
    assert {"Standard clean", "Deep clean", "Pool service", "Lawn mowing"} <= set(
        Service.objects.filter(company=company).values_list("name", flat=True)
    )
    assert ChecklistTemplate.objects.get(company=company, name="Standard clean").items.filter(
        required=True
    )
    # 1–2 properties per demo client, some with access notes
    per_client = Counter(Property.objects.filter(company=company).values_list("client", flat=True))
    assert per_client and set(per_client.values()) <= {1, 2}
    assert Property.objects.filter(company=company).exclude(access_notes="").count() >= 5
    # recurring services generated upcoming jobs
    recurring = PropertyService.objects.filter(company=company).exclude(frequency="")
    assert recurring.count() >= 4
    assert jobs.filter(property_service__isnull=False, scheduled_date__gt=today).exists()
    # the past: finished work, some with its checklist ticked, a bad debt, a cancellation
    past = jobs.filter(scheduled_date__lt=today)
    assert past.filter(status=JobStatus.FINISHED).count() >= 20
    assert past.filter(scheduled_date__gte=today - datetime.timedelta(days=30)).count() == (
        past.count()
    )
    assert JobChecklistItem.objects.filter(job__in=past, done_at__isnull=False).exists()
    assert jobs.filter(bad_debt=True, status=JobStatus.FINISHED).count() == 1
    assert jobs.filter(status=JobStatus.CANCELLED).exists()
    # today: the crew at work, and unassigned jobs
    todays = jobs.filter(scheduled_date=today)
    assert {JobStatus.PENDING, JobStatus.ON_THE_WAY, JobStatus.STARTED} <= set(
        todays.values_list("status", flat=True)
    )
    crew = Membership.objects.get(company=company, user__username="crew")
    assert todays.filter(assignments__membership=crew).count() >= 2
    assert jobs.annotate(n=Count("assignments")).filter(n=0, status=JobStatus.PENDING).count() >= 2
    # the next two weeks
    assert jobs.filter(
        scheduled_date__gt=today,
        scheduled_date__lte=today + datetime.timedelta(days=14),
        status=JobStatus.PENDING,
    ).exists()
    # totals are the sums of the lines
    for job in jobs.prefetch_related("lines"):
        assert job.total == sum((line.amount for line in job.lines.all()), Decimal("0.00"))
        assert job.client_id == job.property.client_id


def test_seed_demo_under_debug_looks_through_the_dev_outbox(db, settings):
    """`make demo` (DEBUG=1) wraps EMAIL_URL's console backend in the dev outbox: the banner
    names where the email really goes, not "real email through None:None"."""
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "crewdesk.notifications.backends.DevOutboxBackend"
    settings.DEV_OUTBOX_INNER_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out, _ = run("seed_demo")
    assert "no email leaves the machine" in " ".join(out.split())
    assert "None" not in out and "/dev/outbox/" in out


def test_seed_demo_bills_the_work_in_every_status_and_the_ledger_holds(db):
    """Invoices in every status (some sent, some overdue in each aging column), a batch,
    payments of every method in their statuses, client credit: through the services, so
    `crewdesk check_ledger` finds nothing; dates relative to today; loaded once."""
    from crewdesk.billing.models import BatchInvoice, Invoice, InvoiceStatus
    from crewdesk.payments.models import Payment, PaymentMethod, PaymentStatus
    from crewdesk.payments.selectors import aging, approval_queue, client_credit

    run("seed_demo")
    out, _ = run("check_ledger")
    assert "0 violations" in out
    company = Company.objects.get(slug="sparkle-turnovers")
    invoices = Invoice.objects.filter(company=company)
    payments = Payment.objects.filter(company=company)
    made = (invoices.count(), payments.count(), BatchInvoice.objects.count())
    run("seed_demo")
    assert (invoices.count(), payments.count(), BatchInvoice.objects.count()) == made

    assert set(invoices.values_list("status", flat=True)) == set(InvoiceStatus.values)
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(company.timezone))
    issued = invoices.exclude(status=InvoiceStatus.DRAFT)
    assert issued.filter(sent_at__isnull=False).exists()
    assert not issued.filter(issue_date__gt=today).exists()
    assert issued.filter(issue_date__gte=today - datetime.timedelta(days=7)).exists()
    numbers = list(issued.order_by("issue_date", "sequence").values_list("sequence", flat=True))
    assert numbers == sorted(numbers)  # numbered in the order of their dates
    office = Membership.objects.get(company=company, user__username="office")
    owed = aging(viewer=office)
    assert all(amount > 0 for amount in owed.by_bucket().values()), owed

    batch = BatchInvoice.objects.get(company=company)
    in_batch = set(batch.invoices.values_list("status", flat=True))
    assert {InvoiceStatus.PAID, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.OPEN} <= in_batch
    assert payments.filter(batch=batch, method=PaymentMethod.CHECK).exists()

    assert set(payments.values_list("method", flat=True)) == set(PaymentMethod.values)
    completed = set(
        payments.filter(status=PaymentStatus.COMPLETED).values_list("method", flat=True)
    )
    assert set(PaymentMethod.values) <= completed
    assert payments.filter(status=PaymentStatus.REFUNDED).exists()
    bounced = payments.get(status=PaymentStatus.FAILED)
    assert bounced.method == PaymentMethod.CHECK and bounced.allocations.get().reversed_at
    waiting = approval_queue(viewer=office).get()
    assert waiting.method == PaymentMethod.ZELLE and waiting.proof.file
    assert waiting.client.portal_memberships.filter(role=Role.CUSTOMER).exists()
    assert not payments.filter(received_at__date__gt=today).exists()
    credit = {p.client for p in payments.filter(status=PaymentStatus.COMPLETED)}
    assert any(client_credit(viewer=office, client=client) > 0 for client in credit)
    # The job whose invoice was written off counts as bad debt.
    assert Job.objects.get(company=company, bad_debt=True).invoice_lines.get().invoice.status == (
        InvoiceStatus.BAD_DEBT
    )
