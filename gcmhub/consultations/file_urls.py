"""Downloads of discussions' files, outside the language prefix (a file is the same in every language)."""

from django.urls import path

from gcmhub.consultations import views_files

app_name = "consultations_files"

urlpatterns = [
    path("discussions/topics/<id:pk>/<str:filename>", views_files.topic_attachment, name="topic_attachment"),
    path("discussions/comments/<id:pk>/<str:filename>", views_files.comment_attachment, name="comment_attachment"),
]
