"""Security headers Django does not set by itself, and requests no page can take."""

from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from crewdesk.core.responses import json_refusal, wants_json

# Everything we serve comes from our own origin (vendored assets, no CDN); htmx needs no eval.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",  # Bootstrap components set inline styles
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # The API docs page loads Swagger UI with an inline script: it keeps ninja's own policy.
        if not request.path.startswith("/api/"):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self)")
        return response


class NoNulCharactersMiddleware:
    """A NUL character in the address, the query string or a posted form is a 400 (our
    400.html): nobody types one, no page needs one, and PostgreSQL cannot store one, so a
    value that reached a text column without a form's check was a DataError, a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):  # the API checks its input, and answers in JSON
            return self.get_response(request)
        # Django's CSRF check reads the posted form before any view anyway.
        if "\x00" in request.path or _has_nul(request.GET) or _has_nul(request.POST):
            if wants_json(request):  # a page's script, which reads JSON
                return json_refusal(_("The request holds a character no text may hold."))
            raise BadRequest("A NUL character in the request.")
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in data.lists())
