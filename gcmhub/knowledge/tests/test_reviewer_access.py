"""A reviewer reads a practice's full text, attachments and review form only while their review is
live (`permissions.can_read_for_review`): on the site and through the API, by role and by the
state of their assignment."""

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from gcmhub.accounts.actions import do_revoke_role
from gcmhub.accounts.models import Role, User
from gcmhub.knowledge import review
from gcmhub.knowledge.criteria import Criterion
from gcmhub.knowledge.models import Practice, PracticeAttachment, Review, ReviewAssignment, ReviewerProfile
from gcmhub.knowledge.permissions import can_read_for_review, can_view_practice
from gcmhub.test import BaseTestCase, make_assignment, make_practice

Status = Practice.Status
State = ReviewAssignment.State
FULL_TEXT = "The confidential full description."


class ReviewerAccessTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        ReviewerProfile.objects.create(user=cls.rita, languages=["en"])

    def setUp(self):
        self.practice = make_practice(self.alice, status=Status.IN_REVIEW, description=FULL_TEXT)
        PracticeAttachment.objects.create(
            practice=self.practice, title="Evaluation report", file=ContentFile(b"%PDF-1.4 report", name="report.pdf")
        )

    def assign(self, state, **kwargs):
        assignment = make_assignment(self.practice, self.rita, state=state, **kwargs)
        if state == State.SUBMITTED:
            scores = dict.fromkeys(Criterion.values, 4)
            Review.objects.create(assignment=assignment, scores=scores, recommendation="publish")
        return assignment

    def assert_can_read(self, assignment, expected: bool):
        """The predicate, the practice page, the review page and the API agree."""
        self.rita = User.objects.get(pk=self.rita.pk)  # a fresh object: no cached roles
        self.practice.refresh_from_db()
        assignment.refresh_from_db()
        self.assertEqual(can_read_for_review(self.rita, assignment), expected)
        self.assertEqual(can_view_practice(self.rita, self.practice), expected)
        self.login(self.rita)
        page = self.client.get(reverse("knowledge:practice", args=[self.practice.slug]))
        self.assertEqual(page.status_code, 200 if expected else 404)
        api = self.client.get(
            f"/api/v1/practices/{self.practice.slug}", HTTP_AUTHORIZATION=f"Bearer {self.token_for_rita()}"
        )
        self.assertEqual(api.status_code, 200 if expected else 404)
        if expected:
            self.assertIn("Evaluation report", api.content.decode())
        review_page = self.client.get(reverse("knowledge:review_assignment", args=[assignment.pk]))
        if review_page.status_code == 200:
            if expected:
                self.assertContains(review_page, FULL_TEXT)
                self.assertContains(review_page, "Evaluation report")
            else:
                self.assertNotContains(review_page, FULL_TEXT)
                self.assertNotContains(review_page, "Evaluation report")
                self.assertNotContains(review_page, 'name="recommendation"')
        else:
            self.assertFalse(expected)
            self.assertEqual(review_page.status_code, 403)

    def token_for_rita(self) -> str:
        from gcmhub.accounts.actions import do_create_api_token

        return do_create_api_token(user=self.rita, name="script")[1]


class ByAssignmentStateTests(ReviewerAccessTestCase):
    def test_it_lets_a_reviewer_read_while_reviewing(self):
        self.assert_can_read(self.assign(State.ACCEPTED), True)

    def test_it_keeps_the_full_text_from_an_invited_reviewer_until_the_declaration(self):
        self.assert_can_read(self.assign(State.INVITED), False)

    def test_it_lets_a_reviewer_who_submitted_read_until_the_decision(self):
        assignment = self.assign(State.SUBMITTED)
        self.assert_can_read(assignment, True)
        Practice.objects.filter(pk=self.practice.pk).update(status=Status.REVIEWED)
        self.assert_can_read(assignment, True)

    def test_it_ends_when_the_assignment_is_withdrawn(self):
        assignment = self.assign(State.ACCEPTED)
        with self.captureOnCommitCallbacks(execute=True):
            review.do_withdraw_assignment(self.sam, assignment, "Replaced: overdue")
        self.assert_can_read(assignment, False)

    def test_it_ends_with_a_conflict_of_interest(self):
        assignment = self.assign(State.INVITED)
        with self.captureOnCommitCallbacks(execute=True):
            review.do_declare_conflict(self.rita, assignment, True, "I advised the implementer")
        self.assert_can_read(assignment, False)

    def test_it_ends_when_the_round_is_closed_by_a_decision(self):
        assignment = self.assign(State.SUBMITTED)
        for status in (Status.REVISION_REQUESTED, Status.DECLINED, Status.WITHDRAWN, Status.RETURNED):
            with self.subTest(status=status):
                Practice.objects.filter(pk=self.practice.pk).update(status=status)
                self.assert_can_read(assignment, False)

    def test_it_ends_when_a_new_round_replaces_the_assignment(self):
        assignment = self.assign(State.SUBMITTED)
        Practice.objects.filter(pk=self.practice.pk).update(round=2)
        self.assert_can_read(assignment, False)

    def test_a_published_practice_stays_public(self):
        assignment = self.assign(State.SUBMITTED)
        Practice.objects.filter(pk=self.practice.pk).update(status=Status.PUBLISHED, published_at=timezone.now())
        self.practice.refresh_from_db()
        self.assertTrue(can_view_practice(self.rita, self.practice))
        self.assertFalse(can_read_for_review(self.rita, assignment))


class ByRoleTests(ReviewerAccessTestCase):
    def test_it_ends_when_the_reviewer_role_is_revoked(self):
        assignment = self.assign(State.ACCEPTED)
        self.assert_can_read(assignment, True)
        do_revoke_role(role=Role.objects.get(user=self.rita, kind=Role.Kind.REVIEWER), revoked_by=self.sam)
        self.assert_can_read(assignment, False)
        self.login(self.rita)
        url = reverse("knowledge:review_assignment", args=[assignment.pk])
        self.assertEqual(self.client.post(url, {"recommendation": "publish"}).status_code, 403)

    def test_it_ends_when_the_account_is_deactivated(self):
        assignment = self.assign(State.ACCEPTED)
        self.rita.is_active = False
        self.rita.save(update_fields=["is_active"])
        self.assertFalse(can_read_for_review(self.rita, assignment))
        self.assertFalse(can_view_practice(self.rita, self.practice))

    def test_only_the_submitter_the_hub_team_and_live_reviewers_read_an_unpublished_practice(self):
        url = reverse("knowledge:practice", args=[self.practice.slug])
        api_url = f"/api/v1/practices/{self.practice.slug}"
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get(api_url).status_code, 404)
        for user, expected in (
            (self.alice, 200),  # the submitter
            (self.fatima, 404),
            (self.ines, 404),
            (self.oscar, 404),
            (self.rita, 404),  # a reviewer without an assignment on it
            (self.sam, 200),
        ):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(url).status_code, expected)
