import time

from django.core.management.base import BaseCommand, CommandError

from crewdesk.clients.duplicate_pairs import duplicate_pairs_rebuild
from crewdesk.core.models import Company


class Command(BaseCommand):
    help = (
        "Scan every client for suspected duplicates and rebuild the list the office reviews "
        "(pairs dismissed as 'not a duplicate' stay dismissed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--company", help="the company's slug; all companies when left out")

    def handle(self, *args, **options):
        companies = Company.objects.order_by("pk")
        if options["company"]:
            companies = companies.filter(slug=options["company"])
            if not companies.exists():
                raise CommandError(f"No company with the slug {options['company']!r}.")
        for company in companies:
            started = time.monotonic()

            def progress(done: int, total: int, company=company) -> None:
                if options["verbosity"] >= 2:
                    self.stderr.write(f"{company.slug}: {done}/{total} clients checked")

            pairs = duplicate_pairs_rebuild(company.pk, progress=progress)
            self.stdout.write(
                f"{company.name}: {pairs} suspected duplicate pairs "
                f"({time.monotonic() - started:.1f} s)."
            )
