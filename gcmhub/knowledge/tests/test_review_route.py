"""A practice imported as published says "Reviewed on the previous platform", never "Peer reviewed";
one published through gcmhub's own review keeps "Peer reviewed". Decided by the practice's events."""

import importlib

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from gcmhub.knowledge import review
from gcmhub.knowledge.actions.submissions import do_start_practice_update
from gcmhub.knowledge.importer import check_import_file, do_import_knowledge
from gcmhub.knowledge.models import Practice, PracticeEvent
from gcmhub.knowledge.tests.test_import import ImportDataMixin, to_csv
from gcmhub.knowledge.tests.test_review_actions import ReviewActionTestCase
from gcmhub.search.indexing import rebuild
from gcmhub.search.tests.helpers import SearchTestCase
from gcmhub.test import BaseTestCase

PEER, PREVIOUS = "Peer reviewed", "Reviewed on the previous platform"


class ImportedPractice(ImportDataMixin):
    def import_practice(self, **overrides) -> Practice:
        report = check_import_file(to_csv([self.practice_row(**overrides)]), "legacy.csv")
        do_import_knowledge(report, user=self.sam, filename="legacy.csv")
        return Practice.objects.get(title=overrides.get("title", "Ventanilla única"))


class ImportedPracticeMarkTest(ImportedPractice, ReviewActionTestCase):
    def test_it_records_how_an_imported_practice_got_its_status(self):
        practice = self.import_practice()
        self.assertEqual(
            list(practice.events.values_list("action", "to_status")), [(PracticeEvent.Action.IMPORTED, "published")]
        )
        self.assertEqual((practice.review_route, practice.review_label), ("previous_platform", PREVIOUS))
        submitted = self.import_practice(title="En cola", status="submitted")
        self.assertEqual(list(submitted.events.values_list("action", flat=True)), [PracticeEvent.Action.SUBMITTED])
        self.assertEqual(submitted.review_route, "")

    def test_it_says_reviewed_on_the_previous_platform_on_the_practice_page(self):
        practice = self.import_practice()
        response = self.client.get(reverse("knowledge:practice", args=[practice.slug]))
        self.assertContains(response, PREVIOUS)
        self.assertNotContains(response, PEER)

    def test_it_keeps_peer_reviewed_for_a_practice_published_through_the_review(self):
        practice = self.make()
        for assignment in self.full_round(practice):
            self.submit(assignment)
        review.do_decide_practice(self.sam, self.refresh(practice), "publish", "Congratulations")
        self.assertEqual(self.refresh(practice).review_route, "peer_review")
        response = self.client.get(reverse("knowledge:practice", args=[practice.slug]))
        self.assertContains(response, PEER)
        self.assertNotContains(response, PREVIOUS)

    def test_an_imported_practice_updated_through_the_review_becomes_peer_reviewed(self):
        practice = self.import_practice(submitter=self.alice.email)
        update = do_start_practice_update(self.alice, practice)
        update.status = Practice.Status.IN_REVIEW
        update.save(update_fields=["status"])
        for assignment in self.full_round(update):
            self.submit(assignment)
        review.do_decide_practice(self.sam, self.refresh(update), "publish", "Thank you")
        self.assertEqual(Practice.objects.with_review_route().get(pk=practice.pk).review_route, "peer_review")

    def test_it_answers_the_route_in_the_api(self):
        imported = self.import_practice()
        peer = self.make(status=Practice.Status.PUBLISHED, title="Reviewed here")
        PracticeEvent.objects.create(practice=peer, action=PracticeEvent.Action.PUBLISHED, to_status="published")
        items = {item["slug"]: item for item in self.client.get("/api/v1/practices").json()["items"]}
        self.assertEqual(
            (items[imported.slug]["review"], items[imported.slug]["review_label"]), ("previous_platform", PREVIOUS)
        )
        self.assertEqual((items[peer.slug]["review"], items[peer.slug]["review_label"]), ("peer_review", PEER))
        one = self.client.get(f"/api/v1/practices/{imported.slug}").json()
        self.assertEqual(one["review"], "previous_platform")
        with self.assertNumQueries(8):  # unchanged: the route is a subquery of the list's query
            self.client.get("/api/v1/practices")

    def test_it_says_which_in_french_and_spanish(self):
        practice = self.import_practice()
        for lang in ("fr", "es"):
            response = self.client.get(f"/{lang}/hub/practices/{practice.slug}/")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.context["practice"].review_route, "previous_platform")


class SearchMarkTest(ImportedPractice, SearchTestCase):
    def test_it_marks_search_results_by_how_they_were_reviewed(self):
        imported = self.import_practice(title="Ventanilla importada")
        peer = Practice.objects.create(
            submitter=self.alice, title="Ventanilla revisada", language="es", summary="Revisada.", status="published"
        )
        PracticeEvent.objects.create(practice=peer, action=PracticeEvent.Action.PUBLISHED, to_status="published")
        rebuild()
        response = self.client.get("/en/search/?kind=practice&q=ventanilla")
        labels = {item.url: item.review_label for item in response.context["items"]}
        self.assertEqual(labels[imported.get_absolute_url()], PREVIOUS)
        self.assertEqual(labels[peer.get_absolute_url()], PEER)
        self.assertContains(response, PREVIOUS)


class MigrationTest(BaseTestCase):
    def test_it_marks_practices_imported_before_the_route_existed(self):
        """What the importer wrote before: "published" straight from "submitted"."""
        migration = importlib.import_module("gcmhub.knowledge.migrations.0002_practice_event_imported")
        practice = Practice.objects.create(submitter=self.alice, title="Old import", language="en", status="published")
        old = PracticeEvent.objects.create(
            practice=practice, action="published", from_status="submitted", to_status="published"
        )
        reviewed = PracticeEvent.objects.create(
            practice=practice, action="published", from_status="reviewed", to_status="published"
        )
        apps = MigrationExecutor(connection).loader.project_state(("knowledge", "0002_practice_event_imported")).apps
        migration.mark_imported(apps, None)
        old.refresh_from_db()
        reviewed.refresh_from_db()
        self.assertEqual((old.action, reviewed.action), ("imported", "published"))
