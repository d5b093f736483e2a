from django.apps import AppConfig


class GcmhubConfig(AppConfig):
    """The site chrome: base templates (base.html, includes/, the error pages) and static files."""

    name = "gcmhub"
    verbose_name = "gcmhub"

    def ready(self):
        # The `<id:...>` path converter, before any urls.py is read.
        from django.core.signals import setting_changed

        from gcmhub import context_processors
        from gcmhub.lib import converters  # noqa: F401

        setting_changed.connect(context_processors.clear_caches, dispatch_uid="gcmhub-chrome-caches")
