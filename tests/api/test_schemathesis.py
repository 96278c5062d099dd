"""Property-based checks of the whole API against its own OpenAPI schema, in-process over WSGI.

Every operation of /api/v1/openapi.json gets generated requests (valid ones, and invalid ones that
must be refused with a 4xx) with an Owner's token; every answer must be no server error, have a
status code the schema declares, and a body matching the schema of that status. Without a token
every operation must answer 401. Examples are bounded and derandomized so runs repeat exactly.
"""

from datetime import date

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from crewdesk.accounts.services import api_token_create
from crewdesk.core.events import activity_record
from crewdesk.core.models import Activity
from crewdesk.core.roles import Role
from tests.factories import MembershipFactory

SCHEMA_PATH = "/api/v1/openapi.json"
MAX_EXAMPLES = 25

EXAMPLES = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _checks():
    c = schemathesis.checks
    return [
        c.not_a_server_error,
        c.status_code_conformance,
        c.content_type_conformance,
        c.response_schema_conformance,
    ]


@pytest.fixture
def wsgi_app(db):
    """Django's WSGI app, sharing the test's connection and transaction.

    Like Django's own test client, keep `close_old_connections` from closing the connection
    (and with it the test transaction) at the start and end of each request.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def schema(wsgi_app):
    loaded = schemathesis.openapi.from_wsgi(SCHEMA_PATH, wsgi_app)
    loaded.validate()
    return loaded


def _operations(schema):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 5, [op.label for op in operations]
    return operations


@pytest.fixture
def world(company_a, owner, office, employee, customer, outsider):
    """Some rows for the generated requests to find (and another company's, not to find)."""
    for n in range(5):
        MembershipFactory(company=company_a, role=Role.OFFICE, active=n % 2 == 0)
    for company, actor in ((company_a, owner.user), (outsider.company, outsider.user)):
        for verb in ("company.updated", "user.login", "something.unknown"):
            activity_record(company=company, actor=actor, verb=verb, data={"name": "x", "n": 1})
    for actor in (owner, outsider):
        _job_world(actor, employee if actor is owner else actor)
    return {"owner_token": api_token_create(membership=owner).raw}


def _job_world(actor, crew) -> None:
    """A property getting a weekly service and a job with crew, lines and a checklist."""
    from crewdesk.clients.services import ClientInput, client_create
    from crewdesk.properties.services import property_service_add
    from tests.factories import make_job, make_property, make_service

    client = client_create(
        actor=actor,
        data=ClientInput(fields={"first_name": "Wes", "email": f"wes{actor.pk}@real.test"}),
    )
    prop = make_property(actor, client, name="World house", access_notes="Gate 1")
    service = make_service(actor, "World clean", "50.00")
    property_service_add(actor=actor, prop=prop, data={"service": service.pk, "price": "45.00"})
    make_job(actor, prop, assignees=[crew], checklist=[("Lock up", True), ("Sweep", False)])
    _invoice_world(actor, client)


def _invoice_world(actor, client) -> None:
    """An issued invoice in a batch and a draft."""
    from crewdesk.billing.services import LineInput, batch_create, invoice_create

    lines = [LineInput("Window wash", "80.00")]
    issued = invoice_create(actor=actor, client=client, lines=lines, issue=True)
    batch_create(actor=actor, client=client, invoices=[issued])
    invoice_create(actor=actor, client=client, lines=lines)
    _payment_world(actor, client, issued)


def _payment_world(actor, client, invoice) -> None:
    """A check paying part of the invoice, the rest credit."""
    from crewdesk.payments.services import payment_record

    payment_record(
        actor=actor,
        client=client,
        method="check",
        amount="100.00",
        reference="1042",
        allocations=[{"invoice": invoice.pk, "amount": "30.00"}],
    )


def _fuzz(
    operation, mode: GenerationMode, headers: dict[str, str], checks, examples=MAX_EXAMPLES
) -> int:
    """Send the operation's generated cases; the number of requests made."""
    calls = 0

    @given(case=operation.as_strategy(generation_mode=mode, headers=headers or None))
    @settings(EXAMPLES, max_examples=examples)
    def run(case):
        nonlocal calls
        calls += 1
        case.call_and_validate(headers=headers, checks=checks)

    run()
    assert calls, f"no {mode} requests generated for {operation.label}"
    return calls


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_schema(schema, world, mode):
    headers = {"Authorization": f"Bearer {world['owner_token']}"}
    # Not `negative_data_rejection`: unknown query parameters are ignored, not refused.
    checks = _checks()
    calls = {}
    for operation in _operations(schema):
        has_input = len(operation.path_parameters) + len(operation.query) > 0
        if mode == GenerationMode.NEGATIVE and not has_input:
            continue  # nothing to make invalid (the headers are not ours to validate)
        calls[operation.label] = _fuzz(operation, mode, headers, checks)
    # Operations with inputs get the full budget of examples.
    assert sum(calls.values()) >= 3 * MAX_EXAMPLES, calls


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_billing_bodies_are_fuzzed_too(schema, world, mode):
    """Invoices, batches and payments take most of their input as a JSON body, which the test
    above leaves valid for an operation with no path or query parameter: every billing and
    payments operation gets generated requests here, bodies and all, valid ones and invalid
    ones."""
    headers = {"Authorization": f"Bearer {world['owner_token']}"}
    billing = [
        operation
        for operation in _operations(schema)
        if operation.path.startswith(
            ("/api/v1/invoices", "/api/v1/batch-invoices", "/api/v1/payments")
        )
    ]
    assert len(billing) == 25, [operation.label for operation in billing]
    for operation in billing:
        _fuzz(operation, mode, headers, _checks())


def _client_records(owner) -> dict:
    """A client with something behind every clients route, and spares for the deletes."""
    from crewdesk.clients import services

    def client(name):
        fields = {"first_name": name, "last_name": "Real", "email": f"{name}@real.test"}
        return services.client_create(
            actor=owner, data=services.ClientInput(fields=fields), allow_duplicate=True
        )

    ann = client("ann")
    services.contact_create(actor=owner, client=ann, values={"first_name": "Primary"})
    other = services.contact_create(actor=owner, client=ann, values={"first_name": "Other"})
    spare = services.contact_create(actor=owner, client=ann, values={"first_name": "Spare"})
    tag = services.client_tag_add(actor=owner, client=ann, name="VIP")
    reminder = services.reminder_create(
        actor=owner, client=ann, text="Call", due_on=date(2030, 1, 1)
    )
    notice = services.notice_create(actor=owner, client=ann, text="Dog in the yard")
    return {
        "ids": {
            "client_id": ann.pk,
            "contact_id": other.pk,
            "tag_id": tag.pk,
            "reminder_id": reminder.pk,
            "notice_id": notice.pk,
        },
        # Destructive operations get records of their own, so later operations still find theirs.
        "overrides": {
            "DELETE /api/v1/clients/{client_id}": {"client_id": client("spare").pk},
            "DELETE /api/v1/clients/{client_id}/contacts/{contact_id}": {"contact_id": spare.pk},
        },
    }


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _job_records(owner) -> dict:
    """A property with a service, a job with a checklist and a photo, and spares for the
    operations that would leave them unusable for later ones (archiving)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from crewdesk.clients.services import ClientInput, client_create
    from crewdesk.jobs.attachments import attachment_add
    from crewdesk.properties.services import property_service_add
    from tests.factories import make_job, make_property, make_service

    client = client_create(
        actor=owner, data=ClientInput(fields={"first_name": "Pat", "email": "pat@real.test"})
    )
    prop = make_property(owner, client, name="Lake house")
    service = make_service(owner, "Standard clean", "120.00")
    spare_service = make_service(owner, "Spare clean", "90.00")
    ps = property_service_add(actor=owner, prop=prop, data={"service": service.pk})
    job = make_job(owner, prop, checklist=[("Lock the gate", True)])
    spare_job = make_job(owner, prop)
    photo = SimpleUploadedFile("photo.png", _png(), content_type="image/png")
    attachment = attachment_add(owner, job, photo, kind="before")
    return {
        "ids": {
            "property_id": prop.pk,
            "ps_id": ps.pk,
            "service_id": service.pk,
            "job_id": job.pk,
            "item_id": job.checklist.get().pk,
            "attachment_id": attachment.pk,
        },
        "overrides": {
            "POST /api/v1/services/{service_id}/archive": {"service_id": spare_service.pk},
            "POST /api/v1/jobs/{job_id}/archive": {"job_id": spare_job.pk},
        },
        "bodies": {
            "POST /api/v1/properties": {"client": client.pk, "street": "5 Elm St"},
            "PATCH /api/v1/properties/{property_id}": {"city": "Easton"},
            "POST /api/v1/properties/{property_id}/services": {"service": service.pk},
            "PATCH /api/v1/properties/{property_id}/services/{ps_id}": {"price": "99.50"},
            "POST /api/v1/services": {"name": "Deep clean", "default_price": "240.00"},
            "PATCH /api/v1/services/{service_id}": {"duration_minutes": 90},
            "POST /api/v1/jobs": {"property": prop.pk, "scheduled_start": "2030-01-07T09:00:00"},
            "PATCH /api/v1/jobs/{job_id}": {"title": "Spring clean"},
            "POST /api/v1/jobs/{job_id}/transition": {"status": "on_the_way"},
            "POST /api/v1/jobs/{job_id}/bad-debt": {"bad_debt": False},
            "POST /api/v1/jobs/{job_id}/checklist": {"text": "Take photos"},
            "PATCH /api/v1/jobs/{job_id}/checklist/{item_id}": {"done": True},
        },
        "multipart": {
            "POST /api/v1/jobs/{job_id}/attachments": {"file": _png(), "kind": "after"},
        },
    }


def _billing_records(owner) -> dict:
    """Invoices and a batch, with one of their own for each operation that uses one up
    (delete, issue, void, write off, batch)."""
    from crewdesk.billing.services import LineInput, batch_create, invoice_create
    from crewdesk.clients.services import ClientInput, client_create

    client = client_create(
        actor=owner, data=ClientInput(fields={"first_name": "Bo", "email": "bo@real.test"})
    )

    def invoice(issue=True):
        lines = [LineInput("Gutter clean", "75.00")]
        return invoice_create(actor=owner, client=client, lines=lines, issue=issue)

    shown = invoice()
    return {
        "ids": {
            "invoice_id": shown.pk,
            "batch_id": batch_create(actor=owner, client=client, invoices=[invoice()]).pk,
        },
        "overrides": {
            "DELETE /api/v1/invoices/{invoice_id}": {"invoice_id": invoice(issue=False).pk},
            "POST /api/v1/invoices/{invoice_id}/issue": {"invoice_id": invoice(issue=False).pk},
            "POST /api/v1/invoices/{invoice_id}/void": {"invoice_id": invoice().pk},
            "POST /api/v1/invoices/{invoice_id}/write-off": {"invoice_id": invoice().pk},
        },
        "bodies": {
            "POST /api/v1/invoices": {
                "client": client.pk,
                "lines": [{"description": "Roof", "unit_price": "300.00"}],
                "discount_percent": "5",
            },
            "PATCH /api/v1/invoices/{invoice_id}": {"customer_message": "Thank you"},
            "POST /api/v1/invoices/{invoice_id}/void": {"reason": "Entered twice"},
            "POST /api/v1/batch-invoices": {"client": client.pk, "invoices": [invoice().pk]},
            "POST /api/v1/invoices/{invoice_id}/send": {"message": "Thanks"},
            "POST /api/v1/invoices/{invoice_id}/revoke-link": {"reissue": True},
            "POST /api/v1/batch-invoices/{batch_id}/send": {},
            "POST /api/v1/batch-invoices/{batch_id}/revoke-link": {},
        },
    }


def _payment_records(owner) -> dict:
    """A payment with credit for each operation that uses one up (refund, apply, reverse),
    and a customer's report each to approve and to reject."""
    from crewdesk.billing.services import LineInput, invoice_create
    from crewdesk.clients.services import ClientInput, client_create
    from crewdesk.payments.services import payment_record, payment_report

    client = client_create(
        actor=owner, data=ClientInput(fields={"first_name": "Pia", "email": "pia@real.test"})
    )
    invoice = invoice_create(
        actor=owner, client=client, lines=[LineInput("Hedge", "80.00")], issue=True
    )
    customer = MembershipFactory(company=owner.company, role=Role.CUSTOMER, client=client)

    def payment():
        return payment_record(actor=owner, client=client, method="cash", amount="40.00").pk

    def report():
        return payment_report(actor=customer, method="zelle", amount="5.00", reference="Z1").pk

    return {
        "ids": {"payment_id": payment()},
        "overrides": {
            "POST /api/v1/payments/{payment_id}/approve": {"payment_id": report()},
            "POST /api/v1/payments/{payment_id}/reject": {"payment_id": report()},
            "POST /api/v1/payments/{payment_id}/refund": {"payment_id": payment()},
            "POST /api/v1/payments/{payment_id}/apply": {"payment_id": payment()},
            "POST /api/v1/payments/{payment_id}/reverse": {"payment_id": payment()},
        },
        "bodies": {
            "POST /api/v1/payments": {"client": client.pk, "method": "check", "amount": "9.00"},
            "POST /api/v1/payments/{payment_id}/approve": {},
            "POST /api/v1/payments/{payment_id}/reject": {"reason": "Not received"},
            "POST /api/v1/payments/{payment_id}/refund": {"amount": "1.00"},
            "POST /api/v1/payments/{payment_id}/apply": {
                "allocations": [{"invoice": invoice.pk, "amount": "10.00"}]
            },
            "POST /api/v1/payments/{payment_id}/reverse": {"reason": "Bounced"},
        },
    }


# A valid body for each operation that needs one.
BODIES = {
    "POST /api/v1/clients": {"first_name": "New", "last_name": "Client", "email": "n@c.test"},
    "PATCH /api/v1/clients/{client_id}": {"city": "Austin"},
    "POST /api/v1/clients/{client_id}/contacts": {"first_name": "Cy"},
    "PATCH /api/v1/clients/{client_id}/contacts/{contact_id}": {"last_name": "Ng"},
    "POST /api/v1/clients/{client_id}/tags": {"name": "Net 30"},
    "POST /api/v1/clients/{client_id}/reminders": {"text": "Call", "due_on": "2030-01-01"},
    "PATCH /api/v1/reminders/{reminder_id}": {"done": True},
    "POST /api/v1/clients/{client_id}/notices": {"text": "Gate code 1234"},
    "POST /api/v1/clients/{client_id}/notes": {"text": "Prefers mornings"},
    "POST /api/v1/tokens": {"name": "Nightly export"},
}


def test_real_records_conform_to_the_schema(schema, world, company_a, owner, settings, tmp_path):
    """Random ids mostly miss: answer every operation once with ids that exist."""
    settings.MEDIA_ROOT = tmp_path / "media"
    headers = {"Authorization": f"Bearer {world['owner_token']}"}
    records = _client_records(owner)
    job_records = _job_records(owner)
    billing_records = _billing_records(owner)
    payment_records = _payment_records(owner)
    ids = {
        "member_id": owner.pk,
        "activity_id": Activity.objects.filter(company=company_a).latest("id").pk,
        # a spare token to revoke (not the one these requests use)
        "token_id": api_token_create(membership=owner, name="spare").token.pk,
        **records["ids"],
        **job_records["ids"],
        **billing_records["ids"],
        **payment_records["ids"],
    }
    overrides = {
        **records["overrides"],
        **job_records["overrides"],
        **billing_records["overrides"],
        **payment_records["overrides"],
    }
    bodies = {
        **BODIES,
        **job_records["bodies"],
        **billing_records["bodies"],
        **payment_records["bodies"],
    }
    for operation in _operations(schema):
        known = {**ids, **overrides.get(operation.label, {})}
        params = {p.name: known[p.name] for p in operation.path_parameters}
        case = operation.Case(path_parameters=params)
        if operation.label in bodies:
            case = operation.Case(path_parameters=params, body=bodies[operation.label])
        if operation.label in job_records["multipart"]:
            case = operation.Case(
                path_parameters=params,
                body=job_records["multipart"][operation.label],
                media_type="multipart/form-data",
            )
        response = case.call_and_validate(headers=headers, checks=_checks())
        assert 200 <= response.status_code < 300, (operation.label, response.text)


def test_every_operation_requires_a_token(schema, world):
    def answers_401(ctx, response, case):
        assert response.status_code == 401, (case.operation.label, response.status_code)
        assert isinstance(response.json()["detail"], str)

    # The token is checked before any input is read: a few requests per operation show it.
    for operation in _operations(schema):
        _fuzz(operation, GenerationMode.POSITIVE, {}, [*_checks(), answers_401], examples=5)
