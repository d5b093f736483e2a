"""Discussion topics and their comments in the one search (issue 11 §1): what everyone may read
only, tagged as their topic is, kept current by the change log."""

import datetime

from django.utils import timezone

from gcmhub.consultations.models import Comment, Question, Space, Topic
from gcmhub.search import get_backend
from gcmhub.search.documents import build_documents
from gcmhub.search.engine import SearchQuery
from gcmhub.search.tests.helpers import SearchTestCase
from gcmhub.test import make_objective


class DiscussionSearchTests(SearchTestCase):
    def setUp(self):
        super().setUp()
        now = timezone.now()
        with self.captureOnCommitCallbacks(execute=True):
            self.o13 = make_objective(13, short_en="Detention", short_fr="Détention", short_es="Detención")
            self.space = Space.objects.create(slug="africa", source_language="en", title_en="Regional review, Africa")
            self.topic = Topic.objects.create(
                space=self.space,
                slug="alternatives",
                source_language="en",
                title_en="Alternatives to detention in the region",
                title_fr="Les alternatives à la rétention dans la région",
                introduction_en="Share what works.",
                opens_at=now - datetime.timedelta(days=1),
                published_at=now - datetime.timedelta(days=1),
            )
            self.topic.objectives.add(self.o13)
            Question.objects.create(
                topic=self.topic, source_language="fr", text_fr="Quels partenariats avec les municipalités ?"
            )
            self.comment = Comment.objects.create(
                topic=self.topic,
                author=self.fatima,
                language="es",
                body="Los albergues comunitarios funcionan mejor que la detención.",
                status=Comment.Status.PUBLISHED,
                published_at=now,
            )
            self.comment.thread = self.comment
            self.comment.save(update_fields=["thread"])
            self.pending = Comment.objects.create(
                topic=self.topic, author=self.alice, language="en", body="Community shelters: pending text."
            )

    def ids(self, text="", **filters):
        result = get_backend().search(SearchQuery(text=text, filters=filters, limit=100))
        return {hit.id for hit in result.hits}

    def test_topics_and_published_comments_are_found_with_their_topics_tags(self):
        self.assertIn(f"topic:{self.topic.pk}", self.ids("municipalités"))  # a question's words
        self.assertEqual(self.ids("albergues"), {f"comment:{self.comment.pk}"})
        self.assertNotIn(f"comment:{self.pending.pk}", self.ids("shelters"))  # pending: not yet
        self.assertEqual(
            self.ids(objective=["13"], kind=["topic", "comment"]),
            {f"topic:{self.topic.pk}", f"comment:{self.comment.pk}"},
        )
        [document], _removed = build_documents([f"comment:{self.comment.pk}"])
        self.assertEqual((document.language, document.title), ("es", "Alternatives to detention in the region"))
        self.assertIn("objective 13", document.tags)

    def test_a_restricted_space_keeps_its_discussions_out_of_the_index(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.space.visibility = "restricted"
            self.space.save()
        self.assertEqual(self.ids(kind=["topic", "comment"]), set())
        with self.captureOnCommitCallbacks(execute=True):
            self.space.visibility = "public"
            self.space.save()
            self.topic.visibility = "restricted"
            self.topic.save()
        self.assertEqual(self.ids(kind=["topic", "comment"]), set())

    def test_moderation_and_deletion_follow_in_the_index(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.pending.status, self.pending.published_at = Comment.Status.PUBLISHED, timezone.now()
            self.pending.save()
        self.assertIn(f"comment:{self.pending.pk}", self.ids("shelters"))
        with self.captureOnCommitCallbacks(execute=True):
            self.comment.status = Comment.Status.HIDDEN
            self.comment.save()
        self.assertNotIn(f"comment:{self.comment.pk}", self.ids("albergues"))
        with self.captureOnCommitCallbacks(execute=True):
            self.topic.title_en = "Community-based alternatives"
            self.topic.save()
        [hit] = get_backend().search(SearchQuery(text="pending", filters={"kind": ["comment"]})).hits
        self.assertIn("Community", hit.title_highlight)  # the comment carries its topic's new title
