"""Answers shared by pages: a page's script (fetch) gets JSON where a browser gets HTML."""

from django.http import HttpRequest, JsonResponse


def wants_json(request: HttpRequest) -> bool:
    """The request comes from a page's own script (it sends `X-Requested-With: fetch`)."""
    return request.headers.get("X-Requested-With") == "fetch"


def json_refusal(detail: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "detail": detail}, status=status)
