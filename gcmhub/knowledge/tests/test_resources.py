import datetime

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gcmhub.knowledge import forms_resources
from gcmhub.knowledge.models import Resource, ResourceEvent, ResourceFile
from gcmhub.taxonomy.models import GuidingPrinciple
from gcmhub.test import BaseTestCase, make_activity, make_objective, make_resource, make_thematic_area

PROPOSE_URL = reverse("knowledge:resource_propose")
PROPOSALS_URL = reverse("knowledge:resource_proposals")


def proposal_data(**overrides):
    data = {
        "kind": "guidance",
        "source_language": "fr",
        "title_fr": "Guide sur les migrations de travail",
        "summary_fr": "Un guide pratique.",
        "external_url": "https://example.org/guide",
        "geographic_scope": "global",
        "languages": ["fr", "en"],
        "audiences": ["governments"],
    }
    data.update(overrides)
    return data


class ResourceProposeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(5)

    def test_it_sends_anonymous_users_to_login(self):
        response = self.client.get(PROPOSE_URL)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        response = self.client.post(PROPOSE_URL, proposal_data())
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Resource.objects.exists())

    def test_it_refuses_users_who_are_not_network_focal_points(self):
        for user in (self.alice, self.fatima, self.rita):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(PROPOSE_URL).status_code, 403)
                self.assertEqual(self.client.post(PROPOSE_URL, proposal_data()).status_code, 403)
        self.assertFalse(Resource.objects.exists())

    def test_it_lets_a_network_focal_point_propose_a_resource(self):
        self.login(self.ines)
        self.assertContains(self.client.get(PROPOSE_URL), "<legend>")
        data = proposal_data(
            objectives=[self.objective.pk],
            publishers=[self.iom.pk],
            countries=[self.morocco.pk],
            file_fr=SimpleUploadedFile("guide.pdf", b"%PDF-1.4 hello", "application/pdf"),
        )
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(PROPOSE_URL, data)
        resource = Resource.objects.get()
        self.assertRedirects(response, resource.get_absolute_url())
        self.assertEqual(resource.status, Resource.Status.PROPOSED)
        self.assertEqual(resource.proposed_by, self.ines)
        self.assertEqual(resource.title, "Guide sur les migrations de travail")
        self.assertEqual(resource.languages, ["fr", "en"])
        self.assertEqual(list(resource.objectives.all()), [self.objective])
        self.assertEqual(list(resource.publishers.all()), [self.iom])
        file = resource.files.get()
        self.assertEqual((file.language, file.size), ("fr", 14))
        event = ResourceEvent.objects.get(resource=resource)
        self.assertEqual((event.actor, event.to_status), (self.ines, "proposed"))
        self.assertEqual([m.to for m in mail.outbox], [[self.sam.email]])
        self.assertIn("Guide sur les migrations de travail", mail.outbox[0].subject)

    def test_it_lets_the_hub_team_propose_too(self):
        self.login(self.sam)
        response = self.client.post(PROPOSE_URL, proposal_data())
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Resource.objects.get().proposed_by, self.sam)

    def test_it_requires_title_and_summary_in_the_source_language_and_keeps_input(self):
        self.login(self.ines)
        response = self.client.post(PROPOSE_URL, proposal_data(source_language="es", title_en="Kept title"))
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Give the title in Spanish", status_code=400)
        self.assertContains(response, "Give the summary in Spanish", status_code=400)
        self.assertContains(response, 'value="Kept title"', status_code=400)
        self.assertContains(response, "Un guide pratique.", status_code=400)
        self.assertContains(response, 'class="error-summary"', status_code=400)
        self.assertFalse(Resource.objects.exists())

    def test_it_requires_a_file_or_a_link(self):
        self.login(self.ines)
        response = self.client.post(PROPOSE_URL, proposal_data(external_url=""))
        self.assertContains(response, "Give a link to the resource or upload a file.", status_code=400)

    def test_it_refuses_files_over_25_mb(self):
        self.login(self.ines)
        big = SimpleUploadedFile("big.pdf", b"x" * 10, "application/pdf")
        big.size = forms_resources.MAX_FILE_SIZE + 1
        form = forms_resources.ResourceProposalForm(proposal_data(external_url=""), {"file_en": big})
        self.assertFalse(form.is_valid())
        self.assertIn("25 MB at most", str(form.errors["file_en"]))

    def test_it_refuses_other_methods(self):
        self.login(self.ines)
        self.assertEqual(self.client.put(PROPOSE_URL).status_code, 405)


class ResourceDecisionTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.proposal = make_resource(status=Resource.Status.PROPOSED, proposed_by=cls.ines, title_en="A toolkit")

    def decide_url(self, resource=None):
        return reverse("knowledge:resource_decide", args=[(resource or self.proposal).slug])

    def test_it_shows_waiting_proposals_to_the_hub_team_only(self):
        self.assertEqual(self.client.get(PROPOSALS_URL).status_code, 302)
        for user in (self.alice, self.fatima, self.ines, self.rita):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(PROPOSALS_URL).status_code, 403)
        self.login(self.sam)
        make_resource(status=Resource.Status.PROPOSED, proposed_by=self.oscar)
        with self.assertNumQueries(6):  # session, user, roles, proposals, files, publishers
            response = self.client.get(PROPOSALS_URL)
        self.assertContains(response, "A toolkit")
        self.assertContains(response, f'name="r{self.proposal.pk}-decision"')

    def test_it_refuses_decisions_from_everyone_but_the_hub_team(self):
        response = self.client.post(self.decide_url(), {f"r{self.proposal.pk}-decision": "publish"})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        for user in (self.alice, self.fatima, self.ines, self.rita):
            with self.subTest(user=user.email):
                self.login(user)
                response = self.client.post(self.decide_url(), {f"r{self.proposal.pk}-decision": "publish"})
                self.assertEqual(response.status_code, 403)
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.status, Resource.Status.PROPOSED)

    def test_it_publishes_a_proposal_and_tells_the_proposer(self):
        self.login(self.sam)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.decide_url(),
                {
                    f"r{self.proposal.pk}-decision": "publish",
                    f"r{self.proposal.pk}-note": "Thanks",
                    f"r{self.proposal.pk}-version": self.proposal.version,
                },
            )
        self.assertRedirects(response, PROPOSALS_URL)
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.status, Resource.Status.PUBLISHED)
        self.assertIsNotNone(self.proposal.published_at)
        event = self.proposal.events.get()
        self.assertEqual(
            (event.actor, event.from_status, event.to_status, event.note), (self.sam, "proposed", "published", "Thanks")
        )
        self.assertEqual(mail.outbox[0].to, [self.ines.email])
        self.assertIn("published", mail.outbox[0].subject)

    def test_it_declines_with_a_note(self):
        self.login(self.sam)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                self.decide_url(),
                {
                    f"r{self.proposal.pk}-decision": "decline",
                    f"r{self.proposal.pk}-note": "Out of scope",
                    f"r{self.proposal.pk}-version": self.proposal.version,
                },
            )
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.status, Resource.Status.DECLINED)
        self.assertIn("Out of scope", mail.outbox[0].body)

    def test_it_requires_a_note_to_decline_and_keeps_input(self):
        self.login(self.sam)
        response = self.client.post(
            self.decide_url(), {f"r{self.proposal.pk}-decision": "decline", f"r{self.proposal.pk}-version": 1}
        )
        self.assertContains(response, "Say why the resource is declined.", status_code=400)
        self.assertContains(
            response, f'value="decline" id="id_r{self.proposal.pk}-decision_1" required checked', status_code=400
        )
        self.proposal.refresh_from_db()
        self.assertEqual(self.proposal.status, Resource.Status.PROPOSED)

    def test_it_explains_a_resource_that_is_not_waiting_and_keeps_the_note(self):
        self.login(self.sam)
        published = make_resource()
        data = {
            f"r{published.pk}-decision": "decline",
            f"r{published.pk}-note": "Too late",
            f"r{published.pk}-version": 1,
        }
        response = self.client.post(self.decide_url(published), data)
        self.assertContains(response, "Someone else decided on", status_code=409)
        self.assertContains(response, "Too late", status_code=409)
        self.assertEqual(Resource.objects.get(pk=published.pk).status, Resource.Status.PUBLISHED)
        response = self.client.post(reverse("knowledge:resource_decide", args=["nope"]), data)
        self.assertEqual(response.status_code, 404)

    def test_it_refuses_get_on_decide(self):
        self.login(self.sam)
        self.assertEqual(self.client.get(self.decide_url()).status_code, 405)


class ResourceDetailTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(7)
        cls.principle = GuidingPrinciple.objects.create(
            code="c", order=3, name_en="Rule of law", name_fr="État de droit", name_es="Estado de derecho"
        )
        cls.area = make_thematic_area(2)
        cls.activity = make_activity()
        cls.resource = make_resource(
            objectives=[cls.objective],
            publishers=[cls.iom],
            countries=[cls.morocco],
            title_en="Labour mobility toolkit",
            title_fr="Boîte à outils",
            summary_en="English summary",
            kind=Resource.Kind.GUIDANCE,
            thematic_area=cls.area,
            audiences=["governments"],
            languages=["en", "fr", "ar"],
            output_of_activity=cls.activity,
            publication_date=datetime.date(2022, 3, 4),
            geographic_scope="national",
        )
        cls.resource.principles.set([cls.principle])
        ResourceFile.objects.create(
            resource=cls.resource, language="fr", file=SimpleUploadedFile("outil.pdf", b"x" * 2048)
        )

    def test_it_shows_a_published_resource_to_everyone(self):
        # the resource, its lists (files, publishers, countries, regions, objectives, principles) and
        # the discussions it summarises or whose tool it is
        with self.assertNumQueries(8):
            response = self.client.get(self.resource.get_absolute_url())
        self.assertContains(response, "Labour mobility toolkit")
        self.assertContains(response, "Guidance or tool")
        self.assertContains(response, self.iom.get_absolute_url())
        self.assertContains(response, self.objective.get_absolute_url())
        self.assertContains(response, self.principle.get_absolute_url())
        self.assertContains(response, self.area.get_absolute_url())
        self.assertContains(response, self.activity.get_absolute_url())
        self.assertContains(response, "2.0\xa0KB")
        self.assertContains(response, "Arabic")
        self.assertContains(response, "Governments")
        self.assertContains(response, 'hreflang="fr">French</a>')
        self.assertNotContains(response, 'id="feedback"')

    def test_it_falls_back_to_the_source_language_with_a_lang_attribute(self):
        response = self.client.get("/es" + self.resource.get_absolute_url()[3:])
        self.assertContains(response, '<h1 lang="en" dir="ltr">Labour mobility toolkit</h1>')
        self.assertContains(response, '<p class="shown-in">')  # "Shown in English — no Spanish translation yet."
        response = self.client.get("/fr" + self.resource.get_absolute_url()[3:])
        self.assertContains(response, '<h1 lang="fr" dir="ltr">Boîte à outils</h1>')
        self.assertContains(response, '<p class="shown-in">', count=1)  # the summary only: no French one

    def test_it_shows_general_when_no_objective(self):
        resource = make_resource()
        self.assertContains(self.client.get(resource.get_absolute_url()), "General")

    def test_it_hides_a_proposal_from_others_than_its_proposer_and_the_hub_team(self):
        proposal = make_resource(status=Resource.Status.PROPOSED, proposed_by=self.ines)
        url = proposal.get_absolute_url()
        self.assertEqual(self.client.get(url).status_code, 404)
        for user in (self.alice, self.fatima, self.oscar, self.rita):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(url).status_code, 404)
        for user in (self.ines, self.sam):
            self.login(user)
            self.assertContains(self.client.get(url), "Not public")

    def test_it_404s_for_an_unknown_resource(self):
        self.assertEqual(self.client.get(reverse("knowledge:resource", args=["nope"])).status_code, 404)


class CountryPickerTests(BaseTestCase):
    def test_it_offers_listed_countries_in_the_readers_order_and_keeps_an_unlisted_one_already_named(self):
        from django.utils import translation

        from gcmhub.test import make_country

        taiwan = make_country("TW", "TWN", name_en="Taiwan", name_fr="Taïwan", name_es="Taiwán", listed=False)
        make_country("DE", "DEU", name_en="Germany", name_fr="Allemagne", name_es="Alemania")
        with translation.override("fr"):
            offered = list(forms_resources.ResourceProposalForm().fields["countries"].queryset)
        self.assertNotIn(taiwan, offered)
        self.assertEqual([c.name_fr for c in offered][:2], ["Allemagne", "Maroc"])
        resource = make_resource()
        resource.countries.add(taiwan)
        kept = forms_resources.ResourceProposalForm(instance=resource).fields["countries"].queryset
        self.assertIn(taiwan, list(kept))
