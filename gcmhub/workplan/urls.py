from django.urls import path

from gcmhub.workplan import views, views_activity, views_exports, views_import

app_name = "workplan"

activity_urls = [
    path("activities/<id:pk>/", views_activity.activity_detail, name="activity"),
    path("activities/<id:pk>/status/", views_activity.post_status_update, name="activity_status"),
    path("activities/<id:pk>/note/", views_activity.post_note, name="activity_note"),
    path("my-deadlines/", views_activity.my_deadlines, name="my_deadlines"),
]

import_urls = [
    path("import/", views_import.upload, name="import"),
    path("import/<str:token>/preview/", views_import.preview, name="import_preview"),
    path("deadlines-to-fix/", views_import.deadlines_to_fix, name="deadlines_to_fix"),
    path("activities/<id:pk>/deadline/", views_import.edit_deadline, name="activity_deadline"),
]

plan_urls = [
    path("<slug:plan>/", views.overview, name="overview"),
    path("<slug:plan>/activities/", views.activity_list, name="activities"),
    path("<slug:plan>/calendar/", views.calendar, name="calendar"),
    path("<slug:plan>/dashboard/", views.dashboard, name="dashboard"),
    path("<slug:plan>/priorities/<slug:priority>/", views.priority_detail, name="priority"),
    path("<slug:plan>/activities.csv", views_exports.activities_csv, name="export_csv"),
    path("<slug:plan>/activities.xlsx", views_exports.activities_xlsx, name="export_xlsx"),
    path("<slug:plan>/report.pdf", views_exports.progress_report_pdf, name="report_pdf"),
]

urlpatterns = [
    path("", views.index, name="index"),
    path("calendar/", views.calendar_current, name="calendar_current"),
    path("dashboard/", views.dashboard_current, name="dashboard_current"),
    *activity_urls,
    *import_urls,
    *plan_urls,
]
