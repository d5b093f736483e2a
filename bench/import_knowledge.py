"""Benchmark the Hub's bulk import: a generated file of 10,000 resources and practices, checked
and saved as `gcmhub import-knowledge` does it.

    .venv/bin/python bench/import_knowledge.py [--rows 10000 --practices 0.3 --format csv]

Sets Django up with the test settings on a temporary SQLite file (or on DATABASE_URL when it is
set: the tables are created there, so point it at a scratch database), loads the GCM reference
data (objectives, principles, countries, M49 regions, organisations), writes the file with names
in English, French and Spanish, acronyms and ISO codes mixed, then times reading + checking and
saving (one transaction, bulk inserts); then imports the same file again, where every row is an
update. Results go to stdout as a Markdown table.
"""

import argparse
import csv
import io
import json
import os
import random
import shutil
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

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_reference_data", stdout=io.StringIO())
    return os.environ["DATABASE_URL"], folder


HEADER = [
    "kind",
    "language",
    "title",
    "summary",
    "type",
    "publication_date",
    "publishers",
    "countries",
    "regions",
    "objectives",
    "principles",
    "thematic_area",
    "scope",
    "audience",
    "languages",
    "external_url",
    "submitter",
    "status",
    "implementing_organisation",
    "start_date",
    "completion",
    "description",
    "results",
]


def generate(n_rows: int, share_practices: float, fmt: str, seed: int = 2018) -> tuple[bytes, str]:
    from gcmhub.accounts.models import User
    from gcmhub.taxonomy.models import Country, GuidingPrinciple, Organisation, Region, ThematicArea

    rng = random.Random(seed)
    countries = []
    for iso2, iso3, en, fr, es in Country.objects.values_list("iso2", "iso3", "name_en", "name_fr", "name_es"):
        countries += [iso2, iso3, en, fr, es]
    regions = list(Region.objects.values_list("m49", flat=True)) + list(
        Region.objects.values_list("name_fr", flat=True)
    )
    orgs = [a for o in Organisation.objects.all() for a in (o.acronym_en, o.acronym_fr, o.name_en) if a]
    principles = list(GuidingPrinciple.objects.values_list("code", flat=True))
    areas = list(ThematicArea.objects.values_list("number", flat=True))
    users = []
    for n in range(20):
        user, _created = User.objects.get_or_create(email=f"bench{n}@example.org", defaults={"full_name": f"Bench {n}"})
        users.append(user.email)
    kinds = ["publication", "guidance", "training", "data", "policy", "Training material", "Data or statistics"]
    rows = []
    for n in range(n_rows):
        practice = rng.random() < share_practices
        lang = rng.choice(["en", "fr", "es"])
        row = {
            "kind": "practice" if practice else "resource",
            "language": lang,
            "title": f"{'Practice' if practice else 'Resource'} {n} on migration governance",
            "summary": "A generated summary of some length. " * 8,
            "countries": "; ".join(rng.sample(countries, 2)),
            "objectives": ", ".join(str(o) for o in rng.sample(range(1, 24), 3)),
            "principles": " ".join(rng.sample(principles, 2)),
            "thematic_area": str(rng.choice(areas)) if areas else "",
            "scope": "national",
        }
        if practice:
            row.update(
                submitter=rng.choice(users),
                status="published",
                implementing_organisation=rng.choice(orgs),
                start_date="2019-05-01",
                completion="completed",
                description="What was done. " * 20,
                results="What changed. " * 10,
                publication_date=f"202{rng.randint(0, 5)}-0{rng.randint(1, 9)}-15",
            )
        else:
            row.update(
                type=rng.choice(kinds),
                publishers="; ".join(rng.sample(orgs, 2)),
                regions=rng.choice(regions),
                audience="governments, civil society",
                languages="en fr es",
                external_url=f"https://example.org/resources/{n}",
                publication_date=f"202{rng.randint(0, 5)}-0{rng.randint(1, 9)}-15",
            )
        rows.append(row)
    if fmt == "json":
        return json.dumps(rows).encode(), "bench.json"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode(), "bench.csv"


def run(data: bytes, filename: str) -> dict:
    from django.db import connection

    from gcmhub.knowledge.importer import check_import_file, do_import_knowledge

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(1)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        report = check_import_file(data, filename)
        checked = time.perf_counter()
        if report.errors:
            print(f"{len(report.errors)} errors, e.g. {report.errors[:5]}", file=sys.stderr)
        result = do_import_knowledge(report, filename=filename, valid_only=True)
        saved = time.perf_counter()
    errors = report.errors
    return {
        "check": checked - started,
        "save": saved - checked,
        "total": saved - started,
        "queries": len(queries),
        "result": result,
        "errors": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--practices", type=float, default=0.3, help="Share of practices among the rows")
    parser.add_argument("--format", choices=["csv", "json"], default="csv")
    args = parser.parse_args()
    url, folder = setup_django()
    try:
        data, filename = generate(args.rows, args.practices, args.format)
        print(f"Database: {url.split('://')[0]}; file: {filename}, {len(data) / 1e6:.1f} MB, {args.rows} rows\n")
        print("| run | check (s) | save (s) | total (s) | queries | created | updated | errors |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for label in ("first import (all new)", "same file again (all updates)"):
            r = run(data, filename)
            res = r["result"]
            print(
                f"| {label} | {r['check']:.1f} | {r['save']:.1f} | {r['total']:.1f} | {r['queries']} | "
                f"{sum(res.created.values())} | {sum(res.updated.values())} | {r['errors']} |"
            )
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
