import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _reset_language():
    """Each test starts in English: a language activated by one test must not leak into the next."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache: throttle counters (and cached pages) must not leak
    from one test into the next (test settings use a per-process LocMem cache)."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    for cache in caches.all(initialized_only=True):
        # A cache in the database is rolled back with each test's transaction, and clearing it
        # would query the database from tests that may not (SimpleTestCase).
        if not isinstance(cache, DatabaseCache):
            cache.clear()
    yield
