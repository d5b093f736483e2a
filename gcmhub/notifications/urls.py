from django.urls import path

from gcmhub.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("<id:notification_id>/", views.open_notification, name="open"),
    path("read/", views.mark_read, name="mark_read"),
    path("follow/", views.follow, name="follow"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
