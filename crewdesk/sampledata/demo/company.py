"""The demo company (Sparkle Turnovers) with one user per role, its clients, properties,
jobs, invoices and payments. Safe to run again: what exists already is left as it is."""

from dataclasses import dataclass, field

from django.db import transaction

from crewdesk.accounts.models import Membership, User
from crewdesk.accounts.services import company_create
from crewdesk.core.models import Brand, Company
from crewdesk.core.roles import Role
from crewdesk.sampledata.demo.billing import demo_billing_load
from crewdesk.sampledata.demo.clients import demo_clients_load
from crewdesk.sampledata.demo.jobs import demo_jobs_load

DEMO_SLUG = "sparkle-turnovers"
DEMO_USERS = [
    # username, email, first, last, role
    ("owner", "maria@sparkle.example", "Maria", "Lopez", Role.OWNER),
    ("office", "dana@sparkle.example", "Dana", "Kim", Role.OFFICE),
    ("crew", "luis@sparkle.example", "Luis", "Ortega", Role.EMPLOYEE),
    ("customer", "sam@harbourview.example", "Sam", "Patel", Role.CUSTOMER),
]


@dataclass
class DemoLoaded:
    company: Company
    # Demo usernames someone real already has: never added to the demo company.
    skipped_usernames: list[str] = field(default_factory=list)


@transaction.atomic
def demo_load() -> DemoLoaded:
    """Load the demo company, its users and its data, making only what is missing. Raises
    ValidationError when the company cannot be created."""
    company = Company.objects.filter(slug=DEMO_SLUG).first()
    if company is None:
        company = _demo_company_create()
    loaded = DemoLoaded(company)
    for username, email, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username__iexact=username,
            defaults={
                "username": username,
                "email": email,
                "first_name": first,
                "last_name": last,
            },
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        elif user.email != email:
            loaded.skipped_usernames.append(username)
            continue
        Membership.objects.get_or_create(user=user, company=company, defaults={"role": role})

    owner = Membership.objects.filter(company=company, role=Role.OWNER, active=True).first()
    portal_client = demo_clients_load(owner) if owner else None
    if portal_client is not None:
        # The demo customer logs in to the portal as the Harbourview client.
        Membership.objects.filter(company=company, role=Role.CUSTOMER, client__isnull=True).update(
            client=portal_client
        )
    if owner:
        demo_jobs_load(owner)
        demo_billing_load(owner)
    return loaded


def _demo_company_create() -> Company:
    username, email, first, last, _role = DEMO_USERS[0]
    company = company_create(
        name="Sparkle Turnovers",
        slug=DEMO_SLUG,
        owner_username=username,
        owner_email=email,
        owner_first_name=first,
        owner_last_name=last,
        timezone="America/Los_Angeles",
        default_tax_rate="8.250",
        card_fee_percent="2.90",
        invoice_prefix="SPK-",
        payment_terms_days=14,
    ).company
    Brand.objects.filter(company=company, is_default=True).update(
        email="hello@sparkle.example",
        phone="+1 415 555 0100",
        street="500 Market St",
        city="San Francisco",
        region="CA",
        postal_code="94105",
        country="US",
    )
    return company
