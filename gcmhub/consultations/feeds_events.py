"""The feeds of upcoming events, outside the language prefix: a calendar (ICS) to subscribe to,
and Atom, in the language of `?lang=` (English by default), each text falling back to the language
it was written in. Neither holds an online link: feeds are public."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import feedgenerator, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gcmhub import pagecache
from gcmhub.consultations.ics import build_ics
from gcmhub.consultations.models import Event
from gcmhub.consultations.views_events import CACHE_SCOPES
from gcmhub.lib.cleantext import strip_controls
from gcmhub.lib.formats import datetime_text
from gcmhub.lib.i18n import LANGUAGE_CODES

FEED_SIZE = 100


def feed_events(now=None) -> list[Event]:
    """The next published events not yet over, cancelled ones included (calendars must hear of
    it), soonest first; two queries."""
    return list(
        Event.objects.published().upcoming(now).select_related("series").prefetch_related("organisers")[:FEED_SIZE]
    )


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "en")
    return lang if lang in LANGUAGE_CODES else "en"


@require_GET
@pagecache.cacheable(scopes=CACHE_SCOPES)
def events_ics(request: HttpRequest) -> HttpResponse:
    lang = _language(request)
    with translation.override(lang):
        body = build_ics(feed_events(), name=_("UN Network on Migration: events"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Language"] = lang
    return response


@require_GET
@pagecache.cacheable(scopes=CACHE_SCOPES)
def events_atom(request: HttpRequest) -> HttpResponse:
    lang = _language(request)
    now = timezone.now()
    with translation.override(lang):
        feed = feedgenerator.Atom1Feed(
            title=_("UN Network on Migration: upcoming events"),
            link=request.build_absolute_uri(reverse("events:list")),
            description=_("GCM Talks, listening sessions, webinars and trainings of the UN Network on Migration."),
            language=lang,
            feed_url=request.build_absolute_uri(),
        )
        for event in feed_events(now):
            with timezone.override(event.tz):
                when = datetime_text(event.starts_at)
            summary = _("%(kind)s, %(when)s.") % {"kind": event.get_kind_display(), "when": when}
            if event.cancelled_at:
                summary = _("Cancelled: %(summary)s") % {"summary": summary}
            feed.add_item(
                title=strip_controls(event.title),
                link=request.build_absolute_uri(event.get_absolute_url()),
                description=strip_controls(f"{summary}\n\n{event.description}".strip()),
                unique_id=f"tag:{request.get_host().split(':')[0]},2018:event:{event.pk}",
                unique_id_is_permalink=False,
                pubdate=event.published_at,
                updateddate=event.cancelled_at or event.published_at,
                author_name=strip_controls(", ".join(o.label for o in event.organisers.all())) or None,
                categories=[str(event.get_kind_display()), *([str(event.series)] if event.series else [])],
            )
        response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
        feed.write(response, "utf-8")
    response["Content-Language"] = lang
    return response
