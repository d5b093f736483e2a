"""Placeholder views (404) until this module's owner writes them."""

from django.http import Http404


def search(request, *args, **kwargs):
    raise Http404


def export(request, *args, **kwargs):
    raise Http404
