"""Atom feeds of discussions, outside the language prefix (`?lang=` chooses the feed's words)."""

from django.urls import path

from gcmhub.consultations import feeds

app_name = "discussion_feeds"

urlpatterns = [
    path("feeds/discussions.atom", feeds.comments_atom, name="comments_atom"),
    path("feeds/discussions/<slug:topic>.atom", feeds.topic_atom, name="topic_atom"),
]
