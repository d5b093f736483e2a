from django.core.management.base import BaseCommand

from gcmhub.consultations.actions_events import do_send_reminders


class Command(BaseCommand):
    help = (
        "Queue reminders to the people registered for events: one e-mail (with the event as an .ics file) per "
        "seat at a published, not cancelled event that starts within the event's reminder time (24 hours unless "
        "the event says otherwise; never for an event under way) and whose holder was not reminded yet. A seat "
        "is reminded once, however often the command runs. Mails are rendered in each person's preferred "
        "language and sent by the task worker (`gcmhub worker`). Run it every 15 minutes from cron, e.g. "
        "`*/15 * * * * gcmhub send-event-reminders`."
    )

    def handle(self, *args, **options):
        count = do_send_reminders()
        self.stdout.write(f"Queued {count} event reminder(s).")
