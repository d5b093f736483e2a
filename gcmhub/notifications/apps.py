from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "gcmhub.notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from gcmhub.notifications.emitters import connect_signals

        connect_signals()
