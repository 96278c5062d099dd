from django.core.management.base import BaseCommand, CommandError

from crewdesk.accounts.models import ApiToken
from crewdesk.accounts.services import api_token_revoke


class Command(BaseCommand):
    help = "Revoke an API token at once, by its id or its prefix (see list_api_tokens)."

    def add_arguments(self, parser):
        parser.add_argument("token", help="the token's id, or its prefix such as cdk_AbC123")

    def handle(self, *args, **options):
        given = options["token"].rstrip("…")
        tokens = ApiToken.objects.select_related("user", "company")
        found = list(
            tokens.filter(pk=int(given))[:2]
            if given.isdigit() and len(given) < 19
            else tokens.filter(prefix=given)[:2]
        )
        if not found:
            raise CommandError("No API token with that id or prefix.")
        if len(found) > 1:
            raise CommandError("Several tokens have that prefix; give the id (list_api_tokens).")
        api_token_revoke(actor=None, token=found[0])
        self.stdout.write(f"Revoked {found[0].prefix}… of {found[0].user.username}.")
