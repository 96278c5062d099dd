from ninja import Router, Status
from ninja.pagination import paginate

from crewdesk.accounts import services
from crewdesk.accounts.schemas import (
    ApiTokenCreatedOut,
    ApiTokenIn,
    ApiTokenOut,
    MemberOut,
    MeOut,
)
from crewdesk.accounts.selectors import api_token_list, member_get, member_list
from crewdesk.api.errors import COMMON_ERRORS, error_responses
from crewdesk.api.pagination import PageNumberPagination

router = Router(tags=["team"])


@router.get("/me", response={200: MeOut, **error_responses(401)})
def me(request):
    """The user this token acts as, their role and company."""
    m = request.membership
    return {
        "id": m.user.pk,
        "username": m.user.username,
        "email": m.user.email,
        "first_name": m.user.first_name,
        "last_name": m.user.last_name,
        "role": m.role,
        "company": m.company,
    }


@router.get("/members", response={200: list[MemberOut], **COMMON_ERRORS})
@paginate(PageNumberPagination)
def members(request):
    """The company's members (Owner and Office)."""
    return member_list(viewer=request.membership)


@router.get("/members/{member_id}", response={200: MemberOut, **COMMON_ERRORS})
def member(request, member_id: int):
    return member_get(viewer=request.membership, membership_id=member_id)


@router.get("/tokens", response={200: list[ApiTokenOut], **COMMON_ERRORS}, tags=["tokens"])
@paginate(PageNumberPagination)
def tokens(request):
    """API tokens: your own; an Owner sees all of the company's. Newest first."""
    return api_token_list(viewer=request.membership)


@router.post("/tokens", response={201: ApiTokenCreatedOut, **COMMON_ERRORS}, tags=["tokens"])
def token_create(request, payload: ApiTokenIn):
    """A new token acting as you, optionally expiring. `token` is shown only in this answer."""
    issued = services.api_token_create(
        membership=request.membership, name=payload.name, expires_at=payload.expires_at
    )
    issued.token.token = issued.raw  # for this answer only
    return Status(201, issued.token)


@router.post(
    "/tokens/{token_id}/revoke", response={200: ApiTokenOut, **COMMON_ERRORS}, tags=["tokens"]
)
def token_revoke(request, token_id: int):
    """Revoke a token at once (your own; an Owner, any of the company's). Revoking the token
    this request uses is allowed: it is the last request it makes."""
    token = api_token_list(viewer=request.membership).get(pk=token_id)
    return services.api_token_revoke(actor=request.membership, token=token)
