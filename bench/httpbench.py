"""Benchmark gcmhub over HTTP (run it as bench/http.py): gunicorn as configured for production, a loopback load generator.

    .venv/bin/python bench/http.py [--duration 4 --connections 16 --only PAGE ... --modes cached,first,signed]

What it does, bounded in time (`--max-seconds`, default 1,200) and killing what it starts:
1. Creates a throw-away folder (database, static files, search index, page cache) and, in a child
   process with the production settings (`gcmhub.settings.production`, plain HTTP), migrates,
   collects the static files, generates the bench data (bench/workplan.py's plans × activities ×
   updates, bench/search.py's Hub of resources and practices, calls for practices), builds the
   search index, and creates a Secretariat account with a session and an API token.
   With DATABASE_URL set (a scratch PostgreSQL database), it uses that database instead of SQLite.
2. Starts gunicorn with gunicorn.conf.py (sync workers; `--workers`, default 2) and the bench-only
   reference pages on (GCMHUB_BENCH_PAGES: /bench/bare/ and /bench/template/, the baselines'
   bare view and 10 KB template page, off in production).
3. Measures each page with wrk (Debian's; `--install-wrk` runs `apt-get install wrk` when it is
   missing and we are root) or, without wrk, a bounded Python client: a 1 s warm-up, then
   `--duration` seconds at `--connections` connections, in three modes:
   - cached: anonymous, the page already in the page cache;
   - first: anonymous first hit, every request a new URL (a unique `_bench=` parameter, which the
     views ignore), so each one is looked up, computed and stored;
   - signed: a signed-in Secretariat member (session cookie), or an API token for the API: never
     from the cache.
   The bare view and the template page are measured at the start and again at the end.
4. Prints a Markdown table (req/s, p50, p99, ratio to the template page of the same run) and
   writes it to `--output` if given.
"""

import argparse
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent

FIRST_HIT_LUA = """
local n = 0
function init(args)
  math.randomseed(math.floor(os.clock() * 1000000) + tonumber(tostring({}):match("0x(%x+)") or "1", 16) % 100000)
end
request = function()
  n = n + 1
  local sep = "?"
  if string.find(wrk.path, "?", 1, true) then sep = "&" end
  return wrk.format(nil, wrk.path .. sep .. "_bench=" .. math.random(1, 2000000000) .. "-" .. n)
end
"""


# --- 1. Data (runs in a child process with the production settings) -----------------------------


def prepare(plans: int, activities: int, updates: int, knowledge: int) -> dict:
    import datetime

    import django

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(BENCH))
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    import search as search_bench
    import workplan as workplan_bench
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from wagtail.models import APIToken

    from gcmhub.accounts.models import Role, User
    from gcmhub.knowledge.models import CallForPractices, Practice, Resource
    from gcmhub.search.indexing import rebuild
    from gcmhub.taxonomy.models import Country, Organisation

    data = workplan_bench.generate(plans, activities, updates)
    search_bench.generate(knowledge)
    now = timezone.now()
    calls = []
    for n, (opens, closes) in enumerate(((-30, 30), (-90, -10), (10, 60))):
        call, _ = CallForPractices.objects.get_or_create(
            slug=f"bench-call-{n}",
            defaults={
                "source_language": "en",
                "title_en": f"Call for practices {n} on labour migration",
                "rationale_en": "Why this call. " * 40,
                "eligibility_en": "Who may answer. " * 20,
                "opens_at": now + datetime.timedelta(days=opens),
                "deadline": now + datetime.timedelta(days=closes),
                "contact_email": "hub@example.org",
            },
        )
        calls.append(call)
    Practice.objects.filter(slug__startswith="bench-p-", pk__lte=Practice.objects.order_by("pk")[20].pk).update(
        call=calls[1]
    )
    rebuild()
    user, _ = User.objects.get_or_create(
        email="secretariat@bench.example.org", defaults={"full_name": "Bench Secretariat", "email_verified": True}
    )
    user.set_password(secrets.token_urlsafe(16))
    user.save()
    Role.objects.get_or_create(user=user, kind=Role.Kind.SECRETARIAT)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "gcmhub.accounts.backends.EmailBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    _token, plaintext = APIToken.create_token(user=user, name="bench")
    plan, activity = data["plan"], data["activity"]
    tool = Resource.objects.filter(slug__startswith="bench-r-").order_by("pk").first()
    Resource.objects.filter(pk=tool.pk).update(is_network_tool=True)
    return {
        "plan": plan.slug,
        "priority": activity.priority.slug,
        "activity": activity.pk,
        "org": Organisation.objects.filter(slug__startswith="bench-org-").order_by("pk").first().slug,
        "country": Country.objects.order_by("pk").first().iso3.lower(),
        "resource": Resource.objects.filter(slug__startswith="bench-r-").order_by("-pk").first().slug,
        "tool": tool.slug,
        "practice": Practice.objects.filter(slug__startswith="bench-p-").order_by("-pk").first().slug,
        "call": calls[1].slug,
        "lead": data["org"].slug,
        "session": session.session_key,
        "token": plaintext,
    }


# --- 2. Pages ------------------------------------------------------------------------------------


def pages(ids: dict) -> list[tuple[str, str, str]]:
    """(name, path, kind): kind "html" (signed in with the session), "api" (with the token),
    "private" (signed-in only: the Secretariat's pages), "baseline" (the reference pages)."""
    plan = ids["plan"]
    return [
        ("home", "/en/", "html"),
        ("objectives", "/en/gcm/objectives/", "html"),
        ("objective 3", "/en/gcm/objectives/3/", "html"),
        ("principles", "/en/gcm/principles/", "html"),
        ("principle", "/en/gcm/principles/a/", "html"),
        ("thematic areas", "/en/gcm/thematic-areas/", "html"),
        ("thematic area", "/en/gcm/thematic-areas/1/", "html"),
        ("countries", "/en/gcm/countries/", "html"),
        ("country", f"/en/gcm/countries/{ids['country']}/", "html"),
        ("organisations", "/en/gcm/organisations/", "html"),
        ("organisation", f"/en/gcm/organisations/{ids['org']}/", "html"),
        ("hub home", "/en/hub/", "html"),
        ("resources (search, kind=resource)", "/en/search/?kind=resource", "html"),
        ("resource", f"/en/hub/resources/{ids['resource']}/", "html"),
        ("network tool (anonymous form)", f"/en/hub/resources/{ids['tool']}/", "html"),
        ("practices (search, kind=practice)", "/en/search/?kind=practice", "html"),
        ("practice", f"/en/hub/practices/{ids['practice']}/", "html"),
        ("calls", "/en/hub/calls/", "html"),
        ("call", f"/en/hub/calls/{ids['call']}/", "html"),
        ("figures", "/en/hub/figures/", "html"),
        ("search, no words", "/en/search/", "html"),
        ("search, words", "/en/search/?q=migrants", "html"),
        ("tool feedback results", "/en/hub/feedback/", "private"),
        ("tool feedback, one tool", f"/en/hub/feedback/{ids['tool']}/", "private"),
        ("work plan index", "/en/workplan/", "html"),
        ("work plan overview", f"/en/workplan/{plan}/", "html"),
        ("priority", f"/en/workplan/{plan}/priorities/{ids['priority']}/", "html"),
        ("activity list, filtered", f"/en/workplan/{plan}/activities/?kind=core&sort=due", "html"),
        ("calendar", f"/en/workplan/{plan}/calendar/", "html"),
        ("dashboard", f"/en/workplan/{plan}/dashboard/", "html"),
        ("activity", f"/en/workplan/activities/{ids['activity']}/", "html"),
        ("API activities ?limit=50", "/api/v1/activities?limit=50", "api"),
        ("API resources ?limit=50", "/api/v1/resources?limit=50", "api"),
        ("API practices ?limit=50", "/api/v1/practices?limit=50", "api"),
        ("API organisations ?limit=50", "/api/v1/organisations?limit=50", "api"),
        ("API countries", "/api/v1/countries", "api"),
        ("API calls", "/api/v1/calls", "api"),
    ]


# --- 3. Load -------------------------------------------------------------------------------------


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, duration: float, connections: int, headers: dict, lua: str | None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(duration))}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if lua:
        command += ["-s", lua]
    output = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, timeout=duration + 30, check=False
    ).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if not (rate and p50 and p99):
        raise RuntimeError(f"wrk said: {output}")
    return {
        "rps": float(rate.group(1)),
        "p50": _ms(*p50.groups()),
        "p99": _ms(*p99.groups()),
        "errors": int(errors.group(1)) if errors else 0,
        "socket_errors": sum(map(int, socket_errors.groups())) if socket_errors else 0,
    }


def run_python(url: str, duration: float, connections: int, headers: dict, unique: bool) -> dict:
    """The fallback load generator: `connections` threads, one request per connection (as gunicorn's
    sync workers close each one), until the deadline."""
    match = re.match(r"http://([^/:]+):(\d+)(/.*)", url)
    host, port, path = match.group(1), int(match.group(2)), match.group(3)
    latencies, errors, counter = [], [0], iter(range(10**9))
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def worker():
        mine = []
        while time.perf_counter() < deadline:
            target = path
            if unique:
                target += ("&" if "?" in path else "?") + f"_bench={next(counter)}-{secrets.token_hex(4)}"
            started = time.perf_counter()
            try:
                connection = http.client.HTTPConnection(host, port, timeout=10)
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                response.read()
                connection.close()
                if response.status >= 400:
                    with lock:
                        errors[0] += 1
            except OSError:
                with lock:
                    errors[0] += 1
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 15)
    elapsed = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        raise RuntimeError(f"no answer from {url}")
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "errors": errors[0],
        "socket_errors": 0,
    }


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


# --- Orchestration -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_wrk(install: bool) -> bool:
    if shutil.which("wrk"):
        return True
    if install and os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk from Debian (apt-get install wrk)...", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, timeout=300)  # noqa: S607
    return bool(shutil.which("wrk"))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=4.0, help="seconds measured per page and mode")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--modes", default="cached,first,signed")
    parser.add_argument("--only", action="append", help="measure only pages whose name contains this")
    parser.add_argument("--plans", type=int, default=50)
    parser.add_argument("--activities", type=int, default=120)
    parser.add_argument("--updates", type=int, default=10)
    parser.add_argument("--knowledge", type=int, default=4000, help="resources and practices (half each)")
    parser.add_argument("--max-seconds", type=float, default=1200, help="stop measuring after this long")
    parser.add_argument("--install-wrk", action="store_true", help="apt-get install wrk when it is missing")
    parser.add_argument("--python-client", action="store_true", help="use the Python client even with wrk")
    parser.add_argument("--keep", action="store_true", help="keep the throw-away folder")
    parser.add_argument("--output", help="also write the table to this file")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.prepare:  # the child process of step 1
        print(json.dumps(prepare(args.plans, args.activities, args.updates, args.knowledge)))
        return 0

    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="gcmhub-http-bench-"))
    port = free_port()
    env = dict(os.environ)
    database_url = env.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "gcmhub.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": database_url,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "False",
            "GCMHUB_VAR_DIR": str(folder),
            "STATIC_ROOT": str(folder / "static"),
            "MEDIA_ROOT": str(folder / "media"),
            "SEARCH_INDEX_DIR": str(folder / "search-index"),
            "PAGE_CACHE_DIR": str(folder / "page-cache"),
            "GCMHUB_BENCH_PAGES": "True",
            "PAGE_CACHE_QUERY_VARIANTS": "100000000",  # first-hit mode stores every request
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(args.workers),
            "LOG_LEVEL": "WARNING",
        }
    )
    use_wrk = not args.python_client and ensure_wrk(args.install_wrk)
    server = None
    lua = folder / "first-hit.lua"
    lua.write_text(FIRST_HIT_LUA)
    try:
        print(f"Preparing the data in {folder} ({database_url.split('@')[-1]})...", file=sys.stderr)
        prepared = subprocess.run(  # noqa: S603
            [
                sys.executable,
                str(BENCH / "http.py"),
                "--prepare",
                f"--plans={args.plans}",
                f"--activities={args.activities}",
                f"--updates={args.updates}",
                f"--knowledge={args.knowledge}",
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=max(60, args.max_seconds / 2),
            check=False,
        )
        if prepared.returncode:
            print(prepared.stderr, file=sys.stderr)
            return 1
        ids = json.loads(prepared.stdout.strip().splitlines()[-1])
        print(f"Prepared in {time.monotonic() - started:.0f} s; starting gunicorn on port {port}.", file=sys.stderr)
        log = open(folder / "gunicorn.log", "wb")
        server = subprocess.Popen(  # noqa: S603
            [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _attempt in range(300):
            try:
                fetch(port, "/bench/bare/")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start; see gunicorn.log")

        base = f"http://127.0.0.1:{port}"
        session = {"Cookie": f"sessionid={ids['session']}"}
        token = {"Authorization": f"Bearer {ids['token']}"}
        modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]

        def drain():
            # wrk leaves requests queued in the listen backlog when it stops; the workers answer
            # them first. One request at the back of the queue waits them out, so every run
            # starts on idle workers.
            try:
                fetch(port, "/bench/bare/")
            except OSError:
                pass

        def load(path, headers=None, unique=False, warmup=True):
            url = base + path
            run = run_wrk if use_wrk else run_python
            extra = (str(lua) if unique else None) if use_wrk else unique
            if warmup:
                run(url, 1, args.connections, headers or {}, extra)
                drain()
            result = run(url, args.duration, args.connections, headers or {}, extra)
            drain()
            return result

        def clear_page_cache():
            shutil.rmtree(folder / "page-cache", ignore_errors=True)

        rows = []
        baselines = {}
        for name, path in (("bare view", "/bench/bare/"), ("10 KB template page", "/bench/template/")):
            baselines[(name, "start")] = load(path)
            rows.append((name, "baseline (start)", path, baselines[(name, "start")], None))
            print(f"{name} (start): {baselines[(name, 'start')]['rps']:.0f} req/s", file=sys.stderr)
        for name, path, kind in pages(ids):
            if args.only and not any(word in name for word in args.only):
                continue
            if time.monotonic() - started > args.max_seconds:
                print("Time is up: the remaining pages are not measured.", file=sys.stderr)
                break
            for mode in modes:
                if kind == "private" and mode != "signed":
                    continue
                if mode == "cached":
                    fetch(port, path)
                    _status, headers, body = fetch(port, path)
                    result = load(path)
                    result["cache"] = headers.get("x-page-cache", "-")
                    result["size"] = len(body)
                elif mode == "first":
                    clear_page_cache()
                    result = load(path, unique=True)
                    clear_page_cache()
                else:
                    credentials = token if kind == "api" else session
                    _status, headers, body = fetch(port, path, credentials)
                    result = load(path, credentials)
                    result["size"] = len(body)
                rows.append((name, mode, path, result, kind))
                print(
                    f"{name} [{mode}]: {result['rps']:.0f} req/s, p50 {result['p50']:.1f} ms, "
                    f"p99 {result['p99']:.1f} ms",
                    file=sys.stderr,
                )
        for name, path in (("bare view", "/bench/bare/"), ("10 KB template page", "/bench/template/")):
            baselines[(name, "end")] = load(path)
            rows.append((name, "baseline (end)", path, baselines[(name, "end")], None))
        template_rps = statistics.mean(
            [baselines[("10 KB template page", "start")]["rps"], baselines[("10 KB template page", "end")]["rps"]]
        )
        table = render_table(rows, template_rps, use_wrk, args, database_url)
        print(table)
        if args.output:
            Path(args.output).write_text(table)
        return 0
    finally:
        if server is not None:
            try:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(server.pid, signal.SIGKILL)
        if args.keep:
            print(f"Kept {folder}", file=sys.stderr)
        else:
            shutil.rmtree(folder, ignore_errors=True)


def render_table(rows, template_rps: float, use_wrk: bool, args, database_url: str) -> str:
    client = "wrk (-t2)" if use_wrk else "the Python client"
    lines = [
        f"gunicorn (gunicorn.conf.py, {args.workers} sync workers, production settings, "
        f"{'PostgreSQL' if database_url.startswith('postgres') else 'SQLite'}), {client} at "
        f"{args.connections} connections, {args.duration:g} s per page and mode after 1 s of warm-up; "
        f"ratio: req/s ÷ the 10 KB template page's (mean of start and end, {template_rps:.0f} req/s).",
        "",
        "| page | mode | req/s | p50 ms | p99 ms | × template | KB | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, mode, _path, result, _kind in rows:
        size = f"{result['size'] / 1024:.0f}" if "size" in result else ""
        errors = result["errors"] + result["socket_errors"]
        lines.append(
            f"| {name} | {mode}{' (' + result['cache'] + ')' if result.get('cache') not in (None, 'hit') else ''} "
            f"| {result['rps']:,.0f} | {result['p50']:.1f} | {result['p99']:.1f} | "
            f"{result['rps'] / template_rps:.2f} | {size} | {errors or ''} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
