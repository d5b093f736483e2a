"""Writes on events: registration with capacity and a waitlist, cancellation (which gives the seat
to the first person waiting), announced changes and cancellations, the attendee-list export log,
the reminders. Each runs in a transaction; e-mails are queued on commit (`tasks`).

Rules that hold whatever the caller (page, API, command):
- one registration per person and event: registering again while registered or waiting is refused
  kindly (`AlreadyRegistered`); after a cancellation, registering again reuses the row, at the end
  of the queue;
- seats are counted under the event row's lock, so two people never take the last seat;
- when a seat frees up (a cancellation, more seats in the CMS), the first person waiting
  (`queued_at`, then id) gets it and is told;
- answers the event requires must be given.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub.consultations.models import (
    REGISTRATION_NOTE_MAX_CHARS,
    Event,
    EventNotice,
    Registration,
    RegistrationExport,
)
from gcmhub.lib.cleantext import clean_text
from gcmhub.lib.concurrency import claim
from gcmhub.lib.i18n import LANGUAGE_CODES

Status = Registration.Status
# The longest reminder an event may ask for: the reminder command looks this far ahead.
MAX_REMINDER_HOURS = 7 * 24


class RegistrationRefused(ValidationError):
    """A registration that cannot be made; the message says why."""


class AlreadyRegistered(RegistrationRefused):
    """The person is registered or waiting already; `registration` is their row."""

    def __init__(self, message, registration: Registration):
        super().__init__(message, code="twice")
        self.registration = registration


@dataclass
class Answers:
    organisation: str = ""
    country: object = None  # a taxonomy Country or None
    role: str = ""
    accessibility_needs: str = ""
    question: str = ""

    def given(self, name: str) -> bool:
        value = {"accessibility": self.accessibility_needs}.get(name, getattr(self, name, None))
        return bool(value.strip() if isinstance(value, str) else value)


def check_answers(event: Event, answers: Answers) -> Answers:
    """The answers tidied; RegistrationRefused naming the first missing required answer."""
    missing = [name for name in event.required_questions or [] if not answers.given(name)]
    if missing:
        raise RegistrationRefused(
            _("This event asks every participant for: %(names)s.")
            % {"names": ", ".join(str(QUESTION_LABELS.get(name, name)) for name in missing)},
            code="required",
        )
    return Answers(
        organisation=clean_text(answers.organisation, multiline=False).strip()[:300],
        country=answers.country,
        role=clean_text(answers.role, multiline=False).strip()[:300],
        accessibility_needs=clean_text(answers.accessibility_needs).strip()[:REGISTRATION_NOTE_MAX_CHARS],
        question=clean_text(answers.question).strip()[:REGISTRATION_NOTE_MAX_CHARS],
    )


def _question_labels():
    from django.utils.translation import gettext_lazy

    return {
        "organisation": gettext_lazy("your organisation"),
        "country": gettext_lazy("your country"),
        "role": gettext_lazy("your role"),
        "accessibility": gettext_lazy("your accessibility needs"),
    }


QUESTION_LABELS = _question_labels()


def _confirmed(event_id: int) -> int:
    return Registration.objects.filter(event_id=event_id, status=Status.CONFIRMED).count()


def do_register(event: Event, user, answers: Answers, now=None) -> Registration:
    """Register the user: a seat if one is left, else the waitlist. Mails the person (with the
    event as an .ics file when they have a seat)."""
    now = now or timezone.now()
    if not event.takes_registrations(now):
        raise RegistrationRefused(_("Registration for this event is closed."), code="closed")
    answers = check_answers(event, answers)
    language = getattr(user, "preferred_language", "") or "en"
    with transaction.atomic():
        # The event row's lock: seats are counted by one registration at a time.
        locked = Event.objects.select_for_update().get(pk=event.pk)
        existing = Registration.objects.select_for_update().filter(event=locked, user=user).first()
        if existing is not None and existing.status != Status.CANCELLED:
            if existing.status == Status.CONFIRMED:
                message = _("You are registered for this event already: nothing changed.")
            else:
                message = _("You are on the waitlist of this event already: nothing changed.")
            raise AlreadyRegistered(message, existing)
        full = locked.capacity is not None and _confirmed(locked.pk) >= locked.capacity
        values = {
            "status": Status.WAITLISTED if full else Status.CONFIRMED,
            "organisation": answers.organisation,
            "country": answers.country,
            "role": answers.role,
            "accessibility_needs": answers.accessibility_needs,
            "question": answers.question,
            "language": language if language in LANGUAGE_CODES else "en",
            "queued_at": now,
            "promoted_at": None,
            "cancelled_at": None,
            "reminded_at": None,
        }
        if existing is None:
            registration = Registration.objects.create(event=locked, user=user, created_at=now, **values)
        else:
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save(update_fields=list(values))
            registration = existing
    _mail(registration.pk, "confirmed" if registration.status == Status.CONFIRMED else "waitlisted")
    return registration


def do_cancel_registration(registration: Registration, now=None) -> Registration | None:
    """The person cancels; their seat goes to the first person waiting, who is told. Returns the
    promoted registration, if any."""
    now = now or timezone.now()
    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=registration.event_id).first()
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == Status.CANCELLED:
            return None
        current.status, current.cancelled_at = Status.CANCELLED, now
        current.save(update_fields=["status", "cancelled_at"])
        promoted = _fill_seats(current.event_id, now)
    return promoted[0] if promoted else None


def _fill_seats(event_id: int, now) -> list[Registration]:
    """Give free seats to the people waiting, first come first served. Runs under the event's lock."""
    event = Event.objects.get(pk=event_id)
    if event.state(now) not in ("upcoming", "under_way"):
        return []
    free = None if event.capacity is None else event.capacity - _confirmed(event_id)
    waiting = Registration.objects.filter(event_id=event_id, status=Status.WAITLISTED).order_by("queued_at", "id")
    if free is not None:
        if free <= 0:
            return []
        waiting = waiting[:free]
    promoted = []
    for registration in waiting:
        registration.status, registration.promoted_at = Status.CONFIRMED, now
        registration.save(update_fields=["status", "promoted_at"])
        promoted.append(registration)
        _mail(registration.pk, "promoted")
    return promoted


def do_fill_seats(event: Event, now=None) -> list[Registration]:
    """After seats were added (the CMS): the people waiting get them, in order, and are told."""
    now = now or timezone.now()
    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=event.pk).first()
        return _fill_seats(event.pk, now)


def do_announce(event: Event, actor, kind: str, note: str, now=None) -> EventNotice:
    """Tell the registrants and followers of a change, or cancel the event (kind "cancelled"):
    the notice is kept, and calendars get the new version (the SEQUENCE goes up)."""
    now = now or timezone.now()
    if kind not in EventNotice.Kind.values:
        raise ValidationError(_("Choose whether the event changed or is cancelled."), code="kind")
    text = clean_text(note or "").strip()
    if not text:
        raise ValidationError(_("Say what changed: the registrants read it in their e-mail."), code="empty")
    with transaction.atomic():
        current = claim(Event, event.pk, None)
        if current.cancelled_at is not None:
            raise ValidationError(_("This event is cancelled already."), code="cancelled")
        if kind == EventNotice.Kind.CANCELLED:
            current.cancelled_at = now
            current.save(update_fields=["cancelled_at"])
        return EventNotice.objects.create(
            event=current, kind=kind, note=text[:REGISTRATION_NOTE_MAX_CHARS], actor=actor, created_at=now
        )


def do_log_export(event: Event, user, fmt: str, rows: int) -> RegistrationExport:
    return RegistrationExport.objects.create(event=event, user=user, format=fmt, rows=rows)


def due_reminders(now=None) -> list[Registration]:
    """Seats at published events that start within their reminder time and whose holder was not
    reminded yet."""
    now = now or timezone.now()
    rows = (
        Registration.objects.filter(
            status=Status.CONFIRMED,
            reminded_at__isnull=True,
            event__published_at__isnull=False,
            event__cancelled_at__isnull=True,
            event__reminder_hours__gt=0,
            event__starts_at__gt=now,
            event__starts_at__lte=now + datetime.timedelta(hours=MAX_REMINDER_HOURS),
        )
        .select_related("event")
        .order_by("event__starts_at", "id")
    )
    return [r for r in rows if r.event.starts_at - datetime.timedelta(hours=r.event.reminder_hours) <= now]


def do_send_reminders(now=None) -> int:
    """Queue one reminder per seat due (`due_reminders`); a seat is reminded once, whoever runs
    the command at the same time (the row is claimed with a conditional update)."""
    now = now or timezone.now()
    sent = 0
    for registration in due_reminders(now):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                Q(pk=registration.pk), Q(reminded_at__isnull=True), Q(status=Status.CONFIRMED)
            ).update(reminded_at=now)
            if claimed:
                _mail(registration.pk, "reminder")
                sent += 1
    return sent


def _mail(registration_id: int, kind: str) -> None:
    from gcmhub.consultations import tasks

    transaction.on_commit(lambda: tasks.send_registration_email.enqueue(registration_id, kind))
