"""Check that the money adds up (payments/ledger.py): prints each violation and exits non-zero
when there is one.

crewdesk check_ledger [--company SLUG]
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from crewdesk.core.models import Company
from crewdesk.payments.ledger import ledger_violations


class Command(BaseCommand):
    help = (
        "Check every invoice, payment, allocation and batch against the ledger's rules; "
        "print each violation and exit with status 1 if there is any."
    )

    def add_arguments(self, parser):
        parser.add_argument("--company", help="check one company (its short name) only")

    def handle(self, *args, **options):
        company = None
        if options["company"]:
            company = Company.objects.filter(slug=options["company"]).first()
            if company is None:
                raise CommandError(f"No company {options['company']!r}.")
        violations = ledger_violations(company=company)
        for violation in violations:
            self.stdout.write(str(violation))
        if violations:
            self.stderr.write(f"{len(violations)} ledger violation(s).")
            sys.exit(1)
        self.stdout.write("The ledger holds: 0 violations.")
