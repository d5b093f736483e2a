"""The search page against the baselines' 10 KB template page, measured in the same run.

    DATABASE_URL=… SEARCH_INDEX_DIR=… .venv/bin/python bench/search_ratio.py [rounds]

On data kept by `bench/search.py --keep` (its last line prints the two variables). Each round
requests the 10 KB template page (`gcmhub/benchpages.py`), then the search page of each query of
`bench/search.py` in turn, in-process (django.test.Client, test settings, result cache off), and
right after each page the engine's own query; 3 warm-up rounds, then `rounds` timed ones
(default 20). Interleaving shares the machine's noise between the baseline and the pages, so the
ratio holds on a busy machine when the milliseconds do not. Prints a Markdown table.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main(rounds: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings.test")
    os.environ["GCMHUB_BENCH_PAGES"] = "True"
    if not os.environ.get("DATABASE_URL") or not os.environ.get("SEARCH_INDEX_DIR"):
        sys.exit("Set DATABASE_URL and SEARCH_INDEX_DIR to the data kept by bench/search.py --keep.")
    import django

    django.setup()
    from django.conf import settings
    from django.http import QueryDict
    from django.test import Client
    from django.utils import translation
    from search import QUERIES

    from gcmhub.lib.params import page_number
    from gcmhub.search import get_backend, reset_backend
    from gcmhub.search.views import MAX_PAGE, PAGE_SIZE, parse_query

    settings.SEARCH_INDEX_DIR = Path(os.environ["SEARCH_INDEX_DIR"])
    settings.SEARCH_RESULT_CACHE_SIZE = 0
    settings.ALLOWED_HOSTS = ["testserver"]
    reset_backend()
    backend = get_backend()
    client = Client()
    pages = [("10 KB template page (baseline)", "/bench/template/", None)]
    for label, query_string in QUERIES:
        params = QueryDict(query_string)
        with translation.override("en"):
            query = parse_query(params, limit=PAGE_SIZE, page=page_number(params.get("page"), last=MAX_PAGE))
        pages.append((label, "/en/search/" + ("?" + query_string if query_string else ""), query))
    page_ms: dict[str, list[float]] = {label: [] for label, _url, _query in pages}
    engine_ms: dict[str, list[float]] = {label: [] for label, _url, _query in pages}
    for timed in [False] * 3 + [True] * rounds:
        for label, url, query in pages:
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (url, response.status_code)
            if timed:
                page_ms[label].append(elapsed)
            if query is not None:
                started = time.perf_counter()
                backend.search(query)
                if timed:
                    engine_ms[label].append((time.perf_counter() - started) * 1000)
    baseline = statistics.median(page_ms[pages[0][0]])
    print(f"\n{settings.SEARCH_BACKEND}, {rounds} rounds\n")
    print("| page | page p50 ms | page p95 ms | × template p50 | engine p50 ms | engine p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, _url, _query in pages:
        times, engine = page_ms[label], engine_ms[label]
        engine_cells = f"{pct(engine, 50):.1f} | {pct(engine, 95):.1f}" if engine else "– | –"
        print(
            f"| {label} | {pct(times, 50):.1f} | {pct(times, 95):.1f} | {pct(times, 50) / baseline:.1f} | {engine_cells} |"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
