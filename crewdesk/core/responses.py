"""Answers shared by pages and the API: a page's script (fetch) gets JSON where a browser gets
HTML, and a private file is served with the same headers wherever it is asked for."""

import io
from collections.abc import Iterable

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, JsonResponse, StreamingHttpResponse

from crewdesk.core.uploads import IMAGE_FORMATS, PDF_CONTENT_TYPE

PRIVATE = "private, no-store"
# The only content types a stored file is served as; anything else (a file kept before the
# upload check existed) is plain bytes, downloaded.
SERVED_TYPES = {content_type for content_type, _ in IMAGE_FORMATS.values()} | {PDF_CONTENT_TYPE}
# Even if a file were ever taken for a page, it runs no script and reaches no cookie, and no
# other site may embed it.
PRIVATE_FILE_CSP = "sandbox; default-src 'none'; img-src 'self'"


def wants_json(request: HttpRequest) -> bool:
    """The request comes from a page's own script (it sends `X-Requested-With: fetch`)."""
    return request.headers.get("X-Requested-With") == "fetch"


def json_refusal(detail: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "detail": detail}, status=status)


def private_file_response(
    field: FieldFile, *, name: str, content_type: str, inline: bool, cache: str = PRIVATE
) -> FileResponse:
    """A private file's bytes (a job's photo, a note's document...), for a view that has
    checked permission: a picture shown inline, anything else a download named `name`.
    Raises Http404 when the file is missing."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except (FileNotFoundError, OSError, ValueError) as error:
        raise Http404 from error
    if content_type not in SERVED_TYPES:
        content_type, inline = "application/octet-stream", False
    return _private_headers(
        FileResponse(handle, as_attachment=not inline, filename=name, content_type=content_type),
        cache,
    )


def private_bytes_response(
    data: bytes, *, name: str, content_type: str, inline: bool = False, cache: str = PRIVATE
) -> FileResponse:
    """A file made for this request (an invoice's PDF), with the headers of a private file:
    for a view that has checked permission."""
    if content_type not in SERVED_TYPES:
        content_type, inline = "application/octet-stream", False
    return _private_headers(
        FileResponse(
            io.BytesIO(data), as_attachment=not inline, filename=name, content_type=content_type
        ),
        cache,
    )


def _private_headers(response: FileResponse, cache: str) -> FileResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = cache
    response["Content-Security-Policy"] = PRIVATE_FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def csv_response(chunks: Iterable[str], *, filename: str) -> StreamingHttpResponse:
    """A CSV export streamed as it is written (chunks of lines), downloaded as `filename`."""
    response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
