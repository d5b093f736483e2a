"""Feeds and catalogue outside the language prefix: Atom of what the Hub publishes, DCAT (JSON-LD)."""

from django.urls import path

from gcmhub.knowledge import dcat, feeds

app_name = "knowledge_feeds"

urlpatterns = [
    path("feeds/hub.atom", feeds.hub_atom, name="hub_atom"),
    path("catalog/dcat.jsonld", dcat.catalog_dcat, name="catalog_dcat"),
]
