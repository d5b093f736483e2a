from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "gcmhub.search"
    verbose_name = _("Search")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from gcmhub.search.indexing import connect_signals
        from gcmhub.search.results import LABELLED_MODELS, clear_label_cache

        connect_signals()
        for model in LABELLED_MODELS:
            post_save.connect(clear_label_cache, sender=model, dispatch_uid=f"search-labels-{model.__name__}")
            post_delete.connect(clear_label_cache, sender=model, dispatch_uid=f"search-labels-del-{model.__name__}")
