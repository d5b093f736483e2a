"""Parts of signed-in pages kept by `{% fragment %}` and the API's kept answers
(gcmhub/pagecache/fragments.py, gcmhub/api/responses.py): kept per language, values and data
generations, never stale after a change, never one visitor's own data shown to another."""

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from gcmhub.knowledge.models import Practice, PracticeEvent, Resource
from gcmhub.pagecache import fragments, generations, policy
from gcmhub.test import BaseTestCase, make_activity, make_objective, make_practice, make_resource
from gcmhub.workplan.tests.test_activity import ActivityFixtures
from gcmhub.workplan.tests.test_updates import status_data


def session(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


class FragmentCacheMixin:
    def setUp(self):
        super().setUp()
        caches["pages"].clear()
        policy.match.cache_clear()
        self.addCleanup(caches["pages"].clear)
        # The test data's bumps live in the test case's transaction: start as after a commit.
        generations.forget_bumps()

    def commit(self):
        """What a commit does to the bumps of this test's changes (the test never commits)."""
        generations.forget_bumps()


@override_settings(PAGE_CACHE_ENABLED=True)
class FragmentTests(FragmentCacheMixin, BaseTestCase):
    def setUp(self):
        super().setUp()
        self.calls = 0

    def part(self, name="test:part", vary=(), scopes=("taxonomy",), output="<p>part</p>", query=""):
        def compute():
            self.calls += 1
            return output

        return fragments.cached(name, vary, scopes, compute, query)

    def test_it_keeps_a_part_until_its_scope_changes(self):
        self.part()
        self.part()
        self.assertEqual(self.calls, 1)
        make_objective(1)  # a taxonomy change, not committed yet
        self.part()
        self.part()
        self.assertEqual(self.calls, 3)  # shown, never kept while the change may roll back
        self.commit()
        self.part()
        self.part()
        self.assertEqual(self.calls, 4)  # kept again under the new generation

    def test_it_leaves_parts_of_other_scopes_alone(self):
        self.part()
        make_activity()  # workplan (and taxonomy: the organisations it creates) …
        self.commit()
        self.part(name="test:knowledge", scopes=("knowledge",))
        self.part(name="test:knowledge", scopes=("knowledge",))
        self.assertEqual(self.calls, 2)

    def test_it_keeps_one_part_per_language_and_per_value(self):
        for language in ("en", "fr", "en", "fr"):
            with translation.override(language):
                self.part(output=f"<p>{language}</p>")
        self.assertEqual(self.calls, 2)
        with translation.override("fr"):
            self.assertEqual(self.part(), "<p>fr</p>")
        self.part(vary=(True,))
        self.part(vary=(False,))
        self.part(vary=(True,))
        self.assertEqual(self.calls, 4)

    def test_it_never_keeps_a_csrf_token(self):
        output = '<input type="hidden" name="csrfmiddlewaretoken" value="secret">'
        with self.assertLogs("gcmhub.pagecache.fragments", "WARNING"):
            self.part(output=output)
            self.part(output=output)
        self.assertEqual(self.calls, 2)

    def test_it_never_keeps_a_part_whose_query_string_cannot_be_kept(self):
        self.part(query=None)
        self.part(query=None)
        self.assertEqual(self.calls, 2)

    @override_settings(PAGE_CACHE_ENABLED=False)
    def test_it_computes_every_time_when_the_cache_is_off(self):
        self.part()
        self.part()
        self.assertEqual(self.calls, 2)


@override_settings(PAGE_CACHE_ENABLED=True)
class WorkPlanFragmentTests(FragmentCacheMixin, ActivityFixtures):
    def test_it_shows_a_status_update_to_everyone_at_once(self):
        page = self.activity.get_absolute_url()
        list_page = reverse("workplan:activities", args=[self.plan.slug])
        for client in (session(self.sam), session(self.alice), session()):
            client.get(page)
            client.get(list_page)
        response = session(self.ines).post(
            reverse("workplan:activity_status", args=[self.activity.pk]),
            status_data(**{"status-status": "delayed", "status-narrative": "Waiting for the venue"}),
        )
        self.assertEqual(response.status_code, 302)
        self.commit()
        for user in (self.sam, self.alice, self.oscar):
            with self.subTest(user=user.email):
                self.assertContains(session(user).get(page), "Waiting for the venue")
                self.assertContains(session(user).get(list_page), "Delayed")

    def test_it_shows_a_changed_text_in_the_same_transaction_and_after_it(self):
        page = reverse("workplan:activities", args=[self.plan.slug])
        secretariat = session(self.sam)
        secretariat.get(page)
        with transaction.atomic():
            self.activity.text_en = "Draft a guidance note on returns"
            self.activity.save(update_fields=["text_en"])
            self.assertContains(secretariat.get(page), "Draft a guidance note on returns")
        self.commit()
        self.assertContains(secretariat.get(page), "Draft a guidance note on returns")
        self.assertContains(session(self.alice).get(page), "Draft a guidance note on returns")

    @override_settings(
        CACHES={
            **settings.CACHES,
            # Outside the database, as in production: a rollback does not undo what was kept.
            "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragment-tests"},
        }
    )
    def test_it_never_keeps_what_a_rolled_back_transaction_showed(self):
        caches["pages"].clear()
        self.addCleanup(caches["pages"].clear)
        page = reverse("workplan:activities", args=[self.plan.slug])
        secretariat = session(self.sam)
        secretariat.get(page)
        try:
            with transaction.atomic():
                self.activity.text_en = "Text that was rolled back"
                self.activity.save(update_fields=["text_en"])
                self.assertContains(secretariat.get(page), "Text that was rolled back")
                raise RuntimeError
        except RuntimeError:
            pass
        # The next committed change takes the generation the rolled-back one had used.
        self.ohchr_activity.text_en = "Committed text"
        self.ohchr_activity.save(update_fields=["text_en"])
        self.commit()
        response = secretariat.get(page)
        self.assertContains(response, "Committed text")
        self.assertNotContains(response, "Text that was rolled back")

    def test_it_keeps_the_list_per_language(self):
        secretariat = session(self.sam)
        english = reverse("workplan:activities", args=[self.plan.slug])
        with translation.override("fr"):
            french = reverse("workplan:activities", args=[self.plan.slug])
        secretariat.get(english)
        self.assertContains(secretariat.get(french), "Élaborer une note d&#x27;orientation")
        self.assertContains(secretariat.get(french), 'lang="fr"')
        self.assertContains(secretariat.get(english), 'lang="en"')

    def test_it_never_shows_the_status_form_or_a_token_to_those_who_cannot_post(self):
        page = self.activity.get_absolute_url()
        self.assertContains(session(self.sam).get(page), 'id="status-form-heading"')
        self.assertContains(session(self.ines).get(page), 'id="status-form-heading"')
        for user in (None, self.alice, self.fatima, self.rita):
            with self.subTest(user=user and user.email):
                response = session(user).get(page)
                self.assertNotContains(response, 'id="status-form-heading"')
                self.assertNotContains(response, "status-latest_update")

    def test_it_gives_each_focal_point_the_csrf_token_of_their_own_session(self):
        page = self.activity.get_absolute_url()
        first, second = session(self.sam), session(self.ines)
        first.get(page)
        response = second.get(page)
        token = response.context["csrf_token"]
        self.assertContains(response, f'name="csrfmiddlewaretoken" value="{token}"')

    def test_it_runs_a_fixed_number_of_queries_on_a_kept_list(self):
        page = reverse("workplan:activities", args=[self.plan.slug])
        secretariat = session(self.sam)
        secretariat.get(page)
        # Session, plan, user, roles, generations and the kept part (the tests' cache is a table):
        # the rows come from the kept part.
        with self.assertNumQueries(6):
            secretariat.get(page)
        for _ in range(5):
            make_activity(self.priority, text_en="Another activity")
        self.commit()
        secretariat.get(page)
        with self.assertNumQueries(6):
            secretariat.get(page)


@override_settings(PAGE_CACHE_ENABLED=True)
class HubFragmentPrivacyTests(FragmentCacheMixin, BaseTestCase):
    def test_it_never_shows_a_submitter_their_controls_on_anothers_page_or_the_reverse(self):
        practice = make_practice(self.alice, status=Practice.Status.PUBLISHED, title="Clinics at the border")
        PracticeEvent.objects.create(
            practice=practice,
            action=PracticeEvent.Action.RETURNED,
            actor=self.sam,
            note="Secretariat note for the submitter only",
            visible_to_submitter=True,
        )
        self.commit()
        page = practice.get_absolute_url()
        update_url = reverse("knowledge:practice_update", args=[practice.slug])
        my_submissions = reverse("knowledge:my_submissions")
        # The Secretariat first (kept), then the submitter (their own part, not kept).
        session(self.sam).get(page)
        own = session(self.alice).get(page)
        self.assertContains(own, update_url)
        for user in (None, self.fatima, self.ines, self.rita, self.sam):
            with self.subTest(user=user and user.email):
                response = session(user).get(page)
                self.assertContains(response, "Clinics at the border")
                self.assertNotContains(response, update_url)
                self.assertNotContains(response, f'href="{my_submissions}" aria-current')
                self.assertNotContains(response, "Secretariat note for the submitter only")
        # The submitter after everyone else still sees their own controls.
        self.assertContains(session(self.alice).get(page), update_url)

    def test_it_shows_the_publish_link_of_a_proposal_only_to_those_who_may_publish(self):
        resource = make_resource(status=Resource.Status.PROPOSED, proposed_by=self.ines, title_en="Toolkit")
        self.commit()
        page = resource.get_absolute_url()
        proposals = reverse("knowledge:resource_proposals")
        self.assertContains(session(self.sam).get(page), proposals)
        response = session(self.ines).get(page)
        self.assertContains(response, "Toolkit")
        self.assertNotContains(response, proposals)
        self.assertContains(session(self.sam).get(page), proposals)
        for user in (None, self.alice, self.oscar):
            with self.subTest(user=user and user.email):
                self.assertEqual(session(user).get(page).status_code, 404)

    def test_it_keeps_the_empty_feedback_fields_but_never_a_visitors_own_address(self):
        tool = make_resource(is_network_tool=True, title_en="Guidance on returns")
        self.commit()
        page = tool.get_absolute_url()
        for user in (self.alice, self.fatima, None):
            with self.subTest(user=user and user.email):
                response = session(user).get(page)
                self.assertContains(response, 'name="rating"')
                self.assertContains(response, 'name="country"')
                self.assertContains(response, 'name="csrfmiddlewaretoken"')
                if user is not None:
                    self.assertContains(response, f'value="{user.email}"')
                others = {self.alice.email, self.fatima.email} - {user and user.email}
                for other in others:
                    self.assertNotContains(response, other)

    def test_it_shows_new_feedback_to_the_secretariat_at_once_and_keeps_public_pages(self):
        tool = make_resource(is_network_tool=True, title_en="Guidance on returns")
        self.commit()
        results = reverse("knowledge:feedback_results")
        one_tool = reverse("knowledge:feedback_tool", args=[tool.slug])
        secretariat = session(self.sam)
        secretariat.get(results)
        secretariat.get(one_tool)
        before = generations.read_all()
        response = Client().post(
            reverse("knowledge:resource_feedback", args=[tool.slug]),
            {"rating": "4", "improvements": "A summary in Spanish"},
        )
        self.assertEqual(response.status_code, 302)
        after = generations.read_all()
        self.assertEqual(after.pop("toolfeedback"), before.pop("toolfeedback", 0) + 1)
        self.assertEqual(after, before)  # no page anonymous visitors read is invalidated
        self.assertContains(secretariat.get(one_tool), "A summary in Spanish")
        self.assertContains(secretariat.get(results), "<td>1</td>", html=False)


@override_settings(PAGE_CACHE_ENABLED=True)
class ApiKeptAnswerTests(FragmentCacheMixin, ActivityFixtures):
    URL = "/api/v1/activities?limit=50"

    def test_it_answers_a_kept_page_with_fewer_queries_and_the_same_bytes(self):
        client = session()
        with CaptureQueriesContext(transaction.get_connection()) as first:
            computed = client.get(self.URL)
        with CaptureQueriesContext(transaction.get_connection()) as second:
            kept = client.get(self.URL)
        self.assertEqual(kept.content, computed.content)
        self.assertEqual(kept["Content-Type"], "application/json; charset=utf-8")
        self.assertLess(len(second), len(first))
        with self.assertNumQueries(2):  # the generations and the kept answer (the tests' cache is a table)
            client.get(self.URL)

    def test_it_answers_a_change_at_once(self):
        client = session()
        client.get(self.URL)
        self.activity.text_en = "Draft a guidance note on returns"
        self.activity.save(update_fields=["text_en"])
        texts = [item["text"] for item in client.get(self.URL).json()["items"]]
        self.assertIn("Draft a guidance note on returns", texts)
        self.commit()
        texts = [item["text"] for item in client.get(self.URL).json()["items"]]
        self.assertIn("Draft a guidance note on returns", texts)

    def test_it_keeps_one_answer_per_language_and_query(self):
        client = session()
        english = client.get(self.URL).json()
        french = client.get(self.URL + "&lang=fr").json()
        self.assertEqual(french["items"][0]["text"], "Élaborer une note d'orientation")
        self.assertIn("/fr/", french["items"][0]["url"])
        self.assertEqual(client.get(self.URL).json(), english)
        self.assertIn("/en/", english["items"][0]["url"])
        self.assertEqual(len(client.get("/api/v1/activities?limit=1").json()["items"]), 1)

    def test_it_gives_a_token_holder_and_anonymous_the_same_public_list(self):
        from wagtail.models import APIToken

        _instance, plaintext = APIToken.create_token(user=self.sam, name="test")
        with_token = session().get(self.URL, HTTP_AUTHORIZATION=f"Bearer {plaintext}")
        self.assertEqual(with_token.status_code, 200)
        self.assertEqual(session().get(self.URL).content, with_token.content)


@override_settings(PAGE_CACHE_ENABLED=True)
class ReferenceFragmentTests(FragmentCacheMixin, ActivityFixtures):
    def test_it_shows_a_change_of_an_organisations_work_at_once(self):
        page = reverse("taxonomy:organisation", args=[self.iom.slug])
        secretariat = session(self.sam)
        self.assertContains(secretariat.get(page), "2.1")
        with CaptureQueriesContext(transaction.get_connection()) as kept:
            secretariat.get(page)
        self.priority.code = "9.9"
        self.priority.save(update_fields=["code"])
        self.commit()
        for client in (secretariat, session(self.alice)):
            response = client.get(page)
            self.assertContains(response, "9.9")
        with CaptureQueriesContext(transaction.get_connection()) as computed_again:
            session(self.fatima).get(reverse("taxonomy:organisation", args=[self.ohchr.slug]))
        self.assertLess(len(kept), len(computed_again))
