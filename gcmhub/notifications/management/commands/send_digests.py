from django.core.management.base import BaseCommand

from gcmhub.notifications.actions import send_digests
from gcmhub.notifications.models import Frequency


class Command(BaseCommand):
    help = (
        "Send the digests of notifications: one e-mail per user with what waits for their daily (or weekly) "
        "digest, in their language, never to an unconfirmed address; what they read on the site meanwhile is "
        "left out. Run it from cron: `0 6 * * * gcmhub send-digests daily` and `0 6 * * 1 gcmhub send-digests "
        "weekly` (docs/deploy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("frequency", choices=[Frequency.DAILY, Frequency.WEEKLY])

    def handle(self, *args, frequency, **options):
        count = send_digests(frequency)
        self.stdout.write(f"Sent {count} {frequency} digest(s).")
