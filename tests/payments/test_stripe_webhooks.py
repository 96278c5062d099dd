"""Online payments through Stripe (the local stand-in, tests/stripe_standin.py): only a signed
webhook makes a payment, once per event, a status only moving forward; ACH settles later or
fails; a debit card pays no fee; a wrong amount waits unmatched; disputes, refunds made in
Stripe's dashboard and the office's refunds through Stripe."""

import time
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from crewdesk.accounts.services import api_token_create
from crewdesk.billing import services as billing
from crewdesk.billing.models import InvoiceStatus
from crewdesk.clients.models import Notice
from crewdesk.payments import online, services
from crewdesk.payments.models import (
    AttemptStatus,
    Dispute,
    OnlineAttempt,
    Payment,
    PaymentStatus,
    Refund,
    StripeEvent,
)
from tests.payments.conftest import refreshed
from tests.stripe_standin import (  # noqa: F401  (the stand-in's fixtures)
    _stripe_standin_server,
    post_webhook,
    signed,
    stripe_standin,
)

pytestmark = pytest.mark.django_db


def pay_online(document, kind="credit"):
    """The customer's steps on the pay page: quote from a ConfirmationToken, then confirm."""
    attempt = online.attempt_quote(document=document, confirmation_token=f"ctoken_{kind}_t1")
    intent = online.attempt_confirm(
        document=document, attempt=attempt, return_url="http://testserver/done"
    )
    return refreshed(attempt), intent


def send(client, stripe_standin, intent, kind, **changes):  # noqa: F811
    response = post_webhook(client, stripe_standin.intent_event(intent.id, kind, **changes))
    assert response.status_code == 200, response.content
    return response.json()["outcome"]


def test_ach_pending_then_failed(client, stripe_standin, owner, invoice_of):  # noqa: F811
    invoice = invoice_of("120.00")
    attempt, intent = pay_online(invoice, "ach")
    assert intent.status == "processing" and attempt.fee_amount == 0
    assert send(client, stripe_standin, intent, "payment_intent.processing") == "processing"
    payment = Payment.objects.get()
    assert (payment.status, payment.method, payment.amount) == ("pending", "ach", D("120.00"))
    assert refreshed(invoice).balance == D("120.00")  # pending allocates nothing
    assert online.pay_action(document=invoice, token="t").url == ""  # "Payment processing"
    with pytest.raises(ValidationError, match="still processing"):
        billing.invoice_void(actor=owner, invoice=invoice, reason="x")
    assert send(client, stripe_standin, intent, "payment_intent.payment_failed") == "failed"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED and "insufficient funds" in payment.failure_reason
    assert not payment.allocations.exists()
    assert refreshed(invoice).status == InvoiceStatus.OPEN
    assert refreshed(attempt).status == AttemptStatus.FAILED
    assert online.pay_action(document=invoice, token="t").url  # Pay again


def test_ach_pending_then_succeeded(client, stripe_standin, owner, invoice_of):  # noqa: F811
    invoice = invoice_of("120.00")
    attempt, intent = pay_online(invoice, "ach")
    send(client, stripe_standin, intent, "payment_intent.processing")
    assert send(client, stripe_standin, intent, "payment_intent.succeeded") == "completed"
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.COMPLETED
    assert payment.stripe_payment_intent == intent.id == refreshed(attempt).stripe_payment_intent
    assert refreshed(invoice).status == InvoiceStatus.PAID
    # Late or repeated news moves nothing back.
    send(client, stripe_standin, intent, "payment_intent.processing")
    assert refreshed(payment).status == PaymentStatus.COMPLETED
    assert online.pay_action(document=invoice, token="t") is None


def test_a_succeeded_event_before_processing_completes_the_payment(
    client,
    stripe_standin,  # noqa: F811
    invoice_of,
):
    invoice = invoice_of("50.00")
    _attempt, intent = pay_online(invoice, "ach")
    send(client, stripe_standin, intent, "payment_intent.succeeded")
    send(client, stripe_standin, intent, "payment_intent.processing")
    send(client, stripe_standin, intent, "payment_intent.payment_failed")
    assert Payment.objects.get().status == PaymentStatus.COMPLETED
    assert refreshed(invoice).status == InvoiceStatus.PAID


def test_twenty_duplicate_webhook_events_record_one_payment(
    client,
    stripe_standin,  # noqa: F811
    invoice_of,
):
    invoice = invoice_of("80.00")
    _attempt, intent = pay_online(invoice)
    event = stripe_standin.intent_event(intent.id, "payment_intent.succeeded")
    outcomes = [post_webhook(client, event).json()["outcome"] for _ in range(20)]
    assert outcomes.count("completed") == 1 and outcomes.count("duplicate") == 19
    assert Payment.objects.count() == 1 and StripeEvent.objects.count() == 1
    assert refreshed(invoice).amount_paid == D("80.00")


def test_a_debit_card_pays_no_fee_and_a_credit_card_does(
    client,
    stripe_standin,  # noqa: F811
    owner,
    invoice_of,
):
    company = owner.company
    company.card_fee_percent = D("3.5")  # above the 3% limit: 3% it is
    company.save()
    invoice = invoice_of("100.00")
    debit = online.attempt_quote(document=invoice, confirmation_token="ctoken_debit_a")
    credit = online.attempt_quote(document=invoice, confirmation_token="ctoken_credit_b")
    prepaid = online.attempt_quote(document=invoice, confirmation_token="ctoken_prepaid_c")
    assert (debit.fee_amount, credit.fee_amount, prepaid.fee_amount) == (0, D("3.00"), 0)
    intent = online.attempt_confirm(document=invoice, attempt=debit, return_url="http://x/")
    assert intent.amount == 10000 and stripe_standin.intents[intent.id]["amount"] == 10000
    send(client, stripe_standin, intent, "payment_intent.succeeded")
    payment = Payment.objects.get()
    assert (payment.amount, payment.fee_amount, payment.method) == (D("100.00"), 0, "card")
    assert refreshed(invoice).status == InvoiceStatus.PAID


def test_a_credit_card_fee_is_kept_on_the_payment_not_the_invoice(
    client,
    stripe_standin,  # noqa: F811
    owner,
    invoice_of,
):
    owner.company.card_fee_percent = D("2.5")
    owner.company.save()
    invoice = invoice_of("100.00")
    attempt, intent = pay_online(invoice, "credit")
    assert (attempt.fee_amount, attempt.total, intent.amount) == (D("2.50"), D("102.50"), 10250)
    send(client, stripe_standin, intent, "payment_intent.succeeded")
    payment = Payment.objects.get()
    assert (payment.amount, payment.fee_amount) == (D("100.00"), D("2.50"))
    assert refreshed(invoice).amount_paid == D("100.00")


def test_the_companys_cap_limits_a_card_fee(stripe_standin, owner, invoice_of):  # noqa: F811
    company = owner.company
    company.card_fee_percent, company.card_fee_cap = D("3"), D("5.00")
    company.save()
    big, small = invoice_of("1000.00"), invoice_of("100.00")
    capped = online.attempt_quote(document=big, confirmation_token="ctoken_credit_a")
    under = online.attempt_quote(document=small, confirmation_token="ctoken_credit_b")
    assert (capped.fee_amount, under.fee_amount) == (D("5.00"), D("3.00"))


def test_a_wrong_amount_is_kept_unmatched_for_the_office(
    client,
    client_as,
    owner,
    stripe_standin,  # noqa: F811
    invoice_of,
):
    invoice = invoice_of("120.00")
    _attempt, intent = pay_online(invoice)
    outcome = send(
        client,
        stripe_standin,
        intent,
        "payment_intent.succeeded",
        amount=9900,
        amount_received=9900,
    )
    assert outcome == "unmatched"
    payment = Payment.objects.get()
    assert payment.unmatched and payment.status == PaymentStatus.TO_APPROVAL
    assert payment.amount == D("99.00") and not payment.allocations.exists()
    assert refreshed(invoice).balance == D("120.00")
    assert Notice.objects.filter(client=invoice.client, text__contains="review").exists()
    # The office sees it for what it is, on its page, in the queue and in the API.
    web = client_as(owner)
    page = web.get(reverse("payments:detail", args=[payment.pk])).content.decode()
    assert 'id="payment-unmatched-notice"' in page
    assert "payment-unmatched" in web.get(reverse("payments:approvals")).content.decode()
    token = api_token_create(membership=owner).raw
    answer = web.get(f"/api/v1/payments/{payment.pk}", headers={"Authorization": f"Bearer {token}"})
    assert answer.json()["unmatched"] is True


def test_a_wrong_currency_is_kept_unmatched(client, stripe_standin, invoice_of):  # noqa: F811
    invoice = invoice_of("120.00")
    _attempt, intent = pay_online(invoice)
    send(client, stripe_standin, intent, "payment_intent.succeeded", currency="eur")
    payment = Payment.objects.get()
    assert payment.unmatched and payment.currency == "EUR" and not payment.allocations.exists()


def _paid_by_card(client, stripe_standin, invoice):  # noqa: F811
    _attempt, intent = pay_online(invoice)
    send(client, stripe_standin, intent, "payment_intent.succeeded")
    return Payment.objects.get(stripe_payment_intent=intent.id), intent


def test_a_dispute_lost(client, stripe_standin, invoice_of):  # noqa: F811
    invoice = invoice_of("90.00")
    payment, intent = _paid_by_card(client, stripe_standin, invoice)
    created = stripe_standin.dispute_event(intent.id, "charge.dispute.created")
    assert post_webhook(client, created).json()["outcome"] == "dispute open"
    assert refreshed(invoice).balance == D("90.00")
    assert refreshed(payment).status == PaymentStatus.FAILED
    closed = stripe_standin.dispute_event(intent.id, "charge.dispute.closed", "lost")
    assert post_webhook(client, closed).json()["outcome"] == "dispute lost"
    assert refreshed(invoice).status == InvoiceStatus.OPEN
    assert Dispute.objects.get().status == "lost"
    texts = list(Notice.objects.filter(client=invoice.client).values_list("text", flat=True))
    assert any("disputed" in t for t in texts) and any("lost" in t for t in texts)


def test_a_dispute_won(client, stripe_standin, invoice_of):  # noqa: F811
    invoice = invoice_of("90.00")
    payment, intent = _paid_by_card(client, stripe_standin, invoice)
    post_webhook(client, stripe_standin.dispute_event(intent.id, "charge.dispute.created"))
    assert refreshed(invoice).status == InvoiceStatus.OPEN
    closed = stripe_standin.dispute_event(intent.id, "charge.dispute.closed", "won")
    assert post_webhook(client, closed).json()["outcome"] == "dispute won"
    assert refreshed(payment).status == PaymentStatus.COMPLETED
    assert refreshed(invoice).status == InvoiceStatus.PAID
    assert payment.allocations.filter(reversed_at__isnull=True).count() == 1


def test_a_dispute_lost_reported_before_its_opening_still_reverses(
    client,
    stripe_standin,  # noqa: F811
    invoice_of,
):
    invoice = invoice_of("90.00")
    _payment, intent = _paid_by_card(client, stripe_standin, invoice)
    post_webhook(client, stripe_standin.dispute_event(intent.id, "charge.dispute.closed", "lost"))
    post_webhook(client, stripe_standin.dispute_event(intent.id, "charge.dispute.created"))
    assert refreshed(invoice).status == InvoiceStatus.OPEN
    assert Dispute.objects.get().status == "lost"


def test_a_refund_made_in_stripes_dashboard_is_recorded(
    client,
    stripe_standin,  # noqa: F811
    invoice_of,
):
    invoice = invoice_of("100.00")
    payment, intent = _paid_by_card(client, stripe_standin, invoice)
    event = stripe_standin.dashboard_refund(intent.id, 4000)
    assert post_webhook(client, event).json()["outcome"] == "refund recorded"
    refund = Refund.objects.get()
    assert refund.amount == D("40.00") and refund.stripe_refund_id.startswith("re_")
    assert refreshed(invoice).balance == D("40.00")
    assert refreshed(payment).refunded_amount == D("40.00")
    # Stripe's refund.updated of the same refund changes nothing more.
    again = {
        "id": "evt_again",
        "type": "refund.updated",
        "data": {"object": next(iter(stripe_standin.refunds.values()))},
    }
    assert post_webhook(client, again).json()["outcome"] == "refund known"
    assert Refund.objects.count() == 1


def test_the_offices_refund_goes_through_stripe_once(
    client,
    stripe_standin,  # noqa: F811
    owner,
    invoice_of,
):
    owner.company.card_fee_percent = D("3")
    owner.company.save()
    invoice = invoice_of("100.00")
    payment, intent = _paid_by_card(client, stripe_standin, invoice)
    refund = services.payment_refund(actor=owner, payment=payment, amount="50.00")
    assert (refund.amount, refund.fee_amount) == (D("50.00"), D("1.50"))
    made = stripe_standin.refunds[refund.stripe_refund_id]
    assert made["amount"] == 5150 and made["payment_intent"] == intent.id
    keys = [p for m, path, p in stripe_standin.requests if path == "/v1/refunds"]
    assert len(keys) == 1
    # Stripe then tells us of it: known, not recorded twice.
    event = {"id": "evt_r", "type": "refund.updated", "data": {"object": made}}
    assert post_webhook(client, event).json()["outcome"] == "refund known"
    assert refreshed(payment).refunded_amount == D("50.00")


def test_a_refund_stripe_refuses_is_not_recorded(
    client,
    stripe_standin,  # noqa: F811
    owner,
    invoice_of,
):
    invoice = invoice_of("100.00")
    payment, intent = _paid_by_card(client, stripe_standin, invoice)
    stripe_standin.dashboard_refund(intent.id)  # all of it given back in the dashboard already
    with pytest.raises(ValidationError, match="greater than unrefunded"):
        services.payment_refund(actor=owner, payment=payment, amount="10.00")
    assert not Refund.objects.exists() and refreshed(invoice).status == InvoiceStatus.PAID


def test_a_bad_signature_is_400(client, stripe_standin, invoice_of):  # noqa: F811
    invoice = invoice_of("100.00")
    _attempt, intent = pay_online(invoice)
    event = stripe_standin.intent_event(intent.id, "payment_intent.succeeded")
    forged = post_webhook(client, event, secret="whsec_someone_else")
    assert forged.status_code == 400
    body, header = signed(event)
    tampered = client.post(
        "/webhooks/stripe/",
        body.replace("10000", "1"),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    unsigned = client.post("/webhooks/stripe/", body, content_type="application/json")
    assert tampered.status_code == unsigned.status_code == 400
    assert not Payment.objects.exists() and not StripeEvent.objects.exists()


def test_an_old_timestamp_is_400(client, stripe_standin, invoice_of):  # noqa: F811
    invoice = invoice_of("100.00")
    _attempt, intent = pay_online(invoice)
    event = stripe_standin.intent_event(intent.id, "payment_intent.succeeded")
    old = post_webhook(client, event, timestamp=int(time.time()) - 301)
    assert old.status_code == 400 and not Payment.objects.exists()
    recent = post_webhook(client, event, timestamp=int(time.time()) - 200)
    assert recent.status_code == 200 and Payment.objects.count() == 1


def test_another_companys_event_is_ignored(
    client,
    stripe_standin,  # noqa: F811
    settings,
    invoice_of,
    outsider,
):
    settings.STRIPE_COMPANY = "acme"
    invoice = invoice_of("100.00")
    _attempt, intent = pay_online(invoice)
    event = stripe_standin.intent_event(
        intent.id,
        "payment_intent.succeeded",
        metadata={"crewdesk_company": str(outsider.company_id), "crewdesk_attempt": "1"},
    )
    response = post_webhook(client, event)
    assert response.status_code == 200 and response.json()["outcome"] == "unknown payment intent"
    assert not Payment.objects.exists()
    # Served by the installation's account: only STRIPE_COMPANY.
    settings.STRIPE_COMPANY = "bravo"
    event = stripe_standin.intent_event(intent.id, "payment_intent.succeeded")
    assert post_webhook(client, event).json()["outcome"] == "unknown payment intent"
    assert not Payment.objects.exists()
    assert online.pay_action(document=invoice, token="t") is None


def test_other_event_types_answer_200_and_change_nothing(client, stripe_standin):  # noqa: F811
    event = {"id": "evt_other", "type": "customer.created", "data": {"object": {"id": "cus_1"}}}
    response = post_webhook(client, event)
    assert response.status_code == 200 and response.json()["outcome"] == "not handled"


def test_a_replayed_idempotency_key_charges_once(stripe_standin, invoice_of):  # noqa: F811
    from crewdesk.payments import stripe_gateway as gateway

    invoice = invoice_of("100.00")
    attempt = online.attempt_quote(document=invoice, confirmation_token="ctoken_credit_x")
    first = gateway.payment_intent_create(
        amount=attempt.total,
        currency="USD",
        confirmation_token=attempt.confirmation_token,
        idempotency_key=online.idempotency_key(attempt),
        metadata={
            "crewdesk_attempt": str(attempt.pk),
            "crewdesk_company": str(attempt.company_id),
        },
        return_url="http://x/",
    )
    again = online.attempt_confirm(document=invoice, attempt=attempt, return_url="http://x/")
    assert again is not None and again.id == first.id and len(stripe_standin.intents) == 1
    # Confirming twice makes nothing more.
    assert online.attempt_confirm(document=invoice, attempt=attempt, return_url="http://x/") is None
    with pytest.raises(gateway.GatewayError, match="same parameters"):
        gateway.payment_intent_create(
            amount=D("1.00"),
            currency="USD",
            confirmation_token=attempt.confirmation_token,
            idempotency_key=online.idempotency_key(attempt),
            metadata={},
            return_url="http://x/",
        )


def test_an_amount_under_fifty_cents_is_refused(stripe_standin, invoice_of):  # noqa: F811
    from crewdesk.payments import stripe_gateway as gateway

    with pytest.raises(gateway.GatewayError, match="at least"):
        gateway.payment_intent_create(
            amount=D("0.49"),
            currency="USD",
            confirmation_token="ctoken_credit_x",
            idempotency_key="k-small",
            metadata={},
            return_url="http://x/",
        )
    invoice = invoice_of("0.40")
    with pytest.raises(ValidationError, match="nothing left to pay"):
        online.attempt_quote(document=invoice, confirmation_token="ctoken_credit_x")
    assert online.pay_action(document=invoice, token="t") is None


def test_a_declined_card_fails_the_attempt_and_records_no_payment(
    stripe_standin,  # noqa: F811
    invoice_of,
):
    invoice = invoice_of("100.00")
    attempt = online.attempt_quote(document=invoice, confirmation_token="ctoken_declined_x")
    with pytest.raises(ValidationError, match="declined"):
        online.attempt_confirm(document=invoice, attempt=attempt, return_url="http://x/")
    assert refreshed(attempt).status == AttemptStatus.FAILED and not Payment.objects.exists()


def test_a_batch_pay_all_charges_the_balance_when_confirmed(
    client,
    stripe_standin,  # noqa: F811
    owner,
    billed,
    invoice_of,
):
    from tests.billing.conftest import pay

    first, second = invoice_of("100.00"), invoice_of("50.00")
    batch = billing.batch_create(actor=owner, client=billed, invoices=[first.pk, second.pk])
    attempt = online.attempt_quote(document=batch, confirmation_token="ctoken_debit_x")
    assert attempt.amount == D("150.00")
    pay(second, "20.00")  # paid through the invoice meanwhile
    with pytest.raises(online.BalanceChanged):
        online.attempt_confirm(document=batch, attempt=attempt, return_url="http://x/")
    assert refreshed(attempt).amount == D("130.00")
    intent = online.attempt_confirm(document=batch, attempt=attempt, return_url="http://x/")
    assert intent.amount == 13000
    send(client, stripe_standin, intent, "payment_intent.succeeded")
    assert refreshed(first).status == refreshed(second).status == InvoiceStatus.PAID
    assert online.document_balance(batch) == 0


def test_an_overpayment_becomes_credit_and_the_office_is_told(
    client,
    stripe_standin,  # noqa: F811
    owner,
    invoice_of,
):
    from tests.billing.conftest import pay

    invoice = invoice_of("100.00")
    _attempt, intent = pay_online(invoice, "ach")
    send(client, stripe_standin, intent, "payment_intent.processing")
    pay(invoice, "30.00")  # a check came while the ACH was settling
    send(client, stripe_standin, intent, "payment_intent.succeeded")
    payment = Payment.objects.get(stripe_payment_intent=intent.id)
    assert payment.allocations.get().amount == D("70.00")
    assert Notice.objects.filter(text__contains="30.00").exists()
    assert OnlineAttempt.objects.get().status == AttemptStatus.SUCCEEDED


def test_an_online_payment_is_not_refunded_here_without_stripe(
    client,
    stripe_standin,  # noqa: F811
    settings,
    owner,
    invoice_of,
):
    payment, _intent = _paid_by_card(client, stripe_standin, invoice_of("100.00"))
    settings.STRIPE_SECRET_KEY = ""
    with pytest.raises(ValidationError, match="dashboard"):
        services.payment_refund(actor=owner, payment=payment, amount="10.00")
    assert not Refund.objects.exists() and not stripe_standin.refunds


def test_a_completed_online_payment_runs_its_hooks_after_the_commit(
    client,
    stripe_standin,  # noqa: F811
    monkeypatch,
    invoice_of,
    django_capture_on_commit_callbacks,
):
    from crewdesk.payments import webhooks

    seen = []
    monkeypatch.setattr(
        webhooks, "ONLINE_PAYMENT_COMPLETED", [lambda *, payment_id: seen.append(payment_id)]
    )
    _attempt, intent = pay_online(invoice_of("100.00"))
    with django_capture_on_commit_callbacks(execute=True):
        send(client, stripe_standin, intent, "payment_intent.succeeded")
    assert seen == [Payment.objects.get().pk]


def test_the_cleanup_prunes_old_events_and_unconfirmed_quotes(stripe_standin, invoice_of):  # noqa: F811
    import datetime

    from django.utils import timezone

    from crewdesk.core.cleanup import cleanup_run

    invoice = invoice_of("100.00")
    online.attempt_quote(document=invoice, confirmation_token="ctoken_credit_x")
    _attempt, _intent = pay_online(invoice)
    StripeEvent.objects.create(event_id="evt_old", type="x")
    later = timezone.now() + datetime.timedelta(days=31)
    deleted = cleanup_run(later)
    assert deleted["Stripe webhook events"] == 1 and deleted["online payment quotes"] == 1
    assert OnlineAttempt.objects.count() == 1  # the confirmed one stays
