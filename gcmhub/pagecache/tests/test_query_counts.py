"""Query counts of the public pages outside the work plan, rendered for a signed-in user (never
from the page cache): fixed whatever the number of rows they show."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gcmhub.knowledge.models import Practice
from gcmhub.pagecache.tests.test_pagecache import url
from gcmhub.test import (
    BaseTestCase,
    make_activity,
    make_call,
    make_objective,
    make_practice,
    make_priority,
    make_resource,
    make_thematic_area,
    make_workplan,
)

# Page, its arguments, and the queries of one signed-in render (session, user and roles included;
# on pages with a follow button, what the reader follows).
PAGES = [
    ("home", (), 10),  # + events, topics, calls, practices, resources, status updates
    ("taxonomy:objectives", (), 4),
    ("taxonomy:objective", (1,), 12),  # + the discussions tagged with it
    ("taxonomy:principles", (), 4),
    ("taxonomy:thematic_areas", (), 5),
    ("taxonomy:thematic_area", (1,), 8),
    ("taxonomy:countries", (), 5),
    ("taxonomy:country", ("mar",), 8),  # + the discussions tagged with it
    ("taxonomy:organisations", (), 5),
    ("taxonomy:organisation", ("iom",), 12),
    ("knowledge:home", (), 6),
    ("knowledge:call_list", (), 4),
    ("knowledge:figures", (), 8),
]


class PublicPageQueryCountTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(1)
        cls.area = make_thematic_area(1)
        cls.plan = make_workplan(is_current=True)
        cls.batch = 0

    def add_rows(self):
        self.batch += 1
        priority = make_priority(
            workplan=self.plan, objectives=[self.objective], thematic_area=self.area, leads=[self.iom]
        )
        for _ in range(3):
            make_activity(priority=priority, leads=[self.iom])
            make_resource(objectives=[self.objective], publishers=[self.iom], countries=[self.morocco])
            make_practice(
                self.alice,
                objectives=[self.objective],
                countries=[self.morocco],
                status=Practice.Status.PUBLISHED,
                implementing_organisation=self.iom,
            )
        make_call()

    def counts(self):
        found = {}
        for name, args, _expected in PAGES:
            with CaptureQueriesContext(connection) as queries:
                response = self.client.get(url(name, *args))
            self.assertEqual(response.status_code, 200, name)
            found[name] = len(queries)
        return found

    def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_rows(self):
        self.login(self.sam)
        self.add_rows()
        few = self.counts()
        self.add_rows()
        self.add_rows()
        many = self.counts()
        self.assertEqual(many, few)
        self.assertEqual(many, {name: expected for name, _args, expected in PAGES})
