"""Following, being told, and e-mails at once or in digests (issue 11 §4)."""

import datetime

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gcmhub.consultations import actions as consultation_actions
from gcmhub.consultations.models import Comment, Membership, ModerationAction, Reason, Space, Topic
from gcmhub.knowledge.models import Practice
from gcmhub.notifications import actions
from gcmhub.notifications.digest import ALL_KINDS, unsubscribe_token
from gcmhub.notifications.models import Follow, Frequency, Notification, Preference
from gcmhub.notifications.registry import KINDS
from gcmhub.test import BaseTestCase, make_activity, make_objective, make_practice, make_user
from gcmhub.workplan.models import StatusUpdate

NOW = timezone.now()


class NotificationTestCase(BaseTestCase):
    def setUp(self):
        super().setUp()
        self.space = Space.objects.create(slug="africa", source_language="en", title_en="Regional review, Africa")
        self.topic = Topic.objects.create(
            space=self.space,
            slug="priorities",
            source_language="en",
            title_en="Priorities for the regional review",
            title_fr="Priorités de l'examen régional",
            opens_at=NOW - datetime.timedelta(days=1),
            published_at=NOW - datetime.timedelta(days=1),
        )
        self.moderator = make_user("mod@example.org")
        self.topic.moderators.add(self.moderator)

    def publish(self, author, body, parent=None, language="en") -> Comment:
        with self.captureOnCommitCallbacks(execute=True):
            comment = consultation_actions.do_post_comment(
                self.topic, author, consultation_actions.NewComment(body=body, language=language, parent=parent)
            )
            if comment.status != Comment.Status.PUBLISHED:
                consultation_actions.do_moderate(comment, self.moderator, ModerationAction.Kind.APPROVE)
        comment.refresh_from_db()
        return comment


class DiscussionNotificationTests(NotificationTestCase):
    def test_a_reply_tells_the_author_at_once_in_their_language_and_followers_later(self):
        self.alice.preferred_language = "es"
        self.alice.save()
        actions.do_follow(self.ines, self.topic)
        actions.do_follow(self.alice, self.topic)  # told of the reply, not twice
        first = self.publish(self.alice, "Los datos deben ser abiertos.", language="es")
        mail.outbox.clear()
        reply = self.publish(self.fatima, "Nous sommes d'accord.", parent=first, language="fr")
        news = set(Notification.objects.exclude(kind="moderation").values_list("user__email", "kind", "object_id"))
        self.assertEqual(
            news,
            {
                ("alice@example.org", "reply", reply.pk),
                ("ines@example.org", "topic_comment", first.pk),
                ("ines@example.org", "topic_comment", reply.pk),
            },
        )
        self.assertEqual(Notification.objects.get(kind="reply").delivery, Frequency.IMMEDIATE)
        self.assertEqual(Notification.objects.filter(kind="topic_comment").first().delivery, Frequency.DAILY)
        [message] = [m for m in mail.outbox if m.to == ["alice@example.org"] and "Fatima" in m.subject]
        self.assertIn("/es/discussions/", message.body)  # her language
        self.assertTrue(message.extra_headers["List-Unsubscribe"].startswith("<http"))
        self.assertEqual(message.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
        # Saved again (an edit): nobody told twice.
        with self.captureOnCommitCallbacks(execute=True):
            Comment.objects.get(pk=reply.pk).save()
        self.assertEqual(Notification.objects.filter(kind="reply").count(), 1)

    def test_a_comment_waiting_for_a_moderator_tells_nobody_yet(self):
        actions.do_follow(self.ines, self.topic)
        self.topic.moderation = Topic.Moderation.PRE
        self.topic.save()
        with self.captureOnCommitCallbacks(execute=True):
            consultation_actions.do_post_comment(
                self.topic, self.alice, consultation_actions.NewComment(body="Held for now.", language="en")
            )
        self.assertFalse(Notification.objects.filter(kind="topic_comment").exists())

    def test_followers_who_left_a_restricted_space_are_not_told(self):
        self.space.visibility = "restricted"
        self.space.save()
        Membership.objects.create(space=self.space, user=self.fatima)
        Membership.objects.create(space=self.space, user=self.ines)
        actions.do_follow(self.ines, self.space)
        Membership.objects.filter(user=self.ines).delete()
        self.publish(self.fatima, "A point for the champion countries.")
        self.assertFalse(Notification.objects.filter(user=self.ines).exists())

    def test_a_moderators_decision_is_in_the_centre(self):
        comment = self.publish(self.alice, "Off topic perhaps.")
        with self.captureOnCommitCallbacks(execute=True):
            consultation_actions.do_moderate(
                comment, self.moderator, ModerationAction.Kind.HIDE, reason=Reason.OFF_TOPIC
            )
        kinds = list(Notification.objects.filter(user=self.alice).values_list("kind", flat=True))
        self.assertEqual(kinds, ["moderation", "moderation"])  # approved, then hidden


class KnowledgeAndWorkplanNotificationTests(BaseTestCase):
    def test_a_published_practice_tells_the_followers_of_its_objectives_once(self):
        objective = make_objective(7)
        actions.do_follow(self.ines, objective)
        with self.captureOnCommitCallbacks(execute=True):
            practice = make_practice(self.alice, title="Firewalls in health care", objectives=[objective])
            practice.status, practice.published_at = Practice.Status.PUBLISHED, timezone.now()
            practice.save()
        with self.captureOnCommitCallbacks(execute=True):
            practice.save()
        self.assertEqual(list(Notification.objects.values_list("user", "kind")), [(self.ines.pk, "new_knowledge")])

    def test_a_status_update_tells_the_activitys_followers(self):
        activity = make_activity()
        actions.do_follow(self.oscar, activity)
        with self.captureOnCommitCallbacks(execute=True):
            StatusUpdate.objects.create(activity=activity, status="ongoing", narrative="Halfway.", author=self.ines)
        [notification] = Notification.objects.all()
        self.assertEqual((notification.user, notification.kind), (self.oscar, "activity_update"))


class DigestTests(NotificationTestCase):
    def test_a_daily_digest_per_user_skips_what_was_read_and_unverified_addresses(self):
        unverified = make_user(email_verified=False)
        for user in (self.ines, self.oscar, unverified):
            actions.do_follow(user, self.topic)
        first = self.publish(self.alice, "First point.")
        self.publish(self.fatima, "Second point.")
        actions.do_mark_read(
            self.oscar, Notification.objects.filter(user=self.oscar, object_id=first.pk).values_list("pk", flat=True)
        )
        mail.outbox.clear()
        self.assertEqual(actions.send_digests(Frequency.DAILY), 2)
        by_address = {message.to[0]: message for message in mail.outbox}
        self.assertEqual(set(by_address), {"ines@example.org", "oscar@example.org"})
        self.assertIn("2", by_address["ines@example.org"].subject)
        self.assertIn("Fatima State commented", by_address["oscar@example.org"].body)
        self.assertNotIn("Alice Stakeholder commented", by_address["oscar@example.org"].body)
        self.assertEqual(actions.send_digests(Frequency.DAILY), 0)  # nothing sent twice

    def test_a_digest_of_many_users_costs_a_few_queries_per_batch(self):
        users = [make_user() for _ in range(12)]
        for user in users:
            actions.do_follow(user, self.topic)
        for n in range(3):
            self.publish(self.alice, f"Point number {n} for the review.")
        with CaptureQueriesContext(connection) as queries:
            self.assertEqual(actions.send_digests(Frequency.DAILY), 12)
        self.assertLess(len(queries), 12)


class PreferenceAndUnsubscribeTests(NotificationTestCase):
    def test_never_sends_nothing_and_waiting_notifications_follow_the_choice(self):
        actions.do_follow(self.ines, self.topic)
        self.publish(self.alice, "Point one.")
        actions.do_set_preferences(self.ines, {"topic_comment": Frequency.NEVER})
        self.assertEqual(Notification.objects.get(user=self.ines).delivery, Frequency.NEVER)
        self.assertEqual(actions.send_digests(Frequency.DAILY), 0)

    def test_one_click_unsubscribe(self):
        url = reverse("notifications:unsubscribe", args=[unsubscribe_token(self.ines.pk, "reply")])
        page = self.client.get(url)
        self.assertContains(page, "Replies to my comments")
        response = self.client.post(url, {"List-Unsubscribe": "One-Click"})
        self.assertEqual(response.status_code, 204)
        self.assertEqual(Preference.objects.get(user=self.ines, kind="reply").frequency, Frequency.NEVER)
        url = reverse("notifications:unsubscribe", args=[unsubscribe_token(self.ines.pk, ALL_KINDS)])
        self.assertContains(self.client.post(url), "no longer receive")
        self.assertEqual(Preference.objects.filter(user=self.ines, frequency=Frequency.NEVER).count(), len(KINDS))
        bad = self.client.get(reverse("notifications:unsubscribe", args=["x" * 40]))
        self.assertEqual(bad.status_code, 400)

    def test_the_preferences_page_keeps_choices(self):
        self.login(self.alice)
        url = reverse("notifications:preferences")
        self.assertContains(self.client.get(url), "Daily digest")
        response = self.client.post(
            url,
            {
                "reply": "weekly",
                "topic_comment": "never",
                "moderation": "never",
                "new_knowledge": "daily",
                "activity_update": "daily",
                "event_registration": "never",
                "event_seat": "never",
                "event_changed": "immediate",
            },
        )
        self.assertRedirects(response, url)
        self.assertEqual(Preference.objects.get(user=self.alice, kind="reply").frequency, "weekly")
        bad = self.client.post(url, {"reply": "hourly"})
        self.assertEqual(bad.status_code, 200)  # shown again with the error
        self.assertContains(bad, "Select a valid choice")


class CentreAndFollowViewTests(NotificationTestCase):
    def test_the_centre_lists_and_marks_read_with_a_fixed_number_of_queries(self):
        actions.do_follow(self.ines, self.topic)
        self.login(self.ines)
        self.publish(self.alice, "One.")
        with CaptureQueriesContext(connection) as few:
            self.client.get(reverse("notifications:centre"))
        for n in range(5):
            self.publish(self.fatima, f"More {n}.")
        with CaptureQueriesContext(connection) as many:
            page = self.client.get(reverse("notifications:centre"))
        self.assertEqual(len(few), len(many))
        self.assertContains(page, "6 unread notifications")
        self.ines.refresh_from_db()
        self.assertEqual(self.ines.unread_notifications, 6)  # the header's count, loaded with the user
        self.assertContains(page, '<span class="badge badge--count">6<span class="visually-hidden"> unread')
        notification = Notification.objects.filter(user=self.ines).first()
        response = self.client.get(reverse("notifications:open", args=[notification.pk]))
        self.assertEqual(response.status_code, 302)
        notification.refresh_from_db()
        self.assertIsNotNone(notification.read_at)
        self.client.post(reverse("notifications:mark_read"))
        self.assertFalse(Notification.objects.filter(user=self.ines, read_at__isnull=True).exists())
        self.ines.refresh_from_db()
        self.assertEqual(self.ines.unread_notifications, 0)

    def test_nobody_opens_anothers_notification(self):
        actions.do_follow(self.ines, self.topic)
        self.publish(self.alice, "One.")
        notification = Notification.objects.get(user=self.ines)
        for user in (self.alice, self.fatima, self.oscar, self.rita, self.sam):
            self.login(user)
            self.assertEqual(self.client.get(reverse("notifications:open", args=[notification.pk])).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(reverse("notifications:centre")).status_code, 302)  # to sign in

    def test_follow_and_unfollow_by_role(self):
        url = reverse("notifications:follow")
        target = f"consultations.topic:{self.topic.pk}"
        self.assertEqual(self.client.post(url, {"target": target}).status_code, 302)  # to sign in
        self.assertFalse(Follow.objects.exists())
        for user in (self.alice, self.fatima, self.ines, self.rita, self.sam):
            self.login(user)
            self.client.post(url, {"target": target})
        self.assertEqual(Follow.objects.count(), 5)
        self.client.post(url, {"target": target, "action": "unfollow"})
        self.assertFalse(Follow.objects.filter(user=self.sam).exists())
        self.assertEqual(self.client.post(url, {"target": "accounts.user:1"}).status_code, 400)
        self.assertEqual(self.client.post(url, {"target": "consultations.topic:99999"}).status_code, 404)
        self.space.visibility = "restricted"
        self.space.save()
        self.login(self.oscar)  # not a member
        self.assertEqual(self.client.post(url, {"target": target}).status_code, 404)


class DigestCommandTests(NotificationTestCase):
    def test_the_command_queues_the_digests_for_the_worker(self):
        from io import StringIO

        from django.core.management import call_command

        actions.do_follow(self.ines, self.topic)
        self.publish(self.alice, "A point for the digest.")
        mail.outbox.clear()
        out = StringIO()
        call_command("send_digests", "daily", stdout=out)  # the tests' task backend runs it at once
        self.assertIn("Queued the daily digests", out.getvalue())
        self.assertEqual([message.to for message in mail.outbox], [["ines@example.org"]])
        call_command("send_digests", "daily", "--now", stdout=out)
        self.assertIn("Sent 0 daily digest(s).", out.getvalue())
