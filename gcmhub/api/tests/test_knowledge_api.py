import datetime
import json

from django.utils import timezone

from gcmhub.api.tests.base import API, ApiTestCase
from gcmhub.knowledge.models import Practice, PracticeEvent, Resource
from gcmhub.taxonomy.models import GuidingPrinciple
from gcmhub.test import make_call, make_practice, make_resource, make_thematic_area

UNAUTHENTICATED = {"detail": "Authentication credentials were not provided or are invalid."}


class KnowledgeApiTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.area = make_thematic_area(2)
        cls.principle = GuidingPrinciple.objects.create(
            code="a", order=1, name_en="People-centred", name_fr="Dimension humaine", name_es="Centrada"
        )
        cls.r1 = make_resource(
            title_en="Return guide",
            title_fr="Guide des retours",
            slug="return-guide",
            objectives=[cls.obj1],
            publishers=[cls.iom],
            countries=[cls.morocco],
            kind="guidance",
            languages=["en", "fr"],
        )
        cls.r2 = make_resource(
            title_en="Data report",
            slug="data-report",
            objectives=[cls.obj2],
            publishers=[cls.undp],
            kind="data",
            publication_date=datetime.date(2022, 1, 1),
        )
        cls.proposal = make_resource(title_en="Proposed", slug="proposed", status="proposed", proposed_by=cls.ines)
        cls.published = make_practice(
            cls.alice,
            title="One-stop shop",
            slug="one-stop-shop",
            status="published",
            objectives=[cls.obj1],
            countries=[cls.morocco],
        )
        cls.draft = make_practice(cls.alice, title="Alice draft", slug="alice-draft")
        cls.call = make_call(slug="call-2026", objectives=[cls.obj1])

    def send(self, method, path, body=None, token=None, if_match=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if if_match is not None:
            headers["If-Match"] = if_match
        data = body if isinstance(body, str) else json.dumps(body or {})
        response = self.client.generic(
            method.upper(), f"{API}{path}", data, content_type="application/json", headers=headers
        )
        self.assertTrue(response["Content-Type"].startswith("application/json"), response.content)
        return response


class ResourceReadTestCase(KnowledgeApiTestCase):
    def test_it_lists_published_resources_in_pinned_queries(self):
        with self.assertNumQueries(8):
            data = self.get_json("/resources").json()
        self.assertEqual(data["count"], 2)
        self.assertEqual([r["slug"] for r in data["items"]], ["data-report", "return-guide"])
        guide = data["items"][1]
        self.assertEqual(guide["publishers"][0]["slug"], "iom")
        self.assertEqual(guide["countries"], [{"iso2": "MA", "iso3": "MAR", "name": "Morocco"}])
        self.assertEqual(guide["objectives"], [1])
        self.assertEqual(guide["url"], "http://testserver/en/hub/resources/return-guide/")

    def test_it_filters_resources(self):
        cases = {
            "objective=1": ["return-guide"],
            "country=MA": ["return-guide"],
            "country=mar": ["return-guide"],
            "type=data": ["data-report"],
            "publisher=PNUD": ["data-report"],
            "language=fr": ["return-guide"],
        }
        for query, slugs in cases.items():
            with self.subTest(query=query):
                data = self.get_json(f"/resources?{query}").json()
                self.assertEqual([r["slug"] for r in data["items"]], slugs)

    def test_it_answers_400_for_bad_filters(self):
        response = self.get_json("/resources?type=poem&publisher=Nobody")
        self.assertEqual(response.status_code, 400)
        self.assertIn("type", response.json()["errors"])
        response = self.get_json("/resources?publisher=Nobody")
        self.assertEqual(response.json()["errors"], {"publisher": ["No organisation is known by this name."]})

    def test_it_shows_a_resource_in_the_requested_language(self):
        data = self.get_json("/resources/return-guide?lang=fr").json()
        self.assertEqual(data["title"], "Guide des retours")
        self.assertEqual(data["titles"]["en"], "Return guide")

    def test_it_hides_proposals_except_from_their_proposer(self):
        self.assertEqual(self.get_json("/resources/proposed").status_code, 404)
        headers = {"Authorization": f"Bearer {self.token_for(self.ines)}"}
        self.assertEqual(self.get_json("/resources/proposed", headers=headers).status_code, 200)
        headers = {"Authorization": f"Bearer {self.token_for(self.oscar)}"}
        self.assertEqual(self.get_json("/resources/proposed", headers=headers).status_code, 404)


class PracticeReadTestCase(KnowledgeApiTestCase):
    def test_it_lists_published_practices_in_pinned_queries(self):
        with self.assertNumQueries(8):
            data = self.get_json("/practices").json()
        self.assertEqual([p["slug"] for p in data["items"]], ["one-stop-shop"])
        self.assertEqual(data["items"][0]["countries"][0]["iso3"], "MAR")
        self.assertEqual(self.get_json("/practices?objective=2").json()["count"], 0)
        self.assertEqual(self.get_json("/practices?country=MAR&language=en").json()["count"], 1)

    def test_it_shows_drafts_to_their_owner_only(self):
        self.assertEqual(self.get_json("/practices/alice-draft").status_code, 404)
        token = self.token_for(self.alice)
        headers = {"Authorization": f"Bearer {token}"}
        self.assertEqual(self.get_json("/practices/alice-draft", headers=headers).json()["status"], "draft")
        mine = self.get_json("/practices?mine=true", headers=headers).json()
        self.assertEqual({p["slug"] for p in mine["items"]}, {"alice-draft", "one-stop-shop"})
        headers = {"Authorization": f"Bearer {self.token_for(self.fatima)}"}
        self.assertEqual(self.get_json("/practices/alice-draft", headers=headers).status_code, 404)

    def test_it_needs_a_token_for_mine(self):
        self.assertEqual(self.get_json("/practices?mine=true").status_code, 401)


class CallReadTestCase(KnowledgeApiTestCase):
    def test_it_lists_and_shows_calls(self):
        make_call(
            slug="old",
            deadline=timezone.now() - datetime.timedelta(days=1),
            opens_at=timezone.now() - datetime.timedelta(days=60),
        )
        with self.assertNumQueries(3):
            data = self.get_json("/calls").json()
        self.assertEqual(data["count"], 2)
        self.assertEqual([c["slug"] for c in self.get_json("/calls?open=true").json()["items"]], ["call-2026"])
        self.assertEqual([c["slug"] for c in self.get_json("/calls?open=false").json()["items"]], ["old"])
        data = self.get_json("/calls/call-2026").json()
        self.assertEqual((data["objectives"], data["is_open"]), ([1], True))
        self.assertEqual(self.get_json("/calls/nope").status_code, 404)


class ProposeResourceTestCase(KnowledgeApiTestCase):
    body = {
        "kind": "guidance",
        "source_language": "fr",
        "title_fr": "Boîte à outils",
        "summary_fr": "Des outils.",
        "external_url": "https://example.org/tools",
        "publishers": ["OIM"],
        "countries": ["MA"],
        "objectives": [1, 2],
        "principles": ["a"],
        "thematic_area": 2,
        "languages": ["fr"],
    }

    def test_it_answers_401_without_a_token(self):
        response = self.send("post", "/resources", self.body)
        self.assertEqual((response.status_code, response.json()), (401, UNAUTHENTICATED))

    def test_it_answers_403_to_users_who_cannot_propose(self):
        for user in (self.alice, self.fatima, self.rita):
            with self.subTest(user=user.email):
                response = self.send("post", "/resources", self.body, token=self.token_for(user))
                self.assertEqual(response.status_code, 403)
        self.assertFalse(Resource.objects.filter(title_fr="Boîte à outils").exists())

    def test_it_lets_focal_points_and_the_hub_team_propose(self):
        for user in (self.ines, self.sam):
            with self.subTest(user=user.email):
                body = {**self.body, "title_fr": f"Boîte de {user.full_name}"}
                response = self.send("post", "/resources", body, token=self.token_for(user))
                self.assertEqual(response.status_code, 201, response.content)
                data = response.json()
                self.assertEqual((data["status"], data["objectives"], data["principles"]), ("proposed", [1, 2], ["a"]))
                resource = Resource.objects.get(slug=data["slug"])
                self.assertEqual((resource.proposed_by, resource.publishers.get()), (user, self.iom))

    def test_it_takes_the_texts_in_every_language_of_the_settings(self):
        body = {**self.body, "source_language": "ar", "title_ar": "مجموعة أدوات", "summary_ar": "أدوات."}
        response = self.send("post", "/resources", body, token=self.token_for(self.sam))
        self.assertEqual(response.status_code, 201, response.content)
        resource = Resource.objects.get(slug=response.json()["slug"])
        self.assertEqual(
            (resource.source_language, resource.title_ar, resource.title_fr), ("ar", "مجموعة أدوات", "Boîte à outils")
        )
        missing = self.send("post", "/resources", {**body, "title_ar": ""}, token=self.token_for(self.sam))
        self.assertEqual(set(missing.json()["errors"]), {"title_ar"})  # the source language's title is needed

    def test_it_answers_400_per_field(self):
        body = {**self.body, "countries": ["ZZ"], "objectives": [99], "title_fr": "", "colour": "red"}
        response = self.send("post", "/resources", body, token=self.token_for(self.ines))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()["errors"]), {"colour"})
        del body["colour"]
        response = self.send("post", "/resources", body, token=self.token_for(self.ines))
        self.assertEqual(set(response.json()["errors"]), {"countries", "objectives"})
        body = {**self.body, "title_fr": "", "external_url": ""}
        response = self.send("post", "/resources", body, token=self.token_for(self.ines))
        self.assertEqual(set(response.json()["errors"]), {"title_fr", "external_url"})

    def test_it_answers_405_to_a_wrong_method(self):
        response = self.send("put", "/resources", self.body, token=self.token_for(self.ines))
        self.assertEqual(response.status_code, 405)


class PracticeWriteTestCase(KnowledgeApiTestCase):
    body = {
        "language": "en",
        "title": "Job centre",
        "summary": "Jobs for migrants.",
        "geographic_scope": "national",
        "countries": ["MAR"],
        "implementing_organisation": "IOM",
        "start_date": "2020-01-01",
        "completion": "completed",
        "objectives": [1],
        "description": "What.",
        "results": "Results.",
        "links": ["https://example.org"],
    }

    def test_it_answers_401_without_a_token(self):
        self.assertEqual(self.send("post", "/practices", self.body).status_code, 401)
        self.assertEqual(self.send("patch", "/practices/alice-draft", {"title": "x"}).status_code, 401)
        self.assertEqual(self.send("post", "/practices/alice-draft/submit").status_code, 401)

    def test_it_lets_any_registered_user_create_a_draft(self):
        for user in (self.alice, self.fatima, self.ines, self.rita, self.sam):
            with self.subTest(user=user.email):
                response = self.send("post", "/practices", self.body, token=self.token_for(user))
                self.assertEqual(response.status_code, 201, response.content)
                data = response.json()
                self.assertEqual((data["status"], data["implementing_organisation"]["slug"]), ("draft", "iom"))
                practice = Practice.objects.get(slug=data["slug"])
                self.assertEqual(practice.submitter, user)
                self.assertEqual(practice.events.get().action, PracticeEvent.Action.CREATED)

    def test_it_lets_the_owner_edit_only_the_fields_sent(self):
        token = self.token_for(self.alice)
        etag = self.client.get(f"{API}/practices/alice-draft", headers={"Authorization": f"Bearer {token}"})["ETag"]
        body = {"title": "Renamed", "objectives": [2]}
        response = self.send("patch", "/practices/alice-draft", body, token=token, if_match=etag)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response["ETag"], f'"{self.draft.version + 1}"')
        self.draft.refresh_from_db()
        self.assertEqual((self.draft.title, self.draft.summary), ("Renamed", "A short summary of the practice."))
        self.assertEqual(list(self.draft.objectives.values_list("number", flat=True)), [2])

    def test_it_forbids_editing_another_users_practice(self):
        response = self.send("patch", "/practices/alice-draft", {"title": "Mine"}, token=self.token_for(self.fatima))
        self.assertEqual(response.status_code, 404)  # not visible to them at all
        response = self.send("patch", "/practices/one-stop-shop", {"title": "Mine"}, token=self.token_for(self.fatima))
        self.assertEqual(response.status_code, 403)
        response = self.send("patch", "/practices/one-stop-shop", {"title": "Mine"}, token=self.token_for(self.alice))
        self.assertEqual(response.status_code, 403)  # published: not editable
        self.assertEqual(Practice.objects.get(pk=self.published.pk).title, "One-stop shop")

    def test_it_submits_a_complete_draft(self):
        self.draft.countries.set([self.morocco])
        self.draft.objectives.set([self.obj1])
        response = self.send("post", "/practices/alice-draft/submit", token=self.token_for(self.alice))
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["status"], "submitted")

    def test_it_lists_what_is_missing_to_submit(self):
        token = self.token_for(self.alice)
        response = self.send("post", "/practices", {"title": "Bare"}, token=token)
        slug = response.json()["slug"]
        response = self.send("post", f"/practices/{slug}/submit", token=token)
        self.assertEqual(response.status_code, 400)
        self.assertLessEqual({"summary", "description", "objectives"}, set(response.json()["errors"]))
        self.assertEqual(Practice.objects.get(slug=slug).status, "draft")

    def test_it_answers_400_per_field(self):
        body = {**self.body, "countries": ["XX"], "focal_point_email": "not-an-email", "start_date": "soon"}
        response = self.send("post", "/practices", body, token=self.token_for(self.alice))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()["errors"]), {"start_date"})
        del body["start_date"]
        response = self.send("post", "/practices", body, token=self.token_for(self.alice))
        self.assertEqual(set(response.json()["errors"]), {"countries"})
        body["countries"] = []
        response = self.send("post", "/practices", body, token=self.token_for(self.alice))
        self.assertEqual(set(response.json()["errors"]), {"focal_point_email"})

    def test_it_answers_404_and_405(self):
        token = self.token_for(self.alice)
        self.assertEqual(self.send("patch", "/practices/nope", {"title": "x"}, token=token).status_code, 404)
        self.assertEqual(self.send("get", "/practices/alice-draft/submit", token=token).status_code, 405)
        self.assertEqual(self.send("delete", "/practices/alice-draft", token=token).status_code, 405)
