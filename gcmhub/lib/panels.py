"""Wagtail editing helpers shared by the apps' CMS screens."""

from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.permission_policies import ModelPermissionPolicy


def translated_panel(name: str, heading) -> MultiFieldPanel:
    """One panel with the English, French and Spanish versions of `name` side by side."""
    return MultiFieldPanel(
        [FieldPanel(f"{name}_en"), FieldPanel(f"{name}_fr"), FieldPanel(f"{name}_es")], heading=heading
    )


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
