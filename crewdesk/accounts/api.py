from ninja import Router
from ninja.pagination import paginate

from crewdesk.accounts.schemas import MemberOut, MeOut
from crewdesk.accounts.selectors import member_get, member_list
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
