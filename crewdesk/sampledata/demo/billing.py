"""Invoices, a batch invoice and payments for the demo company (seed_demo), made through
billing's and payments' services like everything the office does, so the invoices list, the
client profiles, aging and the approval queue have something real to show and
`crewdesk check_ledger` holds.

Every status is there: a draft, open invoices (sent, some overdue in each aging column), a
partly paid one, paid ones, a void one reissued, one written off; a batch paid in part by one
check; payments by card, ACH, cash, check, bank transfer and Zelle, one refunded, a bounced
check reversed, a customer's Zelle report waiting for approval, and some client credit.

The services issue an invoice today. The demo's invoices are spread over the last four months
by moving their dates back right after issuing: dates only, no money moves that way, and the
payments that follow are received on days the services accept (never in the future). So the
demo always looks current.

Safe to run again: once the demo company has an invoice, it changes nothing."""

import datetime
import heapq
from collections.abc import Iterator
from decimal import ROUND_CEILING, Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from crewdesk.accounts.models import Membership
from crewdesk.billing import amounts
from crewdesk.billing import services as billing
from crewdesk.billing.models import BatchInvoice, Invoice
from crewdesk.billing.services import LineInput
from crewdesk.clients.models import Client
from crewdesk.core.dates import company_today, company_zone
from crewdesk.core.roles import Role
from crewdesk.jobs.models import Job, JobStatus
from crewdesk.payments import services as payments
from crewdesk.payments.models import Payment
from crewdesk.payments.services import AllocationInput
from crewdesk.sampledata.demo.jobs import picture

DAY = datetime.timedelta(days=1)


def demo_billing_load(owner: Membership) -> int:
    """Invoice the demo company's finished work and record its payments unless it has
    invoices already; answer how many invoices were made here."""
    if Invoice.objects.filter(company_id=owner.company_id).exists():
        return 0
    with transaction.atomic():
        return _Billing(owner).load()


class _Billing:
    def __init__(self, owner: Membership):
        self.company = owner.company
        self.zone = company_zone(self.company)
        self.today = company_today(self.company)
        self.office = (
            Membership.objects.filter(company=self.company, role=Role.OFFICE, active=True)
            .select_related("user", "company")
            .first()
            or owner
        )
        self.made = 0

    def load(self) -> int:
        """Each client's story is a generator that yields how many days ago its next invoice
        is dated, then issues it (and pays it, voids it...); the stories are interleaved
        oldest date first, so the invoice numbers follow the dates as they would have."""
        waiting: list[tuple[int, int, Iterator[int]]] = []
        for order, (email, story) in enumerate(
            (
                ("jose.nunez@example.com", self._weekly_by_card),
                ("maggie.obrien@example.com", self._cash_with_change),
                ("frontdesk@ggdental.example", self._monthly_office),
                ("sam@harbourview.example", self._rentals),
                ("office@baysidepm.example", self._batch_paid_in_part),
                ("wei.chen@example.com", self._void_and_refund),
                ("priya.raman@example.com", self._bounced_check),
                ("tom@fischerhaus.example", self._draft),
            )
        ):
            client = (
                Client.objects.filter(company=self.company, email=email, archived_at__isnull=True)
                .order_by("id")
                .first()
            )
            if client is not None:
                self._next(waiting, order, story(client))
        while waiting:
            _days, order, steps = heapq.heappop(waiting)
            self._next(waiting, order, steps)
        return self.made

    @staticmethod
    def _next(waiting: list, order: int, steps: Iterator[int]) -> None:
        days = next(steps, None)
        if days is not None:
            heapq.heappush(waiting, (-days, order, steps))

    # --- the moves, each through a service ---

    def jobs(self, client: Client, *, older: int = 0, newer: int = 10_000, **where) -> list[Job]:
        """The client's finished jobs not yet invoiced, done `older` to `newer` days ago."""
        return list(
            Job.objects.filter(
                company=self.company,
                client=client,
                status=JobStatus.FINISHED,
                scheduled_date__lte=self.today - older * DAY,
                scheduled_date__gte=self.today - newer * DAY,
                **where,
            )
            .exclude(lines__invoice_lines__active=True)
            .order_by("scheduled_start", "id")
            .distinct()
        )

    def invoice(
        self,
        client: Client,
        days_ago: int,
        *,
        jobs=(),
        lines=(),
        sent: bool = True,
        discount_percent=None,
        message: str = "",
    ) -> Invoice:
        """An invoice issued `days_ago` (and emailed that day when `sent`)."""
        invoice = billing.invoice_create(
            actor=self.office,
            client=client,
            jobs=jobs,
            lines=lines,
            discount_percent=discount_percent,
            customer_message=message,
            issue=True,
        )
        self.made += 1
        issued = self.today - days_ago * DAY
        moment = datetime.datetime.combine(issued, datetime.time(9), tzinfo=self.zone)
        Invoice.objects.filter(pk=invoice.pk).update(
            issue_date=issued,
            due_date=amounts.due_date_for(issued, invoice.payment_terms_days),
            created_at=moment,
            sent_at=moment + datetime.timedelta(minutes=5) if sent else None,
        )
        invoice.refresh_from_db()
        return invoice

    def pay(
        self,
        client: Client,
        method: str,
        amount,
        days_ago: int,
        *,
        reference: str = "",
        invoices=(),
        batch=None,
    ) -> Payment:
        """A payment the office recorded, received `days_ago` (at least yesterday)."""
        return payments.payment_record(
            actor=self.office,
            client=client,
            method=method,
            amount=amount,
            reference=reference,
            received_at=self.today - max(days_ago, 1) * DAY,
            allocations=[AllocationInput(invoice, amount) for invoice, amount in invoices],
            batch=batch,
        )

    # --- the clients' stories: each yields the days ago of its next invoice, then issues it ---

    def _weekly_by_card(self, client: Client) -> Iterator[int]:
        """A weekly clean invoiced each time: paid by card a day later, the latest still due."""
        for job in self.jobs(client, older=1):
            days = (self.today - job.scheduled_date).days
            yield days
            invoice = self.invoice(client, days, jobs=[job])
            if days > 7:
                self.pay(
                    client,
                    "card",
                    invoice.total,
                    days - 1,
                    reference="Visa •••• 4242",
                    invoices=[(invoice, invoice.total)],
                )

    def _cash_with_change(self, client: Client) -> Iterator[int]:
        """Paid in cash, rounded up: the change stays as her credit for next time."""
        done = self.jobs(client, older=1)
        for i, job in enumerate(done):
            days = (self.today - job.scheduled_date).days
            yield days
            invoice = self.invoice(client, days, jobs=[job])
            if i < len(done) - 1:
                cash = (invoice.total / 20).to_integral_value(rounding=ROUND_CEILING) * 20
                self.pay(client, "cash", cash, days, invoices=[(invoice, invoice.total)])

    def _monthly_office(self, client: Client) -> Iterator[int]:
        """An office cleaned three times a week, billed monthly: last month's by ACH, the
        first half of this one by bank transfer; the last two weeks are ready to invoice."""
        yield 45
        last_month = self.invoice(
            client,
            45,
            lines=[LineInput("Office cleaning, evening visits (previous month)", "120.00", 13)],
            message="Thank you for your business.",
        )
        self.pay(
            client,
            "ach",
            last_month.total,
            31,
            reference="ACH 000481",
            invoices=[(last_month, last_month.total)],
        )
        visits = self.jobs(client, older=15)
        if visits:
            yield 15
            invoice = self.invoice(client, 15, jobs=visits)
            self.pay(
                client,
                "bank_transfer",
                invoice.total,
                4,
                reference="Wire GGD-5521",
                invoices=[(invoice, invoice.total)],
            )

    def _rentals(self, client: Client) -> Iterator[int]:
        """The portal's customer: a turnover never paid (written off), two weeks of turnovers
        paid by Zelle, and windows they say they paid by Zelle (waiting for approval)."""
        stinson = self.jobs(client, property__name="Stinson Beach house")
        unpaid = [job for job in stinson if job.title == "Vacation rental turnover"]
        if unpaid:
            days = (self.today - unpaid[0].scheduled_date).days
            yield days
            lost = self.invoice(client, days, jobs=unpaid)
            billing.invoice_write_off(actor=self.office, invoice=lost)
        windows = [job for job in stinson if job.title == "Window washing"]
        if windows:
            days = (self.today - windows[0].scheduled_date).days - 1
            yield days
            invoice = self.invoice(client, days, jobs=windows)
            customer = (
                Membership.objects.filter(company=self.company, role=Role.CUSTOMER, client=client)
                .select_related("user", "company")
                .first()
            )
            if customer is not None:
                proof = SimpleUploadedFile(
                    "zelle-confirmation.jpg", picture("Zelle sent", "#6d1ed4", "#f3ecfd")
                )
                payments.payment_report(
                    actor=customer,
                    method="zelle",
                    amount=invoice.total,
                    reference="Zelle QX81P2",
                    invoice=invoice,
                    proof=proof,
                    received_at=self.today - DAY,
                )
        turnovers = self.jobs(client, older=14, property__name="Embarcadero loft")
        if turnovers:
            yield 14
            invoice = self.invoice(client, 14, jobs=turnovers)
            self.pay(
                client,
                "zelle",
                invoice.total,
                10,
                reference="Zelle 7HF2K9",
                invoices=[(invoice, invoice.total)],
            )

    def _batch_paid_in_part(self, client: Client) -> Iterator[int]:
        """A property manager's open invoices in one batch, paid in part by one check (oldest
        due first): one paid, one partly, the rest open and some overdue."""
        by_hand = [
            (
                120,
                [LineInput("Grand Ave apartments: common areas, quarterly deep clean", "680.00")],
            ),
            (
                75,
                [
                    LineInput("Unit 2A move-out clean", "340.00"),
                    LineInput("Carpet shampoo (per room)", "45.00", 2),
                ],
            ),
            (
                45,
                [
                    LineInput("Lakeshore duplex: deep clean before listing", "260.00"),
                    LineInput("Inside oven", "35.00"),
                ],
            ),
        ]
        invoices = []
        for days, lines in by_hand:
            yield days
            invoices.append(self.invoice(client, days, lines=lines))
        for job in self.jobs(client, older=2):
            days = (self.today - job.scheduled_date).days - 1
            yield days
            invoices.append(self.invoice(client, days, jobs=[job]))
        batch = billing.batch_create(actor=self.office, client=client, invoices=invoices)
        sent = datetime.datetime.combine(self.today - 7 * DAY, datetime.time(10), tzinfo=self.zone)
        BatchInvoice.objects.filter(pk=batch.pk).update(created_at=sent, sent_at=sent)
        self.pay(
            client,
            "check",
            invoices[0].total + Decimal("200.00"),
            3,
            reference="Check 2207",
            batch=batch,
        )

    def _void_and_refund(self, client: Client) -> Iterator[int]:
        """Pool service invoiced at the wrong price: voided and reissued with the agreed
        discount, paid by card, and a second charge of it by mistake refunded."""
        pool = self.jobs(client, older=7)
        if not pool:
            return
        yield 7
        wrong = self.invoice(client, 7, jobs=pool)
        billing.invoice_void(
            actor=self.office,
            invoice=wrong,
            reason="Wrong price: 10% off weekly pool service was agreed.",
        )
        yield 6
        invoice = self.invoice(
            client, 6, jobs=pool, discount_percent="10", message="10% off weekly pool service."
        )
        self.pay(
            client,
            "card",
            invoice.total,
            5,
            reference="Mastercard •••• 5100",
            invoices=[(invoice, invoice.total)],
        )
        twice = self.pay(client, "card", invoice.total, 5, reference="Mastercard •••• 5100")
        payments.payment_refund(
            actor=self.office,
            payment=twice,
            amount=twice.amount,
            reason="Charged twice by mistake.",
        )

    def _bounced_check(self, client: Client) -> Iterator[int]:
        """A yard clean-up long overdue, and lawn mowing paid by a check that bounced."""
        yield 110
        self.invoice(
            client, 110, lines=[LineInput("Spring yard clean-up and hedge trimming", "220.00")]
        )
        lawn = self.jobs(client, older=20, title="Lawn mowing")
        if lawn:
            yield 20
            invoice = self.invoice(client, 20, jobs=lawn)
            check = self.pay(
                client,
                "check",
                invoice.total,
                15,
                reference="Check 1043",
                invoices=[(invoice, invoice.total)],
            )
            payments.payment_reverse(
                actor=self.office, payment=check, reason="Returned by the bank: insufficient funds."
            )

    def _draft(self, client: Client) -> Iterator[int]:
        """Last week's clean, drafted and not issued yet (a draft has no number)."""
        done = self.jobs(client)
        if done:
            yield 0
            billing.invoice_create(actor=self.office, client=client, jobs=done)
            self.made += 1
