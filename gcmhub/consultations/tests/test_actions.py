"""The rules of discussions and moderation that hold whatever the page or API calls them
(actions.py, permissions.py): who may read and comment, pre-moderation, edits with history, the
moderation log, one appeal decided by another moderator, mutes and suspensions."""

import datetime

from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gcmhub.consultations import actions, permissions
from gcmhub.consultations.models import Appeal, Comment, Membership, ModerationAction, Reason, Space, Topic
from gcmhub.lib.concurrency import StaleObject
from gcmhub.test import BaseTestCase, make_resource, make_user

NOW = timezone.now()


def make_space(**kwargs) -> Space:
    kwargs.setdefault("slug", f"space-{Space.objects.count() + 1}")
    kwargs.setdefault("source_language", "en")
    kwargs.setdefault("title_en", "Regional review for Africa")
    return Space.objects.create(**kwargs)


def make_topic(space=None, **kwargs) -> Topic:
    kwargs.setdefault("slug", f"topic-{Topic.objects.count() + 1}")
    kwargs.setdefault("source_language", "en")
    kwargs.setdefault("title_en", "What should the regional review discuss?")
    kwargs.setdefault("opens_at", NOW - datetime.timedelta(days=1))
    kwargs.setdefault("closes_at", NOW + datetime.timedelta(days=30))
    kwargs.setdefault("published_at", NOW - datetime.timedelta(days=1))
    return Topic.objects.create(space=space or make_space(), **kwargs)


def post(topic, author, body="Regular pathways need data on labour markets.", **kwargs) -> Comment:
    return actions.do_post_comment(
        topic, author, actions.NewComment(body=body, language=kwargs.pop("language", "en"), **kwargs)
    )


class CommentingTests(BaseTestCase):
    def setUp(self):
        self.topic = make_topic()
        self.moderator = make_user("mod@example.org")
        self.topic.moderators.add(self.moderator)

    def trust(self, user):
        for _ in range(actions.TRUSTED_AFTER):
            comment = post(self.topic, user)
            Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.PUBLISHED)

    def test_a_new_accounts_first_comments_wait_for_a_moderator(self):
        first = post(self.topic, self.alice)
        self.assertEqual(first.status, Comment.Status.PENDING)
        self.trust(self.alice)
        self.assertEqual(post(self.topic, self.alice).status, Comment.Status.PUBLISHED)

    def test_a_pre_moderated_topic_holds_every_comment(self):
        self.trust(self.alice)
        self.topic.moderation = Topic.Moderation.PRE
        self.topic.save()
        self.assertEqual(post(self.topic, self.alice).status, Comment.Status.PENDING)

    def test_replies_keep_their_thread_and_depth(self):
        self.trust(self.alice)
        first = post(self.topic, self.alice)
        reply = post(self.topic, self.fatima, "Nous partageons cet avis.", language="fr", parent=first)
        Comment.objects.filter(pk=reply.pk).update(status=Comment.Status.PUBLISHED)
        reply.refresh_from_db()
        deeper = post(self.topic, self.alice, "Y los datos deben ser abiertos.", language="es", parent=reply)
        self.assertEqual((first.thread_id, first.depth), (first.pk, 0))
        self.assertEqual((reply.thread_id, reply.depth, reply.language), (first.pk, 1, "fr"))
        self.assertEqual((deeper.thread_id, deeper.depth), (first.pk, 2))

    def test_bad_comments_are_refused_with_a_reason(self):
        for body, code in (
            ("   ", "empty"),
            ("x" * 10_001, "too_long"),
            ("https://example.org http://spam.example", "only_links"),
        ):
            with self.subTest(code), self.assertRaises(actions.CommentRefused) as raised:
                post(self.topic, self.alice, body)
            self.assertEqual(raised.exception.code, code)

    def test_a_closed_or_upcoming_topic_takes_no_comment(self):
        closed = make_topic(
            self.topic.space, closes_at=NOW - datetime.timedelta(hours=1), opens_at=NOW - datetime.timedelta(days=9)
        )
        upcoming = make_topic(self.topic.space, opens_at=NOW + datetime.timedelta(days=1))
        for topic in (closed, upcoming):
            with self.subTest(topic.state()), self.assertRaises(actions.CommentRefused):
                post(topic, self.alice)
        self.assertIn("closed", permissions.comment_refusal(self.alice, closed))
        self.assertIn("not open", permissions.comment_refusal(self.alice, upcoming))

    def test_who_may_comment(self):
        unverified = make_user(email_verified=False)
        self.assertIn("Sign in", permissions.comment_refusal(None, self.topic) or "")
        self.assertIn("Confirm", permissions.comment_refusal(unverified, self.topic))
        for user in (self.alice, self.fatima, self.ines, self.sam):
            self.assertTrue(permissions.can_comment(user, self.topic), user)

    def test_a_restricted_space_is_read_and_discussed_by_its_members_only(self):
        space = make_space(visibility="restricted", title_en="Champion countries")
        topic = make_topic(space)
        self.assertFalse(permissions.can_read_topic(self.alice, topic))
        self.assertFalse(permissions.can_comment(self.alice, topic))
        Membership.objects.create(space=space, user=self.fatima)
        self.assertTrue(permissions.can_read_topic(self.fatima, topic))
        self.assertTrue(permissions.can_comment(self.fatima, topic))
        self.assertTrue(permissions.can_read_topic(self.sam, topic))  # the Secretariat

    def test_an_edit_keeps_the_earlier_text_and_a_stale_edit_is_refused(self):
        comment = post(self.topic, self.alice)
        edited = actions.do_edit_comment(comment, self.alice, "Regular pathways need good data.", comment.version)
        self.assertEqual(edited.body, "Regular pathways need good data.")
        self.assertEqual([r.body for r in edited.revisions.all()], ["Regular pathways need data on labour markets."])
        with self.assertRaises(StaleObject):
            actions.do_edit_comment(comment, self.alice, "Another text", comment.version)

    def test_the_author_deletes_leaving_its_place_in_the_thread(self):
        comment = post(self.topic, self.alice)
        actions.do_edit_comment(comment, self.alice, "Second thoughts.", None)
        deleted = actions.do_delete_comment(comment, self.alice)
        self.assertEqual((deleted.status, deleted.body), (Comment.Status.DELETED, ""))
        self.assertFalse(deleted.revisions.exists())
        self.assertFalse(permissions.can_delete_comment(self.alice, deleted))

    def test_the_tools_owners_reply_as_the_network(self):
        tool = make_resource(publishers=[self.iom])
        topic = make_topic(self.topic.space, tool=tool)
        self.assertTrue(post(topic, self.ines).network_reply)  # IOM's focal point
        self.assertFalse(post(topic, self.oscar).network_reply)  # OHCHR's
        self.assertFalse(post(self.topic, self.ines).network_reply)  # not a tool's topic


class ModerationTests(BaseTestCase):
    def setUp(self):
        self.topic = make_topic()
        self.first_moderator = make_user("mod1@example.org")
        self.second_moderator = make_user("mod2@example.org")
        self.topic.moderators.add(self.first_moderator, self.second_moderator)
        self.comment = post(self.topic, self.alice)

    def test_approving_publishes_and_is_logged(self):
        action = actions.do_moderate(self.comment, self.first_moderator, ModerationAction.Kind.APPROVE)
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.status, Comment.Status.PUBLISHED)
        self.assertIsNotNone(self.comment.published_at)
        self.assertEqual(
            (action.actor, action.subject, action.space), (self.first_moderator, self.alice, self.topic.space)
        )

    def test_hiding_needs_a_reason_and_tells_the_author_in_their_language(self):
        actions.do_moderate(self.comment, self.first_moderator, ModerationAction.Kind.APPROVE)
        with self.assertRaises(ValidationError):
            actions.do_moderate(self.comment, self.first_moderator, ModerationAction.Kind.HIDE)
        self.alice.preferred_language = "fr"
        self.alice.save()
        with self.captureOnCommitCallbacks(execute=True):
            actions.do_moderate(
                self.comment, self.first_moderator, ModerationAction.Kind.HIDE, reason=Reason.ABUSE, note="Insulting."
            )
        [message] = mail.outbox
        self.assertEqual(message.to, ["alice@example.org"])
        self.assertIn("Insulting.", message.body)
        self.assertIn("/fr/discussions/", message.body)  # the appeal link, in French

    def test_a_decision_that_does_not_fit_the_status_is_refused(self):
        with self.assertRaises(ValidationError):  # pending: hide does not apply, refuse does
            actions.do_moderate(self.comment, self.first_moderator, ModerationAction.Kind.HIDE, reason=Reason.SPAM)

    def test_editing_out_personal_data_keeps_no_earlier_text(self):
        actions.do_edit_comment(self.comment, self.alice, "Call Maria on +41 22 000 00 00 about this.", None)
        actions.do_moderate(
            self.comment,
            self.first_moderator,
            ModerationAction.Kind.REDACT,
            reason=Reason.PERSONAL_DATA,
            body="Call [removed] about this.",
        )
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.body, "Call [removed] about this.")
        self.assertFalse(self.comment.revisions.exists())

    def test_flags_are_resolved_by_the_decision(self):
        actions.do_moderate(self.comment, self.first_moderator, ModerationAction.Kind.APPROVE)
        self.comment.refresh_from_db()
        self.assertTrue(permissions.can_flag(self.fatima, self.comment))
        self.assertFalse(permissions.can_flag(self.alice, self.comment))  # one's own
        actions.do_flag(self.comment, self.fatima, Reason.OFF_TOPIC, "Not about the review.")
        actions.do_moderate(self.comment, self.first_moderator, ModerationAction.Kind.DISMISS_FLAGS)
        self.assertFalse(self.comment.flags.filter(resolved_at__isnull=True).exists())

    def test_one_appeal_decided_by_another_moderator_restores_the_comment(self):
        actions.do_moderate(self.comment, self.first_moderator, ModerationAction.Kind.APPROVE)
        hidden = actions.do_moderate(
            self.comment, self.first_moderator, ModerationAction.Kind.HIDE, reason=Reason.OFF_TOPIC
        )
        self.assertFalse(permissions.can_appeal(self.fatima, hidden))  # not hers
        self.assertTrue(permissions.can_appeal(self.alice, hidden))
        appeal = actions.do_appeal(hidden, self.alice, "My comment is about the review's agenda.")
        self.assertFalse(permissions.can_appeal(self.alice, hidden))
        with self.assertRaises(ValidationError):
            actions.do_appeal(hidden, self.alice, "Again.")
        self.assertFalse(permissions.can_decide_appeal(self.first_moderator, appeal))
        with self.assertRaises(PermissionDenied):
            actions.do_decide_appeal(appeal, self.first_moderator, Appeal.Outcome.UPHELD)
        self.assertTrue(permissions.can_decide_appeal(self.second_moderator, appeal))
        action = actions.do_decide_appeal(appeal, self.second_moderator, Appeal.Outcome.GRANTED, "It is on topic.")
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.status, Comment.Status.PUBLISHED)
        self.assertEqual(action.kind, ModerationAction.Kind.APPEAL_GRANTED)
        with self.assertRaises(ValidationError):
            actions.do_decide_appeal(appeal, self.second_moderator, Appeal.Outcome.UPHELD)

    def test_a_mute_stops_comments_in_its_space_only_and_a_granted_appeal_lifts_it(self):
        manager = make_user("manager@example.org")
        Membership.objects.create(space=self.topic.space, user=manager, role=Membership.Role.MANAGER)
        other = make_topic(make_space(title_en="Working group on data"))
        self.assertTrue(permissions.can_mute(manager, self.topic.space))
        self.assertFalse(permissions.can_suspend(manager))
        restriction = actions.do_restrict(self.alice, manager, space=self.topic.space, reason=Reason.ABUSE)
        self.assertIn("muted", permissions.comment_refusal(self.alice, self.topic))
        self.assertTrue(permissions.can_comment(self.alice, other))
        appeal = actions.do_appeal(restriction.action, self.alice, "I was quoting someone.")
        self.assertFalse(permissions.can_decide_appeal(manager, appeal))
        self.assertTrue(permissions.can_decide_appeal(self.sam, appeal))
        actions.do_decide_appeal(appeal, self.sam, Appeal.Outcome.GRANTED)
        self.assertTrue(permissions.can_comment(self.alice, self.topic))

    def test_the_secretariat_suspends_site_wide(self):
        self.assertTrue(permissions.can_suspend(self.sam))
        restriction = actions.do_restrict(self.alice, self.sam, space=None, reason=Reason.HATE)
        self.assertIn("suspended", permissions.comment_refusal(self.alice, self.topic))
        actions.do_lift(restriction, self.sam)
        self.assertTrue(permissions.can_comment(self.alice, self.topic))
        self.assertEqual(
            list(ModerationAction.objects.filter(subject=self.alice).values_list("kind", flat=True)),
            [ModerationAction.Kind.LIFT, ModerationAction.Kind.SUSPEND],
        )
