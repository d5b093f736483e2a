from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    name = "gcmhub.translations"
    verbose_name = _("Translations")

    def ready(self):
        from gcmhub.translations import signals

        signals.connect()
