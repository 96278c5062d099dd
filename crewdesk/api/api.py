"""The API at /api/v1/, assembled from each app's api.py."""

from ninja import NinjaAPI

from crewdesk.accounts.api import router as accounts_router
from crewdesk.api.auth import TokenAuth
from crewdesk.api.errors import install_error_handlers
from crewdesk.core.api import router as core_router

api = NinjaAPI(
    title="Crewdesk API",
    version="1",
    description=(
        "Clients, properties, jobs, invoices and payments of one company. "
        "Authenticate with `Authorization: Bearer <token>` (`crewdesk create_api_token USERNAME`). "
        "Errors are JSON with `detail`, and `errors: {field: [messages]}` on 422."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", core_router)
