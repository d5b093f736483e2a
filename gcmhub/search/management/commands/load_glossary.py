from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gcmhub.search.glossary import DATA_FILE, GlossaryFileError
from gcmhub.search.glossary_loader import describe, load_glossary


class Command(BaseCommand):
    help = (
        "Load the search glossary (gcmhub/search/data/glossary.csv, or --file) into the database: create the "
        "concepts that are missing and update those whose terms changed. A concept edited in the CMS since is "
        "kept as it is unless --force is given; terms in a language the file has no column for are always kept. "
        "Never deletes a concept. Each rejected row is reported with its reason (a language without a term, a "
        "duplicate concept, a term already another concept's) and the other rows are loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DATA_FILE, help="The glossary file (CSV: concept,en,fr,…)")
        parser.add_argument("--force", action="store_true", help="Replace concepts edited in the CMS too.")

    def handle(self, *args, file: Path, force: bool = False, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            result = load_glossary(file, force=force)
        except GlossaryFileError as exc:
            raise CommandError(str(exc)) from exc
        for line in describe(result):
            self.stdout.write(line)
