"""Bearer-token authentication: a token acts as its user in its company."""

from django.http import HttpRequest
from ninja.security import HttpBearer

from crewdesk.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        found = api_token_authenticate(token)
        if found is None:
            return None
        api_token, membership = found
        request.user = membership.user
        request.membership = membership
        request.company = membership.company
        return api_token
