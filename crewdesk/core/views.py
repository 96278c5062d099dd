"""Office app pages of the core: the activity log and company settings; the error pages.
(The office home is crewdesk/dashboard.)"""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from crewdesk.core.decorators import member_required
from crewdesk.core.forms import CompanySettingsForm, form_add_service_error
from crewdesk.core.navigation import home_url
from crewdesk.core.permissions import Action
from crewdesk.core.selectors import activity_list
from crewdesk.core.services import company_update


@member_required(Action.VIEW_ACTIVITY)
def activity(request: HttpRequest) -> HttpResponse:
    page = Paginator(activity_list(viewer=request.membership), 50).get_page(request.GET.get("page"))
    return render(request, "core/activity.html", {"page": page})


@member_required(Action.MANAGE_COMPANY)
@require_http_methods(["GET", "POST"])
def company_settings(request: HttpRequest) -> HttpResponse:
    company = request.company
    # The form validates a copy: a ModelForm writes into its instance, and the service must
    # see the saved values to know what changed.
    form = CompanySettingsForm(request.POST or None, instance=copy.copy(company))
    if request.method == "POST" and form.is_valid():
        try:
            company_update(actor=request.membership, company=company, data=form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Company settings saved."))
            return redirect("core:company_settings")
    return render(request, "core/company_settings.html", {"form": form})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 403 page (handler403): which role was refused, and the way back to its home."""
    return _error_page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 404 page (handler404). It never says whether the record exists elsewhere."""
    return _error_page(request, "404.html", 404)


def _error_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    context = {"home_url": home_url(getattr(request, "membership", None))}
    return render(request, template, context, status=status)


PLAIN_SERVER_ERROR = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Something went wrong · Crewdesk"
    "</title><h1>Something went wrong</h1><p>Crewdesk could not finish this request. "
    '<a href="/">Go to your home page</a></p></html>'
)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page (handler500), rendered without the request (the database may be what
    failed); plain words when even it cannot render (a static file missing from the
    manifest breaks every page)."""
    try:
        return HttpResponseServerError(loader.get_template("500.html").render())
    except Exception:  # whatever it is, the answer is still a 500 page
        return HttpResponseServerError(PLAIN_SERVER_ERROR)
