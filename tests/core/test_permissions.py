"""core/permissions: `scope` narrows to the company, and for a Customer to their own client
and what is shown to customers; `can` applies the same rule to one record."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from pydantic import ValidationError as PydanticError

from crewdesk.clients import services as client_services
from crewdesk.clients.models import Client, Note, NoteFile, Notice, Tag
from crewdesk.clients.services import ClientInput
from crewdesk.core.models import Brand
from crewdesk.core.permissions import Action, HiddenField, can, hidden_from_customers, scope
from crewdesk.core.roles import Role
from crewdesk.jobs.attachments import attachment_add
from crewdesk.jobs.models import Job, JobAttachment, JobNote
from crewdesk.jobs.services import JobInput, job_note_add, job_update
from crewdesk.properties.models import Property, Service
from tests.factories import MembershipFactory, make_job, make_property, make_service
from tests.images import PDF, jpeg


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def seen(model, membership) -> set[int]:
    return set(scope(model.objects.all(), membership).values_list("pk", flat=True))


@pytest.fixture
def neighbour_client(neighbour):
    return neighbour.client


@pytest.fixture
def work(owner, customer_client, neighbour_client):
    """A property and a job of each client."""
    mine = make_property(owner, customer_client, name="Dave's house")
    theirs = make_property(owner, neighbour_client, name="Erin's house")
    return {
        "my_property": mine,
        "their_property": theirs,
        "my_job": make_job(owner, mine),
        "their_job": make_job(owner, theirs),
    }


def _named_on(owner, job: Job, *clients: Client) -> Job:
    """The job names these clients as extra clients (billing, then technical...)."""
    roles = ("billing", "technical", "secondary")
    extra = [(client.pk, role) for client, role in zip(clients, roles, strict=False)]
    return job_update(actor=owner, job=job, data=JobInput(extra_clients=extra))


# --- company first ------------------------------------------------------------------------------


def test_staff_see_every_row_of_their_company_and_no_other(
    owner, office, employee, outsider, customer_client, neighbour_client
):
    for member in (owner, office, employee):
        assert seen(Client, member) == {customer_client.pk, neighbour_client.pk}
    assert seen(Client, outsider) == set()


# --- then the customer's own client ------------------------------------------------------------


def test_a_customer_sees_their_own_client_only(customer, neighbour, customer_client):
    assert seen(Client, customer) == {customer_client.pk}
    assert seen(Client, neighbour) == {neighbour.client_id}


def test_a_customer_sees_their_clients_properties_only(customer, neighbour, work):
    assert seen(Property, customer) == {work["my_property"].pk}
    assert seen(Property, neighbour) == {work["their_property"].pk}


def test_a_customer_sees_their_clients_jobs_only(customer, neighbour, work):
    assert seen(Job, customer) == {work["my_job"].pk}
    assert seen(Job, neighbour) == {work["their_job"].pk}


def test_a_customer_sees_a_job_naming_their_client_as_an_extra_client(
    owner, customer, neighbour, customer_client, work
):
    """A billing (or technical, secondary) client of a job sees it: they pay for it."""
    _named_on(owner, work["their_job"], customer_client)

    assert seen(Job, customer) == {work["my_job"].pk, work["their_job"].pk}
    assert seen(Job, neighbour) == {work["their_job"].pk}
    # Naming a client on a job does not show them the property it is at.
    assert seen(Property, customer) == {work["my_property"].pk}


def test_a_job_with_several_extra_clients_is_one_row(
    owner, customer, customer_client, make_client, work
):
    other = make_client(first_name="Fay", last_name="Fox")
    job = _named_on(owner, work["their_job"], customer_client, other)

    assert scope(Job.objects.all(), customer).filter(pk=job.pk).count() == 1


def test_a_customer_sees_their_client_notes_marked_for_them_and_their_files(
    owner, office, customer, neighbour, customer_client, neighbour_client
):
    def note(client, visibility):
        return client_services.note_create(
            actor=owner,
            client=client,
            text=f"A {visibility} note",
            visibility=visibility,
            files=[SimpleUploadedFile("plan.pdf", PDF)],
        )

    shown, internal = note(customer_client, "customer"), note(customer_client, "internal")
    theirs = note(neighbour_client, "customer")

    assert seen(Note, customer) == {shown.pk}
    assert seen(NoteFile, customer) == set(shown.files.values_list("pk", flat=True))
    assert seen(Note, neighbour) == {theirs.pk}
    assert seen(Note, office) == {shown.pk, internal.pk, theirs.pk}


def test_a_customer_sees_the_photos_and_notes_of_their_jobs_shown_to_them(
    owner, customer, neighbour, work
):
    def photo(job, visible):
        upload = SimpleUploadedFile("before.jpg", jpeg((40, 30)))
        return attachment_add(owner, job, upload, kind="before", customer_visible=visible)

    shown, hidden = photo(work["my_job"], True), photo(work["my_job"], False)
    theirs = photo(work["their_job"], True)
    note_shown = job_note_add(
        actor=owner, job=work["my_job"], text="All done", customer_visible=True
    )
    job_note_add(actor=owner, job=work["my_job"], text="The dog bites", customer_visible=False)

    assert seen(JobAttachment, customer) == {shown.pk}
    assert seen(JobAttachment, neighbour) == {theirs.pk}
    assert hidden.pk not in seen(JobAttachment, customer)
    assert seen(JobNote, customer) == {note_shown.pk}
    assert seen(JobNote, neighbour) == set()


def test_every_customer_sees_their_companys_brands(owner, customer, neighbour, outsider):
    ours = Brand.objects.create(company=owner.company, name="Acme")
    Brand.objects.create(company=outsider.company, name="Bravo")

    assert seen(Brand, customer) == seen(Brand, neighbour) == {ours.pk}


def test_a_model_that_says_nothing_is_shown_to_no_customer(owner, customer, customer_client):
    """The office's own records (tags, notices, the catalog...) until the portal opens them."""
    client_services.client_tag_add(actor=owner, client=customer_client, name="VIP")
    client_services.notice_create(actor=owner, client=customer_client, text="Gate code 1234")
    make_service(owner)

    for model in (Tag, Notice, Service):
        assert seen(model, customer) == set()
        assert seen(model, owner)


def test_a_customer_login_without_a_client_sees_no_clients_records(company_a, owner, work):
    loose = MembershipFactory(company=company_a, role=Role.CUSTOMER, client=None)

    assert seen(Client, loose) == seen(Property, loose) == seen(Job, loose) == set()


# --- can(): one record ------------------------------------------------------------------------


def test_a_customer_may_act_on_their_own_clients_records_only(customer, neighbour, work):
    assert can(customer, Action.USE_PORTAL, work["my_job"])
    assert can(customer, Action.USE_PORTAL, customer.client)
    assert not can(customer, Action.USE_PORTAL, work["their_job"])
    assert not can(customer, Action.USE_PORTAL, neighbour.client)


def test_staff_may_act_on_any_record_of_their_company(office, outsider, work):
    assert can(office, Action.VIEW_RECORDS, work["their_job"])
    assert not can(outsider, Action.VIEW_RECORDS, work["their_job"])


# --- fields hidden from customers (CustomerScope.hidden) ---------------------------------------


@pytest.fixture
def noted(owner, customer_client, work):
    """The customer's client and job, each with the office's internal notes."""
    client_services.client_update(
        actor=owner, client=customer_client, data=ClientInput(fields={"notes": CLIENT_SECRET})
    )
    job = job_update(
        actor=owner,
        job=work["my_job"],
        data=JobInput(fields={"internal_notes": JOB_SECRET, "customer_notes": "Hi"}),
    )
    return {"client": customer_client, "job": job, "property": work["my_property"]}


CLIENT_SECRET = "Pays late, be firm"
JOB_SECRET = "Overcharge the extras"


def test_the_fields_hidden_from_customers_are_the_internal_notes():
    assert hidden_from_customers(Job) == {"internal_notes"}
    assert hidden_from_customers(Client) == {"notes"}
    # The customer sees their own property's access notes and description (the portal shows them).
    assert hidden_from_customers(Property) == frozenset()
    for model in (Job, Client):
        for name in hidden_from_customers(model):
            assert model._meta.get_field(name).attname == name


def test_a_customers_copy_has_no_internal_notes(customer, noted):
    job = scope(Job.objects.all(), customer).get(pk=noted["job"].pk)
    client = scope(Client.objects.all(), customer).get(pk=noted["client"].pk)

    assert job.customer_notes == "Hi"
    assert client.first_name == "Dave"
    with pytest.raises(HiddenField):
        job.internal_notes  # noqa: B018
    with pytest.raises(HiddenField):
        client.notes  # noqa: B018


def test_a_customers_query_does_not_even_read_them(customer, noted):
    assert "internal_notes" not in str(scope(Job.objects.all(), customer).query)
    assert '"notes"' not in str(scope(Client.objects.all(), customer).query)


def test_staff_copies_have_them(owner, office, employee, noted):
    for member in (owner, office, employee):
        assert scope(Job.objects.all(), member).get(pk=noted["job"].pk).internal_notes == JOB_SECRET
    assert scope(Client.objects.all(), owner).get(pk=noted["client"].pk).notes == CLIENT_SECRET


def test_asking_for_them_does_not_load_them(customer, noted):
    """`.only()` and a lookup by the related row: still the customer's copy."""
    job = scope(Job.objects.only("internal_notes"), customer).get(pk=noted["job"].pk)
    with pytest.raises(HiddenField):
        job.internal_notes  # noqa: B018
    with pytest.raises(HiddenField):
        job.refresh_from_db(fields=["internal_notes"])


def test_rows_brought_along_by_select_related_are_sealed_too(customer, noted):
    job = scope(Job.objects.select_related("client", "property"), customer).get(pk=noted["job"].pk)
    prop = scope(Property.objects.select_related("client"), customer).get(pk=noted["property"].pk)

    for client in (job.client, prop.client):
        with pytest.raises(HiddenField):
            client.notes  # noqa: B018


def test_a_customer_sees_their_own_propertys_access_notes(owner, customer, noted):
    from crewdesk.properties.services import property_update

    property_update(actor=owner, prop=noted["property"], data={"access_notes": "Gate 1234"})

    prop = scope(Property.objects.all(), customer).get(pk=noted["property"].pk)
    assert prop.access_notes == "Gate 1234"


def test_a_page_naming_them_shows_nothing(customer, noted):
    job = scope(Job.objects.select_related("client"), customer).get(pk=noted["job"].pk)
    page = Template(
        "[{{ job.internal_notes }}][{{ job.client.notes }}][{{ job.customer_notes }}]"
        "{% if job.internal_notes %}leak{% endif %}"
    ).render(Context({"job": job}))

    assert page == "[][][Hi]"


def test_an_api_schema_naming_them_refuses_to_answer(customer, owner, noted):
    from crewdesk.clients.schemas import ClientOut

    client = scope(Client.objects.all(), customer).get(pk=noted["client"].pk)
    with pytest.raises(PydanticError, match="HiddenField"):
        ClientOut.from_orm(client)
    office_copy = scope(Client.objects.all(), owner).get(pk=noted["client"].pk)
    assert ClientOut.from_orm(office_copy).notes == CLIENT_SECRET


def test_a_form_over_them_refuses_too(customer, noted):
    from django.forms import modelform_factory

    client = scope(Client.objects.all(), customer).get(pk=noted["client"].pk)
    with pytest.raises(HiddenField):
        modelform_factory(Client, fields=["first_name", "notes"])(instance=client)
    form = modelform_factory(Client, fields=["first_name"])(instance=client)
    assert form.initial == {"first_name": "Dave"}


def test_saving_a_customers_copy_keeps_them_and_their_history(customer, noted):
    job = scope(Job.objects.all(), customer).get(pk=noted["job"].pk)
    job.customer_notes = "Thanks"
    job.save()

    fresh = Job.objects.get(pk=job.pk)
    assert (fresh.internal_notes, fresh.customer_notes) == (JOB_SECRET, "Thanks")
    assert fresh.history.latest().internal_notes == JOB_SECRET
    with pytest.raises(HiddenField):
        job.internal_notes  # noqa: B018  (sealed again after the save)
