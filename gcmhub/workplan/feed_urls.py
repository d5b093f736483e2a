from django.urls import path

from gcmhub.workplan import views_exports

app_name = "feeds"

urlpatterns = [
    path("workplan/<slug:plan>.ics", views_exports.deadlines_ics, name="workplan_ics"),
    path("workplan/<slug:plan>/<slug:organisation>.ics", views_exports.deadlines_ics, name="organisation_ics"),
]
