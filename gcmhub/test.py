"""Shared personas and `make_<thing>` helpers for tests (no factory library, no fixtures)."""

import datetime
import itertools

from django.test import TestCase
from django.utils import timezone

from gcmhub.accounts.models import Role, User
from gcmhub.knowledge.models import (
    CallForPractices,
    Practice,
    PracticeEvent,
    Resource,
    ReviewAssignment,
    ReviewerProfile,
)
from gcmhub.taxonomy.models import Country, Objective, Organisation, Region, ThematicArea
from gcmhub.workplan.models import (
    Activity,
    ActivityOrganisation,
    ActivityPeriod,
    Involvement,
    Priority,
    PriorityOrganisation,
    WorkPlan,
)

_seq = itertools.count(1)

PASSWORD = "correct horse battery staple"  # noqa: S105 (tests only)


def make_user(email=None, **kwargs) -> User:
    email = email or f"user{next(_seq)}@example.org"
    kwargs.setdefault("full_name", email.split("@")[0].title())
    kwargs.setdefault("email_verified", True)
    return User.objects.create_user(email=email, password=PASSWORD, **kwargs)


def make_role(user, kind, **kwargs) -> Role:
    return Role.objects.create(user=user, kind=kind, **kwargs)


def make_region(**kwargs) -> Region:
    n = next(_seq)
    kwargs.setdefault("m49", f"{900 + n % 99:03d}")
    kwargs.setdefault("name_en", f"Region {n}")
    kwargs.setdefault("name_fr", f"Région {n}")
    kwargs.setdefault("name_es", f"Región {n}")
    return Region.objects.create(**kwargs)


def make_country(iso2="MA", iso3="MAR", **kwargs) -> Country:
    kwargs.setdefault("name_en", "Morocco")
    kwargs.setdefault("name_fr", "Maroc")
    kwargs.setdefault("name_es", "Marruecos")
    kwargs.setdefault("m49", "504")
    return Country.objects.create(iso2=iso2, iso3=iso3, **kwargs)


def make_kosovo(**kwargs) -> Country:
    """Kosovo as the reference loader makes it: code XK, with the note of Security Council
    resolution 1244 (shortened here; `kwargs` change any field)."""
    kwargs = {
        "name_en": "Kosovo",
        "name_fr": "Kosovo",
        "name_es": "Kosovo",
        "m49": "",
        "note_en": "References to Kosovo shall be understood to be in the context of resolution 1244 (1999).",
        "note_fr": "Toutes les références au Kosovo doivent être comprises dans le contexte de la résolution 1244.",
        **kwargs,
    }
    return make_country("XK", "XKX", **kwargs)


def make_organisation(acronym_en="IOM", **kwargs) -> Organisation:
    kwargs.setdefault("slug", acronym_en.lower().replace(" ", "-"))
    kwargs.setdefault("name_en", f"{acronym_en} (test organisation)")
    kwargs.setdefault("kind", Organisation.Kind.UN_ENTITY)
    org = Organisation.objects.create(acronym_en=acronym_en, **kwargs)
    org.sync_aliases()
    return org


def make_objective(number=1, **kwargs) -> Objective:
    kwargs.setdefault("short_en", f"Objective {number}")
    kwargs.setdefault("short_fr", f"Objectif {number}")
    kwargs.setdefault("short_es", f"Objetivo {number}")
    kwargs.setdefault("title_en", f"Objective {number} title")
    return Objective.objects.create(number=number, **kwargs)


def make_thematic_area(number=1, **kwargs) -> ThematicArea:
    kwargs.setdefault("name_en", f"Thematic area {number}")
    kwargs.setdefault("name_fr", f"Domaine thématique {number}")
    kwargs.setdefault("name_es", f"Área temática {number}")
    return ThematicArea.objects.create(number=number, **kwargs)


def _as_written(kwargs: dict, *names: str) -> None:
    """`deadline_text="T2 2021"` → the column of the record's source language (texts "as written"
    are translated fields: each language's document has its own wording)."""
    language = kwargs.get("source_language", "fr")
    for name in names:
        if name in kwargs:
            kwargs[f"{name}_{language}"] = kwargs.pop(name)


def make_workplan(**kwargs) -> WorkPlan:
    n = next(_seq)
    kwargs.setdefault("slug", f"plan-{n}")
    kwargs.setdefault("title_en", f"Work plan {n}")
    kwargs.setdefault("title_fr", f"Plan de travail {n}")
    kwargs.setdefault("source_language", "fr")
    kwargs.setdefault("period_start", datetime.date(2021, 1, 1))
    kwargs.setdefault("period_end", datetime.date(2022, 12, 31))
    _as_written(kwargs, "as_of")
    # One plan at most is current (a database constraint): the first one made, unless told.
    kwargs.setdefault("is_current", not WorkPlan.objects.filter(is_current=True).exists())
    return WorkPlan.objects.create(**kwargs)


def make_priority(workplan=None, leads=(), participants=(), objectives=(), **kwargs) -> Priority:
    workplan = workplan or make_workplan()
    n = next(_seq)
    kwargs.setdefault("kind", Priority.Kind.CORE)
    kwargs.setdefault("code", str(n))
    kwargs.setdefault("slug", f"core-{n}")
    kwargs.setdefault("order", n)
    kwargs.setdefault("title_fr", f"Priorité {n}")
    kwargs.setdefault("title_en", f"Priority {n}")
    kwargs.setdefault("source_language", "fr")
    _as_written(kwargs, "objectives_text")
    priority = Priority.objects.create(workplan=workplan, **kwargs)
    for i, org in enumerate(leads):
        PriorityOrganisation.objects.create(priority=priority, organisation=org, role=Involvement.LEAD, order=i)
    for i, org in enumerate(participants):
        PriorityOrganisation.objects.create(priority=priority, organisation=org, role=Involvement.PARTICIPANT, order=i)
    if objectives:
        priority.objectives.set(objectives)
    return priority


def make_activity(priority=None, periods=(), leads=(), participants=(), **kwargs) -> Activity:
    priority = priority or make_priority()
    n = next(_seq)
    kwargs.setdefault("number", n)
    kwargs.setdefault("order", n)
    kwargs.setdefault("text_fr", f"Activité {n}")
    kwargs.setdefault("text_en", f"Activity {n}")
    kwargs.setdefault("source_language", "fr")
    _as_written(kwargs, "deadline_text", "other_participants")
    if periods:
        kwargs.setdefault("start_date", min(p[0] for p in periods))
        kwargs.setdefault("due_date", max(p[1] for p in periods))
        kwargs.setdefault("deadline_state", Activity.DeadlineState.PARSED)
    activity = Activity.objects.create(priority=priority, **kwargs)
    for i, (start, end) in enumerate(periods):
        ActivityPeriod.objects.create(activity=activity, order=i, start=start, end=end)
    for i, org in enumerate(leads):
        ActivityOrganisation.objects.create(activity=activity, organisation=org, role=Involvement.LEAD, order=i)
    for i, org in enumerate(participants):
        ActivityOrganisation.objects.create(activity=activity, organisation=org, role=Involvement.PARTICIPANT, order=i)
    return activity


def make_resource(objectives=(), publishers=(), countries=(), **kwargs) -> Resource:
    n = next(_seq)
    kwargs.setdefault("title_en", f"Resource {n}")
    kwargs.setdefault("summary_en", f"Summary of resource {n}")
    kwargs.setdefault("source_language", "en")
    kwargs.setdefault("status", Resource.Status.PUBLISHED)
    kwargs.setdefault("kind", Resource.Kind.PUBLICATION)
    kwargs.setdefault("publication_date", datetime.date(2021, 6, 1))
    kwargs.setdefault("languages", [kwargs["source_language"]])
    if kwargs["status"] == Resource.Status.PUBLISHED:
        kwargs.setdefault("published_at", timezone.now())
    resource = Resource.objects.create(**kwargs)
    if objectives:
        resource.objectives.set(objectives)
    if publishers:
        resource.publishers.set(publishers)
    if countries:
        resource.countries.set(countries)
    return resource


def make_call(objectives=(), **kwargs) -> CallForPractices:
    n = next(_seq)
    kwargs.setdefault("slug", f"call-{n}")
    kwargs.setdefault("title_en", f"Call for practices {n}")
    kwargs.setdefault("rationale_en", "Why this call")
    kwargs.setdefault("source_language", "en")
    kwargs.setdefault("opens_at", timezone.now() - datetime.timedelta(days=30))
    kwargs.setdefault("deadline", timezone.now() + datetime.timedelta(days=30))
    kwargs.setdefault("contact_email", "hub@example.org")
    call = CallForPractices.objects.create(**kwargs)
    if objectives:
        call.objectives.set(objectives)
    return call


def make_practice(submitter, objectives=(), countries=(), **kwargs) -> Practice:
    """A practice with every required field filled; `status` defaults to draft."""
    n = next(_seq)
    kwargs.setdefault("title", f"Practice {n}")
    kwargs.setdefault("language", "en")
    kwargs.setdefault("summary", "A short summary of the practice.")
    kwargs.setdefault("description", "What was done.")
    kwargs.setdefault("results", "What changed.")
    kwargs.setdefault("implementing_organisation_name", "City of Example")
    kwargs.setdefault("start_date", datetime.date(2019, 3, 1))
    kwargs.setdefault("completion", Practice.Completion.COMPLETED)
    status = kwargs.setdefault("status", Practice.Status.DRAFT)
    if status != Practice.Status.DRAFT:
        kwargs.setdefault("submitted_at", timezone.now())
    if status == Practice.Status.PUBLISHED:
        kwargs.setdefault("published_at", timezone.now())
    practice = Practice.objects.create(submitter=submitter, **kwargs)
    if objectives:
        practice.objectives.set(objectives)
    if countries:
        practice.countries.set(countries)
    PracticeEvent.objects.create(
        practice=practice, action=PracticeEvent.Action.CREATED, actor=submitter, to_status=Practice.Status.DRAFT
    )
    return practice


def make_reviewer(email=None, is_un=False, **kwargs) -> User:
    """A user with the reviewer role and a roster entry."""
    user = make_user(email, **kwargs)
    make_role(user, Role.Kind.REVIEWER)
    ReviewerProfile.objects.create(user=user, is_un=is_un, languages=["en", "fr", "es"])
    return user


def make_assignment(practice, reviewer, **kwargs) -> ReviewAssignment:
    kwargs.setdefault("round", practice.round)
    kwargs.setdefault("due_date", timezone.localdate() + datetime.timedelta(days=21))
    profile = getattr(reviewer, "reviewer_profile", None)
    kwargs.setdefault("is_un", bool(profile and profile.is_un))
    return ReviewAssignment.objects.create(practice=practice, reviewer=reviewer, **kwargs)


def make_space(managers=(), members=(), **kwargs):
    """A discussion space (public unless told), with its managers and members."""
    from gcmhub.consultations.models import Membership, Space

    n = next(_seq)
    kwargs.setdefault("slug", f"space-{n}")
    kwargs.setdefault("source_language", "en")
    kwargs.setdefault("title_en", f"Regional review {n}")
    space = Space.objects.create(**kwargs)
    for user in managers:
        Membership.objects.create(space=space, user=user, role=Membership.Role.MANAGER)
    for user in members:
        Membership.objects.create(space=space, user=user, role=Membership.Role.MEMBER)
    return space


def make_topic(space=None, moderators=(), questions=(), **kwargs):
    """A published topic open since yesterday for 30 days; `questions` are English texts (or
    dicts of translated columns)."""
    from gcmhub.consultations.models import Question, Topic

    n = next(_seq)
    now = timezone.now()
    kwargs.setdefault("slug", f"topic-{n}")
    kwargs.setdefault("source_language", "en")
    kwargs.setdefault("title_en", f"Topic {n}")
    kwargs.setdefault("introduction_en", "What should the review discuss?")
    kwargs.setdefault("opens_at", now - datetime.timedelta(days=1))
    kwargs.setdefault("closes_at", now + datetime.timedelta(days=30))
    kwargs.setdefault("published_at", now - datetime.timedelta(days=1))
    topic = Topic.objects.create(space=space or make_space(), **kwargs)
    if moderators:
        topic.moderators.set(moderators)
    for order, text in enumerate(questions):
        columns = text if isinstance(text, dict) else {"text_en": text}
        Question.objects.create(topic=topic, order=order, source_language="en", **columns)
    return topic


def make_comment(topic, author, body="Regular pathways need labour market data.", **kwargs):
    """A comment written straight to the database (published unless told): no action, no check."""
    from gcmhub.consultations.models import Comment

    parent = kwargs.get("parent")
    kwargs.setdefault("language", "en")
    kwargs.setdefault("status", Comment.Status.PUBLISHED)
    kwargs.setdefault("depth", parent.depth + 1 if parent is not None else 0)
    if kwargs["status"] == Comment.Status.PUBLISHED:
        kwargs.setdefault("published_at", timezone.now())
    comment = Comment.objects.create(topic=topic, author=author, body=body, **kwargs)
    comment.thread_id = parent.thread_id if parent is not None else comment.pk
    comment.save(update_fields=["thread"])
    return comment


def make_event(organisers=(), managers=(), speakers=(), **kwargs):
    """A published online event in ten days, two hours long; `speakers` are (name, role) pairs."""
    from gcmhub.consultations.models import Event, Speaker

    n = next(_seq)
    start = timezone.now() + datetime.timedelta(days=10)
    kwargs.setdefault("slug", f"event-{n}")
    kwargs.setdefault("source_language", "en")
    kwargs.setdefault("title_en", f"Listening session {n}")
    kwargs.setdefault("kind", Event.Kind.LISTENING_SESSION)
    kwargs.setdefault("starts_at", start)
    kwargs.setdefault("ends_at", kwargs["starts_at"] + datetime.timedelta(hours=2))
    kwargs.setdefault("online_link", f"https://meet.example.org/session-{n}")
    kwargs.setdefault("published_at", timezone.now() - datetime.timedelta(days=1))
    event = Event.objects.create(**kwargs)
    if organisers:
        event.organisers.set(organisers)
    if managers:
        event.managers.set(managers)
    for order, (name, role) in enumerate(speakers):
        Speaker.objects.create(event=event, order=order, name=name, role=role)
    return event


class BaseTestCase(TestCase):
    """A small cast, one per role: anonymous is simply `self.client` without login.

    - alice: stakeholder (registered, no role)
    - fatima: Member State focal point for Morocco
    - ines: Network member focal point for IOM
    - oscar: Network member focal point for OHCHR
    - rita: reviewer
    - sam: Secretariat
    """

    iom: Organisation
    ohchr: Organisation
    morocco: Country
    alice: User
    fatima: User
    ines: User
    oscar: User
    rita: User
    sam: User

    @classmethod
    def setUpTestData(cls):
        cls.iom = make_organisation(
            "IOM",
            name_en="International Organization for Migration",
            acronym_fr="OIM",
            name_fr="Organisation internationale pour les migrations",
            acronym_es="OIM",
        )
        cls.ohchr = make_organisation(
            "OHCHR", acronym_fr="HCDH", name_en="Office of the United Nations High Commissioner for Human Rights"
        )
        cls.morocco = make_country()
        cls.alice = make_user("alice@example.org", full_name="Alice Stakeholder")
        cls.fatima = make_user("fatima@example.org", full_name="Fatima State")
        make_role(cls.fatima, Role.Kind.MEMBER_STATE_FOCAL_POINT, country=cls.morocco)
        cls.ines = make_user("ines@example.org", full_name="Ines Network")
        make_role(cls.ines, Role.Kind.NETWORK_FOCAL_POINT, organisation=cls.iom)
        cls.oscar = make_user("oscar@example.org", full_name="Oscar Network")
        make_role(cls.oscar, Role.Kind.NETWORK_FOCAL_POINT, organisation=cls.ohchr)
        cls.rita = make_user("rita@example.org", full_name="Rita Reviewer")
        make_role(cls.rita, Role.Kind.REVIEWER)
        cls.sam = make_user("sam@example.org", full_name="Sam Secretariat")
        make_role(cls.sam, Role.Kind.SECRETARIAT)

    def login(self, user):
        self.client.force_login(user)
