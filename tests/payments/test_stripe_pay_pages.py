"""The public link's pay pages (/d/<token>/pay/): the Payment Element from STRIPE_JS_URL, the
final amount with the card fee shown before the PaymentIntent is made, "payment processing"
instead of Pay while a payment settles, and a success page that marks nothing paid."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from crewdesk.billing.models import InvoiceStatus
from crewdesk.payments.models import OnlineAttempt, Payment
from tests.payments.conftest import refreshed
from tests.stripe_standin import (  # noqa: F401  (the stand-in's fixtures)
    _stripe_standin_server,
    post_webhook,
    stripe_standin,
)

pytestmark = pytest.mark.django_db


def pay_url(invoice, name="pay"):
    return reverse(f"public_pay:{name}", args=[invoice.public_token])


def test_the_public_page_offers_pay_only_when_stripe_is_set_up(client, settings, invoice_of):
    invoice = invoice_of("120.00")
    page = client.get(f"/d/{invoice.public_token}/")
    assert page.status_code == 200 and pay_url(invoice) not in page.content.decode()
    assert client.get(pay_url(invoice)).status_code == 404


def test_paying_by_credit_card_shows_the_fee_before_paying(
    client,
    stripe_standin,  # noqa: F811
    owner,
    invoice_of,
):
    owner.company.card_fee_percent = D("3")
    owner.company.save()
    invoice = invoice_of("120.00")
    page = client.get(f"/d/{invoice.public_token}/").content.decode()
    assert pay_url(invoice) in page
    form = client.get(pay_url(invoice))
    assert form.status_code == 200
    assert stripe_standin.url in form["Content-Security-Policy"]
    assert f'src="{stripe_standin.url}/js/stripe.js"' in form.content.decode()
    quote = client.post(pay_url(invoice), {"confirmation_token": "ctoken_credit_abc"})
    text = quote.content.decode()
    assert quote.status_code == 200 and "$3.60" in text and "$123.60" in text
    assert not stripe_standin.intents  # nothing charged before the customer confirms
    attempt = OnlineAttempt.objects.get()
    done = client.post(pay_url(invoice, "confirm"), {"attempt": attempt.pk})
    assert done.status_code == 302 and done["Location"].startswith(pay_url(invoice, "done"))
    (intent,) = stripe_standin.intents.values()
    assert intent["amount"] == 12360 and intent["status"] == "succeeded"


def test_the_success_page_marks_nothing_paid(
    client,
    stripe_standin,  # noqa: F811
    invoice_of,
):
    invoice = invoice_of("120.00")
    client.post(pay_url(invoice), {"confirmation_token": "ctoken_debit_abc"})
    attempt = OnlineAttempt.objects.get()
    done = client.post(pay_url(invoice, "confirm"), {"attempt": attempt.pk}, follow=True)
    assert done.status_code == 200 and "being confirmed" in done.content.decode()
    # Coming back to it, twice, with or without the attempt, changes nothing.
    client.get(pay_url(invoice, "done") + f"?attempt={attempt.pk}")
    client.get(pay_url(invoice, "done"))
    assert not Payment.objects.exists()
    assert refreshed(invoice).status == InvoiceStatus.OPEN
    public = client.get(f"/d/{invoice.public_token}/").content.decode()
    assert "Payment processing" in public and pay_url(invoice) not in public
    # Only the signed webhook does.
    (intent_id,) = stripe_standin.intents
    post_webhook(client, stripe_standin.intent_event(intent_id, "payment_intent.succeeded"))
    assert refreshed(invoice).status == InvoiceStatus.PAID
    assert (
        "received"
        in client.get(pay_url(invoice, "done") + f"?attempt={attempt.pk}").content.decode()
    )


def test_a_pending_ach_payment_hides_pay(client, stripe_standin, invoice_of):  # noqa: F811
    invoice = invoice_of("120.00")
    client.post(pay_url(invoice), {"confirmation_token": "ctoken_ach_abc"})
    client.post(pay_url(invoice, "confirm"), {"attempt": OnlineAttempt.objects.get().pk})
    (intent_id,) = stripe_standin.intents
    post_webhook(client, stripe_standin.intent_event(intent_id, "payment_intent.processing"))
    public = client.get(f"/d/{invoice.public_token}/").content.decode()
    assert "Payment processing" in public and pay_url(invoice) not in public
    assert "processing" in client.get(pay_url(invoice)).content.decode()
    again = client.post(pay_url(invoice), {"confirmation_token": "ctoken_credit_x"})
    assert again.status_code == 400 and OnlineAttempt.objects.count() == 1


@pytest.mark.parametrize(
    "values",
    [
        {"confirmation_token": ""},
        {"confirmation_token": "ctoken_nosuch_kind"},
        {"confirmation_token": "x" * 5000},
        {},
    ],
)
def test_a_bad_confirmation_token_is_a_form_error(
    client,
    stripe_standin,  # noqa: F811
    invoice_of,
    values,
):
    invoice = invoice_of("120.00")
    answer = client.post(pay_url(invoice), values)
    assert answer.status_code == 400 and not OnlineAttempt.objects.exists()


@pytest.mark.parametrize("attempt", ["", "abc", "99999999999999999999", "-1", "0"])
def test_a_bad_attempt_is_refused(client, stripe_standin, invoice_of, attempt):  # noqa: F811
    invoice = invoice_of("120.00")
    answer = client.post(pay_url(invoice, "confirm"), {"attempt": attempt})
    assert answer.status_code == 400 and not stripe_standin.intents
    assert client.get(pay_url(invoice, "done") + f"?attempt={attempt}").status_code == 200


def test_another_documents_attempt_is_refused(client, stripe_standin, invoice_of):  # noqa: F811
    first, second = invoice_of("120.00"), invoice_of("80.00")
    client.post(pay_url(first), {"confirmation_token": "ctoken_credit_abc"})
    attempt = OnlineAttempt.objects.get()
    answer = client.post(pay_url(second, "confirm"), {"attempt": attempt.pk})
    assert answer.status_code == 400 and not stripe_standin.intents


def test_a_made_up_token_is_a_404(client, stripe_standin):  # noqa: F811
    assert client.get("/d/" + "x" * 43 + "/pay/").status_code == 404
    assert client.post("/d/" + "x" * 43 + "/pay/confirm", {"attempt": "1"}).status_code == 404


def test_a_card_asking_for_its_banks_check_gets_the_next_action_page(
    client,
    stripe_standin,  # noqa: F811
    invoice_of,
):
    invoice = invoice_of("120.00")
    client.post(pay_url(invoice), {"confirmation_token": "ctoken_3ds_abc"})
    answer = client.post(pay_url(invoice, "confirm"), {"attempt": OnlineAttempt.objects.get().pk})
    assert answer.status_code == 200 and "_secret_" in answer.content.decode()


def test_a_batchs_pay_all_through_its_public_link(
    client,
    stripe_standin,  # noqa: F811
    owner,
    billed,
    invoice_of,
):
    from crewdesk.billing import services as billing

    first, second = invoice_of("100.00"), invoice_of("50.00")
    batch = billing.batch_create(actor=owner, client=billed, invoices=[first.pk, second.pk])
    page = client.get(f"/d/{batch.public_token}/").content.decode()
    assert pay_url(batch) in page
    quote = client.post(pay_url(batch), {"confirmation_token": "ctoken_ach_abc"})
    assert "$150.00" in quote.content.decode()
    client.post(pay_url(batch, "confirm"), {"attempt": OnlineAttempt.objects.get().pk})
    (intent_id,) = stripe_standin.intents
    post_webhook(client, stripe_standin.intent_event(intent_id, "payment_intent.processing"))
    # Processing on the batch: neither the batch nor its invoices offer Pay.
    for token in (batch.public_token, first.public_token, second.public_token):
        assert "Payment processing" in client.get(f"/d/{token}/").content.decode()
    post_webhook(client, stripe_standin.intent_event(intent_id, "payment_intent.succeeded"))
    assert refreshed(first).status == refreshed(second).status == InvoiceStatus.PAID
    assert Payment.objects.get().batch_id == batch.pk
