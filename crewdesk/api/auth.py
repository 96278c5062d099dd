"""Bearer-token authentication: a token acts as its user in its company."""

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from crewdesk.accounts.models import Membership
from crewdesk.accounts.services import api_token_authenticate
from crewdesk.core.dates import company_zone
from crewdesk.core.permissions import require


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = api_token_authenticate(raw=token)
        if found is None:
            return None
        api_token, membership = found
        request.user = membership.user
        request.membership = membership
        request.company = membership.company
        # As for pages (accounts.middleware): "today" is the company's day.
        timezone.activate(company_zone(membership.company))
        return api_token


def acting_member(request: HttpRequest, action: str) -> Membership:
    """The token's membership, once its role may do `action`: a 403 comes before any id in the
    path is looked at, so an unknown id answers the same as a real one."""
    require(request.membership, action)
    return request.membership
