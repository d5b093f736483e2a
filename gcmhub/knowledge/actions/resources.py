"""Writes of the Hub's library: proposals, the Hub team's decisions and CMS status changes. Every
status change is a `ResourceEvent`; e-mails leave after the commit, through the task worker
(`gcmhub.knowledge.tasks`). The actions take cleaned values, so the page and the API share them.
"""

import dataclasses
import datetime
from typing import TYPE_CHECKING, Any, Self

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub.accounts.models import User
from gcmhub.knowledge import tasks
from gcmhub.knowledge.models import GeographicScope, Resource, ResourceEvent, ResourceFile
from gcmhub.lib.concurrency import claim
from gcmhub.lib.i18n import LANGUAGE_CODES, Language, translated_names

RESOURCE_FIELDS = (
    "kind",
    "source_language",
    *translated_names("title"),
    *translated_names("summary"),
    "external_url",
    "publication_date",
    "languages",
    "geographic_scope",
    "is_general",
    "thematic_area",
    "audiences",
    "output_of_priority",
    "output_of_activity",
)
RESOURCE_M2M = ("publishers", "countries", "regions", "objectives", "principles")


@dataclasses.dataclass
class _ResourceValues:
    """A proposed resource, typed; references are model instances (lists for many-to-many). The
    title and summary in each language (`title_en`, `summary_fr` …) are added below."""

    kind: str
    source_language: str
    external_url: str = ""
    publication_date: datetime.date | None = None
    languages: list = dataclasses.field(default_factory=list)
    geographic_scope: str = GeographicScope.GLOBAL
    is_general: bool = False
    thematic_area: object = None
    audiences: list = dataclasses.field(default_factory=list)
    output_of_priority: object = None
    output_of_activity: object = None
    publishers: list = dataclasses.field(default_factory=list)
    countries: list = dataclasses.field(default_factory=list)
    regions: list = dataclasses.field(default_factory=list)
    objectives: list = dataclasses.field(default_factory=list)
    principles: list = dataclasses.field(default_factory=list)

    @classmethod
    def from_cleaned(cls, cleaned: dict) -> Self:
        names = {f.name for f in dataclasses.fields(cls)}
        values = {}
        for name, value in cleaned.items():
            if name not in names:
                continue
            if name in RESOURCE_M2M or name in ("languages", "audiences"):
                value = list(value or [])
            elif value is None and name not in ("thematic_area", "output_of_priority", "output_of_activity"):
                value = None if name == "publication_date" else ""
            values[name] = value
        return cls(**values)


_http_url = URLValidator(schemes=["http", "https"])


TEXT_FIELDS = (*translated_names("title"), *translated_names("summary"))
if TYPE_CHECKING:

    class ResourceValues(_ResourceValues):
        def __init__(self, kind: str, source_language: str, **values: Any) -> None: ...
        def __getattr__(self, name: str) -> str: ...

else:
    ResourceValues = dataclasses.make_dataclass(
        "ResourceValues",
        [(name, str, dataclasses.field(default="")) for name in TEXT_FIELDS],
        bases=(_ResourceValues,),
        namespace={"__doc__": _ResourceValues.__doc__, "__module__": __name__},
    )


def check_resource_proposal(values: ResourceValues, has_files: bool) -> dict[str, list[str]]:
    """What a proposal cannot be made with, by field: the title and summary in the source language,
    a link or a file, and whatever the model's fields refuse."""
    errors: dict[str, list[str]] = {}
    source = values.source_language
    if source in LANGUAGE_CODES:
        language = dict(Language.choices)[source]
        if not (getattr(values, f"title_{source}") or "").strip():
            errors[f"title_{source}"] = [
                _("Give the title in %(language)s, the source language.") % {"language": language}
            ]
        if not (getattr(values, f"summary_{source}") or "").strip():
            errors[f"summary_{source}"] = [
                _("Give the summary in %(language)s, the source language.") % {"language": language}
            ]
    if values.external_url:
        try:
            _http_url(values.external_url)
        except ValidationError:
            errors["external_url"] = [_("Enter a web address starting with http:// or https://.")]
    elif not has_files:
        errors["external_url"] = [_("Give a link to the resource or upload a file.")]
    probe = Resource(**{name: getattr(values, name) for name in RESOURCE_FIELDS})
    exclude = [f.name for f in Resource._meta.fields if f.name not in RESOURCE_FIELDS or f.name in errors]
    try:
        probe.clean_fields(exclude=exclude)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    return errors


def _record_event(resource: Resource, actor, from_status: str, note: str = "") -> ResourceEvent:
    return ResourceEvent.objects.create(
        resource=resource,
        actor=actor if actor and actor.is_authenticated else None,
        from_status=from_status,
        to_status=resource.status,
        note=note,
    )


@transaction.atomic
def do_propose_resource(user: User, values: ResourceValues, files=()) -> Resource:
    """Save a proposal with its files (`[(language, upload), ...]`); mail the Hub team on commit.

    Raises `ValidationError` (a dict by field, see `check_resource_proposal`).
    """
    files = list(files)
    errors = check_resource_proposal(values, bool(files))
    if errors:
        raise ValidationError(errors)
    resource = Resource(**{name: getattr(values, name) for name in RESOURCE_FIELDS})
    resource.status = Resource.Status.PROPOSED
    resource.proposed_by = user
    resource.published_at = None
    resource.save()
    for name in RESOURCE_M2M:
        getattr(resource, name).set(getattr(values, name))
    for order, (language, upload) in enumerate(files):
        ResourceFile.objects.create(resource=resource, language=language, file=upload, sort_order=order)
    _record_event(resource, user, "")
    transaction.on_commit(lambda: tasks.send_resource_proposed.enqueue(resource.pk))
    return resource


class ResourceStateError(Exception):
    """The resource is no longer a proposal: someone decided on it first."""

    def __init__(self, resource: Resource):
        super().__init__(f"resource {resource.pk} is {resource.status}, not proposed")
        self.resource = resource


@transaction.atomic
def do_decide_resource(
    user: User, resource: Resource, decision: str, note: str = "", *, expected_version: int | None = None
) -> Resource:
    """Publish (`decision="publish"`) or decline a proposal; mail the proposer on commit.

    Raises `StaleObject` (changed since `expected_version`) or `ResourceStateError` (decided already).
    """
    if decision not in ("publish", "decline"):
        raise ValueError(f"unknown decision {decision!r}")
    resource = claim(Resource, resource.pk, expected_version)
    if resource.status != Resource.Status.PROPOSED:
        raise ResourceStateError(resource)
    from_status = resource.status
    if decision == "publish":
        resource.status = Resource.Status.PUBLISHED
        resource.published_at = timezone.now()
    else:
        resource.status = Resource.Status.DECLINED
    resource.save(update_fields=["status", "published_at", "updated_at"])
    event = _record_event(resource, user, from_status, note)
    if resource.proposed_by_id:
        transaction.on_commit(lambda: tasks.send_resource_decided.enqueue(event.pk))
    return resource


@transaction.atomic
def do_record_status_change(user: User, resource: Resource) -> ResourceEvent | None:
    """After the CMS saved `resource`: record its status change (if any) against the last event,
    stamp `published_at` on first publication, and tell the proposer about a decision."""
    last = resource.events.order_by("-created_at", "-id").first()
    from_status = last.to_status if last else ""
    if from_status == resource.status:
        return None
    if resource.status == Resource.Status.PUBLISHED and resource.published_at is None:
        resource.published_at = timezone.now()
        resource.save(update_fields=["published_at", "updated_at"])
    event = _record_event(resource, user, from_status)
    decided = resource.status in (Resource.Status.PUBLISHED, Resource.Status.DECLINED)
    if from_status == Resource.Status.PROPOSED and decided and resource.proposed_by_id:
        transaction.on_commit(lambda: tasks.send_resource_decided.enqueue(event.pk))
    return event
