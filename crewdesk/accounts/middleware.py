"""Puts the member's current company on the request and in force for the time zone."""

import zoneinfo
from collections.abc import Callable

from django.contrib.auth import logout
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from crewdesk.accounts.models import Invitation, Membership, UserSession


class CurrentMembershipMiddleware:
    """Sets `request.membership` and `request.company` for a logged-in user.

    The company is the one chosen in the session; if that membership was deactivated the
    user falls back to the active one they used last. A user in no company who has an
    invitation to answer is sent to answer it; with neither, the session ends.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None
        request.company = None
        if request.user.is_authenticated:
            memberships = (
                Membership.objects.filter(user=request.user, active=True)
                .select_related("company")
                .order_by(F("last_used_at").desc(nulls_last=True), "pk")
            )
            company_id = request.session.get("company_id")
            membership = (
                memberships.filter(company_id=company_id).first() if company_id else None
            ) or memberships.first()
            if membership is not None:
                if company_id != membership.company_id:
                    request.session["company_id"] = membership.company_id
                    UserSession.objects.filter(session_key=request.session.session_key).update(
                        company_id=membership.company_id
                    )
                request.membership = membership
                request.company = membership.company
            elif Invitation.objects.filter(user=request.user, answered_at=None).exists():
                answer = reverse("accounts:invitations")
                if request.path not in (answer, reverse("accounts:logout")):
                    return redirect(answer)
            else:
                logout(request)
        if request.company is not None:
            timezone.activate(zoneinfo.ZoneInfo(request.company.timezone))
        else:
            timezone.deactivate()
        return self.get_response(request)
