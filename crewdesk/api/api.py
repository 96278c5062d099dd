"""The API at /api/v1/, assembled from each app's api.py."""

import functools
import json

from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

from crewdesk.accounts.api import router as accounts_router
from crewdesk.api.auth import TokenAuth
from crewdesk.api.errors import install_error_handlers
from crewdesk.billing.api import router as billing_router
from crewdesk.clients.api import router as clients_router
from crewdesk.core.api import router as core_router
from crewdesk.jobs.api import router as jobs_router
from crewdesk.payments.api import router as payments_router
from crewdesk.properties.api import catalog_router as service_catalog_router
from crewdesk.properties.api import router as properties_router


def _json_error(status: int, detail: str) -> HttpResponse:
    return HttpResponse(
        json.dumps({"detail": detail}),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _json_outside_operations(view):
    """Ninja answers a method a path does not have with a plain-text 405, and its root (the
    bare /api/v1/) with Django's HTML 404: make both JSON."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _json_error(404, "Not found.")
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response.headers["Allow"]
            response = _json_error(405, "Method not allowed.")
            response.headers["Allow"] = allowed
        return response

    return wrapper


@csrf_exempt
def _not_found(request, *args, **kwargs) -> HttpResponse:
    return _json_error(404, "Not found.")


class CrewdeskAPI(NinjaAPI):
    """NinjaAPI whose answers outside the operations (unknown path, wrong method) are JSON too."""

    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        patterns = [
            URLPattern(p.pattern, _json_outside_operations(p.callback), p.default_args, p.name)
            if isinstance(p, URLPattern)
            else p
            for p in patterns
        ]
        # Anything else under the API (say a trailing slash) is a JSON 404, not Django's HTML page.
        patterns.append(re_path(r"^.*$", _not_found))
        return patterns, app_name, namespace

    def get_openapi_schema(self, *args, **kwargs):
        """Ninja keys an operation's responses by int (200), `openapi_extra` by string ("200"):
        merged into one key per code, or the JSON names a code twice and Swagger UI fails."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                merged: dict[str, dict] = {}
                for code, response in operation.get("responses", {}).items():
                    merged.setdefault(str(code), {}).update(response)
                operation["responses"] = merged
        return schema


api = CrewdeskAPI(
    title="Crewdesk API",
    version="1",
    description=(
        "Clients (with their contacts, tags, reminders, notices and notes), properties, the "
        "service catalog, jobs, invoices, batch invoices and payments of one company, its team "
        "and its activity log. "
        "Authenticate with `Authorization: Bearer <token>` (`crewdesk create_api_token USERNAME`). "
        "Errors are JSON with `detail`, and `errors: {field: [messages]}` on 422. "
        "Properties and the service catalog are the office's (Owner, Office); an Employee's "
        "token sees only the jobs assigned to them, without prices (`total`, `unit_price` and "
        "`amount` are null), and no invoice or payment; a Customer's token none of these."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", core_router)
api.add_router("", clients_router)
api.add_router("", properties_router)
api.add_router("", service_catalog_router)
api.add_router("", jobs_router)
api.add_router("", billing_router)
api.add_router("", payments_router)
