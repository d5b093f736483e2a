from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the background task worker (e-mail, digests, exports) against the database queue. "
        "Start one or more next to the web processes in production."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default")
        parser.add_argument("--batch", action="store_true", help="Process what is queued, then exit")

    def handle(self, *args, **options):
        argv = ["--queue-name", options["queue_name"]]
        if options["batch"]:
            argv.append("--batch")
        call_command("db_worker", *argv)
