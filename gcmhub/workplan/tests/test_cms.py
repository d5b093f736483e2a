from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase
from django.urls import reverse

from gcmhub.accounts.groups import sync_secretariat_group
from gcmhub.test import BaseTestCase, make_activity, make_user, make_workplan
from gcmhub.workplan.models import Activity, Priority, StatusUpdate, WorkPlan


class WorkPlanCmsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.activity = make_activity(leads=[cls.iom])
        cls.admin = make_user("admin@example.org", is_superuser=True, is_staff=True)

    def test_it_lists_and_edits_work_plan_items_in_the_cms(self):
        self.client.force_login(self.admin)
        for model in (WorkPlan, Priority, Activity, StatusUpdate):
            url = reverse(f"wagtailsnippets_workplan_{model._meta.model_name}:list")
            self.assertEqual(self.client.get(url).status_code, 200, url)
        url = reverse("wagtailsnippets_workplan_activity:edit", args=[self.activity.pk])
        self.assertEqual(self.client.get(url).status_code, 200)

    def test_it_keeps_status_updates_read_only_in_the_cms(self):
        self.client.force_login(self.admin)
        response = self.client.get(reverse("wagtailsnippets_workplan_statusupdate:add"))
        self.assertIn(response.status_code, (302, 403))

    def test_it_keeps_stakeholders_out_of_the_cms(self):
        self.client.force_login(self.alice)
        response = self.client.get(reverse("wagtailsnippets_workplan_activity:list"))
        self.assertEqual(response.status_code, 302)


def admin_url(model, view, *args):
    return reverse(f"wagtailsnippets_workplan_{model._meta.model_name}:{view}", args=args)


def priority_form(plan, **overrides):
    data = {
        "workplan": plan.pk,
        "kind": Priority.Kind.WORKING_GROUP,
        "code": "",
        "order": 5,
        "slug": "wg-labour",
        "title_en": "Working group on labour migration",
        "title_fr": "",
        "title_es": "",
        "source_language": "en",
        "thematic_area": "",
        "all_objectives": "",
        "cross_cutting": "",
        "objectives_text": "",
    }
    data.update(overrides)
    return data


def plan_form(**overrides):
    data = {
        "title_en": "Work plan 2023-2024",
        "title_fr": "",
        "title_es": "",
        "slug": "wp-2023",
        "period_start": "2023-01-01",
        "period_end": "2024-12-31",
        "as_of": "",
        "source_language": "en",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class PriorityCmsTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # sam's role comes from make_role; do_grant_role would also have put him in the CMS group.
        cls.sam.groups.add(sync_secretariat_group())
        cls.plan = make_workplan(slug="wp-2021")

    def test_it_saves_a_working_group_without_a_code(self):
        self.login(self.sam)
        response = self.client.post(admin_url(Priority, "add"), priority_form(self.plan))
        self.assertEqual(response.status_code, 302, response.content[:2000])
        group = Priority.objects.get(slug="wg-labour")
        self.assertEqual(
            (group.kind, group.code, group.heading), ("working_group", "", "Working group on labour migration")
        )

    def test_it_asks_for_the_code_of_a_core_priority(self):
        self.login(self.sam)
        response = self.client.post(admin_url(Priority, "add"), priority_form(self.plan, kind="core", slug="core-9"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Write the code of a core or thematic priority, such as 2.1.")
        self.assertFalse(Priority.objects.filter(slug="core-9").exists())
        response = self.client.post(
            admin_url(Priority, "add"), priority_form(self.plan, kind="core", slug="core-9", code=" 2.4 ")
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Priority.objects.get(slug="core-9").code, "2.4")


class CurrentPlanTests(BaseTestCase):
    """One plan at most is current: the CMS says why it refuses a second, the database refuses it
    whatever the door."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sam.groups.add(sync_secretariat_group())
        cls.current = make_workplan(slug="wp-2021", title_en="Work plan 2021-2022", is_current=True)
        cls.other = make_workplan(slug="wp-2019", title_en="Work plan 2019-2020", is_current=False)

    def test_it_refuses_a_second_current_plan_in_the_cms_and_names_the_current_one(self):
        self.login(self.sam)
        response = self.client.post(admin_url(WorkPlan, "add"), plan_form(is_current="on"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "“Work plan 2021-2022” is the current plan. Only one plan can be current")
        self.assertFalse(WorkPlan.objects.filter(slug="wp-2023").exists())
        response = self.client.post(
            admin_url(WorkPlan, "edit", self.other.pk),
            plan_form(slug="wp-2019", title_en="Work plan 2019-2020", is_current="on", version=self.other.version),
        )
        self.assertEqual(response.status_code, 200)
        self.other.refresh_from_db()
        self.assertFalse(self.other.is_current)

    def test_it_moves_the_current_plan_in_two_saves(self):
        self.login(self.sam)
        self.client.post(
            admin_url(WorkPlan, "edit", self.current.pk),
            plan_form(
                slug="wp-2021",
                title_en="Work plan 2021-2022",
                period_start="2021-01-01",
                is_current=None,
                version=self.current.version,
            ),
        )
        response = self.client.post(
            admin_url(WorkPlan, "edit", self.other.pk),
            plan_form(slug="wp-2019", title_en="Work plan 2019-2020", is_current="on", version=self.other.version),
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(list(WorkPlan.objects.filter(is_current=True)), [self.other])

    def test_it_keeps_one_current_plan_in_the_database(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            WorkPlan.objects.filter(pk=self.other.pk).update(is_current=True)
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_workplan(slug="wp-2025", is_current=True)
        self.assertEqual(WorkPlan.objects.filter(is_current=True).count(), 1)


class OneCurrentPlanMigrationTests(TransactionTestCase):
    """Before the constraint, the migration unmarks all current plans but the one the site showed."""

    migrate_from = [("workplan", "0005_unguessable_file_names")]
    migrate_to = [("workplan", "0006_one_current_plan_data_version_optional_code")]

    def tearDown(self):
        # Back to the latest schema, whatever migrations came after these: the next tests need it.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        super().tearDown()

    def test_it_keeps_the_plan_the_site_showed_as_the_only_current_one(self):
        executor = MigrationExecutor(connection)
        executor.migrate(self.migrate_from)
        old = executor.loader.project_state(self.migrate_from).apps
        OldPlan = old.get_model("workplan", "WorkPlan")
        for slug, start in (("a-2019", "2019-01-01"), ("b-2021", "2021-01-01"), ("c-2017", "2017-01-01")):
            OldPlan.objects.create(
                slug=slug, source_language="en", period_start=start, period_end="2030-12-31", is_current=True
            )
        OldPlan.objects.create(slug="d-2023", source_language="en", period_start="2023-01-01", period_end="2030-12-31")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(self.migrate_to)
        self.assertEqual(list(WorkPlan.objects.filter(is_current=True).values_list("slug", flat=True)), ["b-2021"])
        self.assertEqual(WorkPlan.objects.count(), 4)


class TextsAsWrittenMigrationTests(TransactionTestCase):
    """The texts kept "as written" move into their source language's column, and back, with
    nothing lost (issue 9 §1: every text before equals every text after)."""

    before = [("workplan", "0007_activity_text_ar_priority_title_ar_workplan_title_ar_and_more")]
    after = [("workplan", "0008_texts_as_written_in_each_language")]

    def tearDown(self):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        super().tearDown()

    def _migrate(self, target):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(target)
        return executor.loader.project_state(target).apps

    def test_a_round_trip_keeps_every_text(self):
        old = self._migrate(self.before)
        Plan, Priority, Activity = (old.get_model("workplan", name) for name in ("WorkPlan", "Priority", "Activity"))
        plans = [
            Plan.objects.create(
                slug=f"p-{lang}",
                title_en="Plan",
                source_language=lang,
                period_start="2021-01-01",
                period_end="2022-12-31",
                as_of={"fr": "Au 28 avril 2021", "en": "As of 28 April 2021", "es": "Al 28 de abril de 2021"}[lang],
            )
            for lang in ("fr", "en", "es")
        ]
        texts = {}
        for n, plan in enumerate(plans):
            priority = Priority.objects.create(
                workplan=plan,
                kind="core",
                code=str(n),
                slug=f"core-{n}",
                title_en="P",
                source_language=plan.source_language,
                objectives_text=f"Objectifs {n}",
            )
            activity = Activity.objects.create(
                priority=priority,
                number=1,
                text_en="A",
                source_language=plan.source_language,
                deadline_text=f"T{n + 1} 2021\n2022",
                other_participants=f"tous les membres {n}",
            )
            texts[plan.source_language] = (
                plan.as_of,
                priority.objectives_text,
                activity.deadline_text,
                activity.other_participants,
            )

        new = self._migrate(self.after)
        NewPlan, NewPriority, NewActivity = (
            new.get_model("workplan", name) for name in ("WorkPlan", "Priority", "Activity")
        )
        for lang, (as_of, objectives, deadline, others) in texts.items():
            plan = NewPlan.objects.get(slug=f"p-{lang}")
            priority = NewPriority.objects.get(workplan=plan)
            activity = NewActivity.objects.get(priority=priority)
            self.assertEqual(getattr(plan, f"as_of_{lang}"), as_of)
            self.assertEqual(getattr(priority, f"objectives_text_{lang}"), objectives)
            self.assertEqual(getattr(activity, f"deadline_text_{lang}"), deadline)
            self.assertEqual(getattr(activity, f"other_participants_{lang}"), others)
            for other in {"en", "fr", "es"} - {lang}:
                self.assertEqual(getattr(activity, f"deadline_text_{other}"), "")

        back = self._migrate(self.before)
        BackPlan, BackActivity = back.get_model("workplan", "WorkPlan"), back.get_model("workplan", "Activity")
        for lang, (as_of, _objectives, deadline, others) in texts.items():
            self.assertEqual(BackPlan.objects.get(slug=f"p-{lang}").as_of, as_of)
            activity = BackActivity.objects.get(priority__workplan__slug=f"p-{lang}")
            self.assertEqual((activity.deadline_text, activity.other_participants), (deadline, others))
