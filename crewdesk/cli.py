"""The `crewdesk` command: Django's management commands with Crewdesk's settings."""

import os
import sys
from importlib import import_module


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crewdesk.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        import_module(os.environ["DJANGO_SETTINGS_MODULE"])  # it checks the environment
    except ImproperlyConfigured as error:
        # A missing or wrong environment variable: say which in one line, not a traceback.
        sys.exit(f"crewdesk: {error}")
    execute_from_command_line(["crewdesk", *sys.argv[1:]])


if __name__ == "__main__":
    main()
