from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "gcmhub.api"
    verbose_name = "API"
