"""Placeholder views (404) until this module's owner writes them."""

from django.http import Http404


def review_queue(request, *args, **kwargs):
    raise Http404


def review_practice(request, *args, **kwargs):
    raise Http404


def screen(request, *args, **kwargs):
    raise Http404


def assign(request, *args, **kwargs):
    raise Http404


def withdraw_assignment(request, *args, **kwargs):
    raise Http404


def decide(request, *args, **kwargs):
    raise Http404


def my_reviews(request, *args, **kwargs):
    raise Http404


def review_assignment(request, *args, **kwargs):
    raise Http404


def roster(request, *args, **kwargs):
    raise Http404


def roster_edit(request, *args, **kwargs):
    raise Http404

