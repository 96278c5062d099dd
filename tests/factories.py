"""factory_boy factories for the test world."""

from datetime import date

import factory
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory

from crewdesk.accounts.models import Membership, User
from crewdesk.core import dates
from crewdesk.core.models import Company
from crewdesk.core.roles import Role


class CompanyFactory(DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")
    timezone = "America/Chicago"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.LazyFunction(lambda: make_password(None))  # unusable: we log in by code


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = Role.OFFICE


def company_today(membership) -> date:
    """Today where the member's company is: what its pages call today (its time zone is
    active in requests), which is not always today in UTC."""
    return dates.company_today(membership.company)


# --- properties and jobs: made through the services, as the pages and the API make them ---


def make_property(actor, client, **fields):
    from crewdesk.properties.services import property_create

    fields.setdefault("street", "12 Harbor Road")
    fields.setdefault("city", "Springfield")
    return property_create(actor=actor, client=client, data=fields)


def make_service(actor, name="Standard clean", price="120.00", **fields):
    from crewdesk.properties.services import service_create

    return service_create(actor=actor, data={"name": name, "default_price": price, **fields})


def make_job(
    actor,
    prop,
    *,
    day=None,
    hour=9,
    assignees=(),
    lines=None,
    checklist=None,
    blocks_finish=True,
    **fields,
):
    """A job at `prop` on `day` (the company's today by default) at `hour` o'clock.
    `checklist` is a list of (text, required) copied in through a template."""
    import datetime

    from crewdesk.jobs.services import JobInput, LineInput, checklist_template_save, job_create

    day = day or company_today(actor)
    start = datetime.datetime.combine(day, datetime.time(hour))
    fields.setdefault("title", "Standard clean")
    fields["scheduled_start"] = start
    fields.setdefault("scheduled_end", start + datetime.timedelta(hours=2))
    template = None
    if checklist:
        template = checklist_template_save(
            actor=actor,
            template=None,
            name="Checklist",
            items=checklist,
            required_blocks_finish=blocks_finish,
        ).pk
    return job_create(
        actor=actor,
        data=JobInput(
            fields=fields,
            property=prop,
            lines=lines if lines is not None else [LineInput("Standard clean", 1, "120.00")],
            assignees=[m.pk for m in assignees],
            checklist_template=template,
        ),
    )
