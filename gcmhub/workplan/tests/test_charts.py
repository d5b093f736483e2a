import datetime

from django.test import SimpleTestCase

from gcmhub.lib import charts as layout
from gcmhub.taxonomy.models import Organisation, ThematicArea
from gcmhub.workplan import charts
from gcmhub.workplan.calendar import Quarter, quarters_between
from gcmhub.workplan.models import Activity, Priority, Status, WorkPlan

D = datetime.date
TODAY = D(2022, 2, 15)


def build():
    plan = WorkPlan(
        pk=1, slug="wp", title_en="Plan", source_language="en", period_start=D(2021, 1, 1), period_end=D(2022, 12, 31)
    )
    area = ThematicArea(pk=1, number=1, name_en="Data", name_fr="Données", name_es="Datos")
    p1 = Priority(
        pk=1,
        workplan=plan,
        kind=Priority.Kind.CORE,
        code="1.1",
        slug="c11",
        title_en="First",
        source_language="en",
        thematic_area=area,
    )
    p2 = Priority(
        pk=2, workplan=plan, kind=Priority.Kind.THEMATIC, code="2", slug="t2", title_en="Second", source_language="en"
    )
    p3 = Priority(
        pk=3, workplan=plan, kind=Priority.Kind.CORE, code="3", slug="c3", title_en="Empty", source_language="en"
    )

    def act(pk, priority, status, due=None, ongoing=False):
        return Activity(pk=pk, priority=priority, status=status, due_date=due, ongoing=ongoing, source_language="en")

    activities = [
        act(1, p1, Status.COMPLETED, D(2021, 6, 30)),
        act(2, p1, Status.ON_TRACK, D(2021, 12, 31)),  # overdue on TODAY
        act(3, p1, Status.ON_TRACK, D(2022, 3, 31)),
        act(4, p2, Status.DELAYED, D(2021, 12, 31), ongoing=True),  # ongoing: never overdue
        act(5, p2, Status.NOT_STARTED),
    ]
    return plan, [p1, p2, p3], activities


class StackedBarTests(SimpleTestCase):
    def test_it_counts_statuses_by_priority_and_drops_empty_ones(self):
        _plan, priorities, activities = build()
        chart = charts.status_by_priority(priorities, activities)
        self.assertEqual([r.label for r in chart.rows], ["Core priority 1.1", "Thematic priority 2"])
        first = chart.rows[0]
        self.assertEqual(first.counts, {Status.COMPLETED: 1, Status.ON_TRACK: 2})
        self.assertEqual(first.total, 3)
        self.assertEqual(first.url, "/en/workplan/wp/priorities/c11/")
        self.assertEqual(chart.grand_total, 5)
        self.assertIn("2 priorities", chart.summary)

    def test_it_scales_bars_to_the_largest_row(self):
        _plan, priorities, activities = build()
        chart = charts.status_by_priority(priorities, activities)
        first, second = chart.rows
        area = layout.WIDTH - layout.LABEL_WIDTH - layout.TOTAL_WIDTH
        self.assertAlmostEqual(sum(s.width for s in first.segments), area, delta=0.5)
        self.assertAlmostEqual(sum(s.width for s in second.segments), area * 2 / 3, delta=0.5)
        self.assertEqual(first.segments[0].x, layout.LABEL_WIDTH)
        self.assertEqual(first.segments[1].x, round(layout.LABEL_WIDTH + area / 3, 1))
        self.assertGreater(second.y, first.y)
        self.assertEqual(chart.height, 2 * layout.TOP + 2 * layout.ROW_HEIGHT)

    def test_it_gives_every_series_a_colour_and_a_pattern(self):
        series = charts.status_series("c")
        self.assertEqual(len({s.pattern for s in series}), len(series))
        self.assertEqual(len({s.color for s in series}), len(series))
        self.assertTrue(all(s.pattern_id.startswith("c-") for s in series))

    def test_it_fills_the_table_cells_in_series_order(self):
        _plan, priorities, activities = build()
        chart = charts.status_by_priority(priorities, activities)
        keys = [s.key for s in chart.series]
        self.assertEqual(chart.rows[0].cells[keys.index("completed")], 1)
        self.assertEqual(chart.rows[0].cells[keys.index("on_track")], 2)
        self.assertEqual(sum(chart.totals), 5)

    def test_it_groups_by_thematic_area_with_none_last(self):
        _plan, _priorities, activities = build()
        chart = charts.status_by_thematic_area(activities)
        self.assertEqual([r.total for r in chart.rows], [3, 2])
        self.assertEqual(chart.rows[0].full_label, "1. Data")
        self.assertEqual(chart.rows[1].label, "No thematic area")

    def test_it_keeps_the_busiest_leads_and_sums_the_others(self):
        _plan, _priorities, activities = build()
        orgs = [Organisation(pk=i, slug=f"o{i}", name_en=f"Org {i}", acronym_en=f"O{i}") for i in range(1, 4)]
        leads = {1: [orgs[0]], 2: [orgs[0], orgs[1]], 3: [orgs[0]], 4: [orgs[2]], 5: [orgs[1]]}
        chart = charts.status_by_lead(activities, top=1, leads_of=lambda a: leads[a.pk])
        self.assertEqual([r.label for r in chart.rows], ["O1", "Other organisations (2)"])
        self.assertEqual([r.total for r in chart.rows], [3, 3])
        self.assertTrue(chart.note)


class DeadlineChartTests(SimpleTestCase):
    def test_it_counts_due_and_overdue_activities_per_quarter(self):
        plan, _priorities, activities = build()
        chart = charts.deadlines_by_quarter(activities, quarters_between(plan.period_start, plan.period_end), TODAY)
        by_quarter = {c.quarter: c for c in chart.columns}
        self.assertEqual(len(chart.columns), 8)
        self.assertEqual((by_quarter[Quarter(2021, 4)].total, by_quarter[Quarter(2021, 4)].overdue), (2, 1))
        self.assertEqual((by_quarter[Quarter(2021, 2)].total, by_quarter[Quarter(2021, 2)].overdue), (1, 0))
        self.assertTrue(by_quarter[Quarter(2022, 1)].current)
        self.assertEqual((chart.total, chart.overdue), (4, 1))

    def test_it_stacks_overdue_at_the_foot_of_the_column(self):
        plan, _priorities, activities = build()
        chart = charts.deadlines_by_quarter(activities, quarters_between(plan.period_start, plan.period_end), TODAY)
        column = next(c for c in chart.columns if c.quarter == Quarter(2021, 4))
        (overdue, n1, y1, h1), (due, n2, y2, h2) = column.segments
        self.assertEqual((overdue.key, due.key, n1, n2), ("overdue", "due", 1, 1))
        self.assertAlmostEqual(y1 + h1, chart.baseline, delta=0.2)
        self.assertAlmostEqual(y2 + h2, y1, delta=0.2)
        self.assertAlmostEqual(h1 + h2, 200, delta=0.5)  # the tallest column fills the plot

    def test_it_extends_the_axis_to_due_dates_outside_the_plan(self):
        plan, _priorities, activities = build()
        activities[4].due_date = D(2023, 5, 1)
        chart = charts.deadlines_by_quarter(activities, quarters_between(plan.period_start, plan.period_end), TODAY)
        self.assertEqual(chart.columns[-1].quarter, Quarter(2023, 2))
        self.assertEqual(len(chart.columns), 10)


class SummaryTests(SimpleTestCase):
    def test_it_counts_statuses_overdue_and_open(self):
        _plan, _priorities, activities = build()
        summary = charts.status_summary(activities, TODAY)
        self.assertEqual(summary["total"], 5)
        self.assertEqual(summary["overdue"], 1)
        self.assertEqual(summary["open"], 4)
        self.assertEqual(dict(summary["by_status"])[Status.ON_TRACK], 2)


class StackedSvgTests(SimpleTestCase):
    def test_it_draws_one_rect_per_segment_with_escaped_labels(self):
        _plan, priorities, activities = build()
        priorities[0].code = "<b>1</b>"
        chart = charts.status_by_priority(priorities, activities)
        svg = str(chart.svg_bars)
        self.assertEqual(svg.count("<rect "), sum(len(r.segments) for r in chart.rows))
        self.assertIn("&lt;b&gt;1&lt;/b&gt;", svg)
        self.assertNotIn("<b>", svg)
        self.assertIn('fill="url(#chart-priority-completed)"', svg)
        self.assertIn("<title>Thematic priority 2 – Delayed: 1</title>", svg)

    def test_it_never_localizes_coordinates(self):
        from django.utils import translation

        _plan, priorities, activities = build()
        with translation.override("fr"):
            svg = str(charts.status_by_priority(priorities, activities).svg_bars)
        self.assertNotRegex(svg, r'(x|y|width)="\d+,\d')
