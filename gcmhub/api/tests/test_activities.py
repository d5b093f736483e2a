import datetime

import time_machine

from gcmhub.api.tests.base import ApiTestCase
from gcmhub.test import make_activity, make_organisation, make_priority, make_workplan
from gcmhub.workplan.models import StatusUpdate

ITEM_FIELDS = {
    "id",
    "number",
    "text",
    "texts",
    "priority",
    "deadline_text",
    "periods",
    "ongoing",
    "overdue",
    "leads",
    "participants",
    "objectives",
    "status",
    "percent_complete",
    "url",
}


class ActivityListTestCase(ApiTestCase):
    def ids(self, query: str) -> list[int]:
        response = self.get_json(f"/activities{query}")
        self.assertEqual(response.status_code, 200, response.content)
        return [item["id"] for item in response.json()["items"]]

    def test_it_answers_count_and_items_with_the_required_fields(self):
        data = self.get_json("/activities").json()
        self.assertEqual(set(data), {"count", "items"})
        self.assertEqual(data["count"], 3)
        item = data["items"][0]
        self.assertLessEqual(ITEM_FIELDS, set(item))
        self.assertEqual(item["id"], self.a1.pk)
        self.assertEqual(item["text"], "Map return practices")
        self.assertEqual(item["texts"]["fr"], "Cartographier les pratiques de retour")
        self.assertEqual(
            item["priority"],
            {"id": self.p1.pk, "code": "1.1", "title": self.p1.title_en, "kind": "core", "workplan": "wp-2021"},
        )
        self.assertEqual(item["deadline_text"], "T2 2021")
        self.assertEqual(
            item["periods"], [{"start": "2021-04-01", "end": "2021-06-30", "label": "", "year_inferred": False}]
        )
        self.assertEqual(
            item["leads"], [{"acronym": "IOM", "name": "International Organization for Migration", "slug": "iom"}]
        )
        self.assertEqual([o["slug"] for o in item["participants"]], ["ohchr"])
        self.assertEqual(item["objectives"], [1])
        self.assertEqual(item["status"], "not_started")
        self.assertIsNone(item["percent_complete"])
        self.assertEqual(item["url"], f"http://testserver/en/workplan/activities/{self.a1.pk}/")

    def test_it_shows_texts_in_the_language_asked_for(self):
        item = self.get_json("/activities?lang=es").json()["items"][0]
        self.assertEqual(item["text"], "Mapear las prácticas de retorno")
        self.assertEqual(item["url"], f"http://testserver/es/workplan/activities/{self.a1.pk}/")
        # No Spanish text: falls back to the source language (French).
        self.assertEqual(self.get_json("/activities?lang=es").json()["items"][1]["text"], "Tenir le registre")

    def test_it_filters_by_lead_in_any_language_or_slug(self):
        expected = [self.a1.pk, self.a2.pk]
        self.assertEqual(self.ids("?lead=OIM"), expected)
        self.assertEqual(self.ids("?lead=IOM"), expected)
        self.assertEqual(self.ids("?lead=iom"), expected)
        self.assertEqual(self.ids("?lead=International%20Organization%20for%20Migration"), expected)
        self.assertEqual(self.ids("?lead=PNUD"), [self.a3.pk])

    def test_it_answers_400_with_a_field_message_for_an_unknown_lead(self):
        response = self.get_json("/activities?lead=Nobody%20at%20all")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"], {"lead": ["No organisation is known by this name."]})

    def test_it_translates_the_unknown_lead_message_key(self):
        response = self.get_json("/activities?lead=nobody&lang=fr")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response["Content-Language"], "fr")
        self.assertEqual(list(response.json()["errors"]), ["lead"])

    def test_it_filters_by_participant(self):
        self.assertEqual(self.ids("?participant=HCDH"), [self.a1.pk, self.a2.pk])

    def test_it_filters_by_objective(self):
        self.assertEqual(self.ids("?objective=2"), [self.a3.pk])
        self.assertEqual(self.ids("?objective=1"), [self.a1.pk, self.a2.pk])

    def test_it_counts_all_objectives_priorities_under_every_objective(self):
        p = make_priority(self.plan, all_objectives=True)
        a = make_activity(p)
        self.assertEqual(self.ids("?objective=2"), [self.a3.pk, a.pk])
        item = self.get_json(f"/activities/{a.pk}").json()
        self.assertEqual(item["objectives"], [1, 2])

    def test_it_lists_each_activity_as_its_detail_gives_it_in_every_language(self):
        # The list reads plain rows (activity_rows_out), the detail model instances (activity_out):
        # the same item either way, here with an unnumbered activity, a text only in one language,
        # an activity's own leads over its priority's, an all-objectives priority, a status,
        # several periods and an overdue deadline.
        unicef = make_organisation("UNICEF", acronym_fr="", name_fr="Fonds des Nations unies pour l'enfance")
        p = make_priority(
            self.plan,
            leads=[self.undp],
            participants=[self.ohchr],
            all_objectives=True,
            source_language="en",
            title_fr="",
        )
        make_activity(
            p,
            number=None,
            text_en="",
            text_fr="",
            text_es="Solo en español",
            source_language="en",
            leads=[unicef, self.iom],
            periods=[
                (datetime.date(2020, 1, 1), datetime.date(2020, 3, 31)),
                (datetime.date(2020, 6, 1), datetime.date(2020, 6, 30)),
            ],
            status="delayed",
            percent_complete=40,
            deadline_text="2020",
        )
        for lang in ("en", "fr", "es"):
            with self.subTest(lang=lang):
                items = self.get_json(f"/activities?lang={lang}").json()["items"]
                self.assertEqual(len(items), 4)
                for item in items:
                    detail = self.get_json(f"/activities/{item['id']}?lang={lang}").json()
                    detail.pop("updates")
                    self.assertEqual(item, detail)

    def test_it_filters_by_status(self):
        self.assertEqual(self.ids("?status=on_track"), [self.a3.pk])
        self.assertEqual(self.get_json("/activities?status=nope").status_code, 400)

    @time_machine.travel(datetime.datetime(2021, 7, 15, 12, tzinfo=datetime.UTC), tick=False)
    def test_it_filters_overdue_activities(self):
        self.assertEqual(self.ids("?overdue=true"), [self.a1.pk])
        self.assertEqual(self.ids("?overdue=false"), [self.a2.pk, self.a3.pk])
        items = self.get_json("/activities").json()["items"]
        self.assertEqual([i["overdue"] for i in items], [True, False, False])

    @time_machine.travel(datetime.datetime(2021, 5, 1, 12, tzinfo=datetime.UTC), tick=False)
    def test_it_finds_nothing_overdue_before_the_deadlines(self):
        self.assertEqual(self.ids("?overdue=true"), [])

    def test_it_filters_by_workplan(self):
        other = make_activity(make_priority(make_workplan(slug="wp-2023")))
        self.assertEqual(self.ids("?workplan=wp-2021"), [self.a1.pk, self.a2.pk, self.a3.pk])
        self.assertEqual(self.ids("?workplan=wp-2023"), [other.pk])
        response = self.get_json("/activities?workplan=nope")
        self.assertEqual(response.status_code, 400)
        self.assertIn("workplan", response.json()["errors"])

    def test_it_filters_by_kind(self):
        thematic = make_activity(make_priority(self.plan, kind="thematic"))
        self.assertEqual(self.ids("?kind=thematic"), [thematic.pk])

    def test_it_filters_by_period(self):
        self.assertEqual(self.ids("?period=2021-Q2"), [self.a1.pk])
        self.assertEqual(self.ids("?period=2022"), [self.a3.pk])
        response = self.get_json("/activities?period=spring")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["errors"], {"period": ["Write a year (2021) or a quarter (2021-Q2)."]})

    def test_it_searches_the_text_in_any_language(self):
        self.assertEqual(self.ids("?q=agents"), [self.a3.pk])

    def test_it_rejects_a_non_boolean_overdue(self):
        response = self.get_json("/activities?overdue=perhaps")
        self.assertEqual(response.status_code, 400)
        self.assertIn("overdue", response.json()["errors"])

    def test_it_paginates_with_limit_and_offset(self):
        data = self.get_json("/activities?limit=2&offset=1").json()
        self.assertEqual(data["count"], 3)
        self.assertEqual([i["id"] for i in data["items"]], [self.a2.pk, self.a3.pk])

    def _add_activities(self, n):
        undp_ohchr = make_priority(self.plan, leads=[self.undp], participants=[self.ohchr], objectives=[self.obj1])
        unicef = make_organisation("UNICEF")
        for i in range(n):
            make_activity(
                undp_ohchr if i % 2 else self.p1,
                periods=[(datetime.date(2021, 1, 1), datetime.date(2021, 3, 31))],
                leads=[unicef] if i % 3 == 0 else [],
                participants=[self.iom],
            )

    def test_it_lists_in_the_same_number_of_queries_for_3_and_9_activities(self):
        # count, page, periods, involvements, priority involvements, priority objectives
        with self.assertNumQueries(6):
            self.assertEqual(self.get_json("/activities").json()["count"], 3)
        self._add_activities(6)
        with self.assertNumQueries(6):
            self.assertEqual(self.get_json("/activities").json()["count"], 9)

    def test_it_filters_in_the_same_number_of_queries(self):
        self._add_activities(6)
        # + the organisation lookup
        with self.assertNumQueries(7):
            self.get_json("/activities?lead=iom&objective=1&period=2021")


class ActivityDetailTestCase(ApiTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.update = StatusUpdate.objects.create(
            activity=cls.a1,
            status="on_track",
            percent_complete=40,
            narrative="Halfway",
            evidence_links="https://example.org/a\nhttps://example.org/b",
            organisation=cls.iom,
            author=cls.ines,
        )
        cls.note = StatusUpdate.objects.create(
            activity=cls.a1,
            kind="note",
            narrative="We reviewed the draft",
            organisation=cls.ohchr,
            author=cls.oscar,
        )

    def test_it_shows_an_activity_with_its_updates(self):
        data = self.get_json(f"/activities/{self.a1.pk}").json()
        self.assertEqual(data["id"], self.a1.pk)
        self.assertEqual([u["id"] for u in data["updates"]], [self.note.pk, self.update.pk])
        update = data["updates"][1]
        self.assertEqual(update["status"], "on_track")
        self.assertEqual(update["percent_complete"], 40)
        self.assertEqual(update["evidence_links"], ["https://example.org/a", "https://example.org/b"])
        self.assertEqual(update["organisation"]["slug"], "iom")
        self.assertEqual(update["author"], "Ines Network")

    def test_it_answers_404_json_for_an_unknown_activity(self):
        response = self.get_json("/activities/999999")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"detail": "Not found."})

    def test_it_lists_the_updates_of_an_activity(self):
        data = self.get_json(f"/activities/{self.a1.pk}/updates").json()
        self.assertEqual(data["count"], 2)
        self.assertEqual(data["items"][0]["kind"], "note")
        self.assertEqual(self.get_json(f"/activities/{self.a2.pk}/updates").json(), {"count": 0, "items": []})

    def test_it_lists_updates_in_the_same_number_of_queries_whatever_their_number(self):
        with self.assertNumQueries(3):  # activity, count, page (with authors and organisations)
            self.get_json(f"/activities/{self.a1.pk}/updates")
        for n in range(5):
            StatusUpdate.objects.create(activity=self.a1, status="on_track", narrative=f"Update {n}", author=self.ines)
        with self.assertNumQueries(3):
            self.assertEqual(self.get_json(f"/activities/{self.a1.pk}/updates").json()["count"], 7)

    def test_it_answers_404_for_the_updates_of_an_unknown_activity(self):
        self.assertEqual(self.get_json("/activities/999999/updates").status_code, 404)
