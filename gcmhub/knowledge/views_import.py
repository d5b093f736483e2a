"""Placeholder views (404) until this module's owner writes them."""

from django.http import Http404


def import_upload(request, *args, **kwargs):
    raise Http404


def import_report(request, *args, **kwargs):
    raise Http404

