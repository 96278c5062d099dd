"""Ends sessions that are too old or left unused; puts the member's current company on the
request and in force for the time zone."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crewdesk.accounts import services
from crewdesk.accounts.models import Invitation, Membership, UserSession
from crewdesk.core.dates import company_zone

# How often a session's use is written down: every request would cost a database write.
SEEN_EVERY_SECONDS = 60


class SessionExpiryMiddleware:
    """Ends a login left unused for SESSION_IDLE_TIMEOUT, or older than SESSION_COOKIE_AGE
    (noting each use refreshes the cookie, so its own expiry alone would never come)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(services.SESSION_STARTED, now)
            seen = request.session.get(services.SESSION_SEEN, started)
            if now - seen > settings.SESSION_IDLE_TIMEOUT or now - started > (
                settings.SESSION_COOKIE_AGE
            ):
                services.session_end(request, reason="expired")
                messages.info(request, _("You were logged out after a while without activity."))
            elif now - seen > SEEN_EVERY_SECONDS:
                request.session[services.SESSION_SEEN] = now
                request.session.setdefault(services.SESSION_STARTED, started)
                UserSession.objects.filter(session_key=request.session.session_key).update(
                    last_seen_at=timezone.now()
                )
        return self.get_response(request)


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
            timezone.activate(company_zone(request.company))
        else:
            timezone.deactivate()
        return self.get_response(request)
