"""A demo company with one user per role. Safe to run again: it changes nothing the second time."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from crewdesk.sampledata.demo.company import demo_load


class Command(BaseCommand):
    help = "Load the demo company and users (idempotent) and print how to log in."

    def handle(self, *args, **options):
        try:
            # The demo's past (the receipts of its payments) emails no one, and keeps the
            # terminal for what you do next.
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                loaded = demo_load()
        except ValidationError as error:
            raise CommandError(
                f"Cannot create the demo company: {' '.join(error.messages)}"
            ) from error
        for username in loaded.skipped_usernames:
            # Someone real already uses this username: never add them to the demo company.
            self.stderr.write(f"Skipped demo user {username}: that username is taken.")

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
    # With DEBUG the dev outbox keeps a copy, then hands each email to EMAIL_URL's backend.
    backend = getattr(settings, "DEV_OUTBOX_INNER_BACKEND", settings.EMAIL_BACKEND)
    local = LOCAL_EMAIL.get(backend)
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
