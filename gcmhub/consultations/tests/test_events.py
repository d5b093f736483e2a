"""The rules of events that hold whatever the page or API calls them (actions_events.py,
permissions_events.py): capacity and the waitlist, promotion when someone cancels, registering
twice refused, the online link and registrants' personal data kept to those who may see them,
reminders once, the calendar file."""

import datetime
import io

from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from gcmhub.consultations import actions_events, permissions_events
from gcmhub.consultations.ics import build_ics, event_ics
from gcmhub.consultations.models import Event, EventNotice, Registration, RegistrationExport
from gcmhub.notifications.models import Notification
from gcmhub.test import BaseTestCase, make_event, make_user

Status = Registration.Status


def register(event, user, **answers):
    return actions_events.do_register(event, user, actions_events.Answers(**answers))


class CapacityTests(BaseTestCase):
    def setUp(self):
        self.organiser = make_user("organiser@example.org")
        self.event = make_event(capacity=2, managers=[self.organiser], organisers=[self.iom])

    def test_it_gives_seats_then_the_waitlist(self):
        self.assertEqual(register(self.event, self.alice).status, Status.CONFIRMED)
        self.assertEqual(register(self.event, self.fatima).status, Status.CONFIRMED)
        third = register(self.event, self.ines)
        self.assertEqual(third.status, Status.WAITLISTED)
        self.assertEqual(Event.objects.with_seats().get(pk=self.event.pk).seats_left(), 0)

    def test_registering_twice_is_refused_kindly(self):
        first = register(self.event, self.alice)
        with self.assertRaises(actions_events.AlreadyRegistered) as refused:
            register(self.event, self.alice)
        self.assertEqual(refused.exception.registration, first)
        self.assertIn("already", refused.exception.messages[0])
        self.assertEqual(Registration.objects.filter(event=self.event).count(), 1)

    def test_a_cancellation_promotes_the_first_person_waiting_who_is_told(self):
        alice = register(self.event, self.alice)
        register(self.event, self.fatima)
        ines = register(self.event, self.ines)
        oscar = register(self.event, self.oscar)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            promoted = actions_events.do_cancel_registration(alice)
        self.assertEqual(promoted, ines)
        ines.refresh_from_db()
        oscar.refresh_from_db()
        self.assertEqual((ines.status, oscar.status), (Status.CONFIRMED, Status.WAITLISTED))
        self.assertIsNotNone(ines.promoted_at)
        self.assertEqual([m.to for m in mail.outbox], [[self.ines.email]])
        self.assertIn("A seat for you", mail.outbox[0].subject)
        self.assertEqual(mail.outbox[0].attachments[0][0], f"{self.event.slug}.ics")
        self.assertTrue(Notification.objects.filter(user=self.ines, kind="event_seat").exists())

    def test_cancelling_a_waitlisted_place_promotes_nobody(self):
        register(self.event, self.alice)
        register(self.event, self.fatima)
        ines = register(self.event, self.ines)
        oscar = register(self.event, self.oscar)
        self.assertIsNone(actions_events.do_cancel_registration(ines))
        oscar.refresh_from_db()
        self.assertEqual(oscar.status, Status.WAITLISTED)

    def test_registering_again_after_cancelling_joins_the_end_of_the_queue(self):
        alice = register(self.event, self.alice)
        actions_events.do_cancel_registration(alice)
        register(self.event, self.fatima)
        register(self.event, self.ines)
        again = register(self.event, self.alice)
        self.assertEqual((again.pk, again.status), (alice.pk, Status.WAITLISTED))

    def test_more_seats_go_to_the_people_waiting(self):
        for user in (self.alice, self.fatima, self.ines, self.oscar):
            register(self.event, user)
        Event.objects.filter(pk=self.event.pk).update(capacity=3)
        promoted = actions_events.do_fill_seats(self.event)
        self.assertEqual([r.user for r in promoted], [self.ines])

    def test_registration_closes_when_the_event_starts_or_is_cancelled(self):
        past = make_event(starts_at=timezone.now() - datetime.timedelta(hours=1))
        with self.assertRaises(actions_events.RegistrationRefused):
            register(past, self.alice)
        actions_events.do_announce(self.event, self.organiser, EventNotice.Kind.CANCELLED, "The room is closed.")
        self.event.refresh_from_db()
        with self.assertRaises(actions_events.RegistrationRefused):
            register(self.event, self.alice)

    def test_required_answers_must_be_given(self):
        self.event.required_questions = ["organisation", "country"]
        self.event.save()
        with self.assertRaises(actions_events.RegistrationRefused) as refused:
            register(self.event, self.alice, organisation="Caritas")
        self.assertIn("your country", refused.exception.messages[0])
        made = register(self.event, self.alice, organisation="  Caritas  ", country=self.morocco)
        self.assertEqual((made.organisation, made.country), ("Caritas", self.morocco))


class EmailTests(BaseTestCase):
    def test_the_confirmation_is_in_the_person_s_language_with_the_ics(self):
        self.alice.preferred_language = "fr"
        self.alice.save()
        event = make_event(title_en="Listening session on return", title_fr="Session d'écoute sur le retour")
        with self.captureOnCommitCallbacks(execute=True):
            register(event, self.alice)
        message = mail.outbox[-1]
        self.assertIn("Session d'écoute sur le retour", message.subject)
        name, content, mimetype = message.attachments[0]
        self.assertEqual(mimetype, "text/calendar; charset=utf-8")
        parsed = Calendar.from_ical(content)
        vevent = parsed.walk("VEVENT")[0]
        self.assertEqual(str(vevent["UID"]), f"event-{event.pk}@gcmhub")
        self.assertIn(event.online_link, str(vevent["DESCRIPTION"]))

    def test_the_waitlist_mail_has_no_calendar_file(self):
        event = make_event(capacity=0)
        with self.captureOnCommitCallbacks(execute=True):
            register(event, self.alice)
        self.assertIn("waitlist", mail.outbox[-1].subject)
        self.assertEqual(mail.outbox[-1].attachments, [])

    def test_reminders_go_once_to_seats_only(self):
        soon = make_event(capacity=1, starts_at=timezone.now() + datetime.timedelta(hours=5))
        later = make_event(starts_at=timezone.now() + datetime.timedelta(days=5))
        register(soon, self.alice)
        register(soon, self.fatima)  # waitlisted: no reminder
        register(later, self.ines)  # not yet due
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            call_command("send_event_reminders", stdout=io.StringIO())
        self.assertEqual([m.to for m in mail.outbox], [[self.alice.email]])
        self.assertIn("Reminder", mail.outbox[0].subject)
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(actions_events.do_send_reminders(), 0)
        self.assertEqual(len(mail.outbox), 1)


class CalendarTests(BaseTestCase):
    def test_the_ics_parses_back_in_the_event_s_zone(self):
        start = datetime.datetime(2030, 3, 5, 13, 0, tzinfo=datetime.UTC)
        event = make_event(
            title_en="GCM Talk\x07 on data",
            time_zone="America/El_Salvador",
            starts_at=start,
            place="San Salvador",
            format=Event.Format.HYBRID,
        )
        parsed = Calendar.from_ical(event_ics(event, with_link=False))
        vevent = parsed.walk("VEVENT")[0]
        self.assertEqual(vevent.decoded("DTSTART"), start)
        self.assertEqual(vevent["DTSTART"].params["TZID"], "America/El_Salvador")
        self.assertEqual(str(vevent["SUMMARY"]), "GCM Talk on data")
        self.assertNotIn(event.online_link, vevent.to_ical().decode())
        self.assertEqual(len(parsed.walk("VTIMEZONE")), 1)

    def test_a_change_raises_the_sequence_and_a_cancellation_says_so(self):
        event = make_event()
        before = Calendar.from_ical(build_ics([event], name="x")).walk("VEVENT")[0]["SEQUENCE"]
        actions_events.do_announce(event, self.sam, EventNotice.Kind.CANCELLED, "Postponed to next year.")
        event.refresh_from_db()
        after = Calendar.from_ical(build_ics([event], name="x")).walk("VEVENT")[0]
        self.assertGreater(after["SEQUENCE"], before)
        self.assertEqual(str(after["STATUS"]), "CANCELLED")


class PermissionTests(BaseTestCase):
    def setUp(self):
        self.organiser = make_user("organiser@example.org")
        self.event = make_event(managers=[self.organiser], organisers=[self.iom])

    def test_the_link_is_for_seats_organisers_and_the_secretariat(self):
        from django.contrib.auth.models import AnonymousUser

        self.assertFalse(permissions_events.can_see_online_link(AnonymousUser(), self.event))
        self.assertFalse(permissions_events.can_see_online_link(self.alice, self.event))
        self.assertTrue(permissions_events.can_see_online_link(self.organiser, self.event))
        self.assertTrue(permissions_events.can_see_online_link(self.sam, self.event))
        register(self.event, self.alice)
        self.event._registrations = {}
        self.assertTrue(permissions_events.can_see_online_link(self.alice, Event.objects.get(pk=self.event.pk)))

    def test_a_waitlisted_person_does_not_see_the_link(self):
        full = make_event(capacity=0)
        register(full, self.alice)
        self.assertFalse(permissions_events.can_see_online_link(self.alice, full))

    def test_personal_data_is_for_the_named_organisers_and_the_secretariat(self):
        self.assertTrue(permissions_events.can_see_registrants(self.organiser, self.event))
        self.assertTrue(permissions_events.can_see_registrants(self.sam, self.event))
        # A focal point of the organising organisation is not, unless named.
        for user in (self.ines, self.oscar, self.fatima, self.alice):
            self.assertFalse(permissions_events.can_see_registrants(user, self.event), user)

    def test_a_draft_is_read_by_its_organisers_only(self):
        draft = make_event(published_at=None, managers=[self.organiser])
        self.assertFalse(permissions_events.can_read_event(self.alice, draft))
        self.assertTrue(permissions_events.can_read_event(self.organiser, draft))

    def test_an_export_is_logged(self):
        actions_events.do_log_export(self.event, self.organiser, "csv", 3)
        self.assertEqual(
            list(RegistrationExport.objects.values_list("user", "format", "rows")), [(self.organiser.pk, "csv", 3)]
        )


class NoticeTests(BaseTestCase):
    def test_a_change_is_told_to_registrants_and_followers(self):
        from gcmhub.notifications.actions import do_follow

        event = make_event(capacity=1)
        register(event, self.alice)
        register(event, self.fatima)  # waiting: told too
        do_follow(self.ines, event)
        with self.captureOnCommitCallbacks(execute=True):
            actions_events.do_announce(event, self.sam, EventNotice.Kind.CHANGED, "It starts an hour later.")
        told = set(Notification.objects.filter(kind="event_changed").values_list("user", flat=True))
        self.assertEqual(told, {self.alice.pk, self.fatima.pk, self.ines.pk})

    def test_an_empty_note_or_a_second_cancellation_is_refused(self):
        event = make_event()
        with self.assertRaises(ValidationError):
            actions_events.do_announce(event, self.sam, EventNotice.Kind.CHANGED, "  ")
        actions_events.do_announce(event, self.sam, EventNotice.Kind.CANCELLED, "Cancelled.")
        with self.assertRaises(ValidationError):
            actions_events.do_announce(event, self.sam, EventNotice.Kind.CANCELLED, "Again.")

    def test_registering_tells_the_person_in_the_notification_centre(self):
        event = make_event()
        with self.captureOnCommitCallbacks(execute=True):
            register(event, self.alice)
        self.assertTrue(Notification.objects.filter(user=self.alice, kind="event_registration").exists())
