"""The `/api/v1/` NinjaAPI: routers per context, JSON errors, token auth, a server-rendered docs page."""

from ninja import NinjaAPI

from gcmhub.api import knowledge, taxonomy, workplan
from gcmhub.api.auth import public_auth
from gcmhub.api.docs import ReferenceDocs
from gcmhub.api.errors import install_error_handlers
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
  field name to messages.
* Writes never undo someone else's change: a single object's `GET` answers an `ETag`; send it
  back in `If-Match`. It is required to edit (`PATCH`: 428 without it) and optional to append
  (status updates, notes); 412 answers the current version when the object changed since.
"""

LANG_PARAMETER = {
    "in": "query",
    "name": "lang",
    "required": False,
    "description": "Language of texts and messages; the Accept-Language header otherwise.",
    "schema": {"type": "string", "enum": list(LANGUAGE_CODES)},
}


class GcmhubAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Document the `lang` parameter that `gcmhub.api.urls.with_language` handles on every path."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                params = operation.setdefault("parameters", [])
                if not any(p.get("name") == "lang" for p in params):
                    params.append(dict(LANG_PARAMETER))
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
)
install_error_handlers(api)
api.add_router("", taxonomy.router)
api.add_router("", workplan.router)
api.add_router("", knowledge.router)
