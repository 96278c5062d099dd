"""A demo company with one user per role. Safe to run again: it changes nothing the second time."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from crewdesk.accounts.models import Membership, User
from crewdesk.clients.demo import demo_clients_load
from crewdesk.core.models import Brand, Company
from crewdesk.core.roles import Role
from crewdesk.core.services import company_create
from crewdesk.jobs.demo import demo_jobs_load

DEMO_SLUG = "sparkle-turnovers"
DEMO_USERS = [
    # username, email, first, last, role
    ("owner", "maria@sparkle.example", "Maria", "Lopez", Role.OWNER),
    ("office", "dana@sparkle.example", "Dana", "Kim", Role.OFFICE),
    ("crew", "luis@sparkle.example", "Luis", "Ortega", Role.EMPLOYEE),
    ("customer", "sam@harbourview.example", "Sam", "Patel", Role.CUSTOMER),
]


class Command(BaseCommand):
    help = "Load the demo company and users (idempotent) and print how to log in."

    @transaction.atomic
    def handle(self, *args, **options):
        company = Company.objects.filter(slug=DEMO_SLUG).first()
        if company is None:
            try:
                company = _demo_company_create()
            except ValidationError as error:
                raise CommandError(
                    f"Cannot create the demo company: {' '.join(error.messages)}"
                ) from error

            Brand.objects.filter(company=company, is_default=True).update(
                email="hello@sparkle.example",
                phone="+1 415 555 0100",
                street="500 Market St",
                city="San Francisco",
                region="CA",
                postal_code="94105",
                country="US",
            )
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
                # Someone real already uses this username: never add them to the demo company.
                self.stderr.write(f"Skipped demo user {username}: that username is taken.")
                continue
            Membership.objects.get_or_create(user=user, company=company, defaults={"role": role})

        owner = Membership.objects.filter(company=company, role=Role.OWNER, active=True).first()
        portal_client = demo_clients_load(owner) if owner else None
        if portal_client is not None:
            # The demo customer logs in to the portal as the Harbourview client.
            Membership.objects.filter(
                company=company, role=Role.CUSTOMER, client__isnull=True
            ).update(client=portal_client)
        if owner:
            demo_jobs_load(owner)

        port = settings.SITE_URL
        where_codes_go = (
            f"In this demo no email leaves the\n  machine; read the code at {port}/dev/outbox/ "
            "(or in this terminal's log)."
            if settings.DEBUG
            else f"It goes to each user's email\n  address through {settings.EMAIL_BACKEND}."
        )
        self.stdout.write(
            self.style.SUCCESS("Demo data is loaded.")
            + f"""

  Open {port}/login/ and log in with one of these usernames:
    owner     Maria Lopez, Owner (everything)
    office    Dana Kim, Office
    crew      Luis Ortega, Employee (field crew)
    customer  Sam Patel, a customer (client portal)

  No passwords: Crewdesk emails a 6-digit code. {where_codes_go}
"""
        )


def _demo_company_create() -> Company:
    username, email, first, last, _role = DEMO_USERS[0]
    return company_create(
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
    ).company
