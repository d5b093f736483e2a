"""Search documents built from the database: published resources, published practices and the
activities of the work plans.

One document per item, id "<kind>:<pk>". Its `language` is the item's source language (a practice's
language of submission) and its `translations` hold the other language versions (resources and
activities have title/summary or text in English, French and Spanish); each version is analysed
with its own language's stemmer, and a hit shows the reader's version when there is one.

Facets (values are strings):
  kind           resource | practice | activity
  type           a resource's Kind value; "practice"; "activity"
  objective      objective numbers; "general" for a resource about the Compact as a whole and an
                 activity whose priority covers all objectives
  principle      guiding principle codes
  country        ISO 3166 alpha-2 codes
  region         M49 codes of the tagged regions and of the countries' regions and sub-regions
  language       languages the item is available in (a resource's `languages`, else its versions;
                 a practice's language; the languages an activity's text is written in)
  publisher      organisation slugs: a resource's publishers; a practice's implementer and
                 partners; an activity's leads (its own, else its priority's)
  year           year of the date: publication (resource), publication on the Hub (practice),
                 due date (activity)
  thematic_area  thematic area number (an activity's: its priority's)
  scope          geographic scope (resources and practices)

Builders read rows with `values()` and the many-to-many tables directly, chunk by chunk, with the
small reference tables loaded once: a fixed number of queries per chunk, whatever the chunk's size.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.utils import timezone

from gcmhub.consultations.models import Comment, Question, Topic
from gcmhub.knowledge.models import CallForPractices, Practice, Resource
from gcmhub.lib.i18n import LANGUAGE_CODES
from gcmhub.search.engine import SearchDocument
from gcmhub.taxonomy.models import (
    Country,
    GuidingPrinciple,
    Objective,
    Organisation,
    OrganisationAlias,
    Region,
    ThematicArea,
)
from gcmhub.workplan.models import Activity, ActivityOrganisation, Involvement, Priority, PriorityOrganisation

KINDS = (
    "resource",
    "practice",
    "activity",
    "call",
    "topic",
    "comment",
    "organisation",
    "country",
    "objective",
    "principle",
)
# NAMED_KINDS (engine.py): short pages found by their names; they carry no date.
FACETS = (
    "kind",
    "type",
    "objective",
    "principle",
    "country",
    "region",
    "language",
    "publisher",
    "year",
    "thematic_area",
    "scope",
)
CHUNK = 2000
GENERAL = "general"

PRACTICE_BODY_FIELDS = ("summary", "description", "results", "lessons", "innovation", "sustainability", "challenges")


def doc_id(kind: str, pk: int) -> str:
    return f"{kind}:{pk}"


def parse_doc_id(value: str) -> tuple[str, int] | None:
    kind, _sep, pk = value.partition(":")
    if kind in KINDS and pk.isdigit():
        return kind, int(pk)
    return None


# How an objective is named in a query, in each language the engine stems ("objective 7").
OBJECTIVE_WORDS = ("objective", "objectif", "objetivo", "goal", "obj")
PRINCIPLE_WORDS = ("principle", "principe", "principio")


def _names(row: dict, *fields: str) -> list[str]:
    """Every non-empty <field>_<language> of a values() row."""
    return [
        row[f"{name}_{language}"] for name in fields for language in LANGUAGE_CODES if row.get(f"{name}_{language}")
    ]


def _columns(*fields: str) -> list[str]:
    return [f"{name}_{language}" for name in fields for language in LANGUAGE_CODES]


class _Lookups:
    """The small reference tables, loaded once per build, with the names a document carries for
    each tag (every language, acronyms, aliases, M49 and common names) in its `tags` text."""

    def __init__(self):
        self.objectives, self.principles, self.thematic_areas = {}, {}, {}
        self.tag_names: dict[tuple[str, int], str] = {}
        for row in Objective.objects.values("pk", "number", *_columns("short", "title")):
            self.objectives[row["pk"]] = row["number"]
            words = " ".join(f"{word} {row['number']}" for word in OBJECTIVE_WORDS)
            self.tag_names[("objective", row["pk"])] = " | ".join([words, *_names(row, "short", "title")])
        for row in GuidingPrinciple.objects.values("pk", "code", *_columns("name")):
            self.principles[row["pk"]] = row["code"]
            self.tag_names[("principle", row["pk"])] = " | ".join(_names(row, "name"))
        for row in ThematicArea.objects.values("pk", "number", *_columns("name")):
            self.thematic_areas[row["pk"]] = row["number"]
            self.tag_names[("thematic_area", row["pk"])] = " | ".join(_names(row, "name"))
        self.regions = {}
        for row in Region.objects.values("pk", "m49", *_columns("name")):
            self.regions[row["pk"]] = row["m49"]
            self.tag_names[("region", row["pk"])] = " | ".join(_names(row, "name"))
        self.organisations = {}
        aliases = defaultdict(list)
        for organisation_id, alias in OrganisationAlias.objects.values_list("organisation_id", "alias"):
            aliases[organisation_id].append(alias)
        for row in Organisation.objects.values("pk", "slug", *_columns("name", "acronym")):
            self.organisations[row["pk"]] = row["slug"]
            names = list(dict.fromkeys([*_names(row, "acronym", "name"), *aliases[row["pk"]]]))
            self.tag_names[("organisation", row["pk"])] = " | ".join(names)
        self.countries = {}
        country_rows = Country.objects.values(
            "pk", "iso2", "iso3", "region", "subregion", "other_names", *_columns("name")
        )
        for row in country_rows:
            regions = [self.regions[r] for r in (row["region"], row["subregion"]) if r in self.regions]
            self.countries[row["pk"]] = (row["iso2"], regions)
            names = [*_names(row, "name"), *(row["other_names"] or "").splitlines()]
            self.tag_names[("country", row["pk"])] = " | ".join([row["iso3"], *dict.fromkeys(n.strip() for n in names)])

    def tags(self, **ids) -> str:
        """The names of what an item is tagged with: tags(country=[1, 2], organisation=[5], ...)."""
        return "\n".join(
            self.tag_names[(kind, pk)]
            for kind, pks in ids.items()
            for pk in dict.fromkeys(pks)
            if (kind, pk) in self.tag_names
        )

    def country_facets(self, country_ids, region_ids) -> dict[str, list[str]]:
        countries, regions = [], set()
        for pk in country_ids:
            if pk in self.countries:
                iso2, country_regions = self.countries[pk]
                countries.append(iso2)
                regions.update(country_regions)
        regions.update(self.regions[pk] for pk in region_ids if pk in self.regions)
        return {"country": sorted(countries), "region": sorted(regions)}


def _pairs(through, owner: str, target: str, owner_ids) -> dict[int, list[int]]:
    """{owner id: [target ids]} from a many-to-many table."""
    result = defaultdict(list)
    for owner_id, target_id in through.objects.filter(**{f"{owner}__in": owner_ids}).values_list(owner, target):
        result[owner_id].append(target_id)
    return result


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _versions(row: dict, title: str, body: str) -> dict[str, tuple[str, str]]:
    """{language: (title, body)} of a row with <title>_<lang> and <body>_<lang> columns."""
    versions = {}
    source = row["source_language"]
    for language in LANGUAGE_CODES:
        own_title, own_body = row.get(f"{title}_{language}") or "", row.get(f"{body}_{language}") or ""
        if own_title or own_body:
            versions[language] = (own_title or row.get(f"{title}_{source}") or "", own_body)
    return versions


def _document(kind: str, pk: int, source: str, versions: dict, date, facets: dict, tags: str = "") -> SearchDocument:
    language = source if source in versions else next(iter(versions), source or "en")
    title, body = versions.get(language, ("", ""))
    facets = {name: values for name, values in facets.items() if values}
    if date:
        facets["year"] = [str(date.year)]
    return SearchDocument(
        id=doc_id(kind, pk),
        kind=kind,
        language=language,
        title=title,
        body=body,
        date=date,
        facets=facets,
        translations={other: version for other, version in versions.items() if other != language},
        tags=tags,
    )


# --- Resources ----------------------------------------------------------------------------------

RESOURCE_FIELDS = (
    ["id", "kind", "source_language", "publication_date", "published_at", "languages", "geographic_scope"]
    + ["is_general", "thematic_area_id"]
    + [f"{name}_{language}" for name in ("title", "summary") for language in LANGUAGE_CODES]
)


def _resource_documents(ids: list[int], lookups: _Lookups) -> list[SearchDocument]:
    rows = list(Resource.objects.published().filter(pk__in=ids).order_by().values(*RESOURCE_FIELDS))
    ids = [row["id"] for row in rows]
    objectives = _pairs(Resource.objectives.through, "resource_id", "objective_id", ids)
    principles = _pairs(Resource.principles.through, "resource_id", "guidingprinciple_id", ids)
    countries = _pairs(Resource.countries.through, "resource_id", "country_id", ids)
    regions = _pairs(Resource.regions.through, "resource_id", "region_id", ids)
    publishers = _pairs(Resource.publishers.through, "resource_id", "organisation_id", ids)
    docs = []
    for row in rows:
        pk = row["id"]
        versions = _versions(row, "title", "summary")
        date = row["publication_date"] or (timezone.localdate(row["published_at"]) if row["published_at"] else None)
        objective_values = sorted(str(lookups.objectives[o]) for o in objectives[pk] if o in lookups.objectives)
        if row["is_general"]:
            objective_values.append(GENERAL)
        facets = {
            "kind": ["resource"],
            "type": [row["kind"]],
            "objective": objective_values,
            "principle": sorted(lookups.principles[p] for p in principles[pk] if p in lookups.principles),
            **lookups.country_facets(countries[pk], regions[pk]),
            "language": sorted(set(row["languages"] or []) or set(versions)),
            "publisher": sorted(lookups.organisations[o] for o in publishers[pk] if o in lookups.organisations),
            "thematic_area": _thematic_area(row["thematic_area_id"], lookups),
            "scope": [row["geographic_scope"]],
        }
        tags = lookups.tags(
            objective=objectives[pk],
            principle=principles[pk],
            country=countries[pk],
            region=regions[pk],
            organisation=publishers[pk],
            thematic_area=[row["thematic_area_id"]],
        )
        docs.append(_document("resource", pk, row["source_language"], versions, date, facets, tags))
    return docs


def _thematic_area(pk, lookups: _Lookups) -> list[str]:
    return [str(lookups.thematic_areas[pk])] if pk in lookups.thematic_areas else []


# --- Practices ----------------------------------------------------------------------------------

PRACTICE_FIELDS = [
    "id",
    "language",
    "title",
    "published_at",
    "geographic_scope",
    "implementing_organisation_id",
    "thematic_area_id",
    *PRACTICE_BODY_FIELDS,
]


def _practice_documents(ids: list[int], lookups: _Lookups) -> list[SearchDocument]:
    rows = list(Practice.objects.published().filter(pk__in=ids).order_by().values(*PRACTICE_FIELDS))
    ids = [row["id"] for row in rows]
    objectives = _pairs(Practice.objectives.through, "practice_id", "objective_id", ids)
    principles = _pairs(Practice.principles.through, "practice_id", "guidingprinciple_id", ids)
    countries = _pairs(Practice.countries.through, "practice_id", "country_id", ids)
    regions = _pairs(Practice.regions.through, "practice_id", "region_id", ids)
    partners = _pairs(Practice.partner_organisations.through, "practice_id", "organisation_id", ids)
    docs = []
    for row in rows:
        pk = row["id"]
        body = "\n\n".join(row[name] for name in PRACTICE_BODY_FIELDS if row[name])
        organisation_ids = [row["implementing_organisation_id"], *partners[pk]]
        facets = {
            "kind": ["practice"],
            "type": ["practice"],
            "objective": sorted(str(lookups.objectives[o]) for o in objectives[pk] if o in lookups.objectives),
            "principle": sorted(lookups.principles[p] for p in principles[pk] if p in lookups.principles),
            **lookups.country_facets(countries[pk], regions[pk]),
            "language": [row["language"]],
            "publisher": sorted({lookups.organisations[o] for o in organisation_ids if o in lookups.organisations}),
            "thematic_area": _thematic_area(row["thematic_area_id"], lookups),
            "scope": [row["geographic_scope"]],
        }
        date = timezone.localdate(row["published_at"]) if row["published_at"] else None
        versions = {row["language"]: (row["title"], body)}
        tags = lookups.tags(
            objective=objectives[pk],
            principle=principles[pk],
            country=countries[pk],
            region=regions[pk],
            organisation=organisation_ids,
            thematic_area=[row["thematic_area_id"]],
        )
        docs.append(_document("practice", pk, row["language"], versions, date, facets, tags))
    return docs


# --- Activities ---------------------------------------------------------------------------------

ACTIVITY_FIELDS = ["id", "priority_id", "source_language", "due_date"] + [
    f"text_{language}" for language in LANGUAGE_CODES
]
PRIORITY_FIELDS = ["id", "source_language", "thematic_area_id", "all_objectives"] + [
    f"title_{language}" for language in LANGUAGE_CODES
]


def _activity_documents(ids: list[int], lookups: _Lookups) -> list[SearchDocument]:
    rows = list(Activity.objects.filter(pk__in=ids).order_by().values(*ACTIVITY_FIELDS))
    ids = [row["id"] for row in rows]
    priority_ids = {row["priority_id"] for row in rows}
    priorities = {p["id"]: p for p in Priority.objects.filter(pk__in=priority_ids).order_by().values(*PRIORITY_FIELDS)}
    priority_objectives = _pairs(Priority.objectives.through, "priority_id", "objective_id", priority_ids)
    own_leads = defaultdict(list)
    for activity_id, organisation_id in ActivityOrganisation.objects.filter(
        activity_id__in=ids, role=Involvement.LEAD
    ).values_list("activity_id", "organisation_id"):
        own_leads[activity_id].append(organisation_id)
    priority_leads = defaultdict(list)
    for priority_id, organisation_id in PriorityOrganisation.objects.filter(
        priority_id__in=priority_ids, role=Involvement.LEAD
    ).values_list("priority_id", "organisation_id"):
        priority_leads[priority_id].append(organisation_id)
    docs = []
    for row in rows:
        pk, priority = row["id"], priorities[row["priority_id"]]
        versions = {}
        for language in LANGUAGE_CODES:
            text = row[f"text_{language}"]
            if text:
                heading = priority[f"title_{language}"] or priority[f"title_{priority['source_language']}"] or ""
                versions[language] = (text, heading)
        objective_values = sorted(
            str(lookups.objectives[o]) for o in priority_objectives[priority["id"]] if o in lookups.objectives
        )
        if priority["all_objectives"]:
            objective_values.append(GENERAL)
        leads = own_leads[pk] or priority_leads[priority["id"]]
        facets = {
            "kind": ["activity"],
            "type": ["activity"],
            "objective": objective_values,
            "language": sorted(versions),
            "publisher": sorted({lookups.organisations[o] for o in leads if o in lookups.organisations}),
            "thematic_area": _thematic_area(priority["thematic_area_id"], lookups),
        }
        tags = lookups.tags(
            objective=priority_objectives[priority["id"]],
            organisation=leads,
            thematic_area=[priority["thematic_area_id"]],
        )
        docs.append(_document("activity", pk, row["source_language"], versions, row["due_date"], facets, tags))
    return docs


# --- Calls for practices -------------------------------------------------------------------------

CALL_TEXTS = ("rationale", "eligibility", "criteria")


def _call_documents(ids: list[int], lookups: _Lookups) -> list[SearchDocument]:
    rows = list(
        CallForPractices.objects.filter(pk__in=ids)
        .order_by()
        .values("id", "source_language", "deadline", *_columns("title", *CALL_TEXTS))
    )
    objectives = _pairs(
        CallForPractices.objectives.through, "callforpractices_id", "objective_id", [r["id"] for r in rows]
    )
    docs = []
    for row in rows:
        pk, source = row["id"], row["source_language"]
        versions = {}
        for language in LANGUAGE_CODES:
            body = "\n\n".join(row[f"{name}_{language}"] for name in CALL_TEXTS if row[f"{name}_{language}"])
            if row[f"title_{language}"] or body:
                versions[language] = (row[f"title_{language}"] or row[f"title_{source}"] or "", body)
        facets = {
            "kind": ["call"],
            "type": ["call"],
            "objective": sorted(str(lookups.objectives[o]) for o in objectives[pk] if o in lookups.objectives),
            "language": sorted(versions),
        }
        date = timezone.localdate(row["deadline"]) if row["deadline"] else None
        tags = lookups.tags(objective=objectives[pk])
        docs.append(_document("call", pk, source, versions, date, facets, tags))
    return docs


# --- Discussions: topics and comments ----------------------------------------------------------------
# Only what everyone may read: published topics of public spaces and public topics, and their
# published comments. A restricted space's discussions are never in the index (the index answers
# every visitor alike).


def public_topics():
    return Topic.objects.published().filter(visibility="public", space__visibility="public")


def _topic_tags(topic_ids: list[int], lookups: _Lookups) -> dict[int, tuple[dict, str]]:
    """{topic id: (facets, tags)} from the topics' objectives, principles, countries and areas."""
    objectives = _pairs(Topic.objectives.through, "topic_id", "objective_id", topic_ids)
    principles = _pairs(Topic.principles.through, "topic_id", "guidingprinciple_id", topic_ids)
    countries = _pairs(Topic.countries.through, "topic_id", "country_id", topic_ids)
    areas = _pairs(Topic.thematic_areas.through, "topic_id", "thematicarea_id", topic_ids)
    result = {}
    for pk in topic_ids:
        facets = {
            "objective": sorted(str(lookups.objectives[o]) for o in objectives[pk] if o in lookups.objectives),
            "principle": sorted(lookups.principles[p] for p in principles[pk] if p in lookups.principles),
            **lookups.country_facets(countries[pk], []),
            "thematic_area": sorted(str(lookups.thematic_areas[a]) for a in areas[pk] if a in lookups.thematic_areas),
        }
        tags = lookups.tags(
            objective=objectives[pk], principle=principles[pk], country=countries[pk], thematic_area=areas[pk]
        )
        result[pk] = (facets, tags)
    return result


def _topic_documents(ids: list[int], lookups: _Lookups) -> list[SearchDocument]:
    rows = list(
        public_topics()
        .filter(pk__in=ids)
        .order_by()
        .values("id", "source_language", "opens_at", "published_at", *_columns("title", "introduction"))
    )
    topic_ids = [row["id"] for row in rows]
    questions: dict[int, list[dict]] = defaultdict(list)
    for question in (
        Question.objects.filter(topic_id__in=topic_ids).order_by("order", "id").values("topic_id", *_columns("text"))
    ):
        questions[question["topic_id"]].append(question)
    tagged = _topic_tags(topic_ids, lookups)
    docs = []
    for row in rows:
        pk, source = row["id"], row["source_language"]
        versions = {}
        for language in LANGUAGE_CODES:
            texts = [row[f"introduction_{language}"], *(q[f"text_{language}"] for q in questions[pk])]
            body = "\n\n".join(text for text in texts if text)
            if row[f"title_{language}"] or body:
                versions[language] = (row[f"title_{language}"] or row[f"title_{source}"] or "", body)
        facets, tags = tagged[pk]
        moment = row["opens_at"] or row["published_at"]
        date = timezone.localdate(moment) if moment else None
        facets = {"kind": ["topic"], "type": ["topic"], **facets, "language": sorted(versions)}
        docs.append(_document("topic", pk, source, versions, date, facets, tags))
    return docs


def _comment_documents(ids: list[int], lookups: _Lookups) -> list[SearchDocument]:
    rows = list(
        Comment.objects.filter(pk__in=ids, status=Comment.Status.PUBLISHED, topic__in=public_topics())
        .order_by()
        .values("id", "topic_id", "language", "body", "published_at", "created_at")
    )
    topic_ids = sorted({row["topic_id"] for row in rows})
    topics = {
        row["id"]: row
        for row in Topic.objects.filter(pk__in=topic_ids).values("id", "source_language", *_columns("title"))
    }
    tagged = _topic_tags(topic_ids, lookups)
    docs = []
    for row in rows:
        topic = topics[row["topic_id"]]
        language = row["language"]
        # Shown under the topic's title in the comment's language when it has one.
        title = topic.get(f"title_{language}") or topic[f"title_{topic['source_language']}"] or ""
        facets, tags = tagged[row["topic_id"]]
        facets = {"kind": ["comment"], "type": ["comment"], **facets, "language": [language]}
        moment = row["published_at"] or row["created_at"]
        versions = {language: (title, row["body"])}
        docs.append(_document("comment", row["id"], language, versions, timezone.localdate(moment), facets, tags))
    return docs


# --- Reference pages: organisations, countries, objectives, principles -----------------------------


def _named_versions(row: dict, title) -> dict[str, tuple[str, str]]:
    """{language: (title, "")} for each language with a name (`title(row, language)`)."""
    versions = {}
    for language in LANGUAGE_CODES:
        text = title(row, language)
        if text:
            versions[language] = (text, "")
    return versions


def _organisation_documents(ids: list[int], lookups: _Lookups) -> list[SearchDocument]:
    docs = []
    for row in Organisation.objects.filter(pk__in=ids).order_by().values("id", "slug", *_columns("name", "acronym")):

        def title(row, language):
            name = row[f"name_{language}"]
            acronym = row[f"acronym_{language}"] or row["acronym_en"]
            return f"{name} ({acronym})" if name and acronym and acronym != name else name

        facets = {"kind": ["organisation"], "type": ["organisation"], "publisher": [row["slug"]]}
        tags = lookups.tags(organisation=[row["id"]])
        docs.append(_document("organisation", row["id"], "en", _named_versions(row, title), None, facets, tags))
    return docs


def _country_documents(ids: list[int], lookups: _Lookups) -> list[SearchDocument]:
    docs = []
    rows = Country.objects.filter(pk__in=ids, listed=True).order_by().values("id", "iso2", *_columns("name"))
    for row in rows:
        facets = {"kind": ["country"], "type": ["country"], **lookups.country_facets([row["id"]], [])}
        tags = lookups.tags(country=[row["id"]])
        versions = _named_versions(row, lambda row, language: row[f"name_{language}"])
        docs.append(_document("country", row["id"], "en", versions, None, facets, tags))
    return docs


def _objective_documents(ids: list[int], lookups: _Lookups) -> list[SearchDocument]:
    docs = []
    for row in Objective.objects.filter(pk__in=ids).order_by().values("id", "number", *_columns("short", "title")):
        versions = {}
        for language in LANGUAGE_CODES:
            if row[f"title_{language}"] or row[f"short_{language}"]:
                title = f"{row['number']}. {row[f'title_{language}'] or row['title_en']}"
                versions[language] = (title, row[f"short_{language}"] or "")
        facets = {"kind": ["objective"], "type": ["objective"], "objective": [str(row["number"])]}
        tags = lookups.tags(objective=[row["id"]])
        docs.append(_document("objective", row["id"], "en", versions, None, facets, tags))
    return docs


def _principle_documents(ids: list[int], lookups: _Lookups) -> list[SearchDocument]:
    docs = []
    for row in GuidingPrinciple.objects.filter(pk__in=ids).order_by().values("id", "code", *_columns("name")):
        versions = _named_versions(row, lambda row, language: row[f"name_{language}"])
        facets = {"kind": ["principle"], "type": ["principle"], "principle": [row["code"]]}
        words = " ".join(f"{word} {row['code']}" for word in PRINCIPLE_WORDS)
        tags = words + "\n" + lookups.tags(principle=[row["id"]])
        docs.append(_document("principle", row["id"], "en", versions, None, facets, tags))
    return docs


BUILDERS = {
    "resource": _resource_documents,
    "practice": _practice_documents,
    "activity": _activity_documents,
    "call": _call_documents,
    "topic": _topic_documents,
    "comment": _comment_documents,
    "organisation": _organisation_documents,
    "country": _country_documents,
    "objective": _objective_documents,
    "principle": _principle_documents,
}


def build_documents(ids: Iterable[str]) -> tuple[list[SearchDocument], list[str]]:
    """(documents to index, ids to remove) for these document ids: an item that no longer exists
    or is not searchable (a resource or practice not published) is to be removed."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    wanted = set()
    for value in ids:
        parsed = parse_doc_id(value)
        if parsed:
            by_kind[parsed[0]].append(parsed[1])
            wanted.add(value)
    docs = []
    if by_kind:
        lookups = _Lookups()
        for kind, pks in by_kind.items():
            for chunk in _chunks(sorted(set(pks))):
                docs.extend(BUILDERS[kind](chunk, lookups))
    found = {doc.id for doc in docs}
    return docs, sorted(wanted - found)


def searchable_ids(kind: str) -> list[int]:
    if kind == "resource":
        return list(Resource.objects.published().order_by("pk").values_list("pk", flat=True))
    if kind == "practice":
        return list(Practice.objects.published().order_by("pk").values_list("pk", flat=True))
    if kind == "country":
        return list(Country.objects.filter(listed=True).order_by("pk").values_list("pk", flat=True))
    if kind == "topic":
        return list(public_topics().order_by("pk").values_list("pk", flat=True))
    if kind == "comment":
        comments = Comment.objects.filter(status=Comment.Status.PUBLISHED, topic__in=public_topics())
        return list(comments.order_by("pk").values_list("pk", flat=True))
    model = {
        "activity": Activity,
        "call": CallForPractices,
        "organisation": Organisation,
        "objective": Objective,
        "principle": GuidingPrinciple,
    }[kind]
    return list(model._default_manager.order_by("pk").values_list("pk", flat=True))


def iter_all_documents() -> Iterator[list[SearchDocument]]:
    """Every searchable item's document, a chunk at a time (for a rebuild)."""
    lookups = _Lookups()
    for kind in KINDS:
        for chunk in _chunks(searchable_ids(kind)):
            yield BUILDERS[kind](chunk, lookups)
