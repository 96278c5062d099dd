"""The client's portal logins, given from its profile. The customer's own pages are the
portal app's; the login itself is accounts' (portal_login_create)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crewdesk.accounts.services import portal_login_create
from crewdesk.clients.models import Client
from crewdesk.clients.views.profile import client_page
from crewdesk.core.permissions import Action


@require_POST
@client_page(Action.EDIT_RECORDS)
def portal_login_new(request: HttpRequest, client: Client) -> HttpResponse:
    try:
        membership = portal_login_create(
            actor=request.membership, client=client, email=request.POST.get("email", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(email)s can log in to the portal as %(username)s: we emailed them how.")
            % {"email": membership.user.email, "username": membership.user.username},
        )
    return redirect(reverse("clients:detail", args=[client.pk]))


urlpatterns = [
    path("<int:client_id>/portal-logins/new/", portal_login_new, name="portal_login_new"),
]
