"""Moderation with due process, page by page and role by role (issue 11 §2, §6, §7): the queues,
decisions with a reason from the code of conduct, the moderation log, one appeal decided by another
moderator, mutes and suspensions with their lifting, a space's members, the comments export."""

import csv
import io

from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from gcmhub.consultations.models import (
    Appeal,
    Comment,
    Flag,
    Membership,
    ModerationAction,
    Reason,
    Restriction,
)
from gcmhub.test import BaseTestCase, make_comment, make_space, make_topic, make_user

Kind = ModerationAction.Kind


class ModerationBase(BaseTestCase):
    """A space (managed by `manager`) with a topic moderated by `moderator` and `second`; comments
    by alice (stakeholder); `outsider_mod` moderates a topic of another space."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.moderator = make_user("moderator@example.org", full_name="Maria Moderator")
        cls.second = make_user("second@example.org", full_name="Samuel Second")
        cls.manager = make_user("manager@example.org", full_name="Manon Manager")
        cls.outsider_mod = make_user("elsewhere@example.org")
        cls.space = make_space(slug="review", managers=[cls.manager])
        cls.topic = make_topic(cls.space, slug="mobility", moderators=[cls.moderator, cls.second])
        cls.other_space = make_space(slug="elsewhere")
        cls.other = make_topic(cls.other_space, slug="other", moderators=[cls.outsider_mod])

    def setUp(self):
        self.pending = make_comment(self.topic, self.alice, "Waiting for approval.", status=Comment.Status.PENDING)
        self.published = make_comment(self.topic, self.alice, "Call Mr X at +41 22 000 00 00 about this.")
        Flag.objects.create(comment=self.published, user=self.fatima, reason=Reason.PERSONAL_DATA, note="A phone")

    def not_moderators(self):
        return [self.alice, self.fatima, self.ines, self.outsider_mod]

    def moderators(self):
        return [self.moderator, self.manager, self.sam]


class QueueTests(ModerationBase):
    def test_moderators_see_pending_and_flagged_comments_with_their_flags(self):
        for user in self.moderators():
            self.login(user)
            response = self.client.get(reverse("consultations:moderation"))
            self.assertContains(response, "Waiting for approval.")
            self.assertContains(response, "Call Mr X")
            self.assertContains(response, "A phone")

    def test_others_are_refused_and_a_moderator_elsewhere_sees_only_theirs(self):
        for user in (self.alice, self.fatima, self.ines):
            self.login(user)
            self.assertEqual(self.client.get(reverse("consultations:moderation")).status_code, 403)
        self.login(self.outsider_mod)
        response = self.client.get(reverse("consultations:moderation"))
        self.assertNotContains(response, "Waiting for approval.")
        self.assertEqual(self.client.get(reverse("consultations:moderation"), {"topic": "mobility"}).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("consultations:moderation")).status_code, 302)

    def test_the_queue_narrows_to_a_space_or_topic(self):
        make_comment(self.other, self.fatima, "In the other space", status=Comment.Status.PENDING)
        self.login(self.sam)
        response = self.client.get(reverse("consultations:moderation"), {"space": "elsewhere"})
        self.assertContains(response, "In the other space")
        self.assertNotContains(response, "Waiting for approval.")
        response = self.client.get(reverse("consultations:moderation"), {"topic": "mobility"})
        self.assertNotContains(response, "In the other space")

    def test_the_queue_keeps_its_query_count(self):
        self.login(self.sam)
        url = reverse("consultations:moderation")
        self.client.get(url)
        with self.assertNumQueries(8) as before:
            self.client.get(url)
        for n in range(10):
            comment = make_comment(self.topic, self.oscar, f"Flagged {n}")
            Flag.objects.create(comment=comment, user=self.fatima, reason=Reason.SPAM)
            make_comment(self.topic, self.ines, f"Pending {n}", status=Comment.Status.PENDING)
        with self.assertNumQueries(len(before.captured_queries)):
            self.client.get(url)


class DecisionTests(ModerationBase):
    def decide(self, comment, decision, **data):
        data.setdefault("version", Comment.objects.get(pk=comment.pk).version)
        return self.client.post(reverse("consultations:moderate", args=[comment.pk]), {"decision": decision, **data})

    def test_approving_publishes_and_is_logged(self):
        self.login(self.moderator)
        response = self.decide(self.pending, Kind.APPROVE)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Comment.objects.get(pk=self.pending.pk).status, Comment.Status.PUBLISHED)
        self.assertEqual(ModerationAction.objects.get().kind, Kind.APPROVE)

    def test_hiding_needs_a_reason_and_tells_the_author(self):
        self.login(self.moderator)
        response = self.decide(self.published, Kind.HIDE, note="Kept note")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Choose the reason from the code of conduct.", status_code=400)
        self.assertContains(response, "Kept note", status_code=400)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.decide(self.published, Kind.HIDE, reason=Reason.PERSONAL_DATA, note="A phone number.")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Comment.objects.get(pk=self.published.pk).status, Comment.Status.HIDDEN)
        self.assertEqual(len(mail.outbox), 1)
        self.assertIn("/discussions/appeals/", mail.outbox[0].body)
        self.assertFalse(Flag.objects.filter(resolved_at__isnull=True).exists())

    def test_editing_out_personal_data(self):
        self.login(self.manager)
        response = self.decide(
            self.published, Kind.REDACT, reason=Reason.PERSONAL_DATA, body="Call [name removed] about this."
        )
        self.assertEqual(response.status_code, 302)
        comment = Comment.objects.get(pk=self.published.pk)
        self.assertEqual(comment.body, "Call [name removed] about this.")
        self.assertFalse(comment.revisions.exists())
        response = self.decide(comment, Kind.REDACT, reason=Reason.PERSONAL_DATA, body="   ")
        self.assertEqual(response.status_code, 400)

    def test_refusing_restoring_and_dismissing(self):
        self.login(self.sam)
        self.assertEqual(self.decide(self.pending, Kind.REFUSE, reason=Reason.SPAM).status_code, 302)
        self.assertEqual(self.decide(self.pending, Kind.RESTORE).status_code, 302)
        self.assertEqual(Comment.objects.get(pk=self.pending.pk).status, Comment.Status.PUBLISHED)
        self.assertEqual(self.decide(self.published, Kind.DISMISS_FLAGS).status_code, 302)
        self.assertEqual(Comment.objects.get(pk=self.published.pk).status, Comment.Status.PUBLISHED)
        self.assertFalse(Flag.objects.filter(resolved_at__isnull=True).exists())

    def test_a_decision_that_does_not_fit_the_status_is_refused(self):
        self.login(self.moderator)
        self.assertEqual(self.decide(self.published, Kind.APPROVE).status_code, 400)
        self.assertEqual(self.decide(self.published, "nonsense").status_code, 400)

    def test_a_stale_decision_is_refused(self):
        self.login(self.moderator)
        seen = Comment.objects.get(pk=self.pending.pk).version
        Comment.objects.filter(pk=self.pending.pk).update(version=seen + 1)
        response = self.decide(self.pending, Kind.APPROVE, version=seen)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(Comment.objects.get(pk=self.pending.pk).status, Comment.Status.PENDING)

    def test_only_the_places_moderators_decide(self):
        for user in self.not_moderators():
            self.login(user)
            response = self.decide(self.pending, Kind.APPROVE)
            self.assertIn(response.status_code, (403, 404), user.email)
        self.assertEqual(Comment.objects.get(pk=self.pending.pk).status, Comment.Status.PENDING)
        self.assertFalse(ModerationAction.objects.exists())

    def test_a_moderator_sees_pending_comments_on_the_topic_page(self):
        self.login(self.moderator)
        response = self.client.get(self.topic.get_absolute_url())
        self.assertContains(response, "Waiting for approval.")
        self.assertContains(response, "Moderation queue of this topic (1 comment waiting)")
        self.assertContains(response, reverse("consultations:moderate", args=[self.pending.pk]))


class LogTests(ModerationBase):
    def setUp(self):
        super().setUp()
        from gcmhub.consultations import actions

        actions.do_moderate(self.published, self.moderator, Kind.HIDE, reason=Reason.PERSONAL_DATA, note="Phone")
        other = make_comment(self.other, self.ines, "Elsewhere", status=Comment.Status.PENDING)
        actions.do_moderate(other, self.outsider_mod, Kind.APPROVE)

    def test_who_reads_which_part_of_the_log(self):
        url = reverse("consultations:log")
        self.login(self.sam)
        response = self.client.get(url)
        self.assertContains(response, "Maria Moderator")
        self.assertContains(response, "Personal data of someone")
        self.assertContains(response, "/discussions/elsewhere/other/")
        for user in (self.moderator, self.manager):
            self.login(user)
            response = self.client.get(url)
            self.assertContains(response, "Phone")
            self.assertNotContains(response, "/discussions/elsewhere/other/")
        for user in (self.alice, self.fatima, self.ines):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 403)

    def test_the_log_filters_by_space(self):
        self.login(self.sam)
        response = self.client.get(reverse("consultations:log"), {"space": "elsewhere"})
        self.assertNotContains(response, "Maria Moderator")
        self.login(self.moderator)
        self.assertEqual(self.client.get(reverse("consultations:log"), {"space": "elsewhere"}).status_code, 404)

    def test_the_log_keeps_its_query_count(self):
        from gcmhub.consultations import actions

        self.login(self.sam)
        url = reverse("consultations:log")
        self.client.get(url)
        with self.assertNumQueries(6) as before:
            self.client.get(url)
        for n in range(10):
            comment = make_comment(self.topic, self.oscar, f"Pending {n}", status=Comment.Status.PENDING)
            actions.do_moderate(comment, self.second, Kind.REFUSE, reason=Reason.SPAM)
        with self.assertNumQueries(len(before.captured_queries)):
            self.client.get(url)


class AppealTests(ModerationBase):
    def setUp(self):
        super().setUp()
        from gcmhub.consultations import actions

        self.action = actions.do_moderate(
            self.published, self.moderator, Kind.HIDE, reason=Reason.PERSONAL_DATA, note="A phone number."
        )
        mail.outbox.clear()

    def test_the_author_reads_the_decision_and_appeals_once(self):
        url = reverse("consultations:appeal", args=[self.action.pk])
        self.login(self.alice)
        page = self.client.get(url)
        self.assertContains(page, "A phone number.")
        self.assertContains(page, "Personal data of someone")
        response = self.client.post(url, {"text": "It is the public number of our association."})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Appeal.objects.get().appellant, self.alice)
        response = self.client.post(url, {"text": "Again"}, follow=True)
        self.assertContains(response, "appealed already")
        self.assertEqual(Appeal.objects.count(), 1)
        # The author's own view of the topic links to the decision.
        self.assertContains(self.client.get(self.topic.get_absolute_url()), url)

    def test_an_empty_appeal_is_refused(self):
        self.login(self.alice)
        response = self.client.post(reverse("consultations:appeal", args=[self.action.pk]), {"text": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Appeal.objects.exists())

    def test_no_one_else_appeals_or_reads_another_persons_decision(self):
        url = reverse("consultations:appeal", args=[self.action.pk])
        for user in (self.fatima, self.ines, self.outsider_mod):
            self.login(user)
            self.assertEqual(self.client.post(url, {"text": "Me too"}).status_code, 404, user.email)
        self.login(self.manager)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertEqual(self.client.post(url, {"text": "Me too"}).status_code, 403)
        self.assertFalse(Appeal.objects.exists())

    def test_another_moderator_decides_and_the_original_one_cannot(self):
        from gcmhub.consultations import actions

        appeal = actions.do_appeal(self.action, self.alice, "It is the public number of our association.")
        url = reverse("consultations:appeal_decide", args=[appeal.pk])
        self.login(self.moderator)
        queue = self.client.get(reverse("consultations:appeals"))
        self.assertContains(queue, "You took this decision")
        page = self.client.get(url)
        self.assertContains(page, "You took the decision under appeal")
        self.assertEqual(self.client.post(url, {"outcome": Appeal.Outcome.GRANTED}).status_code, 403)
        for user in (self.alice, self.fatima, self.outsider_mod):
            self.login(user)
            self.assertEqual(self.client.post(url, {"outcome": Appeal.Outcome.GRANTED}).status_code, 404, user.email)
        self.login(self.second)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"outcome": Appeal.Outcome.GRANTED, "note": "A public number."})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Comment.objects.get(pk=self.published.pk).status, Comment.Status.PUBLISHED)
        self.assertEqual(Appeal.objects.get().decided_by, self.second)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(self.client.post(url, {"outcome": Appeal.Outcome.UPHELD}).status_code, 403)

    def test_the_manager_and_the_secretariat_decide_too(self):
        from gcmhub.consultations import actions

        appeal = actions.do_appeal(self.action, self.alice, "Please review.")
        self.login(self.manager)
        url = reverse("consultations:appeal_decide", args=[appeal.pk])
        self.assertEqual(self.client.post(url, {"outcome": "bogus"}).status_code, 400)
        self.assertEqual(self.client.post(url, {"outcome": Appeal.Outcome.UPHELD}).status_code, 302)
        self.assertEqual(Comment.objects.get(pk=self.published.pk).status, Comment.Status.HIDDEN)


class RestrictionTests(ModerationBase):
    def test_a_space_manager_mutes_the_author_who_is_told_and_may_appeal(self):
        self.login(self.manager)
        url = reverse("consultations:mute", args=["review", self.alice.pk])
        self.assertEqual(self.client.post(url, {"reason": ""}).status_code, 400)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, {"reason": Reason.ABUSE, "note": "Insults in three threads."})
        self.assertEqual(response.status_code, 302)
        restriction = Restriction.objects.get()
        self.assertEqual((restriction.user, restriction.space), (self.alice, self.space))
        self.assertEqual(len(mail.outbox), 1)
        self.login(self.alice)
        page = self.client.post(self.topic.get_absolute_url(), {"body": "Can I still post?", "language": "en"})
        self.assertEqual(page.status_code, 403)
        self.assertContains(page, "You are muted in this space", status_code=403)
        self.assertContains(page, "Can I still post?", status_code=403)
        self.assertEqual(
            self.client.post(
                reverse("consultations:appeal", args=[restriction.action_id]), {"text": "I apologise."}
            ).status_code,
            302,
        )

    def test_only_managers_mute_and_only_the_secretariat_suspends(self):
        mute = reverse("consultations:mute", args=["review", self.oscar.pk])
        suspend = reverse("consultations:suspend", args=[self.oscar.pk])
        for user in (self.alice, self.fatima, self.ines, self.moderator):
            self.login(user)
            self.assertEqual(self.client.post(mute, {"reason": Reason.ABUSE}).status_code, 403, user.email)
            self.assertEqual(self.client.post(suspend, {"reason": Reason.ABUSE}).status_code, 403, user.email)
        self.login(self.manager)
        self.assertEqual(self.client.post(suspend, {"reason": Reason.ABUSE}).status_code, 403)
        self.assertFalse(Restriction.objects.exists())
        self.login(self.sam)
        self.assertEqual(self.client.post(suspend, {"reason": Reason.HATE}).status_code, 302)
        self.assertIsNone(Restriction.objects.get().space)

    def test_lifting(self):
        from gcmhub.consultations import actions

        muted = actions.do_restrict(self.alice, self.manager, space=self.space, reason=Reason.ABUSE)
        suspended = actions.do_restrict(self.oscar, self.sam, space=None, reason=Reason.HATE)
        self.login(self.manager)
        page = self.client.get(reverse("consultations:restrictions"))
        self.assertContains(page, "Alice Stakeholder")
        self.assertNotContains(page, "Oscar Network")
        self.assertEqual(self.client.post(reverse("consultations:lift", args=[suspended.pk])).status_code, 403)
        self.assertEqual(self.client.post(reverse("consultations:lift", args=[muted.pk])).status_code, 302)
        self.assertIsNotNone(Restriction.objects.get(pk=muted.pk).lifted_at)
        self.login(self.sam)
        self.assertContains(self.client.get(reverse("consultations:restrictions")), "Oscar Network")
        self.assertEqual(
            self.client.post(reverse("consultations:lift", args=[suspended.pk]), {"note": "Served"}).status_code, 302
        )
        self.assertEqual(ModerationAction.objects.filter(kind=Kind.LIFT).count(), 2)
        self.login(self.alice)
        self.assertEqual(self.client.get(reverse("consultations:restrictions")).status_code, 403)


class MembersTests(ModerationBase):
    def url(self):
        return reverse("consultations:members", args=["review"])

    def test_a_manager_adds_changes_and_removes_members(self):
        self.login(self.manager)
        self.assertEqual(
            self.client.post(self.url(), {"email": "FATIMA@example.org", "role": "member"}).status_code, 302
        )
        membership = Membership.objects.get(space=self.space, user=self.fatima)
        self.assertEqual(membership.role, Membership.Role.MEMBER)
        response = self.client.post(self.url(), {"email": "nobody@example.org", "role": "member"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "No account has this address", status_code=400)
        self.assertContains(response, "nobody@example.org", status_code=400)
        change = reverse("consultations:member_change", args=["review", self.fatima.pk])
        self.client.post(change, {"role": "manager"})
        self.assertEqual(Membership.objects.get(pk=membership.pk).role, Membership.Role.MANAGER)
        self.client.post(change, {"action": "remove"})
        self.assertFalse(Membership.objects.filter(user=self.fatima).exists())

    def test_only_managers_and_the_secretariat_manage(self):
        for user in (self.alice, self.fatima, self.ines, self.moderator):
            self.login(user)
            self.assertEqual(self.client.post(self.url(), {"email": "oscar@example.org"}).status_code, 403)
        self.login(self.sam)
        self.assertEqual(
            self.client.post(self.url(), {"email": "oscar@example.org", "role": "member"}).status_code, 302
        )
        self.assertTrue(Membership.objects.filter(user=self.oscar).exists())


class ExportTests(ModerationBase):
    def setUp(self):
        super().setUp()
        make_comment(self.topic, self.fatima, '=HYPERLINK("http://evil.example","click")', language="fr")

    def test_moderators_export_xlsx_and_csv_and_formulas_stay_text(self):
        self.login(self.moderator)
        response = self.client.get(reverse("consultations:export", args=["review", "mobility", "csv"]))
        self.assertEqual(response.status_code, 200)
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        self.assertEqual(rows[0][0], "Comment")
        self.assertIn('\'=HYPERLINK("http://evil.example","click")', [cell for row in rows for cell in row])
        response = self.client.get(reverse("consultations:export", args=["review", "mobility", "xlsx"]))
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = book.worksheets[0]
        values = [cell.value for row in sheet.iter_rows() for cell in row]
        self.assertIn("Waiting for approval.", values)
        formula = next(cell for row in sheet.iter_rows() for cell in row if str(cell.value).startswith("=HYP"))
        self.assertEqual(formula.data_type, "s")

    def test_only_moderators_export(self):
        url = reverse("consultations:export", args=["review", "mobility", "xlsx"])
        for user in (self.alice, self.fatima, self.ines, self.outsider_mod):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 403, user.email)
        self.login(self.moderator)
        self.assertEqual(
            self.client.get(reverse("consultations:export", args=["review", "mobility", "pdf"])).status_code, 404
        )
