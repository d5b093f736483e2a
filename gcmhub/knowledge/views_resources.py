"""Placeholder views (404) until this module's owner writes them."""

from django.http import Http404


def hub_home(request, *args, **kwargs):
    raise Http404


def resource_propose(request, *args, **kwargs):
    raise Http404


def resource_proposals(request, *args, **kwargs):
    raise Http404


def resource_detail(request, *args, **kwargs):
    raise Http404


def resource_decide(request, *args, **kwargs):
    raise Http404


def resource_feedback(request, *args, **kwargs):
    raise Http404


def feedback_results(request, *args, **kwargs):
    raise Http404


def feedback_export(request, *args, **kwargs):
    raise Http404


def feedback_tool(request, *args, **kwargs):
    raise Http404

