from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "gcmhub.search"
    verbose_name = _("Search")

    def ready(self):
        from gcmhub.search.indexing import connect_signals

        connect_signals()
