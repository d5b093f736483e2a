from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "gcmhub.consultations"
    verbose_name = _("Discussions and events")
