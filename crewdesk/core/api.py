from datetime import datetime
from typing import Any

from ninja import Router, Schema
from ninja.pagination import paginate

from crewdesk.api.errors import COMMON_ERRORS
from crewdesk.api.pagination import PageNumberPagination
from crewdesk.core.activity_text import activity_sentence
from crewdesk.core.selectors import activity_list

router = Router(tags=["activity"])


class ActivityOut(Schema):
    id: int
    verb: str
    text: str
    actor: int | None
    target_type: str | None
    target_id: int | None
    data: dict[str, Any]
    created_at: datetime

    @staticmethod
    def resolve_text(obj) -> str:
        return activity_sentence(obj)

    @staticmethod
    def resolve_actor(obj) -> int | None:
        return obj.actor_id

    @staticmethod
    def resolve_target_type(obj) -> str | None:
        return obj.target_type.model if obj.target_type_id else None


@router.get("/activity", response={200: list[ActivityOut], **COMMON_ERRORS})
@paginate(PageNumberPagination)
def activity(request):
    """The company's activity log, newest first (Owner and Office)."""
    return activity_list(viewer=request.membership)


@router.get("/activity/{activity_id}", response={200: ActivityOut, **COMMON_ERRORS})
def activity_detail(request, activity_id: int):
    return activity_list(viewer=request.membership).get(pk=activity_id)
