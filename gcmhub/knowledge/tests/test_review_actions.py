import datetime

import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from gcmhub.accounts.models import Role
from gcmhub.knowledge import review
from gcmhub.knowledge.actions.submissions import do_submit_practice
from gcmhub.knowledge.criteria import Criterion
from gcmhub.knowledge.models import Practice, PracticeEvent, Review, ReviewAssignment, ReviewerProfile
from gcmhub.test import BaseTestCase, make_assignment, make_objective, make_practice, make_reviewer, make_user

Status = Practice.Status
State = ReviewAssignment.State
Action = PracticeEvent.Action


def scores(value=4, **overrides):
    return {**dict.fromkeys(Criterion.values, value), **overrides}


class ReviewActionTestCase(BaseTestCase):
    """Rita (UN) plus four reviewers: un2 (UN), ext1, ext2, ext3 (external)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        ReviewerProfile.objects.create(user=cls.rita, is_un=True, languages=["en"])
        cls.un2 = make_reviewer("un2@example.org", is_un=True, full_name="Uma UN")
        cls.ext1 = make_reviewer("ext1@example.org", full_name="Ext One")
        cls.ext2 = make_reviewer("ext2@example.org", full_name="Ext Two")
        cls.ext3 = make_reviewer("ext3@example.org", full_name="Ext Three", preferred_language="fr")

    def make(self, status=Status.IN_REVIEW, **kwargs):
        return make_practice(self.alice, status=status, **kwargs)

    def accepted(self, practice, reviewer, **kwargs):
        kwargs.setdefault("state", State.ACCEPTED)
        return make_assignment(practice, reviewer, **kwargs)

    def full_round(self, practice):
        return [self.accepted(practice, r) for r in (self.rita, self.ext1, self.ext2)]

    def submit(self, assignment, value=4, recommendation="publish", **score_overrides):
        return review.do_submit_review(
            assignment.reviewer, assignment, scores(value, **score_overrides), recommendation, "Well done", "Internal"
        )

    def refresh(self, practice):
        practice.refresh_from_db()
        return practice

    def last_event(self, practice):
        return PracticeEvent.objects.filter(practice=practice).last()


class ScreenPracticeTests(ReviewActionTestCase):
    def test_it_accepts_a_submitted_practice_for_review(self):
        practice = self.make(Status.SUBMITTED)
        with self.captureOnCommitCallbacks(execute=True):
            review.do_screen_practice(self.sam, practice, "accept")
        self.assertEqual(self.refresh(practice).status, Status.IN_REVIEW)
        event = self.last_event(practice)
        self.assertEqual(
            (event.action, event.actor, event.from_status, event.to_status),
            (Action.ACCEPTED, self.sam, Status.SUBMITTED, Status.IN_REVIEW),
        )
        self.assertEqual(mail.outbox[0].to, [self.alice.email])
        self.assertIn("peer review", mail.outbox[0].subject)

    def test_it_returns_with_a_reason_shown_and_mailed_to_the_submitter(self):
        practice = self.make(Status.SUBMITTED)
        with self.captureOnCommitCallbacks(execute=True):
            review.do_screen_practice(self.sam, practice, "return", "Add your results, please.")
        self.assertEqual(self.refresh(practice).status, Status.RETURNED)
        event = self.last_event(practice)
        self.assertTrue(event.visible_to_submitter)
        self.assertEqual(event.note, "Add your results, please.")
        self.assertIn("Add your results, please.", mail.outbox[0].body)

    def test_it_declines_with_a_reason(self):
        practice = self.make(Status.SUBMITTED)
        review.do_screen_practice(self.sam, practice, "decline", "Out of scope")
        self.assertEqual(self.refresh(practice).status, Status.DECLINED)
        self.assertEqual(self.last_event(practice).action, Action.DECLINED)

    def test_it_requires_a_reason_to_return_or_decline(self):
        practice = self.make(Status.SUBMITTED)
        for decision in ("return", "decline"):
            with self.assertRaises(ValidationError):
                review.do_screen_practice(self.sam, practice, decision, "  ")
        self.assertEqual(self.refresh(practice).status, Status.SUBMITTED)

    def test_it_refuses_a_practice_not_awaiting_screening(self):
        for status in (Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED):
            practice = self.make(status)
            with self.assertRaisesMessage(ValidationError, "cannot be done"):
                review.do_screen_practice(self.sam, practice, "accept")
            self.assertEqual(self.refresh(practice).status, status)

    def test_it_refuses_anyone_but_the_hub_team(self):
        practice = self.make(Status.SUBMITTED)
        for user in (self.alice, self.rita, self.ines):
            with self.assertRaises(PermissionDenied):
                review.do_screen_practice(user, practice, "accept")


class AssignReviewerTests(ReviewActionTestCase):
    def test_it_invites_a_roster_reviewer_and_copies_un_or_external(self):
        practice = self.make()
        due = timezone.localdate() + datetime.timedelta(days=21)
        with self.captureOnCommitCallbacks(execute=True):
            assignment = review.do_assign_reviewer(self.sam, practice, self.rita, due)
        self.assertEqual(
            (assignment.state, assignment.is_un, assignment.round, assignment.assigned_by),
            (State.INVITED, True, 1, self.sam),
        )
        self.assertEqual(self.last_event(practice).action, Action.REVIEWER_ASSIGNED)
        self.assertEqual(mail.outbox[0].to, [self.rita.email])
        self.assertIn("conflict of interest", mail.outbox[0].body)
        ext = review.do_assign_reviewer(self.sam, practice, self.ext3, due)
        self.assertFalse(ext.is_un)

    def test_it_mails_in_the_reviewers_language(self):
        practice = self.make()
        with self.captureOnCommitCallbacks(execute=True):
            review.do_assign_reviewer(self.sam, practice, self.ext3, timezone.localdate())
        self.assertIn('lang="fr"', mail.outbox[0].alternatives[0][0])
        self.assertIn("/fr/", mail.outbox[0].body)

    def test_it_refuses_reviewers_off_the_roster_the_submitter_and_duplicates(self):
        practice = self.make()
        due = timezone.localdate()
        inactive = make_reviewer("inactive@example.org")
        ReviewerProfile.objects.filter(user=inactive).update(is_active=False)
        no_role = make_user("norole@example.org")
        ReviewerProfile.objects.create(user=no_role)
        for person in (self.alice, inactive, no_role, self.sam):
            with self.assertRaisesMessage(ValidationError, "roster"):
                review.do_assign_reviewer(self.sam, practice, person, due)
        submitter = make_reviewer("submitter@example.org")
        own = make_practice(submitter, status=Status.IN_REVIEW)
        with self.assertRaisesMessage(ValidationError, "own practice"):
            review.do_assign_reviewer(self.sam, own, submitter, due)
        review.do_assign_reviewer(self.sam, practice, self.rita, due)
        with self.assertRaisesMessage(ValidationError, "already assigned"):
            review.do_assign_reviewer(self.sam, practice, self.rita, due)
        with self.assertRaisesMessage(ValidationError, "past"):
            review.do_assign_reviewer(self.sam, practice, self.ext1, due - datetime.timedelta(days=1))
        self.assertEqual(practice.assignments.count(), 1)

    def test_it_refuses_practices_not_in_review(self):
        for status in (Status.SUBMITTED, Status.PUBLISHED, Status.REVISION_REQUESTED):
            practice = self.make(status)
            with self.assertRaisesMessage(ValidationError, "cannot be done"):
                review.do_assign_reviewer(self.sam, practice, self.rita, timezone.localdate())
            self.assertFalse(practice.assignments.exists())

    def test_it_puts_a_reviewed_practice_back_in_review_with_an_extra_reviewer(self):
        practice = self.make(Status.REVIEWED)
        assignment = review.do_assign_reviewer(self.sam, practice, self.ext3, timezone.localdate())
        self.assertTrue(assignment.is_extra)
        self.assertEqual(self.refresh(practice).status, Status.IN_REVIEW)
        event = self.last_event(practice)
        self.assertEqual((event.from_status, event.to_status), (Status.REVIEWED, Status.IN_REVIEW))

    def test_it_refuses_anyone_but_the_hub_team(self):
        practice = self.make()
        with self.assertRaises(PermissionDenied):
            review.do_assign_reviewer(self.rita, practice, self.ext1, timezone.localdate())


class WithdrawAssignmentTests(ReviewActionTestCase):
    def test_it_withdraws_an_open_assignment_with_a_reason_and_tells_the_reviewer(self):
        practice = self.make()
        assignment = make_assignment(practice, self.ext1)
        with self.captureOnCommitCallbacks(execute=True):
            review.do_withdraw_assignment(self.sam, assignment, "No answer for weeks")
        assignment.refresh_from_db()
        self.assertEqual(assignment.state, State.WITHDRAWN)
        event = self.last_event(practice)
        self.assertEqual(event.action, Action.REVIEWER_REMOVED)
        self.assertIn("No answer for weeks", event.note)
        self.assertEqual(mail.outbox[0].to, [self.ext1.email])

    def test_it_requires_a_reason_and_an_open_assignment(self):
        practice = self.make()
        assignment = make_assignment(practice, self.ext1)
        with self.assertRaises(ValidationError):
            review.do_withdraw_assignment(self.sam, assignment, "")
        done = self.accepted(practice, self.ext2, state=State.SUBMITTED)
        with self.assertRaisesMessage(ValidationError, "Only an assignment"):
            review.do_withdraw_assignment(self.sam, done, "Why")
        done.refresh_from_db()
        self.assertEqual(done.state, State.SUBMITTED)

    def test_withdrawing_the_last_pending_reviewer_can_complete_the_round(self):
        practice = self.make()
        assignments = self.full_round(practice)
        late = make_assignment(practice, self.ext3)
        for a in assignments:
            self.submit(a)
        self.assertEqual(self.refresh(practice).status, Status.IN_REVIEW)
        review.do_withdraw_assignment(self.sam, late, "Not needed")
        self.assertEqual(self.refresh(practice).status, Status.REVIEWED)


class DeclareConflictTests(ReviewActionTestCase):
    def test_it_accepts_the_review_when_there_is_no_conflict(self):
        practice = self.make()
        assignment = make_assignment(practice, self.rita)
        review.do_declare_conflict(self.rita, assignment, False)
        assignment.refresh_from_db()
        self.assertEqual(assignment.state, State.ACCEPTED)
        self.assertIsNotNone(assignment.declared_at)
        self.assertEqual(self.last_event(practice).action, Action.NO_CONFLICT)

    def test_a_conflict_needs_a_note_and_tells_the_hub_team(self):
        practice = self.make()
        assignment = make_assignment(practice, self.rita)
        with self.assertRaises(ValidationError):
            review.do_declare_conflict(self.rita, assignment, True, "")
        with self.captureOnCommitCallbacks(execute=True):
            review.do_declare_conflict(self.rita, assignment, True, "I advised the city on this programme")
        assignment.refresh_from_db()
        self.assertEqual(assignment.state, State.CONFLICT)
        self.assertEqual(assignment.conflict_note, "I advised the city on this programme")
        event = self.last_event(practice)
        self.assertEqual((event.action, event.note), (Action.CONFLICT_DECLARED, "I advised the city on this programme"))
        self.assertEqual([m.to for m in mail.outbox], [[self.sam.email]])
        self.assertIn("Conflict of interest", mail.outbox[0].subject)
        coverage = review.review_coverage(self.refresh(practice))
        self.assertEqual((coverage["conflicts"], coverage["un_active"]), (1, 0))

    def test_a_conflict_that_completes_the_round_sends_one_notice(self):
        practice = self.make()
        for a in self.full_round(practice):
            self.submit(a, recommendation="publish")
        Practice.objects.filter(pk=practice.pk).update(status=Status.IN_REVIEW)  # e.g. an extra reviewer invited
        extra = make_assignment(self.refresh(practice), self.ext3, is_extra=True)
        with self.captureOnCommitCallbacks(execute=True):
            review.do_declare_conflict(self.ext3, extra, True, "My own project")
        self.assertEqual(self.refresh(practice).status, Status.REVIEWED)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("Every review is in", mail.outbox[0].subject)

    def test_it_refuses_a_second_declaration_and_other_people(self):
        practice = self.make()
        assignment = make_assignment(practice, self.rita)
        with self.assertRaises(PermissionDenied):
            review.do_declare_conflict(self.ext1, assignment, False)
        with self.assertRaises(PermissionDenied):
            review.do_declare_conflict(self.sam, assignment, False)
        review.do_declare_conflict(self.rita, assignment, False)
        with self.assertRaisesMessage(ValidationError, "already made your declaration"):
            review.do_declare_conflict(self.rita, assignment, True, "Oops")
        assignment.refresh_from_db()
        self.assertEqual(assignment.state, State.ACCEPTED)

    def test_it_refuses_once_the_practice_left_review(self):
        practice = self.make(Status.DECLINED)
        assignment = make_assignment(practice, self.rita)
        with self.assertRaisesMessage(ValidationError, "no longer in review"):
            review.do_declare_conflict(self.rita, assignment, False)


class SubmitReviewTests(ReviewActionTestCase):
    def test_it_records_the_review_and_keeps_the_practice_in_review_until_all_are_in(self):
        practice = self.make()
        rita, ext1, ext2 = self.full_round(practice)
        result = self.submit(rita)
        self.assertEqual(result.scores, scores(4))
        rita.refresh_from_db()
        self.assertEqual(rita.state, State.SUBMITTED)
        self.assertEqual(self.refresh(practice).status, Status.IN_REVIEW)
        self.assertEqual(self.last_event(practice).action, Action.REVIEW_SUBMITTED)

    def test_agreeing_reviews_with_1_un_and_2_external_make_the_practice_reviewed(self):
        practice = self.make()
        assignments = self.full_round(practice)
        self.submit(assignments[0], 4)
        self.submit(assignments[1], 5)
        with self.captureOnCommitCallbacks(execute=True):
            self.submit(assignments[2], 4)
        self.assertEqual(self.refresh(practice).status, Status.REVIEWED)
        event = self.last_event(practice)
        self.assertEqual(
            (event.action, event.from_status, event.to_status),
            (Action.REVIEW_SUBMITTED, Status.IN_REVIEW, Status.REVIEWED),
        )
        self.assertEqual([m.to for m in mail.outbox], [[self.sam.email]])
        self.assertIn("decide", mail.outbox[0].subject)

    def test_without_the_un_and_external_mix_the_round_is_not_complete(self):
        practice = self.make()
        assignments = [self.accepted(practice, r) for r in (self.ext1, self.ext2, self.ext3)]
        for a in assignments:
            self.submit(a)
        self.assertEqual(self.refresh(practice).status, Status.IN_REVIEW)
        coverage = review.review_coverage(practice)
        self.assertFalse(coverage["rule_met"])
        self.assertEqual((coverage["un_submitted"], coverage["external_submitted"]), (0, 3))

    def test_different_recommendations_call_for_an_extra_reviewer(self):
        practice = self.make()
        a, b, c = self.full_round(practice)
        self.submit(a, 4, "publish")
        self.submit(b, 4, "publish")
        with self.captureOnCommitCallbacks(execute=True):
            self.submit(c, 4, "decline")
        self.assertEqual(self.refresh(practice).status, Status.IN_REVIEW)
        self.assertEqual(self.last_event(practice).action, Action.EXTRA_REVIEWER_NEEDED)
        self.assertIn("extra reviewer", mail.outbox[0].subject)
        coverage = review.review_coverage(practice)
        self.assertTrue(coverage["needs_extra"] and coverage["ready_for_decision"])
        # The extra reviewer's review settles the round, whatever it says.
        extra = review.do_assign_reviewer(self.sam, practice, self.ext3, timezone.localdate(), is_extra=True)
        self.assertFalse(review.review_coverage(self.refresh(practice))["needs_extra"])
        review.do_declare_conflict(self.ext3, extra, False)
        self.submit(extra, 2, "decline")
        self.assertEqual(self.refresh(practice).status, Status.REVIEWED)
        self.assertEqual(
            PracticeEvent.objects.filter(practice=practice, action=Action.EXTRA_REVIEWER_NEEDED).count(), 1
        )

    def test_average_scores_2_points_apart_are_a_disagreement(self):
        practice = self.make()
        a, b, c = self.full_round(practice)
        self.submit(a, 5)
        self.submit(b, 4)
        self.submit(c, 3)
        self.assertEqual(self.last_event(practice).action, Action.EXTRA_REVIEWER_NEEDED)
        self.assertTrue(
            review.reviews_disagree(
                [Review(scores=scores(5), recommendation="publish"), Review(scores=scores(3), recommendation="publish")]
            )
        )
        self.assertFalse(
            review.reviews_disagree(
                [
                    Review(scores=scores(5), recommendation="publish"),
                    Review(scores=scores(4, innovation=1), recommendation="publish"),
                ]
            )
        )

    def test_it_requires_a_score_for_every_criterion_in_range(self):
        practice = self.make()
        assignment = self.accepted(practice, self.rita)
        bad = [
            scores(4, innovation=6),
            scores(4, results=0),
            dict.fromkeys(Criterion.values[:-1], 4),
            scores(4, timing="x"),
        ]
        for value in bad:
            with self.assertRaisesMessage(ValidationError, "Score every criterion"):
                review.do_submit_review(self.rita, assignment, value, "publish")
        with self.assertRaises(ValidationError):
            review.do_submit_review(self.rita, assignment, scores(), "maybe")
        self.assertFalse(Review.objects.exists())

    def test_it_refuses_before_the_declaration_after_submission_and_for_others(self):
        practice = self.make()
        invited = make_assignment(practice, self.rita)
        with self.assertRaisesMessage(ValidationError, "Declare any conflict"):
            self.submit(invited)
        accepted = self.accepted(practice, self.ext1)
        with self.assertRaises(PermissionDenied):
            review.do_submit_review(self.ext2, accepted, scores(), "publish")
        self.submit(accepted)
        with self.assertRaisesMessage(ValidationError, "can no longer"):
            self.submit(accepted)
        self.assertEqual(Review.objects.count(), 1)

    def test_it_refuses_a_reviewer_whose_role_was_revoked(self):
        practice = self.make()
        assignment = self.accepted(practice, self.ext1)
        Role.objects.filter(user=self.ext1).update(revoked_at=timezone.now())
        self.ext1.refresh_from_db()
        with self.assertRaises(PermissionDenied):
            self.submit(assignment)


class DecidePracticeTests(ReviewActionTestCase):
    def reviewed(self, **kwargs):
        practice = self.make(**kwargs)
        for a in self.full_round(practice):
            self.submit(a)
        return self.refresh(practice)

    def test_it_publishes_a_reviewed_practice(self):
        practice = self.reviewed()
        with self.captureOnCommitCallbacks(execute=True):
            review.do_decide_practice(self.sam, practice, "publish", "Congratulations")
        practice = self.refresh(practice)
        self.assertEqual(practice.status, Status.PUBLISHED)
        self.assertIsNotNone(practice.published_at)
        self.assertIn(practice, Practice.objects.published())
        event = self.last_event(practice)
        self.assertEqual(
            (event.action, event.visible_to_submitter, event.note), (Action.PUBLISHED, True, "Congratulations")
        )
        self.assertEqual(mail.outbox[-1].to, [self.alice.email])
        self.assertIn("Well done", mail.outbox[-1].body)  # the reviewers' comments for the submitter, unsigned
        self.assertNotIn("Internal", mail.outbox[-1].body)
        self.assertNotIn("Rita", mail.outbox[-1].body)

    def test_revise_and_decline_need_feedback(self):
        practice = self.reviewed()
        for decision in ("revise", "decline"):
            with self.assertRaisesMessage(ValidationError, "feedback"):
                review.do_decide_practice(self.sam, practice, decision, "")
        self.assertEqual(self.refresh(practice).status, Status.REVIEWED)
        review.do_decide_practice(self.sam, practice, "decline", "Not a practice")
        self.assertEqual(self.refresh(practice).status, Status.DECLINED)

    def test_a_revision_round_keeps_the_earlier_reviews(self):
        practice = self.reviewed(countries=[self.morocco], objectives=[make_objective(1)])
        with self.captureOnCommitCallbacks(execute=True):
            review.do_decide_practice(self.sam, practice, "revise", "Please add figures")
        self.assertEqual(self.refresh(practice).status, Status.REVISION_REQUESTED)
        self.assertIn("Please add figures", mail.outbox[-1].body)
        # The submitter resubmits: round 2 goes through screening again.
        do_submit_practice(self.alice, practice)
        self.assertEqual((practice.status, practice.round), (Status.SUBMITTED, 2))
        review.do_screen_practice(self.sam, practice, "accept")
        assignment = review.do_assign_reviewer(self.sam, practice, self.rita, timezone.localdate())
        self.assertEqual(assignment.round, 2)
        self.assertEqual(Review.objects.filter(assignment__practice=practice, assignment__round=1).count(), 3)
        coverage = review.review_coverage(self.refresh(practice))
        self.assertEqual((coverage["round"], coverage["active"], coverage["submitted"]), (2, 1, 0))

    def test_it_refuses_undecidable_practices(self):
        for status in (Status.SUBMITTED, Status.PUBLISHED, Status.RETURNED):
            practice = self.make(status)
            with self.assertRaisesMessage(ValidationError, "cannot be done"):
                review.do_decide_practice(self.sam, practice, "publish")
        practice = self.make()
        a, b, c = self.full_round(practice)
        self.submit(a)
        self.submit(b)
        with self.assertRaisesMessage(ValidationError, "every review in"):
            review.do_decide_practice(self.sam, practice, "publish")
        self.assertEqual(self.refresh(practice).status, Status.IN_REVIEW)

    def test_it_may_decide_a_disagreement_without_an_extra_reviewer(self):
        practice = self.make()
        a, b, c = self.full_round(practice)
        self.submit(a, recommendation="publish")
        self.submit(b, recommendation="publish")
        self.submit(c, recommendation="revise")
        self.assertEqual(self.refresh(practice).status, Status.IN_REVIEW)
        review.do_decide_practice(self.sam, practice, "publish")
        self.assertEqual(self.refresh(practice).status, Status.PUBLISHED)

    def test_publishing_an_update_copies_it_onto_the_original(self):
        original = self.make(Status.PUBLISHED, title="Original title", summary="Old summary")
        update = self.make(update_of=original, title="Updated title", summary="New summary")
        for a in self.full_round(update):
            self.submit(a)
        review.do_decide_practice(self.sam, self.refresh(update), "publish", "Update accepted")
        original = self.refresh(original)
        self.assertEqual(
            (original.title, original.summary, original.status), ("Updated title", "New summary", Status.PUBLISHED)
        )
        self.assertEqual(self.refresh(update).status, Status.PUBLISHED)
        self.assertEqual(list(Practice.objects.published()), [original])
        self.assertEqual(self.last_event(original).action, Action.PUBLISHED)
        self.assertEqual(self.last_event(update).action, Action.PUBLISHED)

    def test_it_refuses_anyone_but_the_hub_team(self):
        practice = self.reviewed()
        with self.assertRaises(PermissionDenied):
            review.do_decide_practice(self.rita, practice, "publish")


class ReminderTests(ReviewActionTestCase):
    def test_it_reminds_reviewers_due_within_3_days_or_overdue_once_per_3_days(self):
        practice = self.make()
        today = timezone.localdate()
        soon = make_assignment(practice, self.rita, due_date=today + datetime.timedelta(days=3))
        self.accepted(practice, self.ext1, due_date=today - datetime.timedelta(days=5))
        make_assignment(practice, self.ext2, due_date=today + datetime.timedelta(days=4))  # not yet
        self.accepted(practice, self.un2, due_date=today, state=State.SUBMITTED)  # done
        closed = self.make(Status.DECLINED)
        make_assignment(closed, self.rita, due_date=today)  # practice out of review
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(review.send_review_reminders(), 2)
        self.assertEqual(sorted(m.to[0] for m in mail.outbox), [self.ext1.email, self.rita.email])
        overdue_mail = next(m for m in mail.outbox if m.to == [self.ext1.email])
        self.assertIn("overdue", overdue_mail.body)
        self.assertEqual(PracticeEvent.objects.filter(practice=practice, action=Action.REMINDER_SENT).count(), 2)
        soon.refresh_from_db()
        self.assertIsNotNone(soon.last_reminder_at)
        self.assertEqual(review.send_review_reminders(), 0)
        with time_machine.travel(timezone.now() + datetime.timedelta(days=3, minutes=1)):
            # The two reminded again, and the assignment due in 4 days is now due in 1.
            self.assertEqual(review.send_review_reminders(), 3)

    def test_the_command_queues_reminders(self):
        practice = self.make()
        make_assignment(practice, self.rita, due_date=timezone.localdate())
        from io import StringIO

        out = StringIO()
        call_command("send_review_reminders", stdout=out)
        self.assertIn("Queued 1 review reminder", out.getvalue())


class CoverageTests(ReviewActionTestCase):
    def test_it_counts_the_current_round_only_and_leaves_out_conflicts_and_withdrawals(self):
        practice = self.make(round=2)
        make_assignment(practice, self.ext3, round=1, state=State.SUBMITTED)
        make_assignment(practice, self.rita, state=State.CONFLICT)
        make_assignment(practice, self.un2)
        make_assignment(practice, self.ext1, state=State.WITHDRAWN)
        make_assignment(practice, self.ext2, due_date=timezone.localdate() - datetime.timedelta(days=1))
        coverage = review.review_coverage(self.refresh(practice))
        self.assertEqual(
            {
                k: coverage[k]
                for k in (
                    "round",
                    "un_active",
                    "external_active",
                    "submitted",
                    "conflicts",
                    "overdue",
                    "planned_rule_met",
                    "rule_met",
                )
            },
            {
                "round": 2,
                "un_active": 1,
                "external_active": 1,
                "submitted": 0,
                "conflicts": 1,
                "overdue": 1,
                "planned_rule_met": False,
                "rule_met": False,
            },
        )
