"""Placeholder views (404) until this module's owner writes them."""

from django.http import Http404


def figures(request, *args, **kwargs):
    raise Http404

