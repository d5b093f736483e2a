from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The pages above the domain apps: home, error pages, the reference pages that gather what
    every context says about an objective, principle, thematic area, country or organisation, and
    the template tags every template loads."""

    name = "gcmhub.site"
    label = "site"
    verbose_name = _("Site")
