"""Top up the jobs of every repeating service to the horizon. Run it daily from cron:

crewdesk generate_recurring_jobs
"""

import logging

from django.core.management.base import BaseCommand

from crewdesk.jobs.recurrence import (
    GENERATE_AHEAD_DAYS,
    due_for_generation,
    recurring_jobs_generate,
)
from crewdesk.properties.models import PropertyService

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Generate the upcoming jobs of every company's repeating property services, "
        f"up to {GENERATE_AHEAD_DAYS} days ahead (run daily)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=GENERATE_AHEAD_DAYS,
            help="how many days ahead to generate (default %(default)s)",
        )

    def handle(self, *args, **options):
        horizon = max(1, options["days"])
        services = jobs = failed = 0
        ids = list(due_for_generation(horizon).values_list("pk", flat=True))
        for start in range(0, len(ids), 500):
            batch = PropertyService.objects.filter(pk__in=ids[start : start + 500]).order_by("pk")
            for ps in batch:
                try:
                    made = recurring_jobs_generate(ps, horizon_days=horizon)
                except Exception:  # one broken service must not stop the others
                    failed += 1
                    logger.exception("Generating the jobs of property service %s failed", ps.pk)
                    continue
                services += 1
                jobs += made
                if made and options["verbosity"] >= 2:
                    self.stdout.write(f"{ps}: {made} jobs")
        self.stdout.write(f"Generated {jobs} jobs for {services} repeating services.")
        if failed:
            self.stderr.write(f"{failed} services failed; see the log.")
