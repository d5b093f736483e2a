import datetime

from django.test import SimpleTestCase
from django.utils import translation

from gcmhub.workplan.calendar import Quarter, coverage, describe_periods, period_label, quarters_between

D = datetime.date


class QuarterTests(SimpleTestCase):
    def test_it_finds_the_quarter_of_a_day(self):
        self.assertEqual(Quarter.of(D(2021, 5, 17)), Quarter(2021, 2))
        self.assertEqual(Quarter.of(D(2021, 12, 31)), Quarter(2021, 4))

    def test_it_knows_its_bounds_and_successor(self):
        q = Quarter(2021, 4)
        self.assertEqual((q.start, q.end), (D(2021, 10, 1), D(2021, 12, 31)))
        self.assertEqual(q.next(), Quarter(2022, 1))
        self.assertEqual(Quarter(2021, 1).end, D(2021, 3, 31))
        self.assertEqual(q.key, "2021-Q4")
        self.assertEqual(q.label, "Q4 2021")

    def test_it_lists_the_quarters_of_a_plan(self):
        quarters = quarters_between(D(2021, 1, 1), D(2022, 12, 31))
        self.assertEqual(len(quarters), 8)
        self.assertEqual([q.label for q in quarters[:2]], ["Q1 2021", "Q2 2021"])
        self.assertEqual(quarters[-1], Quarter(2022, 4))
        self.assertEqual(quarters_between(D(2022, 1, 1), D(2021, 1, 1)), [])

    def test_it_orders_quarters(self):
        self.assertLess(Quarter(2021, 4), Quarter(2022, 1))
        self.assertEqual(sorted([Quarter(2022, 1), Quarter(2021, 3)]), [Quarter(2021, 3), Quarter(2022, 1)])


class PeriodLabelTests(SimpleTestCase):
    def test_it_names_a_quarter(self):
        self.assertEqual(period_label(D(2021, 4, 1), D(2021, 6, 30)), "Q2 2021")

    def test_it_names_a_run_of_quarters(self):
        self.assertEqual(period_label(D(2021, 1, 1), D(2021, 6, 30)), "Q1–Q2 2021")
        self.assertEqual(period_label(D(2021, 10, 1), D(2022, 3, 31)), "Q4 2021–Q1 2022")

    def test_it_names_a_whole_year_by_months(self):
        self.assertEqual(period_label(D(2021, 1, 1), D(2021, 12, 31)), "Jan.–Dec. 2021")

    def test_it_names_months(self):
        self.assertEqual(period_label(D(2021, 3, 1), D(2021, 3, 31)), "March 2021")
        self.assertEqual(period_label(D(2021, 3, 1), D(2021, 5, 31)), "March–May 2021")
        self.assertEqual(period_label(D(2021, 11, 1), D(2022, 2, 28)), "Nov. 2021–Feb. 2022")

    def test_it_gives_exact_dates_otherwise(self):
        self.assertEqual(period_label(D(2021, 3, 15), D(2021, 3, 15)), "15 March 2021")
        self.assertEqual(period_label(D(2021, 3, 15), D(2021, 4, 2)), "15 March 2021 – 2 April 2021")

    def test_it_uses_the_active_language_for_months(self):
        with translation.override("fr"):
            label = period_label(D(2021, 1, 1), D(2021, 12, 31))
        self.assertIn("2021", label)
        self.assertNotIn("Dec", label)

    def test_it_abbreviates_june_and_july_apart_in_french(self):
        with translation.override("fr"):
            self.assertEqual(period_label(D(2021, 6, 1), D(2021, 7, 31)), "juin–juil. 2021")

    def test_it_describes_periods_with_inferred_years_and_notes(self):
        class P:
            start, end, year_inferred, label = D(2021, 4, 1), D(2021, 6, 30), True, "expérimentation"

        [row] = describe_periods([P()])
        self.assertEqual(row["text"], "Q2 2021")
        self.assertTrue(row["inferred"])
        self.assertEqual(row["note"], "expérimentation")


class CoverageTests(SimpleTestCase):
    quarters = quarters_between(D(2021, 1, 1), D(2021, 12, 31))

    def test_it_marks_every_quarter_a_period_touches(self):
        covered = coverage([(D(2021, 2, 15), D(2021, 7, 1))], self.quarters)
        self.assertEqual(sorted(covered), [Quarter(2021, 1), Quarter(2021, 2), Quarter(2021, 3)])
        self.assertEqual(set(covered.values()), {"scheduled"})

    def test_it_tells_inferred_periods_apart(self):
        covered = coverage(
            [(D(2021, 1, 1), D(2021, 6, 30), True), (D(2021, 4, 1), D(2021, 4, 30), False)], self.quarters
        )
        self.assertEqual(covered, {Quarter(2021, 1): "inferred", Quarter(2021, 2): "scheduled"})

    def test_it_ignores_periods_outside_the_plan(self):
        self.assertEqual(coverage([(D(2023, 1, 1), D(2023, 3, 31))], self.quarters), {})
