"""The API reference at `/api/v1/docs`: rendered on the server from the OpenAPI document, without
JavaScript, so that it passes axe, works with the keyboard and is translated like every other page.

The schema (summaries, descriptions, field names) is English; the template marks it `lang="en"` when
the page is shown in another language."""

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja.openapi.docs import DocsBase

# Tags are English in the schema; the reference shows them in the page language.
TAG_TITLES = {
    "GCM reference data": _("GCM reference data"),
    "Work plan": _("Work plan"),
    "Hub": _("Hub"),
    "Discussions": _("Discussions"),
}

LOCATIONS = {
    "path": _("path"),
    "query": _("query"),
    "header": _("header"),
}

# Values that exist in the reference data and the seed work plan, so that the curl examples work.
PATH_EXAMPLES = {"iso3": "MAR", "code": "a", "number": "1", "id": "1"}
SLUG_EXAMPLES = {"organisations": "iom", "workplans": "2021-2022"}
BODY_EXAMPLES = {"organisation": "iom", "narrative": "Two regional workshops held; the report is online."}


ERROR_STATUSES = ("400", "401", "403", "404", "405", "413")


def inline_code(text: str) -> SafeString:
    """Schema text with its Markdown `code` spans as <code> (the only Markdown the schema uses)."""
    # Safe: the text is escaped before the only markup, our own <code> tags, goes in.
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(text)))


def status_meaning(code: str) -> str:
    """What a status code means for a client of this API, in the active language."""
    meanings = {
        "200": gettext("Success."),
        "201": gettext("Created."),
        "400": gettext("Invalid input: the response lists the messages for each field in errors."),
        "401": gettext("No API token, or an invalid or revoked one."),
        "403": gettext("Your account is not allowed to do this."),
        "404": gettext("Not found."),
        "405": gettext("This method is not allowed at this address."),
        "413": gettext("The request body is larger than the server accepts."),
    }
    return meanings.get(code, "")


@dataclass
class Field:
    name: str
    type: str
    required: bool = False
    description: str = ""
    enum: list[str] = field(default_factory=list)
    default: str = ""
    minimum: str = ""
    maximum: str = ""
    max_length: int | None = None
    max_items: int | None = None
    children: list["Field"] = field(default_factory=list)
    children_type: str = ""


@dataclass
class Parameter:
    name: str
    location: str
    location_label: str
    type: str
    required: bool
    description: str
    enum: list[str]
    default: str
    minimum: str
    maximum: str
    max_length: int | None
    max_items: int | None


@dataclass
class Response:
    status: str
    meaning: str
    description: str
    schema_name: str


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    needs_token: bool
    parameters: list[Parameter]
    body_fields: list[Field]
    body_schema_name: str
    responses: list[Response]
    response_fields: list[Field]
    response_schema_name: str
    curl: str


@dataclass
class Group:
    anchor: str
    title: str
    title_is_english: bool
    operations: list[Operation]


class Reference:
    """Reads an OpenAPI document with its `#/components/schemas` references."""

    def __init__(self, schema: dict[str, Any]):
        self.schema = schema
        self.components = schema.get("components", {}).get("schemas", {})

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        ref = node.get("$ref")
        if ref:
            return self.components.get(ref.rsplit("/", 1)[-1], {})
        return node

    @staticmethod
    def ref_name(node: dict[str, Any]) -> str:
        ref = node.get("$ref", "")
        return ref.rsplit("/", 1)[-1] if ref else ""

    def type_label(self, node: dict[str, Any]) -> str:
        """A compact, language-neutral type: `integer | null`, `array[OrganisationRef]`, `string (date)`."""
        if "$ref" in node:
            return self.ref_name(node)
        if "anyOf" in node:
            return " | ".join(self.type_label(member) for member in node["anyOf"])
        kind = node.get("type", "")
        if kind == "array":
            return f"array[{self.type_label(node.get('items', {}))}]"
        if kind == "object" and isinstance(node.get("additionalProperties"), dict):
            return f"object[string, {self.type_label(node['additionalProperties'])}]"
        if node.get("format"):
            return f"{kind} ({node['format']})"
        return kind or "any"

    @staticmethod
    def facts(node: dict[str, Any]) -> dict[str, Any]:
        """Enum values and limits of a schema, looking inside `anyOf` (nullable values)."""
        members = [node, *node.get("anyOf", [])]
        result: dict[str, Any] = {
            "enum": [],
            "default": "",
            "minimum": "",
            "maximum": "",
            "max_length": None,
            "max_items": None,
        }
        for member in members:
            if member.get("enum"):
                result["enum"] = [str(value) for value in member["enum"]]
            for key, name in (("minimum", "minimum"), ("maximum", "maximum")):
                if key in member:
                    result[name] = str(member[key])
            for key, name in (("maxLength", "max_length"), ("maxItems", "max_items")):
                if key in member:
                    result[name] = int(member[key])
        if "default" in node and node["default"] not in (None, ""):
            result["default"] = json.dumps(node["default"])
        return result

    def nested_object(self, node: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The referenced object a property holds (directly, in a list or when nullable), if any."""
        candidates = [node, *node.get("anyOf", [])]
        for candidate in candidates:
            if candidate.get("type") == "array":
                candidate = candidate.get("items", {})
            target = self.resolve(candidate)
            if "$ref" in candidate and target.get("properties"):
                return self.ref_name(candidate), target
        return "", {}

    def fields(self, node: dict[str, Any], depth: int = 1) -> list[Field]:
        """The properties of an object schema; referenced objects are expanded `depth` levels."""
        obj = self.resolve(node)
        required = set(obj.get("required", []))
        result = []
        for name, prop in obj.get("properties", {}).items():
            item = Field(
                name=name,
                type=self.type_label(prop),
                required=name in required,
                description=inline_code(prop.get("description", "") or self.resolve(prop).get("description", "")),
                **self.facts(prop),
            )
            if depth > 0:
                item.children_type, target = self.nested_object(prop)
                if target:
                    item.children = self.fields(target, depth - 1)
            result.append(item)
        return result

    def parameters(self, operation: dict[str, Any]) -> list[Parameter]:
        result = []
        for param in operation.get("parameters", []):
            schema = param.get("schema", {})
            facts = self.facts(schema)
            result.append(
                Parameter(
                    name=param["name"],
                    location=param["in"],
                    location_label=str(LOCATIONS.get(param["in"], param["in"])),
                    type=self.type_label(schema),
                    required=bool(param.get("required")),
                    description=inline_code(param.get("description") or schema.get("description", "")),
                    enum=facts["enum"],
                    default=facts["default"],
                    minimum=facts["minimum"],
                    maximum=facts["maximum"],
                    max_length=facts["max_length"],
                    max_items=facts["max_items"],
                )
            )
        return result

    def example_value(self, node: dict[str, Any], name: str = "") -> Any:
        node = self.resolve(node)
        if name in BODY_EXAMPLES:
            return BODY_EXAMPLES[name]
        if "anyOf" in node:
            non_null = [member for member in node["anyOf"] if member.get("type") != "null"]
            return self.example_value(non_null[0], name) if non_null else None
        if node.get("enum"):
            return node["enum"][min(1, len(node["enum"]) - 1)]
        kind = node.get("type")
        if kind == "integer":
            return max(int(node.get("minimum", 0)), min(50, int(node.get("maximum", 50))))
        if kind == "boolean":
            return True
        if kind == "array":
            return [self.example_value(node.get("items", {}), name)]
        if kind == "object":
            return {key: self.example_value(prop, key) for key, prop in node.get("properties", {}).items()}
        if node.get("format") == "uri" or "link" in name:
            return "https://example.org/report"
        return "…"

    def request_body_schema(self, operation: dict[str, Any]) -> dict[str, Any]:
        content = operation.get("requestBody", {}).get("content", {})
        return content.get("application/json", {}).get("schema", {})

    @staticmethod
    def response_schema(response: dict[str, Any]) -> dict[str, Any]:
        return response.get("content", {}).get("application/json", {}).get("schema", {})


def example_path(path: str, parameters: list[Parameter]) -> str:
    collection = path.removeprefix("/api/v1/").split("/", 1)[0]
    for param in parameters:
        if param.location == "path":
            value = (
                SLUG_EXAMPLES.get(collection, "example")
                if param.name == "slug"
                else PATH_EXAMPLES.get(param.name, "1" if param.type == "integer" else "example")
            )
            path = path.replace("{" + param.name + "}", value)
    return path


def curl_command(
    ref: Reference,
    request: HttpRequest,
    method: str,
    path: str,
    operation: dict[str, Any],
    parameters: list[Parameter],
    needs_token: bool,
    lang: str,
) -> str:
    url = request.build_absolute_uri(example_path(path, parameters))
    if lang != "en":
        url += f"?lang={lang}"
    lines = ["curl"]
    if method != "GET":
        lines[0] += f" -X {method}"
    lines[0] += f" {shlex.quote(url)}"
    if needs_token:
        lines.append("-H 'Authorization: Bearer <token>'")
    body = ref.request_body_schema(operation)
    if body:
        lines.append("-H 'Content-Type: application/json'")
        example = ref.example_value(body)
        lines.append(f"-d {shlex.quote(json.dumps(example, ensure_ascii=False))}")
    return " \\\n  ".join(lines)


def build_operation(
    ref: Reference, request: HttpRequest, method: str, path: str, operation: dict[str, Any], lang: str
) -> Operation:
    parameters = ref.parameters(operation)
    security = operation.get("security", [])
    needs_token = bool(security) and not any("AllowAnonymous" in item for item in security)
    responses = []
    response_fields: list[Field] = []
    response_schema_name = ""
    for code, response in operation.get("responses", {}).items():
        status = str(code)  # an int in the schema ninja builds, a string once through JSON
        body = ref.response_schema(response)
        responses.append(
            Response(
                status=status,
                meaning=status_meaning(status),
                description=response.get("description", ""),
                schema_name=(ref.ref_name(body) or ref.type_label(body)) if body else "",
            )
        )
        if status.startswith("2") and body and not response_fields:
            response_fields = ref.fields(body)
            response_schema_name = ref.ref_name(body)
    body_schema = ref.request_body_schema(operation)
    operation_id = operation.get("operationId") or f"{method}-{path}"
    return Operation(
        anchor=f"op-{slugify(operation_id.removeprefix('gcmhub_api_').replace('_', '-'))}",
        method=method.upper(),
        path=path,
        summary=inline_code(operation.get("summary", "")),
        description=inline_code(operation.get("description", "")),
        needs_token=needs_token,
        parameters=parameters,
        body_fields=ref.fields(body_schema) if body_schema else [],
        body_schema_name=ref.ref_name(body_schema),
        responses=responses,
        response_fields=response_fields,
        response_schema_name=response_schema_name,
        curl=curl_command(ref, request, method.upper(), path, operation, parameters, needs_token, lang),
    )


def build_groups(schema: dict[str, Any], request: HttpRequest, lang: str) -> list[Group]:
    """The operations of the schema grouped by their first tag, in schema order."""
    ref = Reference(schema)
    groups: dict[str, Group] = {}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            tag = (operation.get("tags") or ["Other"])[0]
            if tag not in groups:
                groups[tag] = Group(
                    anchor=f"tag-{slugify(tag)}",
                    title=str(TAG_TITLES.get(tag, tag)),
                    title_is_english=tag not in TAG_TITLES,
                    operations=[],
                )
            groups[tag].operations.append(build_operation(ref, request, method, path, operation, lang))
    return list(groups.values())


class ReferenceDocs(DocsBase):
    """The ninja docs page, replaced by our own template (no Swagger UI, no JavaScript)."""

    def __init__(self) -> None:
        self._schema: dict[str, Any] | None = None

    def get_schema(self, api) -> dict[str, Any]:
        """The OpenAPI document in English, built once per process (about 45 ms)."""
        if self._schema is None:
            with translation.override("en"):
                self._schema = api.get_openapi_schema()
        return self._schema

    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        lang = translation.get_language() or "en"
        lang = lang.split("-")[0]
        context = {
            "api": api,
            "openapi_url": self.get_openapi_url(api, kwargs),
            "docs_path": request.path,
            "groups": build_groups(self.get_schema(api), request, lang),
            "mark_english": lang != "en",
            "error_statuses": [(code, status_meaning(code)) for code in ERROR_STATUSES],
        }
        return render(request, "api/docs.html", context)
