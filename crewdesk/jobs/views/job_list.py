"""The office's job list: search as you type, filters (jobs/filters.py), pages of PAGE_SIZE
read without counting. An employee is sent to the crew's view."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from crewdesk.accounts.selectors import crew_list
from crewdesk.clients import selectors as client_selectors
from crewdesk.core.decorators import member_required
from crewdesk.core.navigation import page_links, url_or_none
from crewdesk.core.permissions import Action, can
from crewdesk.jobs import selectors
from crewdesk.jobs.filters import JobFilters
from crewdesk.jobs.forms import JobFilterForm
from crewdesk.jobs.views.common import crew_names, to_crew
from crewdesk.properties import selectors as property_selectors
from crewdesk.properties.models import Property

PAGE_SIZE = 50


@member_required(Action.VIEW_JOBS)
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    if not can(actor, Action.VIEW_RECORDS):
        return to_crew("jobs:crew_home")
    rows_only = request.htmx and not request.htmx.history_restore_request
    members = list(crew_list(viewer=actor))
    form = JobFilterForm(request.GET, members=members)
    filters = JobFilters.from_form(form)
    jobs = selectors.job_list(viewer=actor, filters=filters)
    page = form.value("page", 1)
    start = (page - 1) * PAGE_SIZE
    rows = list(selectors.with_list_data(jobs=jobs)[start : start + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    for job in rows:
        job.crew_names = crew_names(job)
    is_filtered = filters.is_filtered
    has_any = bool(rows) or is_filtered or selectors.job_queryset(viewer=actor).exists()
    client_label = property_label = None
    if not rows_only and filters.client:
        named = client_selectors.clients_by_id(viewer=actor, ids=[filters.client])
        client_label = named.get(filters.client)
    if not rows_only and filters.property:
        try:
            property_label = property_selectors.property_get(
                viewer=actor, property_id=filters.property
            )
        except Property.DoesNotExist:
            property_label = None
    list_url = reverse("jobs:list")
    context = {
        "form": form,
        "filters": filters,
        "jobs": rows,
        "page": page,
        "first": start + 1,
        "last": start + len(rows),
        "members": members,
        "status_choices": form.fields["status"].choices,
        "is_filtered": is_filtered,
        "has_any": has_any,
        "client_filter": client_label,
        "property_filter": property_label,
        **page_links(request.GET, list_url, page, has_next),
        "can_edit": can(actor, Action.EDIT_RECORDS),
        "schedule_url": url_or_none("jobs:schedule"),
    }
    template = "jobs/_list_rows.html" if rows_only else "jobs/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


urlpatterns = [
    path("jobs/", job_list, name="list"),
]
