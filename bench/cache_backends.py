"""Time the page cache's storage candidates on this machine: Django's file cache and database
cache (on the database of DATABASE_URL: SQLite by default, PostgreSQL when it points there).

    .venv/bin/python bench/cache_backends.py [--entries 2000 --size 30000 --requests 2000]

For each backend: fill it with `entries` pages of `size` bytes (the page cache's entry tuple), then
time `requests` lookups of random present keys (a hit), lookups of absent keys (a miss), and
stores (a first hit's cost), single process; plus the generation read that precedes every lookup.
Prints a Markdown table of p50/p95 in microseconds. Uses a temporary folder (and, on SQLite, a
temporary database), deleted at the end.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def timed(func, n):
    out = []
    for i in range(n):
        started = time.perf_counter()
        func(i)
        out.append((time.perf_counter() - started) * 1e6)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=2000)
    parser.add_argument("--size", type=int, default=30000)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="gcmhub-cache-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings.test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3")
    import django
    from django.conf import settings

    settings_caches = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "file": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(folder / "files"),
            "OPTIONS": {"MAX_ENTRIES": args.entries * 3},
        },
        "file, culled every 100 stores (gcmhub)": {
            "BACKEND": "gcmhub.pagecache.backends.PageFileCache",
            "LOCATION": str(folder / "files-gcmhub"),
            "OPTIONS": {"MAX_ENTRIES": args.entries * 3, "CULL_EVERY": 100},
        },
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "gcmhub_cache_bench",
            "OPTIONS": {"MAX_ENTRIES": args.entries * 3},
        },
    }
    django.setup()
    settings.CACHES = settings_caches
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    from gcmhub.pagecache import generations

    rng = random.Random(5)
    page = bytes(rng.getrandbits(8) for _ in range(args.size))
    rows = []
    try:
        for name in ("file", "file, culled every 100 stores (gcmhub)", "database"):
            cache = caches[name]
            cache.clear()
            entry = (1, 200, [("Content-Type", "text/html; charset=utf-8")], page, '"etag"', 0.0, 2e9)
            for n in range(args.entries):
                cache.set(f"p:{n}", entry, 3600)
            hits = timed(lambda i, c=cache: c.get(f"p:{rng.randrange(args.entries)}"), args.requests)
            misses = timed(lambda i, c=cache: c.get(f"absent:{i}"), args.requests)
            stores = timed(lambda i, c=cache, e=entry: c.set(f"new:{i}", e, 3600), min(args.requests, args.entries))
            rows.append((name, hits, misses, stores))
        reads = timed(lambda i: generations.read_all(), args.requests)
    finally:
        caches["database"].clear()
        shutil.rmtree(folder, ignore_errors=True)

    print(f"{connection.vendor}, {args.entries} entries of {args.size // 1000} KB, {args.requests} requests (µs)")
    print()
    print("| storage | hit p50 | hit p95 | miss p50 | store p50 | store p95 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, hits, misses, stores in rows:
        print(
            f"| {name} | {statistics.median(hits):.0f} | {pct(hits, 0.95):.0f} | {statistics.median(misses):.0f} "
            f"| {statistics.median(stores):.0f} | {pct(stores, 0.95):.0f} |"
        )
    print(f"| generations read (every lookup) | {statistics.median(reads):.0f} | {pct(reads, 0.95):.0f} | | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
