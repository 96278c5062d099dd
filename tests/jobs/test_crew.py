"""The crew's phone pages: my jobs, one job, status, checklist, photos and notes."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from crewdesk.clients.services import ClientInput, client_create
from crewdesk.core.models import Activity
from crewdesk.jobs.models import JobAttachment, JobNote, JobStatus
from crewdesk.jobs.services import LineInput
from tests.factories import MembershipFactory, UserFactory, company_today, make_job, make_property

pytestmark = pytest.mark.django_db
VERB = "property.access_notes_viewed"


@pytest.fixture
def prop(owner):
    client = client_create(
        actor=owner,
        data=ClientInput(
            fields={"first_name": "Mia", "last_name": "Harbor"},
            phones=[("mobile", "+1 415 555 0199")],
        ),
        allow_duplicate=True,
    )
    return make_property(
        owner, client, name="Lake house", city="Santa Cruz", access_notes="Gate code 4512"
    )


@pytest.fixture
def job(owner, employee, prop):
    return make_job(
        owner,
        prop,
        hour=9,
        assignees=[employee],
        title="Turnover clean",
        customer_notes="Please use the side door.",
        lines=[LineInput("Turnover clean", 1, "135.50")],
        checklist=[("Strip the beds", True), ("Check the fridge", False)],
    )


@pytest.fixture
def other_job(owner, prop):
    return make_job(owner, prop, hour=13, title="Not yours")


def u(name, *args):
    return reverse(f"jobs:{name}", args=args)


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_home_lists_today_then_upcoming(client_as, owner, employee, prop, job, other_job):
    tomorrow = company_today(owner) + datetime.timedelta(days=1)
    make_job(owner, prop, day=tomorrow, assignees=[employee], title="Tomorrow's job")
    make_job(owner, prop, day=tomorrow + datetime.timedelta(days=20), assignees=[employee])
    response = client_as(employee).get(u("crew_home"))
    assert response.status_code == 200
    assert [j.pk for j in response.context["todays"]] == [job.pk]
    upcoming = response.context["upcoming"]
    assert len(upcoming) == 1 and upcoming[0][0] == tomorrow
    html = response.content.decode()
    assert "Not yours" not in html
    assert "12 Harbor Road" in html
    # the list never reads the access notes, so nothing is logged
    assert not Activity.objects.filter(verb=VERB).exists()
    assert "app-sidebar" not in html  # the slim crew layout, not the office's


def test_job_page_for_each_role(
    client_as, owner, office, employee, customer, outsider, job, other_job
):
    assert client_as(employee).get(u("crew_job", job.pk)).status_code == 200
    assert client_as(employee).get(u("crew_job", other_job.pk)).status_code == 404
    assert client_as(employee).get(u("crew_job", 999999)).status_code == 404
    assert client_as(office).get(u("crew_job", job.pk)).status_code == 200
    assert client_as(owner).get(u("crew_job", other_job.pk)).status_code == 200
    assert client_as(customer).get(u("crew_job", job.pk)).status_code == 403
    assert client_as(customer).get(u("crew_home")).status_code == 403
    assert client_as(outsider).get(u("crew_job", job.pk)).status_code == 404


def test_job_page_shows_what_the_crew_needs_without_prices(client_as, office, employee, job):
    html = client_as(employee).get(u("crew_job", job.pk)).content.decode()
    assert 'href="tel:+14155550199"' in html
    assert "openstreetmap.org/search?query=" in html
    assert "Gate code 4512" in html
    assert "Please use the side door." in html
    assert "Turnover clean" in html
    assert "135.50" not in html
    assert 'capture="environment"' in html and 'accept="image/*"' in html
    assert "Required" in html
    assert "On the way" in html and "Start" in html
    assert "135.50" in client_as(office).get(u("crew_job", job.pk)).content.decode()


def test_map_link_uses_coordinates_when_known(client_as, employee, job, prop):
    prop.latitude, prop.longitude = "36.974117", "-122.030796"
    prop.save()
    html = client_as(employee).get(u("crew_job", job.pk)).content.decode()
    assert "mlat=36.974117&amp;mlon=-122.030796" in html


def test_access_notes_view_is_logged_for_the_employee_only(client_as, office, employee, job):
    client_as(office).get(u("crew_job", job.pk))
    assert not Activity.objects.filter(verb=VERB).exists()
    client_as(employee).get(u("crew_job", job.pk))
    logged = Activity.objects.get(verb=VERB)
    assert logged.actor_id == employee.user_id
    assert logged.company_id == employee.company_id


def test_crew_flow_end_to_end(client_as, employee, job):
    c = client_as(employee)

    def move(status):
        return c.post(u("crew_transition", job.pk), {"status": status}, follow=True)

    assert move(JobStatus.ON_THE_WAY).status_code == 200
    assert move(JobStatus.STARTED).status_code == 200
    job.refresh_from_db()
    assert job.status == JobStatus.STARTED
    # Finishing is refused while a required item is open; the page says why, at the top.
    response = move(JobStatus.FINISHED)
    assert "Tick the required checklist items first: Strip the beds." in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.STARTED
    required = job.checklist.get(required=True)
    response = c.post(u("crew_checklist", job.pk, required.pk), {"done": "1"})
    assert response.status_code == 302
    required.refresh_from_db()
    assert required.done and required.done_by == employee.user
    page = c.get(u("crew_job", job.pk)).content.decode()
    assert "done by" in page
    response = move(JobStatus.FINISHED)
    job.refresh_from_db()
    assert job.status == JobStatus.FINISHED
    assert "The job is now finished." in response.content.decode()
    # The checklist is closed now; untick is refused with a message.
    response = c.post(u("crew_checklist", job.pk, required.pk), {"done": "0"}, follow=True)
    assert "checklist is closed" in response.content.decode()
    # Reopening is the office's call: the button is not offered, and a post is refused.
    response = move(JobStatus.STARTED)
    assert "Only the office can do this." in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.FINISHED
    # A dozen showings of the page in one visit: the reading is logged once.
    assert Activity.objects.filter(verb=VERB).count() == 1
    # Finished, the job no longer gives the way in.
    page = c.get(u("crew_job", job.pk)).content.decode()
    assert "Gate code 4512" not in page and "The access notes show from" in page


def test_a_job_far_ahead_shows_no_access_notes_yet(client_as, owner, employee, prop):
    later = make_job(
        owner, prop, day=company_today(owner) + datetime.timedelta(days=9), assignees=[employee]
    )
    page = client_as(employee).get(u("crew_job", later.pk)).content.decode()
    assert "Gate code 4512" not in page and "The access notes show from" in page
    assert not Activity.objects.filter(verb=VERB).exists()


def test_checklist_untick_and_bad_status(client_as, employee, job):
    c = client_as(employee)
    item = job.checklist.first()
    c.post(u("crew_checklist", job.pk, item.pk), {"done": "1"})
    c.post(u("crew_checklist", job.pk, item.pk), {"done": "0"})
    item.refresh_from_db()
    assert not item.done
    response = c.post(u("crew_transition", job.pk), {"status": "flying"}, follow=True)
    assert response.status_code == 200
    assert "Unknown status." in response.content.decode()


def test_writes_on_a_job_not_yours_are_not_found(client_as, employee, outsider, job, other_job):
    c = client_as(employee)
    item = job.checklist.first()
    assert c.post(u("crew_transition", other_job.pk), {"status": "started"}).status_code == 404
    assert c.post(u("crew_note", other_job.pk), {"text": "hi"}).status_code == 404
    assert c.post(u("crew_upload", other_job.pk), {"kind": "before"}).status_code == 404
    # an item of another job, through a job that is ours
    assert c.post(u("crew_checklist", other_job.pk, item.pk), {"done": "1"}).status_code == 404
    c2 = client_as(outsider)
    assert c2.post(u("crew_transition", job.pk), {"status": "started"}).status_code == 404
    assert c2.post(u("crew_checklist", job.pk, item.pk), {"done": "1"}).status_code == 404
    assert c2.post(u("crew_note", job.pk), {"text": "hi"}).status_code == 404
    assert c2.post(u("crew_upload", job.pk), {"kind": "before"}).status_code == 404
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING


def test_customer_cannot_post(client_as, customer, job):
    c = client_as(customer)
    item = job.checklist.first()
    assert c.post(u("crew_transition", job.pk), {"status": "started"}).status_code == 403
    assert c.post(u("crew_checklist", job.pk, item.pk), {"done": "1"}).status_code == 403
    assert c.post(u("crew_note", job.pk), {"text": "hi"}).status_code == 403
    assert c.post(u("crew_upload", job.pk), {"kind": "before"}).status_code == 403


def test_notes(client_as, employee, job):
    c = client_as(employee)
    response = c.post(u("crew_note", job.pk), {"text": "Broken tile in the bathroom"})
    assert response.status_code == 302
    note = JobNote.objects.get(job=job)
    assert not note.customer_visible and note.author == employee.user
    assert "Broken tile in the bathroom" in c.get(u("crew_job", job.pk)).content.decode()
    response = c.post(u("crew_note", job.pk), {"text": "   "})
    assert response.status_code == 400
    assert "Write the note first." in response.content.decode()
    too_long = "x" * 5001
    response = c.post(u("crew_note", job.pk), {"text": too_long})
    assert response.status_code == 400
    assert too_long in response.content.decode()  # nothing typed is lost


def test_photo_upload(client_as, employee, job, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = client_as(employee)
    photo = SimpleUploadedFile("IMG_0001.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = c.post(u("crew_upload", job.pk), {"kind": "before", "photo": photo})
    assert response.status_code == 302
    attachment = JobAttachment.objects.get(job=job)
    assert attachment.kind == "before" and attachment.is_image
    html = c.get(u("crew_job", job.pk)).content.decode()
    assert u("attachment_thumbnail", job.pk, attachment.pk) in html
    # not an image: a clear message, nothing stored
    bad = SimpleUploadedFile("x.jpg", b"not a picture", content_type="image/jpeg")
    response = c.post(u("crew_upload", job.pk), {"kind": "after", "photo": bad}, follow=True)
    assert response.status_code == 200
    assert JobAttachment.objects.filter(job=job).count() == 1
    assert 'role="alert"' in response.content.decode()
    # no file, or a kind the crew does not pick
    response = c.post(u("crew_upload", job.pk), {"kind": "before"}, follow=True)
    assert "Take or choose a photo first." in response.content.decode()
    photo = SimpleUploadedFile("a.jpg", jpeg_bytes(), content_type="image/jpeg")
    c.post(u("crew_upload", job.pk), {"kind": "document", "photo": photo})
    assert JobAttachment.objects.filter(job=job).count() == 1


def test_office_member_sees_own_jobs_on_home(client_as, owner, office, prop, job):
    mine = make_job(owner, prop, hour=15, assignees=[office], title="Office's own")
    response = client_as(office).get(u("crew_home"))
    assert [j.pk for j in response.context["todays"]] == [mine.pk]


def test_home_queries_do_not_grow(client_as, owner, employee, prop, django_assert_max_num_queries):
    other = MembershipFactory(
        user=UserFactory(username="erin", email="erin@example.com"),
        company=owner.company,
        role="employee",
    )
    today = company_today(owner)
    for i in range(30):
        make_job(
            owner,
            prop,
            day=today + datetime.timedelta(days=i % 10),
            hour=6 + i % 12,
            assignees=[employee, other] if i % 3 else [employee],
        )
    c = client_as(employee)
    c.get(u("crew_home"))
    with django_assert_max_num_queries(6):
        response = c.get(u("crew_home"))
    assert len(response.context["todays"]) == 3


def test_job_page_queries_are_bounded(client_as, employee, job, django_assert_max_num_queries):
    c = client_as(employee)
    c.get(u("crew_job", job.pk))
    with django_assert_max_num_queries(15):
        assert c.get(u("crew_job", job.pk)).status_code == 200
