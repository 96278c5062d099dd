from django.urls import include, path
from django.views.generic import RedirectView

from crewdesk.api.api import api
from crewdesk.core import views as core_views
from crewdesk.notifications import views as notifications_views
from crewdesk.payments import webhooks as payments_webhooks

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard:home", permanent=False)),
    path("", include("crewdesk.accounts.urls")),
    path("app/", include("crewdesk.dashboard.urls")),
    path("app/", include("crewdesk.core.urls")),
    path("app/clients/", include("crewdesk.clients.urls")),
    path("app/", include("crewdesk.properties.urls")),
    path("app/", include("crewdesk.jobs.urls")),
    path("app/", include("crewdesk.billing.urls")),
    path("app/", include("crewdesk.billing.document_urls")),
    path("app/", include("crewdesk.payments.document_urls")),
    path("app/", include("crewdesk.payments.urls")),
    path("portal/", include("crewdesk.portal.urls")),
    path("d/", include("crewdesk.billing.public_urls")),
    path("d/", include("crewdesk.payments.pay_urls")),
    path("webhooks/stripe/", payments_webhooks.stripe_webhook, name="stripe_webhook"),
    path("api/v1/", api.urls),
    path("dev/outbox/", notifications_views.dev_outbox, name="dev_outbox"),
    path("healthz", core_views.healthz, name="healthz"),
]

# Our own error pages (templates/403.html, 404.html, 500.html).
handler403 = "crewdesk.core.views.permission_denied"
handler404 = "crewdesk.core.views.page_not_found"
handler500 = "crewdesk.core.views.server_error"
