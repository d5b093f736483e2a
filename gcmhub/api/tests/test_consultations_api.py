"""/api/v1/ discussions (issue 11 §5): spaces, topics and comments read as the pages show them to
each role; comments posted, edited, deleted and flagged with a token under the pages' rules; the
Atom feeds of comments."""

import datetime
import json
import xml.etree.ElementTree as ET

from django.test import override_settings
from django.utils import timezone

from gcmhub.api.tests.base import API, ApiTestCase
from gcmhub.consultations.actions import do_restrict
from gcmhub.consultations.models import (
    COMMENT_MAX_CHARS,
    Comment,
    CommentRevision,
    Flag,
    Membership,
    Reason,
    Topic,
    Visibility,
)
from gcmhub.test import make_comment, make_country, make_space, make_topic, make_user

ATOM = "{http://www.w3.org/2005/Atom}"


class DiscussionsApiTestCase(ApiTestCase):
    """A public space `review` (managed by `manager`) with an open topic `mobility` (moderated by
    `moderator`, three questions in three languages), an upcoming, a closed and a draft one, and a
    topic restricted to its members; a restricted space `champions` (Fatima is a member)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.moderator = make_user("moderator@example.org", full_name="Mona Moderator")
        cls.manager = make_user("manager@example.org", full_name="Manu Manager")
        cls.senegal = make_country("SN", "SEN")
        now = timezone.now()
        cls.review = make_space(slug="review", title_en="Regional review", title_fr="Examen régional")
        cls.review_manager = make_space(slug="unused", managers=[cls.manager])  # a manager elsewhere
        Membership.objects.create(space=cls.review, user=cls.manager, role=Membership.Role.MANAGER)
        cls.champions = make_space(slug="champions", visibility=Visibility.RESTRICTED, members=[cls.fatima])
        cls.mobility = make_topic(
            cls.review,
            slug="mobility",
            title_en="Labour mobility",
            title_fr="Mobilité de main-d'œuvre",
            moderators=[cls.moderator],
            questions=[
                {"text_en": "What works?", "text_fr": "Qu'est-ce qui marche ?", "text_es": "¿Qué funciona?"},
                {"text_en": "What is missing?"},
            ],
        )
        cls.mobility.objectives.add(cls.obj1)
        cls.mobility.countries.add(cls.morocco)
        cls.soon = make_topic(
            cls.review, slug="soon", opens_at=now + datetime.timedelta(days=3), closes_at=now + datetime.timedelta(9)
        )
        cls.past = make_topic(
            cls.review, slug="past", opens_at=now - datetime.timedelta(days=40), closes_at=now - datetime.timedelta(9)
        )
        cls.past.countries.add(cls.senegal)
        cls.draft = make_topic(cls.review, slug="draft", published_at=None)
        cls.members_only = make_topic(cls.review, slug="members-only", visibility=Visibility.RESTRICTED)
        cls.guidance = make_topic(cls.champions, slug="guidance", title_en="Draft guidance")
        cls.tokens = {
            user.email: cls.token_for(user)
            for user in (cls.alice, cls.fatima, cls.ines, cls.oscar, cls.moderator, cls.manager, cls.sam)
        }

    def setUp(self):
        self.first = make_comment(self.mobility, self.fatima, "Bilateral agreements need monitoring.")
        self.reply = make_comment(self.mobility, self.alice, "Agreed, with the unions.", parent=self.first)
        self.pending = make_comment(self.mobility, self.alice, "Waiting for a moderator.", status="pending")
        self.deleted = make_comment(self.mobility, self.ines, "", status="deleted")
        self.hidden = make_comment(self.mobility, self.oscar, "Something abusive.", status="hidden")
        self.secret = make_comment(self.guidance, self.fatima, "Our draft plan in confidence.")

    def auth(self, user) -> dict:
        return {"Authorization": f"Bearer {self.tokens[user.email]}"}

    def get(self, path, user=None, **params):
        headers = self.auth(user) if user else {}
        return self.get_json(path, data=params, headers=headers)

    def send(self, method, path, body, user=None, **headers):
        if user is not None:
            headers.update(self.auth(user))
        data = body if isinstance(body, str) else json.dumps(body)
        response = getattr(self.client, method)(f"{API}{path}", data, content_type="application/json", headers=headers)
        if response.status_code != 204:
            self.assertTrue(response["Content-Type"].startswith("application/json"), response.content)
        return response

    # Who reads what: the pages' rule (`can_read_space`, `can_read_topic`).
    def readers_of_restricted(self):
        return [self.fatima, self.sam]

    def outsiders_of_restricted(self):
        return [None, self.alice, self.ines, self.oscar, self.moderator, self.manager]


class SpacesTests(DiscussionsApiTestCase):
    def test_it_lists_public_spaces_to_everyone_and_restricted_ones_to_members(self):
        for user in self.outsiders_of_restricted():
            slugs = [s["slug"] for s in self.get("/spaces", user).json()["items"]]
            self.assertIn("review", slugs)
            self.assertNotIn("champions", slugs, user)
        for user in self.readers_of_restricted():
            slugs = [s["slug"] for s in self.get("/spaces", user).json()["items"]]
            self.assertIn("champions", slugs, user)

    def test_it_answers_one_space(self):
        data = self.get("/spaces/review", lang="fr").json()
        self.assertEqual(data["title"], "Examen régional")
        self.assertEqual(data["titles"]["en"], "Regional review")
        self.assertEqual(data["topic_count"], 4)  # published ones, restricted included (as on the page)
        self.assertTrue(data["url"].endswith("/discussions/review/"))

    def test_a_restricted_space_is_404_to_others(self):
        for user in self.outsiders_of_restricted():
            self.assertEqual(self.get("/spaces/champions", user).status_code, 404, user)
        for user in self.readers_of_restricted():
            self.assertEqual(self.get("/spaces/champions", user).status_code, 200, user)

    def test_an_archived_space_is_not_listed(self):
        type(self.review).objects.filter(pk=self.review_manager.pk).update(archived_at=timezone.now())
        slugs = [s["slug"] for s in self.get("/spaces").json()["items"]]
        self.assertNotIn("unused", slugs)

    def test_the_query_count_does_not_grow(self):
        for n in range(5):
            make_space(slug=f"extra-{n}")
        for user in (None, self.fatima):
            self.get("/spaces", user)  # warm the token look-up's statement
            with self.assertNumQueries(5 if user else 2):  # (token, roles, memberships), page, count
                self.assertEqual(self.get("/spaces", user, limit=2).status_code, 200)


class TopicsTests(DiscussionsApiTestCase):
    def slugs(self, user=None, **params):
        response = self.get("/topics", user, **params)
        self.assertEqual(response.status_code, 200, response.content)
        return {t["slug"] for t in response.json()["items"]}

    def test_it_lists_what_each_role_reads(self):
        public = {"mobility", "soon", "past"}
        for user in (None, self.alice, self.ines, self.oscar):
            self.assertEqual(self.slugs(user), public, user)
        self.assertEqual(self.slugs(self.fatima), public | {"guidance"})
        self.assertEqual(self.slugs(self.moderator), public)
        # Managers and the Secretariat also read the space's drafts and its members' topics.
        self.assertEqual(self.slugs(self.manager), public | {"draft", "members-only"})
        self.assertEqual(self.slugs(self.sam), public | {"draft", "members-only", "guidance"})

    def test_it_filters_by_state_space_objective_and_country(self):
        self.assertEqual(self.slugs(state="open"), {"mobility"})
        self.assertEqual(self.slugs(state="upcoming"), {"soon"})
        self.assertEqual(self.slugs(state="closed"), {"past"})
        self.assertEqual(self.slugs(self.sam, space="champions"), {"guidance"})
        self.assertEqual(self.slugs(space="champions"), set())
        self.assertEqual(self.slugs(objective=1), {"mobility"})
        self.assertEqual(self.slugs(country="SEN"), {"past"})
        self.assertEqual(self.slugs(country="ma"), {"mobility"})

    def test_bad_filters_are_400(self):
        for params in ({"state": "draft"}, {"objective": 0}, {"country": "MAROC"}, {"limit": 501}, {"offset": -1}):
            response = self.get("/topics", **params)
            self.assertEqual(response.status_code, 400, params)
            self.assertIn("errors", response.json())

    def test_it_answers_a_topic_with_its_questions_in_every_language(self):
        data = self.get("/topics/mobility", lang="es").json()
        self.assertEqual(data["state"], "open")
        self.assertEqual(data["space"], "review")
        self.assertEqual(data["titles"]["fr"], "Mobilité de main-d'œuvre")
        self.assertEqual(data["objectives"], [1])
        self.assertEqual(data["countries"][0]["iso3"], "MAR")
        self.assertEqual(data["moderators"], ["Mona Moderator"])
        self.assertEqual(data["comment_count"], 2)  # published ones: the first and its reply
        first, second = data["questions"]
        self.assertEqual(first["text"], "¿Qué funciona?")
        self.assertEqual(
            first["texts"],
            {"en": "What works?", "fr": "Qu'est-ce qui marche ?", "es": "¿Qué funciona?"}
            | {code: "" for code in first["texts"] if code not in ("en", "fr", "es")},
        )
        self.assertEqual(second["text"], "What is missing?")  # falls back to the language it was written in
        self.assertEqual(second["source_language"], "en")
        self.assertTrue(data["feed"].endswith("/feeds/discussions/mobility.atom"))
        self.assertTrue(data["comments"].endswith("/api/v1/topics/mobility/comments"))

    def test_restricted_and_draft_topics_are_404_to_others(self):
        for user in self.outsiders_of_restricted():
            self.assertEqual(self.get("/topics/guidance", user).status_code, 404, user)
        for user in self.readers_of_restricted():
            data = self.get("/topics/guidance", user).json()
            self.assertTrue(data["restricted"])
            self.assertIsNone(data["feed"])
        for user in (None, self.alice, self.fatima, self.moderator):
            self.assertEqual(self.get("/topics/draft", user).status_code, 404, user)
        for user in (self.manager, self.sam):
            self.assertEqual(self.get("/topics/draft", user).json()["state"], "draft")
        self.assertEqual(self.get("/topics/nowhere").status_code, 404)

    def test_the_query_count_does_not_grow(self):
        for n in range(6):
            topic = make_topic(self.review, slug=f"more-{n}")
            topic.objectives.add(self.obj2)
            topic.countries.add(self.senegal)
        for user in (None, self.fatima):
            self.get("/topics", user)
            # page, objectives, countries, count (+ token, roles, memberships)
            with self.assertNumQueries(7 if user else 4):
                self.assertEqual(self.get("/topics", user, limit=8).status_code, 200)


class CommentsListTests(DiscussionsApiTestCase):
    def test_it_lists_published_comments_and_placeholders(self):
        data = self.get("/topics/mobility/comments").json()
        by_id = {c["id"]: c for c in data["items"]}
        self.assertEqual(data["count"], 4)
        self.assertEqual(set(by_id), {self.first.pk, self.reply.pk, self.deleted.pk, self.hidden.pk})
        reply = by_id[self.reply.pk]
        self.assertEqual((reply["parent"], reply["thread"], reply["depth"]), (self.first.pk, self.first.pk, 1))
        self.assertEqual(reply["author"], "Alice Stakeholder")
        self.assertEqual(reply["language"], "en")
        self.assertFalse(reply["edited"])
        self.assertFalse(reply["network_reply"])
        for placeholder in (by_id[self.deleted.pk], by_id[self.hidden.pk]):
            self.assertEqual(placeholder["body"], "")
        self.assertEqual(by_id[self.hidden.pk]["status"], "hidden")
        self.assertNotIn("email", json.dumps(data).replace("example.org", ""))
        self.assertNotIn("@example.org", json.dumps(data))

    def test_it_pages_within_bounds(self):
        data = self.get("/topics/mobility/comments", limit=1, offset=1).json()
        self.assertEqual((data["count"], [c["id"] for c in data["items"]]), (4, [self.reply.pk]))
        for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}, {"offset": 1_000_001}, {"thread": "x"}):
            self.assertEqual(self.get("/topics/mobility/comments", **params).status_code, 400, params)
        self.assertEqual(self.get("/topics/mobility/comments", limit=100).status_code, 200)

    def test_it_filters_one_thread(self):
        data = self.get("/topics/mobility/comments", thread=self.first.pk).json()
        self.assertEqual([c["id"] for c in data["items"]], [self.first.pk, self.reply.pk])

    def test_restricted_comments_are_404_to_others(self):
        for user in self.outsiders_of_restricted():
            self.assertEqual(self.get("/topics/guidance/comments", user).status_code, 404, user)
        for user in self.readers_of_restricted():
            data = self.get("/topics/guidance/comments", user).json()
            self.assertEqual([c["body"] for c in data["items"]], ["Our draft plan in confidence."])

    def test_one_comment_with_its_etag(self):
        response = self.get(f"/comments/{self.first.pk}")
        self.assertEqual(response["ETag"], f'"{self.first.version}"')
        self.assertEqual(response.json()["body"], "Bilateral agreements need monitoring.")
        # A comment awaiting moderation: its author and the moderators only.
        for user in (None, self.fatima, self.ines):
            self.assertEqual(self.get(f"/comments/{self.pending.pk}", user).status_code, 404, user)
        for user in (self.alice, self.moderator, self.manager, self.sam):
            self.assertEqual(self.get(f"/comments/{self.pending.pk}", user).json()["status"], "pending", user)
        for user in self.outsiders_of_restricted():
            self.assertEqual(self.get(f"/comments/{self.secret.pk}", user).status_code, 404, user)

    def test_the_query_count_does_not_grow(self):
        for n in range(10):
            make_comment(self.mobility, make_user(), f"Comment {n} on labour mobility.")
        for user in (None, self.alice):
            self.get("/topics/mobility/comments", user)
            # topic, count, page, attachments (+ the token for a signed-in reader of a public topic)
            with self.assertNumQueries(5 if user else 4):
                self.assertEqual(self.get("/topics/mobility/comments", user, limit=12).status_code, 200)


class PostCommentTests(DiscussionsApiTestCase):
    def post(self, user, body, topic="mobility"):
        return self.send("post", f"/topics/{topic}/comments", body, user)

    def test_it_needs_a_token(self):
        self.assertEqual(self.post(None, {"body": "Hello there", "language": "en"}).status_code, 401)
        self.login(self.alice)  # a session cookie is no token
        self.assertEqual(self.post(None, {"body": "Hello there", "language": "en"}).status_code, 401)

    def test_every_role_comments_on_an_open_public_topic(self):
        for user in (self.alice, self.fatima, self.ines, self.moderator, self.manager, self.sam):
            response = self.post(user, {"body": f"A view from {user.full_name}.", "language": "fr"})
            self.assertEqual(response.status_code, 201, (user, response.content))
            data = response.json()
            self.assertEqual(data["language"], "fr")
            self.assertEqual(data["author"], user.full_name)

    def test_a_new_account_waits_for_moderation(self):
        response = self.post(self.oscar, {"body": "My first words here.", "language": "en"})
        self.assertEqual(response.status_code, 201)
        data = response.json()
        self.assertEqual(data["status"], "pending")
        self.assertIn("awaits moderation", data["detail"])
        self.assertNotIn(data["id"], [c["id"] for c in self.get("/topics/mobility/comments").json()["items"]])

    def test_a_trusted_author_is_published_at_once_unless_the_topic_is_pre_moderated(self):
        for n in range(3):
            make_comment(self.past, self.oscar, f"Earlier comment {n}.")
        data = self.post(self.oscar, {"body": "Published at once.", "language": "en"}).json()
        self.assertEqual((data["status"], data["detail"]), ("published", "Your comment is published."))
        Topic.objects.filter(pk=self.mobility.pk).update(moderation=Topic.Moderation.PRE)
        self.assertEqual(self.post(self.oscar, {"body": "Held now.", "language": "en"}).json()["status"], "pending")

    def test_it_replies_and_answers_questions(self):
        question = self.mobility.questions.get(order=0)
        data = self.post(self.ines, {"body": "An answer.", "language": "en", "question": question.pk}).json()
        self.assertEqual(data["question"], question.pk)
        reply = self.post(self.ines, {"body": "A reply.", "language": "es", "parent": self.reply.pk}).json()
        self.assertEqual((reply["parent"], reply["thread"], reply["depth"]), (self.reply.pk, self.first.pk, 2))

    def test_restricted_topics_take_comments_from_their_readers_only(self):
        for user in (self.alice, self.ines, self.moderator, self.manager):
            self.assertEqual(self.post(user, {"body": "Let me in.", "language": "en"}, "guidance").status_code, 404)
        self.assertEqual(self.post(self.fatima, {"body": "Our view.", "language": "en"}, "guidance").status_code, 201)

    def test_muted_and_suspended_users_and_unverified_addresses_are_refused(self):
        do_restrict(self.alice, self.manager, space=self.review, reason=Reason.ABUSE)
        do_restrict(self.ines, self.sam, space=None, reason=Reason.SPAM)
        type(self.oscar).objects.filter(pk=self.oscar.pk).update(email_verified=False)
        for user, message in (
            (self.alice, "You are muted in this space: you may not comment here."),
            (self.ines, "Your account is suspended: you may not comment."),
            (self.oscar, "Confirm your e-mail address to comment: follow the link we sent you."),
        ):
            response = self.post(user, {"body": "Still here.", "language": "en"})
            self.assertEqual(response.status_code, 403, user)
            self.assertEqual(response.json(), {"detail": message})
        # Muted in one space only.
        self.assertEqual(self.post(self.alice, {"body": "Elsewhere.", "language": "en"}, "guidance").status_code, 404)
        self.assertEqual(Comment.objects.filter(body__in=["Still here.", "Elsewhere."]).count(), 0)

    def test_closed_and_upcoming_topics_are_400(self):
        for topic, message in (("past", "closed for comments"), ("soon", "not open for comments yet")):
            response = self.post(self.alice, {"body": "Too late or early.", "language": "en"}, topic)
            self.assertEqual(response.status_code, 400)
            self.assertIn(message, response.json()["errors"]["__all__"][0])

    def test_bad_input_gets_the_pages_messages(self):
        cases = [
            ({"body": "   ", "language": "en"}, "body", "Write something before posting."),
            ({"body": "https://example.org www.example.org", "language": "en"}, "body", "only links"),
            ({"body": "x" * (COMMENT_MAX_CHARS + 1), "language": "en"}, "body", "at most 10,000 characters"),
            ({"body": "Hello", "language": "xx"}, "language", "valid choice"),
            ({"body": "Hello"}, "language", "required"),
            ({"body": "Hello", "language": "en", "question": 10**6}, "question", "valid choice"),
            ({"body": "Hello", "language": "en", "parent": self.secret.pk}, "parent", "no longer shown"),
            ({"body": "Hello", "language": "en", "parent": self.pending.pk}, "parent", "no longer shown"),
            ({"body": "Hello", "language": "en", "parent": 10**6}, "parent", "no longer shown"),
            ({"body": "Hello", "language": "en", "quote_of": self.secret.pk}, "quote_of", "not shown"),
            ({"body": "Hello", "language": "en", "extra": 1}, "extra", "not allowed"),
            ({"body": 12, "language": "en"}, "body", "Enter a text."),
        ]
        for body, field, message in cases:
            response = self.post(self.fatima, body)
            self.assertEqual(response.status_code, 400, (body, response.content))
            self.assertIn(message, " ".join(response.json()["errors"][field]), body)
        self.assertEqual(self.post(self.fatima, "not json").status_code, 400)
        self.assertEqual(Comment.objects.filter(author=self.fatima).count(), 2)

    @override_settings(THROTTLE_RATES={"comment": {"account": "2/10m"}})
    def test_it_is_rate_limited_as_the_pages_are(self):
        for n in range(2):
            self.assertEqual(self.post(self.fatima, {"body": f"Comment {n}.", "language": "en"}).status_code, 201)
        response = self.post(self.fatima, {"body": "One too many.", "language": "en"})
        self.assertEqual(response.status_code, 429)
        self.assertIn("please wait 10 minutes", response.json()["detail"])
        self.assertTrue(response["Retry-After"].isdigit())


class EditCommentTests(DiscussionsApiTestCase):
    def patch(self, user, body, comment=None, if_match=None):
        comment = comment or self.reply
        headers = {"If-Match": if_match if if_match is not None else comment.etag}
        return self.send("patch", f"/comments/{comment.pk}", body, user, **headers)

    def test_the_author_edits_and_the_history_keeps_the_earlier_text(self):
        response = self.patch(self.alice, {"body": "Agreed, with the unions and employers."})
        self.assertEqual(response.status_code, 200, response.content)
        data = response.json()
        self.assertEqual(data["body"], "Agreed, with the unions and employers.")
        self.assertTrue(data["edited"])
        self.assertEqual(response["ETag"], f'"{self.reply.version + 1}"')
        self.assertEqual(CommentRevision.objects.get(comment=self.reply).body, "Agreed, with the unions.")

    def test_a_stale_edit_is_412_and_without_if_match_428(self):
        Comment.objects.filter(pk=self.reply.pk).update(version=self.reply.version + 1, body="Changed elsewhere.")
        response = self.patch(self.alice, {"body": "My wording."})
        self.assertEqual(response.status_code, 412)
        data = response.json()
        self.assertEqual(data["current"]["body"], "Changed elsewhere.")
        self.assertEqual(data["etag"], f'"{self.reply.version + 1}"')
        response = self.send("patch", f"/comments/{self.reply.pk}", {"body": "My wording."}, self.alice)
        self.assertEqual(response.status_code, 428)
        self.assertEqual(Comment.objects.get(pk=self.reply.pk).body, "Changed elsewhere.")
        self.assertEqual(self.patch(self.alice, {"body": "Over it."}, if_match="*").status_code, 200)

    def test_no_one_else_edits(self):
        for user in (self.fatima, self.ines, self.moderator, self.manager, self.sam):
            self.assertEqual(self.patch(user, {"body": "Not mine."}).status_code, 403, user)
        self.assertEqual(self.patch(None, {"body": "Not mine."}).status_code, 401)
        self.assertEqual(Comment.objects.get(pk=self.reply.pk).body, "Agreed, with the unions.")

    def test_bad_text_is_400_and_a_closed_topic_403(self):
        response = self.patch(self.alice, {"body": "https://example.org"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("only links", response.json()["errors"]["body"][0])
        Topic.objects.filter(pk=self.mobility.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=1))
        self.assertEqual(self.patch(self.alice, {"body": "Too late."}).status_code, 403)

    def test_a_restricted_topics_comment_is_edited_by_its_author_and_404_to_outsiders(self):
        self.assertEqual(self.patch(self.fatima, {"body": "x"}, comment=self.secret).status_code, 200)
        self.assertEqual(self.patch(self.alice, {"body": "x"}, comment=self.secret).status_code, 404)


class DeleteCommentTests(DiscussionsApiTestCase):
    def delete(self, user, comment=None):
        comment = comment or self.reply
        return self.send("delete", f"/comments/{comment.pk}", "", user)

    def test_the_author_deletes_and_the_thread_keeps_its_place(self):
        self.assertEqual(self.delete(self.alice).status_code, 204)
        self.reply.refresh_from_db()
        self.assertEqual((self.reply.status, self.reply.body), ("deleted", ""))
        items = {c["id"]: c for c in self.get("/topics/mobility/comments").json()["items"]}
        self.assertEqual((items[self.reply.pk]["status"], items[self.reply.pk]["body"]), ("deleted", ""))
        self.assertEqual(self.delete(self.alice).status_code, 403)  # once

    def test_no_one_else_deletes(self):
        for user in (self.fatima, self.ines, self.moderator, self.manager, self.sam):
            self.assertEqual(self.delete(user).status_code, 403, user)
        self.assertEqual(self.delete(None).status_code, 401)
        self.assertEqual(Comment.objects.get(pk=self.reply.pk).status, "published")


class FlagCommentTests(DiscussionsApiTestCase):
    def flag(self, user, body, comment=None):
        comment = comment or self.first
        return self.send("post", f"/comments/{comment.pk}/flag", body, user)

    def test_every_other_reader_flags_once(self):
        for user in (self.alice, self.ines, self.moderator, self.manager, self.sam):
            response = self.flag(user, {"reason": "off_topic", "note": "Not about mobility."})
            self.assertEqual(response.status_code, 201, user)
            self.assertEqual(response.json()["reason_label"], "Off topic")
        response = self.flag(self.alice, {"reason": "spam"})
        self.assertEqual(response.status_code, 409)
        self.assertIn("You flagged this comment already (Off topic)", response.json()["detail"])
        self.assertEqual(Flag.objects.filter(comment=self.first).count(), 5)

    def test_the_author_anonymous_and_bad_reasons_are_refused(self):
        self.assertEqual(self.flag(self.fatima, {"reason": "spam"}).status_code, 403)
        self.assertEqual(self.flag(None, {"reason": "spam"}).status_code, 401)
        self.assertEqual(self.flag(self.alice, {"reason": "boring"}).status_code, 400)
        self.assertEqual(self.flag(self.alice, {"reason": "spam"}, comment=self.secret).status_code, 404)
        self.assertEqual(self.flag(self.alice, {"reason": "spam"}, comment=self.deleted).status_code, 403)
        self.assertFalse(Flag.objects.exists())


class CommentFeedTests(DiscussionsApiTestCase):
    def entries(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        root = ET.fromstring(response.content)  # noqa: S314
        return [
            entry.findtext(f"{ATOM}content") or entry.findtext(f"{ATOM}summary") for entry in root.iter(f"{ATOM}entry")
        ]

    def test_it_gives_the_published_comments_of_public_topics(self):
        bodies = self.entries("/feeds/discussions.atom")
        self.assertIn("Bilateral agreements need monitoring.", bodies)
        self.assertIn("Agreed, with the unions.", bodies)
        for hidden in ("Waiting for a moderator.", "Something abusive.", "Our draft plan in confidence."):
            self.assertNotIn(hidden, bodies)
        self.assertEqual(len(self.entries("/feeds/discussions/mobility.atom?lang=fr")), 2)

    def test_a_restricted_topic_has_no_feed(self):
        self.assertEqual(self.client.get("/feeds/discussions/guidance.atom").status_code, 404)
        self.assertEqual(self.client.get("/feeds/discussions/members-only.atom").status_code, 404)
        self.assertEqual(self.client.get("/feeds/discussions/draft.atom").status_code, 404)

    def test_the_topic_page_links_its_feed(self):
        page = self.client.get("/en/discussions/review/mobility/")
        self.assertContains(page, 'rel="alternate" type="application/atom+xml"')
        self.assertContains(page, "/feeds/discussions/mobility.atom?lang=en")
        self.login(self.fatima)
        self.assertNotContains(self.client.get("/en/discussions/champions/guidance/"), "/feeds/discussions/")


class KeptAnswersTests(DiscussionsApiTestCase):
    def test_an_anonymous_readers_kept_answer_follows_new_comments_and_topics(self):
        self.assertEqual(self.get("/topics/mobility/comments").json()["count"], 4)
        self.assertEqual(len(self.get("/topics").json()["items"]), 3)
        make_comment(self.mobility, self.ines, "A new comment.")
        make_topic(self.review, slug="newer")
        self.assertEqual(self.get("/topics/mobility/comments").json()["count"], 5)
        self.assertEqual(len(self.get("/topics").json()["items"]), 4)

    def test_the_index_lists_the_discussions(self):
        names = {r["name"] for r in self.get("/").json()["resources"]}
        self.assertLessEqual({"spaces", "topics"}, names)
