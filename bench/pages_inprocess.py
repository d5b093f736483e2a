"""Signed-in renders of the public pages outside the work plan, in-process, beside the 10 KB
template page rendered the same way (the profiling helper behind docs/performance.md's
"Signed-in renders in-process").

    [N=40 PLANS=10 KN=2000] .venv/bin/python bench/pages_inprocess.py all      # or page names
    PROF=figures SORT=tottime .venv/bin/python bench/pages_inprocess.py figures  # plus a cProfile

Test settings on a temporary SQLite file (bench/workplan.py's set-up and data, bench/search.py's
Hub, the search index built), a Secretariat member signed in; prints the median ms over N requests
(after 3), the size and the query count of each page. The test settings run without the page
cache, so `pagecache.remember` computes every time (the figures page).
"""

import cProfile
import io
import os
import pstats
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(names: list[str]) -> None:
    os.environ["GCMHUB_BENCH_PAGES"] = "True"
    import search as search_bench
    import workplan as workplan_bench

    _url, folder = workplan_bench.setup_django()
    import importlib

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import clear_url_caches

    import gcmhub.urls
    from gcmhub.accounts.models import Role, User
    from gcmhub.knowledge.models import Practice, Resource
    from gcmhub.search.indexing import rebuild
    from gcmhub.taxonomy.models import Country, Organisation

    workplan_bench.generate(int(os.environ.get("PLANS", 10)), 120, 10)
    search_bench.generate(int(os.environ.get("KN", 2000)))
    rebuild()
    settings.BENCH_PAGES = True
    clear_url_caches()
    importlib.reload(gcmhub.urls)
    user, _ = User.objects.get_or_create(email="bench@secretariat.example.org", defaults={"full_name": "Bench"})
    Role.objects.get_or_create(user=user, kind=Role.Kind.SECRETARIAT)
    client = Client()
    client.force_login(user)
    resource = Resource.objects.filter(slug__startswith="bench-r-").order_by("-pk").first().slug
    practice = Practice.objects.filter(slug__startswith="bench-p-").order_by("-pk").first().slug
    organisation = Organisation.objects.filter(slug__startswith="bench-org-").order_by("pk").first().slug
    country = Country.objects.order_by("pk").first().iso3.lower()
    pages = {
        "template": "/bench/template/",
        "bare": "/bench/bare/",
        "home": "/en/",
        "objectives": "/en/gcm/objectives/",
        "objective": "/en/gcm/objectives/3/",
        "principles": "/en/gcm/principles/",
        "principle": "/en/gcm/principles/a/",
        "areas": "/en/gcm/thematic-areas/",
        "area": "/en/gcm/thematic-areas/1/",
        "countries": "/en/gcm/countries/",
        "country": f"/en/gcm/countries/{country}/",
        "organisations": "/en/gcm/organisations/",
        "organisation": f"/en/gcm/organisations/{organisation}/",
        "hub": "/en/hub/",
        "resource": f"/en/hub/resources/{resource}/",
        "practice": f"/en/hub/practices/{practice}/",
        "calls": "/en/hub/calls/",
        "figures": "/en/hub/figures/",
        "search": "/en/search/",
        "searchq": "/en/search/?q=migrants",
        "search-res": "/en/search/?kind=resource",
        "feedback": "/en/hub/feedback/",
    }
    requests = int(os.environ.get("N", 15))
    try:
        for name, path in pages.items():
            if names != ["all"] and name not in names:
                continue
            for _ in range(3):
                response = client.get(path)
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            print(
                f"{name:14s} {response.status_code} {statistics.median(times):7.1f} ms "
                f"{len(response.content) / 1024:6.1f} KB  {len(queries)} q",
                flush=True,
            )
        if os.environ.get("PROF"):
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(20):
                client.get(pages[os.environ["PROF"]])
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)
            print(out.getvalue())
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:] or ["all"])
