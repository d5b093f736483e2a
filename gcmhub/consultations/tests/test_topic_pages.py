"""The discussion pages readers use: spaces, a space's topics, a topic with its questions, documents
and threads, "continue this thread", and posting a comment or a reply (issue 11 §1, §6)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from gcmhub.consultations.models import COMMENT_MAX_CHARS, Comment, Membership, Topic, Visibility
from gcmhub.test import BaseTestCase, make_comment, make_resource, make_space, make_topic, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class SpacePagesTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.review = make_space(slug="africa-review", title_en="Regional review for Africa", title_fr="Examen régional")
        cls.champions = make_space(slug="champions", title_en="Champion countries", visibility=Visibility.RESTRICTED)
        Membership.objects.create(space=cls.champions, user=cls.fatima)
        now = timezone.now()
        cls.open = make_topic(cls.review, slug="open-one", title_en="Labour mobility")
        cls.upcoming = make_topic(
            cls.review,
            slug="soon",
            title_en="Return and reintegration",
            opens_at=now + datetime.timedelta(days=3),
            closes_at=now + datetime.timedelta(days=20),
        )
        cls.closed = make_topic(
            cls.review,
            slug="past",
            title_en="Data on migration",
            opens_at=now - datetime.timedelta(days=40),
            closes_at=now - datetime.timedelta(days=10),
        )
        cls.members_only = make_topic(cls.review, slug="members-only", visibility=Visibility.RESTRICTED)
        cls.draft = make_topic(cls.review, slug="draft", published_at=None)

    def test_it_lists_the_spaces_a_reader_may_read(self):
        response = self.client.get("/en/discussions/")
        self.assertContains(response, "Regional review for Africa")
        self.assertNotContains(response, "Champion countries")
        self.login(self.fatima)
        self.assertContains(self.client.get("/en/discussions/"), "Champion countries")

    def test_it_groups_topics_open_upcoming_and_closed(self):
        response = self.client.get("/en/discussions/africa-review/")
        self.assertContains(response, "Labour mobility")
        self.assertContains(response, "Opening soon")
        self.assertContains(response, "Return and reintegration")
        self.assertContains(response, "Data on migration")
        self.assertNotContains(response, "members-only")
        self.assertNotContains(response, "/draft/")

    def test_a_restricted_space_is_404_to_others(self):
        self.assertEqual(self.client.get("/en/discussions/champions/").status_code, 404)
        self.login(self.alice)
        self.assertEqual(self.client.get("/en/discussions/champions/").status_code, 404)
        self.login(self.fatima)
        self.assertEqual(self.client.get("/en/discussions/champions/").status_code, 200)

    def test_a_restricted_or_draft_topic_is_404_to_others(self):
        self.assertEqual(self.client.get(self.members_only.get_absolute_url()).status_code, 404)
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 404)
        self.login(self.sam)
        self.assertEqual(self.client.get(self.members_only.get_absolute_url()).status_code, 200)
        self.assertEqual(self.client.get(self.draft.get_absolute_url()).status_code, 200)

    def test_the_space_list_and_page_keep_their_query_count(self):
        for n in range(5):
            space = make_space(title_en=f"Space {n}")
            make_topic(space)
        with self.assertNumQueries(1):
            self.client.get("/en/discussions/")
        for n in range(5):
            make_topic(self.review, title_en=f"More {n}")
        with self.assertNumQueries(2):
            self.client.get("/en/discussions/africa-review/")

    def test_the_space_list_is_linked_from_the_main_navigation(self):
        self.assertContains(self.client.get("/en/"), 'href="/en/discussions/"')


class TopicPageTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.moderator = make_user("moderator@example.org", full_name="Maria Moderator")
        cls.space = make_space(slug="guidance")
        cls.report = make_resource(title_en="Summary of the consultation on the draft guidance")
        cls.topic = make_topic(
            cls.space,
            slug="draft-guidance",
            title_en="Draft guidance on national implementation plans",
            audience_en="Champion countries' focal points",
            languages=["en", "fr", "es"],
            time_zone="America/El_Salvador",
            moderators=[cls.moderator],
            questions=[
                {"text_en": "Does the 360-degree vision fit?", "text_fr": "La vision à 360 degrés convient-elle ?"},
                {"text_en": "Would the six-step process help?"},
            ],
            summary_report=cls.report,
        )
        cls.topic.resources.add(make_resource(title_en="Guide: implementing the GCM"))

    def test_it_shows_the_topic_its_questions_and_documents(self):
        response = self.client.get("/fr/discussions/guidance/draft-guidance/")
        self.assertContains(response, "La vision à 360 degrés convient-elle ?")
        # A question without a French version says which language it is shown in.
        self.assertContains(response, 'lang="en" dir="ltr">Would the six-step process help?')
        self.assertContains(response, "Guide: implementing the GCM")
        self.assertContains(response, "Summary of the consultation on the draft guidance")
        self.assertContains(response, "Maria Moderator")
        self.assertContains(response, "America/El_Salvador")
        self.assertContains(response, "UTC−06:00")
        self.assertContains(response, "<time data-local-time datetime=")

    def test_each_comment_is_marked_with_its_language_and_state(self):
        first = make_comment(self.topic, self.alice, "La guía es muy útil.", language="es")
        make_comment(self.topic, self.fatima, "Merci pour ce commentaire.", language="fr", parent=first)
        make_comment(self.topic, self.ines, "Texte supprimé", status=Comment.Status.DELETED, parent=first)
        hidden = make_comment(self.topic, self.oscar, "Insult", status=Comment.Status.HIDDEN)
        network = make_comment(self.topic, self.ines, "The Network answers.", network_reply=True)
        Comment.objects.filter(pk=network.pk).update(edited_at=timezone.now())
        response = self.client.get(self.topic.get_absolute_url())
        self.assertContains(response, '<div class="comment__body" lang="es" dir="ltr"><p>La guía es muy útil.</p>')
        self.assertContains(response, 'lang="fr" dir="ltr"><p>Merci pour ce commentaire.</p>')
        self.assertContains(response, "This comment was deleted by its author.")
        self.assertContains(response, "This comment was hidden by a moderator")
        self.assertNotContains(response, "Insult")
        self.assertContains(response, "The Network's reply")
        self.assertContains(response, reverse("consultations:history", args=[network.pk]))
        self.assertContains(response, f'id="comment-{hidden.pk}"')

    def test_the_anonymous_reader_is_asked_to_sign_in_and_comes_back(self):
        response = self.client.get(self.topic.get_absolute_url())
        self.assertContains(response, "Sign in to comment")
        self.assertContains(response, "/en/accounts/login/?next=/en/discussions/guidance/draft-guidance/")
        self.assertNotContains(response, 'name="body"')

    def test_a_closed_topic_stays_readable_and_says_so(self):
        Topic.objects.filter(pk=self.topic.pk).update(closes_at=timezone.now() - datetime.timedelta(hours=1))
        make_comment(self.topic, self.alice, "Still here after closing.")
        self.login(self.alice)
        response = self.client.get(self.topic.get_absolute_url())
        self.assertContains(response, "Still here after closing.")
        self.assertContains(response, "This topic is closed for comments.")
        self.assertNotContains(response, 'name="body"')
        self.assertNotContains(response, ">Reply<")

    def test_replies_show_two_levels_then_continue_this_thread(self):
        first = make_comment(self.topic, self.alice, "Level zero")
        one = make_comment(self.topic, self.fatima, "Level one", parent=first)
        two = make_comment(self.topic, self.ines, "Level two", parent=one)
        three = make_comment(self.topic, self.oscar, "Level three", parent=two)
        four = make_comment(self.topic, self.alice, "Level four", parent=three)
        response = self.client.get(self.topic.get_absolute_url())
        self.assertContains(response, "Level two")
        self.assertNotContains(response, "Level three")
        thread_url = reverse("consultations:thread", args=["guidance", "draft-guidance", two.pk])
        self.assertContains(response, thread_url)
        self.assertContains(response, "Continue this thread (1 reply)")
        thread = self.client.get(thread_url)
        self.assertContains(thread, "Level three")
        self.assertContains(thread, "Level four")
        # A permalink finds the page that shows the comment.
        self.assertRedirects(
            self.client.get(reverse("consultations:comment", args=[four.pk])),
            f"{thread_url}#comment-{four.pk}",
            fetch_redirect_response=False,
        )

    def test_first_comments_are_paginated_and_page_numbers_bounded(self):
        for n in range(25):
            make_comment(self.topic, self.alice, f"Comment number {n:02d}")
        response = self.client.get(self.topic.get_absolute_url() + "?page=2")
        self.assertContains(response, "Comment number 24")
        self.assertNotContains(response, "Comment number 03")
        for page in ("99999999999999999999999", "-1", "1e9", "x"):
            self.assertEqual(self.client.get(self.topic.get_absolute_url(), {"page": page}).status_code, 200)
        last = Comment.objects.filter(body="Comment number 24").get()
        self.assertRedirects(
            self.client.get(reverse("consultations:comment", args=[last.pk])),
            f"{self.topic.get_absolute_url()}?page=2#comment-{last.pk}",
            fetch_redirect_response=False,
        )

    def _thread_of(self, n: int):
        root = make_comment(self.topic, self.alice, f"Root {n}", question=self.topic.questions.first())
        reply = make_comment(self.topic, self.fatima, f"Reply {n}", parent=root, language="fr")
        deeper = make_comment(self.topic, self.ines, f"Deeper {n}", parent=reply)
        make_comment(self.topic, self.oscar, f"Deepest {n}", parent=deeper)

    def test_the_topic_page_keeps_its_query_count(self):
        self._thread_of(0)
        url = self.topic.get_absolute_url()
        self.client.get(url)
        # topic, moderators, questions, attachments, resources, count, first comments, replies,
        # deeper counts, comment attachments
        with self.assertNumQueries(10):
            self.client.get(url)
        for n in range(1, 8):
            self._thread_of(n)
        with self.assertNumQueries(10):
            self.client.get(url)

    def test_the_signed_in_topic_page_keeps_its_query_count(self):
        self._thread_of(0)
        self.login(self.alice)
        url = self.topic.get_absolute_url()
        self.client.get(url)
        # and the session, the user, their roles, memberships (restricted?), restrictions, flags
        # to appeal, what they follow (the follow button)
        with self.assertNumQueries(16) as first:
            self.client.get(url)
        for n in range(1, 8):
            self._thread_of(n)
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(url)


class PostCommentTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.moderator = make_user("moderator@example.org")
        cls.space = make_space(slug="guidance")
        cls.topic = make_topic(
            cls.space, slug="draft", moderators=[cls.moderator], questions=["Does the 360-degree vision fit?"]
        )
        cls.pre = make_topic(cls.space, slug="pre", moderation=Topic.Moderation.PRE)

    def post(self, topic=None, **data):
        data.setdefault("body", "Una visión integral del gobierno ayuda a coordinar.")
        data.setdefault("language", "es")
        return self.client.post((topic or self.topic).get_absolute_url(), data)

    def test_it_posts_and_the_author_sees_it_awaiting_moderation(self):
        self.login(self.alice)
        response = self.post(self.pre)
        comment = Comment.objects.get()
        self.assertEqual(comment.status, Comment.Status.PENDING)
        self.assertEqual(comment.language, "es")
        page = self.client.get(response.url, follow=True)
        self.assertContains(page, "awaits moderation")
        self.assertContains(page, "Awaiting moderation")
        self.assertContains(page, "Una visión integral")
        # Others do not see it.
        self.login(self.fatima)
        self.assertNotContains(self.client.get(self.pre.get_absolute_url()), "Una visión integral")

    def test_it_answers_a_question_and_defaults_to_the_readers_language(self):
        self.login(self.fatima)
        form = self.client.get("/fr" + self.topic.get_absolute_url()[3:])
        self.assertContains(form, '<option value="fr" selected>')
        question = self.topic.questions.get()
        self.post(body="Oui, la vision convient.", language="fr", question=question.pk)
        self.assertEqual(Comment.objects.get().question, question)

    def test_bad_comments_are_refused_with_the_text_kept(self):
        self.login(self.alice)
        cases = {
            "   ": "Write something before posting.",
            "https://example.org/a https://example.org/b": "only links",
            "x" * (COMMENT_MAX_CHARS + 1): "at most 10,000 characters",
        }
        for body, message in cases.items():
            response = self.post(body=body)
            self.assertEqual(response.status_code, 400, body[:20])
            self.assertContains(response, message, status_code=400)
            if body.strip():
                self.assertContains(response, body[:200], status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_a_closed_topic_refuses_with_the_text_kept(self):
        Topic.objects.filter(pk=self.topic.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
        self.login(self.alice)
        response = self.post(body="Posted too late, kept anyway.")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "closed for comments", status_code=400)
        self.assertContains(response, "Posted too late, kept anyway.", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_a_restricted_topic_refuses_outsiders(self):
        restricted = make_topic(self.space, slug="for-members", visibility=Visibility.RESTRICTED)
        self.login(self.alice)
        self.assertEqual(self.post(restricted).status_code, 404)
        Membership.objects.create(space=self.space, user=self.alice)
        self.assertEqual(self.post(restricted).status_code, 302)

    def test_anonymous_posts_go_to_sign_in(self):
        response = self.post()
        self.assertEqual(response.status_code, 302)
        self.assertIn("/accounts/login/", response.url)
        self.assertFalse(Comment.objects.exists())

    def test_an_unverified_address_may_not_comment(self):
        unverified = make_user(email_verified=False)
        self.login(unverified)
        response = self.post()
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "Confirm your e-mail address", status_code=403)

    def test_every_role_comments_on_an_open_public_topic(self):
        for user in (self.alice, self.fatima, self.ines, self.moderator, self.sam):
            self.login(user)
            self.assertEqual(self.post(body=f"From {user.email}").status_code, 302, user.email)
        self.assertEqual(Comment.objects.count(), 5)

    @override_settings(THROTTLE_RATES={"comment": {"account": "2/10m"}})
    def test_posting_is_rate_limited_with_the_text_kept(self):
        self.login(self.alice)
        self.post(body="One")
        self.post(body="Two")
        response = self.post(body="Three, kept when refused")
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Three, kept when refused", status_code=429)
        self.assertContains(response, "please wait", status_code=429)
        self.assertEqual(Comment.objects.count(), 2)

    def test_attachments_are_checked_by_content(self):
        self.login(self.alice)
        good = SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf")
        response = self.post(body="See the evidence attached.", attachments=good)
        self.assertEqual(response.status_code, 302)
        comment = Comment.objects.get()
        attachment = comment.attachments.get()
        self.assertEqual(attachment.filename, "evidence.pdf")
        self.assertEqual(self.client.get(attachment.get_absolute_url()).status_code, 200)
        fake = SimpleUploadedFile(
            "report.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf"
        )
        response = self.post(body="A fake PDF.", attachments=fake)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "A fake PDF.", status_code=400)
        self.assertEqual(Comment.objects.count(), 1)

    def test_a_reply_and_a_quote(self):
        parent = make_comment(self.topic, self.ines, "Regular pathways need labour market data.")
        self.login(self.fatima)
        form = self.client.get(reverse("consultations:reply", args=[parent.pk]) + "?quote=1")
        self.assertContains(form, "Regular pathways need labour market data.</textarea>")
        response = self.client.post(
            reverse("consultations:reply", args=[parent.pk]) + "?quote=1",
            {"body": "D'accord avec ceci.", "language": "fr", "quote_of": parent.pk, "quote": "labour market data"},
        )
        self.assertEqual(response.status_code, 302)
        reply = Comment.objects.get(parent=parent)
        self.assertEqual((reply.depth, reply.thread_id, reply.quote_of_id), (1, parent.pk, parent.pk))
        self.assertEqual(reply.quote, "labour market data")

    def test_no_reply_to_a_comment_not_published(self):
        pending = make_comment(self.topic, self.ines, "Waiting", status=Comment.Status.PENDING)
        self.login(self.fatima)
        self.assertEqual(self.client.get(reverse("consultations:reply", args=[pending.pk])).status_code, 404)
        self.login(self.ines)
        self.assertEqual(self.client.get(reverse("consultations:reply", args=[pending.pk])).status_code, 403)

    def test_wrong_methods(self):
        self.login(self.alice)
        self.assertEqual(self.client.put(self.topic.get_absolute_url()).status_code, 405)
        self.assertEqual(self.client.post(reverse("consultations:spaces")).status_code, 405)


class ResourceLinksTests(BaseTestCase):
    def test_the_summary_report_and_the_tools_topic_are_linked_both_ways(self):
        report = make_resource(title_en="Summary of the consultation")
        tool = make_resource(title_en="NIP guidance", is_network_tool=True)
        space = make_space(slug="guidance")
        summarised = make_topic(space, slug="draft", title_en="Draft guidance", summary_report=report)
        make_topic(space, slug="feedback", title_en="Feedback on the guidance", tool=tool)
        self.assertContains(self.client.get(report.get_absolute_url()), summarised.get_absolute_url())
        self.assertContains(self.client.get(summarised.get_absolute_url()), report.get_absolute_url())
        self.assertContains(self.client.get(tool.get_absolute_url()), "/en/discussions/guidance/feedback/")
