"""factory_boy factories for the test world."""

import zoneinfo
from datetime import date

import factory
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from factory.django import DjangoModelFactory

from crewdesk.accounts.models import Membership, User
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
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(membership.company.timezone))
