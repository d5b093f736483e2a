from django.core.management.base import BaseCommand

from gcmhub.lib import stash


class Command(BaseCommand):
    help = (
        "Delete the uploads kept between an import's upload, preview and confirmation (the upload stash, "
        "gcmhub/lib/stash.py) that are older than UPLOAD_STASH_MAX_AGE seconds, and damaged ones as old. "
        "Run it from cron, e.g. hourly."
    )

    def handle(self, *args, **options):
        count = stash.prune()
        self.stdout.write(f"{count} expired uploads deleted.")
