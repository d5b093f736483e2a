from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationsConfig(AppConfig):
    name = "gcmhub.translations"
    verbose_name = _("Translations")

    def ready(self):
        from gcmhub.lib.i18n import register_suggested_fields
        from gcmhub.translations import signals
        from gcmhub.translations.status import suggested_fields

        signals.connect()
        register_suggested_fields(suggested_fields)
