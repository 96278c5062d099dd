"""Client pages: data quality. How complete the client records are, how many look like
duplicates, and which ones cannot be reached or have a malformed email, with the clients to fix.
The numbers come from crewdesk.clients.quality: live for a small company, counted in the
background for a big one (the page then says when, and refreshes itself while recounting)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crewdesk.clients import quality as quality_service
from crewdesk.core.decorators import member_required
from crewdesk.core.navigation import url_or_none
from crewdesk.core.permissions import Action


@member_required(Action.VIEW_RECORDS)
@require_GET
def quality(request: HttpRequest) -> HttpResponse:
    actor = request.membership
    summary = quality_service.client_quality(actor)
    show = request.GET.get("show", "")
    found = quality_service.offender_list(show) if summary.counted else None
    offenders, offenders_title, offenders_count = [], "", 0
    if found is not None:
        check, _condition = found
        offenders_title = check.missing_label
        offenders_count = summary.listed(show)
        offenders = quality_service.client_quality_offenders(actor, show, summary)
    return render(
        request,
        "clients/quality.html",
        {
            "summary": summary,
            "problems": [
                {"check": check, "count": summary.problems[check.key]}
                for check in quality_service.PROBLEMS
            ],
            "show": show if found else "",
            "offenders": offenders,
            "offenders_title": offenders_title,
            "offenders_count": offenders_count,
            "offenders_limit": quality_service.OFFENDERS_SHOWN,
            "duplicates_url": url_or_none("clients:duplicates"),
        },
    )


@member_required(Action.VIEW_RECORDS)
@require_POST
def quality_recount(request: HttpRequest) -> HttpResponse:
    quality_service.client_quality_recount_request(request.membership, force=True)
    messages.info(request, _("Recounting your clients. The numbers update on their own."))
    return redirect("clients:quality")


urlpatterns = [
    path("quality/", quality, name="quality"),
    path("quality/recount/", quality_recount, name="quality_recount"),
]
