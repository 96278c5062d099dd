"""The client profile page and everything managed on it: contacts, tags, reminders, notices,
notes with private files, the change history; who may open what; query counts; escaping."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crewdesk.clients import services
from crewdesk.clients.models import (
    Client,
    ClientTag,
    Contact,
    Note,
    NoteFile,
    Notice,
    Reminder,
    Tag,
)
from crewdesk.clients.services import ClientInput
from crewdesk.clients.views import profile
from tests import images
from tests.factories import company_today

HX = {"HTTP_HX_REQUEST": "true"}
XSS = '<script>alert("x")</script>'
XSS_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"


def url(name: str, *args) -> str:
    return reverse(f"clients:{name}", args=args)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(name: str = "plan.pdf", content: bytes = b"%PDF-1.4 the plan") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@dataclass
class World:
    client: Client
    contact: Contact
    other_contact: Contact
    tag: Tag
    reminder: Reminder
    notice: Notice
    note: Note
    file: NoteFile


@pytest.fixture
def world(owner, office, make_client) -> World:
    client = make_client(
        first_name="Ann",
        last_name="Smith",
        email="ann@example.com",
        phones=[("mobile", "+1 415 555 0199"), ("work", "212 555 0123")],
        tags=["VIP"],
    )
    contact = services.contact_create(
        actor=owner, client=client, values={"first_name": "Jo", "last_name": "Doe"}
    )
    other = services.contact_create(
        actor=owner, client=client, values={"first_name": "Max", "email": "max@x.com"}
    )
    reminder = services.reminder_create(
        actor=owner,
        client=client,
        text="Call about spring",
        due_on=company_today(owner),
        assignee_id=None,
    )
    notice = services.notice_create(actor=owner, client=client, text="Gate code 4512")
    note = services.note_create(
        actor=owner, client=client, text="Keys under the mat", files=[upload()]
    )
    return World(
        client=client,
        contact=contact,
        other_contact=other,
        tag=Tag.objects.get(company=owner.company, name="VIP"),
        reminder=reminder,
        notice=notice,
        note=note,
        file=note.files.get(),
    )


def page_urls(w: World) -> list[tuple[str, str, list]]:
    """Every profile URL as (method, name, args)."""
    c = w.client.pk
    return [
        ("get", "detail", [c]),
        ("get", "contact_new", [c]),
        ("post", "contact_new", [c]),
        ("get", "contact_edit", [c, w.contact.pk]),
        ("post", "contact_edit", [c, w.contact.pk]),
        ("post", "contact_primary", [c, w.other_contact.pk]),
        ("post", "contact_delete", [c, w.contact.pk]),
        ("post", "tag_add", [c]),
        ("post", "tag_remove", [c, w.tag.pk]),
        ("post", "reminder_new", [c]),
        ("post", "reminder_done", [c, w.reminder.pk]),
        ("post", "notice_new", [c]),
        ("post", "notice_dismiss", [c, w.notice.pk]),
        ("post", "note_new", [c]),
        ("post", "note_archive", [c, w.note.pk]),
        ("get", "note_file", [c, w.file.pk]),
    ]


POST_DATA = {
    "contact_new": {"contact-first_name": "New", "contact-role": "other"},
    "contact_edit": {"contact-first_name": "Joanne", "contact-role": "billing"},
    "tag_add": {"tag-name": "Net 30"},
    "reminder_new": {"reminder-text": "Send quote", "reminder-due_on": "2030-01-02"},
    "notice_new": {"notice-text": "Big dog"},
    "note_new": {"note-text": "Hello", "note-visibility": "internal"},
}


def request(client, method: str, name: str, args: list, **extra):
    target = url(name, *args)
    if method == "get":
        return client.get(target, **extra)
    return client.post(target, POST_DATA.get(name, {}), **extra)


def snapshot(w: World) -> tuple:
    """What the world looks like: an unauthorised request must leave it as it was."""
    return (
        list(Contact.objects.filter(client=w.client).values_list("pk", "first_name", "is_primary")),
        sorted(ClientTag.objects.filter(client=w.client).values_list("tag_id", flat=True)),
        list(Reminder.objects.filter(client=w.client).values_list("pk", "done_at")),
        list(Notice.objects.filter(client=w.client).values_list("pk", "dismissed_at")),
        list(Note.objects.filter(client=w.client).values_list("pk", "archived_at")),
        Tag.objects.count(),
    )


# --- who may open what -----------------------------------------------------------------------


def test_every_profile_url_is_covered_by_the_access_tests(world):
    names = {pattern.name for pattern in profile.urlpatterns}
    assert names == {name for _method, name, _args in page_urls(world)}


def test_anonymous_is_sent_to_login_everywhere(client, world):
    for method, name, args in page_urls(world):
        response = request(client, method, name, args)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("accounts:login")), name


@pytest.mark.parametrize("role", ["employee", "customer"])
def test_employee_and_customer_are_refused_everywhere(request_fixture, client_as, world, role):
    http = client_as(request_fixture(role))
    before = snapshot(world)
    for method, name, args in page_urls(world):
        assert request(http, method, name, args).status_code == 403, name
    assert snapshot(world) == before


def test_another_company_gets_404_everywhere_and_changes_nothing(client_as, world, outsider):
    http = client_as(outsider)
    before = snapshot(world)
    for method, name, args in page_urls(world):
        assert request(http, method, name, args).status_code == 404, name
        assert request(http, method, name, args, **HX).status_code == 404, name
    assert snapshot(world) == before


def test_another_companys_records_under_your_own_client_are_not_found(
    client_as, world, outsider, make_client
):
    """Oscar's own client id with Acme's contact, tag, reminder, notice, note and file ids."""
    own = make_client(actor=outsider, first_name="Olga", email="olga@bravo.com")
    http = client_as(outsider)
    before = snapshot(world)
    for method, name, args in page_urls(world):
        if len(args) == 2:
            assert request(http, method, name, [own.pk, args[1]]).status_code == 404, name
    assert snapshot(world) == before


@pytest.mark.parametrize("role", ["owner", "office"])
def test_owner_and_office_can_use_every_page(request_fixture, client_as, world, role):
    http = client_as(request_fixture(role))
    for method, name, args in page_urls(world):
        response = request(http, method, name, args)
        assert response.status_code in (200, 302), (name, response.status_code)


def test_a_missing_client_is_not_found(client_as, owner):
    assert client_as(owner).get(url("detail", 999999)).status_code == 404


def test_actions_follow_the_role(client_as, world, owner, office):
    delete_url = url("delete", world.client.pk)
    owner_page = client_as(owner).get(url("detail", world.client.pk)).content.decode()
    assert f'action="{delete_url}"' in owner_page
    assert f'href="{url("edit", world.client.pk)}"' in owner_page
    assert f'action="{url("archive", world.client.pk)}"' in owner_page
    office_page = client_as(office).get(url("detail", world.client.pk)).content.decode()
    assert f'action="{delete_url}"' not in office_page
    assert f'action="{url("archive", world.client.pk)}"' in office_page


@pytest.fixture
def request_fixture(request):
    return request.getfixturevalue


# --- the profile -----------------------------------------------------------------------------


def test_profile_shows_the_header(client_as, owner, make_client):
    parent = make_client(kind="company", company_name="Harbor Group", email="hq@harbor.com")
    referrer = make_client(first_name="Rita", last_name="Ross", email="rita@example.com")
    client = make_client(
        kind="company",
        company_name="Harbor Rentals",
        billing_name="Harbor Rentals LLC",
        client_type="vacation_rental",
        rating=4,
        email="desk@harbor.com",
        phones=[("mobile", "+1 415 555 0199"), ("work", "212 555 0123")],
        street="12 Ocean Ave",
        city="Santa Cruz",
        region="CA",
        postal_code="95060",
        lead_source="Referral",
        tags=["Airbnb"],
    )
    services.client_update(
        actor=owner,
        client=client,
        data=ClientInput(relations={"parent": parent.pk, "referred_by": referrer.pk}),
    )
    child = make_client(kind="company", company_name="Harbor Kids", email="kids@harbor.com")
    services.client_update(
        actor=owner, client=child, data=ClientInput(relations={"parent": client.pk})
    )

    content = client_as(owner).get(url("detail", client.pk)).content.decode()
    assert "<h1" in content and "Harbor Rentals</h1>" in content
    assert "Bills as Harbor Rentals LLC" in content
    assert "Company</span>" in content and "Vacation rental" in content
    assert content.count("bi-star-fill") == 4 and "Rated 4 of 5" in content
    assert 'href="mailto:desk@harbor.com"' in content
    assert 'href="tel:+14155550199"' in content and 'href="tel:+12125550123"' in content
    assert "+1 415-555-0199" in content
    assert (
        "https://www.openstreetmap.org/search?query="
        "12%20Ocean%20Ave%2C%20Santa%20Cruz%2C%20CA%2095060%2C%20US"
    ) in content
    assert "Referral" in content
    assert f'href="{url("detail", parent.pk)}">Harbor Group</a>' in content
    assert f'href="{url("detail", referrer.pk)}">Rita Ross</a>' in content
    assert f'href="{url("detail", child.pk)}">Harbor Kids</a>' in content
    tag = Tag.objects.get(name="Airbnb")
    assert f'href="/app/clients/?tag={tag.pk}"' in content


def test_a_client_without_an_address_shows_no_address_and_no_map(client_as, owner, make_client):
    client = make_client(first_name="Ann", last_name="Lee", email="ann@example.com")
    assert client.country == "US"  # the company's, kept for when an address is typed
    content = client_as(owner).get(url("detail", client.pk)).content.decode()
    assert "Billing address" not in content and "Show on map" not in content
    assert "openstreetmap" not in content


def test_a_companys_contact_person_and_a_persons_company_are_shown(client_as, owner, make_client):
    harbor = make_client(
        kind="company",
        company_name="Harbor Rentals",
        first_name="Priya",
        last_name="Raman",
        email="desk@harbor.com",
    )
    http = client_as(owner)
    content = http.get(url("detail", harbor.pk)).content.decode()
    assert "Harbor Rentals</h1>" in content
    assert re.search(r"Contact person:?\s*</span>\s*Priya Raman", content)
    listed = http.get(reverse("clients:list")).content.decode()
    assert "Priya Raman" in listed
    ann = make_client(first_name="Ann", last_name="Lee", company_name="Lee Bakery", email="a@x.io")
    content = http.get(url("detail", ann.pk)).content.decode()
    assert "Ann Lee</h1>" in content and "Lee Bakery" in content
    assert "Lee Bakery" in http.get(reverse("clients:list")).content.decode()


def test_profile_shows_notices_reminders_and_only_the_tabs_that_exist(client_as, owner, world):
    content = client_as(owner).get(url("detail", world.client.pk)).content.decode()
    assert "Gate code 4512" in content
    assert "Call about spring" in content
    for tab in ("Contacts", "Properties", "Jobs", "Invoices", "Batches", "Notes &amp; files"):
        assert tab in content
    # Later issues bring these tabs: no placeholders until then.
    for later in ("Transactions", "User access"):
        assert f"> {later}<" not in content and f">{later}<" not in content


def test_profile_opens_the_tab_asked_for(client_as, owner, world):
    content = client_as(owner).get(url("detail", world.client.pk) + "?tab=notes").content
    assert re.search(rb'class="tab-pane show active" id="pane-notes"', content)


def test_an_archived_client_says_so_and_offers_restore(client_as, owner, world):
    services.client_archive(actor=owner, client=world.client)
    content = client_as(owner).get(url("detail", world.client.pk)).content.decode()
    assert "<strong>Archived</strong>" in content
    assert f'action="{url("restore", world.client.pk)}"' in content
    assert f'action="{url("archive", world.client.pk)}"' not in content


def test_a_merged_client_redirects_to_its_survivor(client_as, owner, world, make_client):
    survivor = make_client(first_name="Ann", last_name="Smith-Jones", email="aj@example.com")
    Client.objects.filter(pk=world.client.pk).update(
        merged_into=survivor, archived_at=timezone.now()
    )
    http = client_as(owner)
    response = http.get(url("detail", world.client.pk))
    assert response.status_code == 301
    assert response.url == url("detail", survivor.pk)
    content = http.get(response.url).content.decode()
    assert "Ann Smith was merged into Ann Smith-Jones." in content

    # A write to the old address changes nothing and leads to the survivor too.
    response = http.post(url("tag_add", world.client.pk), {"tag-name": "Late"})
    assert response.status_code == 302 and response.url == url("detail", survivor.pk)
    assert not Tag.objects.filter(name="Late").exists()


def test_a_chain_of_merges_ends_at_the_last_survivor(client_as, owner, make_client):
    first = make_client(first_name="A", email="a@example.com")
    second = make_client(first_name="B", email="b@example.com")
    third = make_client(first_name="C", email="c@example.com")
    Client.objects.filter(pk=first.pk).update(merged_into=second)
    Client.objects.filter(pk=second.pk).update(merged_into=third)
    response = client_as(owner).get(url("detail", first.pk))
    assert response.status_code == 301 and response.url == url("detail", third.pk)


def test_the_change_history_shows_before_and_after(client_as, owner, world):
    services.client_update(
        actor=owner,
        client=world.client,
        data=ClientInput(fields={"last_name": "Smyth", "client_type": "commercial"}),
    )
    content = client_as(owner).get(url("detail", world.client.pk) + "?tab=activity").content
    text = re.sub(r"<[^>]+>", "", content.decode())
    assert re.search(r"Last name:\s*Smith\s*→\s*Smyth", text)
    assert re.search(r"Client type:\s*—\s*→\s*Commercial", text)
    assert "changed Ann Smyth:" in text


# --- contacts --------------------------------------------------------------------------------


def test_add_a_contact_the_first_becomes_primary(client_as, owner, make_client):
    client = make_client(first_name="Ann", email="ann@example.com")
    http = client_as(owner)
    response = http.post(
        url("contact_new", client.pk),
        {
            "contact-first_name": "Jo",
            "contact-last_name": "Doe",
            "contact-role": "billing",
            "contact-email": "jo@example.com",
            "contact-phone": "(415) 555-0100",
        },
    )
    assert response.status_code == 302
    assert response.url == url("detail", client.pk) + "?tab=contacts"
    contact = Contact.objects.get(client=client)
    assert contact.is_primary and contact.phone == "+14155550100" and contact.role == "billing"
    content = http.get(response.url).content.decode()
    assert "Contact Jo Doe added." in content
    assert "bi-star-fill" in content


def test_add_a_contact_with_htmx_answers_the_panel(client_as, owner, world):
    response = client_as(owner).post(
        url("contact_new", world.client.pk),
        {"contact-first_name": "Lena", "contact-role": "technical"},
        **HX,
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<div id="profile-contacts">')
    assert "Lena" in content and "<html" not in content


def test_a_bad_contact_shows_errors_and_keeps_what_was_typed(client_as, owner, world):
    http = client_as(owner)
    response = http.post(
        url("contact_new", world.client.pk),
        {"contact-first_name": "Kim", "contact-role": "other", "contact-phone": "call me"},
        **HX,
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "is not a phone number we can read" in content
    assert 'value="Kim"' in content and 'aria-invalid="true"' in content
    response = http.post(url("contact_new", world.client.pk), {"contact-role": "other"})
    assert response.status_code == 200
    assert "Enter a name or an email." in response.content.decode()
    assert Contact.objects.filter(client=world.client).count() == 2


def test_the_contact_form_shows_every_error_at_once(client_as, owner, world):
    bad = {"contact-first_name": "Kim", "contact-role": "other"}
    bad |= {"contact-email": "kim@", "contact-phone": "call me"}
    for response in (
        client_as(owner).post(url("contact_new", world.client.pk), bad),
        client_as(owner).post(url("contact_new", world.client.pk), bad, **HX),
        client_as(owner).post(url("contact_edit", world.client.pk, world.contact.pk), bad),
    ):
        content = response.content.decode()
        assert response.status_code == 200
        assert "Enter a valid email address." in content
        assert "is not a phone number we can read" in content
    assert not Contact.objects.filter(first_name="Kim").exists()


def test_edit_a_contact(client_as, owner, world):
    http = client_as(owner)
    page = http.get(url("contact_edit", world.client.pk, world.contact.pk)).content.decode()
    assert 'value="Jo"' in page and 'value="Doe"' in page
    response = http.post(
        url("contact_edit", world.client.pk, world.contact.pk),
        {
            "contact-first_name": "Joanne",
            "contact-last_name": "Doe",
            "contact-role": "emergency",
            "contact-email": "joanne@example.com",
        },
    )
    assert response.status_code == 302
    world.contact.refresh_from_db()
    assert world.contact.first_name == "Joanne" and world.contact.role == "emergency"
    bad = http.post(
        url("contact_edit", world.client.pk, world.contact.pk),
        {"contact-first_name": "Jo", "contact-role": "other", "contact-email": "nope"},
    )
    assert bad.status_code == 200 and "Enter a valid email address." in bad.content.decode()


def test_make_another_contact_primary(client_as, owner, world):
    response = client_as(owner).post(
        url("contact_primary", world.client.pk, world.other_contact.pk), **HX
    )
    assert response.status_code == 200
    world.contact.refresh_from_db()
    world.other_contact.refresh_from_db()
    assert world.other_contact.is_primary and not world.contact.is_primary
    assert "Max is now the primary contact." in response.content.decode()


def test_the_primary_contact_cannot_be_deleted(client_as, owner, world):
    http = client_as(owner)
    page = http.get(url("detail", world.client.pk)).content.decode()
    assert "Make another contact primary first" in page
    assert f'action="{url("contact_delete", world.client.pk, world.contact.pk)}"' not in page

    response = http.post(url("contact_delete", world.client.pk, world.contact.pk))
    assert response.status_code == 302
    assert "cannot be deleted" in http.get(response.url).content.decode()
    response = http.post(url("contact_delete", world.client.pk, world.contact.pk), **HX)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "cannot be deleted" in response.content.decode()
    assert Contact.objects.filter(pk=world.contact.pk).exists()


def test_delete_a_contact_that_is_not_primary(client_as, owner, world):
    response = client_as(owner).post(url("contact_delete", world.client.pk, world.other_contact.pk))
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=world.other_contact.pk).exists()


# --- tags ------------------------------------------------------------------------------------


def test_add_a_tag_creates_it_once_per_company(client_as, owner, world, make_client, outsider):
    other = make_client(first_name="Bea", email="bea@example.com")
    outsiders_client = make_client(actor=outsider, first_name="Olga", email="olga@bravo.com")
    services.client_tag_add(actor=outsider, client=outsiders_client, name="Weekly")
    http = client_as(owner)
    response = http.post(url("tag_add", world.client.pk), {"tag-name": "  Weekly "}, **HX)
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="profile-tags"')
    tag = Tag.objects.get(company=owner.company, name="Weekly")
    assert f'href="/app/clients/?tag={tag.pk}"' in content
    response = http.post(url("tag_add", other.pk), {"tag-name": "weekly"})
    assert response.status_code == 302
    assert Tag.objects.filter(company=owner.company, name__iexact="weekly").count() == 1
    assert set(ClientTag.objects.filter(tag=tag).values_list("client_id", flat=True)) == {
        world.client.pk,
        other.pk,
    }
    assert "Tagged “Weekly”." in http.get(response.url).content.decode()  # the existing name


def test_a_blank_tag_is_refused_inline(client_as, owner, world):
    response = client_as(owner).post(url("tag_add", world.client.pk), {"tag-name": "  "}, **HX)
    assert response.status_code == 200
    assert "Type the tag&#x27;s name." in response.content.decode()


def test_remove_a_tag(client_as, owner, world):
    response = client_as(owner).post(url("tag_remove", world.client.pk, world.tag.pk), **HX)
    assert response.status_code == 200
    assert not ClientTag.objects.filter(client=world.client).exists()
    assert Tag.objects.filter(pk=world.tag.pk).exists()  # the company's tag stays


# --- reminders -------------------------------------------------------------------------------


def test_add_and_complete_a_reminder(client_as, owner, office, world):
    http = client_as(owner)
    response = http.post(
        url("reminder_new", world.client.pk),
        {
            "reminder-text": "Send the quote",
            "reminder-due_on": "2030-05-01",
            "reminder-assignee": str(office.user_id),
        },
    )
    assert response.status_code == 302
    reminder = Reminder.objects.get(text="Send the quote")
    assert reminder.assignee == office.user and str(reminder.due_on) == "2030-05-01"
    assert "Reminder set." in http.get(response.url).content.decode()

    response = http.post(url("reminder_done", world.client.pk, reminder.pk), **HX)
    assert response.status_code == 200
    reminder.refresh_from_db()
    assert reminder.done_at is not None
    assert "Send the quote</div>" not in response.content.decode()


def test_a_bad_reminder_is_refused_inline(client_as, owner, world, outsider):
    http = client_as(owner)
    response = http.post(
        url("reminder_new", world.client.pk),
        {"reminder-text": "Call back", "reminder-due_on": "someday"},
        **HX,
    )
    content = response.content.decode()
    assert response.status_code == 200 and "Enter a valid date." in content
    assert 'value="Call back"' in content
    response = http.post(
        url("reminder_new", world.client.pk),
        {
            "reminder-text": "Call back",
            "reminder-due_on": "2030-01-01",
            "reminder-assignee": str(outsider.user_id),
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Reminder.objects.filter(text="Call back").exists()


def test_a_reminder_is_only_for_the_office(client_as, owner, office, employee, world):
    http = client_as(owner)
    content = http.get(url("detail", world.client.pk)).content.decode()
    choices = re.search(r'<select name="reminder-assignee".*?</select>', content, re.S).group()
    assert f'value="{office.user_id}"' in choices and f'value="{owner.user_id}"' in choices
    assert f'value="{employee.user_id}"' not in choices
    response = http.post(
        url("reminder_new", world.client.pk),
        {
            "reminder-text": "Call back",
            "reminder-due_on": "2030-01-01",
            "reminder-assignee": str(employee.user_id),
        },
    )
    assert response.status_code == 200
    assert not Reminder.objects.filter(text="Call back").exists()
    with pytest.raises(ValidationError) as raised:
        services.reminder_create(
            actor=owner,
            client=world.client,
            text="x",
            due_on=company_today(owner),
            assignee_id=employee.user_id,
        )
    assert raised.value.message_dict == {"assignee": [str(services.MSG_REMINDER_ASSIGNEE)]}


def test_home_shows_my_due_reminders(client_as, owner, office, world):
    today = company_today(owner)
    services.reminder_create(
        actor=owner,
        client=world.client,
        text="Overdue call",
        due_on=today - timedelta(days=3),
        assignee_id=office.user_id,
    )
    services.reminder_create(
        actor=owner,
        client=world.client,
        text="Future call",
        due_on=today + timedelta(days=3),
        assignee_id=office.user_id,
    )
    page = client_as(office).get(reverse("dashboard:home")).content.decode()
    content = re.search(r"<section[^>]*due-reminders-title.*?</section>", page, re.S).group(0)
    assert "My due reminders" in content
    assert "Overdue call" in content and "Future call" not in content
    assert "Call about spring" not in content  # the owner's, not mine
    assert f'href="{url("detail", world.client.pk)}"' in content


def test_done_from_home_goes_back_home(client_as, owner, world):
    response = client_as(owner).post(
        url("reminder_done", world.client.pk, world.reminder.pk), {"next": "/app/"}
    )
    assert response.status_code == 302 and response.url == "/app/"
    response = client_as(owner).post(
        url("reminder_done", world.client.pk, world.reminder.pk),
        {"next": "https://evil.example.com/"},
    )
    assert response.url == url("detail", world.client.pk)


def test_home_has_no_reminders_card_for_employees(client_as, employee):
    assert (
        "My due reminders"
        not in client_as(employee).get(reverse("dashboard:home")).content.decode()
    )


def test_home_query_count_does_not_grow_with_reminders(
    client_as, owner, world, django_assert_max_num_queries
):
    http = client_as(owner)
    http.get(reverse("dashboard:home"))
    with CaptureQueriesContext(connection) as few:
        http.get(reverse("dashboard:home"))
    for i in range(15):
        services.reminder_create(
            actor=owner, client=world.client, text=f"R{i}", due_on=company_today(owner)
        )
    with django_assert_max_num_queries(len(few)):
        content = http.get(reverse("dashboard:home")).content.decode()
    assert "Showing the oldest 10." in content


# --- notices ---------------------------------------------------------------------------------


def test_pin_a_notice_with_htmx_updates_the_banner(client_as, owner, world):
    response = client_as(owner).post(
        url("notice_new", world.client.pk), {"notice-text": "Beware of the dog"}, **HX
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith('<section id="profile-notice-form"')
    assert '<div id="profile-notices" hx-swap-oob="true">' in content
    assert "Beware of the dog" in content


def test_pin_and_dismiss_a_notice(client_as, owner, world):
    http = client_as(owner)
    response = http.post(url("notice_new", world.client.pk), {"notice-text": "Cash only"})
    assert response.status_code == 302
    assert "Cash only" in http.get(response.url).content.decode()
    blank = http.post(url("notice_new", world.client.pk), {"notice-text": " "})
    assert blank.status_code == 200 and "Write the notice." in blank.content.decode()

    response = http.post(url("notice_dismiss", world.client.pk, world.notice.pk))
    assert response.status_code == 302
    world.notice.refresh_from_db()
    assert world.notice.dismissed_at is not None
    page = http.get(url("detail", world.client.pk)).content.decode()
    banner = re.search(r'<div id="profile-notices">.*?<section', page, re.S).group(0)
    assert "Cash only" in banner and "Gate code 4512" not in banner


# --- notes and files -------------------------------------------------------------------------


def test_add_a_note_with_files_and_download_them(client_as, owner, world):
    http = client_as(owner)
    response = http.post(
        url("note_new", world.client.pk),
        {
            "note-text": "Before photos attached",
            "note-visibility": "customer",
            "note-files": [upload("before.jpg", images.jpeg()), upload("quote.pdf", images.PDF)],
        },
    )
    assert response.status_code == 302
    assert response.url == url("detail", world.client.pk) + "?tab=notes"
    note = Note.objects.get(text="Before photos attached")
    assert note.visibility == "customer"
    files = {f.name: f for f in note.files.all()}
    assert set(files) == {"before.jpg", "quote.pdf"}

    content = http.get(response.url).content.decode()
    assert "Note added." in content and "Visible to the customer" in content
    # Newest first.
    assert content.index("Before photos attached") < content.index("Keys under the mat")
    link = url("note_file", world.client.pk, files["quote.pdf"].pk)
    assert f'href="{link}"' in content

    download = http.get(link)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert 'filename="quote.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == images.PDF


def test_a_note_needs_text_or_a_file(client_as, owner, world):
    response = client_as(owner).post(
        url("note_new", world.client.pk), {"note-text": "  ", "note-visibility": "internal"}, **HX
    )
    assert response.status_code == 200
    assert "Write a note or attach a file." in response.content.decode()


def test_a_note_with_only_a_file(client_as, owner, world):
    response = client_as(owner).post(
        url("note_new", world.client.pk),
        {"note-visibility": "internal", "note-files": [upload("gate.png", images.png())]},
        **HX,
    )
    assert response.status_code == 200 and "gate.png" in response.content.decode()


def test_archive_a_note(client_as, owner, world):
    response = client_as(owner).post(url("note_archive", world.client.pk, world.note.pk), **HX)
    assert response.status_code == 200
    world.note.refresh_from_db()
    assert world.note.archived_at is not None
    assert "Keys under the mat" not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("office", 200),
        ("employee", 403),
        ("customer", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_private_file_download(request_fixture, client, client_as, world, who, status):
    http = client if who == "anonymous" else client_as(request_fixture(who))
    response = http.get(url("note_file", world.client.pk, world.file.pk))
    assert response.status_code == status
    if who == "anonymous":
        assert response.url.startswith(reverse("accounts:login"))
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment")


def test_a_file_missing_on_disk_is_not_found(client_as, owner, world):
    world.file.file.delete(save=False)
    assert client_as(owner).get(url("note_file", world.client.pk, world.file.pk)).status_code == 404


# --- what a note file may be (issue 10 #13 and #19) ------------------------------------------


def post_note(http, client: Client, files, text="With files"):
    return http.post(
        url("note_new", client.pk),
        {"note-text": text, "note-visibility": "internal", "note-files": files},
    )


def test_a_note_file_is_taken_for_what_it_is(client_as, owner, world):
    http = client_as(owner)
    php = SimpleUploadedFile("photo.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg")
    response = post_note(http, world.client, [php], text="Sneaky")
    assert response.status_code == 200
    assert "photo.jpg" in response.content.decode()
    assert "PDF" in response.content.decode() and "JPEG, PNG or WebP" in response.content.decode()
    assert not Note.objects.filter(text="Sneaky").exists()
    assert NoteFile.objects.count() == 1  # the world's own

    html = SimpleUploadedFile("page.html", images.PDF, "text/html")  # a PDF, whatever it says
    assert post_note(http, world.client, [html]).status_code == 302
    stored = NoteFile.objects.latest("pk")
    assert (stored.name, stored.content_type, stored.is_image) == (
        "page.pdf",
        "application/pdf",
        False,
    )


def test_a_note_photo_loses_its_exif_and_is_shown_inline(client_as, owner, world):
    from PIL import ExifTags, Image

    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    photo = images.jpeg((40, 20), exif=exif)
    http = client_as(owner)
    assert post_note(http, world.client, [upload("gate.jpg", photo)]).status_code == 302
    stored = NoteFile.objects.latest("pk")
    assert (stored.is_image, stored.width, stored.height) == (True, 40, 20)
    response = http.get(url("note_file", world.client.pk, stored.pk))
    data = b"".join(response.streaming_content)
    assert b"PhoneMaker" not in data and data.startswith(b"\xff\xd8")
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")


def test_a_note_document_is_served_like_a_job_document(client_as, owner, world):
    response = client_as(owner).get(url("note_file", world.client.pk, world.file.pk))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert "no-store" in response["Cache-Control"]


def test_a_note_file_gets_every_header_a_job_file_gets(client_as, owner, world):
    """Issue 11: note files were served without the sandbox policy and the same-origin
    resource policy that job files get."""
    from crewdesk.core.responses import PRIVATE, PRIVATE_FILE_CSP

    response = client_as(owner).get(url("note_file", world.client.pk, world.file.pk))
    assert response["Content-Security-Policy"] == PRIVATE_FILE_CSP
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cache-Control"] == PRIVATE
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_kept_from_before_is_served_as_plain_bytes(client_as, owner, world):
    # Files stored before the check kept the type their sender declared.
    NoteFile.objects.filter(pk=world.file.pk).update(content_type="text/html")
    response = client_as(owner).get(url("note_file", world.client.pk, world.file.pk))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_note_file_with_a_long_name_or_content_type(client_as, owner, world):
    http = client_as(owner)
    long_name = upload("é" * 200 + ".pdf", images.PDF)
    long_type = SimpleUploadedFile("plan.pdf", images.PDF, "application/" + "x" * 120)
    assert post_note(http, world.client, [long_name, long_type]).status_code == 302
    names = set(NoteFile.objects.values_list("name", flat=True))
    assert {"é" * 80 + ".pdf", "plan.pdf"} <= names
    assert set(NoteFile.objects.values_list("content_type", flat=True)) == {"application/pdf"}


def test_a_note_takes_at_most_10_files(client_as, owner, world):
    files = [upload(f"f{i}.pdf", images.PDF) for i in range(11)]
    response = post_note(client_as(owner), world.client, files, text="Eleven")
    assert response.status_code == 200
    assert "Send at most 10 files at once." in response.content.decode()
    assert not Note.objects.filter(text="Eleven").exists()


def test_note_files_count_against_the_companys_daily_volume(
    client_as, owner, office, world, settings
):
    settings.CREWDESK_UPLOAD_MB_PER_COMPANY_DAY = 1
    big = images.PDF + b"0" * 600_000
    assert post_note(client_as(owner), world.client, [upload("a.pdf", big)]).status_code == 302
    response = post_note(client_as(office), world.client, [upload("b.pdf", big)], text="Over")
    assert response.status_code == 200
    assert "1 MB" in response.content.decode()
    assert not Note.objects.filter(text="Over").exists()


def test_note_files_count_against_the_companys_storage(client_as, owner, world, settings):
    settings.CREWDESK_COMPANY_STORAGE_GB = 0.0005  # 0.5 MB, the world's file included
    big = images.PDF + b"0" * 600_000
    response = post_note(client_as(owner), world.client, [upload("a.pdf", big)], text="Full")
    assert response.status_code == 200
    assert "storage" in response.content.decode()
    assert not Note.objects.filter(text="Full").exists()


# --- queries and escaping --------------------------------------------------------------------


def _fill(owner, client, n: int) -> None:
    for i in range(n):
        services.contact_create(actor=owner, client=client, values={"first_name": f"Contact{i}"})
        services.client_tag_add(actor=owner, client=client, name=f"tag-{client.pk}-{i}")
        services.note_create(
            actor=owner, client=client, text=f"Note {i}", files=[upload(f"f{i}.pdf")]
        )
        services.notice_create(actor=owner, client=client, text=f"Notice {i}")
        services.reminder_create(
            actor=owner, client=client, text=f"Reminder {i}", due_on=company_today(owner)
        )
    services.client_update(
        actor=owner, client=client, data=ClientInput(fields={"lead_source": f"Source {n}"})
    )


def test_profile_query_count_does_not_grow_with_the_data(
    client_as, owner, make_client, django_assert_max_num_queries
):
    small = make_client(first_name="Small", email="small@example.com")
    large = make_client(first_name="Large", email="large@example.com")
    _fill(owner, small, 2)
    _fill(owner, large, 20)
    http = client_as(owner)
    http.get(url("detail", small.pk))  # warm the caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        assert http.get(url("detail", small.pk)).status_code == 200
    with django_assert_max_num_queries(len(few)):
        response = http.get(url("detail", large.pk))
    assert response.status_code == 200
    assert response.content.decode().count('class="list-group-item d-flex align-items-center') == 20
    assert len(few) <= 25


@pytest.mark.parametrize("tab", ["notes", "activity"])
def test_tab_query_counts_do_not_grow_with_the_data(
    client_as, owner, make_client, django_assert_max_num_queries, tab
):
    small = make_client(first_name="Small", email="small@example.com")
    large = make_client(first_name="Large", email="large@example.com")
    _fill(owner, small, 2)
    _fill(owner, large, 20)
    http = client_as(owner)
    http.get(url("detail", small.pk), {"tab": tab})
    with CaptureQueriesContext(connection) as few:
        assert http.get(url("detail", small.pk), {"tab": tab}).status_code == 200
    with django_assert_max_num_queries(len(few)):
        assert http.get(url("detail", large.pk), {"tab": tab}).status_code == 200


def test_only_the_open_tab_is_rendered_and_the_others_load_when_shown(
    client_as, owner, make_client
):
    client = make_client(first_name="Tabby", email="tabby@example.com")
    services.contact_create(
        actor=owner, client=client, values={"first_name": "Conny", "email": "c@example.com"}
    )
    services.note_create(actor=owner, client=client, text="Gate code 4412")
    http = client_as(owner)
    page = http.get(url("detail", client.pk)).content.decode()
    assert "Conny" in page and "Gate code 4412" not in page
    assert f'hx-get="{url("detail", client.pk)}?panel=notes"' in page
    assert 'href="?tab=notes"' in page  # without JavaScript, a link to the tab

    panel = http.get(url("detail", client.pk), {"panel": "notes"}, headers={"HX-Request": "true"})
    html = panel.content.decode()
    assert "Gate code 4412" in html and "<html" not in html
    assert "Gate code 4412" in http.get(url("detail", client.pk), {"tab": "notes"}).content.decode()
    activity = http.get(
        url("detail", client.pk), {"panel": "activity"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "activity-list" in activity and "<html" not in activity


def test_xss_payloads_come_out_escaped(client_as, owner, make_client):
    client = make_client(first_name=XSS, billing_name=XSS, email="x@example.com", lead_source=XSS)
    services.contact_create(
        actor=owner, client=client, values={"first_name": XSS, "email": "c@example.com"}
    )
    services.contact_create(
        actor=owner, client=client, values={"first_name": XSS + "2", "email": "d@example.com"}
    )
    services.client_tag_add(actor=owner, client=client, name=XSS)
    services.notice_create(actor=owner, client=client, text=XSS)
    services.reminder_create(actor=owner, client=client, text=XSS, due_on=company_today(owner))
    services.note_create(
        actor=owner, client=client, text=XSS, files=[upload("<img src=x onerror=alert(1)>.pdf")]
    )
    services.client_update(actor=owner, client=client, data=ClientInput(fields={"last_name": XSS}))
    http = client_as(owner)
    for path in (url("detail", client.pk), reverse("dashboard:home")):
        content = http.get(path).content.decode()
        assert "<script>alert" not in content, path
        assert "<img src=x" not in content, path
        assert XSS_ESCAPED in content, path
    for name, data in (
        ("tag_add", {"tag-name": XSS[:50]}),
        ("notice_new", {"notice-text": XSS}),
        ("note_new", {"note-text": XSS, "note-visibility": "internal"}),
        ("contact_new", {"contact-first_name": XSS, "contact-role": "other"}),
        ("reminder_new", {"reminder-text": XSS, "reminder-due_on": "bad"}),
    ):
        content = http.post(url(name, client.pk), data, **HX).content.decode()
        assert "<script>alert" not in content, name
        assert "&lt;script&gt;" in content, name
