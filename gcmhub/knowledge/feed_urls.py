"""Feeds and catalogue outside the language prefix: Atom of what the Hub publishes, DCAT (JSON-LD)."""

urlpatterns = []
