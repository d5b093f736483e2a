"""The search page across resources, practices and work-plan activities, its exports, and the
suggestions of its search box.

Everything the page shows comes from one engine query (hits, total, facet counts) plus a fixed
number of database queries: the hits' items (one per kind on the page) and the facet labels (one
per facet type with values, cached per process), whatever the number of matches. A page that
finds nothing asks more, to offer a way on: suggestions for its words, the number of matches
without its filters (a second engine query) and the glossary's words in the other languages.

The parameters are read once (`read_search`) and never refused, whatever was typed or pasted
into the address: words past MAX_QUERY_CHARS are cut at a word boundary, a filter value that
names nothing is ignored, an unreadable page number or sort is the default, and the page says
what it changed. (A NUL character is the exception: `gcmhub.lib.textinput` refuses it with a
400 on every page, before this view.)
"""

import re
import zlib
from dataclasses import dataclass, replace
from functools import partial

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from gcmhub import pagecache
from gcmhub.knowledge.models import GeographicScope, Resource
from gcmhub.lib import params, tabular
from gcmhub.lib.cleantext import strip_controls
from gcmhub.lib.formats import language_name
from gcmhub.lib.i18n import active_language
from gcmhub.search import get_backend, results, suggest
from gcmhub.search.engine import MAX_DEPTH, SearchQuery, SearchResult
from gcmhub.search.models import IndexChange
from gcmhub.search.query import glossary_generation

PAGE_SIZE = 20
# The page reaches the first MAX_DEPTH hits (500 pages); a deeper page number shows the last of them.
MAX_PAGE = MAX_DEPTH // PAGE_SIZE
# A download holds every match or is refused: more than this is a 400 page that says so.
EXPORT_LIMIT = MAX_DEPTH
MAX_QUERY_CHARS = 200
NEAREST_SUGGESTIONS = 5  # suggestions offered by a page that found nothing
MAX_EQUIVALENTS = 12  # glossary words in other languages offered by a page that found nothing

_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_YEAR = re.compile(r"[0-9]{4}")
REFERENCE_FILTERS = ("objective", "principle", "thematic_area", "country", "region", "publisher")


# --- The page's parameters ------------------------------------------------------------------------


@dataclass(frozen=True)
class IgnoredFilter:
    name: str
    value: str

    @property
    def legend(self) -> str:
        return _("Kind") if self.name == "kind" else str(results.FACET_LEGENDS[self.name])


@dataclass(frozen=True)
class PageSearch:
    """The page's parameters as read: the engine query, and what the page tells about them."""

    query: SearchQuery
    typed: str  # what the search box shows: the words searched, or what was typed without any
    links: QueryDict  # the parameters as read (no page number), for the page's links
    shortened: bool = False  # the words were cut to MAX_QUERY_CHARS
    wordless: bool = False  # what was typed has no letter or digit: everything is listed
    ignored: tuple[IgnoredFilter, ...] = ()


def typed_words(raw: str | None) -> tuple[str, bool]:
    """(the words to search, whether they were shortened): control characters removed, spaces
    collapsed, and cut at the last space at or before MAX_QUERY_CHARS (or at the limit, when the
    first MAX_QUERY_CHARS characters hold no space)."""
    text = " ".join(strip_controls(raw or "").split())
    if len(text) <= MAX_QUERY_CHARS:
        return text, False
    cut = text.rfind(" ", 0, MAX_QUERY_CHARS + 1)
    return (text[:cut] if cut > 0 else text[:MAX_QUERY_CHARS]).rstrip(), True


def is_known(name: str, value: str) -> bool:
    """Whether `value` names something the facet `name` can hold (a country code of the reference
    data, an objective number…); the reference values come from a per-process cache."""
    if name in REFERENCE_FILTERS:
        return value in results.reference_labels()[name]
    if name == "year":
        return _YEAR.fullmatch(value) is not None
    if name == "language":
        return language_name(value) != value  # a code without a name is no language
    if name == "kind":
        return value in results.KIND_LABELS
    if name == "type":
        return value in Resource.Kind.values or (value in results.KIND_LABELS and value != "resource")
    if name == "scope":
        return value in GeographicScope.values
    return False


def read_search(query_params, *, limit: int, page: int = 1) -> PageSearch:
    """The page's parameters (q, sort, exact, one list per facet) read as the engine query."""
    typed, shortened = typed_words(query_params.get("q"))
    wordless = bool(typed) and _LETTER_OR_DIGIT.search(typed) is None
    text = "" if wordless else typed
    filters: dict[str, list[str]] = {}
    ignored = []
    for name in results.FILTERS:
        cleaned = (strip_controls(value).strip()[: results.MAX_VALUE_CHARS] for value in query_params.getlist(name))
        values = list(dict.fromkeys(value for value in cleaned if value))[: results.MAX_VALUES]
        known = [value for value in values if is_known(name, value)]
        ignored += [IgnoredFilter(name, value) for value in values if value not in known]
        if known:
            filters[name] = known
    sort = query_params.get("sort")
    if sort not in ("relevance", "date"):
        sort = "relevance" if text else "date"
    query = SearchQuery(
        text=text,
        filters=filters,
        facets=list(results.SHOWN_FACETS),
        sort=sort,
        limit=limit,
        offset=(page - 1) * limit,
        language=active_language(),
        exact=query_params.get("exact") == "1",
    )
    links = QueryDict(mutable=True)
    for key in query_params:  # in the request's order
        if key == "q" and typed:
            links["q"] = typed
        elif key in filters:
            links.setlist(key, filters[key])
        elif key == "sort" and query_params.get("sort") == sort:
            links["sort"] = sort
        elif key == "exact" and query.exact:
            links["exact"] = "1"
    return PageSearch(query, typed, links, shortened, wordless, tuple(ignored))


def parse_query(query_params, *, limit: int, page: int = 1) -> SearchQuery:
    """The engine query of the page's parameters (q, sort, exact, one list per facet)."""
    return read_search(query_params, limit=limit, page=page).query


def query_with(links: QueryDict, *, drop=(), **changes) -> str:
    """`links` as a query string, without the keys `drop`, with `changes` (a list sets several
    values; None removes the key)."""
    changed = links.copy()
    for key in drop:
        changed.pop(key, None)
    for key, value in changes.items():
        if value is None:
            changed.pop(key, None)
        else:
            changed.setlist(key, value if isinstance(value, list) else [value])
    return changed.urlencode()


# --- The page ----------------------------------------------------------------------------------------


def index_generation(request):
    """What the search page shows besides the database (gcmhub.pagecache): the index, which a
    task updates after the change's commit. tantivy: its commit fingerprint; otherwise the
    change log's newest row (the task deletes the rows it applied, so this changes then); and the
    glossary, which expands the words (a concept edited in the CMS changes the answers)."""
    backend = get_backend()
    if hasattr(backend, "generation"):
        index = backend.generation()
    else:
        index = IndexChange.objects.order_by("-id").values_list("id", flat=True).first()
    return f"{index}-{zlib.crc32(repr(glossary_generation()).encode()):x}"


@require_GET
@pagecache.cacheable(scopes=("knowledge", "workplan", "taxonomy"), vary=(index_generation,))
def search(request):
    """The page's title needs the words only; the rest, the same for every visitor, is computed by
    `search_content` when the template's `{% fragment %}` (per query string, index generation,
    language and data generations) has not kept it yet."""
    context = {
        "typed": typed_words(request.GET.get("q"))[0],
        "index_generation": index_generation(request),
        "content": partial(search_content, request),
    }
    return render(request, "search/search.html", context)


def search_content(request) -> dict:
    number = params.page_number(request.GET.get("page"), last=MAX_PAGE)
    search = read_search(request.GET, limit=PAGE_SIZE, page=number)
    query = search.query
    backend = get_backend()
    result = backend.search(query)
    last = params.last_page(result.total, PAGE_SIZE, max_items=MAX_DEPTH)
    if number > last:  # a page past the end (stale link): show the last one
        number = last
        query = replace(query, offset=(number - 1) * PAGE_SIZE)
        result = backend.search(query)
    page = Paginator(range(min(result.total, MAX_DEPTH)), PAGE_SIZE).get_page(number)
    labels = results.labels_for(result.facets, query.filters)
    language = active_language()
    links = search.links
    context = {
        "search": search,
        "query": query,
        "result": result,
        "page": page,
        "max_depth": MAX_DEPTH,
        "max_query_chars": MAX_QUERY_CHARS,
        "items": results.load_items(result.hits),
        "reader_language": language,
        "facet_groups": results.facet_groups(result.facets, query.filters, labels),
        "chips": results.chips(links, query.filters, labels),
        "clear_filters_query": query_with(links, drop=results.FILTERS),
        "exact_query": query_with(links, exact="1") if result.corrected else "",
        "my_language": _my_language(result, query, links, language),
        "export_query": query_with(links),
        "export_limit": EXPORT_LIMIT,
    }
    if result.total == 0:
        context.update(_nothing_found(search, backend, language))
    return context


def _my_language(result: SearchResult, query: SearchQuery, links: QueryDict, language: str) -> dict | None:
    """The "only in my language" switch: the language filter set to the reader's language, or
    removed when it is that already. Offered when it changes something."""
    count = dict(result.facets.get("language", [])).get(language, 0)
    selected = query.filters.get("language", [])
    active = selected == [language]
    if not active and not (count and (selected or count < result.total)):
        return None
    return {
        "active": active,
        "name": language_name(language, in_sentence=True),
        "count": count,
        "query": query_with(links, language=None if active else [language]),
    }


@dataclass(frozen=True)
class Equivalent:
    """A word of the glossary in another language, and the search for it."""

    language: str
    term: str
    query: str


def glossary_matches(text: str) -> list:
    """The glossary's concepts named in `text` (gcmhub.search.glossary.find)."""
    try:
        from gcmhub.search import glossary
    except ImportError:  # a deployment that left the glossary module out
        return []
    return glossary.find(text)


def equivalents(search: PageSearch) -> list[tuple[str, list[Equivalent]]]:
    """[(language name, words)]: the glossary's words for the concepts named in the search, in
    the languages other than the one they were typed in, but those typed already."""
    typed = f" {suggest.fold(search.query.text)} "
    found: dict[str, list[Equivalent]] = {}
    seen: set[str] = set()
    for match in glossary_matches(search.query.text):
        for code, terms in match.terms.items():
            if code == match.language:
                continue
            for term in terms:
                key = suggest.fold(term)
                if not key or key in seen or f" {key} " in typed or len(seen) >= MAX_EQUIVALENTS:
                    continue
                seen.add(key)
                query = query_with(search.links, q=term, exact=None)
                found.setdefault(code, []).append(Equivalent(code, term, query))
    return [(language_name(code), terms) for code, terms in found.items()]


def _nothing_found(search: PageSearch, backend, language: str) -> dict:
    """What a page that found nothing offers: the nearest names and titles, the matches without
    the filters, and the glossary's words in the other languages."""
    query = search.query
    without_filters = None
    if query.filters:
        total = backend.search(replace(query, filters={}, facets=[], limit=1, offset=0)).total
        if total:
            without_filters = {"count": total, "query": query_with(search.links, drop=results.FILTERS)}
    return {
        "nearest": suggest.suggestions(query.text, language, NEAREST_SUGGESTIONS) if query.text else [],
        "without_filters": without_filters,
        "equivalents": equivalents(search) if query.text else [],
    }


# --- Exports ----------------------------------------------------------------------------------------


@require_GET
def export(request, fmt):
    """Every match as CSV or XLSX; more than EXPORT_LIMIT matches is refused with a 400 page that
    says how many there are, rather than a file that silently leaves some out."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    search = read_search(request.GET, limit=EXPORT_LIMIT)
    query = search.query
    result = get_backend().search(query)
    if result.total > EXPORT_LIMIT:
        context = {"total": result.total, "limit": EXPORT_LIMIT, "search_query": query_with(search.links)}
        return render(request, "search/export_refused.html", context, status=400)
    rows = results.export_rows(result.hits, request)
    filename = f"gcmhub-search-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    if fmt == "csv":
        return tabular.csv_response(filename, results.export_columns(), rows)
    return tabular.xlsx_response(filename, [results.export_sheet(rows, query=query, total=result.total)])


# --- Suggestions while typing ------------------------------------------------------------------------


@require_GET
def suggestions(request):
    """At most ten suggestions for what is typed in the search box, as JSON for static/js/search.js:
    {"suggestions": [{kind, kind_label, label, url, lang, document}], "status": "3 suggestions."}."""
    text = suggest.clean(request.GET.get("q", ""))
    options = suggest.suggestions(text, active_language())
    if options:
        status = ngettext("%(count)s suggestion.", "%(count)s suggestions.", len(options)) % {"count": len(options)}
    else:
        status = _("No suggestions.") if text else ""
    response = JsonResponse({"suggestions": [option.as_json() for option in options], "status": status})
    patch_cache_control(response, max_age=60)
    return response
