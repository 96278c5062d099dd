"""A payment's receipt: who paid, when, how and how much (and the card fee), which invoices it
paid and by how much, the credit it leaves and what the client still owes. Made with the
invoices' own machinery (billing/documents.py: the brand, the locale, the PDF renderer and its
fetcher, the stylesheets), as a page, an email and a PDF.

    doc = receipt_document(payment=payment)
    receipt_html(doc=doc, medium="pdf")
    receipt_pdf(payment=payment)            # the PDF's bytes
    receipt_after_commit(payment=payment)   # email it once the payment is saved

A receipt is emailed to the client's address when the office records a payment or approves a
customer's report (services.py), and when an online payment completes (whoever completes it
calls receipt_after_commit). Nothing here checks permission: callers found the payment
through a selector (the office) or by id in the background (the email's attachment).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crewdesk.billing import documents
from crewdesk.billing.models import RECEIVABLE_STATUSES, Invoice
from crewdesk.billing.sending import DocumentMail, Recipient, document_email_send
from crewdesk.core.dates import company_zone
from crewdesk.core.uploads import PDF_CONTENT_TYPE
from crewdesk.notifications.attachments import Attachment
from crewdesk.notifications.models import Message
from crewdesk.payments.models import Payment, PaymentAllocation, PaymentStatus

ZERO = Decimal("0.00")
RECEIPT_PDF = "payments.receipt_pdf"


@dataclass(frozen=True)
class ReceiptLine:
    """An invoice the payment paid: how much of it, and what is left on it now."""

    number: str
    issued: date | None
    amount: Decimal
    balance: Decimal


@dataclass
class ReceiptDocument:
    payment: Payment
    brand: documents.DocBrand
    bill_to: str
    bill_to_address: list[str]
    received: date
    method: str
    applied: list[ReceiptLine]
    credit_left: Decimal
    balance: Decimal  # what the client owes on all its invoices, less its credit
    instructions: list[str]
    currency: str
    public_url: str = ""  # a receipt has no public link
    logo_src: str = ""
    medium: str = "page"

    @property
    def title(self) -> str:
        return str(_("Receipt"))

    @property
    def number(self) -> str:
        return receipt_number(self.payment)

    @property
    def charged(self) -> Decimal:
        return self.payment.amount + self.payment.fee_amount

    @property
    def owed(self) -> bool:
        return self.balance > 0

    @property
    def in_credit(self) -> bool:
        return self.balance < 0

    @property
    def balance_shown(self) -> Decimal:
        return abs(self.balance)

    @property
    def paid_up(self) -> bool:  # billing/document/_pay.html thanks them
        return self.payment.status == PaymentStatus.COMPLETED

    @property
    def stamp(self) -> str:
        status = self.payment.status
        return "" if status == PaymentStatus.COMPLETED else str(self.payment.get_status_display())


def receipt_number(payment: Payment) -> str:
    return f"#{payment.pk}"


def _applied(payment: Payment) -> list[ReceiptLine]:
    """The invoices the payment is on now (reversed allocations gone), oldest due first."""
    totals: dict[int, Decimal] = {}
    rows = PaymentAllocation.objects.filter(payment_id=payment.pk, reversed_at__isnull=True)
    for invoice_id, amount in rows.values_list("invoice_id", "amount"):
        totals[invoice_id] = totals.get(invoice_id, ZERO) + amount
    invoices = Invoice.objects.filter(pk__in=totals, company_id=payment.company_id).order_by(
        "due_date", "id"
    )
    return [
        ReceiptLine(str(invoice), invoice.issue_date, totals[invoice.pk], invoice.balance)
        for invoice in invoices.only("number", "issue_date", "balance", "due_date")
    ]


def _client_owes(client) -> Decimal:
    """The client's open balances − its credit, as the ledger defines a client's balance
    (crewdesk check_ledger); below zero when its credit is larger."""
    owed = Invoice.objects.filter(
        company_id=client.company_id, client=client, status__in=RECEIVABLE_STATUSES
    ).aggregate(s=Sum("balance"))["s"]
    completed = Payment.objects.filter(
        company_id=client.company_id, client=client, status=PaymentStatus.COMPLETED
    )
    paid = completed.aggregate(s=Sum("amount"), r=Sum("refunded_amount"))
    applied = PaymentAllocation.objects.filter(
        payment__in=completed.values("pk"), reversed_at__isnull=True
    ).aggregate(s=Sum("amount"))["s"]
    credit = (paid["s"] or ZERO) - (paid["r"] or ZERO) - (applied or ZERO)
    return (owed or ZERO) - credit


def _credit_left(payment: Payment, applied: list[ReceiptLine]) -> Decimal:
    if payment.status != PaymentStatus.COMPLETED:
        return ZERO
    return payment.amount - payment.refunded_amount - sum((a.amount for a in applied), ZERO)


def receipt_document(*, payment: Payment) -> ReceiptDocument:
    """What the payment's receipt shows (a handful of queries)."""
    company, client = payment.company, payment.client
    applied = _applied(payment)
    return ReceiptDocument(
        payment=payment,
        brand=documents.document_brand(company=company, client=client),
        bill_to=client.invoice_name,
        bill_to_address=documents.address_lines(client, home_country=company.country),
        received=timezone.localtime(payment.received_at, company_zone(company)).date(),
        method=str(payment.get_method_display()),
        applied=applied,
        credit_left=_credit_left(payment, applied),
        balance=_client_owes(client),
        instructions=documents.payment_instructions(company),
        currency=payment.currency,
    )


def receipt_html(*, doc: ReceiptDocument, medium: str = "page") -> str:
    documents.prepare_document(doc, medium)
    return render_to_string("payments/receipt/receipt.html", {"doc": doc})


def receipt_pdf(*, payment: Payment, fetcher: documents.DocumentFetcher | None = None) -> bytes:
    """The receipt's PDF, in the company's formats and the client's language."""
    with documents.document_locale(payment.company, payment.client.language):
        doc = receipt_document(payment=payment)
        return documents.document_pdf(
            doc, html=receipt_html, company=payment.company, title=doc.title, fetcher=fetcher
        )


def receipt_filename(payment: Payment) -> str:
    return f"receipt-{payment.pk}.pdf"


def company_payment_instructions(*, company) -> list[str]:
    """The company's "how to pay" text, a line each (a PAYMENT_INSTRUCTIONS source)."""
    text = company.payment_instructions or ""
    return [line.strip() for line in text.splitlines() if line.strip()]


# --- email ---------------------------------------------------------------------------------

RECEIPT_MAIL = DocumentMail(
    document=lambda payment: receipt_document(payment=payment),
    html=receipt_html,
    subject=_("Receipt %(number)s from %(brand)s"),
    template="payments/receipt/email",
    attachment=RECEIPT_PDF,
)


def receipt_email(*, payment_id: int) -> Message | None:
    """Email a completed payment's receipt (its PDF attached) to the client's address, into
    the communication log; nothing when the client has no address."""
    payment = (
        Payment.objects.select_related("client", "company")
        .filter(pk=payment_id, status=PaymentStatus.COMPLETED)
        .first()
    )
    if payment is None or not payment.client.email:
        return None
    recipient = Recipient(payment.client.email, payment.client.display_name)
    return document_email_send(record=payment, mail=RECEIPT_MAIL, recipient=recipient)


def receipt_after_commit(*, payment: Payment) -> None:
    """Email the receipt once the payment's transaction has committed: a payment rolled back
    sends nothing, and the receipt shows what was saved."""
    payment_id = payment.pk
    transaction.on_commit(lambda: receipt_email(payment_id=payment_id))


def receipt_pdf_attachment(*, object_id: int) -> Attachment:
    """The email's attachment, made when it is delivered (registered in apps.py)."""
    payment = Payment.objects.select_related("client", "company").get(pk=object_id)
    return Attachment(receipt_filename(payment), receipt_pdf(payment=payment), PDF_CONTENT_TYPE)
