from django.core.management.base import BaseCommand

from crewdesk.core.cleanup import cleanup_run


class Command(BaseCommand):
    help = (
        "Delete data that has served its purpose: spent login codes, old throttle counters, "
        "ended sessions, sent login-code emails, finished background tasks. Run it daily."
    )

    def handle(self, *args, **options):
        for what, count in cleanup_run().items():
            self.stdout.write(f"{count}\t{what}")
