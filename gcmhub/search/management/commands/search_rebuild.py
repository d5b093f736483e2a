"""`gcmhub search-rebuild`: rebuild the search index from the database."""

from django.core.management.base import BaseCommand, CommandError

from gcmhub.search.indexing import rebuild


class Command(BaseCommand):
    help = "Rebuild the search index (resources, practices, work-plan activities) from the database."

    def handle(self, *args, **options):
        try:
            result = rebuild()
        except ValueError as exc:  # tantivy's writer lock is held by another process
            raise CommandError(f"The search index is being written by another process, try again: {exc}") from exc
        counts = result["counts"]
        total = sum(counts.values())
        details = ", ".join(f"{count} {kind}" for kind, count in counts.items())
        self.stdout.write(f"Indexed {total} documents ({details}) in {result['seconds']:.1f} s.")
