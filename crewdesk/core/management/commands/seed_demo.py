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
        where_codes_go = _where_codes_go()
        self.stdout.write(
            self.style.SUCCESS("Demo data is loaded.")
            + f"""

  Open {port}/login/ and log in with one of these usernames:
    owner     Maria Lopez, Owner (everything)
    office    Dana Kim, Office
    crew      Luis Ortega, Employee (field crew)
    customer  Sam Patel, a customer (client portal)

  No passwords: Crewdesk emails a 6-digit code.
  {where_codes_go}
"""
        )


# Email backends that keep every message on this machine.
LOCAL_EMAIL = {
    "django.core.mail.backends.console.EmailBackend": "printed in this terminal's log",
    "django.core.mail.backends.filebased.EmailBackend": "written to files in {path}",
    "django.core.mail.backends.locmem.EmailBackend": "kept in memory",
    "django.core.mail.backends.dummy.EmailBackend": "thrown away",
}


def _where_codes_go() -> str:
    """Where the login codes go, from the email backend EMAIL_URL chose (not from DEBUG: a demo
    may well send real email)."""
    local = LOCAL_EMAIL.get(settings.EMAIL_BACKEND)
    if local is not None:
        where = local.format(path=getattr(settings, "EMAIL_FILE_PATH", ""))
        said = f"In this demo no email leaves the machine: each one is {where}."
    else:
        server = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
        said = (
            f"EMAIL_URL sends real email, through {server}, to each user's address\n"
            "  (the demo users' addresses are made up)."
        )
    if settings.DEBUG:
        said += f"\n  Read the codes at {settings.SITE_URL}/dev/outbox/."
    return said


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
