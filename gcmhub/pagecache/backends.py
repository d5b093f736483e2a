"""A file cache for the page cache: Django's, with culling at most every `CULL_EVERY` stores.

Django's FileBasedCache lists its whole folder at every `set()` to count the entries: with a few
thousand pages that costs 15–50 ms per store on this machine (bench/cache_backends.py), more than
computing most pages. Here each process counts again only every `CULL_EVERY` stores, so the folder
holds at most MAX_ENTRIES + CULL_EVERY × processes entries between two counts.
"""

from django.core.cache.backends.filebased import FileBasedCache


class PageFileCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        options = params.get("OPTIONS", {})
        self._cull_every = max(1, int(options.get("CULL_EVERY", 100)))
        self._stores = 0

    def _cull(self):
        self._stores += 1
        if self._stores % self._cull_every == 1 or self._cull_every == 1:
            # Django's private culling, which django-stubs leaves out of FileBasedCache.
            super()._cull()  # type: ignore[misc]
