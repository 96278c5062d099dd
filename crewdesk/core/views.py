"""Office app pages of the core: home, activity log and company settings."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from crewdesk.accounts.models import Membership
from crewdesk.clients.selectors import reminders_due_for
from crewdesk.core.decorators import member_required
from crewdesk.core.formats import format_day
from crewdesk.core.forms import CompanySettingsForm, form_add_service_error
from crewdesk.core.navigation import home_url, url_or_none
from crewdesk.core.permissions import Action, can
from crewdesk.core.selectors import activity_list
from crewdesk.core.services import company_update
from crewdesk.jobs.models import STATUS_BADGES, JobStatus
from crewdesk.jobs.selectors import day_summary

DUE_REMINDERS_SHOWN = 10


@member_required(Action.VIEW_OFFICE_APP, others_go_home=True)
def home(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    crew_home = url_or_none("jobs:crew_home")
    if not can(membership, Action.VIEW_RECORDS) and crew_home:
        return redirect(crew_home)  # the crew's home is their jobs
    context = {"recent_activity": [], "team_size": None, "due_reminders": None, "week": None}
    if can(membership, Action.VIEW_RECORDS):
        # One more than shown tells that there are more, without counting them all.
        due = list(reminders_due_for(membership)[: DUE_REMINDERS_SHOWN + 1])
        context["due_reminders"] = due[:DUE_REMINDERS_SHOWN]
        context["more_due_reminders"] = len(due) > DUE_REMINDERS_SHOWN
        context.update(_week_at_a_glance(membership))
    if can(membership, Action.VIEW_ACTIVITY):
        context["recent_activity"] = list(activity_list(viewer=membership)[:8])
        context["team_size"] = Membership.objects.filter(
            company_id=membership.company_id, active=True
        ).count()
    return render(request, "core/home.html", context)


def _week_at_a_glance(membership) -> dict:
    """Today's jobs by status and the next seven days as a chart, linked to the schedule."""
    week = day_summary(membership, timezone.localdate())
    today = week[0]
    chart = {
        "labels": [format_day(d["day"], "weekday_day") for d in week],
        "series": [
            {"label": str(label), "status": status, "data": [d.get(status, 0) for d in week]}
            for status, label in JobStatus.choices
            if status != JobStatus.CANCELLED
        ],
    }
    return {
        "week": week,
        "today_jobs": today,
        "today_rows": [
            {"label": label, "badge": STATUS_BADGES[status], "count": today.get(status, 0)}
            for status, label in JobStatus.choices
            if status != JobStatus.CANCELLED
        ],
        "week_chart": chart,
        "schedule_url": url_or_none("jobs:schedule"),
        "jobs_url": url_or_none("jobs:list"),
    }


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
