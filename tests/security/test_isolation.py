"""Tenant isolation, route by route: every page and API route that takes an id in its path is
tried, with the id of a record of company A, as another company's owner, as an employee of
company A, as the customer of the record's client and the customer of another client of company
A (the neighbour), and anonymously. Each must refuse (404 / 403 / login), show none of the
record's data, and change nothing. A portal route must answer the neighbour 404: another
client's record does not exist for them (`scope`, checked record by record at the end).
The routes come from the URL configuration: a new route that takes an id fails
`test_every_route_with_an_id_has_an_entry` until it has an entry here.

The owner of company A, tried on the same entries, must get through (the positive control):
otherwise a wrong id in the table would pass the matrix without testing anything. Their GET
shows the marker where the entry says so (so the "shows nothing" check can see a leak), and
their write changes company A's rows (so "changes nothing" is not met by a useless body).

A new route: add it to ROUTES with how to build its ids from the World, its write methods and
a body the owner's write succeeds with. A leak found: list it in LEAKS (an expected failure).
"""

import datetime
import io
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.test import Client as Browser
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from crewdesk.accounts.models import ApiToken, Invitation, Membership
from crewdesk.accounts.services import api_token_create, member_invite
from crewdesk.billing import services as billing_services
from crewdesk.billing.models import BatchInvoice, Invoice
from crewdesk.clients import importing, services
from crewdesk.clients.models import (
    Client,
    ClientImport,
    Contact,
    DuplicatePair,
    Note,
    NoteFile,
    Notice,
    Reminder,
    Tag,
)
from crewdesk.clients.selectors import client_notes
from crewdesk.clients.services import ClientInput
from crewdesk.core.models import Activity
from crewdesk.core.permissions import HiddenField, in_scope, scope
from crewdesk.core.roles import Role
from crewdesk.jobs import services as job_services
from crewdesk.jobs.attachments import attachment_add
from crewdesk.jobs.models import ChecklistTemplate, Job, JobAttachment, JobChecklistItem
from crewdesk.jobs.selectors import job_attachments
from crewdesk.jobs.services import JobInput, LineInput
from crewdesk.payments import services as payment_services
from crewdesk.payments.models import Payment
from crewdesk.properties import services as property_services
from crewdesk.properties.models import Property, PropertyService, Service
from tests.factories import CompanyFactory, MembershipFactory, UserFactory, company_today

# A string no page shows unless it shows company A's records: it is in every one of them.
MARKER = "Zzyzx-Secret-7731"
# The office's internal notes of the world's client and jobs (no customer ever gets them).
INTERNAL = f"Office only {MARKER}"


# --- the test world, built once for the module ----------------------------------------------
#
# Some 400 requests each need company A's records. Building them for every test would take
# minutes, so the module builds the test world of tests/conftest.py (same companies, members
# and roles, same factories) once, inside a transaction rolled back when the module ends. Each
# test runs in a savepoint of it (pytest-django's `db`), rolled back after the test, and gets
# its own copy of the files: what one test does is never seen by the next.


@pytest.fixture(scope="module")
def _module_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    yield django_db_blocker
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def _once(django_db_blocker, make):
    with django_db_blocker.unblock():
        return make()


def _member(company, username: str, role: str) -> Membership:
    user = UserFactory(username=username, email=f"{username}@example.com")
    return MembershipFactory(user=user, company=company, role=role)


# These replace the function-scoped fixtures of tests/conftest.py of the same names, for this
# module only; client_as and api_client work with them unchanged.
@pytest.fixture(scope="module")
def company_a(_module_db):
    return _once(_module_db, lambda: CompanyFactory(name="Acme Cleaning", slug="acme"))


@pytest.fixture(scope="module")
def company_b(_module_db):
    return _once(_module_db, lambda: CompanyFactory(name="Bravo Pools", slug="bravo"))


@pytest.fixture(scope="module")
def owner(_module_db, company_a):
    return _once(_module_db, lambda: _member(company_a, "alice", Role.OWNER))


@pytest.fixture(scope="module")
def office(_module_db, company_a):
    return _once(_module_db, lambda: _member(company_a, "bob", Role.OFFICE))


@pytest.fixture(scope="module")
def employee(_module_db, company_a):
    return _once(_module_db, lambda: _member(company_a, "carol", Role.EMPLOYEE))


@pytest.fixture(scope="module")
def customer(_module_db, company_a):
    return _once(_module_db, lambda: _member(company_a, "dave", Role.CUSTOMER))


@pytest.fixture(scope="module")
def neighbour(_module_db, company_a, owner):
    """The portal login of another client of company A (the world's client is the customer's)."""

    def make() -> Membership:
        email = "erin.eng@example.net"
        theirs = _client(owner, first_name="Erin", last_name="Eng", email=email)
        return MembershipFactory(
            user=UserFactory(username="erin", email=email),
            company=company_a,
            role=Role.CUSTOMER,
            client=theirs,
        )

    return _once(_module_db, make)


@pytest.fixture(scope="module")
def outsider(_module_db, company_b):
    return _once(_module_db, lambda: _member(company_b, "oscar", Role.OWNER))


@pytest.fixture(scope="module")
def _world_files(tmp_path_factory):
    """Where the world's files are written once; each test works on a copy."""
    return tmp_path_factory.mktemp("world-media")


@pytest.fixture(autouse=True)
def _files_of_the_world(_private_media, settings, _world_files):
    """After conftest's `_private_media` gave the test its own MEDIA_ROOT: the world's files."""
    shutil.copytree(_world_files, settings.MEDIA_ROOT, dirs_exist_ok=True)


# --- company A's records ---------------------------------------------------------------------


@dataclass
class World:
    client: Client  # the client most routes are about, with everything below on it; the
    # customer is its portal user
    twin: Client  # a client like it (to delete: the client itself has a portal user)
    contact: Contact  # not the primary (that one cannot be deleted)
    tag: Tag
    reminder: Reminder
    notice: Notice
    note: Note
    file: NoteFile
    archived: Client  # an archived client, for restore
    pair: DuplicatePair  # the client and its twin look alike
    client_import: ClientImport  # checked, with a report of its rejected row
    member: Membership  # the office
    activity: Activity
    prop: Property  # the client's, with access notes
    old_prop: Property  # archived, for restore
    service: Service  # in the catalog
    ps: PropertyService  # the property gets the service
    template: ChecklistTemplate
    job: Job  # pending, the owner on its crew (never the employee: they would be let in)
    item: JobChecklistItem  # the job's, required
    attachment: JobAttachment  # a photo of the job
    done_job: Job  # finished, for bad debt
    archived_job: Job  # for restore
    invoice: Invoice  # issued (open), a line by hand
    draft: Invoice  # a draft, a line by hand (done_job stays ready to invoice)
    batch: BatchInvoice  # of the open invoice
    payment: Payment  # a check recorded by the office, with a proof, all of it credit
    report: Payment  # the customer's report of a Zelle payment, to approve
    tokens: dict[str, str]  # each member's bearer token (the customer's, see _demoted_token)
    invitation: Invitation  # waiting for an answer
    api_token: ApiToken  # the office's
    invoice: Invoice  # the client's, issued, a line with the marker
    batch: BatchInvoice  # the client's, holding the invoice
    payment: Payment  # the client's check, all of it credit, the marker in its reference
    report: Payment  # the customer's report of a Zelle payment, waiting for approval


def _client(actor, **fields) -> Client:
    return services.client_create(
        actor=actor,
        data=ClientInput(fields=fields, phones=[("mobile", "+1 415 555 0199")], tags=None),
        allow_duplicate=True,
    )


def _csv_import(actor) -> ClientImport:
    content = (
        "First Name,Last Name,Email\n"
        f"Zed,{MARKER},zed.import@example.com\n"
        f"Bad,{MARKER},not-an-email\n"  # rejected: the report has a row
    ).encode()
    client_import, _notes = importing.import_upload(
        actor=actor, upload=SimpleUploadedFile(f"{MARKER}.csv", content)
    )
    importing.import_check(actor=actor, client_import=client_import)
    client_import.refresh_from_db()
    return client_import


def _demoted_token(customer: Membership) -> str:
    """A token issued while the customer was staff (customers cannot get one)."""
    customer.role = Role.OFFICE
    customer.save(update_fields=["role"])
    raw = api_token_create(membership=customer).raw
    customer.role = Role.CUSTOMER
    customer.save(update_fields=["role"])
    return raw


def _jpeg() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "teal").save(buffer, "JPEG")
    return buffer.getvalue()


def _job(owner, prop, **extra) -> Job:
    start = datetime.datetime.combine(company_today(owner), datetime.time(9))
    return job_services.job_create(
        actor=owner,
        data=JobInput(
            fields={
                "title": f"Turnover {MARKER}",
                "scheduled_start": start,
                "internal_notes": INTERNAL,
            },
            property=prop,
            lines=[LineInput(f"Clean {MARKER}", 1, "100.00")],
            assignees=[owner.pk],
            **extra,
        ),
    )


def _work(owner, client: Client) -> dict:
    """Company A's properties and jobs: on the world's client, each with the marker."""
    prop = property_services.property_create(
        actor=owner,
        client=client,
        data={"name": f"Lake {MARKER}", "street": "1 Main St", "access_notes": f"Gate {MARKER}"},
    )
    old_prop = property_services.property_create(
        actor=owner, client=client, data={"name": f"Old {MARKER}"}
    )
    property_services.property_archive(actor=owner, prop=old_prop)
    service = property_services.service_create(
        actor=owner, data={"name": f"Clean {MARKER}", "default_price": "100.00"}
    )
    ps = property_services.property_service_add(
        actor=owner, prop=prop, data={"service": service.pk, "instructions": f"Mop {MARKER}"}
    )
    template = job_services.checklist_template_save(
        actor=owner, template=None, name=f"List {MARKER}", items=[(f"Mop {MARKER}", True)]
    )
    job = _job(owner, prop, checklist_template=template.pk)
    attachment = attachment_add(
        owner, job, SimpleUploadedFile(f"{MARKER}.jpg", _jpeg()), kind="before"
    )
    done_job = _job(owner, prop)
    for status in ("started", "finished"):
        job_services.job_transition(actor=owner, job=done_job, to_status=status)
    archived_job = _job(owner, prop)
    job_services.job_archive(actor=owner, job=archived_job)
    return {
        "prop": prop,
        "old_prop": old_prop,
        "service": service,
        "ps": ps,
        "template": template,
        "job": job,
        "item": job.checklist.get(),
        "attachment": attachment,
        "done_job": done_job,
        "archived_job": archived_job,
    }


def _billing(owner, client: Client) -> dict:
    """Company A's invoices: an open one in a batch and a draft, on the world's client."""
    line = billing_services.LineInput(f"Clean {MARKER}", "100.00")
    invoice = billing_services.invoice_create(
        actor=owner, client=client, lines=[line], customer_message=f"Thanks {MARKER}", issue=True
    )
    draft = billing_services.invoice_create(actor=owner, client=client, lines=[line])
    batch = billing_services.batch_create(actor=owner, client=client, invoices=[invoice.pk])
    return {"invoice": invoice, "draft": draft, "batch": batch}


def _payments(owner, customer, client: Client, invoice: Invoice) -> dict:
    """Company A's payments, on the world's client: a check with its proof (credit, to apply or
    refund; not applied, so the invoice stays editable) and the customer's report for the
    invoice, waiting for approval."""
    proof = SimpleUploadedFile(f"{MARKER}.pdf", f"%PDF-1.4 {MARKER}".encode())
    payment = payment_services.payment_record(
        actor=owner, client=client, method="check", amount="150.00", reference=MARKER, proof=proof
    )
    report = payment_services.payment_report(
        actor=customer,
        method="zelle",
        amount="20.00",
        reference=f"ZL {MARKER}",
        invoice=invoice.pk,
    )
    return {"payment": payment, "report": report}


def _build_world(owner, office, employee, customer, neighbour, outsider) -> World:
    office.user.last_name = MARKER
    office.user.save(update_fields=["last_name"])
    email = f"{MARKER.lower()}@example.com"
    client = _client(owner, first_name="Zelda", last_name=MARKER, email=email, notes=INTERNAL)
    twin = _client(owner, first_name="Zelda", last_name=MARKER, email=email)
    services.contact_create(
        actor=owner, client=client, values={"first_name": "Prim", "last_name": MARKER}
    )
    contact = services.contact_create(
        actor=owner, client=client, values={"first_name": "Ora", "last_name": MARKER}
    )
    services.client_tag_add(actor=owner, client=client, name=f"VIP {MARKER}")
    note = services.note_create(
        actor=owner,
        client=client,
        text=f"Keys under the mat, {MARKER}",
        files=[SimpleUploadedFile(f"{MARKER}.pdf", f"%PDF-1.4 {MARKER}".encode())],
    )
    archived = _client(owner, company_name=f"Old {MARKER} Ltd", kind="company")
    services.client_archive(actor=owner, client=archived)
    customer.client = client
    customer.save(update_fields=["client"])
    billing = _billing(owner, client)
    return World(
        client=client,
        twin=twin,
        contact=contact,
        tag=Tag.objects.get(company=owner.company, name=f"VIP {MARKER}"),
        reminder=services.reminder_create(
            actor=owner,
            client=client,
            text=f"Call {MARKER}",
            due_on=company_today(owner),
            assignee_id=None,
        ),
        notice=services.notice_create(actor=owner, client=client, text=f"Gate code of {MARKER}"),
        note=note,
        file=note.files.get(),
        archived=archived,
        pair=DuplicatePair.objects.get(
            client_a_id=min(client.pk, twin.pk), client_b_id=max(client.pk, twin.pk)
        ),
        client_import=_csv_import(owner),
        member=office,
        activity=Activity.objects.filter(company=owner.company, target_id=client.pk).earliest("id"),
        **_work(owner, client),
        **billing,
        **_payments(owner, customer, client, billing["invoice"]),
        invitation=member_invite(
            actor=owner, username="zzyzx-invitee", email=email, role=Role.OFFICE
        ),
        api_token=api_token_create(membership=office, name=f"Export {MARKER}").token,
        tokens={
            "owner": api_token_create(membership=owner).raw,
            "outsider": api_token_create(membership=outsider).raw,
            "employee": api_token_create(membership=employee).raw,
            "customer": _demoted_token(customer),
            "neighbour": _demoted_token(neighbour),
        },
    )


@pytest.fixture(scope="module")
def world(
    _module_db, _world_files, owner, office, employee, customer, neighbour, outsider
) -> World:
    with override_settings(MEDIA_ROOT=_world_files):
        return _once(
            _module_db,
            lambda: _build_world(owner, office, employee, customer, neighbour, outsider),
        )


@pytest.fixture(scope="module")
def pristine(_module_db, world, company_a) -> dict[str, list]:
    """Company A's rows as every test starts with them."""
    return _once(_module_db, lambda: snapshot(company_a))


# --- the table: every route that takes an id -------------------------------------------------


def of(**attributes: str) -> Callable[[World], dict[str, int]]:
    """The URL's ids from the world: of(client_id="client") -> {"client_id": world.client.pk}."""
    return lambda w: {param: getattr(w, name).pk for param, name in attributes.items()}


@dataclass(frozen=True)
class Route:
    ids: Callable[[World], dict[str, int]]  # the URL's kwargs, for records of company A
    writes: tuple[str, ...] = ()  # the write methods, each sent with `body`
    # A dict, or a function of the world making one (ids of other records; a fresh upload).
    body: dict | Callable[[World], dict] = field(default_factory=dict)
    # False: the route has no GET, which answers 405 to everyone whatever the id.
    get: bool = True
    # The owner's GET shows the marker: proof that the marker check would see a leak.
    shows: bool = False

    def body_for(self, world: World) -> dict:
        return self.body(world) if callable(self.body) else self.body


POST = ("POST",)
CLIENT = of(client_id="client")
CLIENT_FORM = {
    "kind": "person",
    "first_name": "Hacked",
    "last_name": "Hacked",
    "email": "hacked@example.com",
    "phone_kind_0": "mobile",
    "phone_number_0": "(415) 555-0123",
    "country": "US",
    "client_type": "residential",
    "rating": "4",
    "preferred_contact": "email",
    "language": "en",
}

PROP = of(property_id="prop")
JOB = of(job_id="job")
PROPERTY_FORM = {"name": "Hacked", "type": "residential", "street": "1 Hack St", "country": "US"}


def _photo(field_name: str, **fields) -> Callable[[World], dict]:
    return lambda w: {field_name: SimpleUploadedFile("hacked.jpg", _jpeg()), **fields}


def _job_form(w: World) -> dict:
    return {
        "client": w.client.pk,
        "property": w.prop.pk,
        "title": "Hacked",
        "date": "2030-01-02",
        "start_time": "09:00",
        "end_time": "11:00",
        "line_description_0": "Hacked",
        "line_quantity_0": "1",
        "line_unit_price_0": "10.00",
    }


PROPERTY_ROUTES: dict[str, Route] = {
    "properties:detail": Route(PROP, shows=True),
    "properties:new": Route(CLIENT, POST, PROPERTY_FORM, shows=True),
    "properties:edit": Route(PROP, POST, PROPERTY_FORM, shows=True),
    "properties:archive": Route(PROP, POST, get=False),
    "properties:restore": Route(of(property_id="old_prop"), POST, get=False),
    "properties:move": Route(
        PROP, POST, lambda w: {"client": w.twin.pk, "confirm": "on"}, shows=True
    ),
    "properties:move_lookup": Route(PROP),
    "properties:service_add": Route(
        PROP,
        POST,
        lambda w: {"service": w.service.pk, "price": "50.00", "interval": "1"},
        shows=True,
    ),
    "properties:service_edit": Route(
        of(property_id="prop", ps_id="ps"),
        POST,
        {"price": "55.00", "interval": "1", "instructions": "Hacked"},
        shows=True,
    ),
    "properties:service_archive": Route(of(property_id="prop", ps_id="ps"), POST, get=False),
    "properties:catalog_edit": Route(
        of(service_id="service"),
        POST,
        {"name": "Hacked", "default_price": "10.00", "duration_minutes": "60"},
        shows=True,
    ),
    "properties:catalog_archive": Route(of(service_id="service"), POST, get=False),
}

JOB_ROUTES: dict[str, Route] = {
    "jobs:detail": Route(JOB, shows=True),
    "jobs:edit": Route(JOB, POST, _job_form, shows=True),
    "jobs:transition": Route(JOB, POST, {"status": "started"}, get=False),
    "jobs:bad_debt": Route(of(job_id="done_job"), POST, {"value": "on"}, get=False),
    "jobs:archive": Route(JOB, POST, get=False),
    "jobs:restore": Route(of(job_id="archived_job"), POST, get=False),
    "jobs:note_add": Route(JOB, POST, {"text": "Hacked"}, get=False),
    "jobs:checklist_add": Route(JOB, POST, {"text": "Hacked"}, get=False),
    "jobs:checklist_toggle": Route(of(job_id="job", item_id="item"), POST, get=False),
    "jobs:checklist_remove": Route(of(job_id="job", item_id="item"), POST, get=False),
    "jobs:attachment_upload": Route(JOB, POST, _photo("file", kind="before"), get=False),
    "jobs:attachment_archive": Route(of(job_id="job", attachment_id="attachment"), POST, get=False),
    "jobs:attachment_file": Route(of(job_id="job", attachment_id="attachment"), shows=True),
    "jobs:attachment_thumbnail": Route(of(job_id="job", attachment_id="attachment"), shows=True),
    "jobs:checklist_edit": Route(
        of(template_id="template"), POST, {"name": "Hacked", "item_text_0": "x"}, shows=True
    ),
    "jobs:checklist_archive": Route(of(template_id="template"), POST, get=False),
    "jobs:schedule_move": Route(JOB, POST, {"date": "2030-01-02"}, shows=True),
    "jobs:crew_job": Route(JOB, shows=True),
    "jobs:crew_transition": Route(JOB, POST, {"status": "started"}, get=False),
    "jobs:crew_checklist": Route(of(job_id="job", item_id="item"), POST, {"done": "1"}, get=False),
    "jobs:crew_upload": Route(JOB, POST, _photo("photo", kind="before"), get=False),
    "jobs:crew_note": Route(JOB, POST, {"text": "Hacked"}, get=False),
}

INVOICE = of(invoice_id="invoice")
DRAFT = of(invoice_id="draft")
BILLING_PAGE_ROUTES: dict[str, Route] = {
    "billing:invoice_detail": Route(INVOICE, shows=True),
    "billing:invoice_edit": Route(
        DRAFT, POST, {"discount_kind": "amount", "customer_message": "Hacked"}, shows=True
    ),
    "billing:invoice_issue": Route(DRAFT, POST, get=False),
    "billing:invoice_void": Route(INVOICE, POST, {"void_reason": "Hacked"}, get=False),
    "billing:invoice_write_off": Route(INVOICE, POST, get=False),
    "billing:invoice_delete": Route(DRAFT, POST, get=False),
    "billing:job_invoice": Route(of(job_id="done_job"), POST, {"whole": "1"}, shows=True),
    "billing:batch_detail": Route(of(batch_id="batch"), shows=True),
    "billing:invoice_send": Route(INVOICE, POST, lambda w: {"to": w.client.email}, get=False),
    "billing:invoice_link_revoke": Route(INVOICE, POST, get=False),
    "billing:invoice_link_reissue": Route(INVOICE, POST, get=False),
    "billing:batch_send": Route(
        of(batch_id="batch"), POST, lambda w: {"to": w.client.email}, get=False
    ),
    "billing:batch_link_revoke": Route(of(batch_id="batch"), POST, get=False),
    "billing:batch_link_reissue": Route(of(batch_id="batch"), POST, get=False),
}

PAYMENT = of(payment_id="payment")
REPORT = of(payment_id="report")
PAYMENT_PAGE_ROUTES: dict[str, Route] = {
    "payments:detail": Route(PAYMENT, shows=True),
    "payments:proof": Route(PAYMENT, shows=True),
    "payments:apply": Route(PAYMENT, POST, lambda w: {f"apply_{w.invoice.pk}": "1.00"}, get=False),
    "payments:refund": Route(PAYMENT, POST, {"amount": "1.00", "reason": "Hacked"}, get=False),
    "payments:reverse": Route(PAYMENT, POST, {"failure_reason": "Hacked"}, get=False),
    "payments:approve": Route(REPORT, POST, get=False),
    "payments:reject": Route(REPORT, POST, {"rejection_reason": "Hacked"}, get=False),
}

JOB_ITEM = of(job_id="job", item_id="item")
PROP_SERVICE = of(property_id="prop", ps_id="ps")
API_WORK_ROUTES: dict[str, Route] = {
    "api:property_detail": Route(PROP, shows=True),
    "api:property_change": Route(PROP, ("PATCH",), {"name": "Hacked"}, shows=True),
    "api:property_archive": Route(PROP, POST, get=False),
    "api:property_restore": Route(of(property_id="old_prop"), POST, get=False),
    "api:property_service_list": Route(PROP, shows=True),
    "api:property_service_new": Route(
        PROP, POST, lambda w: {"service": w.service.pk, "price": "50.00"}, shows=True
    ),
    "api:property_service_change": Route(PROP_SERVICE, ("PATCH",), {"price": "55.00"}, get=False),
    "api:property_service_archive": Route(PROP_SERVICE, POST, get=False),
    "api:service_detail": Route(of(service_id="service"), shows=True),
    "api:service_change": Route(
        of(service_id="service"), ("PATCH",), {"name": "Hacked"}, shows=True
    ),
    "api:service_archive": Route(of(service_id="service"), POST, get=False),
    "api:job_detail": Route(JOB, shows=True),
    "api:job_change": Route(JOB, ("PATCH",), {"title": "Hacked"}, shows=True),
    "api:job_transition": Route(JOB, POST, {"status": "started"}, get=False),
    "api:job_bad_debt": Route(of(job_id="done_job"), POST, {"bad_debt": True}, get=False),
    "api:job_archive": Route(JOB, POST, get=False),
    "api:job_restore": Route(of(job_id="archived_job"), POST, get=False),
    "api:checklist_list": Route(JOB, shows=True),
    "api:checklist_item_new": Route(JOB, POST, {"text": "Hacked"}, shows=True),
    "api:checklist_item_change": Route(JOB_ITEM, ("PATCH",), {"done": True}, get=False),
    "api:attachment_list": Route(JOB, shows=True),
    "api:attachment_new": Route(JOB, POST, _photo("file", kind="before"), shows=True),
    "api:job_attachment_file": Route(of(job_id="job", attachment_id="attachment"), shows=True),
}

API_BILLING_ROUTES: dict[str, Route] = {
    "api:invoice_detail": Route(INVOICE, shows=True),
    "api:invoice_change": Route(INVOICE, ("PATCH",), {"customer_message": "Hacked"}, shows=True),
    "api:invoice_remove": Route(DRAFT, ("DELETE",), shows=True),
    "api:invoice_issue": Route(DRAFT, POST, get=False),
    "api:invoice_void": Route(INVOICE, POST, {"reason": "Hacked"}, get=False),
    "api:invoice_write_off": Route(INVOICE, POST, get=False),
    "api:batch_detail": Route(of(batch_id="batch")),
    "api:invoice_send": Route(INVOICE, POST, get=False),
    "api:invoice_revoke_link": Route(INVOICE, POST, get=False),
    # The PDFs hold the marker, compressed: the owner's GET cannot show it as text.
    "api:invoice_pdf": Route(INVOICE),
    "api:batch_send": Route(of(batch_id="batch"), POST, get=False),
    "api:batch_revoke_link": Route(of(batch_id="batch"), POST, get=False),
    "api:batch_pdf": Route(of(batch_id="batch")),
}

PAYMENT = of(payment_id="payment")
REPORT = of(payment_id="report")
API_PAYMENT_ROUTES: dict[str, Route] = {
    "api:payment_detail": Route(PAYMENT, shows=True),
    "api:payment_approve": Route(REPORT, POST, get=False),
    "api:payment_reject": Route(REPORT, POST, {"reason": "Hacked"}, get=False),
    "api:payment_refund": Route(PAYMENT, POST, {"amount": "1.00"}, get=False),
    "api:payment_apply": Route(
        PAYMENT,
        POST,
        lambda w: {"allocations": [{"invoice": w.invoice.pk, "amount": "1.00"}]},
        get=False,
    ),
    "api:payment_reverse": Route(PAYMENT, POST, {"reason": "Hacked"}, get=False),
}

BATCH = of(batch_id="batch")
DOCUMENT_ROUTES: dict[str, Route] = {
    # The PDFs hold the marker, compressed: the owner's GET cannot show it as text.
    "documents:invoice_pdf": Route(of(invoice_id="invoice")),
    "documents:batch_pdf": Route(BATCH),
    "documents:batch_pdf_prepare": Route(BATCH, POST, get=False),
    "documents:batch_pdf_status": Route(BATCH),
    "payment_documents:receipt_pdf": Route(of(payment_id="payment")),
}

ROUTES: dict[str, Route] = {
    # --- pages: the team
    "accounts:team_member": Route(
        of(membership_id="member"), POST, {"action": "deactivate"}, shows=True
    ),
    "accounts:team_invitation_cancel": Route(of(invitation_id="invitation"), POST, get=False),
    # --- pages: the client directory
    "clients:edit": Route(CLIENT, POST, CLIENT_FORM, shows=True),
    "clients:archive": Route(CLIENT, POST, get=False),
    "clients:restore": Route(of(client_id="archived"), POST, get=False),
    "clients:delete": Route(of(client_id="twin"), POST, get=False),
    # --- pages: the profile and what is on it
    "clients:detail": Route(CLIENT, shows=True),
    "clients:contact_new": Route(
        CLIENT, POST, {"contact-first_name": "Hacked", "contact-role": "other"}, shows=True
    ),
    "clients:contact_edit": Route(
        of(client_id="client", contact_id="contact"),
        POST,
        {"contact-first_name": "Hacked", "contact-role": "billing"},
        shows=True,
    ),
    "clients:contact_primary": Route(of(client_id="client", contact_id="contact"), POST, get=False),
    "clients:contact_delete": Route(of(client_id="client", contact_id="contact"), POST, get=False),
    "clients:tag_add": Route(CLIENT, POST, {"tag-name": "Hacked"}, get=False),
    "clients:tag_remove": Route(of(client_id="client", tag_id="tag"), POST, get=False),
    "clients:reminder_new": Route(
        CLIENT, POST, {"reminder-text": "Hacked", "reminder-due_on": "2030-01-02"}, get=False
    ),
    "clients:reminder_done": Route(of(client_id="client", reminder_id="reminder"), POST, get=False),
    "clients:notice_new": Route(CLIENT, POST, {"notice-text": "Hacked"}, get=False),
    "clients:notice_dismiss": Route(of(client_id="client", notice_id="notice"), POST, get=False),
    "clients:note_new": Route(
        CLIENT, POST, {"note-text": "Hacked", "note-visibility": "internal"}, get=False
    ),
    "clients:note_archive": Route(of(client_id="client", note_id="note"), POST, get=False),
    "clients:note_file": Route(of(client_id="client", file_id="file"), shows=True),
    "clients:portal_login_new": Route(CLIENT, POST, {"email": "hacked@example.com"}, get=False),
    # --- pages: duplicates
    "clients:duplicate_dismiss": Route(of(pair_id="pair"), POST, get=False),
    # --- pages: CSV import
    "clients:import_status": Route(of(import_id="client_import")),
    "clients:import_mapping": Route(
        of(import_id="client_import"),
        POST,
        {"column_0": "first_name", "column_1": "last_name", "column_2": ""},
        shows=True,
    ),
    "clients:import_preview": Route(of(import_id="client_import"), shows=True),
    "clients:import_choose": Route(
        of(import_id="client_import"), POST, {"kind": "duplicate", "choice": "import"}, get=False
    ),
    "clients:import_start": Route(of(import_id="client_import"), POST, get=False),
    "clients:import_report": Route(of(import_id="client_import"), shows=True),
    # --- API: team and activity
    "api:member": Route(of(member_id="member"), shows=True),
    "api:token_revoke": Route(of(token_id="api_token"), POST, get=False),
    "api:activity_detail": Route(of(activity_id="activity"), shows=True),
    # --- API: clients (one URL, an operation per method)
    "api:client_detail": Route(CLIENT, shows=True),
    "api:client_change": Route(CLIENT, ("PATCH",), {"last_name": "Hacked"}, shows=True),
    "api:client_remove": Route(of(client_id="twin"), ("DELETE",), shows=True),
    "api:client_archive": Route(CLIENT, POST, get=False),
    "api:client_restore": Route(of(client_id="archived"), POST, get=False),
    # --- API: contacts
    "api:contact_list": Route(CLIENT, shows=True),
    "api:contact_new": Route(CLIENT, POST, {"first_name": "Hacked"}, shows=True),
    "api:contact_change": Route(
        of(client_id="client", contact_id="contact"),
        ("PATCH",),
        {"first_name": "Hacked"},
        get=False,
    ),
    "api:contact_remove": Route(
        of(client_id="client", contact_id="contact"), ("DELETE",), get=False
    ),
    "api:contact_primary": Route(of(client_id="client", contact_id="contact"), POST, get=False),
    # --- API: tags, reminders, notices, notes
    "api:client_tag_add": Route(CLIENT, POST, {"name": "Hacked"}, get=False),
    "api:client_tag_remove": Route(of(client_id="client", tag_id="tag"), ("DELETE",), get=False),
    "api:reminder_new": Route(CLIENT, POST, {"text": "Hacked", "due_on": "2030-01-02"}, get=False),
    "api:reminder_change": Route(of(reminder_id="reminder"), ("PATCH",), {"done": True}, get=False),
    "api:notice_list": Route(CLIENT, shows=True),
    "api:notice_new": Route(CLIENT, POST, {"text": "Hacked"}, shows=True),
    "api:notice_dismiss": Route(of(notice_id="notice"), POST, get=False),
    "api:note_list": Route(CLIENT, shows=True),
    "api:note_new": Route(CLIENT, POST, {"text": "Hacked"}, shows=True),
    # --- API: properties, their services, the catalog, jobs
    **API_WORK_ROUTES,
    # --- API: invoices and batch invoices
    **API_BILLING_ROUTES,
    # --- API: payments
    **API_PAYMENT_ROUTES,
    # --- pages: properties and the service catalog
    **PROPERTY_ROUTES,
    # --- pages: jobs, checklists, the schedule, the crew's view, files
    **JOB_ROUTES,
    # --- pages: invoices and batches
    **BILLING_PAGE_ROUTES,
    # --- pages: invoice and batch documents
    **DOCUMENT_ROUTES,
    # --- pages: payments
    **PAYMENT_PAGE_ROUTES,
}

# Routes with an id in the path that are deliberately not in the matrix, each with the reason.
# (No Django admin is mounted; static files are served by WhiteNoise's middleware.)
EXCLUDED: dict[str, str] = {
    "accounts:login_link": "a login link's secret token, no record id: made-up, used and expired "
    "links are tried in tests/accounts/test_login.py",
    # A public link is open to whoever holds its token, by design (DESIGN §6): made-up,
    # revoked and void tokens, and one invoice's token against another's document, are tried
    # in tests/billing/test_public_links.py.
    "public_documents:view": "a public document link's secret token, no record id",
    "public_documents:pdf": "a public document link's secret token, no record id",
    "public_documents:logo": "a public document link's secret token, no record id",
    # Paying online from a public link: the same token is the key, and an attempt of another
    # document is refused (tests/payments/test_stripe_pay_pages.py).
    "public_pay:pay": "a public document link's secret token, no record id",
    "public_pay:confirm": "a public document link's secret token; the attempt must be its own",
    "public_pay:done": "a public document link's secret token; the attempt must be its own",
}

# Known leaks: (route, actor, method) -> what leaks. Each is an xfail(strict=True) below, so the
# suite stays green while the leak is there, and turns red the day it is fixed (remove it then).
LEAKS: dict[tuple[str, str, str], str] = {}


# --- the routes the URL configuration has ----------------------------------------------------


def _walk(patterns, prefix="", namespace="", has_param=False) -> Iterator[tuple[str, str]]:
    """(key, full pattern) of every route with a path parameter, included URLconfs and the
    API's too. The key is the route's name (django-ninja names each operation), or for an
    unnamed route its full pattern."""
    for entry in patterns:
        with_param = has_param or entry.pattern.regex.groups > 0
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner, with_param)
        elif isinstance(entry, URLPattern) and with_param:
            full = prefix + str(entry.pattern)
            yield (f"{namespace}{entry.name}" if entry.name else full), full


def routes_with_ids() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for key, full in _walk(get_resolver().url_patterns):
        found.setdefault(key, set()).add(full)
    return found


def test_every_route_with_an_id_has_an_entry():
    found = routes_with_ids()
    assert found, "no route with a path parameter found: is the URL walk broken?"
    # reverse() reaches only one of the routes sharing a name: the others would go untested.
    shared = {key: sorted(full) for key, full in found.items() if len(full) > 1}
    assert not shared, f"routes sharing a name (name them apart): {shared}"
    missing = sorted(found.keys() - ROUTES.keys() - EXCLUDED.keys())
    assert not missing, f"routes taking an id with no entry in ROUTES (or EXCLUDED): {missing}"
    gone = sorted((ROUTES.keys() | EXCLUDED.keys()) - found.keys())
    assert not gone, f"entries for routes that no longer exist (or take no id): {gone}"
    assert not ROUTES.keys() & EXCLUDED.keys()


# --- who asks, and how -----------------------------------------------------------------------

ACTORS = ("outsider", "employee", "customer", "neighbour", "anonymous")
CUSTOMERS = ("customer", "neighbour")


def _is_api(name: str) -> bool:
    return name.startswith("api:")


def connect(request, name: str, actor: str) -> tuple[Browser, dict]:
    """The browser and headers `actor` uses on route `name`. Pages use the login session; the
    API a bearer token (a customer's is one from when they were staff, and they are logged in
    to the portal too: neither may let them in)."""
    browser = request.getfixturevalue("client")
    if actor == "anonymous":
        return browser, {}
    membership = request.getfixturevalue(actor)
    if not _is_api(name):
        return request.getfixturevalue("client_as")(membership), {}
    if actor in CUSTOMERS:
        request.getfixturevalue("client_as")(membership)
    token = request.getfixturevalue("world").tokens[actor]
    return browser, request.getfixturevalue("api_client")(token=token).headers


def send(browser: Browser, name: str, method: str, url: str, body: dict, headers: dict):
    if method == "GET":
        return browser.get(url, headers=headers)
    if _is_api(name) and not any(hasattr(v, "read") for v in body.values()):
        return browser.generic(
            method, url, json.dumps(body), content_type="application/json", headers=headers
        )
    return browser.post(url, body, headers=headers)  # a page form, or an upload


def content(response) -> str:
    """Everything the response says, headers and body, in lower case."""
    # A download is read to its end, which closes it. (Not with response.close(): outside the
    # test client's wrapper that closes the database connection, and the module's transaction.)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return f"{dict(response.headers)}\n{body.decode('utf-8', 'replace')}".lower()


# Tables kept in step with others (search index, change history): a change shows in the rows
# they follow, so the snapshot leaves them out (which halves its cost).
DERIVED = ("clients.ClientToken", "clients.ClientMatchKey")


def snapshot(company) -> dict[str, list]:
    """Every row of every table that belongs to the company, as values."""
    rows = {}
    for model in apps.get_models():
        columns = [f.attname for f in model._meta.concrete_fields]
        label = model._meta.label
        if (
            "company_id" not in columns
            or label in DERIVED
            or model.__name__.startswith("Historical")
        ):
            continue
        columns = [c for c in columns if c != "last_used_at"]  # a token's, set when used
        rows[label] = list(
            model._default_manager.filter(company_id=company.pk).order_by("pk").values(*columns)
        )
    return rows


# --- the matrix ------------------------------------------------------------------------------


def expected(name: str, route: Route, actor: str, method: str) -> set[int]:
    if actor == "anonymous":
        codes = {401} if _is_api(name) else {302}  # to the login page, checked below
    elif actor == "outsider":
        codes = {404}  # another company's record does not exist for them
    elif actor == "neighbour" and name.startswith("portal:"):
        codes = {404}  # nor another client's, in the customers' own pages
    elif actor in CUSTOMERS and _is_api(name):
        codes = {401, 403, 404}  # a customer's token is not accepted at all
    else:
        codes = {403, 404}
    if method == "GET" and not route.get:
        codes.add(405)  # answered before any id is looked at
    return codes


def _cases() -> list:
    cases = []
    for name, route in ROUTES.items():
        for method in ("GET", *route.writes):
            for actor in ACTORS:
                leak = LEAKS.get((name, actor, method))
                marks = [pytest.mark.xfail(strict=True, reason=leak)] if leak else []
                cases.append(
                    pytest.param(name, actor, method, id=f"{name}-{method}-{actor}", marks=marks)
                )
    return cases


@pytest.mark.parametrize(("name", "actor", "method"), _cases())
def test_another_companys_record_is_out_of_reach(
    request, db, world, pristine, company_a, name, actor, method
):
    route = ROUTES[name]
    url = reverse(name, kwargs=route.ids(world))
    browser, headers = connect(request, name, actor)

    response = send(browser, name, method, url, route.body_for(world), headers)

    said = content(response)
    assert response.status_code in expected(name, route, actor, method), said[:500]
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    assert MARKER.lower() not in said
    if method != "GET":
        assert snapshot(company_a) == pristine, "company A's records changed"


# --- the positive control: the owner gets through on every entry ----------------------------


def _owner_cases() -> list:
    return [
        pytest.param(name, method, id=f"{name}-{method}")
        for name, route in ROUTES.items()
        for method in ("GET", *route.writes)
    ]


@pytest.mark.parametrize(("name", "method"), _owner_cases())
def test_the_owner_reaches_the_record(request, db, world, pristine, company_a, name, method):
    route = ROUTES[name]
    url = reverse(name, kwargs=route.ids(world))
    browser, headers = connect(request, name, "owner")

    response = send(browser, name, method, url, route.body_for(world), headers)

    said = content(response)
    if method == "GET" and not route.get:
        # The route has no GET: its write below proves the ids.
        assert response.status_code == 405, said[:500]
    elif method == "GET":
        assert response.status_code in (200, 302), said[:500]
        assert (MARKER.lower() in said) == route.shows
    else:
        assert response.status_code in (200, 201, 204, 302), said[:500]
        assert snapshot(company_a) != pristine, (
            "the owner's write changed nothing: is the body right?"
        )


# --- the customers' scope: record by record -------------------------------------------------
#
# No portal route takes an id yet (the office's refuse a customer by role, whatever the id).
# What the portal's routes will start from, `scope`, is checked here on every record of the
# world: the neighbour finds none, the customer finds their client's own and nothing the
# office keeps to itself (the note and the photo are internal, the rest is the office's).


def _records(world: World) -> dict[str, models.Model]:
    return {name: value for name, value in vars(world).items() if isinstance(value, models.Model)}


def test_a_customer_of_another_client_finds_none_of_the_clients_records(db, world, neighbour):
    found = [name for name, record in _records(world).items() if in_scope(record, neighbour)]
    assert found == []


def test_the_clients_customer_finds_only_what_is_shown_to_them(db, world, customer):
    found = {name for name, record in _records(world).items() if in_scope(record, customer)}
    assert found == {
        *("client", "prop", "old_prop", "job", "done_job", "archived_job"),
        *("invoice", "batch"),  # issued: the customer's to see
        *("payment", "report"),  # their client's payments
    }


# --- the customers' fields: a customer's copy of a record has none of the office's notes -------


def _as_read(record: models.Model) -> dict:
    """Every field of a record as a page reads it; a field hidden from the reader: HiddenField."""
    values = {}
    for column in record._meta.concrete_fields:
        try:
            values[column.attname] = getattr(record, column.attname)
        except HiddenField:
            values[column.attname] = HiddenField
    return values


def _copies(world: World, member: Membership) -> dict[str, dict]:
    """The member's copy (through `scope`) of each record of the world they find, as read."""
    return {
        name: _as_read(copy)
        for name, record in _records(world).items()
        for copy in scope(type(record)._base_manager.filter(pk=record.pk), member)
    }


def test_the_clients_customer_gets_none_of_the_offices_internal_notes(db, world, customer):
    copies = _copies(world, customer)

    assert copies.keys() == {
        *("client", "prop", "old_prop", "job", "done_job", "archived_job"),
        *("invoice", "batch"),
        *("payment", "report"),
    }
    assert INTERNAL.lower() not in repr(copies).lower()
    assert copies["client"]["notes"] is HiddenField
    for job in ("job", "done_job", "archived_job"):
        assert copies[job]["internal_notes"] is HiddenField
        assert MARKER in copies[job]["title"]  # the rest of the job is theirs to see


def test_the_office_gets_its_internal_notes(db, world, owner):
    """The positive control: the notes are there for the office, on the same records."""
    copies = _copies(world, owner)

    assert copies["client"]["notes"] == INTERNAL
    assert copies["job"]["internal_notes"] == INTERNAL


def test_the_customers_get_no_internal_note_nor_internal_photo(
    db, world, owner, customer, neighbour
):
    """client_notes and job_attachments by viewer: the world's note and photo are internal."""
    for member in (customer, neighbour):
        assert list(client_notes(viewer=member, client=world.client)) == []
        assert list(job_attachments(viewer=member, job=world.job)) == []
    assert list(client_notes(viewer=owner, client=world.client)) == [world.note]
    assert list(job_attachments(viewer=owner, job=world.job)) == [world.attachment]
