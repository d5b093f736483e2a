from django.urls import reverse

from gcmhub.test import BaseTestCase, make_activity, make_user
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
