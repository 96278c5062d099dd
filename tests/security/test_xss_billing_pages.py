"""Stored XSS on the office's billing pages: a payload typed into every free-text field an
invoice shows — its lines by hand, its message, a void reason, the company's invoice prefix
(in every number), and what it copies or names from clients, properties and jobs — comes out
escaped on every billing page and billing part of another page. (How the payloads and the
checks work: tests/security/test_xss.py.)"""

import pytest
from django.urls import reverse

from crewdesk.billing import services
from crewdesk.billing.services import LineInput as HandLine
from crewdesk.jobs.services import LineInput
from tests.billing.conftest import finish
from tests.factories import make_job, make_property
from tests.security.test_xss import ATTRIBUTE_URL, closing, img, page_text, script, short, svg
from tests.security.test_xss import template as template_payload

PAYLOADS = {
    "client.first_name": closing("client.first_name"),
    "client.last_name": img("client.last_name"),
    "property.name": script("property.name"),
    "property.street": svg("property.street"),
    "job.title": svg("job.title"),
    "job_line.description": script("job_line.description"),
    "hand_line.description": img("hand_line.description"),
    "invoice.customer_message": template_payload("invoice.customer_message"),
    "invoice.void_reason": closing("invoice.void_reason"),
    "company.invoice_prefix": short("p"),
    # The payments pages' own text (payments/views).
    "payment.reference": img("payment.reference"),
    "payment.rejection_reason": closing("payment.rejection_reason"),
    "payment.failure_reason": script("payment.failure_reason"),
    "refund.reason": svg("refund.reason"),
    "report.reference": template_payload("report.reference"),
}


def raw(key: str) -> str:
    return PAYLOADS[key].raw


def assert_escaped(response, shows=()) -> str:
    assert response.status_code == 200, page_text(response)[:2000]
    html = page_text(response)
    leaked = [key for key, payload in PAYLOADS.items() if payload.markup in html]
    assert not leaked, f"shown as markup, not as text: {leaked}"
    assert not ATTRIBUTE_URL.findall(html)
    missing = [key for key in shows if PAYLOADS[key].escaped not in html]
    assert not missing, f"not shown (escaped) where expected: {missing}"
    assert "49" + "2" not in html  # {{7*7}} never ran
    return html


@pytest.fixture
def world(owner, make_client):
    company = owner.company
    company.invoice_prefix = raw("company.invoice_prefix")
    company.save(update_fields=["invoice_prefix"])
    client = make_client(
        first_name=raw("client.first_name"),
        last_name=raw("client.last_name"),
        email="x@example.com",
    )
    prop = make_property(owner, client, name=raw("property.name"), street=raw("property.street"))

    def job():
        made = make_job(
            owner,
            prop,
            title=raw("job.title"),
            lines=[LineInput(raw("job_line.description"), 1, "10.00")],
        )
        return finish(owner, made)

    invoiced_job, ready_job = job(), job()
    hand = HandLine(raw("hand_line.description"), "5.00")
    invoice = services.invoice_create(
        actor=owner,
        client=client,
        jobs=[invoiced_job],
        lines=[hand],
        customer_message=raw("invoice.customer_message"),
        issue=True,
    )
    void = services.invoice_create(actor=owner, client=client, lines=[hand], issue=True)
    services.invoice_void(actor=owner, invoice=void, reason=raw("invoice.void_reason"))
    draft = services.invoice_create(
        actor=owner, client=client, lines=[hand], customer_message=raw("invoice.customer_message")
    )
    batch = services.batch_create(actor=owner, client=client, invoices=[invoice.pk])
    return {
        "client": client,
        "prop": prop,
        "invoice": invoice,
        "void": void,
        "draft": draft,
        "batch": batch,
        "invoiced_job": invoiced_job,
        "ready_job": ready_job,
    }


NAMES = ("client.first_name", "client.last_name")


def test_the_invoices_list_and_its_search(world, client_as, owner):
    web = client_as(owner)
    url = reverse("billing:invoice_list")
    assert_escaped(web.get(url), shows=(*NAMES, "property.name", "company.invoice_prefix"))
    found = web.get(url, {"q": raw("client.last_name")}, headers={"HX-Request": "true"})
    assert_escaped(found)
    assert_escaped(web.get(url, {"client": world["client"].pk}), shows=NAMES)


@pytest.mark.parametrize("which", ["invoice", "void", "draft"])
def test_the_invoice_page(world, client_as, owner, which):
    shows = {
        "invoice": (
            *NAMES,
            "hand_line.description",
            "job_line.description",
            "job.title",
            "invoice.customer_message",
            "company.invoice_prefix",
            "property.name",
        ),
        "void": ("hand_line.description", "invoice.void_reason", "company.invoice_prefix"),
        "draft": ("hand_line.description", "invoice.customer_message"),
    }[which]
    response = client_as(owner).get(reverse("billing:invoice_detail", args=[world[which].pk]))
    assert_escaped(response, shows=shows)


def test_the_invoice_form_new_and_edit(world, client_as, owner):
    web = client_as(owner)
    new = web.get(reverse("billing:invoice_new"), {"client": world["client"].pk})
    assert_escaped(new, shows=NAMES)
    edit = web.get(reverse("billing:invoice_edit", args=[world["draft"].pk]))
    assert_escaped(edit, shows=("hand_line.description", "invoice.customer_message"))
    refused = web.post(
        reverse("billing:invoice_edit", args=[world["draft"].pk]),
        {"discount_kind": "amount", "discount_value": "x", "line_description_0": raw("job.title")},
    )
    assert refused.status_code == 422
    assert PAYLOADS["job.title"].markup not in page_text(refused)


def test_choosing_a_client(world, client_as, owner):
    response = client_as(owner).get(
        reverse("billing:invoice_new"), {"q": "x@example.com"}, headers={"HX-Request": "true"}
    )
    assert_escaped(response)


def test_ready_to_invoice_and_a_jobs_invoice(world, client_as, owner):
    web = client_as(owner)
    assert_escaped(web.get(reverse("billing:ready")), shows=(*NAMES, "job.title", "property.name"))
    job = world["ready_job"]
    assert_escaped(
        web.get(reverse("billing:job_invoice", args=[job.pk])),
        shows=("job.title", "job_line.description"),
    )
    assert_escaped(
        web.get(reverse("billing:job_invoice", args=[world["invoiced_job"].pk])),
        shows=("job_line.description", "company.invoice_prefix"),
    )


def test_the_batch_pages(world, client_as, owner):
    web = client_as(owner)
    assert_escaped(
        web.get(reverse("billing:batch_detail", args=[world["batch"].pk])),
        shows=(*NAMES, "company.invoice_prefix", "property.name"),
    )
    assert_escaped(web.get(reverse("billing:batch_list")), shows=NAMES)
    assert_escaped(web.get(reverse("billing:batch_new"), {"client": world["client"].pk}))


def test_billing_on_the_job_client_property_and_home_pages(world, client_as, owner):
    web = client_as(owner)
    assert_escaped(
        web.get(reverse("jobs:detail", args=[world["invoiced_job"].pk])),
        shows=("company.invoice_prefix", "job_line.description"),
    )
    profile = reverse("clients:detail", args=[world["client"].pk])
    tab = web.get(profile, {"panel": "invoices"}, headers={"HX-Request": "true"})
    assert_escaped(tab, shows=("company.invoice_prefix", "property.name"))
    assert_escaped(web.get(profile, {"panel": "batches"}, headers={"HX-Request": "true"}))
    assert_escaped(
        web.get(reverse("properties:detail", args=[world["prop"].pk])),
        shows=("company.invoice_prefix",),
    )
    assert_escaped(web.get(reverse("dashboard:home")))


# --- the payments pages -------------------------------------------------------------------------


@pytest.fixture
def paid(world, owner, customer):
    """The world's client paying: a check (part of it refunded, with a reason), a bounced
    check, a report rejected and one waiting, each with the payloads in its free text."""
    from crewdesk.payments import services as payments

    client, invoice = world["client"], world["invoice"]
    customer.client = client
    customer.save(update_fields=["client"])
    check = payments.payment_record(
        actor=owner,
        client=client,
        method="check",
        amount="20.00",
        reference=raw("payment.reference"),
        allocations=[{"invoice": invoice.pk, "amount": "5.00"}],
    )
    payments.payment_refund(actor=owner, payment=check, amount="2.00", reason=raw("refund.reason"))
    bounced = payments.payment_record(
        actor=owner, client=client, method="check", amount="3.00", reference="B1"
    )
    payments.payment_reverse(actor=owner, payment=bounced, reason=raw("payment.failure_reason"))
    rejected = payments.payment_report(
        actor=customer, method="zelle", amount="4.00", reference=raw("report.reference")
    )
    payments.payment_reject(actor=owner, payment=rejected, reason=raw("payment.rejection_reason"))
    waiting = payments.payment_report(
        actor=customer,
        method="zelle",
        amount="6.00",
        reference=raw("report.reference"),
        invoice=invoice.pk,
    )
    return {"check": check, "bounced": bounced, "rejected": rejected, "waiting": waiting}


def test_the_payments_list_and_its_search(world, paid, client_as, owner):
    web = client_as(owner)
    url = reverse("payments:list")
    assert_escaped(web.get(url), shows=(*NAMES, "payment.reference", "report.reference"))
    found = web.get(url, {"q": raw("client.last_name")}, headers={"HX-Request": "true"})
    assert_escaped(found, shows=("payment.reference",))
    assert_escaped(web.get(url, {"client": world["client"].pk}), shows=NAMES)


@pytest.mark.parametrize(
    ("which", "shows"),
    [
        ("check", ("payment.reference", "refund.reason", "company.invoice_prefix", *NAMES)),
        ("bounced", ("payment.failure_reason",)),
        ("rejected", ("payment.rejection_reason", "report.reference")),
        ("waiting", ("report.reference", "company.invoice_prefix")),
    ],
)
def test_a_payment_page(world, paid, client_as, owner, which, shows):
    response = client_as(owner).get(reverse("payments:detail", args=[paid[which].pk]))
    assert_escaped(response, shows=shows)


def test_recording_a_payment_and_its_errors(world, paid, client_as, owner):
    web = client_as(owner)
    url = reverse("payments:new")
    form = web.get(url, {"client": world["client"].pk, "invoice": world["invoice"].pk})
    assert_escaped(form, shows=(*NAMES, "company.invoice_prefix"))
    refused = web.post(
        url, {"client": world["client"].pk, "method": "cash", "reference": raw("job.title")}
    )
    assert refused.status_code == 422
    assert PAYLOADS["job.title"].markup not in page_text(refused)


def test_the_approval_queue_and_its_rows(world, paid, client_as, owner):
    web = client_as(owner)
    assert_escaped(web.get(reverse("payments:approvals")), shows=(*NAMES, "report.reference"))
    row = web.post(
        reverse("payments:reject", args=[paid["waiting"].pk]),
        {"from": "queue", "rejection_reason": raw("payment.rejection_reason")},
        headers={"HX-Request": "true"},
    )
    assert_escaped(row, shows=NAMES)


def test_aging_its_csv_and_the_client_parts(world, paid, client_as, owner):
    web = client_as(owner)
    assert_escaped(web.get(reverse("payments:aging")), shows=NAMES)
    csv = b"".join(web.get(reverse("payments:aging_csv")).streaming_content).decode()
    # A CSV is text: the name as typed, its quotes doubled.
    assert raw("client.first_name").replace('"', '""') in csv
    profile = reverse("clients:detail", args=[world["client"].pk])
    assert_escaped(web.get(profile, {"tab": "payments"}), shows=("payment.reference",))
    invoice = reverse("billing:invoice_detail", args=[world["invoice"].pk])
    assert_escaped(web.get(invoice), shows=("payment.reference",))
