from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from crewdesk.accounts.models import Membership
from crewdesk.accounts.services import api_token_create
from crewdesk.accounts.usernames import username_key


class Command(BaseCommand):
    help = "Create an API token acting as USERNAME in a company; prints only the token."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--company", help="the company's slug; needed with several companies")
        parser.add_argument("--name", default="", help="what the token is for")
        parser.add_argument(
            "--expires-in-days", type=int, default=None, help="the token stops working after"
        )

    def handle(self, *args, **options):
        memberships = Membership.objects.filter(
            user__username__iexact=username_key(options["username"]),
            active=True,
            user__is_active=True,
        ).select_related("company", "user")
        if options["company"]:
            memberships = memberships.filter(company__slug=options["company"])
        found = list(memberships[:2])
        if not found:
            raise CommandError("No active member with that username (in that company).")
        if len(found) > 1:
            slugs = ", ".join(memberships.values_list("company__slug", flat=True))
            raise CommandError(f"The user belongs to several companies; add --company ({slugs}).")
        days = options["expires_in_days"]
        try:
            issued = api_token_create(
                membership=found[0],
                name=options["name"],
                expires_at=timezone.now() + timedelta(days=days) if days is not None else None,
                by_command=True,
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(issued.raw)
