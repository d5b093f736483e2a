from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gcmhub.workplan.actions import do_add_contribution_note, do_post_status_update
from gcmhub.workplan.models import Activity, Status, StatusUpdate
from gcmhub.workplan.tests.test_activity import ActivityFixtures


def status_data(**overrides):
    data = {
        "status-status": "on_track",
        "status-percent_complete": "40",
        "status-narrative": "Draft shared with the working group",
        "status-evidence_links": "https://example.org/draft\nhttps://example.org/minutes",
    }
    data.update(overrides)
    return data


def note_data(**overrides):
    data = {"note-narrative": "OHCHR reviewed the draft", "note-evidence_links": ""}
    data.update(overrides)
    return data


class PostStatusUpdateTests(ActivityFixtures):
    def url(self, activity=None):
        return reverse("workplan:activity_status", args=[(activity or self.activity).pk])

    def test_it_posts_a_status_update_without_javascript(self):
        self.login(self.ines)
        response = self.client.post(self.url(), status_data())
        self.assertRedirects(response, self.activity.get_absolute_url() + "#updates", fetch_redirect_response=False)
        update = StatusUpdate.objects.get(activity=self.activity)
        self.assertEqual(update.kind, StatusUpdate.Kind.STATUS)
        self.assertEqual(update.status, Status.ON_TRACK)
        self.assertEqual(update.percent_complete, 40)
        self.assertEqual(update.author, self.ines)
        self.assertEqual(update.organisation, self.iom)
        self.assertEqual(update.evidence_link_list(), ["https://example.org/draft", "https://example.org/minutes"])
        activity = Activity.objects.get(pk=self.activity.pk)
        self.assertEqual((activity.status, activity.percent_complete), (Status.ON_TRACK, 40))
        self.assertIsNotNone(activity.status_updated_at)
        page = self.client.get(self.activity.get_absolute_url())
        self.assertContains(page, "Your status update is posted.")
        self.assertContains(page, "Draft shared with the working group")

    def test_it_posts_a_status_update_with_htmx(self):
        self.login(self.ines)
        response = self.client.post(self.url(), status_data(), HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, '<div id="activity-updates">')
        self.assertContains(response, "data-focus-after-swap")
        self.assertContains(response, "Your status update is posted.")
        self.assertContains(response, "Draft shared with the working group")
        self.assertContains(response, 'hx-swap-oob="true"')
        self.assertNotContains(response, "<html")
        self.assertEqual(StatusUpdate.objects.filter(activity=self.activity).count(), 1)

    def test_it_attaches_a_document(self):
        self.login(self.ines)
        document = SimpleUploadedFile("report.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        response = self.client.post(self.url(), {**status_data(), "status-evidence_file": document})
        self.assertEqual(response.status_code, 302)
        update = StatusUpdate.objects.get(activity=self.activity)
        self.assertTrue(update.evidence_file.name.endswith(".pdf"))
        page = self.client.get(self.activity.get_absolute_url())
        self.assertContains(page, f'href="/files/evidence/{update.pk}/report.pdf"')
        self.assertNotContains(page, "/media/")

    def test_it_refuses_a_document_of_another_type(self):
        self.login(self.ines)
        document = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
        response = self.client.post(self.url(), {**status_data(), "status-evidence_file": document})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_keeps_the_input_on_a_validation_error(self):
        self.login(self.ines)
        data = status_data(**{"status-percent_complete": "150", "status-evidence_links": "not a link"})
        response = self.client.post(self.url(), data)
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Draft shared with the working group", status_code=400)
        self.assertContains(response, 'value="150"', status_code=400)
        self.assertContains(response, "not a link", status_code=400)
        self.assertContains(response, "error-summary", status_code=400)
        self.assertContains(response, 'id="id_status-percent_complete_error"', status_code=400)
        self.assertContains(response, 'id="id_status-evidence_links_error"', status_code=400)
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_keeps_the_input_on_a_validation_error_with_htmx(self):
        self.login(self.ines)
        data = status_data(**{"status-status": "completed", "status-percent_complete": "60"})
        response = self.client.post(self.url(), data, HTTP_HX_REQUEST="true")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "<html")
        self.assertContains(response, "A completed activity is 100% complete.")
        self.assertContains(response, 'value="60"')
        self.assertContains(response, "Draft shared with the working group")
        self.assertContains(response, "data-focus-after-swap")
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_keeps_history_append_only(self):
        self.login(self.ines)
        self.client.post(self.url(), status_data())
        self.client.post(self.url(), status_data(**{"status-status": "delayed", "status-percent_complete": ""}))
        self.assertEqual(StatusUpdate.objects.filter(activity=self.activity).count(), 2)
        first, second = StatusUpdate.objects.filter(activity=self.activity).order_by("created_at", "id")
        self.assertEqual((first.status, first.percent_complete), (Status.ON_TRACK, 40))
        self.assertEqual((second.status, second.percent_complete), (Status.DELAYED, None))
        activity = Activity.objects.get(pk=self.activity.pk)
        self.assertEqual(activity.status, Status.DELAYED)
        self.assertEqual(activity.percent_complete, 40)  # the last known percentage stays
        page = self.client.get(self.activity.get_absolute_url())
        self.assertContains(page, "status status--delayed")

    def test_it_redirects_anonymous_to_login(self):
        response = self.client.post(self.url(), status_data())
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_forbids_users_without_the_right(self):
        for user in (self.alice, self.fatima, self.rita, self.oscar):
            self.login(user)
            response = self.client.post(self.url(), status_data())
            self.assertEqual(response.status_code, 403, user)
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_forbids_a_focal_point_on_an_activity_their_organisation_does_not_lead(self):
        self.login(self.ines)
        response = self.client.post(self.url(self.ohchr_activity), status_data())
        self.assertEqual(response.status_code, 403)

    def test_it_lets_the_secretariat_post_anywhere(self):
        self.login(self.sam)
        response = self.client.post(self.url(self.ohchr_activity), status_data())
        self.assertEqual(response.status_code, 302)
        update = StatusUpdate.objects.get(activity=self.ohchr_activity)
        self.assertEqual(update.author, self.sam)
        self.assertIsNone(update.organisation)

    def test_it_404s_for_an_unknown_activity(self):
        self.login(self.sam)
        response = self.client.post(reverse("workplan:activity_status", args=[999999]), status_data())
        self.assertEqual(response.status_code, 404)

    def test_it_refuses_get(self):
        self.login(self.ines)
        self.assertEqual(self.client.get(self.url()).status_code, 405)


class PostNoteTests(ActivityFixtures):
    def url(self, activity=None):
        return reverse("workplan:activity_note", args=[(activity or self.activity).pk])

    def test_it_adds_a_note_by_a_participating_focal_point(self):
        self.login(self.oscar)
        response = self.client.post(self.url(), note_data(**{"note-organisation": str(self.ohchr.pk)}))
        self.assertEqual(response.status_code, 302)
        note = StatusUpdate.objects.get(activity=self.activity)
        self.assertEqual(note.kind, StatusUpdate.Kind.NOTE)
        self.assertEqual(note.organisation, self.ohchr)
        self.assertEqual(note.status, "")
        activity = Activity.objects.get(pk=self.activity.pk)
        self.assertEqual(activity.status, Status.NOT_STARTED)
        self.assertIsNone(activity.status_updated_at)

    def test_it_adds_a_note_with_htmx(self):
        self.login(self.oscar)
        response = self.client.post(
            self.url(), note_data(**{"note-organisation": str(self.ohchr.pk)}), HTTP_HX_REQUEST="true"
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "OHCHR reviewed the draft")
        self.assertContains(response, "data-focus-after-swap")

    def test_it_requires_a_narrative_and_keeps_the_input(self):
        self.login(self.oscar)
        response = self.client.post(
            self.url(), note_data(**{"note-narrative": " ", "note-evidence_links": "https://example.org/x"})
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "https://example.org/x", status_code=400)
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_refuses_an_organisation_that_is_not_the_users(self):
        self.login(self.oscar)
        response = self.client.post(self.url(), note_data(**{"note-organisation": str(self.iom.pk)}))
        self.assertEqual(response.status_code, 400)
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_redirects_anonymous_to_login(self):
        response = self.client.post(self.url(), note_data())
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_it_forbids_users_without_the_right(self):
        for user in (self.alice, self.fatima, self.rita):
            self.login(user)
            self.assertEqual(self.client.post(self.url(), note_data()).status_code, 403, user)
        self.login(self.ines)  # IOM is not involved in OHCHR's activity
        self.assertEqual(self.client.post(self.url(self.ohchr_activity), note_data()).status_code, 403)
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_lets_the_lead_and_the_secretariat_add_notes(self):
        self.login(self.ines)
        self.assertEqual(
            self.client.post(self.url(), note_data(**{"note-organisation": str(self.iom.pk)})).status_code, 302
        )
        self.login(self.sam)
        self.assertEqual(
            self.client.post(
                self.url(self.ohchr_activity), note_data(**{"note-organisation": str(self.ohchr.pk)})
            ).status_code,
            302,
        )
        self.assertEqual(StatusUpdate.objects.count(), 2)

    def test_it_refuses_get(self):
        self.login(self.oscar)
        self.assertEqual(self.client.get(self.url()).status_code, 405)


class ActionTests(ActivityFixtures):
    def test_it_validates_per_field(self):
        with self.assertRaises(ValidationError) as ctx:
            do_post_status_update(
                activity=self.activity,
                author=self.ines,
                status="bogus",
                percent_complete=101,
                evidence_links="ftp://example.org/x",
            )
        self.assertEqual(set(ctx.exception.message_dict), {"status", "percent_complete", "evidence_links"})
        with self.assertRaises(ValidationError) as ctx:
            do_post_status_update(
                activity=self.activity, author=self.ines, status=Status.COMPLETED, percent_complete=50
            )
        self.assertEqual(set(ctx.exception.message_dict), {"percent_complete"})
        with self.assertRaises(ValidationError) as ctx:
            do_add_contribution_note(activity=self.activity, author=self.oscar, narrative="")
        self.assertEqual(set(ctx.exception.message_dict), {"narrative"})
        self.assertFalse(StatusUpdate.objects.exists())

    def test_it_completes_at_100_percent(self):
        update = do_post_status_update(activity=self.activity, author=self.ines, status=Status.COMPLETED)
        self.assertEqual(update.percent_complete, 100)
        self.activity.refresh_from_db()
        self.assertEqual((self.activity.status, self.activity.percent_complete), (Status.COMPLETED, 100))
