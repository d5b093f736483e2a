"""Two reference pages for `bench/http.py`, served only when `settings.BENCH_PAGES` is on (never in
production): the baselines' bare view and 10 KB template page (shared/docs/performance-baselines.md),
measured by the same server in the same run as gcmhub's pages so figures compare as ratios."""

from django.http import HttpResponse
from django.shortcuts import render

from gcmhub.taxonomy.models import Objective

BARE = (
    b"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>bare</title></head><body>"
    b"<h1>Bare view</h1><p>A fixed page: no template, no query. The floor of a request through the "
    b"server, Django's handler and the project's middleware.</p><p>" + b"x" * 180 + b"</p></body></html>"
)
ITEMS = [
    {
        "title": f"Item {n}: a title of a few words",
        "text": "Words of a paragraph that runs on for a while, to be cut short by the filter. " * 2,
        "score": n * 1.37,
        "flag": n % 3 == 0,
    }
    for n in range(50)
]


def bare(request):
    return HttpResponse(BARE)


def template_page(request):
    rows = list(Objective.objects.order_by("number")[:20])
    return render(request, "bench/template.html", {"items": ITEMS, "rows": rows})
