from django.core.management.base import BaseCommand

from gcmhub.workplan.tasks import queue_deadline_digests


class Command(BaseCommand):
    help = (
        "Queue this week's deadline digests: one e-mail per person, never one per activity. "
        "An activity is listed when it belongs to a current work plan, is not completed or cancelled, "
        "and is overdue (due date passed and not ongoing) or due within WORKPLAN_DIGEST_DAYS days (30). "
        "Each active Network member focal point of a lead organisation with such an activity gets one "
        "digest for all their organisations; organisations without a focal point are skipped; every "
        "Secretariat member gets one digest covering all organisations. Mails are rendered in each "
        "person's preferred language and sent by the task worker (`gcmhub worker`). "
        "Run it once a week from cron, e.g. `0 6 * * 1 gcmhub send-deadline-digests` (Mondays 06:00)."
    )

    def handle(self, *args, **options):
        count = queue_deadline_digests()
        self.stdout.write(f"Queued {count} deadline digest(s).")
