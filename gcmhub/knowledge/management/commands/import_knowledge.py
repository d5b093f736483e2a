from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gcmhub.knowledge.importer import ImportFileError, check_import_file, do_import_knowledge


class Command(BaseCommand):
    help = (
        "Import resources and practices from a .csv, .xlsx or .json file (columns: docs/knowledge-import.md). "
        "Every row is checked first and its errors listed with the row number and column. Nothing is saved "
        "when a row has an error, unless --valid-only (then only the valid rows are saved). A row whose "
        "id, slug, or title and kind match an existing item updates it. Control characters are removed from "
        "every cell (the cells are listed). At most IMPORT_MAX_ROWS rows. --dry-run checks without saving."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--valid-only", action="store_true", help="Import the valid rows, skip the others")
        parser.add_argument("--dry-run", action="store_true", help="Check the file; save nothing")

    def handle(self, *args, file: Path, valid_only=False, dry_run=False, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            report = check_import_file(data, file.name)
        except ImportFileError as exc:
            raise CommandError(str(exc.message)) from exc
        for column in report.ignored_columns:
            self.stdout.write(self.style.WARNING(f"Unknown column ignored: {column}"))
        for row, column in report.cleaned_cells:
            self.stdout.write(f"Row {row}, {column}: control characters removed")
        for error in report.errors:
            self.stdout.write(f"Row {error.row}, {error.field}: {error.message}")
        counts = report.counts()
        self.stdout.write(
            f"{counts['rows']} rows: {counts['valid']} valid, {counts['invalid']} with errors; "
            f"resources {counts['resource_create']} new, {counts['resource_update']} updated; "
            f"practices {counts['practice_create']} new, {counts['practice_update']} updated."
        )
        if dry_run:
            self.stdout.write("Dry run: nothing saved.")
            return
        if counts["invalid"] and not valid_only:
            raise CommandError("Nothing imported: correct the rows above, or use --valid-only.")
        result = do_import_knowledge(report, filename=file.name, valid_only=valid_only)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: resources {result.created['resource']} new, {result.updated['resource']} updated; "
                f"practices {result.created['practice']} new, {result.updated['practice']} updated; "
                f"{result.skipped} rows skipped."
            )
        )
