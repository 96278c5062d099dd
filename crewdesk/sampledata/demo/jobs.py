"""Properties, a service catalog, checklists and a month and a half of jobs for the demo
company (seed_demo), made through the services like everything a user does, so the schedule,
the crew's phone view and the client profiles have something real to show.

Safe to run again: once the demo company has properties, it changes nothing."""

import datetime
import io
import random
import zoneinfo
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from crewdesk.accounts.models import Membership
from crewdesk.clients.models import Client
from crewdesk.core.roles import Role
from crewdesk.jobs import services as jobs
from crewdesk.jobs.models import Job, JobStatus
from crewdesk.jobs.services import JobInput, LineInput
from crewdesk.properties import services as properties
from crewdesk.properties.models import Property

# name, price, minutes, description
CATALOG = [
    ("Standard clean", "120.00", 120, "Kitchen, bathrooms, dusting, floors."),
    ("Deep clean", "260.00", 240, "Standard clean plus baseboards, inside oven and fridge."),
    ("Move-out clean", "340.00", 300, "Empty home, inside every cabinet and appliance."),
    ("Vacation rental turnover", "145.00", 150, "Clean, fresh linens, restock, photos."),
    ("Window washing", "150.00", 120, "Inside and out, screens and sills."),
    ("Pool service", "85.00", 45, "Skim, brush, vacuum, balance chemicals."),
    ("Lawn mowing", "55.00", 45, "Mow, edge, blow the walks."),
]

CHECKLISTS = [
    (
        "Standard clean",
        [
            ("Kitchen counters and sink wiped", True),
            ("Bathrooms cleaned and disinfected", True),
            ("Floors vacuumed and mopped", True),
            ("Beds made", False),
            ("Trash taken out", False),
        ],
    ),
    (
        "Vacation rental turnover",
        [
            ("Fresh linens and towels", True),
            ("Restock coffee pods, soap, toilet paper", True),
            ("Photos of every room", True),
            ("Check for damage and report it", False),
            ("Lockbox code reset", False),
        ],
    ),
]


@dataclass
class DemoProperty:
    key: str
    client_email: str  # how the demo client is found (its email, or its company name)
    client_company: str
    fields: dict
    # (service, frequency, interval, weekdays, hour, crew username) — frequency "" = one-off
    services: list


PROPERTIES = [
    DemoProperty(
        "loft",
        "sam@harbourview.example",
        "",
        {
            "name": "Embarcadero loft",
            "type": "residential",
            "street": "88 Embarcadero",
            "street2": "Unit 5C",
            "city": "San Francisco",
            "region": "CA",
            "postal_code": "94111",
            "latitude": "37.794900",
            "longitude": "-122.394200",
            "access_notes": "Lockbox on the bike rack, code 4471. Concierge has a spare key.",
            "description": "Two-bedroom Airbnb, turnover between guests.",
        },
        [("Vacation rental turnover", "weekly", 1, "MO,TH", 11, "crew")],
    ),
    DemoProperty(
        "stinson",
        "sam@harbourview.example",
        "",
        {
            "name": "Stinson Beach house",
            "type": "residential",
            "street": "12 Seadrift Rd",
            "city": "Stinson Beach",
            "region": "CA",
            "postal_code": "94970",
            "access_notes": "Gate code 2580#. Park on the gravel, not the neighbour's drive.",
        },
        [("Vacation rental turnover", "", 1, "", 10, ""), ("Window washing", "", 1, "", 9, "")],
    ),
    DemoProperty(
        "valencia",
        "jose.nunez@example.com",
        "",
        {
            "name": "Home",
            "street": "1450 Valencia St",
            "city": "San Francisco",
            "region": "CA",
            "postal_code": "94110",
            "access_notes": "Key under the blue planter. Cat: keep the bedroom door closed.",
        },
        [("Standard clean", "weekly", 1, "FR", 9, "crew")],
    ),
    DemoProperty(
        "elm",
        "maggie.obrien@example.com",
        "",
        {
            "name": "Home",
            "street": "22 Elm Court",
            "city": "Oakland",
            "region": "CA",
            "postal_code": "94611",
            "access_notes": "Large dog (friendly). Keep the side gate closed.",
        },
        [("Standard clean", "weekly", 2, "TU", 13, "crew2")],
    ),
    DemoProperty(
        "grand",
        "office@baysidepm.example",
        "",
        {
            "name": "Grand Ave apartments",
            "type": "business",
            "street": "300 Grand Ave",
            "city": "Oakland",
            "region": "CA",
            "postal_code": "94610",
            "access_notes": "Front desk hands out unit keys; sign the log.",
        },
        [("Move-out clean", "", 1, "", 9, ""), ("Window washing", "", 1, "", 13, "")],
    ),
    DemoProperty(
        "lakeshore",
        "office@baysidepm.example",
        "",
        {
            "name": "Lakeshore duplex",
            "street": "41 Lakeshore Ave",
            "city": "Oakland",
            "region": "CA",
            "postal_code": "94610",
        },
        [("Deep clean", "", 1, "", 9, "")],
    ),
    DemoProperty(
        "pacifica",
        "wei.chen@example.com",
        "",
        {
            "name": "Ocean View rental",
            "street": "9 Ocean View Dr",
            "city": "Pacifica",
            "region": "CA",
            "postal_code": "94044",
            "access_notes": "Smart lock: code sent by text the morning of the visit.",
        },
        [
            ("Pool service", "weekly", 1, "MO", 8, "crew2"),
            ("Vacation rental turnover", "", 1, "", 11, ""),
        ],
    ),
    DemoProperty(
        "castro",
        "priya.raman@example.com",
        "",
        {
            "name": "Home",
            "street": "51 Castro St",
            "city": "Mountain View",
            "region": "CA",
            "postal_code": "94041",
        },
        [("Lawn mowing", "weekly", 1, "TH", 8, "crew2"), ("Deep clean", "", 1, "", 10, "")],
    ),
    DemoProperty(
        "hillcrest",
        "tom@fischerhaus.example",
        "",
        {
            "name": "",
            "street": "7 Hillcrest Rd",
            "city": "Berkeley",
            "region": "CA",
            "postal_code": "94705",
            "access_notes": "Two dogs in the yard: ring first, Tom puts them in.",
        },
        [("Standard clean", "", 1, "", 10, "")],
    ),
    DemoProperty(
        "dental",
        "frontdesk@ggdental.example",
        "Golden Gate Dental",
        {
            "name": "Dental office",
            "type": "business",
            "street": "2100 Webster St",
            "street2": "Suite 300",
            "city": "San Francisco",
            "region": "CA",
            "postal_code": "94115",
            "access_notes": "Alarm code 1937, then the key in the lockbox by the back door.",
        },
        [("Standard clean", "weekly", 1, "MO,WE,FR", 19, "crew")],
    ),
]


def demo_jobs_load(owner: Membership) -> int:
    """Add the demo company's catalog, properties, checklists and jobs unless it has
    properties already; answer how many jobs were made here (recurring ones aside)."""
    if Property.objects.filter(company_id=owner.company_id).exists():
        return 0
    with transaction.atomic():
        return _Loader(owner).load()


class _Loader:
    def __init__(self, owner: Membership):
        self.owner = owner
        self.zone = zoneinfo.ZoneInfo(owner.company.timezone)
        self.today = timezone.localdate(timezone=self.zone)
        self.rng = random.Random(2026)  # noqa: S311 (demo data, not secrets)
        members = Membership.objects.filter(
            company_id=owner.company_id, role=Role.EMPLOYEE, active=True
        ).select_related("user", "company")
        self.crew = {m.user.username.lower(): m for m in members}
        # A small company: the owner takes the second van ("crew2") herself.
        self.crew["crew2"] = owner
        self.office = (
            Membership.objects.filter(company_id=owner.company_id, role=Role.OFFICE, active=True)
            .select_related("user", "company")
            .first()
            or owner
        )
        self.made = 0

    def member(self, username: str) -> Membership | None:
        return self.crew.get(username) if username else None

    def load(self) -> int:
        catalog = {
            name: properties.service_create(
                actor=self.owner,
                data={
                    "name": name,
                    "default_price": price,
                    "duration_minutes": minutes,
                    "description": description,
                },
            )
            for name, price, minutes, description in CATALOG
        }
        self.templates = {
            name: jobs.checklist_template_save(
                actor=self.owner, template=None, name=name, items=items
            )
            for name, items in CHECKLISTS
        }
        self.catalog = catalog
        props = {}
        for spec in PROPERTIES:
            client = self._client(spec)
            if client is None:
                continue
            prop = properties.property_create(actor=self.owner, client=client, data=spec.fields)
            props[spec.key] = prop
            for service_name, frequency, interval, weekdays, hour, crew in spec.services:
                member = self.member(crew)
                data = {
                    "service": catalog[service_name],
                    "instructions": _instructions(service_name),
                }
                if frequency:
                    data.update(
                        frequency=frequency,
                        interval=interval,
                        weekdays=weekdays,
                        # From tomorrow: today's and the past jobs are the one-offs below.
                        starts_on=self.today + datetime.timedelta(days=1),
                        start_time=datetime.time(hour),
                    )
                properties.property_service_add(
                    actor=self.owner, prop=prop, data=data, assignees=[member.pk] if member else []
                )
        self._past(props)
        self._today(props)
        self._upcoming(props)
        return self.made

    def _client(self, spec: DemoProperty) -> Client | None:
        clients = Client.objects.filter(company_id=self.owner.company_id, archived_at__isnull=True)
        return clients.filter(email=spec.client_email).order_by("id").first() or (
            clients.filter(company_name=spec.client_company).order_by("id").first()
            if spec.client_company
            else None
        )

    # --- making one job ---

    def job(
        self,
        prop: Property | None,
        service: str,
        day: datetime.date,
        hour: int,
        *,
        crew: tuple[str, ...] = (),
        minute: int = 0,
        notes: str = "",
    ) -> Job | None:
        if prop is None:
            return None
        catalog = self.catalog[service]
        start = datetime.datetime.combine(day, datetime.time(hour, minute))
        members = [m for m in (self.member(u) for u in crew) if m]
        template = self.templates.get(service) or (
            self.templates["Standard clean"] if "clean" in service.lower() else None
        )
        job = jobs.job_create(
            actor=self.owner,
            data=JobInput(
                fields={
                    "title": service,
                    "scheduled_start": start,
                    "scheduled_end": start + datetime.timedelta(minutes=catalog.duration_minutes),
                    "internal_notes": notes,
                },
                property=prop,
                lines=[LineInput(service=catalog.pk)] + self._extra_lines(service),
                assignees=[m.pk for m in members],
                checklist_template=template.pk if template else None,
            ),
        )
        self.made += 1
        return job

    def _extra_lines(self, service: str) -> list[LineInput]:
        if service == "Vacation rental turnover" and self.rng.random() < 0.5:
            return [LineInput("Linen service (per bed)", 2, "18.00")]
        if service == "Deep clean" and self.rng.random() < 0.5:
            return [LineInput("Inside oven", 1, "35.00", taxable=True)]
        return []

    def worker(self, job: Job) -> Membership:
        """Who moves the job: its crew member when it has one, else the office."""
        first = job.assignments.select_related("membership__user", "membership__company").first()
        return first.membership if first else self.office

    def move(self, job: Job, *statuses: str, tick: str = "all") -> Job:
        """Move the job along `statuses`, ticking its checklist (all or the required items)
        before it finishes, as the crew does on the phone."""
        actor = self.worker(job)
        for status in statuses:
            if status == JobStatus.FINISHED:
                self.tick(actor, job, tick)
            job = jobs.job_transition(actor=actor, job=job, to_status=status)
            if status == JobStatus.STARTED and tick == "some":
                self.tick(actor, job, tick)
        return job

    def tick(self, actor: Membership, job: Job, how: str) -> None:
        items = list(job.checklist.select_related("job"))
        for i, item in enumerate(items):
            wanted = (
                how == "all" or (how == "required" and item.required) or (how == "some" and i < 2)
            )
            if wanted and not item.done:
                jobs.checklist_item_set_done(actor=actor, item=item, done=True)

    def photos(self, job: Job) -> None:
        """A before and an after picture, as the crew takes them (drawn here: no files ship
        with the demo), the after one shared with the customer."""
        from crewdesk.jobs.attachments import attachment_add, attachment_set_customer_visible

        actor = self.worker(job)
        for kind, colours, shared in (
            ("before", ("#8d6e63", "#d7ccc8"), False),
            ("after", ("#26a69a", "#e0f2f1"), True),
        ):
            upload = SimpleUploadedFile(f"{kind}.jpg", picture(kind.title(), *colours))
            attachment = attachment_add(actor, job, upload, kind=kind)
            if shared:
                attachment_set_customer_visible(self.owner, attachment, True)

    # --- the days ---

    def _past(self, props: dict) -> None:
        """The last 30 days: finished work (most with the checklist ticked), a cancellation
        and a job the client never paid."""
        rng = self.rng
        visits = [
            ("valencia", "Standard clean", ("crew",), 9, 7),  # every 7 days
            ("elm", "Standard clean", ("crew2",), 13, 14),
            ("dental", "Standard clean", ("crew",), 19, 3),
            ("loft", "Vacation rental turnover", ("crew",), 11, 4),
            ("pacifica", "Pool service", ("crew2",), 8, 7),
            ("castro", "Lawn mowing", ("crew2",), 8, 7),
        ]
        for key, service, crew, hour, every in visits:
            offset = rng.randint(1, every)
            day = self.today - datetime.timedelta(days=offset)
            while (self.today - day).days <= 30:
                job = self.job(props.get(key), service, day, hour, crew=crew)
                if job is not None:
                    tick = "all" if rng.random() < 0.7 else "required"
                    done = (JobStatus.ON_THE_WAY, JobStatus.STARTED, JobStatus.FINISHED)
                    self.move(job, *done, tick=tick)
                day -= datetime.timedelta(days=every)

        def d(days: int) -> datetime.date:
            return self.today - datetime.timedelta(days=days)

        one_offs = [
            ("stinson", "Window washing", ("crew", "crew2"), d(days=18), 9),
            ("grand", "Move-out clean", ("crew", "crew2"), d(days=12), 9),
            ("lakeshore", "Deep clean", ("crew2",), d(days=9), 10),
            ("hillcrest", "Standard clean", ("crew",), d(days=5), 10),
        ]
        for key, service, crew, day, hour in one_offs:
            job = self.job(props.get(key), service, day, hour, crew=crew)
            if job is not None:
                self.move(job, JobStatus.STARTED, JobStatus.FINISHED)
                self.photos(job)

        cancelled = self.job(
            props.get("castro"),
            "Deep clean",
            d(days=6),
            10,
            crew=("crew",),
            notes="Client travelling; asked to skip this one.",
        )
        if cancelled is not None:
            jobs.job_transition(actor=self.office, job=cancelled, to_status=JobStatus.CANCELLED)

        unpaid = self.job(
            props.get("stinson"),
            "Vacation rental turnover",
            d(days=25),
            10,
            crew=("crew",),
            notes="Invoice returned twice; the office stopped chasing it.",
        )
        if unpaid is not None:
            # billing.py invoices it and writes it off: the job then counts as bad debt.
            self.move(unpaid, JobStatus.STARTED, JobStatus.FINISHED)

    def _today(self, props: dict) -> None:
        """Today: the crew at work — one job started, one on the way, others waiting — and
        two jobs nobody is assigned to yet."""
        today = self.today
        started = self.job(props.get("valencia"), "Standard clean", today, 8, crew=("crew",))
        if started is not None:
            self.move(started, JobStatus.ON_THE_WAY, JobStatus.STARTED, tick="some")
        on_the_way = self.job(
            props.get("loft"), "Vacation rental turnover", today, 11, minute=30, crew=("crew",)
        )
        if on_the_way is not None:
            self.move(on_the_way, JobStatus.ON_THE_WAY)
        self.job(props.get("hillcrest"), "Window washing", today, 15, crew=("crew",))
        morning = self.job(props.get("pacifica"), "Pool service", today, 8, crew=("crew2",))
        if morning is not None:
            self.move(morning, JobStatus.STARTED, JobStatus.FINISHED)
        self.job(props.get("elm"), "Deep clean", today, 10, crew=("crew2",))
        self.job(props.get("castro"), "Window washing", today, 14, crew=("crew2",))
        self.job(
            props.get("lakeshore"),
            "Standard clean",
            today,
            13,
            notes="New tenant moves in tomorrow: needs someone today.",
        )
        self.job(props.get("grand"), "Window washing", today + datetime.timedelta(days=1), 9)

    def _upcoming(self, props: dict) -> None:
        """The next two weeks' one-off work (the recurring services add their own)."""

        def d(days: int) -> datetime.date:
            return self.today + datetime.timedelta(days=days)

        self.job(props.get("grand"), "Move-out clean", d(days=3), 9, crew=("crew", "crew2"))
        self.job(props.get("stinson"), "Vacation rental turnover", d(days=4), 10, crew=("crew",))
        self.job(props.get("lakeshore"), "Deep clean", d(days=6), 9, crew=("crew2",))
        self.job(props.get("pacifica"), "Vacation rental turnover", d(days=8), 11, crew=("crew",))
        self.job(props.get("stinson"), "Window washing", d(days=10), 9)
        self.job(props.get("castro"), "Deep clean", d(days=13), 10, crew=("crew2",))
        later = self.job(props.get("hillcrest"), "Standard clean", d(days=12), 10, crew=("crew",))
        if later is not None:
            jobs.job_transition(actor=self.office, job=later, to_status=JobStatus.CANCELLED)


def picture(label: str, dark: str, light: str) -> bytes:
    """A 640×480 JPEG: a floor of tiles in two colours with a label."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), light)
    draw = ImageDraw.Draw(image)
    for x in range(0, 640, 80):
        for y in range(240, 480, 80):
            if (x // 80 + y // 80) % 2:
                draw.rectangle((x, y, x + 79, y + 79), fill=dark)
    draw.text((24, 24), label, fill=dark, font_size=64)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _instructions(service: str) -> str:
    return {
        "Vacation rental turnover": "Photos of every room in the app before leaving.",
        "Pool service": "Log the chlorine and pH readings in a note.",
        "Lawn mowing": "Bag the clippings; the green bin is by the garage.",
        "Standard clean": "Eco products only, please.",
    }.get(service, "")
