"""Which views the page cache serves, and what their pages depend on.

A view opts in with `@pagecache.cacheable(...)` (its policy travels on the view function), or by
name in `settings.PAGE_CACHE_VIEWS` ({"namespace:name" or "namespace:*": scopes}) for views whose
code does not know about the cache. Views that are neither are never cached.
"""

import functools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import Resolver404, get_resolver
from django.utils import translation
from django.utils.module_loading import import_string

ALL = None  # scopes=ALL: the page depends on every content app


@dataclass(frozen=True)
class Policy:
    # App labels whose changes the page shows; None: all of settings.PAGE_CACHE_APPS.
    scopes: tuple[str, ...] | None = None
    # Callables (or dotted paths) of the request whose values join the key: data that lives
    # outside the database, e.g. the search index's generation.
    vary: tuple[Any, ...] = ()

    def vary_values(self, request) -> tuple:
        return tuple((import_string(f) if isinstance(f, str) else f)(request) for f in self.vary)


def cacheable(scopes=ALL, vary=()):
    """Let anonymous GETs of this view be served from the page cache (see gcmhub.pagecache)."""
    policy = Policy(scopes=tuple(scopes) if scopes is not None else None, vary=tuple(vary))

    def decorator(view):
        view.page_cache_policy = policy
        return view

    return decorator


@dataclass(frozen=True)
class Match:
    policy: Policy
    view_name: str


def _from_settings(view_name: str) -> Policy | None:
    configured = getattr(settings, "PAGE_CACHE_VIEWS", {})
    namespace = view_name.rpartition(":")[0]
    for candidate in (view_name, f"{namespace}:*"):
        if candidate in configured:
            scopes = configured[candidate]
            return Policy(scopes=tuple(scopes) if scopes is not None else None)
    return None


@functools.lru_cache(maxsize=4096)
def match(path: str, language: str) -> Match | None:
    """The policy of the view that serves `path` in `language`, or None (not cacheable)."""
    with translation.override(language):
        try:
            resolved = get_resolver().resolve(path)
        except Resolver404:
            return None
    policy = getattr(resolved.func, "page_cache_policy", None) or _from_settings(resolved.view_name)
    return Match(policy, resolved.view_name) if policy is not None else None


def on_setting_changed(setting, **kwargs):
    if setting in ("ROOT_URLCONF", "PAGE_CACHE_VIEWS", "LANGUAGES", "LANGUAGE_CODE"):
        match.cache_clear()
