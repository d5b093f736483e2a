from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gcmhub.lib.i18n import LANGUAGE_CODES
from gcmhub.workplan.importer import NEW, WorkPlanImportError, do_import_workplan, parse_document, resolve


class Command(BaseCommand):
    help = (
        "Import a work-plan document (.txt, .md or .docx; French, English or Spanish) and create or "
        "update the plan named by its period (e.g. 2021-2022). Organisations must resolve through "
        "the alias table; with --create-unknown, unknown names become new organisations of kind "
        "'other'. Unparsed deadlines are imported and listed for the Secretariat to fix."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--language", choices=LANGUAGE_CODES, help="Override the detected language")
        parser.add_argument("--create-unknown", action="store_true", help="Create unknown organisations")

    def handle(self, *args, file: Path, language=None, create_unknown=False, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        try:
            parsed = parse_document(data, file.name, language=language)
            resolution = resolve(parsed)
            unknown = resolution.unknown
            if unknown and not create_unknown:
                raise CommandError(
                    "Unknown organisations (map them in the import page, add aliases, or use --create-unknown):\n  "
                    + "\n  ".join(unknown)
                )
            result = do_import_workplan(parsed, mapping=dict.fromkeys(unknown, NEW), filename=file.name, data=data)
        except WorkPlanImportError as exc:
            raise CommandError(str(exc.message)) from exc

        summary = result.summary
        verb = "Created" if result.created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} plan {result.plan.slug} ({summary['language']}): {summary['priorities']} priorities, "
                f"{summary['activities']} activities ({summary['created_activities']} new, "
                f"{summary['updated_activities']} updated), {summary['organisations']} organisations."
            )
        )
        for name in unknown:
            self.stdout.write(f"New organisation: {name}")
        for item in summary["unparsed_deadlines"]:
            self.stdout.write(self.style.WARNING(f"Unparsed deadline: {item['activity']}: {item['text']}"))
        if summary["inferred_deadlines"]:
            self.stdout.write(f"{len(summary['inferred_deadlines'])} deadlines with an inferred year to confirm.")
        for remark in summary["remarks"]:
            self.stdout.write(f"Not an organisation (kept in the import summary): {remark}")
