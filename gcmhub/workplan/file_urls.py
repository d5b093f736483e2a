"""Downloads of the work plan's files, outside the language prefix."""

from django.urls import path

from gcmhub.workplan import views_files

app_name = "workplan_files"

urlpatterns = [
    path("evidence/<id:pk>/<str:filename>", views_files.evidence, name="evidence"),
    path("workplans/<slug:slug>/<str:filename>", views_files.source_document, name="source_document"),
]
