"""Demo content for the knowledge platform: resources, calls, practices in every workflow state with
their peer-review history, tool feedback and the accounts that play the roles.

The texts live in `data/demo/*.json` (each item in the one language it was written in, some
resources with other language versions). Loading is idempotent: rows are keyed by slug; a rerun
updates the texts and tags but leaves the workflow history of an existing practice alone, so what
a demo user did in between survives.

Other reference data must be loaded first (`load_reference_data`). Work-plan activities are
linked when the seed plan is imported, skipped otherwise.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gcmhub.knowledge.criteria import Criterion
from gcmhub.knowledge.models import (
    CallForPractices,
    Practice,
    PracticeEvent,
    Resource,
    ResourceEvent,
    Review,
    ReviewAssignment,
    ReviewerProfile,
    ToolFeedback,
)
from gcmhub.lib.i18n import LANGUAGE_CODES

DATA_DIR = Path(__file__).parent / "data" / "demo"
DEMO_PASSWORD = "demo-password-2021"  # noqa: S105 (demo accounts only, printed on purpose)

SUBMITTER = "submitter@demo.gcmhub.org"
HUB = "hub@demo.gcmhub.org"
REVIEWER_UN = "reviewer-un@demo.gcmhub.org"
REVIEWER_EXT1 = "reviewer-ext1@demo.gcmhub.org"
REVIEWER_EXT2 = "reviewer-ext2@demo.gcmhub.org"
REVIEWER_OLD = "reviewer@demo.gcmhub.org"  # created by `gcmhub demo`; given a roster entry here

# (e-mail, full name, language, role kind, organisation acronym or country ISO3), as in `gcmhub demo`.
KNOWLEDGE_ACCOUNTS = [
    (SUBMITTER, "Samira Submitter", "fr", None, None),
    (REVIEWER_UN, "Ulla Reviewer (UNICEF)", "en", "reviewer", None),
    (REVIEWER_EXT1, "Emeka Reviewer (MPI)", "en", "reviewer", None),
    (REVIEWER_EXT2, "Elena Reviewer (PICUM)", "es", "reviewer", None),
    (HUB, "Hugo Hub Team", "en", "secretariat", None),
]
_OLD_REVIEWER_ACCOUNT = (REVIEWER_OLD, "Rafael Reviewer", "es", "reviewer", None)

# Roster entries: e-mail → (is_un, affiliation slug, affiliation if not listed, objectives, cross-cutting,
# languages, region M49 codes, gender).
ROSTER = {
    REVIEWER_UN: (
        True,
        "unicef",
        "",
        [7, 10, 13, 15, 21],
        ["children", "human_rights"],
        ["en", "fr"],
        ["002", "150"],
        "female",
    ),
    REVIEWER_EXT1: (
        False,
        "mpi",
        "",
        [1, 5, 6, 18, 19, 20, 22],
        ["data", "labour"],
        ["en", "fr"],
        ["002", "142"],
        "male",
    ),
    REVIEWER_EXT2: (
        False,
        "picum",
        "",
        [7, 12, 13, 15, 16, 17],
        ["gender", "local_governance"],
        ["es", "en"],
        ["019", "150"],
        "female",
    ),
    REVIEWER_OLD: (
        False,
        None,
        "Universidad de Chile, Centro de Estudios Migratorios",
        [2, 3, 4, 8, 9, 11, 14, 23],
        ["climate", "human_rights"],
        ["es", "en", "fr"],
        ["019"],
        "male",
    ),
}

# Comments the reviewers leave, in the practice's language.
COMMENTS = {
    "publish": {
        "en": "A clear, well-documented practice with measurable results. Ready to publish.",
        "fr": "Pratique claire et bien documentée, aux résultats mesurables. Prête à être publiée.",
        "es": "Práctica clara y bien documentada, con resultados medibles. Lista para su publicación.",
    },
    "revise": {
        "en": "Promising, but please add figures on results and explain how the practice is funded after the project.",
        "fr": "Prometteur ; merci d'ajouter des chiffres sur les résultats et d'expliquer le financement après le projet.",
        "es": "Prometedora; añada cifras sobre los resultados y explique cómo se financia después del proyecto.",
    },
}
SCREENING_NOTES = {
    "returned": "Thank you for this submission. Please describe the results with figures (how many workers were "
    "helped, over what period) and complete the lessons learned, innovation and sustainability sections.",
    "declined": "The practice began before the adoption of the Global Compact, is not linked to its guiding "
    "principles and does not describe results for migrants. It does not meet the repository's criteria.",
    "revision": "The reviewers recommend publication after revision: please add figures on the number of "
    "businesses still running, the average loan and the processing time, and describe the "
    "guarantee fund's financing.",
    "conflict": "I advised the ministry on the design of this programme in 2020.",
    "withdrawn": "We will resubmit once the second school year is over and we have results to share.",
}
FEEDBACK = [
    (5, "en", "We used it to draft our national plan's coordination chapter.", "", "KE"),
    (4, "fr", "Utilisé pour un atelier avec six ministères.", "Ajouter des exemples d'Afrique centrale.", "SN"),
    (
        4,
        "es",
        "Lo usamos para capacitar a equipos municipales.",
        "Una versión más corta para autoridades locales.",
        "EC",
    ),
    (3, "en", "Helpful overview.", "The checklist should be available as an editable file.", "PH"),
    (5, "fr", "Très utile pour préparer notre examen national volontaire.", "", "MA"),
]


@dataclass
class DemoCounts:
    resources: int = 0
    practices: int = 0
    calls: int = 0
    created: dict = field(default_factory=dict)

    def __str__(self):
        return f"{self.resources} resources, {self.practices} practices, {self.calls} calls for practices"


def read(name: str) -> list:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _stable(text: str) -> int:
    """A number derived from `text`, the same on every run (scores, dates)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def ensure_accounts(accounts) -> dict:
    """Create missing demo accounts and their roles; return {e-mail: user}."""
    from gcmhub.accounts.actions import do_create_user, do_grant_role
    from gcmhub.accounts.models import User

    users = {}
    for email, name, lang, kind, _scope in accounts:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = do_create_user(
                email=email, password=DEMO_PASSWORD, full_name=name, preferred_language=lang, verified=True
            )
        if kind and not user.roles.active().filter(kind=kind).exists():
            do_grant_role(user=user, kind=kind, granted_by=None)
        users[email] = user
    return users


def ensure_roster(users) -> None:
    from gcmhub.taxonomy.models import Objective, Organisation, Region

    for email, (is_un, org, other, objectives, cross, languages, regions, gender) in ROSTER.items():
        profile, created = ReviewerProfile.objects.get_or_create(
            user=users[email],
            defaults={
                "is_un": is_un,
                "affiliation": Organisation.objects.filter(slug=org).first() if org else None,
                "affiliation_other": other,
                "cross_cutting": cross,
                "languages": languages,
                "gender": gender,
            },
        )
        if created:
            profile.objectives.set(Objective.objects.filter(number__in=objectives))
            profile.regions.set(Region.objects.filter(m49__in=regions))


class Lookups:
    """Reference rows by their codes, read once."""

    def __init__(self):
        from gcmhub.taxonomy.models import Country, GuidingPrinciple, Objective, Organisation, Region

        self.objectives = {o.number: o for o in Objective.objects.all()}
        self.countries = {c.iso2: c for c in Country.objects.all()}
        self.regions = {r.m49: r for r in Region.objects.all()}
        self.organisations = {o.slug: o for o in Organisation.objects.all()}
        self.principles = {p.code: p for p in GuidingPrinciple.objects.all()}
        self.activities = {}

    def pick(self, table: dict, keys) -> list:
        return [table[k] for k in keys if k in table]

    def activity(self, spec):
        """A seed work-plan activity from [kind, code or title keyword, number], or None."""
        if not spec:
            return None
        key = tuple(spec)
        if key not in self.activities:
            from gcmhub.workplan.models import Activity, WorkPlan

            kind, code, number = spec
            plan = WorkPlan.objects.current()
            found = None
            if plan is not None:
                activities = Activity.objects.filter(priority__workplan=plan, priority__kind=kind, number=number)
                if kind == "working_group":
                    activities = activities.filter(
                        Q(priority__title_fr__icontains=code) | Q(priority__title_en__icontains=code)
                    )
                else:
                    activities = activities.filter(priority__code=code)
                found = activities.select_related("priority").first()
            self.activities[key] = found
        return self.activities[key]


def load_calls(lookups: Lookups, now) -> dict:
    calls = {}
    for row in read("calls.json"):
        values = {
            "source_language": row["lang"],
            "contact_name": row["contact_name"],
            "contact_email": row["contact_email"],
            "opens_at": now + datetime.timedelta(days=row["opens_days"]),
            "deadline": now + datetime.timedelta(days=row["deadline_days"]),
        }
        for name in ("title", "rationale", "eligibility", "criteria"):
            for lang in LANGUAGE_CODES:
                values[f"{name}_{lang}"] = row[name].get(lang, "")
        call, _created = CallForPractices.objects.update_or_create(slug=row["slug"], defaults=values)
        call.objectives.set(lookups.pick(lookups.objectives, row["objectives"]))
        calls[call.slug] = call
    return calls


def load_resources(lookups: Lookups, users: dict, now) -> list:
    resources = []
    for index, row in enumerate(read("resources.json")):
        status = row.get("status", Resource.Status.PUBLISHED)
        published = status == Resource.Status.PUBLISHED
        activity = lookups.activity(row.get("activity"))
        values = {
            "kind": row["kind"],
            "source_language": row["lang"],
            "external_url": row.get("url") or f"https://example.org/gcmhub-demo/{row['slug']}",
            "publication_date": datetime.date.fromisoformat(row["date"]),
            "languages": row.get("languages") or [row["lang"]],
            "geographic_scope": row.get("scope", "global"),
            "is_general": row.get("general", False),
            "is_network_tool": row.get("network_tool", False),
            "audiences": row.get("audiences", []),
            "output_of_activity": activity,
            "output_of_priority": activity.priority if activity else None,
        }
        for name in ("title", "summary"):
            for lang in LANGUAGE_CODES:
                values[f"{name}_{lang}"] = row[name].get(lang, "")
        resource = Resource.objects.filter(slug=row["slug"]).first()
        if resource is None:
            moment = now - datetime.timedelta(days=400 - index * 5)
            resource = Resource.objects.create(
                slug=row["slug"],
                status=status,
                created_at=moment,
                published_at=moment + datetime.timedelta(days=2) if published else None,
                proposed_by=users[HUB] if published else users[SUBMITTER],
                **values,
            )
            ResourceEvent.objects.create(
                resource=resource, actor=users[HUB], to_status=Resource.Status.PROPOSED, created_at=moment
            )
            if published:
                ResourceEvent.objects.create(
                    resource=resource,
                    actor=users[HUB],
                    from_status=Resource.Status.PROPOSED,
                    to_status=status,
                    created_at=moment + datetime.timedelta(days=2),
                )
        else:
            for name, value in values.items():
                setattr(resource, name, value)
            resource.save(update_fields=[*values, "updated_at"])
        resource.objectives.set(lookups.pick(lookups.objectives, row["objectives"]))
        resource.countries.set(lookups.pick(lookups.countries, row.get("countries", [])))
        resource.regions.set(lookups.pick(lookups.regions, row.get("regions", [])))
        resource.publishers.set(lookups.pick(lookups.organisations, row["publishers"]))
        resources.append(resource)
    _load_feedback(lookups, users, [r for r in resources if r.is_network_tool and r.is_published], now)
    return resources


def _load_feedback(lookups, users, tools, now) -> None:
    for number, resource in enumerate(tools[:4]):
        if resource.feedback.exists():
            continue
        for offset, (rating, lang, how, improve, iso2) in enumerate(FEEDBACK[number : number + 3]):
            ToolFeedback.objects.create(
                resource=resource,
                user=users[SUBMITTER] if offset == 0 else None,
                rating=rating,
                how_used=how,
                improvements=improve,
                country=lookups.countries.get(iso2),
                language=lang,
                created_at=now - datetime.timedelta(days=30 + number * 7 + offset),
            )


class History:
    """Writes a practice's workflow rows with increasing timestamps."""

    def __init__(self, practice: Practice, start, users: dict):
        self.practice, self.when, self.users = practice, start, users

    def later(self, days: float = 0, hours: float = 0):
        self.when = self.when + datetime.timedelta(days=days, hours=hours)
        return self.when

    def event(self, action, actor, from_status="", to_status="", note="", visible=False, days=0.0):
        self.later(days)
        if action == PracticeEvent.Action.CREATED:
            self.practice.created_at = self.when
        return PracticeEvent.objects.create(
            practice=self.practice,
            action=action,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            round=self.practice.round,
            note=note,
            visible_to_submitter=visible,
            created_at=self.when,
        )

    def submit(self):
        A, S = PracticeEvent.Action, Practice.Status
        submitter = self.practice.submitter
        self.event(A.CREATED, submitter, to_status=S.DRAFT)
        self.event(A.SUBMITTED, submitter, S.DRAFT, S.SUBMITTED, visible=True, days=3)
        self.practice.submitted_at = self.when

    def accept(self):
        S = Practice.Status
        self.event(PracticeEvent.Action.ACCEPTED, self.users[HUB], S.SUBMITTED, S.IN_REVIEW, visible=True, days=4)

    def assign(self, reviewers: list, due_in: int = 21) -> list:
        assignments = []
        self.later(1)
        for reviewer in reviewers:
            profile = getattr(reviewer, "reviewer_profile", None)
            assignments.append(
                ReviewAssignment.objects.create(
                    practice=self.practice,
                    reviewer=reviewer,
                    round=self.practice.round,
                    is_un=bool(profile and profile.is_un),
                    assigned_by=self.users[HUB],
                    assigned_at=self.when,
                    due_date=(self.when + datetime.timedelta(days=due_in)).date(),
                )
            )
            self.event(PracticeEvent.Action.REVIEWER_ASSIGNED, self.users[HUB], note=reviewer.full_name)
        return assignments

    def declare(self, assignment, conflict: str = ""):
        A = PracticeEvent.Action
        self.later(1)
        assignment.declared_at = self.when
        if conflict:
            assignment.state, assignment.conflict_note = ReviewAssignment.State.CONFLICT, conflict
            self.event(A.CONFLICT_DECLARED, assignment.reviewer, note=conflict)
        else:
            assignment.state = ReviewAssignment.State.ACCEPTED
            self.event(A.NO_CONFLICT, assignment.reviewer)
        assignment.save(update_fields=["declared_at", "state", "conflict_note"])

    def review(self, assignment, recommendation: str, last: bool = False):
        self.later(4)
        seed = _stable(f"{self.practice.slug}-{assignment.reviewer.email}")
        low = 2 if recommendation == Review.Recommendation.REVISE else 4
        scores = {
            c.value: min(5, low + (seed >> i) % 2 + (1 if c == Criterion.OBJECTIVES else 0))
            for i, c in enumerate(Criterion)
        }
        lang = self.practice.language
        Review.objects.create(
            assignment=assignment,
            scores=scores,
            recommendation=recommendation,
            submitted_at=self.when,
            comments_for_submitter=COMMENTS["revise" if recommendation == "revise" else "publish"][lang],
            comments_for_hub="No concerns." if recommendation == "publish" else "Worth publishing once revised.",
        )
        assignment.state = ReviewAssignment.State.SUBMITTED
        assignment.save(update_fields=["state"])
        S = Practice.Status
        self.event(
            PracticeEvent.Action.REVIEW_SUBMITTED,
            assignment.reviewer,
            S.IN_REVIEW if last else "",
            S.REVIEWED if last else "",
        )

    def full_review(self, reviewers: list, recommendation="publish"):
        self.accept()
        assignments = self.assign(reviewers)
        for assignment in assignments:
            self.declare(assignment)
        for n, assignment in enumerate(assignments):
            self.review(assignment, recommendation, last=n == len(assignments) - 1)

    def publish(self):
        S = Practice.Status
        self.event(
            PracticeEvent.Action.PUBLISHED,
            self.users[HUB],
            S.REVIEWED,
            S.PUBLISHED,
            visible=True,
            days=3,
            note="Thank you: your practice is now in the repository.",
        )
        self.practice.published_at = self.when


def _reviewer_trio(users, index: int) -> list:
    second = users[REVIEWER_EXT2] if index % 2 else users[REVIEWER_OLD]
    return [users[REVIEWER_UN], users[REVIEWER_EXT1], second]


def build_history(practice: Practice, state: str, users: dict, index: int, now) -> None:
    """Write the events, assignments and reviews that lead to `state`, and set the practice's status."""
    S, A = Practice.Status, PracticeEvent.Action
    hub = users[HUB]
    recent = now - datetime.timedelta(days=40)
    start = now - datetime.timedelta(days=700 - index * 12) if state == "published" else recent
    h = History(practice, start, users)
    trio = _reviewer_trio(users, index)
    status = state
    if state == "draft":
        h.event(A.CREATED, practice.submitter, to_status=S.DRAFT)
    elif state in ("submitted", "update"):
        h.later(30)
        if state == "update":
            h.event(A.UPDATE_STARTED, practice.submitter, note="New results from the 2023 evaluation.")
        h.submit()
        status = S.SUBMITTED
    elif state == "returned":
        h.submit()
        h.event(A.RETURNED, hub, S.SUBMITTED, S.RETURNED, SCREENING_NOTES["returned"], visible=True, days=5)
    elif state == "declined":
        h.submit()
        h.event(A.DECLINED, hub, S.SUBMITTED, S.DECLINED, SCREENING_NOTES["declined"], visible=True, days=6)
    elif state == "withdrawn":
        h.submit()
        h.event(
            A.WITHDRAWN,
            practice.submitter,
            S.SUBMITTED,
            S.WITHDRAWN,
            SCREENING_NOTES["withdrawn"],
            visible=True,
            days=2,
        )
    elif state == "in_review_conflict":
        h.later(15)
        h.submit()
        h.accept()
        un, ext1, ext2 = h.assign([users[REVIEWER_UN], users[REVIEWER_EXT1], users[REVIEWER_EXT2]])
        h.declare(un)
        h.declare(ext1)
        h.declare(ext2, conflict=SCREENING_NOTES["conflict"])
        h.review(un, "publish")
        status = S.IN_REVIEW
    elif state == "in_review_overdue":
        h.submit()
        h.accept()
        assignments = h.assign(trio, due_in=14)
        for assignment in assignments:
            h.declare(assignment)
        h.review(assignments[0], "publish")
        h.review(assignments[2], "publish")
        h.event(A.REMINDER_SENT, hub, note=trio[1].full_name, days=12)
        ReviewAssignment.objects.filter(pk=assignments[1].pk).update(last_reminder_at=h.when)
        status = S.IN_REVIEW
    elif state == "reviewed":
        h.submit()
        h.full_review(trio)
        status = S.REVIEWED
    elif state == "revision":
        h.submit()
        h.full_review(trio, recommendation="revise")
        h.event(
            A.REVISION_REQUESTED,
            hub,
            S.REVIEWED,
            S.REVISION_REQUESTED,
            SCREENING_NOTES["revision"],
            visible=True,
            days=3,
        )
        status = S.REVISION_REQUESTED
    else:  # published
        h.submit()
        h.full_review(trio)
        h.publish()
        status = S.PUBLISHED
    practice.status = status
    practice.save(update_fields=["status", "submitted_at", "published_at", "created_at"])


def load_practices(lookups: Lookups, users: dict, calls: dict, now) -> list:
    contributors = [
        users[e]
        for e in (SUBMITTER, "stakeholder@demo.gcmhub.org", "iom@demo.gcmhub.org", "morocco@demo.gcmhub.org")
        if e in users
    ]
    text_fields = (
        "title",
        "summary",
        "description",
        "results",
        "challenges",
        "lessons",
        "innovation",
        "sustainability",
    )
    practices: list[Practice] = []
    by_slug: dict[str, Practice] = {}
    for index, row in enumerate(read("practices.json")):
        values = {name: row[name] for name in text_fields}
        values.update(
            language=row["lang"],
            geographic_scope=row["scope"],
            call=calls.get(row.get("call")),
            implementing_organisation=lookups.organisations.get(row.get("org")),
            implementing_organisation_name=row.get("org_name", ""),
            start_date=datetime.date.fromisoformat(row["start"]) if row.get("start") else None,
            end_date=datetime.date.fromisoformat(row["end"]) if row.get("end") else None,
            completion=row.get("completion", ""),
            update_of=by_slug.get(row.get("update_of")),
            links=f"https://example.org/gcmhub-demo/practices/{row['slug']}",
            criteria_met=[c.value for c in Criterion] if row["state"] != "draft" else [],
        )
        practice = Practice.objects.filter(slug=row["slug"]).first()
        created = practice is None
        if practice is None:
            published = row["state"] == "published"
            submitter = contributors[index % len(contributors)] if published else users[SUBMITTER]
            if values["update_of"] is not None:
                submitter = values["update_of"].submitter
            practice = Practice.objects.create(
                slug=row["slug"],
                submitter=submitter,
                focal_point_name=submitter.full_name,
                focal_point_email=submitter.email,
                **values,
            )
        else:
            for name, value in values.items():
                setattr(practice, name, value)
            practice.save(update_fields=[*values, "updated_at"])
        practice.objectives.set(lookups.pick(lookups.objectives, row["objectives"]))
        practice.countries.set(lookups.pick(lookups.countries, row["countries"]))
        practice.principles.set(lookups.pick(lookups.principles, row.get("principles", [])))
        practice.partner_organisations.set(lookups.pick(lookups.organisations, row.get("partners", [])))
        if created:
            build_history(practice, row["state"], users, index, now)
        practices.append(practice)
        by_slug[practice.slug] = practice
    return practices


@transaction.atomic
def load_knowledge_demo() -> DemoCounts:
    """Load (or refresh) every piece of knowledge demo content; see the module docstring."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    users = ensure_accounts([*KNOWLEDGE_ACCOUNTS, _OLD_REVIEWER_ACCOUNT])
    from gcmhub.accounts.models import User

    for user in User.objects.filter(
        email__in=["stakeholder@demo.gcmhub.org", "iom@demo.gcmhub.org", "morocco@demo.gcmhub.org"]
    ):
        users[user.email] = user
    ensure_roster(users)
    for email in ROSTER:  # fresh instances carry the roster entry for `is_un`
        users[email] = User.objects.select_related("reviewer_profile").get(email=email)
    lookups = Lookups()
    calls = load_calls(lookups, now)
    resources = load_resources(lookups, users, now)
    practices = load_practices(lookups, users, calls, now)
    return DemoCounts(resources=len(resources), practices=len(practices), calls=len(calls))
