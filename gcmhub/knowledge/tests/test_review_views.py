import datetime

from django.urls import reverse
from django.utils import timezone

from gcmhub.accounts.models import Role
from gcmhub.accounts.permissions import is_reviewer
from gcmhub.knowledge import review
from gcmhub.knowledge.criteria import Criterion
from gcmhub.knowledge.models import Practice, PracticeEvent, Review, ReviewAssignment, ReviewerProfile
from gcmhub.test import BaseTestCase, make_assignment, make_objective, make_practice, make_reviewer, make_user

Status = Practice.Status
State = ReviewAssignment.State

QUEUE_URL = reverse("knowledge:review_queue")
MY_REVIEWS_URL = reverse("knowledge:my_reviews")
ROSTER_URL = reverse("knowledge:roster")
ROSTER_ADD_URL = reverse("knowledge:roster_add")


class ReviewViewTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        ReviewerProfile.objects.create(user=cls.rita, is_un=True, languages=["en", "fr"])
        cls.ext1 = make_reviewer("ext1@example.org", full_name="Ext One")
        cls.ext2 = make_reviewer("ext2@example.org", full_name="Ext Two")
        cls.outsiders = (cls.alice, cls.fatima, cls.ines)

    def make(self, status=Status.IN_REVIEW, **kwargs):
        kwargs.setdefault("description", "The full description of the practice.")
        return make_practice(self.alice, status=status, **kwargs)

    def submitted_review(self, practice, reviewer, value=4, recommendation="publish", **kwargs):
        assignment = make_assignment(practice, reviewer, state=State.SUBMITTED, **kwargs)
        Review.objects.create(
            assignment=assignment,
            scores=dict.fromkeys(Criterion.values, value),
            recommendation=recommendation,
            comments_for_submitter="Nice work",
            comments_for_hub="Between us",
        )
        return assignment

    def assert_refused(self, url, method="get", data=None):
        """Anonymous → login; alice, fatima, ines → 403."""
        self.client.logout()
        response = getattr(self.client, method)(url, data or {})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        for user in self.outsiders:
            self.login(user)
            self.assertEqual(getattr(self.client, method)(url, data or {}).status_code, 403, user)


class ReviewQueueTests(ReviewViewTestCase):
    def test_it_is_for_the_hub_team_only(self):
        self.assert_refused(QUEUE_URL)
        self.login(self.rita)
        self.assertEqual(self.client.get(QUEUE_URL).status_code, 403)

    def test_it_lists_practices_by_stage_with_their_coverage(self):
        to_screen = self.make(Status.SUBMITTED, title="To be screened")
        in_review = self.make(title="Being reviewed")
        self.submitted_review(in_review, self.rita)
        self.submitted_review(in_review, self.ext1, recommendation="decline")
        make_assignment(in_review, self.ext2, due_date=timezone.localdate() - datetime.timedelta(days=2))
        reviewed = self.make(Status.REVIEWED, title="Fully reviewed")
        returned = self.make(Status.RETURNED, title="Sent back")
        self.make(Status.PUBLISHED, title="Already public")
        self.make(Status.DRAFT, title="Still a draft")
        self.login(self.sam)
        with self.assertNumQueries(5):
            response = self.client.get(QUEUE_URL)
        self.assertEqual(response.status_code, 200)
        sections = response.context["sections"]
        self.assertEqual(
            (sections["screen"], sections["in_review"], sections["decision"], sections["returned"]),
            ([to_screen], [in_review], [reviewed], [returned]),
        )
        self.assertContains(response, "1 UN / 2 external, 2 of 3 reviews in")
        self.assertContains(response, "1 overdue")
        self.assertContains(response, "Reviewers disagree")
        self.assertNotContains(response, "Already public")
        self.assertNotContains(response, "Still a draft")

    def test_its_query_count_does_not_grow_with_practices(self):
        for _ in range(5):
            practice = self.make()
            self.submitted_review(practice, self.rita)
            make_assignment(practice, self.ext1)
        self.login(self.sam)
        with self.assertNumQueries(5):
            self.client.get(QUEUE_URL)


class ReviewPracticePageTests(ReviewViewTestCase):
    def test_it_is_for_the_hub_team_only(self):
        practice = self.make()
        self.assert_refused(reverse("knowledge:review_practice", args=[practice.slug]))

    def test_it_shows_full_text_history_and_every_rounds_reviews(self):
        objective = make_objective(3)
        practice = self.make(round=2, objectives=[objective])
        old = self.submitted_review(practice, self.ext1, round=1, value=2, recommendation="revise")
        PracticeEvent.objects.create(
            practice=practice,
            action=PracticeEvent.Action.REVISION_REQUESTED,
            actor=self.sam,
            from_status=Status.REVIEWED,
            to_status=Status.REVISION_REQUESTED,
            note="Add figures",
            visible_to_submitter=True,
        )
        make_assignment(practice, self.rita, round=2)
        self.login(self.sam)
        response = self.client.get(reverse("knowledge:review_practice", args=[practice.slug]))
        self.assertContains(response, "The full description of the practice.")
        self.assertContains(response, "Round 1")
        self.assertContains(response, "Between us")
        self.assertContains(response, "Publish after revision")
        self.assertContains(response, "Add figures")
        self.assertContains(response, "Reviewed, awaiting decision → Revision requested")
        self.assertContains(response, "Sam Secretariat")
        self.assertContains(response, 'name="reviewer"')
        self.assertNotContains(response, f'action="{reverse("knowledge:screen", args=[practice.slug])}"')
        self.assertEqual(old.round, 1)

    def test_it_suggests_reviewers_with_matching_expertise_first(self):
        objective = make_objective(5)
        practice = self.make(objectives=[objective])
        self.ext2.reviewer_profile.objectives.add(objective)
        self.login(self.sam)
        response = self.client.get(reverse("knowledge:review_practice", args=[practice.slug]))
        candidates = response.context["candidates"]
        self.assertEqual(candidates[0].user, self.ext2)
        self.assertEqual({c.user for c in candidates}, {self.rita, self.ext1, self.ext2})
        self.assertContains(response, "Suggested reviewers")
        self.assertEqual(
            response.context["assign_form"]["due_date"].value(), timezone.localdate() + datetime.timedelta(days=21)
        )


class ScreenViewTests(ReviewViewTestCase):
    def url(self, practice):
        return reverse("knowledge:screen", args=[practice.slug])

    def test_it_refuses_everyone_but_the_hub_team_and_get(self):
        practice = self.make(Status.SUBMITTED)
        self.assert_refused(self.url(practice), "post", {"decision": "accept"})
        self.login(self.rita)
        self.assertEqual(self.client.post(self.url(practice), {"decision": "accept"}).status_code, 403)
        self.login(self.sam)
        self.assertEqual(self.client.get(self.url(practice)).status_code, 405)
        practice.refresh_from_db()
        self.assertEqual(practice.status, Status.SUBMITTED)

    def test_the_hub_team_accepts(self):
        practice = self.make(Status.SUBMITTED)
        self.login(self.sam)
        response = self.client.post(self.url(practice), {"decision": "accept", "version": practice.version})
        self.assertRedirects(response, reverse("knowledge:review_practice", args=[practice.slug]))
        practice.refresh_from_db()
        self.assertEqual(practice.status, Status.IN_REVIEW)

    def test_a_missing_reason_keeps_the_input(self):
        practice = self.make(Status.SUBMITTED)
        self.login(self.sam)
        response = self.client.post(self.url(practice), {"decision": "return", "note": "", "version": practice.version})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Give the submitter a reason.", status_code=400)
        self.assertContains(response, 'value="return" id="screen_decision_1" required checked', status_code=400)
        practice.refresh_from_db()
        self.assertEqual(practice.status, Status.SUBMITTED)

    def test_the_wrong_state_is_explained_and_nothing_changes(self):
        practice = self.make(Status.IN_REVIEW)
        self.login(self.sam)
        response = self.client.post(
            self.url(practice), {"decision": "decline", "note": "No", "version": practice.version}
        )
        self.assertContains(response, "This cannot be done while the practice is", status_code=400)
        practice.refresh_from_db()
        self.assertEqual(practice.status, Status.IN_REVIEW)

    def test_an_unknown_practice_is_404(self):
        self.login(self.sam)
        self.assertEqual(self.client.post(reverse("knowledge:screen", args=["nope"])).status_code, 404)


class AssignViewTests(ReviewViewTestCase):
    def url(self, practice):
        return reverse("knowledge:assign", args=[practice.slug])

    def data(self, reviewer, **kwargs):
        due = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
        return {"reviewer": reviewer.reviewer_profile.pk, "due_date": due, **kwargs}

    def test_it_refuses_everyone_but_the_hub_team(self):
        practice = self.make()
        self.assert_refused(self.url(practice), "post", self.data(self.rita))
        self.login(self.rita)
        self.assertEqual(self.client.post(self.url(practice), self.data(self.rita)).status_code, 403)
        self.assertFalse(practice.assignments.exists())

    def test_the_hub_team_assigns(self):
        practice = self.make()
        self.login(self.sam)
        response = self.client.post(self.url(practice), self.data(self.rita))
        self.assertRedirects(response, reverse("knowledge:review_practice", args=[practice.slug]))
        assignment = practice.assignments.get()
        self.assertEqual((assignment.reviewer, assignment.is_un, assignment.state), (self.rita, True, State.INVITED))

    def test_errors_keep_the_input(self):
        practice = self.make()
        self.login(self.sam)
        past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
        response = self.client.post(self.url(practice), self.data(self.rita, due_date=past))
        self.assertContains(response, "The due date is in the past.", status_code=400)
        self.assertContains(response, f'value="{past}"', status_code=400)

    def test_the_wrong_state_is_explained(self):
        practice = self.make(Status.SUBMITTED)
        self.login(self.sam)
        response = self.client.post(self.url(practice), self.data(self.rita))
        self.assertContains(response, "This cannot be done while the practice is", status_code=400)
        self.assertFalse(practice.assignments.exists())


class WithdrawViewTests(ReviewViewTestCase):
    def test_the_hub_team_withdraws_with_a_reason(self):
        practice = self.make()
        assignment = make_assignment(practice, self.ext1)
        url = reverse("knowledge:withdraw_assignment", args=[practice.slug, assignment.pk])
        self.assert_refused(url, "post", {"note": "x"})
        self.login(self.sam)
        response = self.client.post(url, {"note": ""})
        self.assertContains(response, "This field is required.", status_code=400)
        response = self.client.post(url, {"note": "Unavailable"})
        self.assertRedirects(response, reverse("knowledge:review_practice", args=[practice.slug]))
        assignment.refresh_from_db()
        self.assertEqual(assignment.state, State.WITHDRAWN)
        response = self.client.post(url, {"note": "Again"})
        self.assertContains(response, "Only an assignment", status_code=400)

    def test_an_assignment_of_another_practice_is_404(self):
        practice, other = self.make(), self.make()
        assignment = make_assignment(other, self.ext1)
        self.login(self.sam)
        url = reverse("knowledge:withdraw_assignment", args=[practice.slug, assignment.pk])
        self.assertEqual(self.client.post(url, {"note": "x"}).status_code, 404)


class DecideViewTests(ReviewViewTestCase):
    def url(self, practice):
        return reverse("knowledge:decide", args=[practice.slug])

    def test_it_refuses_everyone_but_the_hub_team(self):
        practice = self.make(Status.REVIEWED)
        self.assert_refused(self.url(practice), "post", {"decision": "publish"})
        self.login(self.rita)
        self.assertEqual(self.client.post(self.url(practice), {"decision": "publish"}).status_code, 403)

    def test_the_hub_team_publishes(self):
        practice = self.make(Status.REVIEWED)
        self.login(self.sam)
        response = self.client.post(
            self.url(practice), {"decision": "publish", "feedback": "", "version": practice.version}
        )
        self.assertRedirects(response, reverse("knowledge:review_practice", args=[practice.slug]))
        practice.refresh_from_db()
        self.assertEqual(practice.status, Status.PUBLISHED)

    def test_missing_feedback_keeps_the_input(self):
        practice = self.make(Status.REVIEWED)
        self.login(self.sam)
        response = self.client.post(
            self.url(practice), {"decision": "decline", "feedback": " ", "version": practice.version}
        )
        self.assertContains(response, "Give the submitter feedback.", status_code=400)
        self.assertContains(response, 'value="decline" id="decide_decision_2" required checked', status_code=400)

    def test_an_incomplete_review_cannot_be_decided(self):
        practice = self.make()
        self.submitted_review(practice, self.rita)
        self.login(self.sam)
        response = self.client.post(self.url(practice), {"decision": "publish", "version": practice.version})
        self.assertContains(response, "every review in", status_code=400)
        practice.refresh_from_db()
        self.assertEqual(practice.status, Status.IN_REVIEW)


class MyReviewsTests(ReviewViewTestCase):
    def test_it_is_for_reviewers(self):
        self.assert_refused(MY_REVIEWS_URL)
        self.login(self.sam)
        self.assertEqual(self.client.get(MY_REVIEWS_URL).status_code, 403)

    def test_it_lists_the_reviewers_own_assignments_due_then_past(self):
        today = timezone.localdate()
        late = make_assignment(self.make(title="Late one"), self.rita, due_date=today - datetime.timedelta(days=1))
        soon = make_assignment(self.make(title="Soon one"), self.rita, state=State.ACCEPTED)
        done = self.submitted_review(self.make(title="Done one"), self.rita)
        make_assignment(self.make(title="Someone else's"), self.ext1)
        closed = make_assignment(self.make(Status.DECLINED, title="Closed one"), self.rita)
        self.login(self.rita)
        with self.assertNumQueries(4):
            response = self.client.get(MY_REVIEWS_URL)
        self.assertEqual(response.context["due"], [late, soon])
        self.assertEqual(set(response.context["past"]), {done, closed})
        self.assertContains(response, "overdue")
        self.assertContains(response, "Declare any conflict of interest")
        self.assertNotContains(response, "Someone else")


class ReviewAssignmentTests(ReviewViewTestCase):
    def url(self, assignment):
        return reverse("knowledge:review_assignment", args=[assignment.pk])

    def score_data(self, **overrides):
        data = {f"score_{c}": "4" for c in Criterion.values}
        data.update(recommendation="publish", comments_for_submitter="Good", comments_for_hub="")
        data.update(overrides)
        return data

    def test_it_is_for_the_assigned_reviewer_only(self):
        assignment = make_assignment(self.make(), self.rita)
        self.assert_refused(self.url(assignment))
        self.login(self.ext1)
        self.assertEqual(self.client.get(self.url(assignment)).status_code, 404)
        self.login(self.sam)
        self.assertEqual(self.client.get(self.url(assignment)).status_code, 403)

    def test_step_1_shows_only_the_limited_fields_until_no_conflict_is_declared(self):
        practice = self.make(summary="The summary shown first")
        assignment = make_assignment(practice, self.rita)
        self.login(self.rita)
        response = self.client.get(self.url(assignment))
        self.assertContains(response, "The summary shown first")
        self.assertContains(response, "City of Example")
        self.assertNotContains(response, "The full description of the practice.")
        self.assertContains(response, "<legend>Conflict of interest</legend>", html=False)
        response = self.client.post(self.url(assignment), {"has_conflict": "no"})
        self.assertRedirects(response, self.url(assignment))
        response = self.client.get(self.url(assignment))
        self.assertContains(response, "The full description of the practice.")
        self.assertContains(response, "Score sheet")

    def test_a_conflict_needs_a_description_and_keeps_the_input(self):
        assignment = make_assignment(self.make(), self.rita)
        self.login(self.rita)
        response = self.client.post(self.url(assignment), {"has_conflict": "yes", "note": ""})
        self.assertContains(response, "Describe the conflict of interest.", status_code=400)
        self.assertContains(response, 'value="yes" id="id_has_conflict_1" required checked', status_code=400)
        response = self.client.post(self.url(assignment), {"has_conflict": "yes", "note": "My employer"})
        assignment.refresh_from_db()
        self.assertEqual(assignment.state, State.CONFLICT)
        self.assertContains(self.client.get(self.url(assignment)), "You declared a conflict of interest")

    def test_step_2_scores_with_radio_groups_and_errors_keep_the_input(self):
        assignment = make_assignment(self.make(), self.rita, state=State.ACCEPTED)
        self.login(self.rita)
        response = self.client.get(self.url(assignment))
        self.assertContains(response, f"<legend>{Criterion.RESULTS.label}</legend>", html=False)
        data = self.score_data(score_innovation="", comments_for_submitter="Keep me")
        response = self.client.post(self.url(assignment), data)
        self.assertContains(response, "This field is required.", status_code=400)
        self.assertContains(response, "Keep me", status_code=400)
        self.assertContains(response, 'href="#id_score_innovation"', status_code=400)
        self.assertContains(response, 'value="4" id="id_score_results_3" required checked', status_code=400)
        self.assertFalse(Review.objects.exists())
        response = self.client.post(self.url(assignment), self.score_data())
        self.assertRedirects(response, self.url(assignment))
        assignment.refresh_from_db()
        self.assertEqual(assignment.state, State.SUBMITTED)
        response = self.client.get(self.url(assignment))
        self.assertContains(response, "Your review")
        # While the practice is in review, the reviewer may change it (with the version of the review).
        self.assertContains(response, "Change your review")
        self.assertContains(response, f'name="version" value="{assignment.review.version}"')

    def test_a_closed_review_changes_nothing(self):
        practice = self.make(Status.DECLINED)
        assignment = make_assignment(practice, self.rita, state=State.ACCEPTED)
        self.login(self.rita)
        response = self.client.post(self.url(assignment), self.score_data())
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "nothing was changed", status_code=400)
        self.assertFalse(Review.objects.exists())
        self.assertNotContains(response, "The full description of the practice.", status_code=400)


class RosterTests(ReviewViewTestCase):
    def test_it_is_for_the_hub_team_only(self):
        self.assert_refused(ROSTER_URL)
        self.assert_refused(ROSTER_ADD_URL)
        self.assert_refused(reverse("knowledge:roster_edit", args=[self.rita.pk]))
        self.login(self.rita)
        self.assertEqual(self.client.get(ROSTER_URL).status_code, 403)

    def test_it_lists_and_filters_the_roster(self):
        objective = make_objective(7)
        self.ext1.reviewer_profile.objectives.add(objective)
        ReviewerProfile.objects.filter(user=self.ext2).update(languages=["es"])
        ReviewerProfile.objects.filter(user=self.ext1).update(languages=["en"])
        make_assignment(self.make(), self.ext1)
        self.login(self.sam)
        with self.assertNumQueries(7):
            response = self.client.get(ROSTER_URL)
        self.assertEqual(len(response.context["profiles"]), 3)
        self.assertContains(response, "Ext One")
        profiles = self.client.get(ROSTER_URL, {"objective": objective.pk}).context["profiles"]
        self.assertEqual([p.user for p in profiles], [self.ext1])
        self.assertEqual(profiles[0].load, 1)
        profiles = self.client.get(ROSTER_URL, {"kind": "un"}).context["profiles"]
        self.assertEqual([p.user for p in profiles], [self.rita])
        profiles = self.client.get(ROSTER_URL, {"language": "es"}).context["profiles"]
        self.assertEqual([p.user for p in profiles], [self.ext2])

    def test_its_query_count_does_not_grow_with_reviewers(self):
        for n in range(4):
            make_reviewer(f"more{n}@example.org").reviewer_profile.objectives.add(make_objective(10 + n))
        self.login(self.sam)
        with self.assertNumQueries(7):
            self.client.get(ROSTER_URL)

    def test_adding_a_person_grants_the_reviewer_role(self):
        person = make_user("newreviewer@example.org", full_name="New Reviewer")
        self.login(self.sam)
        response = self.client.get(ROSTER_ADD_URL)
        self.assertContains(response, "<legend>Working languages</legend>", html=False)
        response = self.client.post(
            ROSTER_ADD_URL,
            {
                "email": "NEWREVIEWER@example.org",
                "is_un": "on",
                "languages": ["en", "ar"],
                "cross_cutting": ["gender"],
                "is_active": "on",
            },
        )
        self.assertRedirects(response, ROSTER_URL)
        profile = ReviewerProfile.objects.get(user=person)
        self.assertEqual((profile.is_un, profile.languages, profile.cross_cutting), (True, ["en", "ar"], ["gender"]))
        self.assertTrue(is_reviewer(person))
        self.assertEqual(Role.objects.get(user=person).granted_by, self.sam)
        self.assertContains(self.client.get(ROSTER_URL), "Gender")

    def test_adding_checks_the_address_and_keeps_the_input(self):
        self.login(self.sam)
        response = self.client.post(
            ROSTER_ADD_URL, {"email": "nobody@example.org", "languages": ["fr"], "notes": "Keep this note"}
        )
        self.assertContains(response, "No account has this e-mail address.", status_code=400)
        self.assertContains(response, "Keep this note", status_code=400)
        response = self.client.post(ROSTER_ADD_URL, {"email": self.rita.email, "languages": ["fr"]})
        self.assertContains(response, "already on the roster", status_code=400)

    def test_editing_a_roster_entry(self):
        self.login(self.sam)
        url = reverse("knowledge:roster_edit", args=[self.ext1.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, {"languages": ["es"], "affiliation_other": "University", "version": 1})
        self.assertRedirects(response, ROSTER_URL)
        profile = ReviewerProfile.objects.get(user=self.ext1)
        self.assertEqual(
            (profile.languages, profile.is_active, profile.affiliation_other), (["es"], False, "University")
        )
        self.assertEqual(self.client.get(reverse("knowledge:roster_edit", args=[self.alice.pk])).status_code, 404)


class CoverageRuleShownTests(ReviewViewTestCase):
    def test_review_coverage_is_used_by_the_page(self):
        practice = self.make()
        for reviewer in (self.rita, self.ext1, self.ext2):
            self.submitted_review(practice, reviewer)
        self.assertTrue(review.review_coverage(practice)["ready_for_decision"])
        self.login(self.sam)
        response = self.client.get(reverse("knowledge:review_practice", args=[practice.slug]))
        self.assertIn("decision_form", response.context)


class ReviewPagesInEveryLanguageTests(ReviewViewTestCase):
    def test_the_pages_render_in_french_and_spanish(self):
        practice = self.make(Status.REVIEWED)
        self.submitted_review(practice, self.ext1)
        assignment = make_assignment(self.make(), self.rita, state=State.ACCEPTED)
        for lang in ("fr", "es"):
            self.login(self.sam)
            for name, args in (
                ("review_queue", []),
                ("review_practice", [practice.slug]),
                ("roster", []),
                ("roster_add", []),
            ):
                response = self.client.get(f"/{lang}" + reverse(f"knowledge:{name}", args=args)[3:])
                self.assertEqual(response.status_code, 200, (lang, name))
                self.assertContains(response, f'<html lang="{lang}"')
            self.login(self.rita)
            for url in (MY_REVIEWS_URL, reverse("knowledge:review_assignment", args=[assignment.pk])):
                self.assertEqual(self.client.get(f"/{lang}" + url[3:]).status_code, 200, (lang, url))
