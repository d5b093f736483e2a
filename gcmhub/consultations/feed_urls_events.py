"""The feeds of upcoming events, outside the language prefix (`?lang=` chooses the language)."""

from django.urls import path

from gcmhub.consultations import feeds_events

app_name = "events_feeds"

urlpatterns = [
    path("feeds/events.ics", feeds_events.events_ics, name="ics"),
    path("feeds/events.atom", feeds_events.events_atom, name="atom"),
]
