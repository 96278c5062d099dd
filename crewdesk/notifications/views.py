"""The development outbox page."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from crewdesk.notifications.backends import dev_outbox_read


def dev_outbox(request: HttpRequest) -> HttpResponse:
    """The last emails sent, so a newcomer can read a login code without a mail server.

    Only while DEBUG is on: in production this page does not exist.
    """
    if not settings.DEBUG:
        raise Http404
    return render(request, "core/dev_outbox.html", {"emails": dev_outbox_read()})
