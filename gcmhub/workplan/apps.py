from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplanConfig(AppConfig):
    name = "gcmhub.workplan"
    verbose_name = _("Work plan")

    def ready(self):
        from gcmhub.workplan.signals import connect_signals

        connect_signals()
