from django.test import TestCase

from gcmhub.accounts.models import Role, User
from gcmhub.knowledge.demo import HUB, REVIEWER_EXT1, REVIEWER_EXT2, REVIEWER_UN, SUBMITTER, load_knowledge_demo
from gcmhub.knowledge.models import (
    CallForPractices,
    Practice,
    PracticeEvent,
    Resource,
    Review,
    ReviewAssignment,
    ReviewerProfile,
    ToolFeedback,
)
from gcmhub.taxonomy.models import Region
from gcmhub.taxonomy.reference import load_reference_data


def snapshot() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            Resource,
            Practice,
            PracticeEvent,
            ReviewAssignment,
            Review,
            CallForPractices,
            ToolFeedback,
            ReviewerProfile,
            User,
            Role,
        )
    }


class LoadKnowledgeDemoTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_reference_data()
        cls.counts = load_knowledge_demo()

    def test_it_loads_enough_resources_and_practices(self):
        self.assertGreaterEqual(Resource.objects.published().count(), 60)
        self.assertGreaterEqual(Practice.objects.count(), 40)
        self.assertEqual(self.counts.resources, Resource.objects.count())
        self.assertEqual(set(Resource.objects.values_list("kind", flat=True)), set(Resource.Kind.values))

    def test_it_covers_every_objective_with_both(self):
        resource_objectives = set(Resource.objects.published().values_list("objectives__number", flat=True))
        practice_objectives = set(Practice.objects.published().values_list("objectives__number", flat=True))
        self.assertTrue(set(range(1, 24)) <= resource_objectives)
        self.assertTrue(set(range(1, 24)) <= practice_objectives)
        self.assertGreaterEqual(Resource.objects.filter(is_general=True).count(), 3)

    def test_it_uses_the_three_languages_about_equally(self):
        for model, field in ((Resource, "source_language"), (Practice, "language")):
            languages = list(model.objects.values_list(field, flat=True))
            for lang in ("en", "fr", "es"):
                self.assertGreaterEqual(languages.count(lang) / len(languages), 0.2, (model, lang))
        translated = Resource.objects.exclude(title_en="").exclude(title_fr="").exclude(title_es="")
        self.assertGreaterEqual(translated.count(), 3)

    def test_it_places_content_in_every_region(self):
        for region in Region.objects.filter(parent__isnull=True):
            self.assertTrue(Resource.objects.published().filter(countries__region=region).exists(), region)
            self.assertTrue(Practice.objects.published().filter(countries__region=region).exists(), region)

    def test_it_has_a_practice_in_every_workflow_state(self):
        self.assertEqual(set(Practice.objects.values_list("status", flat=True)), set(Practice.Status.values))
        update = Practice.objects.get(update_of__isnull=False)
        self.assertEqual(update.status, Practice.Status.SUBMITTED)
        self.assertTrue(update.update_of.is_published)

    def test_it_records_the_review_history_of_published_practices(self):
        practice = Practice.objects.published().first()
        actions = list(practice.events.values_list("action", flat=True))
        A = PracticeEvent.Action
        for action in (
            A.CREATED,
            A.SUBMITTED,
            A.ACCEPTED,
            A.REVIEWER_ASSIGNED,
            A.NO_CONFLICT,
            A.REVIEW_SUBMITTED,
            A.PUBLISHED,
        ):
            self.assertIn(action, actions)
        assignments = practice.assignments.all()
        self.assertEqual(len(assignments), 3)
        self.assertEqual(sum(a.is_un for a in assignments), 1)
        for assignment in assignments:
            self.assertTrue(all(1 <= v <= 5 for v in assignment.review.scores.values()))

    def test_it_shows_a_conflict_an_overdue_review_and_kept_round_one_reviews(self):
        self.assertTrue(
            ReviewAssignment.objects.filter(
                state=ReviewAssignment.State.CONFLICT, practice__status=Practice.Status.IN_REVIEW
            ).exists()
        )
        overdue = [
            a for a in ReviewAssignment.objects.filter(practice__status=Practice.Status.IN_REVIEW) if a.is_overdue
        ]
        self.assertEqual(len(overdue), 1)
        revision = Practice.objects.get(status=Practice.Status.REVISION_REQUESTED)
        self.assertEqual(Review.objects.filter(assignment__practice=revision, assignment__round=1).count(), 3)

    def test_it_has_open_closing_and_closed_calls(self):
        calls = list(CallForPractices.objects.all())
        self.assertEqual(len(calls), 3)
        self.assertEqual(sum(call.is_open() for call in calls), 2)
        closed = CallForPractices.objects.exclude(pk__in=CallForPractices.objects.open()).get()
        self.assertTrue(closed.practices.filter(status=Practice.Status.PUBLISHED).exists())

    def test_it_creates_the_demo_accounts(self):
        self.assertTrue(User.objects.get(email=HUB).roles.filter(kind=Role.Kind.SECRETARIAT).exists())
        self.assertFalse(User.objects.get(email=SUBMITTER).roles.exists())
        self.assertTrue(ReviewerProfile.objects.get(user__email=REVIEWER_UN).is_un)
        for email in (REVIEWER_EXT1, REVIEWER_EXT2, "reviewer@demo.gcmhub.org"):
            self.assertFalse(ReviewerProfile.objects.get(user__email=email).is_un)
        self.assertTrue(User.objects.get(email=SUBMITTER).check_password("demo-password-2021"))

    def test_it_marks_network_tools_with_feedback(self):
        self.assertTrue(ToolFeedback.objects.filter(resource__is_network_tool=True).exists())

    def test_it_updates_instead_of_duplicating_on_a_second_run(self):
        before = snapshot()
        Resource.objects.filter(slug="demo-nip-guide").update(title_en="Changed")
        load_knowledge_demo()
        self.assertEqual(snapshot(), before)
        self.assertTrue(Resource.objects.get(slug="demo-nip-guide").title_en.startswith("Implementing the GCM"))
