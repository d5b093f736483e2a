import datetime
import io
import re
import tempfile

import time_machine
from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory, SimpleTestCase, TransactionTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from gcmhub.knowledge.models import Resource, ToolFeedback
from gcmhub.lib.changes import announce_changes
from gcmhub.pagecache import generations, policy
from gcmhub.pagecache.middleware import PageCacheMiddleware
from gcmhub.pagecache.models import Generation
from gcmhub.search.indexing import rebuild
from gcmhub.search.tests.helpers import HubTestCase
from gcmhub.taxonomy.models import Objective
from gcmhub.test import BaseTestCase, make_activity, make_call, make_objective, make_resource, make_user, make_workplan


def url(name, *args, lang="en"):
    with translation.override(lang):
        return reverse(name, args=args)


class CacheTestMixin:
    def setUp(self):
        super().setUp()
        caches["pages"].clear()
        policy.match.cache_clear()
        self.addCleanup(caches["pages"].clear)

    def assertHit(self, response):
        self.assertEqual(response.get("X-Page-Cache"), "hit")
        self.assertIsNone(response.context)  # no template rendered: the view did not run

    def assertComputed(self, response):
        self.assertNotEqual(response.get("X-Page-Cache"), "hit")
        self.assertIsNotNone(response.context)


@override_settings(PAGE_CACHE_ENABLED=True)
class PageCacheTests(CacheTestMixin, BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.objective = make_objective(7, short_en="Address vulnerabilities")

    def test_it_serves_a_second_anonymous_hit_without_touching_the_view(self):
        first = self.client.get(url("taxonomy:objectives"))
        self.assertEqual(first["X-Page-Cache"], "miss")
        self.assertComputed(first)
        with self.assertNumQueries(2):  # the generations, the cache row
            second = self.client.get(url("taxonomy:objectives"))
        self.assertHit(second)
        self.assertEqual(second.content, first.content)
        self.assertEqual(second["Content-Type"], first["Content-Type"])
        self.assertEqual(second["Content-Language"], "en")
        self.assertEqual(second["X-Frame-Options"], first["X-Frame-Options"])

    def test_it_keeps_one_page_per_language(self):
        english = self.client.get(url("taxonomy:objectives"))
        french = self.client.get(url("taxonomy:objectives", lang="fr"))
        self.assertComputed(french)
        self.assertNotEqual(english.content, french.content)
        self.assertHit(self.client.get(url("taxonomy:objectives", lang="fr")))
        self.assertHit(self.client.get(url("taxonomy:objectives")))

    def test_it_shows_a_saved_change_on_the_next_request(self):
        self.client.get(url("taxonomy:objectives"))
        self.objective.short_en = "Reduce vulnerabilities"
        self.objective.save(update_fields=["short_en"])
        response = self.client.get(url("taxonomy:objectives"))
        self.assertComputed(response)
        self.assertContains(response, "Reduce vulnerabilities")

    def test_it_shows_a_many_to_many_change_on_the_next_request(self):
        resource = make_resource(title_en="Toolkit on vulnerabilities")
        page = url("taxonomy:objective", 7)
        self.assertNotContains(self.client.get(page), "Toolkit on vulnerabilities")
        resource.objectives.add(self.objective)
        self.assertContains(self.client.get(page), "Toolkit on vulnerabilities")
        self.objective.resources.remove(resource)  # the reverse side
        self.assertNotContains(self.client.get(page), "Toolkit on vulnerabilities")

    def test_it_shows_a_delete_on_the_next_request(self):
        make_objective(8, short_en="Save lives")
        self.assertContains(self.client.get(url("taxonomy:objectives")), "Save lives")
        Objective.objects.filter(number=8).delete()
        self.assertNotContains(self.client.get(url("taxonomy:objectives")), "Save lives")

    def test_it_shows_a_bulk_write_announced_through_content_changed(self):
        self.client.get(url("taxonomy:objectives"))
        Objective.objects.filter(pk=self.objective.pk).update(short_en="Written in bulk")
        # Unannounced, a bulk write is invisible to the cache (and to search): the rule is to announce.
        self.assertHit(self.client.get(url("taxonomy:objectives")))
        announce_changes(Objective, [self.objective.pk])
        self.assertContains(self.client.get(url("taxonomy:objectives")), "Written in bulk")

    def test_it_ignores_a_rolled_back_change(self):
        self.client.get(url("taxonomy:objectives"))
        before = dict(Generation.objects.values_list("scope", "value"))
        with self.assertRaises(RuntimeError), transaction.atomic():
            self.objective.short_en = "Never committed"
            self.objective.save(update_fields=["short_en"])
            raise RuntimeError
        self.assertEqual(dict(Generation.objects.values_list("scope", "value")), before)
        response = self.client.get(url("taxonomy:objectives"))
        self.assertHit(response)
        self.assertNotContains(response, "Never committed")

    def test_it_keeps_pages_of_scopes_that_did_not_change(self):
        self.client.get(url("knowledge:call_list"))
        self.alice.full_name = "Alice Renamed"
        self.alice.save(update_fields=["full_name"])  # accounts: the Hub's public pages show no account
        self.assertHit(self.client.get(url("knowledge:call_list")))
        make_call(title_en="Call on climate mobility")
        self.assertContains(self.client.get(url("knowledge:call_list")), "Call on climate mobility")

    def test_it_does_not_count_sign_ins_or_anonymous_feedback_as_changes(self):
        self.client.get(url("taxonomy:objectives"))
        self.client.login(email="alice@example.org", password="correct horse battery staple")
        tool = make_resource(is_network_tool=True)
        self.client.get(url("taxonomy:objectives"))  # signed in: computed, not stored
        self.client.logout()
        before = dict(Generation.objects.values_list("scope", "value"))
        ToolFeedback.objects.create(resource=tool, rating=4)
        after = dict(Generation.objects.values_list("scope", "value"))
        # Feedback counts in its own scope, which only the Secretariat's results show.
        self.assertEqual(after.pop("toolfeedback"), before.pop("toolfeedback", 0) + 1)
        self.assertEqual(after, before)

    def test_it_never_serves_signed_in_users_from_the_cache(self):
        self.client.get(url("taxonomy:objectives"))
        self.login(self.alice)
        response = self.client.get(url("taxonomy:objectives"))
        self.assertComputed(response)
        self.assertNotIn("X-Page-Cache", response)
        self.assertContains(response, "Alice Stakeholder")
        self.assertEqual(response["Cache-Control"], "private, no-cache")
        self.assertIn("Cookie", response["Vary"])

    def test_it_never_stores_a_page_for_a_signed_in_user(self):
        self.login(self.alice)
        self.client.get(url("taxonomy:objectives"))
        self.client.logout()
        response = self.client.get(url("taxonomy:objectives"))
        self.assertComputed(response)
        self.assertNotContains(response, "Alice Stakeholder")

    def test_it_never_answers_a_post_from_the_cache(self):
        self.client.get(url("taxonomy:objectives"))
        response = self.client.post(url("taxonomy:objectives"))
        self.assertEqual(response.status_code, 405)
        self.assertNotIn("X-Page-Cache", response)

    def test_it_bypasses_requests_with_messages_authorization_or_htmx(self):
        self.client.get(url("taxonomy:objectives"))
        for headers, cookies in (
            ({}, {"messages": "x"}),
            ({"Authorization": "Bearer x"}, {}),
            ({"HX-Request": "true"}, {}),
        ):
            with self.subTest(headers=headers, cookies=cookies):
                self.client.cookies.clear()
                for name, value in cookies.items():
                    self.client.cookies[name] = value
                response = self.client.get(url("taxonomy:objectives"), headers=headers)
                self.assertComputed(response)
                self.assertNotIn("X-Page-Cache", response)

    def test_it_keeps_a_page_with_an_anonymous_form_and_gives_each_visitor_their_own_token(self):
        tool = make_resource(is_network_tool=True, slug="migration-toolkit")
        page = url("knowledge:resource", tool.slug)
        first = self.client.get(page)
        self.assertEqual(first["X-Page-Cache"], "miss")
        self.assertEqual(first["Cache-Control"], "private, no-cache")
        visitors = [Client(enforce_csrf_checks=True) for _ in range(3)]
        tokens = []
        for visitor in visitors:
            response = visitor.get(page)
            self.assertHit(response)
            self.assertEqual(response["Cache-Control"], "private, no-cache")
            self.assertIn("Cookie", response["Vary"])
            self.assertIn(settings.CSRF_COOKIE_NAME, response.cookies)  # a new visitor gets a secret
            self.assertNotIn(b"\x00", response.content)
            token = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', response.content.decode())
            self.assertIsNotNone(token)
            tokens.append(token.group(1))
        self.assertEqual(len(set(tokens)), 3)
        # Each visitor's form posts with their own token, and not with another's.
        feedback = url("knowledge:resource_feedback", tool.slug)
        self.assertEqual(visitors[1].post(feedback, {"rating": "4", "csrfmiddlewaretoken": tokens[0]}).status_code, 403)
        for visitor, token in zip(visitors, tokens, strict=True):
            response = visitor.post(feedback, {"rating": "4", "csrfmiddlewaretoken": token})
            self.assertEqual(response.status_code, 302)
        self.assertEqual(ToolFeedback.objects.filter(resource=tool).count(), 3)

    def test_it_fills_the_token_of_a_returning_visitors_secret_and_answers_304_only_then(self):
        tool = make_resource(is_network_tool=True, slug="migration-toolkit")
        page = url("knowledge:resource", tool.slug)
        self.client.get(page)
        visitor = Client(enforce_csrf_checks=True)
        first = visitor.get(page)
        secret = visitor.cookies[settings.CSRF_COOKIE_NAME].value
        again = visitor.get(page)
        self.assertHit(again)
        self.assertEqual(visitor.cookies[settings.CSRF_COOKIE_NAME].value, secret)  # kept, renewed
        self.assertEqual(again["ETag"], first["ETag"])
        self.assertEqual(visitor.get(page, headers={"If-None-Match": first["ETag"]}).status_code, 304)
        # Without their cookie, the browser's copy holds tokens of a lost secret: a full page.
        stranger = Client()
        self.assertEqual(stranger.get(page, headers={"If-None-Match": first["ETag"]}).status_code, 200)
        malformed = Client()
        malformed.cookies[settings.CSRF_COOKIE_NAME] = "not a secret"
        response = malformed.get(page, headers={"If-None-Match": first["ETag"]})
        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(response.cookies[settings.CSRF_COOKIE_NAME].value, "not a secret")

    def test_it_never_keeps_a_page_that_shows_a_token_outside_a_form_input(self):
        from django.middleware.csrf import get_token

        request = RequestFactory().get("/en/")
        token = get_token(request)
        other = get_token(request)  # another masking of the same secret
        page = f'<form><input type="hidden" name="csrfmiddlewaretoken" value="{token}"></form>'.encode()
        kept = PageCacheMiddleware.without_tokens(request, page)
        self.assertNotIn(token.encode(), kept)
        leaky = page + f'<meta name="csrf-token" content="{other}">'.encode()
        self.assertIsNone(PageCacheMiddleware.without_tokens(request, leaky))
        bare = page + request.META["CSRF_COOKIE"].encode()
        self.assertIsNone(PageCacheMiddleware.without_tokens(request, bare))

    def test_it_never_stores_a_page_that_shows_a_message(self):
        from django.contrib import messages
        from django.shortcuts import render

        from gcmhub.site import views_reference as views

        original = views.render

        def render_with_message(request, *args, **kwargs):
            messages.info(request, "Saved.")
            return original(request, *args, **kwargs)

        views.render = render_with_message
        try:
            response = self.client.get(url("taxonomy:objectives"))
        finally:
            views.render = original
        self.assertEqual(response["X-Page-Cache"], "pass")
        self.assertIsNot(render, render_with_message)
        self.assertComputed(self.client.get(url("taxonomy:objectives")))

    def test_it_keeps_a_redirect_to_the_current_plan_until_the_current_plan_changes(self):
        from gcmhub.workplan.models import WorkPlan

        first_plan = make_activity().priority.workplan
        WorkPlan.objects.filter(pk=first_plan.pk).update(is_current=True)
        announce_changes(WorkPlan, [first_plan.pk])
        generations.forget_bumps()
        index = url("workplan:index")
        first = self.client.get(index)
        self.assertEqual(first.status_code, 302)
        self.assertEqual(first["X-Page-Cache"], "miss")
        second = self.client.get(index)
        self.assertEqual(second.get("X-Page-Cache"), "hit")
        self.assertEqual(second["Location"], first["Location"])
        self.assertIn(first_plan.slug, second["Location"])
        other = make_workplan(slug="work-plan-2025-2026", title_en="Work plan 2025-2026")
        WorkPlan.objects.filter(pk=first_plan.pk).update(is_current=False)
        WorkPlan.objects.filter(pk=other.pk).update(is_current=True)
        announce_changes(WorkPlan, [first_plan.pk, other.pk])
        generations.forget_bumps()
        third = self.client.get(index)
        self.assertEqual(third["X-Page-Cache"], "miss")
        self.assertIn(other.slug, third["Location"])

    def test_it_answers_304_to_a_matching_etag(self):
        first = self.client.get(url("taxonomy:objectives"))
        etag = first["ETag"]
        response = self.client.get(url("taxonomy:objectives"), headers={"If-None-Match": etag})
        self.assertEqual(response.status_code, 304)
        self.assertEqual(response.content, b"")
        self.assertEqual(response["ETag"], etag)
        modified = self.client.get(url("taxonomy:objectives"), headers={"If-Modified-Since": first["Last-Modified"]})
        self.assertEqual(modified.status_code, 304)
        self.objective.short_en = "Changed"
        self.objective.save(update_fields=["short_en"])
        changed = self.client.get(url("taxonomy:objectives"), headers={"If-None-Match": etag})
        self.assertEqual(changed.status_code, 200)
        self.assertNotEqual(changed["ETag"], etag)

    def test_it_answers_304_to_a_signed_in_user_when_the_page_did_not_change(self):
        self.login(self.alice)
        first = self.client.get(url("taxonomy:objectives"))
        response = self.client.get(url("taxonomy:objectives"), headers={"If-None-Match": first["ETag"]})
        self.assertEqual(response.status_code, 304)

    def test_it_says_what_a_cdn_may_keep(self):
        response = self.client.get(url("taxonomy:objectives"))
        self.assertEqual(response["Cache-Control"], "public, max-age=0, s-maxage=0")
        self.assertIn("Cookie", response["Vary"])
        self.assertIn("Last-Modified", response)
        with override_settings(PAGE_CACHE_CDN_MAX_AGE=60):
            hit = self.client.get(url("taxonomy:objectives"))
        self.assertEqual(hit["Cache-Control"], "public, max-age=0, s-maxage=60")
        self.assertIn("Cookie", hit["Vary"])
        login = self.client.get(url("accounts:login"))
        self.assertIn("no-store", login["Cache-Control"])  # never_cache: kept as the view says
        self.assertNotIn("X-Page-Cache", login)

    def test_it_answers_head_from_the_cache_without_a_body(self):
        self.client.get(url("taxonomy:objectives"))
        response = self.client.head(url("taxonomy:objectives"))
        self.assertEqual(response["X-Page-Cache"], "hit")
        self.assertEqual(response.content, b"")

    def test_it_normalises_the_query_string(self):
        page = url("taxonomy:organisations")
        self.assertEqual(self.client.get(page + "?kind=un_entity&q=mig")["X-Page-Cache"], "miss")
        self.assertHit(self.client.get(page + "?q=mig&kind=un_entity"))
        self.assertNotIn("X-Page-Cache", self.client.get(page + "?q=" + "x" * 600))

    @override_settings(PAGE_CACHE_QUERY_VARIANTS=3, PAGE_CACHE_NOT_FOUND_VARIANTS=2)
    def test_it_cannot_be_flooded_by_random_query_strings_or_paths(self):
        page = url("taxonomy:organisations")
        outcomes = [self.client.get(f"{page}?q=random{n}")["X-Page-Cache"] for n in range(8)]
        self.assertEqual(outcomes, ["miss"] * 3 + ["pass"] * 5)
        self.assertHit(self.client.get(f"{page}?q=random0"))
        self.assertEqual(self.client.get(page)["X-Page-Cache"], "miss")  # the page itself is not bounded
        missing = [self.client.get(url("taxonomy:country", f"zz{n}"))["X-Page-Cache"] for n in range(4)]
        self.assertEqual(missing, ["miss", "miss", "pass", "pass"])
        self.assertEqual(self.client.get(url("taxonomy:country", "zz0")).status_code, 404)

    def test_it_lets_a_page_expire_when_a_call_opens_or_closes(self):
        now = timezone.now()
        make_call(title_en="Call on return", deadline=now + datetime.timedelta(hours=2))
        self.assertContains(self.client.get(url("knowledge:home")), "Call on return")
        self.assertHit(self.client.get(url("knowledge:home")))
        with time_machine.travel(now + datetime.timedelta(hours=3), tick=False):
            response = self.client.get(url("knowledge:home"))
        self.assertComputed(response)
        self.assertNotContains(response, "Call on return")

    def test_it_lets_every_page_expire_at_midnight(self):
        start = timezone.now().replace(hour=22, minute=0)
        with time_machine.travel(start, tick=False):
            self.client.get(url("taxonomy:objectives"))
        with time_machine.travel(start + datetime.timedelta(hours=1), tick=False):
            self.assertHit(self.client.get(url("taxonomy:objectives")))
        with time_machine.travel(start + datetime.timedelta(hours=2, minutes=1), tick=False):
            self.assertComputed(self.client.get(url("taxonomy:objectives")))

    def test_it_serves_no_page_rendered_by_another_release(self):
        self.client.get(url("taxonomy:objectives"))
        from gcmhub.pagecache import middleware

        middleware.release.cache_clear()
        self.addCleanup(middleware.release.cache_clear)
        with override_settings(PAGE_CACHE_VERSION="next"):
            self.assertComputed(self.client.get(url("taxonomy:objectives")))

    def test_it_leaves_views_that_did_not_opt_in_alone(self):
        response = self.client.get(url("accounts:signup"))
        self.assertNotIn("X-Page-Cache", response)


@override_settings(PAGE_CACHE_ENABLED=True)
class GenerationTests(BaseTestCase):
    def setUp(self):
        super().setUp()
        # The test data's bumps live in the test case's transaction: start as a new transaction.
        generations.forget_bumps()

    def value(self, scope):
        return Generation.objects.filter(scope=scope).values_list("value", flat=True).first() or 0

    def test_it_bumps_once_per_scope_and_transaction(self):
        before = self.value("taxonomy")
        with transaction.atomic():
            make_objective(1)
            make_objective(2)
        self.assertEqual(self.value("taxonomy"), before + 1)

    def test_it_bumps_again_after_a_savepoint_rollback(self):
        before = self.value("taxonomy")
        with transaction.atomic():
            try:
                with transaction.atomic():
                    make_objective(1)
                    raise RuntimeError
            except RuntimeError:
                pass
            self.assertEqual(self.value("taxonomy"), before)
            make_objective(2)
            self.assertEqual(self.value("taxonomy"), before + 1)

    def test_it_ignores_a_sign_in(self):
        user = make_user()
        before = self.value("accounts")
        self.client.login(email=user.email, password="correct horse battery staple")
        self.assertEqual(self.value("accounts"), before)
        user.full_name = "Renamed"
        user.save(update_fields=["full_name"])
        self.assertEqual(self.value("accounts"), before + 1)

    def test_it_bumps_every_scope_on_request(self):
        from django.core.management import call_command

        before = {scope: self.value(scope) for scope in generations.watched_apps()}
        call_command("pagecache_clear", stdout=io.StringIO())
        self.assertEqual({scope: self.value(scope) for scope in before}, {s: v + 1 for s, v in before.items()})


class CommittedChangeTests(CacheTestMixin, TransactionTestCase):
    """Real commits (no test transaction), with the file cache the default settings use."""

    def setUp(self):
        directory = tempfile.mkdtemp(prefix="gcmhub-test-page-cache-")
        cache_settings = override_settings(
            PAGE_CACHE_ENABLED=True,
            CACHES={
                "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                "pages": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": directory},
            },
        )
        cache_settings.enable()
        self.addCleanup(cache_settings.disable)
        super().setUp()

    def test_it_shows_a_committed_change_on_the_next_request(self):
        objective = make_objective(3, short_en="Provide information")
        self.assertContains(self.client.get(url("taxonomy:objectives")), "Provide information")
        self.assertHit(self.client.get(url("taxonomy:objectives")))
        with transaction.atomic():
            objective.short_en = "Provide accurate information"
            objective.save(update_fields=["short_en"])
            make_resource(title_en="Another resource", objectives=[objective])
        response = self.client.get(url("taxonomy:objectives"))
        self.assertComputed(response)
        self.assertContains(response, "Provide accurate information")
        self.assertContains(self.client.get(url("taxonomy:objective", 3)), "Another resource")

    def test_it_keeps_the_page_after_a_rolled_back_transaction(self):
        make_objective(3, short_en="Provide information")
        self.client.get(url("taxonomy:objectives"))
        with self.assertRaises(RuntimeError), transaction.atomic():
            Resource.objects.create(title_en="Rolled back", source_language="en", slug="rolled-back")
            Objective.objects.filter(number=3).update(short_en="Rolled back")
            announce_changes(Objective, [3])
            raise RuntimeError
        self.assertHit(self.client.get(url("taxonomy:objectives")))


@override_settings(PAGE_CACHE_ENABLED=True)
class SearchPageCacheTests(CacheTestMixin, HubTestCase):
    def test_it_follows_the_search_index_not_only_the_database(self):
        page = url("search:search") + "?q=resettlement"
        self.assertContains(self.client.get(page), "0")
        self.assertHit(self.client.get(page))
        # Written without signals: the database generations do not move, the index does.
        Resource.objects.bulk_create(
            [Resource(title_en="Resettlement pathways", slug="resettlement", source_language="en", status="published")]
        )
        self.assertHit(self.client.get(page))
        rebuild()
        response = self.client.get(page)
        self.assertComputed(response)
        self.assertContains(response, "/hub/resources/resettlement/")

    def test_it_shows_a_change_once_the_index_task_applied_it(self):
        page = url("search:search") + "?q=resettlement"
        self.client.get(page)
        with self.captureOnCommitCallbacks(execute=True):
            make_resource(title_en="Resettlement in cities")
        self.assertContains(self.client.get(page), "/hub/resources/resettlement-in-cities/")


@override_settings(PAGE_CACHE_ENABLED=True)
class RememberTests(CacheTestMixin, BaseTestCase):
    def test_it_computes_the_figures_once_per_change_of_the_hub(self):
        self.login(self.sam)
        first = self.client.get(url("knowledge:figures"))
        self.assertEqual(first.status_code, 200)
        with CaptureQueriesContext(connection) as computed:
            self.client.get(url("knowledge:figures"))
        make_resource(title_en="Counted")
        with CaptureQueriesContext(connection) as recomputed:
            response = self.client.get(url("knowledge:figures"))
        self.assertGreater(len(recomputed), len(computed))  # the aggregates ran again
        self.assertEqual(response.context["figures"].total_resources, 1)


class CacheTableTests(BaseTestCase):
    def test_it_creates_the_database_cache_tables_with_the_migrations(self):
        from django.core.management import call_command

        self.assertIn("gcmhub_page_cache", connection.introspection.table_names())
        call_command("createcachetable", verbosity=0)  # the demo's call: nothing to do, no error


@override_settings(PAGE_CACHE_ENABLED=True)
class OtherAppsPageCacheTests(CacheTestMixin, BaseTestCase):
    """Views cached by name through settings.PAGE_CACHE_VIEWS (their code does not know the cache)."""

    def test_it_serves_work_plan_pages_and_shows_a_status_change(self):
        from gcmhub.test import make_activity, make_priority, make_workplan

        plan = make_workplan(is_current=True)
        activity = make_activity(priority=make_priority(workplan=plan))
        page = url("workplan:overview", plan.slug)
        self.assertEqual(self.client.get(page)["X-Page-Cache"], "miss")
        self.assertHit(self.client.get(page))
        activity.status = "completed"
        activity.save(update_fields=["status"])
        self.assertComputed(self.client.get(page))

    def test_it_serves_api_lists_to_anonymous_clients_only(self):
        make_objective(4, short_en="Ensure documentation")
        first = self.client.get("/api/v1/objectives")
        self.assertEqual(first["X-Page-Cache"], "miss")
        hit = self.client.get("/api/v1/objectives")
        self.assertEqual(hit["X-Page-Cache"], "hit")
        self.assertEqual(hit.content, first.content)
        self.assertEqual(hit["Content-Type"], first["Content-Type"])
        french = self.client.get("/api/v1/objectives?lang=fr")
        self.assertEqual(french["X-Page-Cache"], "miss")
        with_token = self.client.get("/api/v1/objectives", headers={"Authorization": "Bearer nothing"})
        self.assertNotIn("X-Page-Cache", with_token)


class HeaderTests(SimpleTestCase):
    """Cache-Control of answers that are not stored, whatever the view."""

    def answer(self, response, cookies=None):
        request = RequestFactory().get("/en/somewhere/")
        request.COOKIES.update(cookies or {})
        return PageCacheMiddleware(lambda request: response)(request)

    def test_it_forbids_storing_an_answer_that_sets_a_cookie(self):
        response = HttpResponse("hello")
        response.set_cookie("sessionid", "new")
        self.assertEqual(self.answer(response)["Cache-Control"], "private, no-store")

    def test_it_lets_a_signed_in_browser_revalidate(self):
        response = self.answer(HttpResponse("hello"), cookies={"sessionid": "x"})
        self.assertEqual(response["Cache-Control"], "private, no-cache")
        self.assertTrue(response["ETag"].startswith('"'))

    def test_it_keeps_what_the_view_said(self):
        response = HttpResponse("hello")
        response["Cache-Control"] = "max-age=60"
        self.assertEqual(self.answer(response, cookies={"sessionid": "x"})["Cache-Control"], "max-age=60")

    def test_it_leaves_the_csrf_token_out_of_the_etag(self):
        one = self.answer(HttpResponse('<input name="csrfmiddlewaretoken" value="aaa">'), cookies={"sessionid": "x"})
        two = self.answer(HttpResponse('<input name="csrfmiddlewaretoken" value="bbb">'), cookies={"sessionid": "x"})
        self.assertEqual(one["ETag"], two["ETag"])


class BenchPagesTests(BaseTestCase):
    def test_it_serves_no_bench_page_unless_the_setting_asks(self):
        from django.conf import settings

        self.assertFalse(settings.BENCH_PAGES)
        self.assertEqual(self.client.get("/bench/bare/").status_code, 404)
        self.assertEqual(self.client.get("/bench/template/").status_code, 404)
