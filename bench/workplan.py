"""Benchmark the work plan's reading pages: server time (p50/p95) and SQL query count.

    .venv/bin/python bench/workplan.py [--plans 50 --activities 120 --updates 10 --requests 50]

Sets Django up with the test settings on a temporary SQLite file (or on DATABASE_URL when it is
set: the tables are then created in that database, so point it at a scratch one), generates
`plans` work plans of `activities` activities with `updates` status updates each (bulk_create),
then times each page in-process with django.test.Client after a warm-up. Also times the import
of the seed document when the importer is present. Results go to stdout as a Markdown table.
"""

import argparse
import datetime
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


def setup_django() -> tuple[str, str | None]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings.test")
    folder = None
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="gcmhub-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return os.environ["DATABASE_URL"], folder


def generate(n_plans: int, n_activities: int, n_updates: int, seed: int = 20211) -> dict:
    from gcmhub.taxonomy.models import Objective, Organisation, ThematicArea
    from gcmhub.workplan.models import (
        Activity,
        ActivityOrganisation,
        ActivityPeriod,
        Involvement,
        Priority,
        PriorityOrganisation,
        Status,
        StatusUpdate,
        WorkPlan,
    )

    rng = random.Random(seed)
    started = time.perf_counter()
    if WorkPlan.objects.filter(slug="bench-0").exists():  # a kept database: reuse its data
        current = WorkPlan.objects.filter(slug__startswith="bench-", is_current=True).first()
        return {
            "plan": current,
            "activity": Activity.objects.filter(priority__workplan=current).first(),
            "org": Organisation.objects.get(slug="bench-org-0"),
            "seconds": 0.0,
            "counts": {
                "plans": WorkPlan.objects.count(),
                "activities": Activity.objects.count(),
                "updates": StatusUpdate.objects.count(),
            },
        }
    objectives = list(Objective.objects.all())
    if not objectives:
        Objective.objects.bulk_create(
            Objective(
                number=n,
                short_en=f"Objective {n}",
                short_fr=f"Objectif {n}",
                short_es=f"Objetivo {n}",
                title_en=f"Objective {n} title",
            )
            for n in range(1, 24)
        )
        objectives = list(Objective.objects.all())
    areas = list(ThematicArea.objects.all())
    if not areas:
        ThematicArea.objects.bulk_create(
            ThematicArea(number=n, name_en=f"Area {n}", name_fr=f"Domaine {n}", name_es=f"Área {n}")
            for n in range(1, 11)
        )
        areas = list(ThematicArea.objects.all())
    Organisation.objects.bulk_create(
        Organisation(
            slug=f"bench-org-{n}",
            name_en=f"Bench organisation {n}",
            acronym_en=f"BO{n}",
            kind=Organisation.Kind.UN_ENTITY,
        )
        for n in range(40)
    )
    orgs = list(Organisation.objects.filter(slug__startswith="bench-org-"))
    statuses = [s.value for s in Status]
    kinds = [Priority.Kind.CORE] * 6 + [Priority.Kind.WORKING_GROUP] * 3 + [Priority.Kind.THEMATIC] * 3
    per_priority = max(n_activities // len(kinds), 1)
    plans = WorkPlan.objects.bulk_create(
        WorkPlan(
            slug=f"bench-{i}",
            title_en=f"Bench work plan {i}",
            title_fr=f"Plan de travail {i}",
            source_language="fr",
            period_start=datetime.date(2021, 1, 1),
            period_end=datetime.date(2022, 12, 31),
            is_current=(i == n_plans // 2),
        )
        for i in range(n_plans)
    )
    plans = list(WorkPlan.objects.filter(slug__startswith="bench-").order_by("pk"))
    priorities = []
    for plan in plans:
        for index, kind in enumerate(kinds):
            priorities.append(
                Priority(
                    workplan=plan,
                    kind=kind,
                    code="" if kind == Priority.Kind.WORKING_GROUP else f"{index + 1}",
                    slug=f"p-{index + 1}",
                    order=index,
                    title_fr=f"Priorité {index + 1} du plan {plan.slug}",
                    title_en=f"Priority {index + 1} of {plan.slug}",
                    source_language="fr",
                    thematic_area=rng.choice(areas),
                )
            )
    Priority.objects.bulk_create(priorities, batch_size=500)
    priorities = list(Priority.objects.filter(workplan__in=plans).order_by("pk"))
    links, involvements = [], []
    through = Priority.objectives.through
    for p in priorities:
        for o in rng.sample(objectives, 3):
            links.append(through(priority_id=p.pk, objective_id=o.pk))
        if p.kind != Priority.Kind.THEMATIC:
            for order, org in enumerate(rng.sample(orgs, 3)):
                role = Involvement.LEAD if order < 2 else Involvement.PARTICIPANT
                involvements.append(PriorityOrganisation(priority=p, organisation=org, role=role, order=order))
    through.objects.bulk_create(links, batch_size=1000)
    PriorityOrganisation.objects.bulk_create(involvements, batch_size=1000)
    activities = []
    for p in priorities:
        for n in range(per_priority):
            start = datetime.date(2021, 1, 1) + datetime.timedelta(days=rng.randrange(0, 600))
            due = start + datetime.timedelta(days=rng.randrange(30, 300))
            activities.append(
                Activity(
                    priority=p,
                    number=n + 1,
                    order=n,
                    text_fr=f"Activité {n + 1} : organiser un atelier régional",
                    text_en=f"Activity {n + 1}: hold a regional workshop",
                    source_language="fr",
                    deadline_text_fr=f"T{(start.month - 1) // 3 + 1} {start.year}",
                    deadline_state="parsed",
                    start_date=start,
                    due_date=due,
                    ongoing=rng.random() < 0.1,
                    status=rng.choice(statuses),
                )
            )
    Activity.objects.bulk_create(activities, batch_size=500)
    activities = list(Activity.objects.filter(priority__in=priorities).select_related("priority").order_by("pk"))
    periods, act_orgs, updates = [], [], []
    now = datetime.datetime(2022, 6, 1, tzinfo=datetime.UTC)
    for a in activities:
        periods.append(
            ActivityPeriod(activity=a, order=0, start=a.start_date, end=a.due_date, year_inferred=rng.random() < 0.1)
        )
        if a.priority.kind == Priority.Kind.THEMATIC:
            for order, org in enumerate(rng.sample(orgs, 2)):
                act_orgs.append(ActivityOrganisation(activity=a, organisation=org, role=Involvement.LEAD, order=order))
        for u in range(n_updates):
            updates.append(
                StatusUpdate(
                    activity=a,
                    status=rng.choice(statuses),
                    narrative="Progress " * 20,
                    created_at=now - datetime.timedelta(days=10 * u),
                )
            )
    ActivityPeriod.objects.bulk_create(periods, batch_size=1000)
    ActivityOrganisation.objects.bulk_create(act_orgs, batch_size=1000)
    StatusUpdate.objects.bulk_create(updates, batch_size=1000)
    current = next(p for p in plans if p.is_current)
    sample = next(a for a in activities if a.priority.workplan_id == current.pk)
    return {
        "plan": current,
        "activity": sample,
        "org": orgs[0],
        "seconds": time.perf_counter() - started,
        "counts": {
            "plans": len(plans),
            "priorities": len(priorities),
            "activities": len(activities),
            "updates": len(updates),
            "periods": len(periods),
        },
    }


def measure(client, url: str, requests: int, warmup: int = 5) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    status = response.status_code
    if status != 200:
        return {"url": url, "status": status}
    for _ in range(warmup):
        client.get(url)
    times, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    times.sort()
    cpu.sort()
    return {
        "cpu50": statistics.median(cpu),
        "cpu95": cpu[min(len(cpu) - 1, round(0.95 * len(cpu)) - 1)],
        "url": url,
        "status": status,
        "p50": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * len(times)) - 1)],
        "queries": len(ctx.captured_queries),
        "kb": len(response.content) / 1024,
    }


def time_import() -> str:
    try:
        from gcmhub.workplan.importer import UnknownOrganisationsError, do_import_workplan, parse_document
    except ImportError:
        return "n/a (no importer)"
    try:
        from gcmhub.taxonomy.organisations_data import load_organisations

        load_organisations()
    except ImportError:
        pass
    seed = ROOT / "gcmhub" / "workplan" / "data" / "workplan-2021-2022-fr.txt"
    data = seed.read_bytes()
    started = time.perf_counter()
    parsed = parse_document(data, seed.name)
    parse_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    try:
        result = do_import_workplan(parsed, filename=seed.name, data=data)
    except UnknownOrganisationsError as error:
        result = do_import_workplan(parsed, mapping=dict.fromkeys(error.names, "new"), filename=seed.name, data=data)
    import_ms = (time.perf_counter() - started) * 1000
    plan = getattr(result, "workplan", None) or getattr(result, "plan", None)
    size = ""
    if plan is not None:
        from gcmhub.workplan.models import Activity

        size = f", {Activity.objects.filter(priority__workplan=plan).count()} activities"
    return f"parse {parse_ms:.0f} ms + import {import_ms:.0f} ms{size}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plans", type=int, default=50)
    parser.add_argument("--activities", type=int, default=120)
    parser.add_argument("--updates", type=int, default=10)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    parser.add_argument("--profile", metavar="PAGE", help="print a cProfile of one page (a name from the table)")
    parser.add_argument("--only", metavar="PAGE", action="append", help="measure only these pages")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    database, folder = setup_django()
    migrate_s = time.perf_counter() - started
    import django
    from django.db import connection
    from django.test import Client

    data = generate(args.plans, args.activities, args.updates)
    plan, activity = data["plan"], data["activity"]
    client = Client()
    pages = [
        ("overview", f"/en/workplan/{plan.slug}/"),
        ("priority", f"/en/workplan/{plan.slug}/priorities/p-1/"),
        ("activity list, unfiltered (page 1)", f"/en/workplan/{plan.slug}/activities/"),
        ("activity list, filtered", f"/en/workplan/{plan.slug}/activities/?kind=core&period=2021&sort=due"),
        ("activity list, lead filter", f"/en/workplan/{plan.slug}/activities/?lead={data['org'].slug}&status=on_track"),
        ("activity list, text search", f"/en/workplan/{plan.slug}/activities/?q=atelier"),
        ("calendar", f"/en/workplan/{plan.slug}/calendar/"),
        ("calendar, filtered", f"/en/workplan/{plan.slug}/calendar/?kind=thematic"),
        ("dashboard", f"/en/workplan/{plan.slug}/dashboard/"),
        ("activity page", f"/en/workplan/activities/{activity.pk}/"),
        ("dashboard (French)", f"/fr/workplan/{plan.slug}/dashboard/"),
    ]
    print(f"# gcmhub work-plan pages: {args.plans} plans × {args.activities} activities × {args.updates} updates")
    print()
    print(
        f"- Python {sys.version.split()[0]}, Django {django.get_version()}, database {connection.vendor}"
        f" ({'temporary file' if database.startswith('sqlite') else 'DATABASE_URL'})"
    )
    print(
        f"- migrate {migrate_s:.1f} s; data generated in {data['seconds']:.1f} s: "
        + ", ".join(f"{v} {k}" for k, v in data["counts"].items())
    )
    print(f"- {args.requests} timed requests per page after 5 warm-up requests, in-process (django.test.Client)")
    print()
    print(
        f"- load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (the CPU columns"
        " count only this process's time, so they hold when other work shares the machine)"
    )
    print()
    print("| page | p50 ms | p95 ms | CPU p50 ms | CPU p95 ms | SQL queries | KiB |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    if args.profile:
        import cProfile
        import pstats

        url = dict(pages)[args.profile]
        client.get(url)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.requests):
            client.get(url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)
        return 0
    for name, url in pages:
        if args.only and name not in args.only:
            continue
        result = measure(client, url, args.requests)
        if result["status"] != 200:
            print(f"| {name} | n/a (HTTP {result['status']}) | | | | | |")
        else:
            print(
                f"| {name} | {result['p50']:.1f} | {result['p95']:.1f} | {result['cpu50']:.1f} | {result['cpu95']:.1f}"
                f" | {result['queries']} | {result['kb']:.0f} |"
            )
    print()
    print(f"- seed document import: {time_import()}")
    if folder and not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    elif folder:
        print(f"- database kept in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
