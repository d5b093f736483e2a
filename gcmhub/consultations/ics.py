"""Events as iCalendar (RFC 5545): one event's file (the confirmation e-mail's attachment, the
page's download) and the calendar feed of upcoming events.

Times are written in the event's own zone with its VTIMEZONE, so a calendar shows them right
wherever its owner is. The UID stays the same for an event and its SEQUENCE is the event's
version, so a changed or cancelled event replaces the copy calendars hold. The online link goes
only into the files of those who may see it (`with_link`)."""

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from gcmhub.consultations.models import Event
from gcmhub.lib.cleantext import strip_controls

PRODID = "-//UN Network on Migration//gcmhub events//EN"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@gcmhub"


def _site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def _component(event: Event, *, with_link: bool, now):
    from icalendar import Event as VEvent

    url = _site_url() + event.get_absolute_url()
    item = VEvent()
    item.add("uid", event_uid(event))
    item.add("dtstamp", now)
    item.add("sequence", event.version)
    item.add("dtstart", event.starts_at.astimezone(event.tz))
    item.add("dtend", event.ends_at.astimezone(event.tz))
    item.add("summary", strip_controls(event.title))
    item.add("url", url)
    lines = [strip_controls(event.description)] if event.description else []
    if event.agenda:
        lines += ["", _("Agenda:"), strip_controls(event.agenda)]
    location = []
    if event.place:
        location.append(strip_controls(event.place))
    if event.is_online:
        if with_link and event.online_link:
            location.append(event.online_link)
            lines += ["", _("Join online: %(link)s") % {"link": event.online_link}]
        else:
            lines += ["", _("Online: the link is on the event's page for registered participants.")]
    lines += ["", url]
    item.add("description", "\n".join(lines).strip())
    if location:
        item.add("location", " · ".join(location))
    item.add("status", "CANCELLED" if event.cancelled_at else "CONFIRMED")
    item.add("categories", [str(event.get_kind_display())])
    return item


def build_ics(events: Iterable[Event], *, name: str, with_link=lambda event: False, now=None) -> bytes:
    """A calendar of the events; `with_link(event)` says whether its online link may go in."""
    from icalendar import Calendar

    now = now or timezone.now()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("name", name)
    for event in events:
        cal.add_component(_component(event, with_link=with_link(event), now=now))
    cal.add_missing_timezones()
    return cal.to_ical()


def event_ics(event: Event, *, with_link: bool, now=None) -> bytes:
    return build_ics([event], name=strip_controls(event.title), with_link=lambda _event: with_link, now=now)


def ics_filename(event: Event) -> str:
    return f"{event.slug}.ics"
