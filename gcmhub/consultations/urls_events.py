from django.urls import path

from gcmhub.consultations import views_events

app_name = "events"

# Fixed addresses first: an event's slug may not take them (models.RESERVED_EVENT_SLUGS).
urlpatterns = [
    path("", views_events.event_list, name="list"),
    path("mine/", views_events.my_registrations, name="mine"),
    path("series/<slug:series>/", views_events.series_detail, name="series"),
    path("<slug:event>/", views_events.event_detail, name="event"),
    path("<slug:event>/calendar.ics", views_events.event_calendar, name="calendar"),
    path("<slug:event>/register/", views_events.register, name="register"),
    path("<slug:event>/cancel/", views_events.cancel, name="cancel"),
    path("<slug:event>/attendees/", views_events.attendees, name="attendees"),
    path("<slug:event>/attendees.<str:fmt>", views_events.attendees_export, name="export"),
    path("<slug:event>/announce/", views_events.announce, name="announce"),
]
