"""The event pages by role (issue 11 §3, §6, §7): lists and filters, the event page (the link for
seats only), registration (errors keep what was typed, twice refused kindly, the waitlist said),
cancellation, my registrations, the organisers' attendee page, exports (logged) and announcements;
the feeds; the page cache's seats count; pinned query counts."""

import datetime

from django.core import mail
from django.core.cache import caches
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from gcmhub.consultations import actions_events
from gcmhub.consultations.models import Event, EventNotice, EventSeries, Registration, RegistrationExport
from gcmhub.pagecache import policy
from gcmhub.test import BaseTestCase, make_event, make_resource, make_user

Status = Registration.Status


def register(event, user):
    return actions_events.do_register(event, user, actions_events.Answers())


class EventPagesTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.organiser = make_user("organiser@example.org", full_name="Olga Organiser")
        cls.series = EventSeries.objects.create(
            slug="imrf-listening", source_language="en", title_en="Listening sessions before the IMRF"
        )
        cls.event = make_event(
            slug="return",
            title_en="Listening session on return and reintegration",
            series=cls.series,
            capacity=2,
            managers=[cls.organiser],
            organisers=[cls.iom],
            speakers=[("Amina Diallo", "Migrant-led network, Dakar")],
            interpretation_languages=["en", "fr", "es"],
            time_zone="Africa/Dakar",
        )
        cls.talk = make_event(slug="talk", title_en="GCM Talk on climate mobility", kind=Event.Kind.GCM_TALK)
        cls.past = make_event(
            slug="held",
            title_en="Training on rights-based return",
            kind=Event.Kind.TRAINING,
            starts_at=timezone.now() - datetime.timedelta(days=20),
            recording_url="https://video.example.org/training",
            summary_report=make_resource(title_en="Report of the training"),
        )
        cls.draft = make_event(slug="draft", title_en="Draft webinar", published_at=None)


class ListPagesTests(EventPagesTestCase):
    def test_it_lists_upcoming_then_past_events(self):
        response = self.client.get("/en/events/")
        self.assertContains(response, "Listening session on return and reintegration")
        self.assertContains(response, "GCM Talk on climate mobility")
        self.assertNotContains(response, "Training on rights-based return")
        self.assertNotContains(response, "Draft webinar")
        self.assertContains(response, "2 seats left")
        past = self.client.get("/en/events/?when=past")
        self.assertContains(past, "Training on rights-based return")
        self.assertContains(past, "Recording available")

    def test_it_filters_by_kind_and_series_and_ignores_nonsense(self):
        response = self.client.get("/en/events/?kind=gcm_talk")
        self.assertContains(response, "GCM Talk on climate mobility")
        self.assertNotContains(response, "Listening session on return")
        response = self.client.get("/en/events/?series=imrf-listening")
        self.assertNotContains(response, "GCM Talk on climate mobility")
        self.assertContains(response, "Listening session on return")
        for query in ("kind=nonsense", "series=" + "x" * 3000, "when=never", "page=99999999999999999999"):
            self.assertEqual(self.client.get(f"/en/events/?{query}").status_code, 200, query)
        self.assertEqual(self.client.get("/en/events/?kind=%00").status_code, 400)  # the site refuses NUL

    def test_the_series_page_shows_its_events(self):
        response = self.client.get("/en/events/series/imrf-listening/")
        self.assertContains(response, "Listening sessions before the IMRF")
        self.assertContains(response, "Listening session on return")
        self.assertEqual(self.client.get("/en/events/series/none/").status_code, 404)

    def test_the_list_keeps_its_query_count(self):
        self.client.get("/en/events/")
        # series (filter), count, events with seats, organisers, next change
        with self.assertNumQueries(5):
            self.client.get("/en/events/")
        for _n in range(6):
            make_event(series=self.series, organisers=[self.iom, self.ohchr], capacity=5)
        with self.assertNumQueries(5):
            self.client.get("/en/events/")

    def test_the_series_page_keeps_its_query_count(self):
        url = "/en/events/series/imrf-listening/"
        self.client.get(url)
        with self.assertNumQueries(4):
            self.client.get(url)
        for _n in range(6):
            make_event(series=self.series, organisers=[self.iom, self.ohchr])
        with self.assertNumQueries(4):
            self.client.get(url)


class EventPageTests(EventPagesTestCase):
    def test_it_shows_the_event_in_its_zone_with_speakers_and_interpretation(self):
        response = self.client.get("/en/events/return/")
        self.assertContains(response, "Amina Diallo")
        self.assertContains(response, "Africa/Dakar time")
        self.assertContains(response, "UTC+00:00")
        self.assertContains(response, "English, French, Spanish")
        self.assertContains(response, "data-local-time")
        self.assertNotContains(response, self.event.online_link)

    def test_the_link_is_shown_to_seats_organisers_and_the_secretariat_only(self):
        register(self.event, self.alice)
        for user, shown in (
            (self.alice, True),
            (self.organiser, True),
            (self.sam, True),
            (self.fatima, False),
            (self.ines, False),
        ):
            self.login(user)
            response = self.client.get("/en/events/return/")
            (self.assertContains if shown else self.assertNotContains)(response, self.event.online_link)

    def test_a_past_event_shows_its_recording_report_and_questions(self):
        Registration.objects.create(event=self.past, user=self.alice, status=Status.CONFIRMED, question="What of data?")
        response = self.client.get("/en/events/held/")
        self.assertContains(response, "https://video.example.org/training")
        self.assertContains(response, "Report of the training")
        self.assertContains(response, "What of data?")
        self.assertNotContains(response, "Alice")

    def test_a_draft_is_404_but_to_its_organisers(self):
        self.assertEqual(self.client.get("/en/events/draft/").status_code, 404)
        self.login(self.alice)
        self.assertEqual(self.client.get("/en/events/draft/").status_code, 404)
        self.login(self.sam)
        self.assertEqual(self.client.get("/en/events/draft/").status_code, 200)

    def test_the_ics_download_has_the_link_for_seats_only(self):
        response = self.client.get("/en/events/return/calendar.ics")
        self.assertEqual(response["Content-Type"], "text/calendar; charset=utf-8")
        self.assertNotIn(self.event.online_link, response.content.decode())
        register(self.event, self.alice)
        self.login(self.alice)
        parsed = Calendar.from_ical(self.client.get("/en/events/return/calendar.ics").content)
        self.assertIn(self.event.online_link, str(parsed.walk("VEVENT")[0]["DESCRIPTION"]))

    def test_the_event_page_keeps_its_query_count(self):
        url = "/en/events/return/"
        self.client.get(url)
        # event, confirmed, waiting, speakers, organisers, topics, resources, notices
        with self.assertNumQueries(8):
            self.client.get(url)
        for user in (self.alice, self.fatima, self.ines):
            register(self.event, user)
        with self.assertNumQueries(8):
            self.client.get(url)


class RegisterTests(EventPagesTestCase):
    url = "/en/events/return/register/"

    def test_anonymous_readers_are_sent_to_sign_in(self):
        for method in (self.client.get, self.client.post):
            response = method(self.url)
            self.assertEqual(response.status_code, 302)
            self.assertIn("/accounts/login/", response["Location"])
        self.assertFalse(Registration.objects.exists())

    def test_each_role_registers_and_gets_the_confirmation(self):
        for user in (self.alice, self.fatima):
            self.login(user)
            with self.captureOnCommitCallbacks(execute=True):
                response = self.client.post(self.url, {"organisation": "Caritas", "country": self.morocco.pk})
            self.assertRedirects(response, "/en/events/return/", fetch_redirect_response=False)
            self.assertEqual(Registration.objects.get(user=user).status, Status.CONFIRMED)
            self.assertEqual(mail.outbox[-1].to, [user.email])
        # The event is full: the Network member's focal point goes on the waitlist, and is told so.
        self.login(self.ines)
        response = self.client.get(self.url)
        self.assertContains(response, "This event is full")
        self.assertContains(response, "Join the waitlist")
        response = self.client.post(self.url, {}, follow=True)
        self.assertContains(response, "you are on the waitlist")
        self.assertEqual(Registration.objects.get(user=self.ines).status, Status.WAITLISTED)

    def test_organisers_and_the_secretariat_register_like_anyone(self):
        Event.objects.filter(pk=self.event.pk).update(capacity=None)
        for user in (self.organiser, self.sam, self.oscar):
            self.login(user)
            self.assertEqual(self.client.post(self.url, {}).status_code, 302, user)
        self.assertEqual(Registration.objects.filter(status=Status.CONFIRMED).count(), 3)

    def test_registering_twice_is_refused_kindly(self):
        register(self.event, self.alice)
        self.login(self.alice)
        response = self.client.post(self.url, {"organisation": "Caritas"})
        self.assertEqual(response.status_code, 409)
        self.assertContains(response, "You are registered for this event already: nothing changed.", status_code=409)
        self.assertEqual(Registration.objects.count(), 1)

    def test_errors_keep_what_was_typed(self):
        Event.objects.filter(pk=self.event.pk).update(required_questions=["country"])
        self.login(self.alice)
        response = self.client.post(
            self.url, {"organisation": "Red de migrantes", "accessibility_needs": "Subtítulos", "country": "99999"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Red de migrantes", status_code=400)
        self.assertContains(response, "Subtítulos", status_code=400)
        self.assertFalse(Registration.objects.exists())

    def test_too_long_answers_are_refused(self):
        self.login(self.alice)
        response = self.client.post(self.url, {"organisation": "x" * 301, "question": "y" * 2001})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Registration.objects.exists())

    def test_an_unverified_address_or_a_closed_event_cannot_register(self):
        unverified = make_user("new@example.org", email_verified=False)
        self.login(unverified)
        self.assertEqual(self.client.post(self.url, {}).status_code, 403)
        self.login(self.alice)
        self.assertEqual(self.client.post("/en/events/held/register/", {}).status_code, 400)
        self.assertFalse(Registration.objects.exists())

    def test_a_wrong_method_is_405(self):
        self.login(self.alice)
        self.assertEqual(self.client.put(self.url).status_code, 405)


class CancelTests(EventPagesTestCase):
    url = "/en/events/return/cancel/"

    def test_the_person_cancels_and_the_first_waiting_is_promoted(self):
        for user in (self.alice, self.fatima, self.ines):
            register(self.event, user)
        self.login(self.alice)
        self.assertContains(self.client.get(self.url), "Cancel your registration?")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url)
        self.assertRedirects(response, "/en/events/mine/", fetch_redirect_response=False)
        self.assertEqual(Registration.objects.get(user=self.ines).status, Status.CONFIRMED)
        self.assertIn("A seat for you", mail.outbox[-1].subject)

    def test_someone_not_registered_gets_404(self):
        self.login(self.fatima)
        self.assertEqual(self.client.post(self.url).status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.post(self.url).status_code, 302)


class MineTests(EventPagesTestCase):
    def test_it_lists_my_seats_and_waitlist_places(self):
        Event.objects.filter(pk=self.talk.pk).update(capacity=0)
        register(self.event, self.alice)
        register(self.talk, self.alice)
        self.login(self.alice)
        response = self.client.get("/en/events/mine/")
        self.assertContains(response, "Listening session on return")
        self.assertContains(response, "On the waitlist")
        self.assertContains(response, "Add to your calendar")

    def test_the_personal_page_links_it(self):
        self.login(self.alice)
        self.assertContains(self.client.get("/en/me/"), "/en/events/mine/")


class OrganiserPagesTests(EventPagesTestCase):
    def setUp(self):
        actions_events.do_register(
            self.event, self.alice, actions_events.Answers(organisation="=HYPERLINK(1)", accessibility_needs="Captions")
        )

    def test_only_the_organisers_and_the_secretariat_see_the_attendees(self):
        url = "/en/events/return/attendees/"
        self.assertEqual(self.client.get(url).status_code, 302)
        for user in (self.alice, self.fatima, self.ines, self.oscar):
            self.login(user)
            self.assertEqual(self.client.get(url).status_code, 403, user)
        for user in (self.organiser, self.sam):
            self.login(user)
            response = self.client.get(url)
            self.assertContains(response, "Captions")
            self.assertContains(response, "alice@example.org")
        self.login(self.alice)
        self.assertEqual(self.client.get("/en/events/draft/attendees/").status_code, 404)

    def test_exports_are_for_organisers_logged_and_formula_free(self):
        for user in (self.alice, self.fatima, self.ines):
            self.login(user)
            self.assertEqual(self.client.get("/en/events/return/attendees.csv").status_code, 403)
        self.assertFalse(RegistrationExport.objects.exists())
        self.login(self.organiser)
        response = self.client.get("/en/events/return/attendees.csv")
        body = b"".join(response.streaming_content).decode()
        self.assertIn("'=HYPERLINK(1)", body)
        self.assertEqual(self.client.get("/en/events/return/attendees.xlsx").status_code, 200)
        self.assertEqual(self.client.get("/en/events/return/attendees.pdf").status_code, 404)
        self.assertEqual(
            list(RegistrationExport.objects.order_by("id").values_list("user", "format", "rows")),
            [(self.organiser.pk, "csv", 1), (self.organiser.pk, "xlsx", 1)],
        )
        self.assertContains(self.client.get("/en/events/return/attendees/"), "Olga Organiser")

    def test_announcing_a_change_by_role(self):
        url = "/en/events/return/announce/"
        data = {"kind": "changed", "note": "The session starts at 15:00 Dakar time."}
        self.assertEqual(self.client.post(url, data).status_code, 302)
        for user in (self.alice, self.fatima, self.ines):
            self.login(user)
            self.assertEqual(self.client.post(url, data).status_code, 403)
        self.assertFalse(EventNotice.objects.exists())
        self.login(self.organiser)
        self.assertEqual(self.client.post(url, {"kind": "changed", "note": ""}).status_code, 400)
        self.assertEqual(self.client.post(url, {"kind": "nonsense", "note": "x"}).status_code, 400)
        response = self.client.post(url, data)
        self.assertRedirects(response, "/en/events/return/attendees/", fetch_redirect_response=False)
        self.login(self.sam)
        self.client.post(url, {"kind": "cancelled", "note": "Postponed."})
        self.event.refresh_from_db()
        self.assertIsNotNone(self.event.cancelled_at)
        self.assertContains(self.client.get("/en/events/return/"), "This event is cancelled.")


class FeedTests(EventPagesTestCase):
    def test_the_calendar_feed_parses_and_holds_no_link(self):
        response = self.client.get("/feeds/events.ics?lang=fr")
        parsed = Calendar.from_ical(response.content)
        titles = {str(e["SUMMARY"]) for e in parsed.walk("VEVENT")}
        self.assertEqual(titles, {"Listening session on return and reintegration", "GCM Talk on climate mobility"})
        self.assertNotIn("meet.example.org", response.content.decode())

    def test_the_atom_feed_lists_upcoming_events(self):
        response = self.client.get("/feeds/events.atom")
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        self.assertContains(response, "GCM Talk on climate mobility")
        self.assertNotContains(response, "Draft webinar")
        self.assertNotContains(response, "meet.example.org")


@override_settings(PAGE_CACHE_ENABLED=True)
class PageCacheTests(EventPagesTestCase):
    def setUp(self):
        super().setUp()
        caches["pages"].clear()
        policy.match.cache_clear()
        self.addCleanup(caches["pages"].clear)

    def test_anonymous_event_pages_are_cached_and_seats_stay_right(self):
        url = "/en/events/return/"
        self.assertContains(self.client.get(url), "2 seats left")
        self.assertEqual(self.client.get(url)["X-Page-Cache"], "hit")
        register(self.event, self.alice)
        self.assertContains(self.client.get(url), "1 seat left")
        self.assertContains(self.client.get("/en/events/"), "1 seat left")

    def test_a_registration_leaves_other_pages_in_the_cache(self):
        self.client.get("/en/discussions/")
        register(self.event, self.alice)
        self.assertEqual(self.client.get("/en/discussions/")["X-Page-Cache"], "hit")
