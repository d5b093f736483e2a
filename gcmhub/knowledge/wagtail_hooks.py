"""The Hub in the CMS: the Secretariat edits resources and calls for practices there and reads the
feedback on tools (read-only: feedback is what users said, never edited).

A resource's status change made in the CMS goes through `do_record_status_change`, like a
decision on the proposals page: it is recorded as a `ResourceEvent` and publication is dated."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from gcmhub.knowledge.actions.resources import do_record_status_change
from gcmhub.knowledge.criteria import Audience, ResourceLanguage
from gcmhub.knowledge.models import CallForPractices, Resource, ToolFeedback
from gcmhub.lib.cms_concurrency import VersionedAdminForm, VersionedSnippetViewSet
from gcmhub.lib.i18n import translated_names
from gcmhub.lib.panels import ReadOnlyPolicy, translated_panel


class ResourceAdminForm(VersionedAdminForm):
    """Languages and audiences are lists of codes stored as JSON: edit them as checkboxes."""

    languages = forms.MultipleChoiceField(
        label=_("Languages available"),
        choices=ResourceLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    external_url = forms.URLField(label=_("External link"), max_length=500, required=False, assume_scheme="https")
    audiences = forms.MultipleChoiceField(
        label=_("Target audience"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        source = cleaned.get("source_language")
        if source and not (cleaned.get(f"title_{source}") or "").strip():
            self.add_error(f"title_{source}", gettext("Give the title in the source language."))
        return cleaned


FILE_LANGUAGE_WIDGET = forms.Select(choices=ResourceLanguage.choices)


class ResourceViewSet(VersionedSnippetViewSet):
    model = Resource
    icon = "doc-full"
    menu_label = _("Resources")
    list_display = ["title", "kind", "status", "publication_date"]
    list_filter = ["status", "kind", "is_network_tool"]
    search_fields = [*translated_names("title"), *translated_names("summary")]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("kind"), FieldPanel("status"), FieldPanel("source_language")]),
            translated_panel("title", _("Title")),
            translated_panel("summary", _("Summary")),
            InlinePanel(
                "files",
                heading=_("Files (one per language version)"),
                label=_("File"),
                panels=[FieldPanel("language", widget=FILE_LANGUAGE_WIDGET), FieldPanel("title"), FieldPanel("file")],
            ),
            FieldPanel("external_url"),
            MultiFieldPanel(
                [
                    FieldPanel("publishers", widget=forms.SelectMultiple(attrs={"size": 10})),
                    FieldPanel("publication_date"),
                    FieldPanel("languages"),
                ],
                heading=_("Publication"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("geographic_scope"),
                    FieldPanel("countries", widget=forms.SelectMultiple(attrs={"size": 10})),
                    FieldPanel("regions", widget=forms.CheckboxSelectMultiple),
                ],
                heading=_("Geography"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("is_general"),
                    FieldPanel("objectives", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("principles", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("thematic_area"),
                    FieldPanel("audiences"),
                ],
                heading=_("GCM objectives and themes"),
            ),
            MultiFieldPanel(
                [FieldPanel("output_of_priority"), FieldPanel("output_of_activity")],
                heading=_("Output of the work plan"),
            ),
            FieldPanel("is_network_tool"),
        ],
        base_form_class=ResourceAdminForm,
    )


class CallForPracticesViewSet(VersionedSnippetViewSet):
    model = CallForPractices
    icon = "mail"
    menu_label = _("Calls for practices")
    list_display = ["title", "opens_at", "deadline"]
    search_fields = [*translated_names("title")]
    panels = [
        FieldPanel("slug"),
        FieldPanel("source_language"),
        translated_panel("title", _("Title")),
        translated_panel("rationale", _("Rationale")),
        translated_panel("eligibility", _("Eligibility")),
        translated_panel("criteria", _("Criteria")),
        FieldPanel("objectives", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("deadline")]),
        FieldRowPanel([FieldPanel("contact_name"), FieldPanel("contact_email")]),
    ]


class ToolFeedbackViewSet(SnippetViewSet):
    model = ToolFeedback
    icon = "comment"
    menu_label = _("Tool feedback")
    list_display = ["resource", "rating", "country", "created_at"]
    list_filter = ["rating", "resource"]
    inspect_view_enabled = True


register_permission_policy(ToolFeedback, ReadOnlyPolicy(ToolFeedback))


class HubGroup(SnippetViewSetGroup):
    menu_label = _("Hub")
    menu_icon = "doc-full"
    items = (ResourceViewSet, CallForPracticesViewSet, ToolFeedbackViewSet)


register_snippet(HubGroup)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def record_resource_status_change(request, instance):
    if isinstance(instance, Resource):
        do_record_status_change(request.user, instance)
