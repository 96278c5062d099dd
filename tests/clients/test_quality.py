"""The data-quality page: completeness per field, suspected duplicates, unreachable clients and
malformed emails, with the clients to fix; scoped to the member's company, in a fixed number of
queries."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection
from django.test import Client as DjangoClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crewdesk.clients import quality
from crewdesk.clients.models import Client, ClientPhone, DuplicatePair, QualityCount
from crewdesk.clients.quality import EMAIL_PATTERN
from crewdesk.clients.services import client_tag_add

URL = "/app/clients/quality/"


def completeness(response) -> dict[str, tuple[int, float]]:
    return {
        item.check.key: (item.count, item.percent)
        for item in response.context["summary"].completeness
    }


@pytest.fixture
def four_clients(owner, make_client):
    """4 active clients (and 1 archived): emails 3/4, phones 2/4, address 1/4, type 2/4,
    lead source 1/4, tags 1/4."""
    a = make_client(
        first_name="Ann",
        last_name="Lee",
        email="ann@example.com",
        phones=[("mobile", "+1 415 555 0101")],
        street="1 Main St",
        city="Austin",
        postal_code="78701",
        client_type="residential",
        lead_source="Referral",
    )
    make_client(first_name="Bo", last_name="Diaz", email="bo@example.com", client_type="commercial")
    make_client(first_name="Cy", last_name="Park", email="cy@example.com")
    make_client(first_name="Di", last_name="Ngo", phones=[("mobile", "+1 415 555 0104")])
    archived = make_client(first_name="Ed", last_name="Old", email="ed@example.com")
    Client.objects.filter(pk=archived.pk).update(archived_at=timezone.now())
    client_tag_add(actor=owner, client=a, name="VIP")
    return a


def test_completeness_counts_active_clients_only(owner, client_as, four_clients):
    response = client_as(owner).get(URL)
    assert response.status_code == 200
    assert response.context["summary"].total == 4
    assert completeness(response) == {
        "email": (3, 75.0),
        "phone": (2, 50.0),
        "address": (1, 25.0),
        "client_type": (2, 50.0),
        "lead_source": (1, 25.0),
        "tags": (1, 25.0),
    }
    html = response.content.decode()
    assert 'aria-valuenow="75.0"' in html and "3 of 4" in html
    assert "4 active clients" in html


def test_url_is_named_quality_in_the_clients_namespace():
    assert reverse("clients:quality") == URL


def test_a_client_without_email_nor_phone_and_malformed_emails_are_counted(
    owner, client_as, make_client
):
    reachable = make_client(first_name="Ok", last_name="One", email="ok@example.com")
    bad = make_client(first_name="Bad", last_name="Email", email="bad@example.com")
    lost = make_client(first_name="Lost", last_name="Touch", email="lost@example.com")
    # Rows from before validation existed (an old import): the page must still find them.
    Client.objects.filter(pk=bad.pk).update(email="bad@@example")
    Client.objects.filter(pk=lost.pk).update(email="")
    response = client_as(owner).get(URL)
    assert response.context["summary"].problems == {"unreachable": 1, "invalid_email": 1}

    listed = client_as(owner).get(URL, {"show": "unreachable"})
    assert [c.pk for c in listed.context["offenders"]] == [lost.pk]
    listed = client_as(owner).get(URL, {"show": "invalid_email"})
    assert [c.pk for c in listed.context["offenders"]] == [bad.pk]
    html = listed.content.decode()
    assert reverse("clients:detail", args=[bad.pk]) in html
    assert reachable.email not in html


@pytest.mark.parametrize(
    "email",
    [
        "a@b.co",
        "first.last+tag@example.com",
        "o'brien@example.ie",
        "x_y-z@sub.domain.org",
        "UPPER@EXAMPLE.COM",
        "j.smith84@mail.co.uk",
        "no-at-sign",
        "two@@example.com",
        "a@b",
        "a b@example.com",
        "a@example..com",
        ".a@example.com",
        "a.@example.com",
        "a..b@example.com",
        "a@-example.com",
        "a@example.c",
        "a@exa_mple.com",
        "a@example.co-",
        "a@-.com",
        "@example.com",
        "a@",
    ],
)
def test_the_malformed_email_rule_agrees_with_djangos_validator(owner, make_client, email):
    client = make_client(first_name="E", last_name="Mail", phones=[("mobile", "+14155550199")])
    Client.objects.filter(pk=client.pk).update(email=email)
    try:
        validate_email(email)
        valid = True
    except ValidationError:
        valid = False
    assert Client.objects.filter(pk=client.pk, email__regex=EMAIL_PATTERN).exists() == valid


def test_missing_field_list_shows_clients_in_name_order(owner, client_as, four_clients):
    response = client_as(owner).get(URL, {"show": "no_phone"})
    assert [c.display_name for c in response.context["offenders"]] == ["Bo Diaz", "Cy Park"]
    assert response.context["offenders_count"] == 2
    assert "Clients without a phone" in response.content.decode()


def test_an_unknown_list_is_ignored(owner, client_as, four_clients):
    response = client_as(owner).get(URL, {"show": "passwords"})
    assert response.status_code == 200
    assert response.context["show"] == "" and response.context["offenders"] == []


def test_open_duplicate_pairs_are_counted_and_linked(owner, client_as, make_client):
    one = make_client(first_name="John", last_name="Smith", email="john@example.com")
    two = make_client(first_name="Jon", last_name="Smith", email="john@example.com")
    three = make_client(first_name="Jo", last_name="Smith", email="jo@example.com")
    DuplicatePair.objects.all().delete()  # saving may already have found them
    DuplicatePair.objects.create(
        company_id=owner.company_id, client_a=one, client_b=two, score=96, reasons=["same email"]
    )
    DuplicatePair.objects.create(
        company_id=owner.company_id,
        client_a=one,
        client_b=three,
        score=60,
        reasons=["similar name"],
        dismissed_at=timezone.now(),
    )
    response = client_as(owner).get(URL)
    assert response.context["summary"].duplicate_pairs == 1
    assert "1 pair of clients to review" in response.content.decode()
    assert f'href="{reverse("clients:duplicates")}"' in response.content.decode()


def test_outsider_sees_only_their_own_companys_numbers(
    owner, outsider, client_as, make_client, four_clients
):
    make_client(actor=outsider, first_name="Olga", last_name="Other", email="olga@example.com")
    response = client_as(outsider).get(URL)
    assert response.context["summary"].total == 1
    assert completeness(response)["email"] == (1, 100.0)
    listed = client_as(outsider).get(URL, {"show": "no_phone"})
    assert [c.display_name for c in listed.context["offenders"]] == ["Olga Other"]
    assert "Bo Diaz" not in listed.content.decode()


def test_office_may_see_the_page(office, client_as, four_clients):
    assert client_as(office).get(URL).status_code == 200


@pytest.mark.parametrize("member", ["employee", "customer"])
def test_employee_and_customer_are_refused(request, client_as, member):
    assert client_as(request.getfixturevalue(member)).get(URL).status_code == 403


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_names_are_escaped(owner, client_as, make_client):
    make_client(first_name="<script>alert(1)</script>", last_name="X", email="x@example.com")
    html = client_as(owner).get(URL, {"show": "no_phone"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def _queries(web, path, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert web.get(path, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("show", ["", "no_phone", "no_tags"])
def test_query_count_does_not_grow_with_clients(owner, client_as, make_client, show):
    web = client_as(owner)

    def add(n, start):
        for i in range(start, start + n):
            client = make_client(first_name=f"P{i}", last_name="Q", email=f"p{i}@example.com")
            if i % 2:
                client_tag_add(actor=owner, client=client, name="VIP")

    add(5, 0)
    few = _queries(web, URL, show=show)
    add(45, 5)
    many = _queries(web, URL, show=show)
    assert few == many
    assert many <= 14  # on PostgreSQL: a savepoint and SET LOCAL jit around the count


# --- a big company: counted in the background -----------------------------------------------


@pytest.fixture
def big(monkeypatch):
    """Any company of more than 3 active clients counts as big."""
    monkeypatch.setattr(quality, "LIVE_LIMIT", 3)


def test_a_big_company_is_counted_in_the_background_while_the_page_says_so(
    owner, client_as, four_clients, big, django_capture_on_commit_callbacks
):
    web = client_as(owner)
    with django_capture_on_commit_callbacks() as queued:
        first = web.get(URL, {"show": "no_phone"})
    assert len(queued) == 1  # the count is queued, not run in the request
    summary = first.context["summary"]
    assert not summary.counted and summary.recounting
    html = first.content.decode()
    assert "Counting your clients in the background" in html
    assert 'hx-trigger="every 2s"' in html and "Recount now" not in html
    assert first.context["offenders"] == []

    # A second visit while it runs queues nothing more.
    with django_capture_on_commit_callbacks() as again:
        web.get(URL)
    assert again == []

    queued[0]()  # the worker runs the task
    counted = web.get(URL, {"show": "no_phone"})
    summary = counted.context["summary"]
    assert summary.counted and not summary.recounting and summary.counted_at
    assert summary.total == 4 and completeness(counted)["phone"] == (2, 50.0)
    assert [c.display_name for c in counted.context["offenders"]] == ["Bo Diaz", "Cy Park"]
    html = counted.content.decode()
    assert "Counted" in html and "Recount now" in html and "every 2s" not in html


def test_fixed_clients_leave_the_list_before_the_recount(
    owner, client_as, four_clients, big, django_capture_on_commit_callbacks
):
    web = client_as(owner)
    with django_capture_on_commit_callbacks(execute=True):
        web.get(URL)
    bo = Client.objects.get(first_name="Bo")
    ClientPhone.objects.create(
        company_id=owner.company_id, client=bo, kind="mobile", number="+14155550177"
    )
    listed = web.get(URL, {"show": "no_phone"})
    assert [c.display_name for c in listed.context["offenders"]] == ["Cy Park"]
    # The numbers are those of the count, until the office recounts.
    assert completeness(listed)["phone"] == (2, 50.0)
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(reverse("clients:quality_recount"))
    assert response.status_code == 302 and response["Location"] == URL
    assert completeness(web.get(URL))["phone"] == (3, 75.0)


def test_old_numbers_and_lost_recounts_are_counted_again(
    owner, client_as, four_clients, big, django_capture_on_commit_callbacks
):
    web = client_as(owner)
    with django_capture_on_commit_callbacks(execute=True):
        web.get(URL)
    with django_capture_on_commit_callbacks() as queued:
        web.get(URL)
    assert queued == []  # young numbers are shown as they are

    old = timezone.now() - quality.RECOUNT_AFTER - timedelta(minutes=1)
    QualityCount.objects.filter(company_id=owner.company_id).update(
        requested_at=old - timedelta(seconds=5), counted_at=old
    )
    with django_capture_on_commit_callbacks() as queued:
        response = web.get(URL)
    assert len(queued) == 1 and response.context["summary"].recounting

    # The worker stopped: once the request is older than the timeout, a visit asks again.
    lost = timezone.now() - quality.RECOUNT_TIMEOUT - timedelta(minutes=1)
    QualityCount.objects.filter(company_id=owner.company_id).update(requested_at=lost)
    with django_capture_on_commit_callbacks() as queued:
        web.get(URL)
    assert len(queued) == 1


def test_each_company_counts_its_own_clients(
    owner, outsider, client_as, make_client, four_clients, big, django_capture_on_commit_callbacks
):
    for i in range(5):
        make_client(actor=outsider, first_name=f"O{i}", last_name="Other", email=f"o{i}@x.com")
    with django_capture_on_commit_callbacks(execute=True):
        client_as(outsider).post(reverse("clients:quality_recount"))
    assert not QualityCount.objects.filter(company_id=owner.company_id).exists()
    response = client_as(outsider).get(URL, {"show": "no_phone"})
    assert response.context["summary"].total == 5
    assert {c.company_id for c in response.context["offenders"]} == {outsider.company_id}


def test_recount_is_a_post_for_office_roles_only(request, client_as, office, db):
    url = reverse("clients:quality_recount")
    assert client_as(office).get(url).status_code == 405
    for member in ("employee", "customer"):
        assert client_as(request.getfixturevalue(member)).post(url).status_code == 403
    assert DjangoClient().post(url)["Location"].startswith("/login/")


def test_query_count_of_a_counted_big_company_is_fixed(
    owner, client_as, make_client, big, django_capture_on_commit_callbacks
):
    web = client_as(owner)
    for i in range(5):
        make_client(first_name=f"P{i}", last_name="Q", email=f"p{i}@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        web.get(URL)
    few = _queries(web, URL, show="no_phone")
    for i in range(5, 40):
        make_client(first_name=f"P{i}", last_name="Q", email=f"p{i}@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        web.post(reverse("clients:quality_recount"))
    assert _queries(web, URL, show="no_phone") == few <= 12
