"""Reference data in the CMS: the Secretariat corrects names, maps objectives to thematic areas
and adds organisations and their other spellings. Wagtail records every change in its audit log."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from gcmhub.lib.cms_concurrency import VersionedSnippetViewSet
from gcmhub.lib.i18n import translated_names
from gcmhub.lib.panels import translated_panel
from gcmhub.taxonomy.models import (
    Country,
    GuidingPrinciple,
    Objective,
    Organisation,
    OrganisationAlias,
    Region,
    ThematicArea,
)


class OrganisationViewSet(VersionedSnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    list_display = ["__str__", "name_en", "kind", "is_network_member"]
    list_filter = ["kind", "is_network_member"]
    search_fields = [*translated_names("name"), *translated_names("acronym"), "slug"]
    panels = [
        translated_panel("name", _("Name")),
        translated_panel("acronym", _("Acronym")),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("is_network_member")]),
        FieldPanel("website"),
    ]


class OrganisationAliasViewSet(VersionedSnippetViewSet):
    model = OrganisationAlias
    icon = "tag"
    menu_label = _("Organisation aliases")
    list_display = ["alias", "organisation"]
    search_fields = ["alias", "organisation__name_en", "organisation__acronym_en"]
    panels = [FieldPanel("organisation"), FieldPanel("alias")]


class ObjectiveViewSet(VersionedSnippetViewSet):
    model = Objective
    icon = "crosshairs"
    menu_label = _("GCM objectives")
    list_display = ["number", "short_en", "title_en"]
    search_fields = [*translated_names("short"), *translated_names("title")]
    copy_view_enabled = False
    panels = [
        FieldPanel("number"),
        translated_panel("short", _("Short label")),
        translated_panel("title", _("Official title")),
    ]


class GuidingPrincipleViewSet(VersionedSnippetViewSet):
    model = GuidingPrinciple
    icon = "pick"
    menu_label = _("Guiding principles")
    list_display = ["code", "name_en", "order"]
    copy_view_enabled = False
    panels = [FieldRowPanel([FieldPanel("code"), FieldPanel("order")]), translated_panel("name", _("Name"))]


class ThematicAreaViewSet(VersionedSnippetViewSet):
    model = ThematicArea
    icon = "folder-open-inverse"
    menu_label = _("Thematic areas")
    list_display = ["number", "name_en"]
    copy_view_enabled = False
    panels = [
        FieldPanel("number"),
        translated_panel("name", _("Name")),
        FieldPanel("objectives", widget=forms.CheckboxSelectMultiple),
    ]


class RegionViewSet(VersionedSnippetViewSet):
    model = Region
    icon = "site"
    menu_label = _("Regions")
    list_display = ["name_en", "m49", "parent"]
    list_filter = ["parent"]
    search_fields = [*translated_names("name"), "m49"]
    copy_view_enabled = False
    panels = [FieldRowPanel([FieldPanel("m49"), FieldPanel("parent")]), translated_panel("name", _("Name"))]


class CountryViewSet(VersionedSnippetViewSet):
    model = Country
    icon = "globe"
    menu_label = _("Countries")
    list_display = ["name_en", "iso3", "region", "subregion", "listed"]
    list_filter = ["region", "listed"]
    search_fields = [*translated_names("name"), "other_names", "iso2", "iso3"]
    copy_view_enabled = False
    panels = [
        FieldRowPanel([FieldPanel("iso2"), FieldPanel("iso3"), FieldPanel("m49")]),
        FieldRowPanel([FieldPanel("region"), FieldPanel("subregion")]),
        translated_panel("name", _("Name")),
        FieldPanel("other_names"),
        translated_panel("note", _("Note shown with the name")),
        FieldPanel("listed"),
    ]

    def get_queryset(self, request):
        return Country.objects.select_related("region", "subregion")


class ReferenceDataGroup(SnippetViewSetGroup):
    menu_label = _("Reference data")
    menu_icon = "table"
    items = (
        OrganisationViewSet,
        OrganisationAliasViewSet,
        ObjectiveViewSet,
        GuidingPrincipleViewSet,
        ThematicAreaViewSet,
        CountryViewSet,
        RegionViewSet,
    )


register_snippet(ReferenceDataGroup)


def _sync_organisation_aliases(request, instance):
    # Every name and acronym must resolve like a hand-added alias (see Organisation.sync_aliases).
    if isinstance(instance, Organisation):
        instance.sync_aliases()


hooks.register("after_create_snippet", _sync_organisation_aliases)
hooks.register("after_edit_snippet", _sync_organisation_aliases)
