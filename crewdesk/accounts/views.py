"""Login with a username and an emailed code; the team page; the user's own sessions."""

import secrets

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from crewdesk.accounts import login, services
from crewdesk.accounts.addresses import client_address
from crewdesk.accounts.forms import ApiTokenForm, CodeForm, InviteForm, RoleForm, UsernameForm
from crewdesk.accounts.models import ApiToken, Invitation, Membership, UserSession
from crewdesk.accounts.selectors import (
    api_token_list,
    invitation_list,
    invitations_open_for,
    member_get,
    member_list,
    user_session_list,
)
from crewdesk.core.decorators import member_required
from crewdesk.core.forms import form_add_service_error, refusal_text
from crewdesk.core.navigation import safe_next
from crewdesk.core.permissions import Action, can
from crewdesk.core.records import parse_id
from crewdesk.core.roles import Role

PENDING_USERNAME = "login_pending_username"
NEXT_URL = "login_next"
MSG_CODE_SENT = gettext_lazy(
    "If %(username)s is a Crewdesk user, we have emailed them a 6-digit code and a link."
)
MSG_THROTTLED = gettext_lazy("Too many login attempts. Wait a few minutes and try again.")
MSG_BAD_CODE = gettext_lazy(
    "That code is not valid. Check the latest email, or ask for a new code."
)
MSG_LOCKED = gettext_lazy(
    "Too many wrong codes were entered for this account, so typed codes are paused for a "
    "while. Open the link in your latest login email instead, or try again later."
)
MSG_BAD_LINK = gettext_lazy("This login link has expired or was already used. Ask for a new code.")
REFUSALS = {
    login.Refusal.BAD_CODE: MSG_BAD_CODE,
    login.Refusal.LOCKED: MSG_LOCKED,
    login.Refusal.THROTTLED: MSG_THROTTLED,
}


def home_url_for(membership: Membership | None) -> str:
    if membership is None:
        return reverse("accounts:invitations")
    if membership.role == Role.CUSTOMER:
        return reverse("portal:home")
    return reverse("dashboard:home")


def _session_binding(request: HttpRequest) -> str:
    """This browser session's secret, which its login codes are bound to."""
    nonce = request.session.get(login.BINDING_SESSION_KEY)
    if not nonce:
        nonce = request.session[login.BINDING_SESSION_KEY] = secrets.token_urlsafe(32)
    return login.session_binding(nonce)


def _logged_in(request: HttpRequest, user, next_url: str | None) -> HttpResponse:
    membership = services.session_start(request, user=user)
    next_url = safe_next(request, next_url)
    if membership is None or (not next_url and invitations_open_for(user=user)):
        return redirect("accounts:invitations")  # an invitation to answer first
    return redirect(next_url or home_url_for(membership))


@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: the username. The answer is the same whether or not it exists."""
    if getattr(request, "membership", None) is not None:
        return redirect(home_url_for(request.membership))
    form = UsernameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        outcome = login.login_code_request(
            username=username, address=client_address(request), binding=_session_binding(request)
        )
        if outcome is login.CodeRequestOutcome.THROTTLED:
            form.add_error(None, MSG_THROTTLED)
        else:
            request.session[PENDING_USERNAME] = username
            request.session[NEXT_URL] = safe_next(request, request.GET.get("next"))
            return redirect("accounts:login_code")
    return render(request, "accounts/login.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the email, in the browser session that asked for it."""
    username = request.session.get(PENDING_USERNAME)
    if not username:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt = login.login_code_verify(
            code=form.cleaned_data["code"],
            address=client_address(request),
            binding=_session_binding(request),
        )
        if attempt.user is None:
            form.add_error("code", REFUSALS[attempt.refusal])
        else:
            try:
                return _logged_in(request, attempt.user, request.session.get(NEXT_URL))
            except ValidationError as error:
                form.add_error(None, error)
    return render(
        request,
        "accounts/login_code.html",
        {
            "form": form,
            "username": username,
            "sent_message": MSG_CODE_SENT % {"username": username},
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def login_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the login email. Opening it only asks (mail scanners open links); the
    button logs in, in whichever browser the link was opened."""
    if request.method == "POST":
        attempt = login.login_link_use(token=token, address=client_address(request))
        if attempt.user is not None:
            try:
                return _logged_in(request, attempt.user, None)
            except ValidationError as error:
                messages.error(request, refusal_text(error))
                return redirect("accounts:login")
        messages.error(request, REFUSALS.get(attempt.refusal, MSG_BAD_LINK))
        return redirect("accounts:login")
    user = login.login_link_user(token=token)
    if user is None:
        messages.error(request, MSG_BAD_LINK)
        return redirect("accounts:login")
    return render(request, "accounts/login_link.html", {"link_user": user})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    services.session_end(request)
    messages.info(request, _("You are logged out."))
    return redirect("accounts:login")


@member_required(Action.VIEW_OFFICE_APP)
@require_POST
def switch_company(request: HttpRequest) -> HttpResponse:
    company_id = parse_id(request.POST.get("company"))
    try:
        membership = services.company_switch(request, company_id=company_id)
    except Membership.DoesNotExist as error:
        raise Http404 from error
    messages.success(
        request, _("You are now working in %(company)s.") % {"company": membership.company.name}
    )
    return redirect(home_url_for(membership))


def _login_required(view):
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if getattr(request, "membership", None) is None:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


@_login_required
@require_http_methods(["GET", "POST"])
def sessions(request: HttpRequest) -> HttpResponse:
    """Where am I logged in? End any other session (a lost phone, a shared computer)."""
    if request.method == "POST":
        if request.POST.get("end") == "others":
            count = services.user_sessions_end_all(
                user=request.user, keep_session_key=request.session.session_key
            )
            messages.success(request, _("Ended %(count)d other sessions.") % {"count": count})
        else:
            try:
                services.user_session_end(
                    user=request.user, session_id=parse_id(request.POST.get("end"))
                )
            except UserSession.DoesNotExist as error:
                raise Http404 from error
            messages.success(request, _("Session ended."))
        return redirect("accounts:sessions")
    template = (
        "portal/sessions.html" if request.membership.is_customer else "accounts/sessions.html"
    )
    return render(
        request,
        template,
        {
            "user_sessions": user_session_list(user=request.user),
            "current_key": request.session.session_key,
        },
    )


@member_required(Action.VIEW_TEAM)
def team(request: HttpRequest) -> HttpResponse:
    can_manage = can(request.membership, Action.MANAGE_TEAM)
    return render(
        request,
        "accounts/team.html",
        {
            "members": member_list(viewer=request.membership),
            "invitations": invitation_list(viewer=request.membership) if can_manage else [],
            "can_manage": can_manage,
        },
    )


@member_required(Action.MANAGE_TEAM)
@require_POST
def team_invitation_cancel(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        invitation = services.invitation_cancel(
            actor=request.membership, invitation_id=invitation_id
        )
    except Invitation.DoesNotExist as error:
        raise Http404 from error
    messages.success(
        request,
        _("The invitation of %(username)s is cancelled.") % {"username": invitation.username},
    )
    return redirect("accounts:team")


@member_required(Action.MANAGE_TEAM)
@require_http_methods(["GET", "POST"])
def team_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.member_invite(actor=request.membership, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(username)s. They join when they accept it.")
                % {"username": invitation.username},
            )
            return redirect("accounts:team")
    return render(request, "accounts/team_invite.html", {"form": form})


@member_required(Action.MANAGE_TEAM)
@require_http_methods(["GET", "POST"])
def team_member(request: HttpRequest, membership_id: int) -> HttpResponse:
    try:
        member = member_get(viewer=request.membership, membership_id=membership_id)
    except Membership.DoesNotExist as error:
        raise Http404 from error
    # A customer's role is not the team page's to change (the service refuses it too).
    form = (
        None
        if member.is_customer
        else RoleForm(request.POST or None, initial={"role": member.role})
    )
    if request.method == "POST":
        action = request.POST.get("action", "role")
        try:
            if action == "deactivate":
                services.member_deactivate(actor=request.membership, membership=member)
                messages.success(
                    request,
                    _("%(name)s can no longer log in.") % {"name": member.user.display_name},
                )
                return redirect("accounts:team")
            if action == "reactivate":
                services.member_reactivate(actor=request.membership, membership=member)
                messages.success(
                    request, _("%(name)s is active again.") % {"name": member.user.display_name}
                )
                return redirect("accounts:team")
            if form is None:
                raise ValidationError(services.ERROR_CUSTOMER_ROLE)
            if form.is_valid() and form.has_changed():
                services.member_change_role(
                    actor=request.membership, membership=member, role=form.cleaned_data["role"]
                )
                messages.success(request, _("Role saved."))
                return redirect("accounts:team")
            if form.is_valid():  # nothing changed: nothing to save
                return redirect("accounts:team")
        except ValidationError as error:
            if form is None:
                messages.error(request, refusal_text(error))
            else:
                form_add_service_error(form, error)
    return render(request, "accounts/team_member.html", {"member": member, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest) -> HttpResponse:
    """The invitations waiting for the logged-in user: join a company, or decline."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        try:
            membership = services.invitation_answer(
                request,
                invitation_id=parse_id(request.POST.get("invitation")),
                accept=request.POST.get("answer") == "accept",
            )
        except Invitation.DoesNotExist as error:
            raise Http404 from error
        if membership is not None:
            messages.success(
                request, _("Welcome to %(company)s.") % {"company": membership.company.name}
            )
            return redirect(home_url_for(membership))
        messages.info(request, _("Invitation declined."))
        if getattr(request, "membership", None) is None and not invitations_open_for(
            user=request.user
        ):
            services.session_end(request)  # in no company and nothing left to answer
            return redirect("accounts:login")
        return redirect("accounts:invitations")
    return render(
        request,
        "accounts/invitations.html",
        {"invitations": invitations_open_for(user=request.user)},
    )


@member_required(Action.VIEW_OFFICE_APP)
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """API tokens: make one (shown once), see where they are used, revoke them."""
    form = ApiTokenForm(request.POST if request.POST.get("action") == "create" else None)
    issued = None
    if request.method == "POST" and request.POST.get("action") == "revoke":
        try:
            token = api_token_list(viewer=request.membership).get(
                pk=parse_id(request.POST.get("token"))
            )
        except ApiToken.DoesNotExist as error:
            raise Http404 from error
        services.api_token_revoke(actor=request.membership, token=token)
        messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
        return redirect("accounts:api_tokens")
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.api_token_create(
                membership=request.membership,
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "issued": issued,
            "tokens": api_token_list(viewer=request.membership)[:200],
            "sees_all": can(request.membership, Action.MANAGE_TEAM),
        },
    )
