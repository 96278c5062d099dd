"""The office's billing pages: the invoices list (filters, search as you type, paging, no
N+1), the invoice page and its actions, invoices by hand, from a job and from "Ready to
invoice", batches, and billing's parts of the home, client, job and property pages. Only the
office sees any of it."""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crewdesk.billing import services
from crewdesk.billing.models import BatchInvoice, Invoice, InvoiceStatus
from crewdesk.billing.services import LineInput as HandLine
from crewdesk.jobs.models import JobClientRole
from crewdesk.jobs.services import JobInput, LineInput, job_update
from tests.billing.conftest import pay
from tests.factories import company_today, make_job, make_property

pytestmark = pytest.mark.django_db

LIST = reverse("billing:invoice_list")
READY = reverse("billing:ready")
NEW = reverse("billing:invoice_new")


def detail(invoice) -> str:
    return reverse("billing:invoice_detail", args=[invoice.pk])


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def hand(client, *amounts, issue=False, owner=None):
    lines = [HandLine(f"Line {i}", amount) for i, amount in enumerate(amounts)]
    return services.invoice_create(actor=owner, client=client, lines=lines, issue=issue)


# --- who may open them ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [LIST, READY, NEW, reverse("billing:batch_list"), reverse("billing:batch_new")],
)
def test_only_the_office_opens_the_billing_pages(
    client_as, client, url, owner, office, employee, customer
):
    assert client_as(owner).get(url).status_code == 200
    assert client_as(office).get(url).status_code == 200
    assert client_as(employee).get(url).status_code == 403
    assert client_as(customer).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


def test_the_menu_has_invoices_for_the_office_only(client_as, owner, employee):
    home = client_as(owner).get(reverse("dashboard:home"))
    assert f'href="{LIST}"' in home.content.decode()
    assert f'href="{READY}"' in home.content.decode()
    crew = client_as(employee).get(reverse("jobs:crew_home"))
    assert f'href="{LIST}"' not in crew.content.decode()


# --- the invoices list ------------------------------------------------------------------------


def test_the_list_shows_numbers_clients_status_and_money(client_as, owner, billed, finished_job):
    issued = services.invoice_create(actor=owner, client=billed, jobs=[finished_job()], issue=True)
    draft = hand(billed, "10.00", owner=owner)
    page = text_of(client_as(owner).get(LIST))
    assert issued.number in page
    assert "Dave Dawson" in page
    assert "$120.00" in page
    assert ">Open<" in page and ">Draft<" in page
    assert page.index("drafted") < page.index(issued.number)  # drafts first
    assert f'href="{detail(draft)}"' in page


def test_search_as_you_type_answers_the_rows_only(client_as, owner, billed, make_client):
    mine = hand(billed, "10.00", issue=True, owner=owner)
    other = hand(make_client(first_name="Olga", last_name="Quist"), "20", issue=True, owner=owner)
    web = client_as(owner)
    rows = web.get(LIST, {"q": "quist"}, headers={"HX-Request": "true"})
    assert rows.status_code == 200
    body = rows.content.decode()
    assert "<html" not in body and other.number in body and mine.number not in body
    assert other.number not in web.get(LIST, {"q": mine.number}).content.decode()
    assert "No invoice matches" in web.get(LIST, {"q": "nobody-at-all"}).content.decode()


def test_overdue_filter_and_badge(client_as, owner, billed):
    late = hand(billed, "30", issue=True, owner=owner)
    hand(billed, "40", issue=True, owner=owner)
    Invoice.objects.filter(pk=late.pk).update(
        due_date=company_today(owner) - datetime.timedelta(days=3)
    )
    page = text_of(client_as(owner).get(LIST, {"overdue": "1"}))
    assert late.number in page and "Overdue 3 days" in page
    assert page.count('class="list-group-item list-group-item-action invoice-row"') == 1


def test_bad_filter_values_are_ignored_not_a_500(client_as, owner):
    response = client_as(owner).get(
        LIST,
        {
            "status": "nope",
            "client": "99999999999999999999",
            "date_from": "2027-02-30",
            "page": "x",
        },
    )
    assert response.status_code == 200


def test_pages_of_the_list(client_as, owner, billed, monkeypatch):
    from crewdesk.billing.views import invoice_list

    monkeypatch.setattr(invoice_list, "PAGE_SIZE", 2)
    made = [hand(billed, "10", issue=True, owner=owner) for _ in range(3)]
    web = client_as(owner)
    first = web.get(LIST).content.decode()
    assert made[2].number in first and made[0].number not in first and 'rel="next"' in first
    second = web.get(LIST, {"page": 2}).content.decode()
    assert made[0].number in second and 'rel="next"' not in second


def test_the_list_reads_the_same_number_of_queries_for_many_invoices(
    client_as, owner, billed, make_client, finished_job
):
    web = client_as(owner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert web.get(LIST).status_code == 200
        return len(captured)

    for i in range(3):
        someone = make_client(first_name=f"Client{i}", last_name="Many")
        hand(someone, "10", issue=True, owner=owner)
    services.invoice_create(actor=owner, client=billed, jobs=[finished_job()], issue=True)
    few = queries()
    for i in range(12):
        someone = make_client(first_name=f"More{i}", last_name="Many")
        hand(someone, "10", issue=bool(i % 2), owner=owner)
        services.invoice_create(actor=owner, client=billed, jobs=[finished_job()], issue=True)
    assert queries() == few


# --- the invoice page -------------------------------------------------------------------------


def test_the_invoice_page_shows_lines_figures_jobs_and_history(
    client_as, owner, billed, finished_job
):
    job = finished_job(lines=[LineInput("Deep clean", 2, "80.00"), LineInput("Oven", 1, "35.50")])
    invoice = services.invoice_create(
        actor=owner, client=billed, jobs=[job], discount_percent="10", customer_message="Thanks!"
    )
    services.invoice_issue(actor=owner, invoice=invoice)
    page = text_of(client_as(owner).get(detail(invoice)))
    invoice.refresh_from_db()
    assert "Deep clean" in page and "Oven" in page
    assert f'href="{reverse("jobs:detail", args=[job.pk])}"' in page
    assert "Discount (10%)" in page and "$195.50" in page  # subtotal
    assert f"${invoice.total}" in page
    assert "Thanks!" in page
    assert f"issued the invoice {invoice.number} for ${invoice.total}" in page
    assert "drafted an invoice for $" in page
    assert "DOCUMENT PART" not in page  # a template comment, not shown


def test_another_companys_invoice_is_not_found(client_as, outsider, owner, billed):
    invoice = hand(billed, "10", owner=owner)
    assert client_as(outsider).get(detail(invoice)).status_code == 404
    assert client_as(owner).get("/app/invoices/99999999999999999999/").status_code == 404


def test_issue_then_issue_again_is_a_message_not_a_500(client_as, owner, billed):
    invoice = hand(billed, "10", owner=owner)
    url = reverse("billing:invoice_issue", args=[invoice.pk])
    web = client_as(owner)
    response = web.post(url, follow=True)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.OPEN and invoice.number
    assert f"Issued: the invoice is now {invoice.number}." in text_of(response)
    again = web.post(url, follow=True)
    assert "Only a draft is issued." in text_of(again)


def test_void_needs_a_reason_and_frees_the_job(client_as, owner, billed, finished_job):
    job = finished_job()
    invoice = services.invoice_create(actor=owner, client=billed, jobs=[job], issue=True)
    url = reverse("billing:invoice_void", args=[invoice.pk])
    web = client_as(owner)
    refused = web.post(url, {"void_reason": ""})
    assert refused.status_code == 422
    assert 'id="id_void_reason-error"' in refused.content.decode()
    response = web.post(url, {"void_reason": "Wrong price"}, follow=True)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOID and invoice.void_reason == "Wrong price"
    page = text_of(response)
    assert "VOID" in page and "Wrong price" in page
    assert "Only an issued invoice is voided." in text_of(
        web.post(url, {"void_reason": "x"}, follow=True)
    )
    assert str(job) in text_of(web.get(READY))


def test_write_off_and_delete_draft(client_as, owner, billed, finished_job):
    job = finished_job()
    invoice = services.invoice_create(actor=owner, client=billed, jobs=[job], issue=True)
    web = client_as(owner)
    web.post(reverse("billing:invoice_write_off", args=[invoice.pk]))
    invoice.refresh_from_db()
    job.refresh_from_db()
    assert invoice.status == InvoiceStatus.BAD_DEBT and job.bad_debt
    assert "Written off as bad debt" in text_of(web.get(detail(invoice)))

    draft = hand(billed, "10", owner=owner)
    response = web.post(reverse("billing:invoice_delete", args=[draft.pk]))
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Invoice.objects.filter(pk=draft.pk).exists()
    not_a_draft = web.post(reverse("billing:invoice_delete", args=[invoice.pk]), follow=True)
    assert "Only a draft can be deleted" in text_of(not_a_draft)


def test_actions_are_posts_with_a_csrf_token(owner, billed, settings):
    from django.test import Client as Browser

    invoice = hand(billed, "10", owner=owner)
    web = Browser(enforce_csrf_checks=True)
    web.force_login(owner.user)
    session = web.session
    session["company_id"] = owner.company_id
    session.save()
    assert web.get(reverse("billing:invoice_issue", args=[invoice.pk])).status_code == 405
    assert web.post(reverse("billing:invoice_issue", args=[invoice.pk])).status_code == 403
    invoice.refresh_from_db()
    assert invoice.is_draft
    page = web.get(detail(invoice)).content.decode()
    assert page.count("csrfmiddlewaretoken") >= 2


# --- editing ----------------------------------------------------------------------------------


def test_edit_adds_and_removes_lines_and_sets_a_percent_discount(client_as, owner, billed):
    invoice = hand(billed, "100.00", "50.00", owner=owner)
    first, second = invoice.lines.order_by("position")
    url = reverse("billing:invoice_edit", args=[invoice.pk])
    web = client_as(owner)
    assert web.get(url).status_code == 200
    response = web.post(
        url,
        {
            "remove_line": [second.pk],
            "line_description_0": "Travel",
            "line_quantity_0": "2",
            "line_unit_price_0": "15",
            "line_taxable_0": "1",
            "discount_kind": "percent",
            "discount_value": "10",
            "customer_message": "Thank you",
        },
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert [line.description for line in invoice.lines.order_by("position", "id")] == [
        "Line 0",
        "Travel",
    ]
    assert invoice.subtotal == D("130.00") and invoice.discount == D("13.00")
    assert invoice.customer_message == "Thank you"


def test_edit_refusals_are_shown_on_the_form(client_as, owner, billed):
    invoice = hand(billed, "100.00", owner=owner)
    only = invoice.lines.get()
    url = reverse("billing:invoice_edit", args=[invoice.pk])
    web = client_as(owner)
    removed_all = web.post(url, {"remove_line": [only.pk], "discount_kind": "amount"})
    assert removed_all.status_code == 422
    assert "An invoice needs at least one line." in text_of(removed_all)
    bad = web.post(
        url,
        {
            "line_description_0": "X",
            "line_unit_price_0": "abc",
            "discount_value": "lots",
            "discount_kind": "amount",
        },
    )
    assert bad.status_code == 422
    page = text_of(bad)
    assert "Line 1: enter a number" in page and "Enter a number such as 10" in page
    huge = web.post(url, {"discount_kind": "amount", "discount_value": "1e30"})
    assert huge.status_code == 422 and "too large" in text_of(huge)


def test_an_invoice_with_a_payment_cannot_be_edited(client_as, owner, billed):
    invoice = hand(billed, "100.00", issue=True, owner=owner)
    pay(invoice, D("10.00"))
    web = client_as(owner)
    url = reverse("billing:invoice_edit", args=[invoice.pk])
    response = web.get(url, follow=True)
    assert "void it and issue a new one" in text_of(response)
    page = web.get(detail(invoice)).content.decode()
    assert url not in page


# --- a new invoice by hand ----------------------------------------------------------------------


def test_new_invoice_asks_for_the_client_first(client_as, owner, billed):
    web = client_as(owner)
    page = web.get(NEW).content.decode()
    assert 'id="client-search"' in page
    found = web.get(NEW, {"q": "dawson"}, headers={"HX-Request": "true"}).content.decode()
    assert f'href="{NEW}?client={billed.pk}"' in found


def test_new_invoice_by_hand_issued_at_once(client_as, owner, billed):
    response = client_as(owner).post(
        f"{NEW}?client={billed.pk}",
        {
            "kind": "standard",
            "line_description_0": "Window cleaning",
            "line_quantity_0": "3",
            "line_unit_price_0": "12.50",
            "line_taxable_0": "1",
            "line_description_1": "",
            "discount_kind": "amount",
            "discount_value": "2.50",
            "customer_message": "See you soon",
            "issue": "on",
        },
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(invoice)
    assert invoice.number and invoice.subtotal == D("37.50") and invoice.discount == D("2.50")


def test_a_deposit_for_a_job_to_come(client_as, owner, billed, prop):
    job = make_job(owner, prop, day=company_today(owner) + datetime.timedelta(days=5))
    web = client_as(owner)
    form = web.get(f"{NEW}?client={billed.pk}").content.decode()
    assert f'value="{job.pk}"' in form
    web.post(
        f"{NEW}?client={billed.pk}",
        {
            "kind": "deposit",
            "deposit_for": str(job.pk),
            "line_description_0": "Deposit",
            "line_unit_price_0": "50",
            "discount_kind": "amount",
        },
    )
    deposit = Invoice.objects.get()
    assert deposit.kind == "deposit" and deposit.deposit_for == job and deposit.total == D("50.00")
    panel = text_of(web.get(reverse("jobs:detail", args=[job.pk])))
    assert 'id="job-invoicing"' in panel and "Deposit" in panel


def test_a_new_invoice_needs_lines_and_numbers(client_as, owner, billed):
    web = client_as(owner)
    url = f"{NEW}?client={billed.pk}"
    empty = web.post(url, {"kind": "standard", "discount_kind": "amount"})
    assert empty.status_code == 422 and "An invoice needs at least one line." in text_of(empty)
    no_price = web.post(
        url, {"kind": "standard", "discount_kind": "amount", "line_description_0": "Oops"}
    )
    assert "Line 1: give its price." in text_of(no_price)
    nul = web.post(
        url,
        {
            "kind": "standard",
            "discount_kind": "amount",
            "line_description_0": "a\x00b",
            "line_unit_price_0": "1",
        },
    )
    assert nul.status_code in (400, 422)  # a NUL byte: refused before the form
    assert not Invoice.objects.exists()


# --- ready to invoice and a job's invoice ------------------------------------------------------


def test_ready_to_invoice_makes_one_invoice_per_billed_client(
    client_as, owner, billed, prop, finished_job, make_client
):
    payer = make_client(first_name="Paula", last_name="Payer")
    first, second = finished_job(), finished_job(lines=[LineInput("Windows", 1, "40.00")])
    paid_by_other = finished_job(lines=[LineInput("Pool", 1, "70.00")])
    job_update(
        actor=owner,
        job=paid_by_other,
        data=JobInput(extra_clients=[(payer.pk, JobClientRole.BILLING)]),
    )
    web = client_as(owner)
    page = text_of(web.get(READY))
    assert "Billed to Paula Payer" in page
    assert str(first) in page and "$40.00" in page
    response = web.post(READY, {"job": [first.pk, second.pk, paid_by_other.pk, "junk"]})
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?status=draft"
    mine = Invoice.objects.get(client=billed)
    theirs = Invoice.objects.get(client=payer)
    assert mine.total == D("160.00") and theirs.total == D("70.00")
    assert mine.status == theirs.status == InvoiceStatus.DRAFT
    assert "Everything is invoiced" in text_of(web.get(READY))


def test_ready_filters_by_client_and_issues_at_once(
    client_as, owner, billed, prop, finished_job, make_client
):
    mine = finished_job()
    someone = make_client(first_name="Sam", last_name="Else")
    theirs = finish_for(owner, someone)
    web = client_as(owner)
    filtered = text_of(web.get(READY, {"client": billed.pk}))
    assert f"ready-job-{mine.pk}" in filtered and f"ready-job-{theirs.pk}" not in filtered
    response = web.post(READY, {"job": [mine.pk], "issue": "1"}, follow=True)
    invoice = Invoice.objects.get()
    assert invoice.number and "1 invoice issued for 1 job" in text_of(response)
    assert web.post(READY, {"job": []}, follow=True).status_code == 200


def test_ready_filtered_by_client_follows_the_billing_client(
    client_as, owner, billed, prop, finished_job, make_client
):
    payer = make_client(first_name="Paula", last_name="Payer")
    own, paid_by_other = finished_job(), finished_job(lines=[LineInput("Pool", 1, "70.00")])
    job_update(
        actor=owner,
        job=paid_by_other,
        data=JobInput(extra_clients=[(payer.pk, JobClientRole.BILLING)]),
    )
    web = client_as(owner)
    for client, shown, hidden in ((billed, own, paid_by_other), (payer, paid_by_other, own)):
        page = text_of(web.get(READY, {"client": client.pk}))
        assert f"ready-job-{shown.pk}" in page and f"ready-job-{hidden.pk}" not in page


def finish_for(owner, client):
    from tests.billing.conftest import finish

    prop = make_property(owner, client, name="Elsewhere", street="9 Far Rd")
    return finish(owner, make_job(owner, prop, lines=[LineInput("Clean", 1, "10.00")]))


def test_the_job_page_invoices_a_finished_job_whole_or_in_part(
    client_as, owner, billed, finished_job, prop
):
    job = finished_job(lines=[LineInput("Clean", 1, "100.00"), LineInput("Oven", 1, "40.00")])
    web = client_as(owner)
    page = text_of(web.get(reverse("jobs:detail", args=[job.pk])))
    assert 'id="job-create-invoice"' in page and "Not invoiced yet: 2 lines, $140.00." in page
    clean, oven = job.lines.order_by("position")
    url = reverse("billing:job_invoice", args=[job.pk])
    assert web.get(url).status_code == 200
    response = web.post(url, {"job_line": [clean.pk]})
    partial = Invoice.objects.get()
    assert response["Location"] == detail(partial) and partial.total == D("100.00")
    page = text_of(web.get(reverse("jobs:detail", args=[job.pk])))
    assert str(partial) in page and "Not invoiced yet: 1 line, $40.00." in page
    web.post(url, {"whole": "1", "issue": "1"})
    rest = Invoice.objects.exclude(pk=partial.pk).get()
    assert rest.total == D("40.00") and rest.number
    assert "Every line is invoiced." in text_of(web.get(reverse("jobs:detail", args=[job.pk])))
    again = web.post(url, {"whole": "1"})
    assert again.status_code == 422 and "invoiced already" in text_of(again)
    pending = make_job(owner, prop)
    refused = web.post(reverse("billing:job_invoice", args=[pending.pk]), {"whole": "1"})
    assert refused.status_code == 422 and "Only finished jobs" in text_of(refused)
    assert (
        'id="job-invoicing"'
        not in web.get(reverse("jobs:detail", args=[pending.pk])).content.decode()
    )


def test_the_employee_sees_no_invoicing_on_a_job(client_as, owner, employee, finished_job):
    job = finished_job()
    services.invoice_create(actor=owner, client=job.client, jobs=[job])
    assert client_as(employee).get(reverse("billing:job_invoice", args=[job.pk])).status_code == 403


# --- batches ----------------------------------------------------------------------------------


def test_a_batch_of_a_clients_open_invoices(client_as, owner, billed, make_client):
    first = hand(billed, "10", issue=True, owner=owner)
    second = hand(billed, "20", issue=True, owner=owner)
    hand(billed, "30", owner=owner)  # a draft is not offered
    elsewhere = hand(
        make_client(first_name="Nope", last_name="Nobody"), "5", issue=True, owner=owner
    )
    web = client_as(owner)
    url = f"{reverse('billing:batch_new')}?client={billed.pk}"
    page = text_of(web.get(url))
    assert first.number in page and second.number in page and elsewhere.number not in page
    response = web.post(url, {"invoices": [first.pk, second.pk]})
    batch = BatchInvoice.objects.get()
    assert response["Location"] == reverse("billing:batch_detail", args=[batch.pk])
    page = text_of(web.get(response["Location"]))
    assert batch.number in page and "$30.00" in page
    assert batch.number in text_of(web.get(reverse("billing:batch_list")))
    # in a batch already: not offered again
    assert first.number not in text_of(web.get(url))
    refused = web.post(url, {"invoices": [first.pk]})
    assert refused.status_code == 422


def test_a_batch_says_several_properties_only_for_an_invoice_spanning_them(
    client_as, owner, billed, finished_job
):
    second = make_property(owner, billed, name="Lake Cabin", street="1 Lake Rd")
    jobs = [finished_job(), finished_job(prop_=second)]
    spanning = services.invoice_create(actor=owner, client=billed, jobs=jobs, issue=True)
    nowhere = hand(billed, "20", issue=True, owner=owner)
    batch = services.batch_create(actor=owner, client=billed, invoices=[spanning.pk, nowhere.pk])
    page = client_as(owner).get(reverse("billing:batch_detail", args=[batch.pk])).content.decode()
    rows = re.findall(r'<tr class="batch-invoice">.*?</tr>', page, re.S)
    assert len(rows) == 2 and sum("several" in row for row in rows) == 1


def test_a_batch_needs_an_invoice(client_as, owner, billed):
    hand(billed, "10", issue=True, owner=owner)
    url = f"{reverse('billing:batch_new')}?client={billed.pk}"
    response = client_as(owner).post(url, {})
    assert response.status_code == 422 and "Choose at least one open invoice." in text_of(response)


# --- billing on other pages -------------------------------------------------------------------


def test_the_home_panel_shows_money_owed(client_as, owner, billed, finished_job, employee):
    late = hand(billed, "30", issue=True, owner=owner)
    hand(billed, "45", issue=True, owner=owner)
    Invoice.objects.filter(pk=late.pk).update(
        due_date=company_today(owner) - datetime.timedelta(days=1)
    )
    finished_job()
    page = text_of(client_as(owner).get(reverse("dashboard:home")))
    assert 'id="home-money"' in page
    assert re.search(r'id="home-money-owed">\$75\.00<', page)
    assert re.search(r'id="home-money-overdue">\$30\.00<', page)
    assert re.search(r'id="home-money-ready">1<', page)


def test_the_client_profile_invoices_tab(client_as, owner, employee, billed):
    hand(billed, "30", issue=True, owner=owner)
    hand(billed, "5", owner=owner)
    web = client_as(owner)
    url = reverse("clients:detail", args=[billed.pk])
    profile = text_of(web.get(url))
    assert 'id="tab-invoices"' in profile and 'id="tab-batches"' in profile
    tab = text_of(web.get(url, {"panel": "invoices"}, headers={"HX-Request": "true"}))
    assert re.search(r'id="client-open-balance">\$30\.00<', tab)
    assert "Draft" in tab
    assert text_of(web.get(url, {"tab": "invoices"})).count("client-invoice") == 2
    batches = web.get(url, {"panel": "batches"}, headers={"HX-Request": "true"})
    assert "No batches yet." in text_of(batches)


def test_the_client_invoices_tab_pages_in_the_lists_order(client_as, owner, billed, monkeypatch):
    """The tab reads a page's ids, then their rows: in the invoices list's order (drafts,
    then the newest issued), each page its own."""
    from crewdesk.billing import panels, selectors
    from crewdesk.billing.filters import InvoiceFilters

    monkeypatch.setattr(panels, "CLIENT_INVOICES_PER_PAGE", 3)
    today = company_today(owner)
    for days in (5, 1, 9, 1, 3):
        invoice = hand(billed, "10", issue=True, owner=owner)
        Invoice.objects.filter(pk=invoice.pk).update(
            issue_date=today - datetime.timedelta(days=days)
        )
    hand(billed, "7", owner=owner)  # a draft: first
    listed = selectors.invoice_list(viewer=owner, filters=InvoiceFilters(client=billed.pk))
    numbers = [invoice.number or "Draft" for invoice in listed]
    web = client_as(owner)
    url = reverse("clients:detail", args=[billed.pk])
    shown = []
    for page in (1, 2):
        tab = text_of(
            web.get(
                url,
                {"panel": "invoices", "invoices_page": page},
                headers={"HX-Request": "true"},
            )
        )
        shown += re.findall(r'client-invoice">\s*<div[^>]*>\s*<a[^>]*>([^<]+)</a>', tab)
    assert shown == numbers and len(shown) == 6


def test_the_property_page_lists_its_invoices(client_as, owner, billed, prop, finished_job):
    invoice = services.invoice_create(actor=owner, client=billed, jobs=[finished_job()], issue=True)
    page = text_of(client_as(owner).get(reverse("properties:detail", args=[prop.pk])))
    assert 'id="property-invoices"' in page and invoice.number in page


def test_billing_fills_the_job_pages_registration_point():
    from crewdesk.jobs.display import JOB_PANELS

    assert [(p.name, p.slot) for p in JOB_PANELS] == [("invoicing", "main")]


def test_ready_and_the_clients_tab_read_the_same_number_of_queries_for_many_rows(
    client_as, owner, billed, finished_job, make_client
):
    web = client_as(owner)
    profile = reverse("clients:detail", args=[billed.pk])

    def queries(url, **params) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert web.get(url, params, headers={"HX-Request": "true"}).status_code == 200
        return len(captured)

    payer = make_client(first_name="Paula", last_name="Payer")

    def add_rows():
        job = finished_job()
        job_update(actor=owner, job=job, data=JobInput(extra_clients=[(payer.pk, "billing")]))
        finished_job()
        hand(billed, "10", issue=True, owner=owner)

    add_rows()
    few = (queries(READY), queries(profile, panel="invoices"))
    for _ in range(6):
        add_rows()
    assert (queries(READY), queries(profile, panel="invoices")) == few


def test_the_invoice_and_batch_pages_link_their_pdf_and_public_link(client_as, owner, billed):
    from crewdesk.billing.services import LineInput as Hand
    from crewdesk.billing.services import batch_create, invoice_create

    invoice = invoice_create(actor=owner, client=billed, lines=[Hand("Visit", "10")], issue=True)
    batch = batch_create(actor=owner, client=billed, invoices=[invoice.pk])
    browser = client_as(owner)
    page = browser.get(f"/app/invoices/{invoice.pk}/").content.decode()
    assert f'href="/app/invoices/{invoice.pk}/pdf"' in page
    assert f'href="/d/{invoice.public_token}/"' in page
    page = browser.get(f"/app/batches/{batch.pk}/").content.decode()
    assert f'href="/app/batches/{batch.pk}/pdf"' in page
    assert f'href="/d/{batch.public_token}/"' in page
    pdf = browser.get(f"/app/invoices/{invoice.pk}/pdf")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_an_invoiced_job_offers_neither_reopen_nor_bad_debt(client_as, owner, billed, finished_job):
    job = finished_job()
    services.invoice_create(actor=owner, client=billed, jobs=[job.pk])
    web = client_as(owner)
    page = web.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'id="billing-lock"' in page
    assert "status-buttons" not in page and reverse("jobs:bad_debt", args=[job.pk]) not in page
    web.post(reverse("jobs:bad_debt", args=[job.pk]), {"value": "on"})
    job.refresh_from_db()
    assert not job.bad_debt
