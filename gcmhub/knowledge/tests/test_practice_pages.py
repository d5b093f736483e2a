import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gcmhub.knowledge.actions import submissions as actions
from gcmhub.knowledge.models import Practice, PracticeAttachment, PracticeEvent, ReviewAssignment
from gcmhub.test import BaseTestCase, make_assignment, make_call, make_objective, make_practice, make_reviewer


class PracticeDetailTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(5)
        cls.call = make_call(title_en="Labour mobility")
        cls.published = make_practice(
            cls.alice,
            objectives=[cls.objective],
            countries=[cls.morocco],
            status=Practice.Status.PUBLISHED,
            title="Guichet des travailleurs",
            language="fr",
            call=cls.call,
            implementing_organisation=cls.iom,
            challenges="Les défis",
            lessons="Les leçons",
            links="https://example.org/guichet\njavascript:alert(1)",
            published_at=datetime.datetime(2026, 2, 3, 10, 0, tzinfo=datetime.UTC),
        )
        cls.published.partner_organisations.set([cls.ohchr])
        PracticeAttachment.objects.create(
            practice=cls.published, title="rapport.pdf", file=SimpleUploadedFile("rapport.pdf", b"x" * 2048)
        )
        cls.draft = make_practice(cls.alice, title="Alice's draft")
        cls.url = reverse("knowledge:practice", args=[cls.published.slug])
        cls.draft_url = reverse("knowledge:practice", args=[cls.draft.slug])

    def test_it_shows_a_published_practice_to_everyone(self):
        with self.assertNumQueries(7):  # the practice with its links, then one query per list it shows
            response = self.client.get(self.url)
        self.assertContains(response, "Peer reviewed")
        self.assertContains(response, "published on 3 February 2026")
        self.assertContains(response, '<article lang="fr">', html=False)
        for text in (
            "Guichet des travailleurs",
            "Les défis",
            "Les leçons",
            "Objective 5",
            "Morocco",
            "International Organization for Migration",
            "Labour mobility",
            "rapport.pdf",
            "2.0\xa0KB",
            "https://example.org/guichet",
            reverse("taxonomy:objective", args=[5]),
        ):
            self.assertContains(response, text)
        self.assertNotContains(response, "javascript:alert")
        self.assertNotContains(response, "Status of this submission")
        self.assertNotContains(response, "Propose an update")

    def test_it_does_not_mark_the_language_when_it_is_the_page_language(self):
        response = self.client.get(f"/fr/hub/practices/{self.published.slug}/")
        self.assertContains(response, "<article>")

    def test_it_hides_a_draft_from_others(self):
        self.assertEqual(self.client.get(self.draft_url).status_code, 404)
        for user in (self.fatima, self.ines, self.rita):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.get(self.draft_url).status_code, 404)

    def test_the_hub_team_sees_a_draft_without_edit_actions(self):
        self.login(self.sam)
        response = self.client.get(self.draft_url)
        self.assertContains(response, "Status of this submission")
        self.assertNotContains(response, "Edit and submit")

    def test_an_accepted_reviewer_sees_the_practice(self):
        reviewer = make_reviewer()
        practice = make_practice(self.alice, status=Practice.Status.IN_REVIEW)
        make_assignment(practice, reviewer, state=ReviewAssignment.State.ACCEPTED)
        self.login(reviewer)
        self.assertEqual(self.client.get(practice.get_absolute_url()).status_code, 200)

    def test_the_submitter_sees_status_feedback_and_actions(self):
        practice = make_practice(self.alice, status=Practice.Status.RETURNED)
        PracticeEvent.objects.create(
            practice=practice,
            action=PracticeEvent.Action.RETURNED,
            actor=self.sam,
            note="Please add the results in figures.",
            visible_to_submitter=True,
        )
        PracticeEvent.objects.create(
            practice=practice, action=PracticeEvent.Action.RETURNED, actor=self.sam, note="Internal: check the partner."
        )
        self.login(self.alice)
        response = self.client.get(practice.get_absolute_url())
        self.assertContains(response, "Returned for more information")
        self.assertContains(response, "Please add the results in figures.")
        self.assertNotContains(response, "Internal: check the partner.")
        self.assertContains(response, reverse("knowledge:practice_edit", args=[practice.slug]))
        self.assertContains(response, reverse("knowledge:practice_withdraw", args=[practice.slug]))

    def test_the_submitter_may_propose_an_update_of_a_published_practice(self):
        self.login(self.alice)
        response = self.client.get(self.url)
        self.assertContains(response, "Propose an update")
        self.assertContains(response, "Peer reviewed")

    def test_it_rejects_post(self):
        self.assertEqual(self.client.post(self.url).status_code, 405)


class PracticeUpdateTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(2)
        cls.practice = make_practice(
            cls.alice,
            objectives=[cls.objective],
            countries=[cls.morocco],
            status=Practice.Status.PUBLISHED,
            challenges="Old challenges",
            criteria_met=["results"],
        )
        cls.practice.partner_organisations.set([cls.iom])
        PracticeAttachment.objects.create(
            practice=cls.practice, title="a.txt", file=SimpleUploadedFile("a.txt", b"abc")
        )
        cls.url = reverse("knowledge:practice_update", args=[cls.practice.slug])

    def test_it_creates_an_update_draft_by_role(self):
        self.assertEqual(self.client.post(self.url).status_code, 302)
        self.assertFalse(self.practice.updates.exists())  # anonymous went to login
        for user in (self.ines, self.sam):
            with self.subTest(user=user.email):
                self.login(user)
                self.assertEqual(self.client.post(self.url).status_code, 403)
        self.login(self.alice)
        self.assertEqual(self.client.get(self.url).status_code, 405)
        response = self.client.post(self.url)
        update = self.practice.updates.get()
        self.assertRedirects(response, reverse("knowledge:practice_edit", args=[update.slug]))
        self.assertEqual((update.status, update.submitter, update.title), ("draft", self.alice, self.practice.title))
        self.assertEqual(update.challenges, "Old challenges")
        self.assertEqual(update.criteria_met, ["results"])
        self.assertEqual(list(update.objectives.all()), [self.objective])
        self.assertEqual(list(update.countries.all()), [self.morocco])
        self.assertEqual(list(update.partner_organisations.all()), [self.iom])
        self.assertEqual(
            [a.file.name for a in update.attachments.all()], [a.file.name for a in self.practice.attachments.all()]
        )
        self.assertEqual(self.practice.events.last().action, PracticeEvent.Action.UPDATE_STARTED)
        # A second click returns the open update instead of making another.
        self.client.post(self.url)
        self.assertEqual(self.practice.updates.count(), 1)
        # The published practice still reads as before, and points the submitter at the update.
        response = self.client.get(self.practice.get_absolute_url())
        self.assertContains(response, "See your update in progress")

    def test_the_update_goes_back_through_screening(self):
        update = actions.do_start_practice_update(self.alice, self.practice)
        self.login(self.alice)
        data = {
            "language": "en",
            "title": "Updated title",
            "summary": "S",
            "geographic_scope": "national",
            "countries": [self.morocco.pk],
            "implementing_organisation_name": "City",
            "start_date": "2019-01-01",
            "completion": "completed",
            "objectives": [self.objective.pk],
            "description": "D",
            "results": "R",
            "action": "submit",
            "version": update.version,
        }
        response = self.client.post(reverse("knowledge:practice_edit", args=[update.slug]), data)
        self.assertEqual(response.status_code, 302)
        update.refresh_from_db()
        self.practice.refresh_from_db()
        self.assertEqual(update.status, Practice.Status.SUBMITTED)
        self.assertEqual((self.practice.status, self.practice.title == "Updated title"), ("published", False))
        # The update is not public.
        self.client.logout()
        self.assertEqual(self.client.get(update.get_absolute_url()).status_code, 404)

    def test_deleting_a_shared_attachment_from_the_update_keeps_the_file(self):
        update = actions.do_start_practice_update(self.alice, self.practice)
        shared = update.attachments.get()
        self.login(self.alice)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("knowledge:attachment_delete", args=[update.slug, shared.pk]))
        original = self.practice.attachments.get()
        self.assertTrue(original.file.storage.exists(original.file.name))

    def test_copy_practice_content_copies_fields_and_relations(self):
        target = make_practice(self.fatima, title="Other", challenges="")
        PracticeAttachment.objects.create(practice=target, title="old.txt", file=SimpleUploadedFile("old.txt", b"o"))
        actions.copy_practice_content(self.practice, target)
        target.refresh_from_db()
        self.assertEqual([(a.title, a.size) for a in target.attachments.all()], [("a.txt", 3)])
        self.assertEqual(
            (target.title, target.challenges, target.submitter), (self.practice.title, "Old challenges", self.fatima)
        )
        self.assertEqual(list(target.objectives.all()), [self.objective])

    def test_a_draft_cannot_be_updated(self):
        draft = make_practice(self.alice)
        self.login(self.alice)
        response = self.client.post(reverse("knowledge:practice_update", args=[draft.slug]))
        self.assertEqual(response.status_code, 403)


class MySubmissionsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        call = make_call(title_en="Labour mobility")
        cls.first = make_practice(cls.alice, title="First", call=call)
        make_practice(cls.alice, title="Second", status=Practice.Status.IN_REVIEW, round=2)
        make_practice(cls.alice, title="Third", status=Practice.Status.PUBLISHED)
        make_practice(cls.ines, title="Not Alice's")

    def test_it_lists_the_users_practices_with_status_and_next_step(self):
        self.login(self.alice)
        url = reverse("knowledge:my_submissions")
        self.client.get(url)  # warm the session
        with self.assertNumQueries(4):  # session, user, roles (site menu), practices
            response = self.client.get(url)
        for text in (
            "First",
            "Second",
            "Third",
            "Labour mobility",
            "In peer review",
            "Peer reviewers are reading it.",
            "Published. You may propose an update.",
            "Complete it and submit it for review.",
            reverse("knowledge:practice_edit", args=[self.first.slug]),
        ):
            self.assertContains(response, text)
        self.assertNotContains(response, "Not Alice&#x27;s")

    def test_it_sends_anonymous_users_to_login(self):
        response = self.client.get(reverse("knowledge:my_submissions"))
        self.assertEqual(response.status_code, 302)

    def test_it_reads_in_three_languages(self):
        self.login(self.alice)
        for lang in ("en", "fr", "es"):
            with self.subTest(lang=lang):
                self.assertEqual(self.client.get(f"/{lang}/hub/my/submissions/").status_code, 200)
