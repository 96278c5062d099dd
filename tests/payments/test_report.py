"""A customer reports a payment made outside Crewdesk; the office approves or rejects it, and
the customer is emailed either way."""

import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from crewdesk.billing import services as billing
from crewdesk.notifications.models import Message
from crewdesk.payments import selectors, services
from crewdesk.payments.models import Payment, PaymentProof, PaymentStatus
from crewdesk.payments.services import NOT_TO_APPROVE, REASON_NEEDED, REPORT_NEEDS_REFERENCE
from tests.payments.conftest import refreshed

pytestmark = pytest.mark.django_db


def picture(fmt="PNG", name="proof.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue())


def pdf(name="receipt.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def test_a_zelle_report_waits_for_approval_and_allocates_nothing(customer, owner, invoice_of):
    invoice = invoice_of("100.00")
    payment = services.payment_report(
        actor=customer,
        method="zelle",
        amount="100.00",
        reference="ZL-778",
        invoice=invoice.pk,
        proof=picture(),
    )
    assert (payment.status, payment.reported_by, payment.invoice) == (
        PaymentStatus.TO_APPROVAL,
        customer,
        invoice,
    )
    assert not payment.allocations.exists()
    assert refreshed(invoice).balance == D("100.00")
    assert selectors.client_credit(viewer=owner, client=invoice.client) == 0
    assert list(selectors.approval_queue(viewer=owner)) == [payment]
    proof = PaymentProof.objects.get(payment=payment)
    assert (proof.content_type, proof.uploaded_by) == ("image/png", customer.user)
    # the customer sees their own report
    assert list(selectors.payment_list(viewer=customer)) == [payment]


def test_approving_pays_the_invoice_reported_and_emails_the_customer(customer, owner, invoice_of):
    invoice = invoice_of("100.00")
    payment = services.payment_report(
        actor=customer, method="check", amount="120.00", reference="511", invoice=invoice
    )
    payment = services.payment_approve(actor=owner, payment=payment)
    assert (payment.status, payment.reviewed_by) == (PaymentStatus.COMPLETED, owner.user)
    assert refreshed(invoice).status == "paid"
    assert selectors.client_credit(viewer=owner, client=invoice.client) == D("20.00")
    assert list(selectors.approval_queue(viewer=owner)) == []
    email = Message.objects.get(related_id=payment.pk)
    assert email.to == customer.user.email
    assert "received your payment" in email.body
    assert "$100.00 paid on the invoice " + invoice.number in email.body
    assert "$20.00 is kept as credit" in email.body


def test_approving_a_batch_report_pays_it_oldest_due_first(customer, owner, billed, invoice_of):
    first, second = invoice_of("40.00"), invoice_of("50.00")
    batch = billing.batch_create(actor=owner, client=billed, invoices=[first.pk, second.pk])
    payment = services.payment_report(
        actor=customer, method="bank_transfer", amount="90.00", reference="T1", batch=batch.pk
    )
    services.payment_approve(actor=owner, payment=payment)
    assert {refreshed(first).status, refreshed(second).status} == {"paid"}


def test_the_office_may_approve_onto_other_invoices(customer, owner, billed, invoice_of):
    reported_for, other = invoice_of("100.00"), invoice_of("30.00")
    payment = services.payment_report(
        actor=customer, method="zelle", amount="30.00", reference="Z", invoice=reported_for
    )
    services.payment_approve(
        actor=owner, payment=payment, allocations=[{"invoice": other.pk, "amount": "30.00"}]
    )
    assert refreshed(other).status == "paid" and refreshed(reported_for).balance == D("100")


def test_a_report_for_an_invoice_paid_meanwhile_becomes_credit(customer, owner, invoice_of):
    invoice = invoice_of("100.00")
    payment = services.payment_report(
        actor=customer, method="zelle", amount="100.00", reference="Z", invoice=invoice
    )
    services.payment_record(
        actor=owner,
        client=invoice.client,
        method="cash",
        amount="100",
        allocations=[{"invoice": invoice.pk, "amount": "100"}],
    )
    services.payment_approve(actor=owner, payment=payment)
    assert selectors.client_credit(viewer=owner, client=invoice.client) == D("100.00")


def test_rejecting_needs_a_reason_and_emails_it(customer, office, invoice_of):
    invoice = invoice_of("100.00")
    payment = services.payment_report(
        actor=customer, method="zelle", amount="100.00", reference="Z", invoice=invoice
    )
    with pytest.raises(ValidationError) as error:
        services.payment_reject(actor=office, payment=payment, reason="  ")
    assert error.value.message_dict == {"reason": [str(REASON_NEEDED)]}
    payment = services.payment_reject(
        actor=office, payment=payment, reason="No Zelle transfer with that code arrived."
    )
    assert (payment.status, payment.rejection_reason) == (
        PaymentStatus.FAILED,
        "No Zelle transfer with that code arrived.",
    )
    assert refreshed(invoice).balance == D("100.00")
    email = Message.objects.get(related_id=payment.pk)
    assert "No Zelle transfer with that code arrived." in email.body
    with pytest.raises(ValidationError) as error:
        services.payment_approve(actor=office, payment=payment)
    assert error.value.message_dict == {"status": [str(NOT_TO_APPROVE)]}


def test_only_the_office_approves_and_only_a_customer_reports(
    customer, owner, employee, invoice_of
):
    invoice = invoice_of("10.00")
    for member in (owner, employee):
        with pytest.raises(PermissionDenied):
            services.payment_report(actor=member, method="zelle", amount="1", reference="x")
    payment = services.payment_report(
        actor=customer, method="zelle", amount="10", reference="x", invoice=invoice
    )
    for member in (customer, employee):
        with pytest.raises(PermissionDenied):
            services.payment_approve(actor=member, payment=payment)
        with pytest.raises(PermissionDenied):
            services.payment_reject(actor=member, payment=payment, reason="no")


def test_a_customer_reports_only_for_their_own_issued_invoices(
    customer, neighbour, owner, invoice_of
):
    theirs = invoice_of("10.00")
    for bad in (theirs.pk, 0, "x", 10**20):
        with pytest.raises(ValidationError) as error:
            services.payment_report(
                actor=neighbour, method="zelle", amount="1", reference="x", invoice=bad
            )
        assert "invoice" in error.value.message_dict
    draft = invoice_of("10.00", issue=False)
    with pytest.raises(ValidationError) as error:
        services.payment_report(
            actor=customer, method="zelle", amount="1", reference="x", invoice=draft.pk
        )
    assert "invoice" in error.value.message_dict
    assert not Payment.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"method": "card"}, "method", None),
        ({"method": "cash"}, "method", None),
        ({"reference": ""}, "reference", REPORT_NEEDS_REFERENCE),
        ({"amount": "0.001"}, "amount", None),
    ],
)
def test_what_a_customer_may_report(customer, fields, field, message):
    values = {"method": "zelle", "amount": "10", "reference": "x", **fields}
    with pytest.raises(ValidationError) as error:
        services.payment_report(actor=customer, **values)
    assert field in error.value.message_dict
    if message:
        assert error.value.message_dict[field] == [str(message)]


def test_a_proof_is_a_pdf_jpeg_or_png_of_at_most_10_mb(customer):
    report = {"method": "check", "amount": "10", "reference": ""}
    payment = services.payment_report(actor=customer, proof=pdf(), **report)
    assert payment.proof.content_type == "application/pdf"
    assert services.payment_report(actor=customer, proof=picture("JPEG", "c.jpg"), **report)
    for bad in (
        picture("WEBP", "c.webp"),
        SimpleUploadedFile("notes.txt", b"I paid, promise"),
        SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)),
    ):
        with pytest.raises(ValidationError) as error:
            services.payment_report(actor=customer, proof=bad, **report)
        assert "proof" in error.value.message_dict
    assert Payment.objects.count() == 2


def test_an_employee_sees_no_payments_and_a_neighbour_not_anothers(
    customer, neighbour, employee, owner, outsider
):
    payment = services.payment_report(actor=customer, method="zelle", amount="5", reference="x")
    assert list(selectors.payment_list(viewer=employee)) == []
    assert list(selectors.payment_list(viewer=neighbour)) == []
    assert list(selectors.payment_list(viewer=outsider)) == []
    assert list(selectors.payment_list(viewer=owner)) == [payment]
    for viewer in (employee, neighbour, outsider):
        with pytest.raises(Payment.DoesNotExist):
            selectors.payment_get(viewer=viewer, payment_id=payment.pk)
    with pytest.raises(PermissionDenied):
        selectors.approval_queue(viewer=customer)
