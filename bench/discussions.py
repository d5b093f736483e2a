"""Benchmark a busy discussion: the topic page with thousands of comments, and posting one.

    .venv/bin/python bench/discussions.py [--comments 5000 --threads 200 --requests 30]

A throw-away SQLite file under var/bench/ (or DATABASE_URL, a scratch database), test settings
(page cache off: every page is rendered). Generates a public topic with `threads` first comments
and `comments` in all, replies spread over the threads up to four levels deep, in English, French
and Spanish, by 300 authors. Measures, interleaved with the 10 KB template page of the baselines
(`gcmhub/benchpages.py`) so that the ratio holds on a busy machine:

- page 1 and the last page of the topic, anonymous and signed in (p50/p95, queries);
- a thread's page ("continue this thread");
- posting a comment through the page (POST, a trusted author on a post-moderated topic), with
  background work (the search index, e-mails) queued for the worker as in production.

Issue 11 §7: a topic with 5,000 comments and 200 threads renders page 1 in ≤ 100 ms p95 with a
query count that does not grow; posting a comment ≤ 50 ms.
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

BODIES = {
    "en": "Regular pathways need reliable data on labour markets and skills; local authorities should be part of it.",
    "fr": "Les voies régulières ont besoin de données fiables sur le marché du travail ; les autorités locales doivent y participer.",
    "es": "Las vías regulares necesitan datos fiables sobre el mercado laboral; las autoridades locales deben participar.",
}


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def setup() -> str | None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings.test")
    os.environ["GCMHUB_BENCH_PAGES"] = "True"
    folder = None
    if not os.environ.get("DATABASE_URL"):
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        folder = tempfile.mkdtemp(prefix="discussions-", dir=bench_dir)
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    # Background work queued as in production (the worker's table), not run inside the request.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("migrate", verbosity=0, interactive=False)
    return folder


def generate(comments: int, threads: int, seed: int = 2018):
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from gcmhub.accounts.models import User
    from gcmhub.consultations.models import Comment, Space, Topic

    rng = random.Random(seed)
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        space = Space.objects.create(slug="bench", source_language="en", title_en="Regional review")
        topic = Topic.objects.create(
            space=space,
            slug="busy",
            source_language="en",
            title_en="Priorities for the regional review",
            introduction_en="What should the regional review discuss?",
            opens_at=now - datetime.timedelta(days=30),
            closes_at=now + datetime.timedelta(days=30),
            published_at=now - datetime.timedelta(days=30),
        )
        password = make_password(None)
        User.objects.bulk_create(
            [
                User(
                    email=f"author{n}@example.org",
                    username=f"author{n}@example.org",
                    full_name=f"Author {n}",
                    password=password,
                    email_verified=True,
                )
                for n in range(300)
            ]
        )
        authors = list(User.objects.filter(email__startswith="author").values_list("pk", flat=True))
        moment = now - datetime.timedelta(days=29)
        step = datetime.timedelta(days=28) / comments
        created: list[Comment] = []
        # First comments, then replies to a random earlier comment of a random thread.
        languages = ("en", "fr", "es")
        roots = []
        for n in range(threads):
            language = languages[n % 3]
            roots.append(
                Comment(
                    topic=topic,
                    author_id=rng.choice(authors),
                    language=language,
                    body=BODIES[language],
                    status=Comment.Status.PUBLISHED,
                    published_at=moment,
                    created_at=moment,
                    depth=0,
                )
            )
            moment += step
        Comment.objects.bulk_create(roots)
        Comment.objects.filter(topic=topic, depth=0).update(thread_id=models_f("id"))
        roots = list(Comment.objects.filter(topic=topic, depth=0).order_by("pk"))
        by_thread = {root.pk: [root] for root in roots}
        for n in range(comments - threads):
            root = rng.choice(roots)
            parent = rng.choice([c for c in by_thread[root.pk] if c.depth < 4])
            language = languages[n % 3]
            reply = Comment.objects.create(
                topic=topic,
                author_id=rng.choice(authors),
                language=language,
                body=BODIES[language],
                status=Comment.Status.PUBLISHED,
                published_at=moment,
                created_at=moment,
                parent=parent,
                thread_id=root.pk,
                depth=parent.depth + 1,
            )
            by_thread[root.pk].append(reply)
            created.append(reply)
            moment += step
    return topic, authors, time.perf_counter() - started


def models_f(name):
    from django.db.models import F

    return F(name)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=200)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    folder = setup()
    try:
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from gcmhub.accounts.models import User
        from gcmhub.consultations.models import Comment

        topic, authors, seconds = generate(args.comments, args.threads)
        print(
            f"Generated {args.comments:,} comments in {args.threads} threads in {seconds:.1f} s ({connection.vendor})."
        )
        url = topic.get_absolute_url()
        last = (args.threads + 19) // 20
        deep = Comment.objects.filter(topic=topic, depth=2).order_by("pk").first()
        anonymous = Client()
        member = Client()
        reader = User.objects.get(pk=authors[0])
        member.force_login(reader)
        pages = [
            ("10 KB template page (baseline)", anonymous, "/bench/template/"),
            ("topic, page 1, anonymous", anonymous, url),
            (f"topic, page {last}, anonymous", anonymous, f"{url}?page={last}"),
            ("topic, page 1, signed in", member, url),
            (
                "a thread's page",
                anonymous,
                reverse("consultations:thread", args=[topic.space.slug, topic.slug, deep.thread_id]),
            ),
        ]
        times = {label: [] for label, _client, _url in pages}
        queries = {}
        for timed in [False] * 3 + [True] * args.requests:
            for label, client, path in pages:
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(path)
                    elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (path, response.status_code)
                if timed:
                    times[label].append(elapsed)
                    queries[label] = len(captured)
        # Posting: a trusted author (published comments) on a post-moderated topic, through the page.
        posting = []
        poster = Client()
        for n in range(args.requests):
            # A different author each time: the comment rate limit is per account.
            poster.force_login(User.objects.get(pk=authors[1 + n % (len(authors) - 1)]))
            started = time.perf_counter()
            response = poster.post(url, {"body": f"One more point, number {n}, on regular pathways.", "language": "en"})
            posting.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (302, 303), response.status_code
        baseline = statistics.median(times[pages[0][0]])
        print("\n| request | p50 ms | p95 ms | × template p50 | queries |")
        print("|---|---:|---:|---:|---:|")
        for label, _client, _path in pages:
            values = times[label]
            print(
                f"| {label} | {pct(values, 50):.1f} | {pct(values, 95):.1f} | {pct(values, 50) / baseline:.1f} | {queries[label]} |"
            )
        print(
            f"| posting a comment (POST, then redirect) | {pct(posting, 50):.1f} | {pct(posting, 95):.1f} | {pct(posting, 50) / baseline:.1f} | – |"
        )
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
