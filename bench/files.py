"""Benchmark file downloads through the permission-checking views, beside a bare view in the same run.

    .venv/bin/python bench/files.py [--requests 300 --size 1000000]

Sets Django up with the test settings on a temporary SQLite file, stores one published resource file
and one draft practice attachment of `size` bytes, then times in-process (django.test.Client,
after a warm-up): a bare view (`/favicon.ico`, a redirect: the floor of a request, anonymous and
signed in), the public file
and the draft attachment (signed in) with FILE_SERVE_METHOD=django (body read to the end) and with
x-accel-redirect (empty answer; nginx would send the bytes). Results: a Markdown table on stdout.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django() -> str:
    os.environ["DJANGO_SETTINGS_MODULE"] = "gcmhub.settings.test"
    folder = tempfile.mkdtemp(prefix="gcmhub-bench-files-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return folder


def timed(client, url: str, requests: int) -> tuple[float, float]:
    for _ in range(10):
        drain(client.get(url))
    samples = []
    for _ in range(requests):
        start = time.perf_counter()
        drain(client.get(url))
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def drain(response) -> None:
    assert response.status_code in (200, 301, 302), response.status_code
    if response.streaming:
        for _chunk in response.streaming_content:
            pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--size", type=int, default=1_000_000)
    args = parser.parse_args()
    folder = setup_django()
    try:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.test import Client, override_settings

        from gcmhub.knowledge.models import PracticeAttachment, ResourceFile
        from gcmhub.test import make_practice, make_resource, make_user

        data = b"%PDF-1.4\n" + os.urandom(args.size - 9)
        public = ResourceFile.objects.create(resource=make_resource(), file=SimpleUploadedFile("report.pdf", data))
        owner = make_user("owner@example.org")
        draft = PracticeAttachment.objects.create(
            practice=make_practice(owner), file=SimpleUploadedFile("annexe.pdf", data)
        )
        anonymous, signed_in = Client(), Client()
        signed_in.force_login(owner)
        rows = [
            ("bare view (redirect)", "-", *timed(anonymous, "/favicon.ico", args.requests)),
            ("bare view (redirect), signed in", "-", *timed(signed_in, "/favicon.ico", args.requests)),
        ]
        for method in ("django", "x-accel-redirect"):
            with override_settings(FILE_SERVE_METHOD=method):
                rows.append(
                    ("public resource file", method, *timed(anonymous, public.get_absolute_url(), args.requests))
                )
                rows.append(
                    ("draft attachment, owner", method, *timed(signed_in, draft.get_absolute_url(), args.requests))
                )
        floor = rows[0][2]
        print(f"{args.size:,} bytes per file, {args.requests} requests each, in-process\n")
        print("| request | FILE_SERVE_METHOD | p50 ms | p95 ms | p50 / bare view |")
        print("| --- | --- | --- | --- | --- |")
        for name, method, p50, p95 in rows:
            print(f"| {name} | {method} | {p50:.2f} | {p95:.2f} | {p50 / floor:.1f}× |")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
