import datetime

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from gcmhub.knowledge.actions import submissions as actions
from gcmhub.knowledge.criteria import Criterion
from gcmhub.knowledge.forms_practices import MAX_ATTACHMENT_SIZE, PracticeForm
from gcmhub.knowledge.models import Practice, PracticeAttachment, PracticeEvent
from gcmhub.test import BaseTestCase, make_objective, make_practice


def complete_data(**overrides):
    """POST data of a complete practice (objective and country ids to be given)."""
    data = {
        "language": "en",
        "title": "Migrant workers' help desk",
        "summary": "A help desk for migrant workers.",
        "geographic_scope": "national",
        "implementing_organisation_name": "City of Example",
        "start_date": "2019-05-01",
        "end_date": "",
        "completion": "completed",
        "description": "What was done.",
        "results": "What changed.",
        "links": "https://example.org/desk\nhttp://example.org/report",
        "criteria_met": [Criterion.OBJECTIVES, Criterion.RESULTS],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class PracticeNewTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(6)
        cls.url = reverse("knowledge:practice_new")

    def full(self, **overrides):
        data = complete_data(objectives=[self.objective.pk], countries=[self.morocco.pk])
        data.update(overrides)
        return data

    def test_it_sends_anonymous_users_to_login(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, f"{reverse('accounts:login')}?next={self.url}", fetch_redirect_response=False)
        response = self.client.post(self.url, self.full(action="submit"))
        self.assertEqual(response.status_code, 302)
        self.assertFalse(Practice.objects.exists())

    def test_it_shows_the_form_in_three_languages(self):
        self.login(self.alice)
        for lang in ("en", "fr", "es"):
            with self.subTest(lang=lang):
                response = self.client.get(f"/{lang}/hub/practices/new/")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, 'name="action" value="submit"')
                self.assertEqual(response.context["form"]["language"].value(), lang)

    def test_it_saves_an_incomplete_draft(self):
        self.login(self.alice)
        response = self.client.post(self.url, {"title": "", "summary": "Half done", "action": "save"})
        practice = Practice.objects.get()
        self.assertRedirects(response, reverse("knowledge:practice_edit", args=[practice.slug]))
        self.assertEqual(practice.status, Practice.Status.DRAFT)
        self.assertEqual(practice.submitter, self.alice)
        self.assertEqual(practice.summary, "Half done")
        self.assertEqual(list(practice.events.values_list("action", flat=True)), [PracticeEvent.Action.CREATED])

    def test_every_role_can_submit(self):
        for user in (self.alice, self.fatima, self.ines, self.rita, self.sam):
            with self.subTest(user=user.email):
                self.login(user)
                response = self.client.post(self.url, self.full(title=f"By {user.email}", action="submit"))
                practice = Practice.objects.get(title=f"By {user.email}")
                self.assertRedirects(response, practice.get_absolute_url())
                self.assertEqual(practice.status, Practice.Status.SUBMITTED)
                self.assertIsNotNone(practice.submitted_at)

    def test_it_submits_and_records_the_event_and_mails_the_hub_team(self):
        self.login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, self.full(action="submit"))
        practice = Practice.objects.get()
        self.assertEqual(practice.round, 1)
        self.assertEqual(practice.link_list, ["https://example.org/desk", "http://example.org/report"])
        self.assertEqual(practice.criteria_met, [Criterion.OBJECTIVES, Criterion.RESULTS])
        self.assertEqual([o.pk for o in practice.objectives.all()], [self.objective.pk])
        event = practice.events.last()
        self.assertEqual(
            (event.action, event.from_status, event.to_status), (PracticeEvent.Action.SUBMITTED, "draft", "submitted")
        )
        self.assertEqual([m.to for m in mail.outbox], [["sam@example.org"]])
        self.assertIn(practice.title, mail.outbox[0].subject)

    def test_it_reports_missing_fields_keeps_input_and_saves_the_draft(self):
        self.login(self.alice)
        data = self.full(summary="", results="", objectives=None, countries=None, action="submit")
        del data["objectives"], data["countries"]
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 400)
        form = response.context["form"]
        self.assertEqual(set(form.errors), {"summary", "results", "objectives", "countries"})
        self.assertContains(response, 'class="error-summary"', status_code=400)
        self.assertContains(response, "Choose at least one GCM objective.", status_code=400)
        self.assertContains(response, "Migrant workers&#x27; help desk", status_code=400)  # the title typed is kept
        practice = Practice.objects.get()
        self.assertEqual(practice.status, Practice.Status.DRAFT)
        self.assertEqual(practice.title, "Migrant workers' help desk")
        self.assertContains(response, "Your draft was saved", status_code=400)
        # The re-displayed form now edits the saved draft, not a new one.
        self.assertEqual(response.context["practice"], practice)
        self.assertContains(
            response, f'action="{reverse("knowledge:practice_edit", args=[practice.slug])}"', status_code=400
        )

    def test_it_requires_the_focal_point_when_submitting_for_another_entity(self):
        self.login(self.alice)
        response = self.client.post(self.url, self.full(submitted_for_other_entity="on", action="submit"))
        self.assertEqual(set(response.context["form"].errors), {"focal_point_name", "focal_point_email"})
        response = self.client.post(
            reverse("knowledge:practice_edit", args=[Practice.objects.get().slug]),
            self.full(
                version=Practice.objects.get().version,
                submitted_for_other_entity="on",
                focal_point_name="Omar",
                focal_point_email="omar@example.org",
                action="submit",
            ),
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Practice.objects.get().status, Practice.Status.SUBMITTED)

    def test_it_requires_regions_for_a_regional_practice_and_nothing_for_a_global_one(self):
        self.login(self.alice)
        response = self.client.post(self.url, self.full(geographic_scope="regional", countries=[], action="submit"))
        self.assertEqual(set(response.context["form"].errors), {"regions"})
        response = self.client.post(
            self.url, self.full(title="Global", geographic_scope="global", countries=[], action="submit")
        )
        self.assertEqual(response.status_code, 302)

    def test_it_refuses_an_end_date_before_the_start_date(self):
        self.login(self.alice)
        response = self.client.post(self.url, self.full(end_date="2019-01-01", action="submit"))
        self.assertEqual(set(response.context["form"].errors), {"end_date"})

    def test_it_accepts_the_organisation_from_the_list(self):
        self.login(self.alice)
        response = self.client.post(
            self.url,
            self.full(implementing_organisation_name="", implementing_organisation=self.iom.pk, action="submit"),
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Practice.objects.get().implementer_name, "IOM")
        response = self.client.post(
            self.url, self.full(title="No org", implementing_organisation_name="", action="submit")
        )
        self.assertIn("implementing_organisation", response.context["form"].errors)

    def test_it_warns_when_the_practice_began_before_december_2018(self):
        self.login(self.alice)
        response = self.client.post(self.url, self.full(start_date="2017-02-01", summary="", action="submit"))
        self.assertContains(response, "began before the Global Compact was adopted", status_code=400)
        self.assertNotIn("start_date", response.context["form"].errors)
        response = self.client.post(self.url, self.full(title="Old", start_date="2017-02-01", action="submit"))
        self.assertEqual(response.status_code, 302)  # a warning, not an error

    def test_it_rejects_links_that_are_not_web_addresses_and_keeps_input(self):
        self.login(self.alice)
        response = self.client.post(self.url, self.full(links="https://ok.example\njavascript:alert(1)", action="save"))
        self.assertEqual(response.status_code, 400)
        self.assertIn("links", response.context["form"].errors)
        self.assertContains(response, "javascript:alert(1)", status_code=400)
        self.assertContains(response, "Nothing was saved", status_code=400)
        self.assertFalse(Practice.objects.exists())

    def test_it_refuses_a_bad_date_without_losing_the_rest(self):
        self.login(self.alice)
        response = self.client.post(self.url, self.full(start_date="not a date", action="save"))
        self.assertIn("start_date", response.context["form"].errors)
        self.assertContains(response, "A help desk for migrant workers.", status_code=400)

    def test_it_rejects_get_with_wrong_method(self):
        self.login(self.alice)
        self.assertEqual(self.client.put(self.url).status_code, 405)


class AttachmentTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.url = reverse("knowledge:practice_new")

    def test_it_saves_several_files_with_their_sizes(self):
        self.login(self.alice)
        files = [
            SimpleUploadedFile("report.pdf", b"%PDF-1.4 hello", content_type="application/pdf"),
            SimpleUploadedFile("data.csv", b"a,b\n1,2\n", content_type="text/csv"),
        ]
        self.client.post(self.url, {"title": "With files", "new_attachments": files, "action": "save"})
        practice = Practice.objects.get()
        self.assertEqual(
            sorted((a.title, a.size) for a in practice.attachments.all()), [("data.csv", 8), ("report.pdf", 14)]
        )
        response = self.client.get(reverse("knowledge:practice_edit", args=[practice.slug]))
        self.assertContains(response, "report.pdf")
        self.assertContains(response, "14\xa0bytes")

    def test_it_refuses_a_file_of_the_wrong_type(self):
        self.login(self.alice)
        response = self.client.post(
            self.url,
            {
                "title": "Bad file",
                "action": "save",
                "new_attachments": [SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")],
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "“run.exe” is not a file type accepted here", status_code=400)
        self.assertFalse(Practice.objects.exists())

    def test_it_refuses_a_file_over_25_mb(self):
        big = SimpleUploadedFile("big.pdf", b"", content_type="application/pdf")
        big.size = MAX_ATTACHMENT_SIZE + 1
        form = PracticeForm({"title": "Big"}, MultiValueDict({"new_attachments": [big]}))
        self.assertFalse(form.is_valid())
        self.assertIn("a file may be up to 25.0\xa0MB", form.errors["new_attachments"][0])

    def test_it_asks_to_choose_files_again_when_another_field_fails(self):
        self.login(self.alice)
        response = self.client.post(
            self.url,
            {
                "title": "x",
                "start_date": "nope",
                "action": "save",
                "new_attachments": [SimpleUploadedFile("ok.pdf", b"%PDF-1.4 ok", content_type="application/pdf")],
            },
        )
        self.assertContains(response, "Please choose your files again", status_code=400)

    def test_it_deletes_an_attachment_by_role(self):
        practice = make_practice(self.alice)
        attachment = PracticeAttachment.objects.create(
            practice=practice, title="notes.txt", file=SimpleUploadedFile("notes.txt", b"hello")
        )
        url = reverse("knowledge:attachment_delete", args=[practice.slug, attachment.pk])
        self.assertEqual(self.client.post(url).status_code, 302)  # anonymous → login
        self.login(self.ines)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.login(self.sam)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.login(self.alice)
        self.assertEqual(self.client.get(url).status_code, 405)
        response = self.client.post(url)
        self.assertRedirects(
            response,
            reverse("knowledge:practice_edit", args=[practice.slug]) + "#attachments",
            fetch_redirect_response=False,
        )
        self.assertFalse(PracticeAttachment.objects.exists())

    def test_it_keeps_attachments_once_submitted(self):
        practice = make_practice(self.alice, status=Practice.Status.SUBMITTED)
        attachment = PracticeAttachment.objects.create(
            practice=practice, title="notes.txt", file=SimpleUploadedFile("notes.txt", b"hello")
        )
        self.login(self.alice)
        response = self.client.post(reverse("knowledge:attachment_delete", args=[practice.slug, attachment.pk]))
        self.assertEqual(response.status_code, 403)


class PracticeEditTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(3)
        cls.practice = make_practice(cls.alice, objectives=[cls.objective], countries=[cls.morocco])
        cls.url = reverse("knowledge:practice_edit", args=[cls.practice.slug])

    def test_it_lets_only_the_submitter_edit_a_draft(self):
        self.assertEqual(self.client.get(self.url).status_code, 302)
        for user in (self.fatima, self.ines, self.oscar, self.rita):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(self.url).status_code, 404)
                self.assertEqual(self.client.post(self.url, {"title": "Hijack", "action": "save"}).status_code, 404)
        # The Hub team sees someone else's draft but does not edit it (the text stays the submitter's).
        self.login(self.sam)
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.assertEqual(self.client.post(self.url, {"title": "Hijack", "action": "save"}).status_code, 403)
        self.practice.refresh_from_db()
        self.assertNotEqual(self.practice.title, "Hijack")
        self.login(self.alice)
        self.assertContains(self.client.get(self.url), self.practice.title)

    def test_it_saves_the_changes(self):
        self.login(self.alice)
        data = complete_data(
            title="New title",
            objectives=[self.objective.pk],
            countries=[self.morocco.pk],
            action="save",
            version=self.practice.version,
        )
        self.assertEqual(self.client.post(self.url, data).status_code, 302)
        self.practice.refresh_from_db()
        self.assertEqual(self.practice.title, "New title")
        self.assertEqual(self.practice.events.count(), 1)  # creation only

    def test_it_refuses_edits_once_submitted(self):
        Practice.objects.filter(pk=self.practice.pk).update(status=Practice.Status.SUBMITTED)
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 403)

    def test_it_resubmits_a_returned_practice_in_the_same_round(self):
        Practice.objects.filter(pk=self.practice.pk).update(status=Practice.Status.RETURNED)
        self.login(self.alice)
        data = complete_data(
            objectives=[self.objective.pk], countries=[self.morocco.pk], action="submit", version=self.practice.version
        )
        self.client.post(self.url, data)
        self.practice.refresh_from_db()
        self.assertEqual((self.practice.status, self.practice.round), (Practice.Status.SUBMITTED, 1))
        self.assertEqual(self.practice.events.last().action, PracticeEvent.Action.RESUBMITTED)

    def test_it_resubmits_a_revision_in_the_next_round(self):
        Practice.objects.filter(pk=self.practice.pk).update(status=Practice.Status.REVISION_REQUESTED)
        self.login(self.alice)
        self.client.post(
            self.url,
            complete_data(
                objectives=[self.objective.pk],
                countries=[self.morocco.pk],
                action="submit",
                version=self.practice.version,
            ),
        )
        self.practice.refresh_from_db()
        self.assertEqual((self.practice.status, self.practice.round), (Practice.Status.SUBMITTED, 2))
        event = self.practice.events.last()
        self.assertEqual(
            (event.action, event.from_status, event.round), (PracticeEvent.Action.RESUBMITTED, "revision", 2)
        )


class SubmitActionTestCase(BaseTestCase):
    def test_submission_errors_lists_missing_fields(self):
        practice = make_practice(
            self.alice, title="", summary="", start_date=None, completion="", implementing_organisation_name=""
        )
        errors = actions.submission_errors(practice)
        self.assertEqual(
            set(errors),
            {"title", "summary", "start_date", "completion", "implementing_organisation", "objectives", "countries"},
        )

    def test_it_refuses_to_submit_twice(self):
        practice = make_practice(self.alice, objectives=[make_objective(2)], countries=[self.morocco])
        actions.do_submit_practice(self.alice, practice)
        self.assertEqual(practice.status, Practice.Status.SUBMITTED)
        with self.assertRaises(actions.PracticeStateError):
            actions.do_submit_practice(self.alice, practice)

    def test_it_raises_submission_incomplete_with_errors(self):
        practice = make_practice(self.alice)
        with self.assertRaises(actions.SubmissionIncomplete) as caught:
            actions.do_submit_practice(self.alice, practice)
        self.assertEqual(set(caught.exception.errors), {"objectives", "countries"})
        practice.refresh_from_db()
        self.assertEqual(practice.status, Practice.Status.DRAFT)

    def test_it_saves_a_draft_from_the_form_action(self):
        form = PracticeForm({"title": "Through the action", "language": "es", "geographic_scope": "global"})
        self.assertTrue(form.is_valid(), form.errors)
        practice = actions.do_save_practice(self.fatima, None, actions.PracticeValues.from_cleaned(form.cleaned_data))
        self.assertEqual(
            (practice.submitter, practice.status, practice.language), (self.fatima, Practice.Status.DRAFT, "es")
        )
        self.assertEqual(practice.events.get().action, PracticeEvent.Action.CREATED)


class WithdrawTestCase(BaseTestCase):
    def test_it_withdraws_by_role(self):
        practice = make_practice(self.alice, status=Practice.Status.SUBMITTED)
        url = reverse("knowledge:practice_withdraw", args=[practice.slug])
        self.assertEqual(self.client.post(url).status_code, 302)
        self.login(self.oscar)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.login(self.sam)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.login(self.alice)
        self.assertContains(self.client.get(url), "Withdraw this practice")
        response = self.client.post(url, {"reason": "Funding ended"})
        self.assertRedirects(response, reverse("knowledge:my_submissions"))
        practice.refresh_from_db()
        self.assertEqual(practice.status, Practice.Status.WITHDRAWN)
        event = practice.events.last()
        self.assertEqual((event.action, event.from_status, event.note), ("withdrawn", "submitted", "Funding ended"))
        self.assertEqual(self.client.post(url).status_code, 403)  # once withdrawn, no more

    def test_it_does_not_withdraw_a_published_practice(self):
        practice = make_practice(self.alice, status=Practice.Status.PUBLISHED)
        self.login(self.alice)
        self.assertEqual(
            self.client.post(reverse("knowledge:practice_withdraw", args=[practice.slug])).status_code, 403
        )
        with self.assertRaises(actions.PracticeStateError):
            actions.do_withdraw_practice(self.alice, practice, "")


class DateTestCase(BaseTestCase):
    def test_began_before_gcm(self):
        self.assertTrue(Practice(start_date=datetime.date(2018, 11, 30)).began_before_gcm)
        self.assertFalse(Practice(start_date=datetime.date(2018, 12, 1)).began_before_gcm)
