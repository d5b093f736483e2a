"""Throughput of the work plan's pages and API lists under gunicorn, signed in (uncached renders).

    .venv/bin/python bench/workplan_http.py [--plans 50 --activities 120 --updates 10]
        [--duration 5 --connections 16 --runs 1 --only NAME ...]

What it does, all on loopback and bounded in time:
- a temporary folder with a SQLite database (or DATABASE_URL when set: point it at a scratch
  database), a settings module that is `gcmhub.settings.production` plus two baseline views
  (`/bench/bare/`: a 392-byte page; `/bench/tpl/`: the baselines' 10 KB template page: `extends`,
  a 50-item loop with `truncatewords`/`floatformat`/`if`, a 20-row table from one ORM query), and
  `collectstatic` into that folder;
- the bench data of `bench/workplan.py` (`generate`), and a signed-in Network focal point of one
  lead organisation (a database session, as in production);
- gunicorn as configured (`gunicorn.conf.py`: sync workers; `GUNICORN_WORKERS=2`), its access
  log sent to /dev/null;
- for each page: one request to check the status and size, then `wrk -t2 -c16` for 2 s of
  warm-up and `--duration` s measured (`--runs` times; the median is reported), with the session
  cookie on every request, baselines included.
The table gives req/s, p99 and the ratio to the 10 KB template page measured in the same run.
gunicorn is stopped by its PID at the end, and the folder removed (unless `--keep`).

`--inprocess N`: no server; each page is requested N times in this process with Django's test
client (same settings, same signed-in session), after 5 warm-up requests, and the median CPU time
of this process per request is compared with the template page's. On a machine shared with other
work (the load average counts), CPU time is steadier than wrk's throughput; both are ratios to the
baseline measured in the same run.
"""

import argparse
import importlib.util
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETTINGS = """
from gcmhub.settings.production import *  # noqa
ROOT_URLCONF = "bench_urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], {templates!r}]
"""

URLS = """
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from gcmhub.urls import urlpatterns as site_patterns

from gcmhub.taxonomy.models import Organisation

BARE = "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Bare</title></head><body>" + "x" * 300 + "</body></html>"
ITEMS = [
    {
        "title": f"Item {n} " + "lorem ipsum dolor sit amet consectetur " * 3,
        "body": "Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium",
        "value": n * 1.2345,
        "flag": n % 3 == 0,
    }
    for n in range(50)
]


def bare(request):
    return HttpResponse(BARE)


def tpl(request):
    rows = list(Organisation.objects.order_by("pk")[:20])
    return render(request, "bench_tpl.html", {"items": ITEMS, "rows": rows})


urlpatterns = [path("bench/bare/", bare), path("bench/tpl/", tpl), *site_patterns]
"""

TPL_BASE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}{% endblock %}</title></head>
<body><header><h1>Benchmark</h1></header><main>{% block content %}{% endblock %}</main><footer>End</footer></body></html>
"""

TPL = """{% extends "bench_base.html" %}
{% block title %}Template page{% endblock %}
{% block content %}
<ul>
{% for item in items %}<li class="item">{{ item.title|truncatewords:6 }} <span>{{ item.value|floatformat:2 }}</span> {{ item.body }}{% if item.flag %} <strong>flagged</strong>{% else %} <em>plain</em>{% endif %}</li>
{% endfor %}</ul>
<table><thead><tr><th>Slug</th><th>Name</th><th>Acronym</th></tr></thead><tbody>
{% for row in rows %}<tr><td>{{ row.slug }}</td><td>{{ row.name_en }}</td><td>{{ row.acronym_en }}</td></tr>
{% endfor %}</tbody></table>
<p>{% lorem 2 p %}</p>
{% endblock %}
"""


def _load_generator():
    spec = importlib.util.spec_from_file_location("bench_workplan", ROOT / "bench" / "workplan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def prepare(folder: Path, args) -> dict:
    """Write the settings and baseline views, migrate, generate the data, sign a user in."""
    templates = folder / "templates"
    templates.mkdir(exist_ok=True)
    (templates / "bench_base.html").write_text(TPL_BASE)
    (templates / "bench_tpl.html").write_text(TPL)
    (folder / "bench_settings.py").write_text(SETTINGS.format(templates=str(templates)))
    (folder / "bench_urls.py").write_text(URLS)
    env = {
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "False",
        "STATIC_ROOT": str(folder / "static"),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3",
        "PYTHONPATH": os.pathsep.join([str(folder), str(ROOT)]),
        "GUNICORN_WORKERS": "2",
    }
    os.environ.update(env)
    sys.path[:0] = [str(folder), str(ROOT)]
    import django

    django.setup()
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from gcmhub.accounts.models import Role, User
    from gcmhub.taxonomy.models import Organisation

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    data = _load_generator()(args.plans, args.activities, args.updates)
    org = Organisation.objects.get(slug="bench-org-0")
    user = User.objects.filter(email="bench@example.org").first()
    if user is None:
        user = User.objects.create_user(email="bench@example.org", password=secrets.token_hex(), full_name="Bench")
        Role.objects.create(user=user, kind=Role.Kind.NETWORK_FOCAL_POINT, organisation=org)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    data["cookie"] = f"sessionid={session.session_key}"
    data["env"] = env
    return data


def pages(data) -> list[tuple[str, str]]:
    plan, activity = data["plan"], data["activity"]
    base = f"/en/workplan/{plan.slug}"
    return [
        ("bare view (baseline)", "/bench/bare/"),
        ("10 KB template page (baseline)", "/bench/tpl/"),
        ("overview", f"{base}/"),
        ("priority", f"{base}/priorities/p-1/"),
        ("activity page", f"/en/workplan/activities/{activity.pk}/"),
        ("activity page (fr)", f"/fr/workplan/activities/{activity.pk}/"),
        ("activity list", f"{base}/activities/"),
        ("activity list, filtered", f"{base}/activities/?kind=core&period=2021&sort=due"),
        ("calendar", f"{base}/calendar/"),
        ("calendar, filtered", f"{base}/calendar/?kind=thematic"),
        ("dashboard", f"{base}/dashboard/"),
        ("my deadlines", "/en/workplan/my-deadlines/"),
        ("API activities?limit=50", f"/api/v1/activities?limit=50&workplan={plan.slug}"),
        ("API activities?limit=50 (all plans)", "/api/v1/activities?limit=50"),
        ("API priorities", f"/api/v1/workplans/{plan.slug}/priorities?limit=50"),
        ("API workplans", "/api/v1/workplans?limit=50"),
        ("API updates of an activity", f"/api/v1/activities/{activity.pk}/updates?limit=50"),
    ]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url}")


def fetch(url: str, cookie: str) -> tuple[int, int]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, 0


def wrk(url: str, cookie: str, seconds: int, connections: int) -> tuple[float, float]:
    """(requests per second, p99 in ms)."""
    out = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk"),
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    match = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99 = float(match[1]) * {"us": 0.001, "ms": 1, "s": 1000}[match[2]]
    if "Non-2xx" in out:
        rps = -rps
    return rps, p99


def inprocess(data, requests: int, only) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(email="bench@example.org"))
    results = []
    for name, path in pages(data):
        if only and "baseline" not in name and name not in only:
            continue
        response = client.get(path)
        if response.status_code != 200:
            results.append((name, response.status_code, 0, None))
            continue
        for _ in range(5):
            client.get(path)
        times = []
        for _ in range(requests):
            started = time.process_time()
            client.get(path)
            times.append((time.process_time() - started) * 1000)
        results.append((name, 200, len(response.content), statistics.median(times)))
    baseline = next(r[3] for r in results if r[0].startswith("10 KB"))
    print(
        f"in-process (django.test.Client), signed in, median CPU ms of {requests} requests; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print()
    print("| page | CPU ms | × template page | KiB |")
    print("| --- | ---: | ---: | ---: |")
    for name, status, size, ms in results:
        if ms is None:
            print(f"| {name} | HTTP {status} | | |")
        else:
            print(f"| {name} | {ms:.1f} | {baseline / ms:.2f} | {size / 1024:.0f} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=50)
    parser.add_argument("--activities", type=int, default=120)
    parser.add_argument("--updates", type=int, default=10)
    parser.add_argument("--duration", type=int, default=5, help="seconds measured per run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", action="append", help="measure only these pages (the baselines always)")
    parser.add_argument("--keep", metavar="DIR", help="use (and keep) this folder, with its data")
    parser.add_argument("--inprocess", type=int, metavar="N", help="no server: N requests per page in-process")
    args = parser.parse_args(argv)
    if args.inprocess:
        folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="gcmhub-wp-http-"))
        folder.mkdir(parents=True, exist_ok=True)
        try:
            inprocess(prepare(folder, args), args.inprocess, args.only)
        finally:
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
        return 0
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="gcmhub-wp-http-"))
    folder.mkdir(parents=True, exist_ok=True)
    server = None
    try:
        data = prepare(folder, args)
        env = {**os.environ, **data["env"], "GUNICORN_BIND": f"127.0.0.1:{args.port}"}
        server = subprocess.Popen(  # noqa: S603
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(folder / "gunicorn.err", "w"),
            start_new_session=True,
        )
        origin = f"http://127.0.0.1:{args.port}"
        wait_for(origin + "/bench/bare/")
        results = []
        for name, path in pages(data):
            if args.only and "baseline" not in name and name not in args.only:
                continue
            status, size = fetch(origin + path, data["cookie"])
            if status != 200:
                results.append((name, path, status, size, None, None))
                continue
            wrk(origin + path, data["cookie"], 2, args.connections)
            runs = [wrk(origin + path, data["cookie"], args.duration, args.connections) for _ in range(args.runs)]
            results.append(
                (
                    name,
                    path,
                    status,
                    size,
                    statistics.median(r[0] for r in runs),
                    statistics.median(r[1] for r in runs),
                )
            )
        baseline = next(r[4] for r in results if r[0].startswith("10 KB"))
        print(
            f"gunicorn sync, 2 workers; wrk -t2 -c{args.connections} -d{args.duration}s, signed in, "
            f"{args.plans} plans × {args.activities} activities × {args.updates} updates; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        print()
        print("| page | req/s | × template page | p99 ms | KiB |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for name, _path, status, size, rps, p99 in results:
            if rps is None:
                print(f"| {name} | HTTP {status} | | | |")
            else:
                print(f"| {name} | {rps:,.0f} | {rps / baseline:.2f} | {p99:.0f} | {size / 1024:.0f} |")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
