"""No lost updates on the work plan: status updates and notes from a page older than the latest
update are refused with the newer update shown (site, htmx and API); the deadline fix and the CMS
refuse a save from an older version; each with two sessions interleaved."""

import json
import re

from django.test import Client
from django.urls import reverse
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.models import APIToken

from gcmhub.test import make_user
from gcmhub.workplan.models import Activity, StatusUpdate
from gcmhub.workplan.tests.test_activity import ActivityFixtures
from gcmhub.workplan.tests.test_updates import note_data, status_data

LATEST = re.compile(r'name="(status|note)-latest_update" value="(\d+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def latest_on(response, prefix="status") -> str:
    return dict(LATEST.findall(response.content.decode()))[prefix]


class StatusUpdateConflictTestCase(ActivityFixtures):
    def status_url(self):
        return reverse("workplan:activity_status", args=[self.activity.pk])

    def note_url(self):
        return reverse("workplan:activity_note", args=[self.activity.pk])

    def test_a_status_update_from_an_older_page_is_refused_with_the_newer_one_shown(self):
        for user in (self.ines, self.sam):  # the lead's focal point and the Secretariat
            with self.subTest(user=user.email):
                StatusUpdate.objects.all().delete()
                first, second = session(user), session(user)
                seen_a = latest_on(first.get(self.activity.get_absolute_url()))
                seen_b = latest_on(second.get(self.activity.get_absolute_url()))
                data = status_data(**{"status-latest_update": seen_a, "status-narrative": "First news"})
                self.assertEqual(first.post(self.status_url(), data).status_code, 302)
                data = status_data(
                    **{"status-latest_update": seen_b, "status-status": "delayed", "status-narrative": "Second news"}
                )
                response = second.post(self.status_url(), data)
                self.assertContains(response, "a newer update was posted while you were writing", status_code=409)
                self.assertContains(response, "First news", status_code=409)
                self.assertContains(response, "Second news", status_code=409)  # kept in the form
                self.assertEqual(StatusUpdate.objects.filter(activity=self.activity).count(), 1)
                self.assertEqual(Activity.objects.get(pk=self.activity.pk).status, "on_track")
                # The refused form now carries the newest id: posting again is deliberate.
                newest = str(StatusUpdate.objects.get(activity=self.activity).pk)
                self.assertEqual(latest_on(response), newest)
                data["status-latest_update"] = newest
                self.assertEqual(second.post(self.status_url(), data).status_code, 302)
                self.assertEqual(Activity.objects.get(pk=self.activity.pk).status, "delayed")

    def test_the_htmx_partial_shows_the_refusal_in_place(self):
        first, second = session(self.ines), session(self.sam)
        seen = latest_on(second.get(self.activity.get_absolute_url()))
        first.post(self.status_url(), status_data(**{"status-latest_update": seen}))
        response = second.post(
            self.status_url(),
            status_data(**{"status-latest_update": seen, "status-narrative": "Mine"}),
            HTTP_HX_REQUEST="true",
        )
        self.assertEqual(response.status_code, 200)  # htmx swaps 2xx answers only
        self.assertNotContains(response, "<html")
        self.assertContains(response, "a newer update was posted while you were writing")
        self.assertContains(response, "Mine")
        self.assertEqual(StatusUpdate.objects.filter(activity=self.activity).count(), 1)

    def test_a_note_from_an_older_page_is_refused_too(self):
        participant, lead = session(self.oscar), session(self.ines)
        seen = latest_on(participant.get(self.activity.get_absolute_url()), "note")
        lead.post(self.status_url(), status_data(**{"status-latest_update": seen}))
        response = participant.post(
            self.note_url(),
            note_data(
                **{"note-latest_update": seen, "note-narrative": "We hosted it", "note-organisation": self.ohchr.pk}
            ),
        )
        self.assertContains(response, "Draft shared with the working group", status_code=409)
        self.assertContains(response, "We hosted it", status_code=409)
        self.assertFalse(StatusUpdate.objects.filter(kind=StatusUpdate.Kind.NOTE).exists())

    def test_people_without_the_right_cannot_post_at_all(self):
        for user in (self.alice, self.fatima, self.rita, self.oscar):
            with self.subTest(user=user.email):
                response = session(user).post(self.status_url(), status_data(**{"status-latest_update": "0"}))
                self.assertEqual(response.status_code, 403)
        self.assertEqual(self.client.post(self.status_url(), status_data()).status_code, 302)  # anonymous
        self.assertFalse(StatusUpdate.objects.exists())


class StatusUpdateApiConflictTestCase(ActivityFixtures):
    def get(self, token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.get(f"/api/v1/activities/{self.activity.pk}", headers=headers)

    def post(self, path, body, token, if_match=None):
        headers = {"Authorization": f"Bearer {token}"}
        if if_match:
            headers["If-Match"] = if_match
        return self.client.post(
            f"/api/v1/activities/{self.activity.pk}/{path}",
            json.dumps(body),
            content_type="application/json",
            headers=headers,
        )

    def test_an_update_based_on_an_older_etag_is_refused_with_the_newer_updates(self):
        token = APIToken.create_token(user=self.ines, name="t")[1]
        etag = self.get()["ETag"]
        self.assertEqual(etag, f'"{self.activity.version}.0"')
        response = self.post("updates", {"status": "on_track", "narrative": "One"}, token, etag)
        self.assertEqual(response.status_code, 201, response.content)
        response = self.post("updates", {"status": "delayed", "narrative": "Two"}, token, etag)
        self.assertEqual(response.status_code, 412)
        body = response.json()
        self.assertEqual([u["narrative"] for u in body["newer_updates"]], ["One"])
        self.assertEqual(body["etag"], self.get()["ETag"])
        response = self.post("updates", {"status": "delayed", "narrative": "Two"}, token, body["etag"])
        self.assertEqual(response.status_code, 201)

    def test_a_note_follows_the_same_rule_and_if_match_stays_optional(self):
        lead = APIToken.create_token(user=self.ines, name="t")[1]
        participant = APIToken.create_token(user=self.oscar, name="t")[1]
        etag = self.get()["ETag"]
        self.assertEqual(self.post("updates", {"status": "on_track"}, lead).status_code, 201)  # no If-Match
        response = self.post("notes", {"narrative": "We hosted it"}, participant, etag)
        self.assertEqual(response.status_code, 412)
        self.assertEqual(self.post("notes", {"narrative": "We hosted it"}, participant, '"junk"').status_code, 412)
        self.assertEqual(self.post("notes", {"narrative": "We hosted it"}, participant, "*").status_code, 201)

    def test_a_cms_edit_of_the_activity_changes_the_etag(self):
        token = APIToken.create_token(user=self.sam, name="t")[1]
        etag = self.get()["ETag"]
        Activity.objects.filter(pk=self.activity.pk).update(version=self.activity.version + 1)
        response = self.post("updates", {"status": "on_track"}, token, etag)
        self.assertEqual(response.status_code, 412)
        self.assertEqual(response.json()["newer_updates"], [])

    def test_other_roles_are_refused_before_any_precondition(self):
        for user in (self.alice, self.fatima, self.rita):
            with self.subTest(user=user.email):
                token = APIToken.create_token(user=user, name="t")[1]
                self.assertEqual(self.post("updates", {"status": "on_track"}, token, '"1.0"').status_code, 403)


class DeadlineFixConflictTestCase(ActivityFixtures):
    def test_the_second_of_two_deadline_fixes_is_refused_and_keeps_its_text(self):
        sam2 = make_user("sam2@example.org", is_superuser=True)
        url = reverse("workplan:activity_deadline", args=[self.activity.pk])
        first, second = session(self.sam), session(sam2)
        version_a = VERSION.search(first.get(url).content.decode()).group(1)
        version_b = VERSION.search(second.get(url).content.decode()).group(1)
        response = first.post(url, {"deadline_text": "T3 2021", "version": version_a})
        self.assertEqual(response.status_code, 302)
        response = second.post(url, {"deadline_text": "T4 2021", "version": version_b})
        self.assertContains(response, "T3 2021", status_code=409)
        self.assertContains(response, "T4 2021", status_code=409)
        self.assertEqual(Activity.objects.get(pk=self.activity.pk).deadline_text, "T3 2021")
        for user in (self.alice, self.fatima, self.ines, self.rita):
            with self.subTest(user=user.email):
                data = {"deadline_text": "2030", "version": "2"}
                self.assertEqual(session(user).post(url, data).status_code, 403)


class ActivityCmsConflictTestCase(ActivityFixtures):
    def test_a_stale_cms_save_is_refused_with_a_clear_message(self):
        admin = make_user("admin@example.org", is_superuser=True, is_staff=True)
        url = AdminURLFinder(admin).get_edit_url(self.activity)
        first, second = session(admin), session(admin)
        form_a, form_b = first.get(url), second.get(url)
        version = VERSION.search(form_a.content.decode()).group(1)
        self.assertEqual(version, VERSION.search(form_b.content.decode()).group(1))
        data = {
            "priority": self.priority.pk,
            "number": 3,
            "order": 0,
            "text_en": "Tab A",
            "text_fr": "Élaborer une note d'orientation",
            "text_es": "",
            "source_language": "fr",
            "other_participants": "",
            "deadline_text": "T2 2021 ; 2022",
            "deadline_state": self.activity.deadline_state,
            "start_date": "2021-04-01",
            "due_date": "2022-12-31",
            "version": version,
        }
        self.assertEqual(first.post(url, data).status_code, 302)
        response = second.post(url, {**data, "text_en": "Tab B"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Someone else saved this while you were editing it")
        self.assertContains(response, "Tab B")  # kept in the form
        activity = Activity.objects.get(pk=self.activity.pk)
        self.assertEqual((activity.text_en, activity.version), ("Tab A", int(version) + 1))
