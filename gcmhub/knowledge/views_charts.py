"""Figures of the knowledge platform (public)."""

from django.shortcuts import render

from gcmhub.knowledge.charts import THIN_BELOW, build_figures


def figures(request):
    context = {"figures": build_figures(), "thin_below": THIN_BELOW}
    return render(request, "knowledge/figures.html", context)
