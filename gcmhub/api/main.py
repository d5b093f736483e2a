"""The `/api/v1/` NinjaAPI: routers per context, JSON errors, token auth, a server-rendered docs page."""

import functools

from django.http import HttpRequest
from django.urls import reverse
from ninja import NinjaAPI

from gcmhub.api import consultations, knowledge, taxonomy, workplan
from gcmhub.api.auth import public_auth
from gcmhub.api.docs import ReferenceDocs
from gcmhub.api.errors import install_error_handlers
from gcmhub.api.parser import JsonParser
from gcmhub.api.schemas.common import ApiIndex, Error, ValidationErrorOut
from gcmhub.lib.i18n import LANGUAGE_CODES

DESCRIPTION = """\
The work plan of the UN Network on Migration, the Hub's resources, practices and calls for
practices, and the reference data of the Global Compact for Migration (objectives, guiding
principles, thematic areas, countries, organisations).

* Reading is public. Writing needs a personal API token sent as `Authorization: Bearer <token>`;
  session cookies are ignored.
* Lists answer `{count, items}` and take `limit` (default 50, at most 500) and `offset`.
* Texts come in the requested language (`?lang=fr`, or the `Accept-Language` header; English by
  default) and in all three languages (`names`, `texts`...).
* Errors are JSON objects with a `detail` message; validation errors (400) add `errors`, a map of
  field name to messages. Every operation lists the errors it can answer.
* Writes never undo someone else's change: a single object's `GET` answers an `ETag`; send it
  back in `If-Match`. It is required to edit (`PATCH`: 428 without it) and optional to append
  (status updates, notes); 412 answers the current version when the object changed since.
* `GET /api/v1/` answers an index: the version and the address of every list, of this document and
  of the reference page.
"""

LANG_PARAMETER = {
    "in": "query",
    "name": "lang",
    "required": False,
    "description": "Language of texts and messages; the Accept-Language header otherwise.",
    "schema": {"type": "string", "enum": list(LANGUAGE_CODES)},
}


def _error_response(description: str, schema: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def error_responses(path: str, operation: dict) -> dict[str, dict]:
    """The errors an operation can answer besides those its endpoint declares:

    - 400 everywhere: an unknown `lang`, a NUL character or a malformed value in any parameter;
    - 404 where the path names an object;
    - 401 and 403 where a token is required (reads accept a token but never need one);
    - 413 where a body is sent: over `DATA_UPLOAD_MAX_MEMORY_SIZE`;
    - 415 where a body is sent with a `Content-Type` other than JSON.
    """
    responses = {
        "400": _error_response("Invalid input: `errors` maps each field to its messages.", "ValidationErrorOut")
    }
    if "{" in path:
        responses["404"] = _error_response("Not found.", "Error")
    security = operation.get("security") or []
    if security and not any("AllowAnonymous" in requirement for requirement in security):
        responses["401"] = _error_response("No API token, or an invalid or revoked one.", "Error")
        responses["403"] = _error_response("The token's account is not allowed to do this.", "Error")
    if "requestBody" in operation:
        responses["413"] = _error_response("The request body is too large.", "Error")
        responses["415"] = _error_response("The body is not sent as JSON (`Content-Type: application/json`).", "Error")
    return responses


class GcmhubAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Document what `gcmhub.api.urls` and the error handlers do on every path: the `lang`
        parameter, and the errors each operation can answer."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, model in (("Error", Error), ("ValidationErrorOut", ValidationErrorOut)):
            components.setdefault(name, model.model_json_schema(ref_template="#/components/schemas/{model}"))
        for path, operations in schema.get("paths", {}).items():
            for operation in operations.values():
                params = operation.setdefault("parameters", [])
                if not any(p.get("name") == "lang" for p in params):
                    params.append(dict(LANG_PARAMETER))
                responses = {str(status): response for status, response in operation.get("responses", {}).items()}
                for status, response in error_responses(path, operation).items():
                    responses.setdefault(status, response)
                operation["responses"] = dict(sorted(responses.items()))
        return schema


api = GcmhubAPI(
    title="gcmhub API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs=ReferenceDocs(),
    docs_url="/docs",
    auth=public_auth,
    parser=JsonParser(),
)
install_error_handlers(api)


@functools.cache
def _lists(path_prefix: str) -> list[tuple[str, str, str]]:
    """(name, summary, path) of every list (a GET without path parameters), in document order."""
    schema = api.get_openapi_schema(path_prefix=path_prefix)
    found = []
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get and "{" not in path and path != path_prefix:
            found.append((path.removeprefix(path_prefix).strip("/"), get.get("summary", ""), path))
    return found


@api.get("/", response=ApiIndex, summary="The API's index: version and the address of every list", tags=["API"])
def index(request: HttpRequest):
    prefix = reverse("api-v1:api-root")
    return {
        "title": api.title,
        "version": api.version,
        "openapi": request.build_absolute_uri(reverse("api-v1:openapi-json")),
        "docs": request.build_absolute_uri(reverse("api-v1:openapi-view")),
        "resources": [
            {"name": name, "summary": summary, "url": request.build_absolute_uri(path)}
            for name, summary, path in _lists(prefix)
        ],
    }


api.add_router("", taxonomy.router)
api.add_router("", workplan.router)
api.add_router("", knowledge.router)
api.add_router("", consultations.router)
