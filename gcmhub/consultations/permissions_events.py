"""Who may see and do what with events (issue 11 §3, §6), shared by the pages, the CMS and the API.

- A published event is read by everyone; a draft by its organisers and the Secretariat.
- Any signed-in, active account with a verified address registers while the event takes
  registrations; the person cancels their own registration.
- The online link is shown to the people registered (not those waiting for a seat), the event's
  organisers and the Secretariat.
- **Registrants' personal data** (answers, attendee list, exports) is seen by the event's named
  organisers (`Event.managers`: the people its organising organisations put in charge of the
  registrations) and the Secretariat, nobody else. Named people rather than every focal point
  of the organising organisations: an organisation has many focal points, most with no part in
  the event, and the data was given for this event only (data minimisation); the CMS shows who
  they are, and every export is logged (`RegistrationExport`).
"""

from django.http import Http404

from gcmhub.accounts.permissions import is_secretariat
from gcmhub.consultations.models import Event, Registration


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_organiser(user, event: Event) -> bool:
    """One of the event's named organisers, or the Secretariat."""
    if not _signed_in(user):
        return False
    if is_secretariat(user):
        return True
    ids = getattr(event, "_manager_ids", None)
    if ids is None:
        ids = set(event.managers.values_list("pk", flat=True))
        event._manager_ids = ids
    return user.pk in ids


def can_read_event(user, event: Event) -> bool:
    return event.published_at is not None or is_organiser(user, event)


def registration_of(user, event: Event) -> Registration | None:
    """The user's registration for the event (cancelled included), loaded once per event object."""
    if not _signed_in(user):
        return None
    cache = getattr(event, "_registrations", None)
    if cache is None:
        cache = event._registrations = {}
    if user.pk not in cache:
        cache[user.pk] = Registration.objects.filter(event=event, user=user).first()
    return cache[user.pk]


def register_refusal(user, event: Event, moment=None) -> str | None:
    """Why the user may not register now (a sentence for the page), or None."""
    from django.utils.translation import gettext as _

    if not _signed_in(user):
        return _("Sign in to register.")
    if not getattr(user, "email_verified", False):
        return _("Confirm your e-mail address to register: follow the link we sent you.")
    state = event.state(moment)
    if state == "cancelled":
        return _("This event is cancelled.")
    if state in ("under_way", "past"):
        return _("This event has started: registration is closed.")
    if not event.takes_registrations(moment):
        return _("Registration for this event is closed.")
    return None


def can_see_online_link(user, event: Event) -> bool:
    if not event.online_link:
        return False
    if is_organiser(user, event):
        return True
    registration = registration_of(user, event)
    return registration is not None and registration.status == Registration.Status.CONFIRMED


def can_see_registrants(user, event: Event) -> bool:
    """The attendee list, the answers and the exports: personal data."""
    return is_organiser(user, event)


def can_announce(user, event: Event) -> bool:
    """Tell registrants and followers of a change, or cancel the event."""
    return is_organiser(user, event)


def get_event_for_user(user, slug: str) -> Event:
    event = Event.objects.select_related("series", "summary_report").filter(slug=slug).first()
    if event is None or not can_read_event(user, event):
        raise Http404
    return event


def managed_events_q(user):
    """The events whose registrants the user may see, as a filter on Event (None: all)."""
    from django.db.models import Q

    if is_secretariat(user):
        return None
    if not _signed_in(user):
        return Q(pk__in=[])
    return Q(managers=user)
