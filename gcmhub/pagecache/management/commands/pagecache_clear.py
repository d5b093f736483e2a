from django.core.management.base import BaseCommand

from gcmhub.pagecache import generations


class Command(BaseCommand):
    help = (
        "Make every cached page miss: bump the generation of every content app. Run it after "
        "writing content with raw SQL or restoring a database; saves, deletes, many-to-many "
        "changes, announced bulk writes and migrations already do it."
    )

    def handle(self, *args, **options):
        generations.bump_all()
        self.stdout.write("Page cache: every page will be computed again.")
