"""The discussions' demo content (issue 11 §7): loads, links what it should, and loads again
without duplicating."""

from django.test import TestCase
from django.utils import timezone

from gcmhub.accounts.actions import do_create_user, do_grant_role
from gcmhub.consultations.demo import CIVIL_SOCIETY, DISCUSSION_ACCOUNTS, load_discussions_demo
from gcmhub.consultations.models import Appeal, Comment, Space, Topic, Visibility
from gcmhub.knowledge.demo import load_knowledge_demo
from gcmhub.taxonomy.models import Country, Organisation
from gcmhub.taxonomy.reference import load_reference_data

ACCOUNTS = [
    ("secretariat@demo.gcmhub.org", "secretariat", None),
    ("iom@demo.gcmhub.org", "network_focal_point", "IOM"),
    ("ohchr@demo.gcmhub.org", "network_focal_point", "OHCHR"),
    ("morocco@demo.gcmhub.org", "member_state_focal_point", "MAR"),
    ("stakeholder@demo.gcmhub.org", None, None),
    *((email, kind, scope) for email, _name, _lang, kind, scope in DISCUSSION_ACCOUNTS),
]


def snapshot() -> dict:
    return {model.__name__: model.objects.count() for model in (Space, Topic, Comment, Appeal)}


class DiscussionsDemoTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_reference_data()
        for email, kind, scope in ACCOUNTS:
            user = do_create_user(email=email, password="x-demo-password", full_name=email, verified=True)
            if kind == "network_focal_point":
                do_grant_role(
                    user=user, kind=kind, granted_by=None, organisation=Organisation.objects.resolving(scope).get()
                )
            elif kind == "member_state_focal_point":
                do_grant_role(user=user, kind=kind, granted_by=None, country=Country.objects.get(iso3=scope))
            elif kind:
                do_grant_role(user=user, kind=kind, granted_by=None)
        load_knowledge_demo()
        cls.counts = load_discussions_demo()

    def test_it_loads_the_spaces_topics_and_threads(self):
        self.assertEqual(Space.objects.get(slug="champion-countries").visibility, Visibility.RESTRICTED)
        guidance = Topic.objects.get(slug="draft-guidance-nip")
        self.assertEqual(guidance.questions.count(), 3)
        for question in guidance.questions.all():
            self.assertTrue(question.text_en and question.text_fr and question.text_es)
        self.assertEqual(guidance.state(), "closed")
        self.assertEqual(guidance.summary_report.summarised_topics.get(), guidance)
        self.assertEqual(set(Comment.objects.values_list("language", flat=True)), {"en", "fr", "es"})
        self.assertTrue(Comment.objects.filter(network_reply=True).exists())
        self.assertTrue(Comment.objects.filter(depth=2).exists())
        self.assertTrue(Comment.objects.filter(status=Comment.Status.PENDING).exists())
        self.assertIsNotNone(Topic.objects.get(slug="bilateral-labour-agreements-guidance").tool)
        appeal = Appeal.objects.get()
        self.assertEqual(appeal.appellant.email, CIVIL_SOCIETY)
        self.assertEqual(appeal.action.comment.status, Comment.Status.HIDDEN)
        self.assertEqual(appeal.outcome, "")

    def test_it_loads_again_without_duplicating(self):
        before = snapshot()
        load_discussions_demo()
        self.assertEqual(snapshot(), before)

    def test_the_pages_show_it(self):
        self.assertContains(self.client.get("/fr/discussions/africa-regional-review/"), "Mobilité de main-d")
        response = self.client.get("/es/discussions/africa-regional-review/labour-mobility-africa/")
        self.assertContains(response, 'lang="es"')
        self.assertNotContains(response, "+212 600 000 000")  # the hidden comment's text
        self.assertEqual(self.client.get("/en/discussions/champion-countries/").status_code, 404)

    def test_it_loads_the_events(self):
        from gcmhub.consultations.models import Event, Registration

        series = Event.objects.filter(series__slug="imrf-listening-sessions")
        now = timezone.now()
        self.assertEqual(series.filter(ends_at__lte=now).count(), 2)
        for held in series.filter(ends_at__lte=now):
            self.assertTrue(held.recording_url and held.summary_report)
        full = Event.objects.with_seats().get(slug="listening-session-migrant-organisations")
        self.assertEqual(full.seats_left(), 0)
        self.assertEqual(full.waitlist_count, 2)
        self.assertEqual(set(Event.objects.values_list("kind", flat=True)), set(Event.Kind.values) - {"webinar"})
        before = Registration.objects.count()
        load_discussions_demo()
        self.assertEqual(Registration.objects.count(), before)
        response = self.client.get("/fr/events/listening-session-migrant-organisations/")
        self.assertContains(response, "listening-session-migrant-organisations/register/")
        self.assertContains(self.client.get("/en/events/?when=past"), "Recording available")
