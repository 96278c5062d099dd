"""Login with a username and an emailed code; the team page; the user's own sessions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from crewdesk.accounts import services
from crewdesk.accounts.forms import CodeForm, InviteForm, RoleForm, UsernameForm
from crewdesk.accounts.models import Membership, UserSession
from crewdesk.accounts.selectors import member_get, member_list, user_session_list
from crewdesk.core.decorators import member_required
from crewdesk.core.forms import form_add_service_error
from crewdesk.core.navigation import safe_next
from crewdesk.core.permissions import Action, can
from crewdesk.core.roles import Role

PENDING_USERNAME = "login_pending_username"
NEXT_URL = "login_next"
MSG_CODE_SENT = gettext_lazy(
    "If %(username)s is a Crewdesk user, we have emailed them a 6-digit code."
)
MSG_THROTTLED = gettext_lazy("Too many login attempts. Wait a few minutes and try again.")
MSG_BAD_CODE = gettext_lazy(
    "That code is not valid. Check the latest email, or ask for a new code."
)


def home_url_for(membership: Membership | None) -> str:
    if membership is not None and membership.role == Role.CUSTOMER:
        return reverse("portal:home")
    return reverse("core:home")


@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Step 1: the username. The answer is the same whether or not it exists."""
    if getattr(request, "membership", None) is not None:
        return redirect(home_url_for(request.membership))
    form = UsernameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        outcome = services.login_code_request(
            username=username, address=services.client_address(request)
        )
        if outcome is services.CodeRequestOutcome.THROTTLED:
            form.add_error(None, MSG_THROTTLED)
        else:
            request.session[PENDING_USERNAME] = username
            request.session[NEXT_URL] = safe_next(request, request.GET.get("next"))
            return redirect("accounts:login_code")
    return render(request, "accounts/login.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Step 2: the code from the email."""
    username = request.session.get(PENDING_USERNAME)
    if not username:
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.login_code_verify(
            username=username,
            code=form.cleaned_data["code"],
            address=services.client_address(request),
        )
        if user is None:
            form.add_error("code", MSG_BAD_CODE)
        else:
            next_url = request.session.get(NEXT_URL)
            try:
                membership = services.session_start(request, user=user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(safe_next(request, next_url) or home_url_for(membership))
    return render(
        request,
        "accounts/login_code.html",
        {
            "form": form,
            "username": username,
            "sent_message": MSG_CODE_SENT % {"username": username},
        },
    )


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    services.session_end(request)
    messages.info(request, _("You are logged out."))
    return redirect("accounts:login")


@member_required(Action.VIEW_OFFICE_APP)
@require_POST
def switch_company(request: HttpRequest) -> HttpResponse:
    try:
        membership = services.company_switch(request, company_id=int(request.POST["company"]))
    except (KeyError, ValueError, Membership.DoesNotExist) as error:
        raise Http404 from error
    messages.success(
        request, _("You are now working in %(company)s.") % {"company": membership.company.name}
    )
    return redirect(home_url_for(membership))


def _login_required(view):
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if getattr(request, "membership", None) is None:
            from django.contrib.auth.views import redirect_to_login

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
                services.user_session_end(user=request.user, session_id=int(request.POST["end"]))
            except (KeyError, ValueError, UserSession.DoesNotExist) as error:
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
    return render(
        request,
        "accounts/team.html",
        {
            "members": member_list(viewer=request.membership),
            "can_manage": can(request.membership, Action.MANAGE_TEAM),
        },
    )


@member_required(Action.MANAGE_TEAM)
@require_http_methods(["GET", "POST"])
def team_invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.member_invite(actor=request.membership, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": membership.user.email},
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
    form = RoleForm(request.POST or None, initial={"role": member.role})
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
            if form.is_valid():
                services.member_change_role(
                    actor=request.membership, membership=member, role=form.cleaned_data["role"]
                )
                messages.success(request, _("Role saved."))
                return redirect("accounts:team")
        except ValidationError as error:
            form_add_service_error(form, error)
    return render(request, "accounts/team_member.html", {"member": member, "form": form})
