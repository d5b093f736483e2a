from django.core.management.base import BaseCommand

from gcmhub.knowledge.review import send_review_reminders


class Command(BaseCommand):
    help = (
        "Queue reminders to reviewers: one e-mail per open assignment (waiting for the conflict-of-interest "
        "declaration or for the review) of a practice in review, in its current round, that is due within "
        "3 days or overdue and was not reminded in the last 3 days. Each reminder is recorded in the "
        "practice's history. Mails are rendered in each reviewer's preferred language and sent by the task "
        "worker (`gcmhub worker`). Run it once a day from cron, e.g. `0 7 * * * gcmhub send-review-reminders`."
    )

    def handle(self, *args, **options):
        count = send_review_reminders()
        self.stdout.write(f"Queued {count} review reminder(s).")
