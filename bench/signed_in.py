"""Signed-in (uncached) renders of every page, in-process, beside the baselines' 10 KB template
page rendered by the same process: CPU time per request and its ratio to the template page's.

    .venv/bin/python bench/signed_in.py [--folder /tmp/gcmhub-signed] [--requests 60] [--rounds 2]
        [--only NAME ...] [--against OTHER_SOURCE_TREE] [--profile NAME [--sort tottime]]

What it does:
1. In a child process with the production settings (`gcmhub.settings.production` with the
   bench-only reference pages on), `bench/httpbench.py`'s preparation: migrate, collect the static
   files, generate the bench data (bench/workplan.py's 50 plans × 120 activities × 10 updates,
   bench/search.py's Hub of 4,000 resources and practices, calls), build the search index, create
   a Secretariat member with a session and an API token. `--folder` keeps it all for the next run.
2. In another child process (`--source`: which source tree's `gcmhub` package to import; the
   default is this one), each page is requested with Django's test client through the whole
   middleware stack — pages with the signed-in session cookie, API lists with the token — 3 times
   to warm up, then `--requests` times; the median CPU time of the process per request is kept
   (CPU time holds better than wall time on a machine shared with other work).
3. The references, measured the same way in the same process: the bare view and the 10 KB template
   page anonymous (as the baselines measured them), the template page signed in (the session read,
   the context processors), and the site's chrome alone (`base.html` around an empty block) signed
   in and anonymous.
4. With `--against DIR` (another source tree, e.g. `git archive <commit> | tar -x -C DIR`), the two
   trees are measured alternately, `--rounds` times each, on the same data: a before/after table.
5. `--modes warm,cold`: "warm" runs with the page cache's storage on, as in production, so parts of
   pages kept by `{% fragment %}` (the same for every visitor, keyed by the data's generations)
   are read, not computed, after the first request; "cold" runs with `PAGE_CACHE_ENABLED=False`:
   every request computes everything, as the first one after a change of the data does.

Ratios: "× tpl" is the template page's CPU time (anonymous: the baselines' page) divided by the
page's, in the same child process; ≥ 1.0 means at least as fast as the template page.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"

SETTINGS = """
from gcmhub.settings.production import *  # noqa: F403
ROOT_URLCONF = "signed_in_urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], {templates!r}]  # noqa: F405
"""

# The chrome page: base.html around an empty content block, under the language prefix like every
# page (its language links are worked out the same way).
URLS = """
from django.conf.urls.i18n import i18n_patterns
from django.shortcuts import render
from django.urls import path

from gcmhub.urls import urlpatterns as site_patterns


def chrome(request):
    return render(request, "signed_in_chrome.html")


urlpatterns = [*site_patterns, *i18n_patterns(path("bench/chrome/", chrome))]
"""

CHROME = '{% extends "base.html" %}{% block content %}{% endblock %}'


def environment(folder: Path) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "signed_in_settings",
        "SECRET_KEY": "bench-" + "k3y-n0t-f0r-pr0duct10n-" * 3,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "False",
        "GCMHUB_VAR_DIR": str(folder),
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "SEARCH_INDEX_DIR": str(folder / "search-index"),
        "PAGE_CACHE_DIR": str(folder / "page-cache"),
        "GCMHUB_BENCH_PAGES": "True",
        "LOG_LEVEL": "WARNING",
    }


def write_support_files(folder: Path) -> None:
    templates = folder / "templates"
    templates.mkdir(parents=True, exist_ok=True)
    (templates / "signed_in_chrome.html").write_text(CHROME)
    (folder / "signed_in_settings.py").write_text(SETTINGS.format(templates=str(templates)))
    (folder / "signed_in_urls.py").write_text(URLS)


def pages(ids: dict) -> list[tuple[str, str, str]]:
    """(name, path, credentials): "anon", "session" or "token"."""
    plan, activity = ids["plan"], ids["activity"]
    wp = f"/en/workplan/{plan}"
    return [
        ("bare view (anonymous)", "/bench/bare/", "anon"),
        ("template page (anonymous)", "/bench/template/", "anon"),
        ("template page (signed in)", "/bench/template/", "session"),
        ("chrome only (anonymous)", "/en/bench/chrome/", "anon"),
        ("chrome only (signed in)", "/en/bench/chrome/", "session"),
        # The work plan
        ("work plan overview", f"{wp}/", "session"),
        ("priority", f"{wp}/priorities/{ids['priority']}/", "session"),
        ("activity page", f"/en/workplan/activities/{activity}/", "session"),
        ("activity page (fr)", f"/fr/workplan/activities/{activity}/", "session"),
        ("activity list", f"{wp}/activities/", "session"),
        ("activity list, filtered", f"{wp}/activities/?kind=core&period=2021&sort=due", "session"),
        ("calendar", f"{wp}/calendar/", "session"),
        ("calendar, filtered", f"{wp}/calendar/?kind=thematic", "session"),
        ("dashboard", f"{wp}/dashboard/", "session"),
        ("my deadlines", "/en/workplan/my-deadlines/", "session"),
        ("work plan index", "/en/workplan/", "session"),
        # The Hub and search
        ("home", "/en/", "session"),
        ("hub home", "/en/hub/", "session"),
        ("resource", f"/en/hub/resources/{ids['resource']}/", "session"),
        ("practice", f"/en/hub/practices/{ids['practice']}/", "session"),
        ("calls", "/en/hub/calls/", "session"),
        ("call", f"/en/hub/calls/{ids['call']}/", "session"),
        ("search, no words", "/en/search/", "session"),
        ("search, words", "/en/search/?q=migrants", "session"),
        ("search, kind=resource", "/en/search/?kind=resource", "session"),
        ("tool feedback results", "/en/hub/feedback/", "session"),
        # Reference pages (gcmhub/taxonomy)
        ("objectives", "/en/gcm/objectives/", "session"),
        ("principles", "/en/gcm/principles/", "session"),
        ("principle", "/en/gcm/principles/a/", "session"),
        ("thematic areas", "/en/gcm/thematic-areas/", "session"),
        ("countries", "/en/gcm/countries/", "session"),
        ("country", f"/en/gcm/countries/{ids['country']}/", "session"),
        ("organisations", "/en/gcm/organisations/", "session"),
        ("organisation", f"/en/gcm/organisations/{ids['org']}/", "session"),
        # The API (a token)
        ("API activities?limit=50", "/api/v1/activities?limit=50", "token"),
        ("API activities?limit=50&workplan", f"/api/v1/activities?limit=50&workplan={plan}", "token"),
        ("API priorities", f"/api/v1/workplans/{plan}/priorities?limit=50", "token"),
        ("API workplans", "/api/v1/workplans?limit=50", "token"),
        ("API updates of an activity", f"/api/v1/activities/{activity}/updates?limit=50", "token"),
        ("API resources?limit=50", "/api/v1/resources?limit=50", "token"),
        ("API practices?limit=50", "/api/v1/practices?limit=50", "token"),
        ("API organisations?limit=50", "/api/v1/organisations?limit=50", "token"),
    ]


REFERENCE = "template page (anonymous)"
SIGNED_REFERENCE = "template page (signed in)"


# --- The child processes -------------------------------------------------------------------------


def prepare(folder: Path) -> None:
    sys.path[:0] = [str(folder), str(BENCH), str(ROOT)]
    import httpbench

    ids = httpbench.prepare(50, 120, 10, 4000)
    (folder / "ids.json").write_text(json.dumps(ids))


def worker(folder: Path, source: Path, requests: int, only: list[str] | None, profile: str | None, sort: str):
    sys.path[:0] = [str(folder), str(source)]
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    ids = json.loads((folder / "ids.json").read_text())
    clients = {
        "anon": Client(),
        "session": Client(),
        "token": Client(HTTP_AUTHORIZATION=f"Bearer {ids['token']}"),
    }
    clients["session"].cookies["sessionid"] = ids["session"]
    results = {}
    for name, path, credentials in pages(ids):
        if only and name not in (REFERENCE, SIGNED_REFERENCE) and not any(word in name for word in only):
            continue
        client = clients[credentials]
        response = client.get(path)
        if response.status_code != 200:
            results[name] = {"status": response.status_code}
            continue
        for _ in range(2):
            client.get(path)
        times = []
        for _ in range(requests):
            started = time.process_time()
            client.get(path)
            times.append((time.process_time() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        results[name] = {
            "status": 200,
            "ms": statistics.median(times),
            "kb": len(response.content) / 1024,
            "queries": len(queries),
        }
    if profile:
        name, path, credentials = next(p for p in pages(ids) if p[0] == profile)
        import cProfile
        import io
        import pstats

        client = clients[credentials]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            client.get(path)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(60)
        print(out.getvalue(), file=sys.stderr)
    print(json.dumps(results))


# --- The parent ----------------------------------------------------------------------------------


def run_child(folder: Path, argv: list[str], timeout: float = 3600, extra_env: dict | None = None) -> str:
    env = {**os.environ, **environment(folder), "PYTHONPATH": "", **(extra_env or {})}
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).resolve()), *argv],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"child failed: {' '.join(argv)}")
    if done.stderr.strip():
        sys.stderr.write(done.stderr)
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folder", help="keep the data in this folder (reused when it holds them)")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page")
    parser.add_argument("--rounds", type=int, default=1, help="rounds per source tree")
    parser.add_argument("--only", action="append", help="pages whose name contains this (references always)")
    parser.add_argument("--against", help="another source tree, measured alternately (before/after)")
    parser.add_argument("--modes", default="warm", help="warm, cold or warm,cold (see above)")
    parser.add_argument("--profile", help="a cProfile of this page (name as in the table), to stderr")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort order")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--source", default=str(ROOT), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.prepare:
        prepare(Path(args.folder))
        return 0
    if args.worker:
        worker(Path(args.folder), Path(args.source), args.requests, args.only, args.profile, args.sort)
        return 0

    folder = Path(args.folder or tempfile.mkdtemp(prefix="gcmhub-signed-in-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        write_support_files(folder)
        if not (folder / "ids.json").exists():
            print(f"Preparing the data in {folder}...", file=sys.stderr)
            run_child(folder, ["--prepare", f"--folder={folder}"])
        trees = [("after", Path(args.source))]
        if args.against:
            trees.insert(0, ("before", Path(args.against)))
        modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
        variants = [
            (f"{label} {mode}" if len(modes) > 1 else label, source, mode) for label, source in trees for mode in modes
        ]
        runs: dict[str, list[dict]] = {label: [] for label, _source, _mode in variants}
        for round_ in range(args.rounds):
            for label, source, mode in variants:
                child = ["--worker", f"--folder={folder}", f"--source={source}", f"--requests={args.requests}"]
                child += [f"--only={word}" for word in args.only or []]
                if args.profile and label.startswith("after") and round_ == 0:
                    child += [f"--profile={args.profile}", f"--sort={args.sort}"]
                extra = {"PAGE_CACHE_ENABLED": "False"} if mode == "cold" else {}
                runs[label].append(json.loads(run_child(folder, child, extra_env=extra)))
                print(f"round {round_ + 1}, {label}: done", file=sys.stderr)
        print(report(runs, args))
    finally:
        if not args.folder:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def report(runs: dict[str, list[dict]], args) -> str:
    labels = list(runs)
    names = list(runs[labels[-1]][0])
    lines = [
        f"In-process, median CPU ms of {args.requests} requests per page, {args.rounds} round(s) per source "
        f"tree; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores. "
        "× tpl = the anonymous 10 KB template page's CPU time ÷ the page's, same process "
        "(× signed tpl: the template page signed in).",
        "",
    ]
    header = "| page | KB | queries |"
    rule = "| --- | ---: | ---: |"
    for label in labels:
        header += f" {label} ms | {label} × tpl |"
        rule += " ---: | ---: |"
    header += " × signed tpl |"
    rule += " ---: |"
    lines += [header, rule]
    for name in names:
        last = runs[labels[-1]][-1].get(name, {})
        if last.get("status") != 200:
            lines.append(f"| {name} | HTTP {last.get('status')} | | " + "| " * (2 * len(labels) + 1))
            continue
        row = f"| {name} | {last['kb']:.0f} | {last['queries']} |"
        for label in labels:
            values = [run[name]["ms"] for run in runs[label] if run.get(name, {}).get("status") == 200]
            ratios = [
                run[REFERENCE]["ms"] / run[name]["ms"] for run in runs[label] if run.get(name, {}).get("status") == 200
            ]
            row += f" {' / '.join(f'{v:.1f}' for v in values)} | {' / '.join(f'{r:.2f}' for r in ratios)} |"
        signed = [run[SIGNED_REFERENCE]["ms"] / run[name]["ms"] for run in runs[labels[-1]]]
        row += f" {' / '.join(f'{r:.2f}' for r in signed)} |"
        lines.append(row)
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
