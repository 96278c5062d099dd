"""A payment's receipt: its document (brand, client, date, method, reference, amount, card
fee, the invoices it paid, the credit it leaves, the client's balance), its PDF made with the
invoices' machinery, the office's download (Owner and Office only, their own company's), and
the email sent when the office records a payment or approves a customer's report."""

from decimal import Decimal as D

import pytest
from django.core import mail
from django.urls import reverse

from crewdesk.notifications.models import Message
from crewdesk.payments import receipts, services
from crewdesk.payments.models import Payment
from tests.billing.documents_world import make_brand, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def record(owner, client, amount, allocations=(), **extra):
    return services.payment_record(
        actor=owner,
        client=client,
        method="check",
        amount=amount,
        reference="1042",
        allocations=[{"invoice": i.pk, "amount": a} for i, a in allocations],
        **extra,
    )


def test_the_receipt_shows_what_was_paid_and_what_is_left(owner, billed, invoice_of):
    make_brand(owner)
    first, second = invoice_of("100.00"), invoice_of("80.00")
    invoice_of("40.00")  # owed too: in the client's balance
    payment = record(owner, billed, "150.00", [(first, "100.00"), (second, "30.00")])

    doc = receipts.receipt_document(payment=payment)
    assert doc.brand.name == "Sparkle Crew" and doc.bill_to == billed.invoice_name
    assert [(line.number, line.amount, line.balance) for line in doc.applied] == [
        (str(first), D("100.00"), D("0.00")),
        (str(second), D("30.00"), D("50.00")),
    ]
    assert doc.credit_left == D("20.00")
    assert doc.balance == D("50.00") + D("40.00") - D("20.00")  # open balances − credit
    assert doc.method == "Check" and doc.number == f"#{payment.pk}"

    data = receipts.receipt_pdf(payment=payment)
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "receipt" in text.casefold()
    for expected in ("Sparkle Crew", "1042", "$150.00", str(first), "$20.00", "$70.00"):
        assert expected in text, expected


def test_a_card_fee_is_on_the_receipt_not_on_an_invoice(owner, billed, invoice_of):
    invoice = invoice_of("100.00")
    payment = record(owner, billed, "100.00", [(invoice, "100.00")])
    Payment.objects.filter(pk=payment.pk).update(fee_amount=D("2.90"))
    payment.refresh_from_db()
    text = pdf_text(receipts.receipt_pdf(payment=payment))
    assert "Card fee" in text and "$2.90" in text and "$102.90" in text


def test_recording_a_payment_emails_the_receipt_with_its_pdf(owner, billed, invoice_of, deliver):
    invoice = invoice_of("100.00")
    with deliver():
        payment = record(owner, billed, "100.00", [(invoice, "100.00")])
    (email,) = mail.outbox
    assert email.to == [billed.email] and email.subject.startswith(f"Receipt #{payment.pk}")
    assert "$100.00" in email.body and str(invoice) in email.body
    ((name, content, mimetype),) = email.attachments
    assert (name, mimetype) == (f"receipt-{payment.pk}.pdf", "application/pdf")
    assert content.startswith(b"%PDF") and str(invoice) in pdf_text(content)
    logged = Message.objects.get()
    assert logged.related == payment and logged.company == owner.company
    assert logged.attachments == [{"renderer": receipts.RECEIPT_PDF, "id": payment.pk}]


def test_no_email_without_an_address_and_none_when_rolled_back(owner, billed, deliver):
    billed.email = ""
    billed.save(update_fields=["email"])
    with deliver():
        record(owner, billed, "10.00")
    assert not mail.outbox and not Message.objects.exists()


def test_approving_a_customers_report_emails_the_receipt(owner, customer, billed, invoice_of):
    invoice = invoice_of("60.00")
    report = services.payment_report(
        actor=customer, method="zelle", amount="60.00", reference="ZL-1", invoice=invoice.pk
    )
    assert not Message.objects.filter(subject__startswith="Receipt").exists()
    services.payment_approve(actor=owner, payment=report)
    # on_commit: the test's transaction never commits, so run the hook as it would.
    receipts.receipt_email(payment_id=report.pk)
    receipt = Message.objects.get(subject__startswith="Receipt")
    assert receipt.to == billed.email and receipt.related == report


def test_the_hooks_send_on_commit_only(owner, customer, billed, invoice_of, deliver):
    invoice = invoice_of("60.00")
    report = services.payment_report(
        actor=customer, method="zelle", amount="60.00", reference="ZL-1", invoice=invoice.pk
    )
    with deliver():
        services.payment_approve(actor=owner, payment=report)
    subjects = [email.subject for email in mail.outbox]
    assert any(s.startswith(f"Receipt #{report.pk}") for s in subjects)


def test_the_office_downloads_the_receipt(client_as, owner, office, billed, invoice_of):
    invoice = invoice_of("100.00")
    payment = record(owner, billed, "100.00", [(invoice, "100.00")])
    url = reverse("payment_documents:receipt_pdf", args=[payment.pk])
    for member in (owner, office):
        response = client_as(member).get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert "private" in response["Cache-Control"]
        assert f"receipt-{payment.pk}.pdf" in response["Content-Disposition"]


def test_employees_customers_and_other_companies_may_not(
    client_as, owner, employee, customer, outsider, billed, invoice_of
):
    payment = record(owner, billed, "10.00")
    url = reverse("payment_documents:receipt_pdf", args=[payment.pk])
    for member in (employee, customer):
        assert client_as(member).get(url).status_code in (403, 404)
    assert client_as(outsider).get(url).status_code == 404
    missing = reverse("payment_documents:receipt_pdf", args=[payment.pk + 1000])
    assert client_as(owner).get(missing).status_code == 404


def test_how_to_pay_comes_from_the_company(owner, billed, invoice_of):
    owner.company.payment_instructions = (
        "Checks payable to Sparkle Crew\n\n  Zelle: pay@sparkle.example "
    )
    owner.company.save(update_fields=["payment_instructions"])
    assert receipts.company_payment_instructions(company=owner.company) == [
        "Checks payable to Sparkle Crew",
        "Zelle: pay@sparkle.example",
    ]
    payment = record(owner, billed, "10.00", [(invoice_of("100.00"), "10.00")])
    text = pdf_text(receipts.receipt_pdf(payment=payment))
    assert "how to pay" in text.casefold() and "Zelle: pay@sparkle.example" in text
