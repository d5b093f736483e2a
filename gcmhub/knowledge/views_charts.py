"""Figures of the knowledge platform (public)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from gcmhub import pagecache
from gcmhub.knowledge.charts import THIN_BELOW, build_figures


@require_safe
@pagecache.cacheable(scopes=("knowledge", "taxonomy"))
def figures(request):
    context = {"figures": build_figures(), "thin_below": THIN_BELOW}
    return render(request, "knowledge/figures.html", context)
