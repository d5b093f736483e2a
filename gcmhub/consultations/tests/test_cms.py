"""Spaces and topics edited by the Secretariat in the CMS (issue 11 §1): managers and members of a
space inline, a topic's questions in several languages inline, moderators chosen; the moderation
log and appeals read-only there."""

from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from gcmhub.accounts.groups import sync_secretariat_group
from gcmhub.consultations.models import Appeal, Membership, ModerationAction, Question, Space, Topic
from gcmhub.lib.i18n import LANGUAGE_CODES
from gcmhub.test import BaseTestCase, make_space, make_user


def admin_url(model, view, *args):
    return reverse(f"wagtailsnippets_consultations_{model._meta.model_name}:{view}", args=args)


def translated(name, **texts):
    return {f"{name}_{code}": texts.get(code, "") for code in LANGUAGE_CODES}


class DiscussionsCmsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sam.groups.add(sync_secretariat_group())
        cls.moderator = make_user("moderator@example.org")

    def test_it_opens_the_discussion_screens_to_the_secretariat_only(self):
        self.login(self.sam)
        for model in (Space, Topic, ModerationAction, Appeal):
            self.assertEqual(self.client.get(admin_url(model, "list")).status_code, 200, model.__name__)
        self.assertEqual(self.client.get(admin_url(Topic, "add")).status_code, 200)
        self.assertEqual(self.client.get(admin_url(ModerationAction, "add")).status_code, 302)
        for user in (self.alice, self.fatima, self.ines):
            self.login(user)
            self.assertEqual(self.client.get(admin_url(Topic, "list")).status_code, 302)

    def test_it_creates_a_space_with_its_manager(self):
        self.login(self.sam)
        data = {
            "slug": "champions",
            "source_language": "en",
            "visibility": "restricted",
            **translated("title", en="Champion countries", fr="Pays champions"),
            **translated("description"),
            "archived_at": "",
        }
        data.update(nested_form_data({"memberships": inline_formset([{"user": self.fatima.pk, "role": "manager"}])}))
        response = self.client.post(admin_url(Space, "add"), data)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        space = Space.objects.get(slug="champions")
        self.assertEqual(Membership.objects.get(space=space).role, Membership.Role.MANAGER)

    def test_it_creates_a_topic_with_questions_in_three_languages_and_moderators(self):
        space = make_space()
        self.login(self.sam)
        data = {
            "space": space.pk,
            "slug": "draft-guidance",
            "source_language": "en",
            **translated("title", en="Draft guidance"),
            **translated("introduction", en="Read the draft."),
            **translated("audience"),
            "languages": ["en", "fr", "es"],
            "time_zone": "America/New_York",
            "opens_at": "2021-02-26 09:00",
            "closes_at": "2021-04-16 18:00",
            "published_at": "2021-02-25 09:00",
            "visibility": "public",
            "moderation": "pre",
            "moderators": [self.moderator.pk],
            "resources": [],
            "tool": "",
            "summary_report": "",
            "objectives": [],
            "principles": [],
            "countries": [],
            "thematic_areas": [],
        }
        question = {"order": 1, "source_language": "en", **translated("text", en="Does it help?", fr="Est-ce utile ?")}
        data.update(nested_form_data({"questions": inline_formset([question]), "attachments": inline_formset([])}))
        response = self.client.post(admin_url(Topic, "add"), data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        topic = Topic.objects.get(slug="draft-guidance")
        self.assertEqual(list(topic.moderators.all()), [self.moderator])
        self.assertEqual(topic.languages, ["en", "fr", "es"])
        self.assertEqual(Question.objects.get(topic=topic).text_fr, "Est-ce utile ?")
        # A reserved address is refused.
        data["slug"] = "members"
        response = self.client.post(admin_url(Topic, "add"), data)
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Topic.objects.filter(slug="members").exists())
