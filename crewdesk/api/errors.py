"""One JSON error shape for the whole API (DESIGN §6): `detail` always, `errors` on 422; the
error responses an operation declares; and how a service's refusal becomes a 409."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.log import log_response
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

NON_FIELD = "__all__"


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]]


class Conflict(Exception):
    """A request the rules forbid in the record's current state: answered with 409."""

    def __init__(self, detail: str, **extra) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


def error_responses(*codes: int) -> dict[int, type[Schema]]:
    """The error responses an operation declares in the OpenAPI schema."""
    return {code: ValidationErrorOut if code == 422 else ErrorOut for code in codes}


COMMON_ERRORS = error_responses(401, 403, 404, 422)
# Operations that change a record may find it in a state that forbids the change.
CONFLICT_ERRORS = {**COMMON_ERRORS, **error_responses(409)}
# Operations reading a JSON body also answer 400 to a body that is not JSON.
BODY_ERRORS = {**CONFLICT_ERRORS, **error_responses(400)}


# The services refuse a change the record's status forbids as an error on `status` (a form
# shows it there): in the API that is a conflict with the record's state, a 409.
STATUS_FIELDS = ("status",)

# The names the apps' api.py give an operation's JSON body (and a query schema).
BODY_NAMES = ("payload", "data", "filters")


@contextmanager
def refusal_is_conflict(
    *refusals: type[Exception], state_fields: tuple[str, ...] = ()
) -> Iterator[None]:
    """A service refusing an action as a whole is a conflict with the record's state (409):
    a ValidationError naming no field ("the primary contact cannot be deleted"), one naming
    only `state_fields` (billing refuses "only a draft is issued" on `status`, for its
    forms), or one of `refusals` (a status move the rules forbid). A field's error stays a 422."""
    try:
        yield
    except refusals as exc:
        raise Conflict(str(exc)) from exc
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict") and not (
            state_fields and exc.error_dict.keys() <= set(state_fields)
        ):
            raise
        raise Conflict(" ".join(str(m) for m in exc.messages)) from exc


def _ninja_errors(exc: NinjaValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        # loc is like ("body", "payload", "email") or ("query", "page"): keep the field name.
        loc = [str(part) for part in error.get("loc", ())]
        # A multipart upload's fields come as ("form", "kind") and ("file", "file").
        if loc and loc[0] in ("body", "query", "path", "form", "file"):
            loc = loc[1:]
        if loc and loc[0] in BODY_NAMES:
            # The body as a whole (none was sent, or not an object) is nobody's field.
            loc = loc[1:]
        field = ".".join(loc) or NON_FIELD
        message = str(error.get("msg", "Invalid value."))
        if field == NON_FIELD and error.get("type") == "missing":
            message = "Send a JSON object as the body."
        errors.setdefault(field, []).append(message)
    return errors


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, detail: str, **extra) -> HttpResponse:
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    @api.exception_handler(NinjaValidationError)
    def invalid_input(request, exc):
        return respond(request, 422, "Invalid input.", errors=_ninja_errors(exc))

    @api.exception_handler(DjangoValidationError)
    def invalid_by_rules(request, exc):
        if hasattr(exc, "error_dict"):
            errors = {
                field: [str(m) for e in errs for m in e.messages]
                for field, errs in exc.error_dict.items()
            }
        else:
            errors = {NON_FIELD: [str(m) for m in exc.messages]}
        return respond(request, 422, "Invalid input.", errors=errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        response = respond(request, 401, "Authentication required: send a valid bearer token.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return respond(request, 403, str(exc) or "You may not do this.")

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, "Not found.")

    @api.exception_handler(ObjectDoesNotExist)
    def object_not_found(request, exc):
        return respond(request, 404, "Not found.")

    @api.exception_handler(Conflict)
    def conflict(request, exc):
        return respond(request, 409, exc.detail, **exc.extra)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return respond(request, exc.status_code, str(exc))

    @api.exception_handler(Exception)
    def server_error(request, exc):
        # A bug: with DEBUG on let Django show its debug page; else log it and still answer JSON.
        if settings.DEBUG:
            raise exc
        got_request_exception.send(sender=None, request=request)
        response = respond(request, 500, "Server error.")
        log_response(
            "Internal Server Error: %s",
            request.path,
            response=response,
            request=request,
            exception=exc,
        )
        return response
