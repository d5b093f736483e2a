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


class EventsCmsTests(BaseTestCase):
    """Events and series edited by the Secretariat in the CMS (issue 11 §3): speakers inline; seats
    added go to the people waiting; the notices and the export log read-only."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sam.groups.add(sync_secretariat_group())

    def event_data(self, **overrides):
        data = {
            "kind": "listening_session",
            "series": "",
            "slug": "africa",
            "source_language": "en",
            **translated("title", en="Listening session in Africa", fr="Session d'écoute en Afrique"),
            **translated("description"),
            **translated("agenda"),
            **translated("audience"),
            "time_zone": "Africa/Nairobi",
            "starts_at": "2030-03-05 10:00",
            "ends_at": "2030-03-05 12:00",
            "published_at": "2030-01-05 10:00",
            "format": "online",
            "place": "",
            "online_link": "https://meet.example.org/africa",
            "interpretation_languages": ["en", "fr"],
            "registration_open": "on",
            "capacity": "1",
            "registration_closes_at": "",
            "required_questions": ["organisation"],
            "reminder_hours": "24",
            "recording_url": "",
            "summary_report": "",
            **overrides,
        }
        data.update(nested_form_data({"speakers": inline_formset([{"order": 0, "name": "Amina Diallo", "role": ""}])}))
        return data

    def test_it_opens_the_event_screens_to_the_secretariat_only(self):
        from gcmhub.consultations.models import Event, EventNotice, EventSeries, RegistrationExport

        self.login(self.sam)
        for model in (Event, EventSeries, EventNotice, RegistrationExport):
            self.assertEqual(self.client.get(admin_url(model, "list")).status_code, 200, model.__name__)
        self.assertEqual(self.client.get(admin_url(Event, "add")).status_code, 200)
        self.assertEqual(self.client.get(admin_url(EventNotice, "add")).status_code, 302)
        for user in (self.alice, self.fatima, self.ines):
            self.login(user)
            self.assertEqual(self.client.get(admin_url(Event, "list")).status_code, 302)

    def test_it_creates_an_event_with_a_speaker_and_gives_added_seats_to_the_waitlist(self):
        from gcmhub.consultations import actions_events
        from gcmhub.consultations.models import Event, Registration

        self.login(self.sam)
        response = self.client.post(admin_url(Event, "add"), self.event_data())
        self.assertEqual(response.status_code, 302, response.content[:3000])
        event = Event.objects.get(slug="africa")
        self.assertEqual(event.interpretation_languages, ["en", "fr"])
        self.assertEqual(event.required_questions, ["organisation"])
        self.assertEqual([s.name for s in event.speakers.all()], ["Amina Diallo"])
        Event.objects.filter(pk=event.pk).update(published_at="2020-01-01T00:00:00Z")
        event.refresh_from_db()
        for user in (self.alice, self.fatima):
            actions_events.do_register(event, user, actions_events.Answers(organisation="Caritas"))
        self.assertEqual(Registration.objects.get(user=self.fatima).status, Registration.Status.WAITLISTED)
        data = self.event_data(capacity="2", published_at="2020-01-01 00:00")
        data["version"] = str(event.version)
        response = self.client.post(admin_url(Event, "edit", event.pk), data)
        self.assertEqual(response.status_code, 302, response.content[:3000])
        self.assertEqual(Registration.objects.get(user=self.fatima).status, Registration.Status.CONFIRMED)

    def test_a_place_is_required_in_person(self):
        from gcmhub.consultations.models import Event

        self.login(self.sam)
        response = self.client.post(admin_url(Event, "add"), self.event_data(format="in_person"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Event.objects.exists())
