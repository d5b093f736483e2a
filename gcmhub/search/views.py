"""The search page across resources, practices and work-plan activities, and its exports.

Everything the page shows comes from one engine query (hits, total, facet counts) plus a fixed
number of database queries: the hits' items (one per kind on the page) and the facet labels (one
per facet type with values), whatever the number of matches.
"""

from functools import partial

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from gcmhub import pagecache
from gcmhub.lib import params, tabular
from gcmhub.lib.i18n import active_language
from gcmhub.search import get_backend, results
from gcmhub.search.engine import MAX_DEPTH, SearchQuery
from gcmhub.search.models import IndexChange

PAGE_SIZE = 20
# The page reaches the first MAX_DEPTH hits (500 pages); a deeper page number shows the last of them.
MAX_PAGE = MAX_DEPTH // PAGE_SIZE
EXPORT_LIMIT = MAX_DEPTH
MAX_QUERY_CHARS = 200


def parse_query(params, *, limit: int, page: int = 1) -> SearchQuery:
    """The engine query of the page's parameters (q, sort, one list per facet)."""
    text = (params.get("q") or "").strip()[:MAX_QUERY_CHARS]
    filters = {}
    for name in results.FILTERS:
        values = [value[: results.MAX_VALUE_CHARS] for value in params.getlist(name) if value]
        if values:
            filters[name] = list(dict.fromkeys(values))[: results.MAX_VALUES]
    sort = params.get("sort")
    if sort not in ("relevance", "date"):
        sort = "relevance" if text else "date"
    return SearchQuery(
        text=text,
        filters=filters,
        facets=list(results.SHOWN_FACETS),
        sort=sort,
        limit=limit,
        offset=(page - 1) * limit,
        language=active_language(),
    )


def index_generation(request):
    """What the search page shows besides the database (gcmhub.pagecache): the index, which a
    task updates after the change's commit. tantivy: its commit fingerprint; otherwise the
    change log's newest row (the task deletes the rows it applied, so this changes then)."""
    backend = get_backend()
    if hasattr(backend, "generation"):
        return backend.generation()
    return IndexChange.objects.order_by("-id").values_list("id", flat=True).first()


@require_GET
@pagecache.cacheable(scopes=("knowledge", "workplan", "taxonomy"), vary=(index_generation,))
def search(request):
    """The page's title needs the words only; the rest, the same for every visitor, is computed by
    `search_content` when the template's `{% fragment %}` (per query string, index generation,
    language and data generations) has not kept it yet."""
    context = {
        "query": parse_query(request.GET, limit=PAGE_SIZE),
        "index_generation": index_generation(request),
        "content": partial(search_content, request),
    }
    return render(request, "search/search.html", context)


def search_content(request) -> dict:
    number = params.page_number(request.GET.get("page"), last=MAX_PAGE)
    query = parse_query(request.GET, limit=PAGE_SIZE, page=number)
    backend = get_backend()
    result = backend.search(query)
    last = params.last_page(result.total, PAGE_SIZE, max_items=MAX_DEPTH)
    if number > last:  # a page past the end (stale link): show the last one
        number = last
        query = parse_query(request.GET, limit=PAGE_SIZE, page=number)
        result = backend.search(query)
    page = Paginator(range(min(result.total, MAX_DEPTH)), PAGE_SIZE).get_page(number)
    labels = results.labels_for(result.facets, query.filters)
    return {
        "query": query,
        "result": result,
        "page": page,
        "max_depth": MAX_DEPTH,
        "items": results.load_items(result.hits),
        "facet_groups": results.facet_groups(result.facets, query.filters, labels),
        "chips": results.chips(request.GET, query.filters, labels),
        "export_query": results.querystring(request.GET, drop=("page",)),
    }


@require_GET
def export(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    query = parse_query(request.GET, limit=EXPORT_LIMIT)
    result = get_backend().search(query)
    rows = results.export_rows(result.hits, request)
    filename = f"gcmhub-search-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    if fmt == "csv":
        return tabular.csv_response(filename, results.export_columns(), rows)
    return tabular.xlsx_response(filename, [results.export_sheet(rows, query=query, total=result.total)])
