"""One search interface over resources, practices and work-plan activities (issue 3 §4).

`get_backend()` returns the process-wide backend chosen by `settings.SEARCH_BACKEND`: "tantivy"
(an index in `settings.SEARCH_INDEX_DIR`) or "postgres" (a table in the default database).
"""

import threading

_lock = threading.Lock()
_backend = None


def get_backend():
    global _backend
    if _backend is None:
        with _lock:
            if _backend is None:
                _backend = _make_backend()
    return _backend


def reset_backend() -> None:
    """Forget the process-wide backend (tests that change settings; after a fork)."""
    global _backend
    with _lock:
        if _backend is not None and hasattr(_backend, "release"):
            _backend.release()
        _backend = None


def _make_backend():
    from django.conf import settings

    name = getattr(settings, "SEARCH_BACKEND", "tantivy")
    if name == "postgres":
        from gcmhub.search.backends.postgres_backend import PostgresBackend

        return PostgresBackend("default")
    if name == "tantivy":
        from gcmhub.search.backends.tantivy_backend import TantivyBackend

        return TantivyBackend(
            settings.SEARCH_INDEX_DIR, result_cache_size=getattr(settings, "SEARCH_RESULT_CACHE_SIZE", 256)
        )
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"SEARCH_BACKEND must be tantivy or postgres, not {name!r}")
