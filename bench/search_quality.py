"""Search quality: nDCG@10, recall@10 and MRR of a graded query set (GitHub issue 10 §5).

    .venv/bin/python bench/search_quality.py [--json PATH] [--record] [--worst 12]

The fixture lives in bench/search_quality/:

- `corpus.json`: about 180 resources and practices written for this harness (not the demo
  generator), in the format of `gcmhub import-knowledge` (docs/knowledge-import.md);
- `queries.json`: what users of the Hub would type, in English, French and Spanish, each with the
  slugs that belong in the top 10, graded 2 (squarely what the query asks) or 1 (relevant but
  partial), and its features (cross-language, no-accents, typo, acronym, country, objective,
  natural-language, phrase, keyword). A query is cross-language when more than half of its items
  graded 2 exist in no version in the query's language; acronym queries judge the items an
  organisation published or implemented, country and objective queries the items tagged with it;
  every query has 1 to 10 relevant items (checked by `load_queries`);
- `recorded.json`: the overall nDCG@10 per backend that tests/test_search_quality.py holds the
  engine to (it fails more than `TOLERANCE` below). `--record [--note TEXT]` writes this run's
  figures there (run it on PostgreSQL to record both backends).

The harness sets Django up with the test settings on a throw-away SQLite file under var/bench/ (or
on DATABASE_URL when it is set: the tables are created in that database, so point it at a scratch
one), loads the reference data (`gcmhub load_reference_data`), creates the submitter account,
imports the corpus through the importer (the code path of `gcmhub import-knowledge`), rebuilds the
index, then runs each query the way the search page does: `parse_query` of `q=<text>` with a limit
of 10 under the query's interface language, then `get_backend().search(query)`. Hits of other
kinds (organisations, countries, objectives, activities...) are ignored: the figures judge the
first 10 of the corpus's items, asking the engine for more when other hits take places among the
first 10 (the JSON lists those as `other_hits`; the tables count them). Tantivy always; PostgreSQL
full text too when the database is PostgreSQL. Markdown tables go to stdout.

Metrics, per query, then averaged over the queries (overall, per feature, per interface language):

- nDCG@10: DCG = sum of grade / log2(rank + 1) over the top 10 (gains 2 and 1), divided by the
  DCG of the query's judgements in the best order;
- recall@10: relevant items (either grade) in the top 10 / relevant items (at most 10 per query);
- MRR: 1 / rank of the first relevant item in the top 10, 0 when there is none;
- zero: queries with no relevant item in the top 10.

`evaluate(backend_name)` is the measurement alone, for a test whose database already holds the
corpus (`load_fixture()` imports it): it rebuilds that backend's index and returns the figures.
"""

import argparse
import dataclasses
import datetime
import json
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "bench" / "search_quality"
CORPUS = DATA / "corpus.json"
QUERIES = DATA / "queries.json"
RECORDED = DATA / "recorded.json"
SUBMITTER = "quality@example.org"
K = 10
TOLERANCE = 0.05  # the test fails when nDCG@10 drops more than this below the recorded figure
FEATURES = (
    "cross-language",
    "no-accents",
    "typo",
    "acronym",
    "country",
    "objective",
    "natural-language",
    "phrase",
    "keyword",
)
LANGUAGES = ("en", "fr", "es")


# --- The fixture ------------------------------------------------------------------------------------


def load_queries(path: Path = QUERIES) -> list[dict]:
    """The query set, checked: unique ids, known languages and features, grades 1 or 2, 1 to 10
    relevant items, every slug in the corpus."""
    queries = json.loads(path.read_text(encoding="utf-8"))
    slugs = {row["slug"] for row in json.loads(CORPUS.read_text(encoding="utf-8"))}
    seen = set()
    for query in queries:
        where = f"{path.name}: {query.get('id')}"
        assert query["id"] not in seen, f"{where}: duplicate id"
        seen.add(query["id"])
        assert query["q"].strip(), f"{where}: no text"
        assert query["language"] in LANGUAGES, f"{where}: language"
        assert query["features"] and set(query["features"]) <= set(FEATURES), f"{where}: features"
        relevant = query["relevant"]
        assert 1 <= len(relevant) <= K, f"{where}: 1 to {K} relevant items"
        assert set(relevant.values()) <= {1, 2}, f"{where}: grades are 1 or 2"
        unknown = set(relevant) - slugs
        assert not unknown, f"{where}: not in the corpus: {sorted(unknown)}"
    return queries


def load_fixture(corpus: Path = CORPUS) -> dict:
    """Reference data, the submitter account and the corpus, imported as `gcmhub import-knowledge`
    does; returns the import's counts. Refuses a corpus with any invalid row."""
    from gcmhub.accounts.models import User
    from gcmhub.knowledge.importer import check_import_file, do_import_knowledge
    from gcmhub.taxonomy.reference import load_reference_data

    load_reference_data()
    User.objects.get_or_create(
        email=SUBMITTER, defaults={"username": SUBMITTER, "full_name": "Search quality", "email_verified": True}
    )
    report = check_import_file(corpus.read_bytes(), corpus.name)
    if report.errors or report.ignored_columns:
        problems = [f"row {e.row}, {e.field}: {e.message}" for e in report.errors]
        problems += [f"unknown column {column}" for column in report.ignored_columns]
        raise ValueError(f"{corpus.name} does not import cleanly:\n" + "\n".join(problems))
    result = do_import_knowledge(report, filename=corpus.name)
    return {"created": result.created, "updated": result.updated}


def slugs_by_doc_id() -> dict[str, str]:
    """{"resource:12": "q-...", "practice:3": "q-..."} for every resource and practice."""
    from gcmhub.knowledge.models import Practice, Resource

    result = {}
    for kind, model in (("resource", Resource), ("practice", Practice)):
        for pk, slug in model.objects.values_list("pk", "slug"):
            result[f"{kind}:{pk}"] = slug
    return result


# --- Measuring --------------------------------------------------------------------------------------


def judge(ranked: list[str], relevant: dict[str, int]) -> dict:
    """nDCG@10, recall@10 and reciprocal rank of one ranking (slugs, best first)."""
    top = ranked[:K]
    dcg = sum(relevant.get(slug, 0) / math.log2(rank + 2) for rank, slug in enumerate(top))
    ideal = sorted(relevant.values(), reverse=True)[:K]
    idcg = sum(grade / math.log2(rank + 2) for rank, grade in enumerate(ideal))
    found = [slug for slug in top if slug in relevant]
    first = next((rank for rank, slug in enumerate(top) if slug in relevant), None)
    return {
        "ndcg10": dcg / idcg if idcg else 0.0,
        "recall10": len(found) / len(relevant) if relevant else 0.0,
        "rr": 1 / (first + 1) if first is not None else 0.0,
    }


def _summary(rows: list[dict]) -> dict:
    n = len(rows)
    if not n:
        return {"queries": 0, "ndcg10": 0.0, "recall10": 0.0, "mrr": 0.0, "zero": 0}
    return {
        "queries": n,
        "ndcg10": sum(r["ndcg10"] for r in rows) / n,
        "recall10": sum(r["recall10"] for r in rows) / n,
        "mrr": sum(r["rr"] for r in rows) / n,
        "zero": sum(1 for r in rows if r["rr"] == 0),
    }


def search(text: str, language: str, slugs: dict[str, str]) -> tuple[list[str], list[str], str]:
    """The corpus's items among the results of `q=text` in `language`, best first (at least the
    first 10 when there are 10), the other hits among the page's first 10 results (organisations,
    countries, objectives... ignored by the metrics), and the corrected query the engine reports
    ("" when none).

    The query is the search page's (`parse_query` with a limit of 10); when hits of other kinds
    take places among the first 10, it is asked again for as many more, so that the figures judge
    the ranking of the corpus's items whatever else the engine shows beside them."""
    from django.http import QueryDict
    from django.utils import translation

    from gcmhub.search import get_backend
    from gcmhub.search.views import parse_query

    with translation.override(language):
        query = parse_query(QueryDict(urlencode({"q": text})), limit=K)
    result = get_backend().search(query)
    others = [hit.id for hit in result.hits if hit.id not in slugs]
    for _again in range(10):
        ids = [hit.id for hit in result.hits]
        ranked = [slugs[doc_id] for doc_id in ids if doc_id in slugs]
        if len(ranked) >= K or len(ids) >= result.total or len(ids) < query.limit:
            break
        query = dataclasses.replace(query, limit=query.limit + K - len(ranked))
        result = get_backend().search(query)
    return ranked, others, getattr(result, "corrected", "") or ""


def evaluate(backend_name: str, *, queries: list[dict] | None = None, rebuild_index: bool = True) -> dict:
    """Figures of one backend over the query set, on the corpus already in the database.

    Rebuilds that backend's index first (unless `rebuild_index` is false), with
    `settings.SEARCH_BACKEND` switched for the duration; the process-wide backend is reset before
    and after, so the caller's backend comes back afterwards."""
    from django.db import connection
    from django.test.utils import override_settings

    from gcmhub.search import reset_backend
    from gcmhub.search.indexing import rebuild

    queries = load_queries() if queries is None else queries
    per_query = []
    with override_settings(SEARCH_BACKEND=backend_name):
        reset_backend()
        try:
            indexed = rebuild()["counts"] if rebuild_index else None
            slugs = slugs_by_doc_id()
            started = time.perf_counter()
            for query in queries:
                ranked, others, corrected = search(query["q"], query["language"], slugs)
                relevant = query["relevant"]
                per_query.append(
                    {
                        "id": query["id"],
                        "q": query["q"],
                        "language": query["language"],
                        "features": query["features"],
                        **judge(ranked, relevant),
                        "top": ranked[:K],
                        "missing": [slug for slug in relevant if slug not in ranked[:K]],
                        "other_hits": others,
                        "corrected": corrected,
                    }
                )
            seconds = time.perf_counter() - started
        finally:
            reset_backend()
    reset_backend()
    return {
        "backend": backend_name,
        "database": connection.vendor,
        "indexed": indexed,
        "seconds": seconds,
        "overall": _summary(per_query),
        "features": {f: _summary([r for r in per_query if f in r["features"]]) for f in FEATURES},
        "languages": {lang: _summary([r for r in per_query if r["language"] == lang]) for lang in LANGUAGES},
        "per_query": per_query,
    }


# --- Reporting --------------------------------------------------------------------------------------


def _row(label: str, s: dict) -> str:
    return f"| {label} | {s['queries']} | {s['ndcg10']:.3f} | {s['recall10']:.3f} | {s['mrr']:.3f} | {s['zero']} |"


def markdown(results: list[dict], worst: int = 12) -> str:
    """The figures of each backend as Markdown: overall, per feature, per language, worst queries."""
    lines = []
    head = ["| | queries | nDCG@10 | recall@10 | MRR | nothing relevant in top 10 |", "|---|---:|---:|---:|---:|---:|"]
    lines += ["| backend | queries | nDCG@10 | recall@10 | MRR | nothing relevant in top 10 |", head[1]]
    for result in results:
        lines.append(_row(f"{result['backend']} ({result['database']})", result["overall"]))
    lines.append("")
    for result in results:
        shown = [len(r["other_hits"]) for r in result["per_query"]]
        lines.append(
            f"{result['backend']}: {sum(shown)} hits of other kinds (organisations, countries, objectives...) "
            f"among the first 10 results of {sum(1 for n in shown if n)} queries, not counted."
        )
    for result in results:
        lines += ["", f"#### {result['backend']}: per feature", "", *head]
        lines.append(_row("**all**", result["overall"]))
        for feature in FEATURES:
            lines.append(_row(feature, result["features"][feature]))
        lines += ["", f"#### {result['backend']}: per interface language", "", *head]
        for language in LANGUAGES:
            lines.append(_row(language, result["languages"][language]))
        lines += ["", f"#### {result['backend']}: the {worst} worst queries", ""]
        lines += [
            "| id | query | lang | features | nDCG@10 | first results | relevant missing |",
            "|---|---|---|---|---:|---|---|",
        ]
        ranked = sorted(result["per_query"], key=lambda r: (r["ndcg10"], r["id"]))[:worst]
        for r in ranked:
            first = ", ".join(r["top"][:3]) or "(none)"
            missing = ", ".join(r["missing"][:4]) + (" …" if len(r["missing"]) > 4 else "")
            query = r["q"].replace("|", "\\|")
            lines.append(
                f"| {r['id']} | {query} | {r['language']} | {', '.join(r['features'])} | {r['ndcg10']:.2f} "
                f"| {first} | {missing} |"
            )
    return "\n".join(lines)


def record(results: list[dict], path: Path = RECORDED, note: str = "") -> None:
    """Write the overall figures of these backends to recorded.json (other backends kept)."""
    recorded = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for result in results:
        overall = result["overall"]
        recorded[result["backend"]] = {
            "ndcg10": round(overall["ndcg10"], 4),
            "recall10": round(overall["recall10"], 4),
            "mrr": round(overall["mrr"], 4),
            "zero": overall["zero"],
            "queries": overall["queries"],
            "database": result["database"],
            "date": datetime.datetime.now(datetime.UTC).date().isoformat(),
        }
        if note:
            recorded[result["backend"]]["note"] = note
    path.write_text(json.dumps(recorded, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


# --- Command line -----------------------------------------------------------------------------------


def make_folders() -> tuple[Path | None, Path]:
    """A throw-away SQLite folder (unless DATABASE_URL is set) and index folder under var/bench/."""
    bench_dir = ROOT / "var" / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    folder = None
    if not os.environ.get("DATABASE_URL"):
        folder = Path(tempfile.mkdtemp(prefix="search-quality-", dir=bench_dir))
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    index_dir = Path(tempfile.mkdtemp(prefix="search-quality-index-", dir=bench_dir))
    os.environ["SEARCH_INDEX_DIR"] = str(index_dir)
    return folder, index_dir


def remove_folders(folder: Path | None, index_dir: Path) -> None:
    shutil.rmtree(index_dir, ignore_errors=True)
    # tantivy keeps its whole-index facet counts beside the index folder
    index_dir.with_name(index_dir.name + ".facet-counts.json").unlink(missing_ok=True)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def setup_django(index_dir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings.test")
    import django
    from django.conf import settings

    django.setup()
    settings.SEARCH_INDEX_DIR = index_dir
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="write every figure, per query too, to this file")
    parser.add_argument("--record", action="store_true", help=f"write the overall figures to {RECORDED.name}")
    parser.add_argument("--note", default="", help="with --record: what was measured (engine version...)")
    parser.add_argument("--worst", type=int, default=12, help="how many of the worst queries to list")
    args = parser.parse_args()
    queries = load_queries()
    folder, index_dir = make_folders()
    try:
        setup_django(index_dir)
        from django.db import connection

        started = time.perf_counter()
        counts = load_fixture()
        print(
            f"Imported {sum(counts['created'].values())} new and {sum(counts['updated'].values())} updated items "
            f"in {time.perf_counter() - started:.1f} s ({connection.vendor}); {len(queries)} queries.\n",
            file=sys.stderr,
        )
        backends = ["tantivy"] + (["postgres"] if connection.vendor == "postgresql" else [])
        results = [evaluate(name, queries=queries) for name in backends]
        print(markdown(results, worst=args.worst))
        if args.json:
            args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        if args.record:
            record(results, note=args.note)
            print(f"\nRecorded in {RECORDED.relative_to(ROOT)}.", file=sys.stderr)
    finally:
        remove_folders(folder, index_dir)


if __name__ == "__main__":
    main()
