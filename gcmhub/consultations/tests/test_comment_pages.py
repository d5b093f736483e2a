"""A comment's own pages: edit (the author, while the topic is open; a stale save refused with the
text kept), delete (the author, leaving its place), flag (any other signed-in reader, with a reason
from the code of conduct), its history, and the code of conduct (issue 11 §1–2, §6)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from gcmhub.consultations.models import Comment, CommentRevision, Flag, Reason, Topic
from gcmhub.test import BaseTestCase, make_comment, make_space, make_topic, make_user


class CommentPagesBase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.moderator = make_user("moderator@example.org")
        cls.manager = make_user("manager@example.org")
        cls.space = make_space(slug="review", managers=[cls.manager])
        cls.topic = make_topic(cls.space, slug="mobility", moderators=[cls.moderator])

    def setUp(self):
        self.comment = make_comment(self.topic, self.alice, "Labour mobility schemes need fair recruitment.")

    # Every role but the author, for the pages only the author uses.
    def others(self):
        return [self.fatima, self.ines, self.moderator, self.manager, self.sam]


class EditCommentTests(CommentPagesBase):
    def url(self):
        return reverse("consultations:edit", args=[self.comment.pk])

    def test_the_author_edits_and_the_history_keeps_the_earlier_text(self):
        self.login(self.alice)
        form = self.client.get(self.url())
        self.assertContains(form, "Labour mobility schemes need fair recruitment.</textarea>")
        response = self.client.post(
            self.url(), {"body": "Labour mobility schemes need ethical recruitment.", "version": self.comment.version}
        )
        self.assertEqual(response.status_code, 302)
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.body, "Labour mobility schemes need ethical recruitment.")
        self.assertIsNotNone(self.comment.edited_at)
        history = self.client.get(reverse("consultations:history", args=[self.comment.pk]))
        self.assertContains(history, "need fair recruitment.")
        self.assertContains(history, "need ethical recruitment.")
        # Anonymous readers read the history of a published comment too.
        self.client.logout()
        self.assertEqual(self.client.get(reverse("consultations:history", args=[self.comment.pk])).status_code, 200)

    def test_a_stale_save_is_refused_with_the_text_kept(self):
        self.login(self.alice)
        seen = self.comment.version
        Comment.objects.filter(pk=self.comment.pk).update(version=seen + 1, body="Changed elsewhere.")
        response = self.client.post(self.url(), {"body": "My careful new wording.", "version": seen})
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "Nothing was saved", status_code=409)
        self.assertContains(response, "My careful new wording.</textarea>", status_code=409)
        self.assertContains(response, "Changed elsewhere.", status_code=409)
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.body, "Changed elsewhere.")
        self.assertFalse(CommentRevision.objects.exists())

    def test_bad_text_is_refused_and_kept(self):
        self.login(self.alice)
        response = self.client.post(self.url(), {"body": "https://example.org", "version": self.comment.version})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "only links", status_code=400)
        self.assertContains(response, "https://example.org</textarea>", status_code=400)

    def test_no_one_else_edits(self):
        for user in self.others():
            self.login(user)
            response = self.client.post(self.url(), {"body": "Not mine", "version": self.comment.version})
            self.assertEqual(response.status_code, 403, user.email)
        self.client.logout()
        self.assertEqual(self.client.post(self.url(), {"body": "x"}).status_code, 302)  # to sign in
        self.comment.refresh_from_db()
        self.assertEqual(self.comment.body, "Labour mobility schemes need fair recruitment.")

    def test_no_edit_after_the_topic_closed(self):
        Topic.objects.filter(pk=self.topic.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url()).status_code, 403)


class DeleteCommentTests(CommentPagesBase):
    def url(self):
        return reverse("consultations:delete", args=[self.comment.pk])

    def test_the_author_deletes_and_the_thread_keeps_its_place(self):
        reply = make_comment(self.topic, self.fatima, "A reply stays.", parent=self.comment)
        self.login(self.alice)
        self.assertContains(self.client.get(self.url()), "Delete your comment?")
        response = self.client.post(self.url())
        self.assertEqual(response.status_code, 302)
        self.comment.refresh_from_db()
        self.assertEqual((self.comment.status, self.comment.body), (Comment.Status.DELETED, ""))
        page = self.client.get(self.topic.get_absolute_url())
        self.assertContains(page, "This comment was deleted by its author.")
        self.assertContains(page, reply.body)

    def test_no_one_else_deletes(self):
        for user in self.others():
            self.login(user)
            self.assertEqual(self.client.post(self.url()).status_code, 403, user.email)
        self.assertEqual(Comment.objects.get(pk=self.comment.pk).status, Comment.Status.PUBLISHED)

    def test_wrong_method(self):
        self.login(self.alice)
        self.assertEqual(self.client.put(self.url()).status_code, 405)


class FlagCommentTests(CommentPagesBase):
    def url(self):
        return reverse("consultations:flag", args=[self.comment.pk])

    def test_every_other_reader_flags_with_a_reason(self):
        for user in self.others():
            self.login(user)
            response = self.client.post(self.url(), {"reason": Reason.OFF_TOPIC, "note": "Not about the review."})
            self.assertEqual(response.status_code, 302, user.email)
        self.assertEqual(Flag.objects.filter(comment=self.comment).count(), len(self.others()))

    def test_the_author_and_anonymous_do_not_flag(self):
        self.login(self.alice)
        self.assertEqual(self.client.post(self.url(), {"reason": Reason.SPAM}).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.post(self.url(), {"reason": Reason.SPAM}).status_code, 302)
        self.assertFalse(Flag.objects.exists())

    def test_a_reason_is_needed_and_a_flag_is_made_once(self):
        self.login(self.fatima)
        response = self.client.post(self.url(), {"reason": "", "note": "Kept note"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Kept note", status_code=400)
        response = self.client.post(self.url(), {"reason": "not-a-reason"})
        self.assertEqual(response.status_code, 400)
        self.client.post(self.url(), {"reason": Reason.HATE})
        response = self.client.post(self.url(), {"reason": Reason.SPAM})
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "You flagged this comment already", status_code=409)
        self.assertEqual(Flag.objects.get().reason, Reason.HATE)

    def test_a_note_is_bounded(self):
        self.login(self.fatima)
        response = self.client.post(self.url(), {"reason": Reason.HATE, "note": "x" * 5000})
        self.assertEqual(response.status_code, 400)


class CodeOfConductTests(BaseTestCase):
    def test_it_lists_the_reasons_and_explains_the_appeal(self):
        for lang in ("en", "fr", "es"):
            response = self.client.get(f"/{lang}/discussions/code-of-conduct/")
            self.assertEqual(response.status_code, 200)
        response = self.client.get("/en/discussions/code-of-conduct/")
        for _value, label in Reason.choices:
            self.assertContains(response, str(label))
        self.assertContains(response, 'id="appeals"')
        self.assertContains(response, "never the one who took the decision")
