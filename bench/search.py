"""Benchmark the search page: p50/p95 of the whole page (with facets) and of the engine's query.

    .venv/bin/python bench/search.py [--size 100000 --requests 30]

Sets Django up with the test settings on a throw-away SQLite file under var/bench/ (or on
DATABASE_URL when it is set: the tables are created in that database, so point it at a scratch
one), generates `size` published resources and practices (half each) in English, French and
Spanish with bulk_create, builds the index (`gcmhub.search.indexing.rebuild`), then requests the
search page in-process with django.test.Client for a set of queries and times the engine's own
query for the same parameters. Tantivy always; PostgreSQL full text too when the database is
PostgreSQL. Results go to stdout as Markdown tables.
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

QUERIES = [
    ("no words, no filter (everything, newest first)", ""),
    ("migrante", "q=migrante"),
    ("detencion", "q=detencion"),
    ("two words", "q=migrant+workers"),
    ("words and three filters", "q=migration&objective=7&objective=13&language=fr&country=MX"),
    ("filters only, by date", "objective=13&country=MA&country=SN&sort=date"),
    ("rare word, page 3", "q=remesas&page=3"),
    ("a sentence (any word)", "q=alternatives+to+detention+for+migrant+children"),
    ("a typo", "q=chldren"),
    ("glossary (French)", "q=envois+de+fonds"),
]
# Suggestions while typing: what the box sends as the reader types.
SUGGEST = ["mi", "migr", "remit", "detention al", "envois de f", "IO", "Maro"]

WORDS = {
    "en": {
        "subjects": [
            "migrant",
            "migrants",
            "migrant workers",
            "refugees",
            "children",
            "women",
            "families",
            "returnees",
        ],
        "topics": [
            "detention",
            "remittances",
            "labour migration",
            "human rights",
            "integration",
            "health care",
            "border management",
            "climate change",
            "education",
            "data and statistics",
            "recruitment",
        ],
        "frames": ["Guidance on {t} for {s}", "{T} and {s}: a review", "Protecting {s}: {t}", "National plan on {t}"],
        "body": "This {k} looks at {t} for {s} in {c}, with lessons on policy, practice and partnerships.",
    },
    "fr": {
        "subjects": ["migrants", "migrantes", "travailleurs migrants", "réfugiés", "enfants", "femmes", "familles"],
        "topics": [
            "détention",
            "transferts de fonds",
            "migration de main-d'œuvre",
            "droits humains",
            "intégration",
            "santé",
            "gestion des frontières",
            "changements climatiques",
            "éducation",
            "données",
        ],
        "frames": [
            "Guide sur la {t} des {s}",
            "{T} et {s} : un bilan",
            "Protéger les {s} : {t}",
            "Plan national : {t}",
        ],
        "body": "Ce {k} traite de {t} pour les {s} au {c}, avec des leçons pour les politiques et les partenariats.",
    },
    "es": {
        "subjects": ["migrantes", "personas migrantes", "trabajadoras migrantes", "refugiados", "niñez", "mujeres"],
        "topics": [
            "detención",
            "remesas",
            "migración laboral",
            "derechos humanos",
            "integración",
            "salud",
            "gestión de fronteras",
            "cambio climático",
            "educación",
            "datos y estadísticas",
        ],
        "frames": ["Guía sobre {t} de {s}", "{T} y {s}: un balance", "Proteger a {s}: {t}", "Plan nacional: {t}"],
        "body": "Este {k} trata de {t} para {s} en {c}, con lecciones de política, práctica y alianzas.",
    },
}
COUNTRIES = [
    ("MA", "MAR", "Morocco", "002", "015"),
    ("SN", "SEN", "Senegal", "002", "202"),
    ("MX", "MEX", "Mexico", "019", "419"),
    ("GT", "GTM", "Guatemala", "019", "419"),
    ("CO", "COL", "Colombia", "019", "419"),
    ("PH", "PHL", "Philippines", "142", "035"),
    ("BD", "BGD", "Bangladesh", "142", "034"),
    ("DE", "DEU", "Germany", "150", "155"),
    ("IT", "ITA", "Italy", "150", "039"),
    ("NG", "NGA", "Nigeria", "002", "202"),
    ("TN", "TUN", "Tunisia", "002", "015"),
    ("EC", "ECU", "Ecuador", "019", "419"),
    ("NP", "NPL", "Nepal", "142", "034"),
    ("ES", "ESP", "Spain", "150", "039"),
    ("FR", "FRA", "France", "150", "155"),
]
REGIONS = {
    "002": "Africa",
    "015": "Northern Africa",
    "202": "Sub-Saharan Africa",
    "019": "Americas",
    "419": "Latin America and the Caribbean",
    "142": "Asia",
    "035": "South-eastern Asia",
    "034": "Southern Asia",
    "150": "Europe",
    "155": "Western Europe",
    "039": "Southern Europe",
}


def setup_django(keep: bool) -> tuple[str, Path | None, Path]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings.test")
    folder = None
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    if not os.environ.get("DATABASE_URL"):
        folder = Path(tempfile.mkdtemp(prefix="search-", dir=bench_dir))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    given = os.environ.get("SEARCH_INDEX_DIR")
    index_dir = Path(given) if given else Path(tempfile.mkdtemp(prefix="search-index-", dir=bench_dir))
    os.environ["SEARCH_INDEX_DIR"] = str(index_dir)
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    settings.SEARCH_INDEX_DIR = index_dir
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return os.environ["DATABASE_URL"], folder, index_dir


def generate(size: int, seed: int = 2018) -> float:
    from django.db import transaction
    from django.utils import timezone

    from gcmhub.accounts.models import User
    from gcmhub.knowledge.models import GeographicScope, Practice, Resource
    from gcmhub.taxonomy.models import Country, GuidingPrinciple, Objective, Organisation, Region, ThematicArea

    started = time.perf_counter()
    if Resource.objects.filter(slug="bench-r-0").exists():
        return 0.0
    rng = random.Random(seed)
    with transaction.atomic():
        regions = {}
        for m49, name in REGIONS.items():
            regions[m49], _ = Region.objects.get_or_create(
                m49=m49, defaults={"name_en": name, "name_fr": name, "name_es": name}
            )
        countries = []
        for iso2, iso3, name, region, subregion in COUNTRIES:
            country, _ = Country.objects.get_or_create(
                iso2=iso2,
                defaults={
                    "iso3": iso3,
                    "name_en": name,
                    "name_fr": name,
                    "name_es": name,
                    "region": regions[region],
                    "subregion": regions[subregion],
                },
            )
            countries.append(country)
        objectives = [
            Objective.objects.get_or_create(
                number=n,
                defaults={
                    "short_en": f"Objective {n}",
                    "short_fr": f"Objectif {n}",
                    "short_es": f"Objetivo {n}",
                    "title_en": f"Objective {n}",
                },
            )[0]
            for n in range(1, 24)
        ]
        principles = [
            GuidingPrinciple.objects.get_or_create(
                code=code,
                defaults={
                    "order": i,
                    "name_en": f"Principle {code}",
                    "name_fr": f"Principe {code}",
                    "name_es": f"Principio {code}",
                },
            )[0]
            for i, code in enumerate("abcdefghij")
        ]
        areas = [
            ThematicArea.objects.get_or_create(
                number=n, defaults={"name_en": f"Area {n}", "name_fr": f"Domaine {n}", "name_es": f"Área {n}"}
            )[0]
            for n in range(1, 7)
        ]
        organisations = [
            Organisation.objects.get_or_create(slug=f"bench-org-{n}", defaults={"name_en": f"Organisation {n}"})[0]
            for n in range(60)
        ]
        submitter, _ = User.objects.get_or_create(email="bench@example.org", defaults={"full_name": "Bench"})
        now = timezone.now()

        def text(language):
            words = WORDS[language]
            topic, subject = rng.choice(words["topics"]), rng.choice(words["subjects"])
            title = rng.choice(words["frames"]).format(t=topic, T=topic.capitalize(), s=subject)
            body = words["body"].format(k="document", t=topic, s=subject, c=rng.choice(COUNTRIES)[2])
            return title, body + " " + body.replace(topic, rng.choice(words["topics"]))

        n_resources = size // 2
        resources, practices = [], []
        for i in range(n_resources):
            language = rng.choice(("en", "fr", "es"))
            fields = {"source_language": language, "languages": [language]}
            title, body = text(language)
            fields[f"title_{language}"], fields[f"summary_{language}"] = title, body
            if rng.random() < 0.3:  # a second language version
                other = rng.choice([code for code in ("en", "fr", "es") if code != language])
                fields[f"title_{other}"], fields[f"summary_{other}"] = text(other)
                fields["languages"] = sorted([language, other])
            resources.append(
                Resource(
                    slug=f"bench-r-{i}",
                    kind=rng.choice(Resource.Kind.values),
                    status=Resource.Status.PUBLISHED,
                    publication_date=datetime.date(rng.randint(2012, 2025), rng.randint(1, 12), rng.randint(1, 28)),
                    published_at=now,
                    geographic_scope=rng.choice(GeographicScope.values),
                    thematic_area=rng.choice(areas),
                    is_general=rng.random() < 0.03,
                    **fields,
                )
            )
        for i in range(size - n_resources):
            language = rng.choice(("en", "fr", "es"))
            title, body = text(language)
            practices.append(
                Practice(
                    slug=f"bench-p-{i}",
                    status=Practice.Status.PUBLISHED,
                    submitter=submitter,
                    language=language,
                    title=title,
                    summary=body,
                    description=body,
                    geographic_scope=rng.choice(GeographicScope.values),
                    implementing_organisation=rng.choice(organisations),
                    thematic_area=rng.choice(areas),
                    published_at=now - datetime.timedelta(days=rng.randint(0, 2000)),
                )
            )
        Resource.objects.bulk_create(resources, batch_size=2000)
        Practice.objects.bulk_create(practices, batch_size=2000)
        resources = list(Resource.objects.filter(slug__startswith="bench-r-").values_list("pk", flat=True))
        practices = list(Practice.objects.filter(slug__startswith="bench-p-").values_list("pk", flat=True))

        def link(model, name, owner_ids, targets, low, high):
            through = getattr(model, name).through
            owner = f"{model._meta.model_name}_id"
            target = f"{getattr(model, name).field.related_model._meta.model_name}_id"
            rows = []
            for pk in owner_ids:
                for choice in rng.sample(targets, rng.randint(low, high)):
                    rows.append(through(**{owner: pk, target: choice.pk}))
            through.objects.bulk_create(rows, batch_size=5000)

        for model, owner_ids, org_field in (
            (Resource, resources, "publishers"),
            (Practice, practices, "partner_organisations"),
        ):
            link(model, "objectives", owner_ids, objectives, 1, 3)
            link(model, "principles", owner_ids, principles, 0, 2)
            link(model, "countries", owner_ids, countries, 0, 3)
            link(model, org_field, owner_ids, organisations, 1, 2)
    return time.perf_counter() - started


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def measure(backend_name: str, requests: int, cache_size: int = 0) -> list[tuple]:
    from django.conf import settings
    from django.http import QueryDict
    from django.test import Client
    from django.utils import translation

    from gcmhub.lib.params import page_number
    from gcmhub.search import get_backend, reset_backend
    from gcmhub.search.views import MAX_PAGE, PAGE_SIZE, parse_query

    settings.SEARCH_BACKEND = backend_name
    settings.SEARCH_RESULT_CACHE_SIZE = cache_size
    reset_backend()
    backend = get_backend()
    client = Client()
    rows = []
    for label, query_string in QUERIES:
        url = "/en/search/" + ("?" + query_string if query_string else "")
        params = QueryDict(query_string)
        with translation.override("en"):
            query = parse_query(params, limit=PAGE_SIZE, page=page_number(params.get("page"), last=MAX_PAGE))
        for _ in range(3):
            client.get(url)
        page_ms, engine_ms, took_ms = [], [], []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url)
            page_ms.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
            started = time.perf_counter()
            result = backend.search(query)
            engine_ms.append((time.perf_counter() - started) * 1000)
            took_ms.append(result.took_ms)
        rows.append(
            (
                label,
                result.total,
                pct(page_ms, 50),
                pct(page_ms, 95),
                pct(engine_ms, 50),
                pct(engine_ms, 95),
                statistics.mean(engine_ms) / statistics.mean(page_ms) * 100,
            )
        )
    all_page = [r[3] for r in rows]
    print(f"\n{backend_name}: worst query p95 {max(all_page):.1f} ms", file=sys.stderr)
    return rows


def suggest_table(backend_name: str, requests: int) -> str:
    """p50/p95 of the engine's suggestions for what a reader types, and of the endpoint."""
    from django.conf import settings
    from django.test import Client

    from gcmhub.search import get_backend, reset_backend

    settings.SEARCH_BACKEND = backend_name
    reset_backend()
    backend, client = get_backend(), Client()
    lines = [
        f"\nSuggestions ({backend_name}): `backend.suggest(text, 'en', 8)` and the endpoint `/en/search/suggest/`\n",
        "| typed | engine p50 ms | engine p95 ms | endpoint p50 ms | endpoint p95 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for text in SUGGEST:
        engine, endpoint = [], []
        for _ in range(3 + requests):
            started = time.perf_counter()
            backend.suggest(text, "en", 8)
            engine.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            client.get("/en/search/suggest/", {"q": text})
            endpoint.append((time.perf_counter() - started) * 1000)
        engine, endpoint = engine[3:], endpoint[3:]
        lines.append(
            f"| {text} | {pct(engine, 50):.1f} | {pct(engine, 95):.1f} | {pct(endpoint, 50):.1f} | {pct(endpoint, 95):.1f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="resources and practices (half each)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per query")
    parser.add_argument("--keep", action="store_true", help="keep the database and the index")
    parser.add_argument(
        "--no-rebuild", action="store_true", help="use the index in SEARCH_INDEX_DIR as it is (after --keep)"
    )
    parser.add_argument(
        "--backend",
        choices=["tantivy", "postgres", "both"],
        default="both",
        help="the backends to index and measure (postgres only on a PostgreSQL database; default both)",
    )
    args = parser.parse_args()
    database_url, folder, index_dir = setup_django(args.keep)
    try:
        from django.db import connection

        from gcmhub.search import reset_backend
        from gcmhub.search.indexing import rebuild

        generated = generate(args.size)
        print(f"Generated {args.size} items in {generated:.1f} s ({connection.vendor}).")
        backends = ["tantivy"] + (["postgres"] if connection.vendor == "postgresql" else [])
        if args.backend != "both":
            backends = [name for name in backends if name == args.backend]
        if not backends:
            parser.error("--backend postgres needs DATABASE_URL pointing at a PostgreSQL database")
        from django.conf import settings

        for name in backends if not args.no_rebuild else []:
            settings.SEARCH_BACKEND = name
            reset_backend()
            result = rebuild()
            print(f"{name}: indexed {sum(result['counts'].values())} documents in {result['seconds']:.1f} s.")
            if name == "postgres":  # as autovacuum would after a while: visibility map and statistics
                from gcmhub.search.backends.postgres_backend import POSTINGS_TABLE, TABLE

                started = time.perf_counter()
                with connection.cursor() as cursor:
                    cursor.execute(f"VACUUM (ANALYZE) {TABLE}, {POSTINGS_TABLE}")
                print(f"postgres: VACUUM (ANALYZE) in {time.perf_counter() - started:.1f} s.")
        for name in backends:
            # Every request computed (result cache off), then the same requests repeated with the
            # tantivy result cache on (what a repeated query costs until the next commit).
            rows = measure(name, args.requests, cache_size=0)
            cached = measure(name, args.requests, cache_size=256) if name == "tantivy" else None
            print(f"\n### {name} ({args.size:,} items, {connection.vendor}, {args.requests} requests per query)\n")
            print(
                "| query | matches | page p50 ms | page p95 ms | engine p50 ms | engine p95 ms | engine share |"
                + (" repeated: page p50 ms | repeated: page p95 ms |" if cached else "")
            )
            print("|---|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if cached else ""))
            for i, (label, total, p50, p95, e50, e95, share) in enumerate(rows):
                extra = f" {cached[i][2]:.1f} | {cached[i][3]:.1f} |" if cached else ""
                print(f"| {label} | {total:,} | {p50:.1f} | {p95:.1f} | {e50:.1f} | {e95:.1f} | {share:.0f} % |{extra}")
            print(suggest_table(name, args.requests))
        reset_backend()
    finally:
        if not args.keep:
            shutil.rmtree(index_dir, ignore_errors=True)
            if folder:
                shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"Kept: DATABASE_URL={database_url} SEARCH_INDEX_DIR={index_dir}")


if __name__ == "__main__":
    main()
