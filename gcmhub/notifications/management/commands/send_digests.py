from django.core.management.base import BaseCommand

from gcmhub.notifications import tasks
from gcmhub.notifications.actions import send_digests
from gcmhub.notifications.models import Frequency


class Command(BaseCommand):
    help = (
        "Queue the digests of notifications for the task worker (`gcmhub worker`): one e-mail per user with "
        "what waits for their daily (or weekly) digest, in their language, never to an unconfirmed address; "
        "what they read on the site meanwhile is left out. Run it from cron: `0 6 * * * gcmhub send-digests "
        "daily` and `0 6 * * 1 gcmhub send-digests weekly` (docs/deploy.md). `--now` builds and sends them in "
        "this process instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("frequency", choices=[Frequency.DAILY, Frequency.WEEKLY])
        parser.add_argument("--now", action="store_true", help="send in this process, not through the worker")

    def handle(self, *args, frequency, now=False, **options):
        if now:
            self.stdout.write(f"Sent {send_digests(frequency)} {frequency} digest(s).")
        else:
            tasks.send_digests.enqueue(frequency)
            self.stdout.write(f"Queued the {frequency} digests for the worker.")
