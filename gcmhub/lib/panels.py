"""Wagtail editing helpers shared by the apps' CMS screens."""

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.permission_policies import ModelPermissionPolicy

from gcmhub.lib.i18n import translated_names


def translated_panel(name: str, heading) -> MultiFieldPanel:
    """One panel with the versions of `name` in every language of the settings, side by side."""
    return MultiFieldPanel([FieldPanel(column) for column in translated_names(name)], heading=heading)


class ReadOnlyPolicy(ModelPermissionPolicy):
    """View only, for everyone: for records that are history (status updates, feedback) and are
    written on the site or through the API, never edited in the CMS."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(self.user_has_permission(user, a) for a in actions)
