"""Suggestions while typing in the search box (issue 10 §7), and on a page that found nothing.

Two sources, at most LIMIT suggestions in all:

- **Names** of organisations (name and acronym), countries (in the reader's language) and GCM
  objectives ("Objective 7: …", found by "7" too) whose words start with the words typed, in any
  language. Choosing one searches it: the search page filtered on it (`country=MA`).
- **Documents** whose title words start with what was typed, from the engine
  (`backend.suggest`). Choosing one opens its page.

The endpoint answers each pause in typing and must stay fast (≤ 10 ms): the names come from a
per-process index per language, built with four queries and kept CACHE_SECONDS (other processes'
saves reach this one through that limit; this process's saves and bulk writes clear it at once,
as for `results.reference_labels`); a lookup is a scan of a few hundred entries whose words are
folded in advance. The documents' addresses cost one query per kind present (activities none).
"""

import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext as _

from gcmhub.knowledge.models import CallForPractices, Practice, Resource
from gcmhub.lib.changes import content_changed
from gcmhub.lib.cleantext import strip_controls
from gcmhub.lib.i18n import LANGUAGE_CODES
from gcmhub.search import get_backend
from gcmhub.search.engine import Suggestion
from gcmhub.search.results import KIND_LABELS
from gcmhub.taxonomy.models import Country, GuidingPrinciple, Objective, Organisation, OrganisationAlias

LIMIT = 10
MAX_CHARS = 100  # what is matched of the text typed (the box holds 200)
# Names listed when the engine suggests documents too; more when it has fewer.
NAMES_BESIDE_DOCUMENTS = 5
CACHE_SECONDS = 300

# Kinds of the engine's suggestions that open a page; its names (organisations, countries,
# objectives) are left out: the names index has them, in the reader's language.
DOCUMENT_KINDS = ("resource", "practice", "activity", "call", "principle")


@dataclass(frozen=True)
class Option:
    kind: str
    label: str
    url: str
    language: str = ""  # the label's language when it is not the page's
    is_document: bool = False

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "kind_label": self.kind_label,
            "label": self.label,
            "url": self.url,
            "lang": self.language,
            "document": self.is_document,
        }


def fold(text: str) -> str:
    """ "Côte d’Ivoire" -> "cote d ivoire": lower case, no accents, anything but letters and
    digits as single spaces (what static/js/picker.js `normalize` does)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    kept = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.split())


# --- Names ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Name:
    option: Option
    folded: str  # the label, folded
    words: tuple[str, ...]  # the label's folded words
    all_words: tuple[str, ...]  # and those of its other names (languages, acronyms, aliases)


_cache: dict[tuple[str, str], tuple[float, list[_Name]]] = {}


def forget_names(**kwargs) -> None:
    """Forget the names index (connected to saves of the models it reads; also a TTL)."""
    _cache.clear()


def _name(kind: str, label: str, url: str, others) -> _Name:
    folded = fold(label)
    words = tuple(folded.split())
    others = dict.fromkeys(word for other in others if other for word in fold(other).split() if word not in words)
    return _Name(Option(kind, label, url), folded, words, words + tuple(others))


def _search_url(base: str, name: str, value: str) -> str:
    return f"{base}?{urlencode({name: value})}"


def _columns(row: dict, *fields: str) -> list[str]:
    return [row[f"{field}_{code}"] for field in fields for code in LANGUAGE_CODES if row.get(f"{field}_{code}")]


def _build(language: str) -> list[_Name]:
    """The names in `language` (the active one), objectives first, then countries and organisations."""
    base = reverse("search:search")
    names = []
    fields = [f"{field}_{code}" for field in ("short", "title") for code in LANGUAGE_CODES]
    for row in Objective.objects.order_by("number").values("number", *fields):
        title = row.get(f"title_{language}") or row.get(f"short_{language}") or row["title_en"] or row["short_en"]
        label = _("Objective %(number)s: %(title)s") % {"number": row["number"], "title": title}
        others = _columns(row, "short", "title")
        names.append(_name("objective", label, _search_url(base, "objective", str(row["number"])), others))
    fields = [f"name_{code}" for code in LANGUAGE_CODES]
    for row in Country.objects.listed().values("iso2", "other_names", *fields):
        label = row.get(f"name_{language}") or row["name_en"]
        others = [*_columns(row, "name"), *(row["other_names"] or "").splitlines()]
        names.append(_name("country", label, _search_url(base, "country", row["iso2"]), others))
    aliases = defaultdict(list)
    for organisation_id, alias in OrganisationAlias.objects.values_list("organisation_id", "alias"):
        aliases[organisation_id].append(alias)
    fields = [f"{field}_{code}" for field in ("name", "acronym") for code in LANGUAGE_CODES]
    for row in Organisation.objects.values("pk", "slug", *fields):
        name = row.get(f"name_{language}") or row["name_en"]
        acronym = row.get(f"acronym_{language}") or row.get("acronym_en") or ""
        label = f"{name} ({acronym})" if acronym and acronym != name else name
        others = [*_columns(row, "name", "acronym"), *aliases[row["pk"]]]
        names.append(_name("organisation", label, _search_url(base, "publisher", row["slug"]), others))
    return names


def _names(language: str) -> list[_Name]:
    key = (language, get_script_prefix())
    now = time.monotonic()
    cached = _cache.get(key)
    if cached and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    names = _build(language)
    _cache[key] = (now, names)
    return names


def _starts(query_words: list[str], words) -> bool:
    return all(any(word.startswith(typed) for word in words) for typed in query_words)


def match_names(text: str, language: str, limit: int = LIMIT) -> list[Option]:
    """Names whose label starts with `text`, then those whose label words start with its words,
    then those whose other names' words do; in each group, in the index's order."""
    query = fold(text[:MAX_CHARS])
    if not query:
        return []
    words = query.split()
    ranked: list[tuple[int, int, _Name]] = []
    for position, name in enumerate(_names(language)):
        if name.folded.startswith(query):
            rank = 0
        elif _starts(words, name.words):
            rank = 1
        elif _starts(words, name.all_words):
            rank = 2
        else:
            continue
        ranked.append((rank, position, name))
    ranked.sort(key=lambda item: item[:2])
    return [name.option for _rank, _position, name in ranked[:limit]]


def _clear_on_commit(**kwargs) -> None:
    """Clear at once, and again after the commit: a request of another thread may have rebuilt
    the index from the data before the commit in between."""
    forget_names()
    transaction.on_commit(forget_names)


def _on_bulk_change(sender, **kwargs) -> None:
    if sender in NAME_MODELS:
        _clear_on_commit()


NAME_MODELS = (Objective, Country, Organisation, OrganisationAlias)
for _model in NAME_MODELS:
    post_save.connect(_clear_on_commit, sender=_model, dispatch_uid=f"search-suggest-{_model.__name__}")
    post_delete.connect(_clear_on_commit, sender=_model, dispatch_uid=f"search-suggest-del-{_model.__name__}")
content_changed.connect(_on_bulk_change, dispatch_uid="search-suggest-bulk")


# --- Documents -------------------------------------------------------------------------------------


def document_options(suggestions: list[Suggestion], language: str) -> list[Option]:
    """The engine's suggestions that open a page, in its order, with their addresses: one query
    per kind with a slug in its address. A suggestion whose item is gone or no longer public
    (the index not caught up yet) is left out."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for suggestion in suggestions:
        kind, _sep, key = suggestion.id.partition(":")
        if kind in DOCUMENT_KINDS and key:
            wanted[kind].append(key)
    urls: dict[str, str] = {}

    def by_pk(kind, model, fields, public=lambda obj: True):
        # By key alone, and whether it is public checked here: SQLite without table statistics
        # would read every published row through the status index (5 ms at 50,000 resources).
        pks = [int(key) for key in wanted[kind] if key.isdigit()]
        if pks:
            for obj in model._default_manager.filter(pk__in=pks).only(*fields).order_by():
                if public(obj):
                    urls[f"{kind}:{obj.pk}"] = obj.get_absolute_url()

    by_pk("resource", Resource, ("slug", "status"), lambda resource: resource.is_published)
    by_pk(
        "practice",
        Practice,
        ("slug", "status", "update_of"),
        lambda practice: practice.is_published and practice.update_of_id is None,
    )
    by_pk("call", CallForPractices, ("slug",))
    by_pk("principle", GuidingPrinciple, ("code",))
    for key in wanted["activity"]:
        if key.isdigit():
            urls[f"activity:{key}"] = reverse("workplan:activity", args=[int(key)])
    options = []
    for suggestion in suggestions:
        url = urls.get(suggestion.id)
        if url and suggestion.label:
            shown_in = suggestion.language if suggestion.language != language else ""
            options.append(Option(suggestion.id.partition(":")[0], suggestion.label, url, shown_in, is_document=True))
    return options


def _engine_suggestions(text: str, language: str, limit: int) -> list[Suggestion]:
    # The engine's `suggest` is new (issue 10): a backend without it suggests no documents.
    suggest = getattr(get_backend(), "suggest", None)
    return list(suggest(text, language, limit)) if suggest else []


# --- Both ------------------------------------------------------------------------------------------


def clean(text: str) -> str:
    """What is matched of a typed text: without control characters, spaces collapsed, bounded."""
    return " ".join(strip_controls(text or "").split())[:MAX_CHARS].strip()


def suggestions(text: str, language: str, limit: int = LIMIT) -> list[Option]:
    """At most `limit` suggestions for `text`: names first, then documents."""
    text = clean(text)
    if not fold(text):
        return []
    names = match_names(text, language, limit)
    documents = document_options(_engine_suggestions(text, language, limit), language)[:limit]
    shown_names = min(len(names), max(NAMES_BESIDE_DOCUMENTS, limit - len(documents)))
    return (names[:shown_names] + documents)[:limit]
