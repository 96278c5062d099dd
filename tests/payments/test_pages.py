"""The office's payments pages: the list (quick views, filters, search as you type, pages,
no N+1), recording a payment (spread over open invoices, the rest credit, form errors), the
payment page and its actions (apply credit, refund, reverse, approve, reject), the approval
queue, aging with its CSV, and payments' parts of the client, invoice and home pages. Only
the office sees any of it."""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crewdesk.billing import documents
from crewdesk.payments import selectors, services
from crewdesk.payments.models import Payment, PaymentAllocation, PaymentStatus
from tests.factories import company_today
from tests.payments.conftest import refreshed
from tests.payments.test_report import pdf, picture

pytestmark = pytest.mark.django_db

LIST = reverse("payments:list")
NEW = reverse("payments:new")
QUEUE = reverse("payments:approvals")
AGING = reverse("payments:aging")
AGING_CSV = reverse("payments:aging_csv")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def page_of(payment) -> str:
    return reverse("payments:detail", args=[payment.pk])


def act(payment, name: str) -> str:
    return reverse(f"payments:{name}", args=[payment.pk])


def check(owner, client, amount="100.00", reference="1042", allocations=(), **extra):
    return services.payment_record(
        actor=owner,
        client=client,
        method=extra.pop("method", "check"),
        amount=amount,
        reference=reference,
        allocations=list(allocations),
        **extra,
    )


def report(customer, invoice, amount="100.00", reference="ZL-1"):
    return services.payment_report(
        actor=customer, method="zelle", amount=amount, reference=reference, invoice=invoice
    )


# --- who may open them ------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, NEW, QUEUE, AGING, AGING_CSV])
def test_only_the_office_opens_the_payments_pages(
    client_as, client, url, owner, office, employee, customer
):
    assert client_as(owner).get(url).status_code == 200
    assert client_as(office).get(url).status_code == 200
    assert client_as(employee).get(url).status_code == 403
    assert client_as(customer).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_a_payment_page_is_the_offices_only(client_as, owner, office, employee, customer, billed):
    payment = check(owner, billed)
    assert client_as(office).get(page_of(payment)).status_code == 200
    assert client_as(employee).get(page_of(payment)).status_code == 403
    assert client_as(customer).get(page_of(payment)).status_code == 403
    assert client_as(owner).get(reverse("payments:detail", args=[99999999])).status_code == 404


def test_the_menu_has_payments_with_the_count_to_approve(
    client_as, owner, employee, customer, invoice_of
):
    home = text_of(client_as(owner).get(reverse("dashboard:home")))
    assert f'href="{LIST}"' in home and "home-approvals" not in home
    report(customer, invoice_of("100.00"))
    report(customer, invoice_of("50.00"), amount="50.00")
    browser = client_as(owner)
    home = text_of(browser.get(reverse("dashboard:home")))
    badge_url = reverse("payments:approvals_badge")
    assert f'hx-get="{badge_url}"' in home
    assert "2 payments reported by customers wait for your approval" in home
    badge = text_of(browser.get(badge_url))
    assert re.search(r'class="badge[^>]*>2<', badge) and "<html" not in badge
    assert client_as(employee).get(badge_url).status_code == 403
    crew = client_as(employee).get(reverse("jobs:crew_home")).content.decode()
    assert f'href="{LIST}"' not in crew


# --- the list ---------------------------------------------------------------------------------


def test_the_list_shows_payments_with_credit_and_filters(
    client_as, owner, customer, billed, make_client, invoice_of
):
    invoice = invoice_of("80.00")
    paid = check(owner, billed, "100.00", "1042", [{"invoice": invoice.pk, "amount": "80.00"}])
    other = make_client(first_name="Olga", last_name="Other")
    cash = check(owner, other, "25.00", "", method="cash")
    waiting = report(customer, invoice_of("60.00"), amount="60.00", reference="ZL-9")
    browser = client_as(owner)
    page = text_of(browser.get(LIST))
    assert "1042" in page and "$20.00 credit" in page and "Olga Other" in page and "ZL-9" in page
    assert "Check" in page and "Cash" in page
    to_approve = text_of(browser.get(LIST, {"status": "to_approval"}))
    assert "ZL-9" in to_approve and "1042" not in to_approve
    by_method = text_of(browser.get(LIST, {"method": "cash"}))
    assert "Olga Other" in by_method and "1042" not in by_method
    by_client = text_of(browser.get(LIST, {"client": other.pk}))
    assert (
        "Olga Other" in by_client and "1042" not in by_client and "Show all payments" in by_client
    )
    services.payment_reverse(actor=owner, payment=paid, reason="bounced")
    problems = text_of(browser.get(LIST, {"status": "problems"}))
    assert "1042" in problems and "ZL-9" not in problems
    assert {cash, waiting}  # made for the list


def test_search_finds_a_reference_or_a_client_and_htmx_gets_the_rows(
    client_as, owner, billed, make_client
):
    check(owner, billed, reference="CHK-77")
    other = make_client(first_name="Walter", last_name="Wong")
    check(owner, other, reference="555")
    browser = client_as(owner)
    found = text_of(browser.get(LIST, {"q": "chk-77"}))
    assert "CHK-77" in found and "Walter" not in found
    rows = browser.get(LIST, {"q": "Wong"}, headers={"HX-Request": "true"})
    assert "<html" not in rows.content.decode() and "Walter Wong" in text_of(rows)
    none = text_of(browser.get(LIST, {"q": "nothing-like-it"}))
    assert "No payment matches" in none


def test_the_list_filters_by_the_day_received(client_as, owner, billed):
    today = company_today(owner)
    old = check(owner, billed, reference="OLD-1", received_at=today - datetime.timedelta(days=40))
    check(owner, billed, reference="NEW-1", received_at=today)
    since = (today - datetime.timedelta(days=5)).isoformat()
    page = text_of(client_as(owner).get(LIST, {"date_from": since}))
    assert "NEW-1" in page and "OLD-1" not in page
    until = (today - datetime.timedelta(days=30)).isoformat()
    page = text_of(client_as(owner).get(LIST, {"date_to": until}))
    assert "OLD-1" in page and "NEW-1" not in page
    assert old.pk


def test_bad_filter_values_are_ignored(client_as, owner):
    query = {"status": "x", "method": "<b>", "client": "abc", "date_from": "1-1", "page": "-3"}
    assert client_as(owner).get(LIST, query).status_code == 200


def test_the_list_pages_without_counting(client_as, owner, billed, monkeypatch):
    from crewdesk.payments.views import payment_list

    monkeypatch.setattr(payment_list, "PAGE_SIZE", 2)
    for n in range(5):
        check(owner, billed, reference=f"P{n}")
    browser = client_as(owner)
    first = text_of(browser.get(LIST))
    assert "P4" in first and "P3" in first and "P2" not in first and 'rel="next"' in first
    third = text_of(browser.get(LIST, {"page": 3}))
    assert "P0" in third and 'rel="next"' not in third and "Page 3" in third


def test_the_list_reads_the_same_few_queries_whatever_the_number_of_payments(
    client_as, owner, billed, invoice_of, make_client
):
    browser = client_as(owner)
    browser.get(LIST)  # warm the session and the menu

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert browser.get(LIST).status_code == 200
        return len(captured.captured_queries)

    check(owner, billed)
    few = queries()
    for n in range(6):
        invoice = invoice_of("10.00")
        who = make_client(first_name=f"Client{n}", last_name="Many")
        check(owner, who, "5.00", f"R{n}", proof=picture())
        check(owner, billed, "10.00", f"S{n}", [{"invoice": invoice.pk, "amount": "10.00"}])
    assert queries() == few
    with CaptureQueriesContext(connection) as captured:
        browser.get(LIST, {"q": "Many"}, headers={"HX-Request": "true"})
    assert len(captured.captured_queries) <= few + 3


# --- recording a payment ----------------------------------------------------------------------


def test_a_new_payment_asks_for_the_client_first(client_as, owner, billed):
    page = text_of(client_as(owner).get(NEW, {"q": "Dawson"}))
    assert "Record a payment" in page and f"{NEW}?client={billed.pk}" in page


def test_the_form_spreads_the_invoice_first_then_oldest_due(client_as, owner, billed, invoice_of):
    older, newer = invoice_of("100.00"), invoice_of("40.00")
    page = client_as(owner).get(NEW, {"invoice": newer.pk})
    text = text_of(page)
    assert page.status_code == 200 and "Dave Dawson" in text
    assert f'name="apply_{newer.pk}" id="id_apply_{newer.pk}" value="40.00"' in text
    assert f'name="apply_{older.pk}" id="id_apply_{older.pk}" value=""' in text
    assert text.index(f"apply_{newer.pk}") < text.index(f"apply_{older.pk}")
    assert "Left as credit" in text


def test_recording_pays_invoices_and_leaves_credit(client_as, owner, billed, invoice_of):
    first, second = invoice_of("100.00"), invoice_of("50.00")
    response = client_as(owner).post(
        NEW,
        {
            "client": billed.pk,
            "method": "check",
            "amount": "200.00",
            "reference": "2001",
            "received_on": company_today(owner).isoformat(),
            f"apply_{first.pk}": "100.00",
            f"apply_{second.pk}": "20",
            "proof": pdf(),
        },
    )
    payment = Payment.objects.get()
    assert response.status_code == 302 and response["Location"] == page_of(payment)
    assert (payment.amount, payment.reference, payment.method) == (D("200.00"), "2001", "check")
    assert payment.proof.name == "receipt.pdf"
    refreshed(first, second)
    assert (first.balance, second.balance) == (D("0.00"), D("30.00"))
    assert selectors.client_credit(viewer=owner, client=billed) == D("80.00")
    page = text_of(client_as(owner).get(page_of(payment)))
    assert "Recorded" in page and "Credit left: $80.00" in page and "receipt.pdf" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"amount": ""}, "amount", "This field is required"),
        ({"amount": "-5"}, "amount", "at least 0"),
        ({"method": "bitcoin"}, "method", "Select a valid choice"),
        ({"received_on": "2999-01-01"}, "received_on", "cannot be received in the future"),
        ({"apply_INV": "500.00"}, None, "more than the payment"),
        ({"apply_INV": "abc"}, None, "Enter amounts to apply"),
        ({"amount": "500", "apply_INV": "150.00"}, None, "more than the balance"),
        ({"proof": "TEXT"}, "proof", ""),
    ],
)
def test_the_form_shows_what_is_wrong_and_records_nothing(
    client_as, owner, billed, invoice_of, change, field, message
):
    invoice = invoice_of("100.00")
    data = {
        "client": billed.pk,
        "method": "cash",
        "amount": "100.00",
        "received_on": company_today(owner).isoformat(),
    }
    for key, value in change.items():
        key = key.replace("INV", str(invoice.pk))
        if value == "TEXT":
            from django.core.files.uploadedfile import SimpleUploadedFile

            value = SimpleUploadedFile("x.txt", b"just text")
        data[key] = value
    response = client_as(owner).post(NEW, data)
    assert response.status_code == 422
    text = text_of(response)
    assert message in text
    if field:
        assert f'id="id_{field}-error"' in text
    assert not Payment.objects.exists()


def test_another_companys_client_or_invoice_is_not_offered(client_as, owner, outsider, make_client):
    theirs = make_client(actor=outsider, first_name="Else", last_name="Where")
    page = text_of(client_as(owner).get(NEW, {"client": theirs.pk}))
    assert "Else Where" not in page and "Who is it for?" in page


def test_the_invoice_page_and_profile_offer_record_payment(client_as, owner, billed, invoice_of):
    invoice = invoice_of("75.00")
    draft = invoice_of("10.00", issue=False)
    browser = client_as(owner)
    page = browser.get(reverse("billing:invoice_detail", args=[invoice.pk])).content.decode()
    assert f"{NEW}?client={billed.pk}&amp;invoice={invoice.pk}" in page
    page = browser.get(reverse("billing:invoice_detail", args=[draft.pk])).content.decode()
    assert "invoice-record-payment" not in page
    profile = text_of(browser.get(reverse("clients:detail", args=[billed.pk])))
    assert f"{NEW}?client={billed.pk}" in profile
    assert 'id="client-balance-amount">$75.00' in profile.replace("> ", ">")


# --- the payment page and its actions ---------------------------------------------------------


def test_the_page_shows_allocations_struck_refunds_and_history(
    client_as, owner, billed, invoice_of
):
    first, second = invoice_of("100.00"), invoice_of("50.00")
    payment = check(
        owner,
        billed,
        "200.00",
        allocations=[
            {"invoice": first.pk, "amount": "100.00"},
            {"invoice": second.pk, "amount": "50.00"},
        ],
    )
    services.payment_refund(actor=owner, payment=payment, amount="60.00", reason="Overpaid")
    page = text_of(client_as(owner).get(page_of(payment)))
    assert "<del>" in page and "undone: refund" in page
    assert "$60.00" in page and "Overpaid" in page
    assert "recorded a payment of $200.00" in page and "refunded $60.00" in page
    assert "Credit left: $0.00" in page


def test_applying_credit_from_the_page(client_as, owner, billed, invoice_of):
    payment = check(owner, billed, "100.00")
    invoice = invoice_of("60.00")
    browser = client_as(owner)
    page = text_of(browser.get(page_of(payment)))
    assert f'name="apply_{invoice.pk}" id="id_apply_{invoice.pk}" value="60.00"' in page
    too_much = browser.post(act(payment, "apply"), {f"apply_{invoice.pk}": "70.00"})
    assert too_much.status_code == 422 and "more than the balance" in text_of(too_much)
    none = browser.post(act(payment, "apply"), {})
    assert none.status_code == 422 and "Name an invoice" in text_of(none)
    done = browser.post(act(payment, "apply"), {f"apply_{invoice.pk}": "60.00"})
    assert done.status_code == 302
    assert refreshed(invoice).balance == D("0.00")
    assert selectors.payment_credit(viewer=owner, payment=payment) == D("40.00")


def test_refunding_from_named_invoices_and_refusals(client_as, owner, billed, invoice_of):
    first, second = invoice_of("100.00"), invoice_of("100.00")
    payment = check(
        owner,
        billed,
        "200.00",
        allocations=[
            {"invoice": first.pk, "amount": "100.00"},
            {"invoice": second.pk, "amount": "100.00"},
        ],
    )
    browser = client_as(owner)
    too_much = browser.post(act(payment, "refund"), {"amount": "250.00"})
    assert too_much.status_code == 422 and "at most 200.00" in text_of(too_much)
    bad = browser.post(act(payment, "refund"), {"amount": "x"})
    assert bad.status_code == 422 and 'id="id_amount-error"' in text_of(bad)
    done = browser.post(
        act(payment, "refund"), {"amount": "30.00", "invoices": [first.pk], "reason": "Damage"}
    )
    assert done.status_code == 302
    refreshed(first, second)
    assert (first.balance, second.balance) == (D("30.00"), D("0.00"))


def test_reversing_a_bounced_check(client_as, owner, billed, invoice_of):
    invoice = invoice_of("100.00")
    payment = check(owner, billed, allocations=[{"invoice": invoice.pk, "amount": "100.00"}])
    browser = client_as(owner)
    assert "Reverse (bounced)" in text_of(browser.get(page_of(payment)))
    done = browser.post(act(payment, "reverse"), {"failure_reason": "NSF"})
    assert done.status_code == 302
    assert refreshed(payment).status == PaymentStatus.FAILED
    assert refreshed(invoice).balance == D("100.00")
    page = text_of(browser.get(page_of(payment)))
    assert "Reversed: NSF" in page and "Reverse (bounced)" not in page
    again = browser.post(act(payment, "reverse"), {"failure_reason": "NSF"})
    assert again.status_code == 422 and "Only a completed payment" in text_of(again)


def test_approving_and_rejecting_on_the_page(client_as, owner, customer, invoice_of):
    invoice = invoice_of("100.00")
    first, second = report(customer, invoice), report(customer, invoice, reference="ZL-2")
    browser = client_as(owner)
    page = text_of(browser.get(page_of(first)))
    assert "Approve" in page and "Reject" in page and "Refund" not in page
    assert browser.post(act(first, "approve")).status_code == 302
    assert refreshed(first).status == PaymentStatus.COMPLETED
    assert refreshed(invoice).balance == D("0.00")
    no_reason = browser.post(act(second, "reject"), {"rejection_reason": " "})
    assert no_reason.status_code == 422 and "id_rejection_reason-error" in text_of(no_reason)
    assert (
        browser.post(act(second, "reject"), {"rejection_reason": "Not in bank"}).status_code == 302
    )
    second = refreshed(second)
    assert (second.status, second.rejection_reason) == (PaymentStatus.FAILED, "Not in bank")
    twice = browser.post(act(second, "approve"))
    assert twice.status_code == 422 and "waiting for approval" in text_of(twice)


def test_the_proof_is_downloaded_by_the_office_only(client_as, owner, employee, customer, billed):
    payment = check(owner, billed, proof=picture())
    bare = check(owner, billed, reference="none")
    response = client_as(owner).get(act(payment, "proof"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert client_as(owner).get(act(bare, "proof")).status_code == 404
    assert client_as(employee).get(act(payment, "proof")).status_code == 403
    assert client_as(customer).get(act(payment, "proof")).status_code == 403


def test_actions_are_posts(client_as, owner, billed):
    payment = check(owner, billed)
    for name in ("apply", "refund", "reverse", "approve", "reject"):
        assert client_as(owner).get(act(payment, name)).status_code == 405


# --- the approval queue -----------------------------------------------------------------------


def test_the_queue_approves_and_rejects_in_its_rows(client_as, owner, customer, invoice_of):
    invoice = invoice_of("100.00")
    first, second = report(customer, invoice), report(customer, invoice, reference="ZL-2")
    browser = client_as(owner)
    queue = text_of(browser.get(QUEUE))
    assert "ZL-1" in queue and "ZL-2" in queue
    htmx = {"HX-Request": "true"}
    row = browser.post(act(first, "approve"), {"from": "queue"}, headers=htmx)
    assert row.status_code == 200 and "<html" not in row.content.decode()
    assert "Approved" in text_of(row) and refreshed(first).status == "completed"
    assert row["HX-Trigger"] == "payments-reviewed"  # the menu's badge reloads
    refused = browser.post(act(second, "reject"), {"from": "queue"}, headers=htmx)
    assert "id_rejection_reason-error" in text_of(refused)
    assert refreshed(second).status == PaymentStatus.TO_APPROVAL
    row = browser.post(
        act(second, "reject"), {"from": "queue", "rejection_reason": "Unknown"}, headers=htmx
    )
    assert "Rejected" in text_of(row) and refreshed(second).status == "failed"
    assert "Nothing to approve" in text_of(browser.get(QUEUE))


# --- aging ------------------------------------------------------------------------------------


def _due(invoice, days_ago: int, owner):
    from crewdesk.billing.models import Invoice

    due = company_today(owner) - datetime.timedelta(days=days_ago)
    Invoice.objects.filter(pk=invoice.pk).update(due_date=due)


def test_aging_by_bucket_per_client_and_as_csv(client_as, owner, billed, invoice_of, make_client):
    other = make_client(first_name="Ana", last_name="Aged")
    late = invoice_of("100.00")
    _due(late, 45, owner)
    _due(invoice_of("30.00", client=other), 120, owner)
    invoice_of("20.00")  # current
    browser = client_as(owner)
    page = text_of(browser.get(AGING))
    assert "$150.00" in page and "Ana Aged" in page and "Dave Dawson" in page
    assert page.index("Dave Dawson") < page.index("Ana Aged")  # most owed first
    assert 'data-bucket="over_90"' in page and "width: 100" in page
    response = browser.get(AGING_CSV)
    assert response.streaming and response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Client,Current,1–30 days")
    assert "Dave Dawson,20.00,0.00,100.00,0.00,0.00,120.00" in lines
    assert "Ana Aged,0.00,0.00,0.00,0.00,30.00,30.00" in lines
    assert lines[-1] == "All clients,20.00,0.00,100.00,0.00,30.00,150.00"


def test_aging_with_nothing_owed(client_as, owner):
    assert "No client owes anything" in text_of(client_as(owner).get(AGING))


# --- the client, the invoice and its documents ------------------------------------------------


def test_the_client_profile_shows_balance_credit_and_a_payments_tab(
    client_as, owner, billed, invoice_of
):
    invoice_of("100.00")
    check(owner, billed, "30.00", "CR-1")
    browser = client_as(owner)
    profile = text_of(browser.get(reverse("clients:detail", args=[billed.pk])))
    assert 'id="client-balance-amount">$70.00' in profile.replace("> ", ">")
    assert 'id="client-credit">$30.00' in profile.replace("> ", ">")
    assert "Payments" in profile
    tab = text_of(browser.get(reverse("clients:detail", args=[billed.pk]), {"tab": "payments"}))
    assert "CR-1" in tab and "$30.00 credit" in tab


def test_the_invoice_page_and_its_document_list_the_payments(client_as, owner, billed, invoice_of):
    invoice = invoice_of("100.00")
    payment = check(owner, billed, "60.00", "7788", [{"invoice": invoice.pk, "amount": "60.00"}])
    page = text_of(client_as(owner).get(reverse("billing:invoice_detail", args=[invoice.pk])))
    assert page_of(payment) in page and "Check 7788" in page
    doc = documents.invoice_document(invoice=refreshed(invoice))
    paid = documents.applied_payments([invoice])[invoice.pk]
    assert [(p.label, p.amount) for p in paid] == [("Check 7788", D("60.00"))]
    assert paid[0].received == company_today(owner)
    assert doc is not None
    assert PaymentAllocation.objects.count() == 1
