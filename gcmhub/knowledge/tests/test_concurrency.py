"""No lost updates in the Hub: two sessions (two browsers, or a browser and an API client) work on
the same object, interleaved; the second save is refused, shown what changed, and keeps its text."""

import json
import re

from django.test import Client
from django.urls import reverse
from wagtail.models import APIToken

from gcmhub.accounts.models import Role
from gcmhub.knowledge.criteria import Criterion
from gcmhub.knowledge.models import Practice, PracticeEvent, Resource, Review, ReviewAssignment, ReviewerProfile
from gcmhub.test import (
    BaseTestCase,
    make_assignment,
    make_objective,
    make_practice,
    make_resource,
    make_reviewer,
    make_role,
    make_user,
)

Status = Practice.Status
VERSION = re.compile(r'name="(?:[\w-]+-)?version" value="(\d+)"')
API = "/api/v1"


def page_version(response) -> str:
    """The version a page's form carries (its first hidden `version` field)."""
    match = VERSION.search(response.content.decode())
    assert match, "no version field on the page"
    return match.group(1)


def session(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def practice_data(version, **overrides) -> dict:
    data = {
        "language": "en",
        "title": "Help desk",
        "summary": "A help desk.",
        "geographic_scope": "global",
        "implementing_organisation_name": "City",
        "start_date": "2019-05-01",
        "completion": "completed",
        "description": "What was done.",
        "results": "What changed.",
        "action": "save",
        "version": version,
    }
    data.update(overrides)
    return data


class PracticeEditConflictTestCase(BaseTestCase):
    def edit_url(self, practice):
        return reverse("knowledge:practice_edit", args=[practice.slug])

    def test_it_refuses_the_second_of_two_interleaved_saves_for_every_role(self):
        for user in (self.alice, self.fatima, self.ines, self.rita, self.sam):
            with self.subTest(user=user.email):
                practice = make_practice(user, title="Original")
                first, second = session(user), session(user)
                version_a = page_version(first.get(self.edit_url(practice)))
                version_b = page_version(second.get(self.edit_url(practice)))
                response = first.post(self.edit_url(practice), practice_data(version_a, title="Tab A's title"))
                self.assertEqual(response.status_code, 302)
                response = second.post(
                    self.edit_url(practice),
                    practice_data(version_b, title="Tab B's title", description="Typed in tab B"),
                )
                self.assertEqual(response.status_code, 409)
                self.assertContains(response, "Someone else changed this first", status_code=409)
                self.assertContains(response, '<td class="conflict-saved">Tab A&#x27;s title</td>', status_code=409)
                self.assertContains(response, "Typed in tab B", status_code=409)  # kept in the form
                practice.refresh_from_db()
                self.assertEqual((practice.title, practice.version), ("Tab A's title", 2))
                # The form now carries the current version: saving again is a deliberate overwrite.
                self.assertEqual(page_version(response), "2")
                response = second.post(self.edit_url(practice), practice_data("2", title="Tab B's title"))
                self.assertEqual(response.status_code, 302)
                practice.refresh_from_db()
                self.assertEqual((practice.title, practice.version), ("Tab B's title", 3))

    def test_anonymous_users_are_sent_to_sign_in(self):
        practice = make_practice(self.alice)
        response = self.client.post(self.edit_url(practice), practice_data("1", title="x"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Practice.objects.get(pk=practice.pk).version, 1)

    def test_a_page_without_a_version_is_treated_as_stale(self):
        practice = make_practice(self.alice)
        data = practice_data("1", title="No version")
        del data["version"]
        response = session(self.alice).post(self.edit_url(practice), data)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(Practice.objects.get(pk=practice.pk).title, practice.title)

    def test_a_web_save_after_an_api_patch_is_refused(self):
        practice = make_practice(self.alice, title="Original")
        browser = session(self.alice)
        version = page_version(browser.get(self.edit_url(practice)))
        token = self.token(self.alice)
        etag = self.client.get(f"{API}/practices/{practice.slug}", headers={"Authorization": f"Bearer {token}"})["ETag"]
        response = self.patch(practice, {"title": "From the API"}, token, etag)
        self.assertEqual(response.status_code, 200, response.content)
        response = browser.post(self.edit_url(practice), practice_data(version, title="From the browser"))
        self.assertContains(response, "From the API", status_code=409)
        self.assertEqual(Practice.objects.get(pk=practice.pk).title, "From the API")

    def test_an_api_patch_after_a_web_save_is_refused_with_the_current_version(self):
        practice = make_practice(self.alice, title="Original")
        token = self.token(self.alice)
        etag = self.client.get(f"{API}/practices/{practice.slug}", headers={"Authorization": f"Bearer {token}"})["ETag"]
        self.assertEqual(etag, '"1"')
        session(self.alice).post(self.edit_url(practice), practice_data("1", title="From the browser"))
        response = self.patch(practice, {"title": "From the API"}, token, etag)
        self.assertEqual(response.status_code, 412)
        body = response.json()
        self.assertEqual((body["etag"], body["current"]["title"]), ('"2"', "From the browser"))
        response = self.patch(practice, {"title": "From the API"}, token, body["etag"])
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["ETag"], '"3"')

    def test_an_api_patch_needs_if_match(self):
        practice = make_practice(self.alice)
        token = self.token(self.alice)
        response = self.patch(practice, {"title": "Blind"}, token, None)
        self.assertEqual(response.status_code, 428)
        self.assertIn("If-Match", response.json()["detail"])
        self.assertEqual(self.patch(practice, {"title": "Forced"}, token, "*").status_code, 200)
        self.assertEqual(self.patch(practice, {"title": "Bad tag"}, token, '"x"').status_code, 412)
        self.assertEqual(self.patch(practice, {"title": "Bad tag"}, token, "garbage").status_code, 412)
        self.assertEqual(Practice.objects.get(pk=practice.pk).title, "Forced")

    def test_an_api_patch_from_other_roles_is_refused_before_the_version(self):
        practice = make_practice(self.alice)
        for user in (self.fatima, self.ines, self.rita, self.sam):
            with self.subTest(user=user.email):
                response = self.patch(practice, {"title": "Hijack"}, self.token(user), '"1"')
                self.assertIn(response.status_code, (403, 404))
        self.assertEqual(Practice.objects.get(pk=practice.pk).version, 1)

    def test_a_save_after_the_practice_was_submitted_elsewhere_keeps_the_text(self):
        objective = make_objective(4)
        practice = make_practice(self.alice, objectives=[objective])
        browser = session(self.alice)
        version = page_version(browser.get(self.edit_url(practice)))
        self.assertEqual(
            session(self.alice)
            .post(self.edit_url(practice), practice_data(version, action="submit", objectives=[objective.pk]))
            .status_code,
            302,
        )
        response = browser.post(self.edit_url(practice), practice_data(version, description="Late words"))
        self.assertContains(response, "can no longer be edited", status_code=409)
        self.assertContains(response, "Late words", status_code=409)
        self.assertEqual(Practice.objects.get(pk=practice.pk).status, Status.SUBMITTED)

    def token(self, user) -> str:
        return APIToken.create_token(user=user, name="test")[1]

    def patch(self, practice, body, token, if_match):
        headers = {"Authorization": f"Bearer {token}"}
        if if_match is not None:
            headers["If-Match"] = if_match
        return self.client.patch(
            f"{API}/practices/{practice.slug}", json.dumps(body), content_type="application/json", headers=headers
        )


class HubTeamConflictTestCase(BaseTestCase):
    """Two Hub team members (Secretariat) act on the same practice or proposal at once."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.sam2 = make_user("sam2@example.org", full_name="Second Secretariat")
        make_role(cls.sam2, Role.Kind.SECRETARIAT)

    def test_the_second_screening_is_told_and_keeps_its_note(self):
        practice = make_practice(self.alice, status=Status.SUBMITTED)
        url = reverse("knowledge:review_practice", args=[practice.slug])
        first, second = session(self.sam), session(self.sam2)
        version_a, version_b = page_version(first.get(url)), page_version(second.get(url))
        screen = reverse("knowledge:screen", args=[practice.slug])
        self.assertEqual(first.post(screen, {"decision": "accept", "version": version_a}).status_code, 302)
        response = second.post(screen, {"decision": "decline", "note": "Out of scope", "version": version_b})
        self.assertContains(response, "Someone changed this practice while you were on this page", status_code=409)
        self.assertContains(response, "Accepted for review, by Sam Secretariat", status_code=409)
        self.assertContains(response, "Out of scope", status_code=409)
        practice.refresh_from_db()
        self.assertEqual(practice.status, Status.IN_REVIEW)
        self.assertEqual(practice.events.filter(action=PracticeEvent.Action.DECLINED).count(), 0)

    def test_the_second_decision_is_told(self):
        practice = make_practice(self.alice, status=Status.REVIEWED)
        url = reverse("knowledge:review_practice", args=[practice.slug])
        first, second = session(self.sam), session(self.sam2)
        version_a, version_b = page_version(first.get(url)), page_version(second.get(url))
        decide = reverse("knowledge:decide", args=[practice.slug])
        self.assertEqual(first.post(decide, {"decision": "publish", "version": version_a}).status_code, 302)
        response = second.post(decide, {"decision": "decline", "feedback": "No", "version": version_b})
        self.assertEqual(response.status_code, 409)
        self.assertEqual(Practice.objects.get(pk=practice.pk).status, Status.PUBLISHED)

    def test_a_review_that_came_in_meanwhile_stops_a_decision(self):
        practice = make_practice(self.alice, status=Status.REVIEWED)
        url = reverse("knowledge:review_practice", args=[practice.slug])
        version = page_version(session(self.sam).get(url))
        Practice.objects.filter(pk=practice.pk).update(version=practice.version + 1)  # e.g. a review edited
        response = session(self.sam).post(
            reverse("knowledge:decide", args=[practice.slug]), {"decision": "publish", "version": version}
        )
        self.assertEqual(response.status_code, 409)

    def test_the_second_decision_on_a_proposal_is_told_and_keeps_its_note(self):
        proposal = make_resource(status=Resource.Status.PROPOSED, proposed_by=self.ines, title_en="Toolkit")
        url = reverse("knowledge:resource_proposals")
        first, second = session(self.sam), session(self.sam2)
        version_a, version_b = page_version(first.get(url)), page_version(second.get(url))
        decide = reverse("knowledge:resource_decide", args=[proposal.slug])
        prefix = f"r{proposal.pk}"
        self.assertEqual(
            first.post(decide, {f"{prefix}-decision": "publish", f"{prefix}-version": version_a}).status_code, 302
        )
        response = second.post(
            decide, {f"{prefix}-decision": "decline", f"{prefix}-note": "Dated", f"{prefix}-version": version_b}
        )
        self.assertContains(response, "Someone else decided on “Toolkit” first", status_code=409)
        self.assertContains(response, "Dated", status_code=409)
        self.assertEqual(Resource.objects.get(pk=proposal.pk).status, Resource.Status.PUBLISHED)

    def test_other_roles_cannot_decide_at_all(self):
        practice = make_practice(self.alice, status=Status.SUBMITTED)
        for user in (self.alice, self.fatima, self.ines, self.rita):
            with self.subTest(user=user.email):
                response = session(user).post(
                    reverse("knowledge:screen", args=[practice.slug]), {"decision": "accept", "version": "1"}
                )
                self.assertEqual(response.status_code, 403)
        self.assertEqual(Practice.objects.get(pk=practice.pk).version, 1)

    def test_the_second_roster_edit_is_refused(self):
        reviewer = make_reviewer("rev@example.org")
        url = reverse("knowledge:roster_edit", args=[reviewer.pk])
        first, second = session(self.sam), session(self.sam2)
        version_a, version_b = page_version(first.get(url)), page_version(second.get(url))
        data = {"languages": ["en"], "affiliation_other": "University A", "version": version_a}
        self.assertEqual(first.post(url, data).status_code, 302)
        response = second.post(url, {**data, "affiliation_other": "University B", "version": version_b})
        self.assertContains(response, "University A", status_code=409)
        self.assertEqual(ReviewerProfile.objects.get(user=reviewer).affiliation_other, "University A")


class ReviewEditConflictTestCase(BaseTestCase):
    def scores(self, value, version, **extra):
        data = {f"score_{c}": value for c in Criterion.values}
        data.update(recommendation="publish", comments_for_submitter="", comments_for_hub="", version=version)
        data.update(extra)
        return data

    def test_a_reviewer_edits_their_review_and_a_stale_tab_is_refused(self):
        practice = make_practice(self.alice, status=Status.IN_REVIEW)
        assignment = make_assignment(practice, self.rita, state=ReviewAssignment.State.SUBMITTED)
        review = Review.objects.create(
            assignment=assignment, scores=dict.fromkeys(Criterion.values, 3), recommendation="revise"
        )
        url = reverse("knowledge:review_assignment", args=[assignment.pk])
        first, second = session(self.rita), session(self.rita)
        version_a, version_b = page_version(first.get(url)), page_version(second.get(url))
        response = first.post(url, self.scores(4, version_a, comments_for_submitter="From tab A"))
        self.assertEqual(response.status_code, 302)
        response = second.post(url, self.scores(2, version_b, comments_for_submitter="From tab B"))
        self.assertContains(response, "From tab A", status_code=409)  # their version, shown
        self.assertContains(response, "From tab B", status_code=409)  # what was typed, kept
        review.refresh_from_db()
        self.assertEqual((review.comments_for_submitter, review.version), ("From tab A", 2))
        self.assertEqual(practice.events.filter(action=PracticeEvent.Action.REVIEW_EDITED).count(), 1)

    def test_a_review_cannot_be_changed_once_the_round_is_complete(self):
        practice = make_practice(self.alice, status=Status.REVIEWED)
        assignment = make_assignment(practice, self.rita, state=ReviewAssignment.State.SUBMITTED)
        Review.objects.create(assignment=assignment, scores=dict.fromkeys(Criterion.values, 3), recommendation="revise")
        url = reverse("knowledge:review_assignment", args=[assignment.pk])
        self.assertNotContains(session(self.rita).get(url), "Change your review")
        response = session(self.rita).post(url, self.scores(5, "1"))
        self.assertContains(response, "nothing was changed", status_code=400)
        for user in (self.alice, self.sam):
            with self.subTest(user=user.email):
                self.assertIn(session(user).post(url, self.scores(5, "1")).status_code, (403, 404))
