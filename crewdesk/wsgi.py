"""WSGI entry point: `gunicorn crewdesk.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crewdesk.settings")
application = get_wsgi_application()
