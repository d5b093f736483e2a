"""Placeholder views (404) until this module's owner writes them."""

from django.http import Http404


def practice_new(request, *args, **kwargs):
    raise Http404


def practice_detail(request, *args, **kwargs):
    raise Http404


def practice_edit(request, *args, **kwargs):
    raise Http404


def practice_update(request, *args, **kwargs):
    raise Http404


def practice_withdraw(request, *args, **kwargs):
    raise Http404


def attachment_delete(request, *args, **kwargs):
    raise Http404


def my_submissions(request, *args, **kwargs):
    raise Http404


def call_list(request, *args, **kwargs):
    raise Http404


def call_detail(request, *args, **kwargs):
    raise Http404

