"""View decorators: who may open a page."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from crewdesk.core.permissions import can


def member_required(action: str) -> Callable:
    """The page needs a logged-in member whose role allows `action`."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if getattr(request, "membership", None) is None:
                return redirect_to_login(request.get_full_path())
            if not can(request.membership, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
