"""Wagtail editing helpers shared by the apps' CMS screens."""

from wagtail.admin.panels import FieldPanel, MultiFieldPanel


def translated_panel(name: str, heading) -> MultiFieldPanel:
    """One panel with the English, French and Spanish versions of `name` side by side."""
    return MultiFieldPanel(
        [FieldPanel(f"{name}_en"), FieldPanel(f"{name}_fr"), FieldPanel(f"{name}_es")], heading=heading
    )
