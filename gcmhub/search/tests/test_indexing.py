from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.utils import timezone

from gcmhub.knowledge.models import Practice, Resource
from gcmhub.search import get_backend
from gcmhub.search.engine import SearchQuery
from gcmhub.search.models import IndexChange
from gcmhub.search.tests.helpers import HubTestCase
from gcmhub.test import make_activity, make_practice, make_resource


class IndexChangeTests(HubTestCase):
    def ids(self, text="", **filters):
        result = get_backend().search(SearchQuery(text=text, filters=filters, limit=100))
        return {hit.id for hit in result.hits}

    def test_it_indexes_a_published_resource_once_committed(self):
        with self.captureOnCommitCallbacks(execute=True):
            resource = make_resource(title_es="Remesas digitales", source_language="es", title_en="")
            self.assertEqual(IndexChange.objects.filter(doc_id=f"resource:{resource.pk}").count(), 1)
            self.assertNotIn(f"resource:{resource.pk}", self.ids("remesa"))
        self.assertEqual(self.ids("remesa"), {f"resource:{resource.pk}"})
        self.assertFalse(IndexChange.objects.exists())

    def test_it_follows_many_to_many_changes(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.general_en.countries.add(self.mexico)
        self.assertIn(f"resource:{self.general_en.pk}", self.ids(country=["MX"]))
        with self.captureOnCommitCallbacks(execute=True):
            self.mexico.resources.remove(self.general_en)  # from the other side
        self.assertNotIn(f"resource:{self.general_en.pk}", self.ids(country=["MX"]))
        with self.captureOnCommitCallbacks(execute=True):
            self.activity.priority.objectives.add(self.o7)
        self.assertEqual(
            self.ids(objective=["7"]),
            {f"resource:{self.migrantes_es.pk}", f"activity:{self.activity.pk}"},
        )

    def test_it_removes_items_archived_or_deleted(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.detention_fr.status = Resource.Status.ARCHIVED
            self.detention_fr.save(update_fields=["status"])
            self.activity.delete()
        # The objective's page is called "Detention".
        self.assertEqual(self.ids("detention"), {f"practice:{self.practice.pk}", f"objective:{self.o13.pk}"})

    def test_it_publishes_and_withdraws_practices(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.draft.status, self.draft.published_at = Practice.Status.PUBLISHED, timezone.now()
            self.draft.save(update_fields=["status", "published_at"])
        self.assertIn(f"practice:{self.draft.pk}", self.ids("detention"))
        with self.captureOnCommitCallbacks(execute=True):
            self.draft.status = Practice.Status.WITHDRAWN
            self.draft.save(update_fields=["status"])
        self.assertNotIn(f"practice:{self.draft.pk}", self.ids("detention"))

    def test_it_logs_nothing_for_drafts_never_published(self):
        with self.captureOnCommitCallbacks(execute=False) as callbacks:
            make_practice(self.alice, title="Another draft")
        self.assertFalse(IndexChange.objects.exists())
        self.assertEqual(callbacks, [])

    def test_it_enqueues_one_task_per_transaction(self):
        with mock.patch("gcmhub.search.indexing.apply_index_changes") as task:
            with self.captureOnCommitCallbacks(execute=True):
                make_activity(priority=self.activity.priority, leads=[self.iom])
                self.activity.text_en = "Renamed"
                self.activity.save(update_fields=["text_en"])
        self.assertEqual(task.enqueue.call_count, 1)
        self.assertEqual(IndexChange.objects.count(), 3)

    def test_it_follows_a_renamed_tag_into_the_items_tagged_with_it(self):
        self.assertNotIn(f"resource:{self.detention_fr.pk}", self.ids("Maghreb"))
        with self.captureOnCommitCallbacks(execute=True):
            self.morocco.other_names = "Maghreb al-Aqsa"
            self.morocco.save(update_fields=["other_names"])
        self.assertIn(f"resource:{self.detention_fr.pk}", self.ids("Maghreb"))
        self.assertIn(f"country:{self.morocco.pk}", self.ids("Maghreb"))
        with self.captureOnCommitCallbacks(execute=True):
            self.iom.aliases.create(alias="Agence des migrations")
        self.assertIn(f"resource:{self.detention_fr.pk}", self.ids("agence"))

    def test_it_keeps_the_changes_when_the_index_is_busy(self):
        with mock.patch.object(type(get_backend()), "index", side_effect=ValueError("Failed to acquire Lockfile")):
            with self.captureOnCommitCallbacks(execute=True):
                make_resource(title_en="Busy index")
        self.assertEqual(IndexChange.objects.count(), 1)
        self.assertEqual(self.ids("busy"), set())
        from gcmhub.search.indexing import apply_index_changes

        apply_index_changes.call()
        self.assertEqual(len(self.ids("busy")), 1)
        self.assertFalse(IndexChange.objects.exists())


class RebuildCommandTests(HubTestCase):
    def test_it_rebuilds_the_index_from_the_database(self):
        get_backend().index([])
        make_resource(title_en="Not yet indexed")  # logged, never applied (no commit in a test)
        out = StringIO()
        call_command("search_rebuild", stdout=out)
        self.assertRegex(
            out.getvalue(),
            r"Indexed 14 documents \(4 resource, 1 practice, 1 activity, 0 call, 0 topic, 0 comment, 3 organisation, 2 country, "
            r"2 objective, 1 principle\) in [\d.]+ s\.",
        )
        self.assertEqual(get_backend().search(SearchQuery(text="indexed")).total, 1)
        self.assertFalse(IndexChange.objects.exists())
