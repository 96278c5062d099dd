"""The office home (/app/): a greeting, the panels the apps registered (core.panels.HOME_PANELS:
today's jobs, due reminders...), the latest activity and the company at a glance."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from crewdesk.accounts.selectors import member_list
from crewdesk.core.decorators import member_required
from crewdesk.core.navigation import url_or_none
from crewdesk.core.panels import HOME_PANELS, scripts_of
from crewdesk.core.permissions import Action, can
from crewdesk.core.selectors import activity_list

RECENT_ACTIVITY_SHOWN = 8


@member_required(Action.VIEW_OFFICE_APP, others_go_home=True)
def home(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    crew_home = url_or_none("jobs:crew_home")
    if not can(membership, Action.VIEW_RECORDS) and crew_home:
        return redirect(crew_home)  # the crew's home is their jobs
    top = HOME_PANELS.render(request, slot="top")
    side = HOME_PANELS.render(request, slot="side")
    context = {
        "top_panels": top,
        "side_panels": side,
        "panel_scripts": scripts_of(top, side),
        "recent_activity": [],
        "team_size": None,
    }
    if can(membership, Action.VIEW_ACTIVITY):
        context["recent_activity"] = list(activity_list(viewer=membership)[:RECENT_ACTIVITY_SHOWN])
        context["team_size"] = member_list(viewer=membership).filter(active=True).count()
    return render(request, "dashboard/home.html", context)
