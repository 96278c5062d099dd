"""View decorators: who may open a page."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from crewdesk.core.navigation import home_url
from crewdesk.core.permissions import can


def member_required(action: str, *, others_go_home: bool = False) -> Callable:
    """The page needs a logged-in member whose role allows `action`. A member whose role does
    not is refused (the 403 page), or with `others_go_home` (a front door, such as the office
    app's /app/) sent to their own home: a customer to the portal."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            membership = getattr(request, "membership", None)
            if membership is None:
                return redirect_to_login(request.get_full_path())
            if not can(membership, action):
                home = home_url(membership)
                if others_go_home and home != request.path:
                    return redirect(home)
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
