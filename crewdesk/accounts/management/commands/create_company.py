from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from crewdesk.accounts.services import company_create


class Command(BaseCommand):
    help = "Create a company with its first owner (a new user, or an existing one by username)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--owner-username", required=True)
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--slug")
        parser.add_argument("--currency", default="USD")
        parser.add_argument("--timezone", default="America/New_York")
        parser.add_argument("--country", default="US")

    def handle(self, *args, **options):
        try:
            membership = company_create(
                name=options["name"],
                slug=options["slug"],
                owner_username=options["owner_username"],
                owner_email=options["owner_email"],
                currency=options["currency"],
                timezone=options["timezone"],
                country=options["country"],
            )
        except ValidationError as error:
            raise CommandError(_describe(error)) from error
        company = membership.company
        self.stdout.write(
            f"Created {company.name} (slug {company.slug}) with owner {membership.user.username}."
        )


def _describe(error: ValidationError) -> str:
    """ "currency: Value 'XXX' is not a valid choice." rather than a message without its field."""
    if not hasattr(error, "error_dict"):
        return "; ".join(error.messages)
    return "; ".join(
        f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
        for field, messages in error.message_dict.items()
    )
