from gcmhub.api.tests.base import ApiTestCase


class WorkPlanTestCase(ApiTestCase):
    def test_it_lists_work_plans(self):
        data = self.get_json("/workplans").json()
        self.assertEqual(data["count"], 1)
        plan = data["items"][0]
        self.assertEqual(plan["slug"], "wp-2021")
        self.assertEqual(plan["period_start"], "2021-01-01")
        self.assertEqual(plan["url"], "http://testserver/en/workplan/wp-2021/")

    def test_it_lists_work_plans_in_two_queries_whatever_their_number(self):
        from gcmhub.test import make_workplan

        with self.assertNumQueries(2):  # count, page
            self.get_json("/workplans")
        for n in range(3):
            make_workplan(slug=f"more-{n}", is_current=False)
        with self.assertNumQueries(2):
            self.assertEqual(self.get_json("/workplans").json()["count"], 4)

    def test_it_shows_one_work_plan_in_french(self):
        data = self.get_json("/workplans/wp-2021?lang=fr").json()
        self.assertEqual(data["title"], "Plan de travail 2021-2022")
        self.assertEqual(data["titles"]["en"], "Work plan 2021-2022")

    def test_it_answers_404_for_an_unknown_work_plan(self):
        self.assertEqual(self.get_json("/workplans/nope").status_code, 404)
        self.assertEqual(self.get_json("/workplans/nope/priorities").status_code, 404)

    def test_it_lists_the_priorities_of_a_plan(self):
        with self.assertNumQueries(5):  # plan, count, page, objectives, involvements
            data = self.get_json("/workplans/wp-2021/priorities").json()
        self.assertEqual([p["id"] for p in data["items"]], [self.p1.pk, self.p2.pk])
        first = data["items"][0]
        self.assertEqual(first["code"], "1.1")
        self.assertEqual(first["objectives"], [1])
        self.assertEqual([o["slug"] for o in first["leads"]], ["iom"])
        self.assertEqual([o["slug"] for o in first["participants"]], ["ohchr"])

    def test_it_shows_one_priority(self):
        data = self.get_json(f"/priorities/{self.p2.pk}").json()
        self.assertEqual(data["heading"], "Core priority 2.1")
        self.assertEqual([o["acronym"] for o in data["leads"]], ["UNDP"])

    def test_it_answers_404_for_an_unknown_priority(self):
        self.assertEqual(self.get_json("/priorities/999999").status_code, 404)
