"""Benchmark the daily digest: how long `send_digests("daily")` takes for many users.

    .venv/bin/python bench/digests.py [--users 10000 --per-user 5]

A throw-away SQLite file under var/bench/ (or DATABASE_URL, a scratch database), test settings
(the e-mails go to Django's in-memory outbox: rendering and batching are measured, not an SMTP
server). Generates a discussion space, a topic and `users` × `per-user` published comments by other
users, each user following the topic with a notification waiting for their daily digest (in
English, French or Spanish by turns), then times the digests and checks one e-mail per user.
Issue 11 §7: a daily digest for 10,000 users builds in ≤ 60 s.
"""

import argparse
import datetime
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(keep: bool) -> str | None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gcmhub.settings.test")
    folder = None
    if not os.environ.get("DATABASE_URL"):
        bench_dir = ROOT / "var" / "bench"
        bench_dir.mkdir(parents=True, exist_ok=True)
        folder = tempfile.mkdtemp(prefix="digests-", dir=bench_dir)
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return folder


def generate(users: int, per_user: int) -> float:
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from gcmhub.accounts.models import User
    from gcmhub.consultations.models import Comment, Space, Topic
    from gcmhub.notifications.models import Follow, Frequency, Notification

    started = time.perf_counter()
    now = timezone.now()
    password = make_password(None)
    with transaction.atomic():
        space = Space.objects.create(
            slug="bench", source_language="en", title_en="Regional review", title_fr="Examen régional"
        )
        topic = Topic.objects.create(
            space=space,
            slug="bench-topic",
            source_language="en",
            title_en="Priorities for the review",
            title_fr="Priorités de l'examen",
            title_es="Prioridades del examen",
            opens_at=now - datetime.timedelta(days=2),
            published_at=now - datetime.timedelta(days=2),
        )
        languages = ("en", "fr", "es")
        User.objects.bulk_create(
            [
                User(
                    email=f"reader{n}@example.org",
                    username=f"reader{n}@example.org",
                    full_name=f"Reader {n}",
                    password=password,
                    email_verified=True,
                    preferred_language=languages[n % 3],
                )
                for n in range(users)
            ],
            batch_size=2000,
        )
        readers = list(User.objects.filter(email__startswith="reader").order_by("pk").values_list("pk", flat=True))
        authors = readers[: max(1, per_user * 4)]
        comments = Comment.objects.bulk_create(
            [
                Comment(
                    topic=topic,
                    author_id=authors[n % len(authors)],
                    language=languages[n % 3],
                    body=f"Point {n}: regular pathways need data on labour markets and on skills.",
                    status=Comment.Status.PUBLISHED,
                    published_at=now,
                )
                for n in range(per_user * 20)
            ],
            batch_size=2000,
        )
        comment_ids = [c.pk for c in comments] or list(Comment.objects.filter(topic=topic).values_list("pk", flat=True))
        topic_type = ContentType.objects.get_for_model(Topic)
        comment_type = ContentType.objects.get_for_model(Comment)
        Follow.objects.bulk_create(
            [Follow(user_id=pk, content_type=topic_type, object_id=topic.pk) for pk in readers], batch_size=5000
        )
        Notification.objects.bulk_create(
            [
                Notification(
                    user_id=pk,
                    kind="topic_comment",
                    content_type=comment_type,
                    object_id=comment_ids[(i * per_user + k) % len(comment_ids)],
                    delivery=Frequency.DAILY,
                )
                for i, pk in enumerate(readers)
                for k in range(per_user)
            ],
            batch_size=5000,
            ignore_conflicts=True,
        )
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--per-user", type=int, default=5, help="notifications waiting per user")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    folder = setup(args.keep)
    try:
        from django.core import mail
        from django.db import connection

        from gcmhub.notifications.actions import send_digests
        from gcmhub.notifications.models import Frequency

        generated = generate(args.users, args.per_user)
        print(
            f"Generated {args.users:,} users with {args.per_user} waiting notifications each in {generated:.1f} s ({connection.vendor})."
        )
        mail.outbox = []
        started = time.perf_counter()
        sent = send_digests(Frequency.DAILY)
        elapsed = time.perf_counter() - started
        assert sent == args.users == len(mail.outbox), (sent, len(mail.outbox))
        print("| users | notifications each | digests sent | seconds | ms per digest |")
        print("|---:|---:|---:|---:|---:|")
        print(f"| {args.users:,} | {args.per_user} | {sent:,} | {elapsed:.1f} | {elapsed / sent * 1000:.2f} |")
    finally:
        if folder and not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
