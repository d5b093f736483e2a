import threading

from django import forms
from django.db import close_old_connections, connection, transaction
from django.test import TestCase, TransactionTestCase, skipUnlessDBFeature

from gcmhub.knowledge.models import Practice
from gcmhub.lib.concurrency import (
    StaleObject,
    VersionedFormMixin,
    claim,
    claim_instance,
    conflict_rows,
    if_match_version,
    parse_if_match,
)
from gcmhub.test import make_practice, make_user


class ClaimTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.practice = make_practice(make_user("owner@example.org"), title="Original")

    def test_it_bumps_the_version_when_it_is_the_one_expected(self):
        with transaction.atomic():
            fresh = claim(Practice, self.practice.pk, 1)
        self.assertEqual(fresh.version, 2)
        self.assertEqual(Practice.objects.get(pk=self.practice.pk).version, 2)

    def test_it_refuses_a_stale_version_and_writes_nothing(self):
        Practice.objects.filter(pk=self.practice.pk).update(version=5, title="Theirs")
        with self.assertRaises(StaleObject) as caught, transaction.atomic():
            claim(Practice, self.practice.pk, 4)
        self.assertEqual((caught.exception.current.title, caught.exception.current.version), ("Theirs", 5))
        self.assertEqual(Practice.objects.get(pk=self.practice.pk).version, 5)

    def test_it_bumps_without_a_check_when_no_version_is_expected(self):
        with transaction.atomic():
            claim_instance(self.practice, None)
        self.assertEqual(self.practice.version, 2)

    def test_of_two_saves_from_the_same_version_only_the_first_passes(self):
        with transaction.atomic():
            claim(Practice, self.practice.pk, 1)
        with self.assertRaises(StaleObject), transaction.atomic():
            claim(Practice, self.practice.pk, 1)

    def test_it_reports_a_deleted_row(self):
        pk = self.practice.pk
        Practice.objects.filter(pk=pk).delete()
        with self.assertRaises(StaleObject) as caught, transaction.atomic():
            claim(Practice, pk, 1)
        self.assertIsNone(caught.exception.current)

    def test_it_must_run_in_a_transaction(self):
        with self.assertRaises(RuntimeError):
            # TestCase wraps each test in atomic: leave it for this check.
            connection.in_atomic_block, saved = False, connection.in_atomic_block
            try:
                claim(Practice, self.practice.pk, 1)
            finally:
                connection.in_atomic_block = saved


class IfMatchTestCase(TestCase):
    def test_it_reads_entity_tags(self):
        self.assertIsNone(parse_if_match(None))
        self.assertEqual(parse_if_match("*"), ["*"])
        self.assertEqual(parse_if_match('"3"'), ["3"])
        self.assertEqual(parse_if_match('W/"3", "4"'), ["3", "4"])
        self.assertEqual(parse_if_match("3"), [])
        self.assertEqual(parse_if_match('"3" junk'), [])

    def test_it_names_a_version(self):
        self.assertEqual(if_match_version('"12"'), 12)
        self.assertIsNone(if_match_version(None))
        self.assertIs(if_match_version("*"), True)
        self.assertIs(if_match_version('"abc"'), False)
        self.assertIs(if_match_version('"' + "9" * 40 + '"'), False)  # no integer overflow


class PracticeTitleForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Practice
        fields = ["title", "summary", "start_date"]


class FormMixinTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.practice = make_practice(make_user("owner@example.org"), title="Original", summary="Same")

    def test_it_carries_the_version_of_its_instance(self):
        form = PracticeTitleForm(instance=self.practice)
        self.assertIn('name="version" value="1"', str(form["version"]))

    def test_a_missing_version_is_shown_as_a_conflict_not_a_field_error(self):
        form = PracticeTitleForm({"title": "Mine", "summary": "Same"}, instance=self.practice)
        self.assertFalse(form.is_valid())
        self.assertNotIn("version", form.errors)
        self.assertIsNotNone(form.conflict)

    def test_the_conflict_lists_the_fields_that_differ_and_moves_the_version(self):
        Practice.objects.filter(pk=self.practice.pk).update(title="Theirs", version=2)
        data = {"title": "Mine", "summary": "Same", "start_date": "2019-03-01", "version": "1"}
        form = PracticeTitleForm(data, instance=self.practice)
        self.assertTrue(form.is_valid())
        form.show_conflict(Practice.objects.get(pk=self.practice.pk))
        rows = [(row.label, row.saved, row.yours) for row in form.conflict.rows]
        self.assertEqual(rows, [("Title", "Theirs", "Mine")])
        self.assertEqual(form.data["version"], "2")
        self.assertEqual(form.data["title"], "Mine")  # what was typed stays
        self.assertTrue(form.non_field_errors())

    def test_conflict_rows_skip_equal_values(self):
        data = {"title": "Original", "summary": "Same", "start_date": "2019-03-01", "version": "1"}
        form = PracticeTitleForm(data, instance=self.practice)
        self.assertTrue(form.is_valid())
        self.assertEqual(conflict_rows(form, self.practice), [])


@skipUnlessDBFeature("has_select_for_update")
class SimultaneousClaimsTestCase(TransactionTestCase):
    """Two transactions that read the same version and claim it at the same moment: one wins.

    Runs where the database has row locks (PostgreSQL); SQLite's IMMEDIATE transactions serialise
    writers, which `ClaimTestCase.test_of_two_saves_from_the_same_version_only_the_first_passes` covers.
    """

    def test_only_one_of_two_simultaneous_saves_passes(self):
        practice = make_practice(make_user("owner@example.org"))
        barrier = threading.Barrier(2)
        outcomes = []

        def save(title):
            try:
                barrier.wait(timeout=10)
                with transaction.atomic():
                    fresh = claim(Practice, practice.pk, 1)
                    fresh.title = title
                    fresh.save(update_fields=["title"])
                outcomes.append(("saved", title))
            except StaleObject:
                outcomes.append(("stale", title))
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=save, args=(t,)) for t in ("A", "B")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(sorted(kind for kind, _title in outcomes), ["saved", "stale"])
        winner = next(title for kind, title in outcomes if kind == "saved")
        saved = Practice.objects.get(pk=practice.pk)
        self.assertEqual((saved.title, saved.version), (winner, 2))
