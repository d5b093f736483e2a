"""Downloads of the Hub's files, outside the language prefix (a file is the same in every language)."""

from django.urls import path

from gcmhub.knowledge import views_files

app_name = "knowledge_files"

urlpatterns = [
    path("resources/<id:pk>/<str:filename>", views_files.resource_file, name="resource_file"),
    path("practices/<id:pk>/<str:filename>", views_files.practice_attachment, name="practice_attachment"),
]
