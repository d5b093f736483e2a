"""`gcmhub demo`: everything a newcomer needs to see the platform, safe to run again."""

import datetime
import random

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from gcmhub.consultations.demo import ACCOUNT_NOTES as DISCUSSION_NOTES
from gcmhub.consultations.demo import DISCUSSION_ACCOUNTS
from gcmhub.knowledge.demo import KNOWLEDGE_ACCOUNTS

DEMO_PASSWORD = "demo-password-2021"  # noqa: S105 (demo accounts only, printed on purpose)

# (e-mail, full name, language, role kind, organisation acronym or country ISO3)
DEMO_ACCOUNTS = [
    ("secretariat@demo.gcmhub.org", "Sofía Secretariat", "en", "secretariat", None),
    ("iom@demo.gcmhub.org", "Inès Focal (IOM)", "fr", "network_focal_point", "IOM"),
    ("ohchr@demo.gcmhub.org", "Omar Focal (OHCHR)", "en", "network_focal_point", "OHCHR"),
    ("who@demo.gcmhub.org", "Wen Focal (WHO)", "en", "network_focal_point", "WHO"),
    ("morocco@demo.gcmhub.org", "Mounia Focal (Maroc)", "fr", "member_state_focal_point", "MAR"),
    ("reviewer@demo.gcmhub.org", "Rafael Reviewer", "es", "reviewer", None),
    ("stakeholder@demo.gcmhub.org", "Stella Stakeholder", "es", None, None),
    ("translator@demo.gcmhub.org", "Tomás Translator", "es", "translator", None),
    *KNOWLEDGE_ACCOUNTS,
    *DISCUSSION_ACCOUNTS,
]
# What the knowledge platform's accounts do, printed beside them.
ACCOUNT_NOTES = {
    "reviewer@demo.gcmhub.org": "external reviewer, roster",
    "submitter@demo.gcmhub.org": "submitter of practices in every workflow state",
    "reviewer-un@demo.gcmhub.org": "UN reviewer, roster (UNICEF)",
    "reviewer-ext1@demo.gcmhub.org": "external reviewer, roster (academia, MPI)",
    "reviewer-ext2@demo.gcmhub.org": "external reviewer, roster (civil society, PICUM)",
    "hub@demo.gcmhub.org": "Hub team",
    **DISCUSSION_NOTES,
}

NARRATIVES = {
    "completed": "Terminé : le produit a été finalisé et diffusé aux membres du Réseau.",
    "on_track": "Les travaux avancent selon le calendrier prévu ; consultations en cours avec les partenaires.",
    "at_risk": "Retards possibles faute de financement ; le groupe de travail cherche des solutions.",
    "delayed": "Reporté au trimestre suivant à la demande des États Membres participants.",
    "ongoing": "Activité permanente : les discussions se poursuivent sur le Pôle du Réseau.",
    "cancelled": "Activité abandonnée : remplacée par une initiative conjointe plus large.",
}


DEFAULT_PORT = 8000
# The development default of SITE_URL and WAGTAILADMIN_BASE_URL (settings/base.py): while they still
# name it, they follow the address the demo serves on.
DEFAULT_SITE_URLS = ("http://127.0.0.1:8000", "http://localhost:8000")


def served_address(addrport: str | None, port: int | None) -> tuple[str, str]:
    """("127.0.0.1:8010", "http://127.0.0.1:8010") from --addrport or --port: what runserver
    listens on, and the address a browser on this machine opens."""
    if not addrport:
        addrport = f"127.0.0.1:{port or DEFAULT_PORT}"
    elif addrport.isdigit():
        addrport = f"127.0.0.1:{addrport}"
    host, _, number = addrport.rpartition(":")
    if host in ("", "0.0.0.0", "[::]", "::"):  # noqa: S104 (a browser opens the machine itself)
        host = "127.0.0.1"
    return addrport, f"http://{host}:{number}"


class Command(BaseCommand):
    help = (
        "Migrate, load reference data, import the seed work plan, create demo accounts for every role "
        "and demo status updates, the knowledge platform's demo resources, calls and practices (every "
        "workflow state, with their review history), then serve on 127.0.0.1:8000 (or --port). Links in "
        "e-mails point at that address unless SITE_URL names another one. E-mails are printed in the "
        "terminal (the development settings' console backend). Safe to run again: it updates instead "
        "of duplicating."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Load everything, do not start the server")
        parser.add_argument(
            "--port", type=int, default=None, help=f"Serve on this port of 127.0.0.1 (default {DEFAULT_PORT})"
        )
        parser.add_argument("--addrport", default=None, help="Serve on this address and port, e.g. 0.0.0.0:8010")

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        addrport, served_url = served_address(options["addrport"], options["port"])
        self.follow_served_address(served_url)
        call_command("migrate", interactive=False, verbosity=0)
        # The shared caches' tables (the migration creates them too; this covers a cache
        # configured after that migration ran). Idempotent.
        call_command("createcachetable", verbosity=0)
        self.stdout.write("Database migrated.")

        from gcmhub.taxonomy.reference import load_reference_data

        counts = load_reference_data()
        self.stdout.write(f"Reference data loaded: {counts}")
        # The search glossary's shipped file (the migration loaded it once; this picks up a newer
        # file and keeps the concepts edited in the CMS).
        call_command("load_glossary", verbosity=0)

        workplan = self.import_seed()
        self.create_accounts()
        self.create_updates(workplan)
        self.load_knowledge()
        self.load_discussions()
        # The whole index from the database: an index left by an earlier version (another
        # schema) is emptied when opened, and reference pages are documents too.
        from gcmhub.search.indexing import rebuild

        result = rebuild()
        self.stdout.write(f"Search index rebuilt: {sum(result['counts'].values())} documents.")
        self.print_accounts()
        if verbosity > 1:
            self.stdout.write(f"Database: {settings.DATABASES['default']['NAME']}")
        self.print_email_note()
        if not options["no_serve"]:
            self.stdout.write(self.style.SUCCESS(f"Serving on {served_url}/ (Ctrl+C to stop)"))
            call_command("runserver", addrport, use_reloader=False)

    def follow_served_address(self, served_url: str) -> None:
        """Point links in e-mails (SITE_URL) and the CMS's (WAGTAILADMIN_BASE_URL) at the served
        address, unless the environment set them to another one. This process sends the e-mails
        (the development settings run tasks at once), so changing its settings is enough."""
        for name in ("SITE_URL", "WAGTAILADMIN_BASE_URL"):
            if getattr(settings, name, "").rstrip("/") in DEFAULT_SITE_URLS:
                setattr(settings, name, served_url)

    def print_email_note(self):
        backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
        if backend == "console":
            self.stdout.write(
                "E-mails (sign-up, password reset, review invitations...) are printed here, in this terminal; "
                f"their links start with {settings.SITE_URL}."
            )
        elif backend == "filebased":
            self.stdout.write(f"E-mails are written to files in {getattr(settings, 'EMAIL_FILE_PATH', '?')}.")
        else:
            self.stdout.write(f"E-mails are sent by {settings.EMAIL_BACKEND}.")

    def import_seed(self):
        from gcmhub.workplan.seed import load_seed_plan

        workplan = load_seed_plan()
        self.stdout.write(
            f"Work plan imported: {workplan.title} ({workplan.priorities.count()} priority blocks, "
            f"{sum(p.activities.count() for p in workplan.priorities.all())} activities), with its "
            "English and Spanish texts as suggested translations to review."
        )
        return workplan

    @transaction.atomic
    def create_accounts(self):
        from gcmhub.accounts.actions import do_create_user, do_grant_role
        from gcmhub.accounts.models import Role, User
        from gcmhub.taxonomy.models import Country, Organisation

        for email, name, lang, kind, scope in DEMO_ACCOUNTS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = do_create_user(
                    email=email, password=DEMO_PASSWORD, full_name=name, preferred_language=lang, verified=True
                )
            if kind and not user.roles.active().filter(kind=kind).exists():
                extra = {}
                if kind == Role.Kind.NETWORK_FOCAL_POINT and scope:
                    extra["organisation"] = Organisation.objects.resolving(scope).get()
                elif kind == Role.Kind.MEMBER_STATE_FOCAL_POINT:
                    extra["country"] = Country.objects.get(iso3=scope)
                do_grant_role(user=user, kind=kind, granted_by=None, **extra)
        self.stdout.write("Demo accounts ready.")

    def create_updates(self, workplan):
        """Give the demo plan a believable history, once (skipped when updates exist)."""
        from gcmhub.accounts.models import User
        from gcmhub.workplan.actions import do_post_status_update
        from gcmhub.workplan.models import Activity, StatusUpdate

        activities = list(Activity.objects.filter(priority__workplan=workplan).for_list())
        if StatusUpdate.objects.filter(activity__in=activities).exists():
            return
        author = User.objects.get(email="secretariat@demo.gcmhub.org")
        rng = random.Random(2021)  # noqa: S311 (fixed seed: the same demo every time)
        weights = [
            ("completed", 50),
            ("on_track", 12),
            ("at_risk", 8),
            ("delayed", 10),
            ("ongoing", 12),
            ("cancelled", 3),
        ]
        statuses = [s for s, w in weights for _ in range(w)]
        for activity in activities:
            if rng.random() < 0.12:
                continue  # some activities never got an update: they show as not started
            status = rng.choice(statuses)
            percent = 100 if status == "completed" else rng.choice([None, 20, 40, 60, 80])
            update = do_post_status_update(
                activity=activity,
                author=author,
                status=status,
                percent_complete=percent,
                narrative=NARRATIVES[status],
                organisation=(activity.leads[0] if activity.leads else None),
            )
            # Date the update inside the activity's own period so the history reads naturally.
            when = activity.due_date or workplan.period_end
            moment = timezone.make_aware(datetime.datetime.combine(when, datetime.time(10, 0)))
            StatusUpdate.objects.filter(pk=update.pk).update(created_at=moment)
            Activity.objects.filter(pk=activity.pk).update(status_updated_at=moment)
        self.stdout.write("Demo status updates created.")

    def load_knowledge(self):
        from gcmhub.knowledge.demo import load_knowledge_demo
        from gcmhub.knowledge.models import Practice

        counts = load_knowledge_demo()
        self.stdout.write(f"Knowledge platform demo content: {counts}.")
        states = Practice.objects.filter(slug__startswith="demo-").values_list("status", flat=True)
        by_state = {label: sum(1 for s in states if s == value) for value, label in Practice.Status.choices}
        self.stdout.write("  Practices by state: " + ", ".join(f"{label} {n}" for label, n in by_state.items() if n))

    def load_discussions(self):
        from gcmhub.consultations.demo import load_discussions_demo

        counts = load_discussions_demo()
        self.stdout.write(f"Discussions demo content: {counts}.")

    def print_accounts(self):
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password: {DEMO_PASSWORD})"))
        for email, _name, _lang, kind, scope in DEMO_ACCOUNTS:
            role = (kind or "stakeholder").replace("_", " ")
            note = ACCOUNT_NOTES.get(email)
            self.stdout.write(f"  {email:32} {role}{f' ({scope})' if scope else ''}{f' – {note}' if note else ''}")
        self.stdout.write("  The Secretariat account also opens the CMS at /cms/.")
        self.stdout.write("")
