from django.core.management.base import BaseCommand, CommandError

from gcmhub.api.snapshot import SNAPSHOT_PATH, committed_schema_text, current_schema_text, write_snapshot


class Command(BaseCommand):
    help = (
        "Write the API's OpenAPI document to gcmhub/api/openapi.json, the snapshot the tests compare "
        "against. With --check, write nothing and fail if the snapshot is out of date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if the snapshot differs; write nothing.")

    def handle(self, *args, check=False, **options):
        if check:
            if current_schema_text() != committed_schema_text():
                raise CommandError(f"{SNAPSHOT_PATH} is out of date: run `gcmhub api-snapshot`.")
            self.stdout.write("OpenAPI snapshot is up to date.")
            return
        changed = write_snapshot()
        self.stdout.write(f"Wrote {SNAPSHOT_PATH}." if changed else "OpenAPI snapshot already up to date.")
