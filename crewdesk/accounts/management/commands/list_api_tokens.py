from django.core.management.base import BaseCommand

from crewdesk.accounts.models import ApiToken
from crewdesk.accounts.usernames import username_key


class Command(BaseCommand):
    help = "List API tokens (newest first): id, prefix, company, user, state, last use, name."

    def add_arguments(self, parser):
        parser.add_argument("--company", help="only this company's (its slug)")
        parser.add_argument("--user", help="only this username's")
        parser.add_argument("--all", action="store_true", help="revoked and expired ones too")

    def handle(self, *args, **options):
        tokens = ApiToken.objects.select_related("user", "company")
        if options["company"]:
            tokens = tokens.filter(company__slug=options["company"])
        if options["user"]:
            tokens = tokens.filter(user__username__iexact=username_key(options["user"]))
        if not options["all"]:
            tokens = tokens.filter(revoked_at=None)
        for token in tokens.order_by("-created_at", "-id")[:1000]:
            state = "revoked" if token.revoked_at else ("live" if token.is_live else "expired")
            expires = f"expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "no expiry"
            used = f"used {token.last_used_at:%Y-%m-%d}" if token.last_used_at else "never used"
            self.stdout.write(
                f"{token.pk}\t{token.prefix}…\t{token.company.slug}\t{token.user.username}"
                f"\t{state}, {expires}, {used}\t{token.name}"
            )
