from django.apps import AppConfig


class GcmhubConfig(AppConfig):
    """The site chrome: base templates, static files and shared template tags."""

    name = "gcmhub"
    verbose_name = "gcmhub"
