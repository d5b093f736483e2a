"""Every API error is a JSON object with a translated `detail`; validation errors add
`errors`, a dict of field name -> list of messages, like a Django form's `errors`."""

import functools
import logging

import ninja.errors
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI

logger = logging.getLogger(__name__)

NON_FIELD_ERRORS = "__all__"


class UnsupportedMediaType(Exception):
    """The request body is not sent as JSON (raised by `gcmhub.api.parser`): a 415."""


def is_json(content_type: str) -> bool:
    """Whether a `Content-Type` header names JSON: `application/json` or an `application/*+json`."""
    main = content_type.split(";", 1)[0].strip().lower()
    return main == "application/json" or (main.startswith("application/") and main.endswith("+json"))


class ApiValidationError(Exception):
    """Raise from an endpoint to answer 400 with per-field messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(errors)


def error_response(status: int, detail: str, **extra) -> JsonResponse:
    return JsonResponse({"detail": detail, **extra}, status=status, content_type="application/json; charset=utf-8")


def validation_error_response(errors: dict[str, list[str]]) -> JsonResponse:
    return error_response(400, gettext("The data sent is not valid."), errors=errors)


def not_found_response() -> JsonResponse:
    return error_response(404, gettext("Not found."))


def status_detail(status: int) -> str:
    """The `detail` of an error answered by the platform rather than an endpoint (a middleware,
    Django itself), in the active language."""
    details = {
        400: gettext("The request is not valid."),
        401: gettext("Authentication credentials were not provided or are invalid."),
        403: gettext("You do not have permission to perform this action."),
        404: gettext("Not found."),
        405: gettext("Method not allowed."),
        409: gettext("The request conflicts with the current state of this item."),
        412: gettext("This item has changed since you read it."),
        413: gettext("The request body is too large."),
        415: gettext("Send the request body as JSON, with the header Content-Type: application/json."),
        428: gettext("Send the If-Match header with the ETag of the version you read."),
        429: gettext("Too many requests. Try again later."),
    }
    if status in details:
        return details[status]
    return gettext("Server error. The error has been logged.") if status >= 500 else gettext("The request failed.")


def _field_name(loc: tuple) -> str:
    """('body', 'payload', 'status') -> 'status'; ('query', 'limit') -> 'limit'."""
    parts = [p for p in loc[1:] if isinstance(p, str)]
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]  # drop the name of the body parameter
    elif loc and loc[0] == "body" and parts == ["payload"]:
        parts = []
    return parts[0] if parts else NON_FIELD_ERRORS


def _message(error: dict) -> str:
    """A translated message for one pydantic error. Reuses Django's own form messages, which
    are already translated into French and Spanish."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return gettext("This field is required.")
    if kind == "extra_forbidden":
        return gettext("This field is not allowed.")
    if kind in ("enum", "literal_error"):
        return gettext("Select a valid choice. That choice is not one of the available choices.")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return gettext("Enter a whole number.")
    if kind in ("bool_type", "bool_parsing"):
        return gettext("Enter true or false.")
    if kind in ("string_type",):
        return gettext("Enter a text.")
    if kind in ("list_type",):
        return gettext("Enter a list.")
    if kind in ("less_than_equal", "less_than"):
        return gettext("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("le", ctx.get("lt", "")),
        }
    if kind in ("greater_than_equal", "greater_than"):
        return gettext("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("ge", ctx.get("gt", "")),
        }
    if kind == "string_too_long":
        return gettext("Ensure this value has at most %(limit_value)s characters.") % {
            "limit_value": ctx.get("max_length", ""),
        }
    if kind == "too_long":
        return gettext("Ensure this list has at most %(limit_value)s items.") % {
            "limit_value": ctx.get("max_length", ""),
        }
    if kind in ("json_invalid", "model_attributes_type", "model_type", "dict_type"):
        return gettext("Send a JSON object.")
    return gettext("Enter a valid value.")


def errors_from_pydantic(errors: list[dict]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for error in errors:
        messages = result.setdefault(_field_name(tuple(error.get("loc", ()))), [])
        message = _message(error)
        if message not in messages:
            messages.append(message)
    return result


def errors_from_django(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {NON_FIELD_ERRORS: list(exc.messages)}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ninja.errors.ValidationError)
    def schema_error(request: HttpRequest, exc: ninja.errors.ValidationError) -> HttpResponse:
        return validation_error_response(errors_from_pydantic(exc.errors))

    @api.exception_handler(ApiValidationError)
    def api_validation_error(request: HttpRequest, exc: ApiValidationError) -> HttpResponse:
        return validation_error_response(exc.errors)

    @api.exception_handler(DjangoValidationError)
    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return validation_error_response(errors_from_django(exc))

    @api.exception_handler(ninja.errors.AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        response = error_response(401, gettext("Authentication credentials were not provided or are invalid."))
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(ninja.errors.AuthorizationError)
    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(403, gettext("You do not have permission to perform this action."))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return not_found_response()

    @api.exception_handler(ninja.errors.HttpError)
    def http_error(request: HttpRequest, exc: ninja.errors.HttpError) -> HttpResponse:
        # Ninja wraps whatever the body parser raised (gcmhub.api.parser) in "Cannot parse request body".
        if isinstance(exc.__cause__, ApiValidationError):
            return validation_error_response(exc.__cause__.errors)
        if isinstance(exc.__cause__, RequestDataTooBig):
            return error_response(413, status_detail(413))
        if isinstance(exc.__cause__, UnsupportedMediaType):
            return error_response(415, status_detail(415))
        if exc.status_code == 400:
            return validation_error_response({NON_FIELD_ERRORS: [gettext("Send a JSON object.")]})
        return error_response(exc.status_code, str(exc))

    @api.exception_handler(RawPostDataException)
    def body_already_read(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A form or multipart body was read as form data before the endpoint asked for it.
        if not is_json(request.META.get("CONTENT_TYPE", "")):
            return error_response(415, status_detail(415))
        return validation_error_response({NON_FIELD_ERRORS: [gettext("Send a JSON object.")]})

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
        return error_response(413, status_detail(413))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path)
        return error_response(500, gettext("Server error. The error has been logged."))


def json_method_not_allowed(view):
    """Ninja answers a wrong method with a plain-text 405; answer with a JSON object instead."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith("application/json"):
            allow = response.get("Allow", "")
            response = error_response(405, gettext("Method not allowed."))
            response["Allow"] = allow
        return response

    return wrapper


@csrf_exempt  # a POST to an unknown path is a 404, not Django's HTML CSRF page
def api_not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any URL under /api/v1/ that no endpoint serves."""
    return not_found_response()
