"""The `crewdesk` command: Django's management commands with Crewdesk's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crewdesk.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["crewdesk", *sys.argv[1:]])


if __name__ == "__main__":
    main()
