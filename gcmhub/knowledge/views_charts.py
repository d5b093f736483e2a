"""Figures of the knowledge platform (public)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from gcmhub import pagecache
from gcmhub.knowledge.charts import THIN_BELOW, build_figures


@require_safe
@pagecache.cacheable(scopes=("knowledge", "taxonomy"))
def figures(request):
    # The same for every visitor: computed once per change of the Hub (five aggregate queries).
    figures = pagecache.remember("knowledge-figures", ("knowledge", "taxonomy"), build_figures)
    context = {"figures": figures, "thin_below": THIN_BELOW}
    return render(request, "knowledge/figures.html", context)
