"""The property pages and the service catalog: what they show, who may open them, another
company's ids, bad input, moving a property, and query counts that do not grow with the data."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crewdesk.clients.services import ClientInput, client_create
from crewdesk.core.models import Activity
from crewdesk.jobs.models import Job, JobAttachment, JobStatus
from crewdesk.properties import services
from crewdesk.properties.events import Verb
from crewdesk.properties.models import Property, PropertyService, Service
from tests.factories import company_today, make_job, make_property, make_service

pytestmark = pytest.mark.django_db


def new_client(actor, name="Harbor Rentals", **fields):
    return client_create(
        actor=actor,
        data=ClientInput(fields={"kind": "company", "company_name": name, **fields}),
        allow_duplicate=True,
    )


@pytest.fixture
def world(owner, office, employee, outsider):
    """Company A: a client with a property and a catalog service; company B: the same."""

    class World:
        pass

    w = World()
    w.client = new_client(owner, "Harbor Rentals", email="h@example.com")
    w.other_client = new_client(owner, "Bayview Homes", email="b@example.com")
    w.prop = make_property(
        owner,
        w.client,
        name="Lake house",
        access_notes="Gate code 4512, lockbox behind the shed",
        description="Blue door, two floors",
    )
    w.service = make_service(owner, "Deep clean", "180.00")
    w.ps = services.property_service_add(
        actor=owner, prop=w.prop, data={"service": w.service.pk, "instructions": "Shoes off"}
    )
    w.b_client = new_client(outsider, "Bravo Client", email="bc@example.com")
    w.b_prop = make_property(outsider, w.b_client, name="Bravo pool")
    w.b_service = make_service(outsider, "Pool clean", "90.00")
    w.b_ps = services.property_service_add(
        actor=outsider, prop=w.b_prop, data={"service": w.b_service.pk}
    )
    return w


def url(name, *args):
    return reverse(f"properties:{name}", args=args)


def _get_urls(w):
    return [
        url("detail", w.prop.pk),
        url("new", w.client.pk),
        url("edit", w.prop.pk),
        url("move", w.prop.pk),
        url("move_lookup", w.prop.pk) + "?client_search=Bay",
        url("service_add", w.prop.pk),
        url("service_edit", w.prop.pk, w.ps.pk),
        url("catalog"),
        url("catalog_new"),
        url("catalog_edit", w.service.pk),
    ]


def _post_urls(w):
    return [
        url("archive", w.prop.pk),
        url("restore", w.prop.pk),
        url("service_archive", w.prop.pk, w.ps.pk),
        url("catalog_archive", w.service.pk),
        url("move", w.prop.pk),
        url("new", w.client.pk),
        url("edit", w.prop.pk),
    ]


# --- who may open them -----------------------------------------------------------------------


def test_office_opens_every_page(client_as, office, world):
    http = client_as(office)
    for address in _get_urls(world):
        assert http.get(address).status_code == 200, address


@pytest.mark.parametrize("role", ["employee", "customer"])
def test_crew_and_customers_are_refused(client_as, world, role, request):
    http = client_as(request.getfixturevalue(role))
    for address in _get_urls(world):
        assert http.get(address).status_code == 403, address
    for address in _post_urls(world):
        assert http.post(address, {"name": "x", "client": world.other_client.pk}).status_code == 403
    world.prop.refresh_from_db()
    assert world.prop.archived_at is None and world.prop.client_id == world.client.pk


def test_anonymous_is_sent_to_log_in(client, world):
    for address in _get_urls(world):
        response = client.get(address)
        assert response.status_code == 302 and "/login/" in response.url, address


def test_another_companys_ids_are_not_found(client_as, outsider, office, world):
    http = client_as(outsider)
    for address in _get_urls(world):
        if address == reverse("properties:catalog") or address == reverse("properties:catalog_new"):
            continue
        assert http.get(address).status_code == 404, address
    for address in _post_urls(world):
        assert http.post(address, {"name": "Mine now"}).status_code == 404, address
    world.prop.refresh_from_db()
    assert world.prop.name == "Lake house" and world.prop.archived_at is None
    assert Service.objects.get(pk=world.service.pk).archived_at is None
    # A service entry of another property (here: another company's) under this property.
    http = client_as(office)
    assert http.get(url("service_edit", world.prop.pk, world.b_ps.pk)).status_code == 404
    assert http.post(url("service_archive", world.prop.pk, world.b_ps.pk)).status_code == 404
    assert http.get(url("catalog_edit", world.b_service.pk)).status_code == 404


def test_a_service_entry_of_another_property_is_not_found(client_as, owner, office, world):
    second = make_property(owner, world.client, name="Cabin")
    response = client_as(office).get(url("service_edit", second.pk, world.ps.pk))
    assert response.status_code == 404


# --- the property page -----------------------------------------------------------------------


def test_property_page_shows_what_the_crew_needs(client_as, office, owner, world):
    done = make_job(owner, world.prop, day=company_today(owner) - datetime.timedelta(days=3))
    Job.objects.filter(pk=done.pk).update(status=JobStatus.FINISHED)
    JobAttachment.objects.create(
        company=owner.company,
        job=done,
        kind="document",
        file="jobs/x/invoice.pdf",
        name="invoice.pdf",
        size=10,
    )
    photo = JobAttachment.objects.create(
        company=owner.company,
        job=done,
        kind="after",
        file="jobs/x/after.jpg",
        thumbnail="jobs/x/after-thumb.jpg",
        name="after.jpg",
        is_image=True,
    )
    content = client_as(office).get(url("detail", world.prop.pk)).content.decode()
    thumb = reverse("jobs:attachment_thumbnail", args=[done.pk, photo.pk])
    assert f'<img src="{thumb}" alt="after.jpg"' in content
    assert reverse("jobs:attachment_file", args=[done.pk, photo.pk]) in content
    assert f'href="{reverse("jobs:detail", args=[done.pk])}"' in content
    assert f'href="{reverse("jobs:new")}?property={world.prop.pk}"' in content
    assert "Lake house" in content
    assert "Gate code 4512, lockbox behind the shed" in content
    assert "Blue door, two floors" in content
    assert f'href="{reverse("clients:detail", args=[world.client.pk])}"' in content
    assert "https://www.openstreetmap.org/search?query=12%20Harbor%20Road" in content
    assert "Deep clean" in content and "180.00" in content and "Shoes off" in content
    assert "Finished" in content and "invoice.pdf" in content and "bi-file-earmark" in content
    assert "added the property Lake house" in content  # the history
    assert url("edit", world.prop.pk) in content


def test_map_link_uses_the_coordinates_when_known(client_as, office, owner, world):
    services.property_update(
        actor=owner,
        prop=world.prop,
        data={"latitude": Decimal("36.97"), "longitude": Decimal("-122.03")},
    )
    content = client_as(office).get(url("detail", world.prop.pk)).content.decode()
    assert "mlat=36.970000&amp;mlon=-122.030000" in content


def test_property_page_of_another_companys_job_list_is_not_mixed(
    client_as, office, outsider, world
):
    make_job(outsider, world.b_prop, title="Bravo secret job")
    content = client_as(office).get(url("detail", world.prop.pk)).content.decode()
    assert "Bravo secret job" not in content


def test_property_page_queries_do_not_grow_with_the_data(
    client_as, owner, office, employee, world, django_assert_max_num_queries
):
    small = make_property(owner, world.client, name="Small")
    large = make_property(owner, world.client, name="Large")
    for prop, count in ((small, 1), (large, 12)):
        for i in range(count):
            service = make_service(owner, f"{prop.name} service {i}", "10.00")
            services.property_service_add(
                actor=owner,
                prop=prop,
                data={"service": service.pk},
                assignees=[employee.pk, office.pk],
            )
            job = make_job(
                owner,
                prop,
                day=company_today(owner) - datetime.timedelta(days=i),
                assignees=[employee, office],
            )
            JobAttachment.objects.create(
                company=owner.company, job=job, kind="before", file=f"j/{i}.jpg", name=f"{i}.jpg"
            )
            services.property_update(actor=owner, prop=prop, data={"description": f"Round {i}"})
    http = client_as(office)
    http.get(url("detail", small.pk))
    with CaptureQueriesContext(connection) as few:
        assert http.get(url("detail", small.pk)).status_code == 200
    with django_assert_max_num_queries(len(few)):
        response = http.get(url("detail", large.pk))
    assert response.status_code == 200
    assert response.content.decode().count('class="list-group-item property-service"') == 12


# --- the property form -----------------------------------------------------------------------


def test_office_adds_a_property_from_the_client(client_as, office, world):
    http = client_as(office)
    form = http.get(url("new", world.client.pk)).content.decode()
    assert 'value="US"' in form  # the company's country
    response = http.post(
        url("new", world.client.pk),
        {
            "name": "Beach cottage",
            "type": "residential",
            "street": "4 Shore Lane",
            "city": "Santa Cruz",
            "country": "us",
            "latitude": "36.9741",
            "longitude": "-122.0308",
            "access_notes": "Key under the mat",
        },
    )
    prop = Property.objects.get(name="Beach cottage")
    assert response.status_code == 302 and response.url == url("detail", prop.pk)
    assert prop.client == world.client and prop.company == office.company
    assert prop.country == "US" and prop.latitude == Decimal("36.974100")
    assert prop.access_notes == "Key under the mat"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"latitude": "95", "longitude": "10"}, "latitude"),
        ({"latitude": "10", "longitude": "-190"}, "longitude"),
        ({"latitude": "10"}, "longitude"),
        ({"latitude": "north"}, "latitude"),
        ({"country": "USA"}, "country"),
        ({"type": "castle"}, "type"),
    ],
)
def test_bad_property_input_is_a_form_error(client_as, office, world, data, field):
    posted = {"name": "Typed name", "type": "pool", "street": "9 Elm", **data}
    response = client_as(office).post(url("new", world.client.pk), posted)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    content = response.content.decode()
    assert 'value="Typed name"' in content and 'value="9 Elm"' in content  # nothing lost
    assert 'aria-invalid="true"' in content
    assert not Property.objects.filter(name="Typed name").exists()


def test_an_archived_client_gets_no_new_property(client_as, owner, office, world):
    from crewdesk.clients.services import client_archive

    client_archive(actor=owner, client=world.other_client)
    response = client_as(office).post(
        url("new", world.other_client.pk), {"name": "Nope", "type": "pool"}
    )
    assert response.status_code == 200
    assert "archived" in response.content.decode()
    assert not Property.objects.filter(name="Nope").exists()


def test_office_edits_a_property(client_as, office, world):
    http = client_as(office)
    form = http.get(url("edit", world.prop.pk)).content.decode()
    assert "Gate code 4512" in form and 'value="Lake house"' in form
    data = {
        "name": "Lake house North",
        "type": "residential",
        "street": "12 Harbor Road",
        "city": "Springfield",
        "country": "US",
        "access_notes": "New code 9999",
    }
    response = http.post(url("edit", world.prop.pk), data)
    assert response.status_code == 302
    world.prop.refresh_from_db()
    assert world.prop.name == "Lake house North" and world.prop.access_notes == "New code 9999"
    entry = Activity.objects.filter(verb=Verb.PROPERTY_UPDATED, target_id=world.prop.pk).get()
    assert "9999" not in str(entry.data)  # the log says the notes changed, not what they say


def test_archive_and_restore(client_as, office, world):
    http = client_as(office)
    assert http.post(url("archive", world.prop.pk)).status_code == 302
    world.prop.refresh_from_db()
    assert world.prop.archived_at is not None
    content = http.get(url("detail", world.prop.pk)).content.decode()
    assert "Archived" in content and url("restore", world.prop.pk) in content
    assert http.post(url("restore", world.prop.pk)).status_code == 302
    world.prop.refresh_from_db()
    assert world.prop.archived_at is None
    assert http.get(url("archive", world.prop.pk)).status_code == 405


# --- moving a property -----------------------------------------------------------------------


def test_move_asks_for_the_client_and_a_yes(client_as, owner, office, world):
    make_job(owner, world.prop, day=company_today(owner) + datetime.timedelta(days=2))
    http = client_as(office)
    page = http.get(url("move", world.prop.pk)).content.decode()
    assert "1 job not yet started will move with it." in page
    assert 'id="id_client_search"' in page and url("move_lookup", world.prop.pk) in page

    found = http.get(url("move_lookup", world.prop.pk), {"client_search": "Bayview"})
    assert "Bayview Homes" in found.content.decode()
    chosen = http.get(url("move_lookup", world.prop.pk), {"choose": world.other_client.pk})
    assert f'value="{world.other_client.pk}"' in chosen.content.decode()
    assert (
        http.get(url("move_lookup", world.prop.pk), {"choose": world.b_client.pk}).status_code
        == 404
    )

    no_yes = http.post(url("move", world.prop.pk), {"client": world.other_client.pk})
    assert no_yes.status_code == 200 and "confirm" in no_yes.context["form"].errors
    assert f'value="{world.other_client.pk}"' in no_yes.content.decode()  # the pick is kept
    no_client = http.post(url("move", world.prop.pk), {"confirm": "on"})
    assert no_client.status_code == 200 and "client" in no_client.context["form"].errors
    foreign = http.post(url("move", world.prop.pk), {"client": world.b_client.pk, "confirm": "on"})
    assert foreign.status_code == 200 and "client" in foreign.context["form"].errors
    world.prop.refresh_from_db()
    assert world.prop.client_id == world.client.pk


def test_move_takes_the_jobs_not_yet_started(client_as, owner, office, world):
    upcoming = make_job(owner, world.prop, day=company_today(owner) + datetime.timedelta(days=2))
    done = make_job(owner, world.prop, day=company_today(owner) - datetime.timedelta(days=2))
    Job.objects.filter(pk=done.pk).update(status=JobStatus.FINISHED)
    http = client_as(office)
    response = http.post(
        url("move", world.prop.pk), {"client": world.other_client.pk, "confirm": "on"}, follow=True
    )
    content = response.content.decode()
    assert "now belongs to Bayview Homes; 1 job not yet started moved with it." in content
    world.prop.refresh_from_db()
    upcoming.refresh_from_db()
    done.refresh_from_db()
    assert world.prop.client_id == world.other_client.pk
    assert upcoming.client_id == world.other_client.pk and done.client_id == world.client.pk
    entry = Activity.objects.get(
        verb=Verb.PROPERTY_MOVED,
        target_type=ContentType.objects.get_for_model(Property),
        target_id=world.prop.pk,
    )
    assert entry.data["jobs_moved"] == 1 and entry.data["to_client_id"] == world.other_client.pk
    assert "from Harbor Rentals to Bayview Homes" in content  # the property's history


# --- the services a property gets ------------------------------------------------------------


def test_add_a_service_at_the_catalog_price_with_crew(client_as, office, employee, world):
    window = make_service(office, "Windows", "75.50")
    http = client_as(office)
    form = http.get(url("service_add", world.prop.pk)).content.decode()
    assert "Windows" in form and "75.50" in form and employee.user.display_name in form
    response = http.post(
        url("service_add", world.prop.pk),
        {"service": window.pk, "price": "", "interval": "1", "assignees": [employee.pk]},
    )
    assert response.status_code == 302
    ps = PropertyService.objects.get(property=world.prop, service=window)
    assert ps.price == Decimal("75.50") and not ps.is_recurring
    assert list(ps.assignees.all()) == [employee]
    content = http.get(url("detail", world.prop.pk)).content.decode()
    assert "Windows" in content and "Does not repeat" in content


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"service": ""}, "service"),
        ({"price": "-5"}, "price"),
        ({"price": "lots"}, "price"),
        ({"interval": "0"}, "interval"),
        ({"frequency": "weekly", "weekdays": ["MO"]}, "starts_on"),
        ({"frequency": "weekly", "starts_on": "2027-01-10", "ends_on": "2027-01-01"}, "ends_on"),
        ({"frequency": "hourly"}, "frequency"),
        ({"frequency": "daily", "starts_on": "9999-12-25"}, "starts_on"),
        ({"frequency": "monthly", "starts_on": "0001-01-01"}, "starts_on"),
        ({"frequency": "daily", "starts_on": "2027-01-01", "ends_on": "9999-12-31"}, "ends_on"),
        ({"assignees": ["999999"]}, "assignees"),
    ],
)
def test_bad_service_input_is_a_form_error(client_as, office, world, data, field):
    posted = {
        "service": world.service.pk,
        "interval": "1",
        "instructions": "Typed instructions",
        **data,
    }
    response = client_as(office).post(url("service_add", world.prop.pk), posted)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Typed instructions" in response.content.decode()
    assert PropertyService.objects.filter(property=world.prop).count() == 1


def test_another_companys_catalog_service_or_crew_is_refused(client_as, office, outsider, world):
    http = client_as(office)
    response = http.post(
        url("service_add", world.prop.pk), {"service": world.b_service.pk, "interval": "1"}
    )
    assert response.status_code == 200 and "service" in response.context["form"].errors
    response = http.post(
        url("service_add", world.prop.pk),
        {"service": world.service.pk, "interval": "1", "assignees": [outsider.pk]},
    )
    assert response.status_code == 200 and "assignees" in response.context["form"].errors
    assert PropertyService.objects.filter(property=world.prop).count() == 1


def test_edit_a_service_here(client_as, office, employee, world):
    http = client_as(office)
    form = http.get(url("service_edit", world.prop.pk, world.ps.pk)).content.decode()
    assert "Shoes off" in form and "180.00" in form
    response = http.post(
        url("service_edit", world.prop.pk, world.ps.pk),
        {"instructions": "Shoes off, please", "interval": "1", "assignees": [employee.pk]},
    )
    assert response.status_code == 302
    world.ps.refresh_from_db()
    assert world.ps.instructions == "Shoes off, please" and world.ps.price == Decimal("180.00")
    assert list(world.ps.assignees.all()) == [employee]


# --- the catalog -----------------------------------------------------------------------------


def test_catalog_lists_services_with_price_duration_and_tax(client_as, office, owner, world):
    make_service(owner, "Window wash", "45.00", duration_minutes=30, taxable=False)
    old = make_service(owner, "Old thing", "1.00")
    services.service_archive(actor=owner, service=old)
    http = client_as(office)
    content = http.get(url("catalog")).content.decode()
    assert "Deep clean" in content and "180.00" in content
    assert "Window wash" in content and "30 min" in content
    assert "Old thing" not in content and "Pool clean" not in content
    archived = http.get(url("catalog"), {"archived": "1"}).content.decode()
    assert "Old thing" in archived and "Deep clean" not in archived


def test_catalog_new_edit_archive(client_as, office, world):
    http = client_as(office)
    response = http.post(
        url("catalog_new"),
        {"name": "Carpet", "default_price": "99.99", "duration_minutes": "90", "taxable": "on"},
    )
    assert response.status_code == 302
    carpet = Service.objects.get(company=office.company, name="Carpet")
    assert carpet.default_price == Decimal("99.99") and carpet.taxable
    response = http.post(
        url("catalog_edit", carpet.pk),
        {"name": "Carpet shampoo", "default_price": "110", "duration_minutes": "90"},
    )
    assert response.status_code == 302
    carpet.refresh_from_db()
    assert carpet.name == "Carpet shampoo" and not carpet.taxable
    assert http.post(url("catalog_archive", carpet.pk)).status_code == 302
    carpet.refresh_from_db()
    assert carpet.archived_at is not None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "deep clean"}, "name"),  # a duplicate of an active name
        ({"name": ""}, "name"),
        ({"default_price": "-1"}, "default_price"),
        ({"default_price": "12.345"}, "default_price"),
        ({"duration_minutes": "5000"}, "duration_minutes"),
    ],
)
def test_bad_catalog_input_is_a_form_error(client_as, office, world, data, field):
    posted = {
        "name": "Gutters",
        "description": "Typed description",
        "default_price": "10",
        "duration_minutes": "60",
        **data,
    }
    response = client_as(office).post(url("catalog_new"), posted)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Typed description" in response.content.decode()
    assert Service.objects.filter(company=office.company).count() == 1


def test_a_duplicate_name_on_edit_is_a_form_error(client_as, office, owner, world):
    other = make_service(owner, "Windows", "10.00")
    response = client_as(office).post(
        url("catalog_edit", other.pk),
        {"name": "Deep clean", "default_price": "10", "duration_minutes": "60"},
    )
    assert response.status_code == 200 and "name" in response.context["form"].errors
    other.refresh_from_db()
    assert other.name == "Windows"


def test_add_a_weekly_service_and_read_its_rule(client_as, office, employee, owner, world):
    window = make_service(owner, "Windows", "75.50")
    starts = company_today(owner) + datetime.timedelta(days=1)
    http = client_as(office)
    response = http.post(
        url("service_add", world.prop.pk),
        {
            "service": window.pk,
            "price": "80",
            "instructions": "Ladder in the garage",
            "frequency": "weekly",
            "interval": "2",
            "weekdays": ["MO", "TH"],
            "starts_on": starts.isoformat(),
            "start_time": "09:30",
            "assignees": [employee.pk],
        },
    )
    assert response.status_code == 302
    ps = PropertyService.objects.get(property=world.prop, service=window)
    assert ps.frequency == "weekly" and ps.interval == 2 and ps.weekdays == "MO,TH"
    assert ps.price == Decimal("80.00") and ps.start_time == datetime.time(9, 30)
    from crewdesk.properties.recurrence import recurrence_summary

    content = http.get(url("detail", world.prop.pk)).content.decode()
    assert recurrence_summary(ps) in content and "Ladder in the garage" in content
    assert employee.user.display_name in content
    form = http.get(url("service_edit", world.prop.pk, ps.pk)).content.decode()
    assert 'value="MO" id="id_weekdays_0" checked' in form
    assert 'value="weekly" selected' in form


def test_days_of_the_week_are_dropped_when_the_service_does_not_repeat_weekly(
    client_as, office, world
):
    response = client_as(office).post(
        url("service_edit", world.prop.pk, world.ps.pk),
        {"interval": "1", "frequency": "", "weekdays": ["MO"], "instructions": "Shoes off"},
    )
    assert response.status_code == 302
    world.ps.refresh_from_db()
    assert world.ps.weekdays == ""


def test_stop_a_service_here(client_as, office, world):
    http = client_as(office)
    assert http.get(url("service_archive", world.prop.pk, world.ps.pk)).status_code == 405
    response = http.post(url("service_archive", world.prop.pk, world.ps.pk), follow=True)
    assert response.status_code == 200
    world.ps.refresh_from_db()
    assert world.ps.archived_at is not None
    content = response.content.decode()
    assert "Deep clean stopped at this property." in content
    assert 'class="list-group-item property-service"' not in content
