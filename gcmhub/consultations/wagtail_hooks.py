"""Discussions in the CMS: the Secretariat edits spaces (with their managers and members) and
topics (with their questions, attachments and moderators) there, and reads the moderation log and
the appeals (read-only: decisions are taken on the site, where each is logged and told)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from gcmhub.consultations.models import Appeal, ModerationAction, Space, Topic
from gcmhub.lib.cms_concurrency import VersionedAdminForm, VersionedSnippetViewSet
from gcmhub.lib.i18n import Language, translated_names
from gcmhub.lib.panels import ReadOnlyPolicy, translated_panel


class SpaceAdminForm(VersionedAdminForm):
    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        source = cleaned.get("source_language")
        if source and not (cleaned.get(f"title_{source}") or "").strip():
            self.add_error(f"title_{source}", gettext("Give the title in the source language."))
        return cleaned


class TopicAdminForm(VersionedAdminForm):
    """The main languages are a list of codes stored as JSON: edited as checkboxes."""

    languages = forms.MultipleChoiceField(
        label=_("Main languages"), choices=Language.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        source = cleaned.get("source_language")
        if source and not (cleaned.get(f"title_{source}") or "").strip():
            self.add_error(f"title_{source}", gettext("Give the title in the source language."))
        return cleaned


class SpaceViewSet(VersionedSnippetViewSet):
    model = Space
    icon = "group"
    menu_label = _("Discussion spaces")
    list_display = ["title", "visibility", "created_at"]
    list_filter = ["visibility"]
    search_fields = [*translated_names("title")]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("slug"), FieldPanel("source_language"), FieldPanel("visibility")]),
            translated_panel("title", _("Title")),
            translated_panel("description", _("Description")),
            InlinePanel(
                "memberships",
                heading=_("Managers and members"),
                label=_("Member"),
                panels=[FieldPanel("user"), FieldPanel("role")],
            ),
            FieldPanel("archived_at"),
        ],
        base_form_class=SpaceAdminForm,
    )


class TopicViewSet(VersionedSnippetViewSet):
    model = Topic
    icon = "comment"
    menu_label = _("Discussion topics")
    list_display = ["title", "space", "opens_at", "closes_at", "published_at"]
    list_filter = ["space", "moderation", "visibility"]
    search_fields = [*translated_names("title")]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("space"), FieldPanel("slug"), FieldPanel("source_language")]),
            translated_panel("title", _("Title")),
            translated_panel("introduction", _("Introduction")),
            translated_panel("audience", _("Expected audience")),
            FieldPanel("languages"),
            MultiFieldPanel(
                [
                    FieldPanel("time_zone"),
                    FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                    FieldPanel("published_at"),
                ],
                heading=_("Dates (entered in the CMS's time zone; the site shows them in the topic's zone too)"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("visibility"),
                    FieldPanel("moderation"),
                    FieldPanel("moderators", widget=forms.SelectMultiple(attrs={"size": 8})),
                ],
                heading=_("Readers and moderation"),
            ),
            InlinePanel(
                "questions",
                heading=_("The moderators' questions"),
                label=_("Question"),
                panels=[
                    FieldRowPanel([FieldPanel("order"), FieldPanel("source_language")]),
                    *[FieldPanel(column) for column in translated_names("text")],
                ],
            ),
            MultiFieldPanel(
                [
                    FieldPanel("resources", widget=forms.SelectMultiple(attrs={"size": 8})),
                    InlinePanel("attachments", label=_("Attachment"), panels=[FieldPanel("title"), FieldPanel("file")]),
                ],
                heading=_("Documents"),
            ),
            MultiFieldPanel(
                [FieldPanel("tool"), FieldPanel("summary_report")],
                heading=_("Network tool and summary report"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("objectives", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("principles", widget=forms.CheckboxSelectMultiple),
                    FieldPanel("countries", widget=forms.SelectMultiple(attrs={"size": 8})),
                    FieldPanel("thematic_areas", widget=forms.CheckboxSelectMultiple),
                ],
                heading=_("GCM objectives and themes"),
            ),
        ],
        base_form_class=TopicAdminForm,
    )


class ModerationLogViewSet(SnippetViewSet):
    model = ModerationAction
    icon = "list-ul"
    menu_label = _("Moderation log")
    list_display = ["kind", "actor", "subject", "reason", "created_at"]
    list_filter = ["kind", "reason"]
    inspect_view_enabled = True


class AppealViewSet(SnippetViewSet):
    model = Appeal
    icon = "help"
    menu_label = _("Appeals")
    list_display = ["action", "appellant", "outcome", "created_at"]
    list_filter = ["outcome"]
    inspect_view_enabled = True


register_permission_policy(ModerationAction, ReadOnlyPolicy(ModerationAction))
register_permission_policy(Appeal, ReadOnlyPolicy(Appeal))


class DiscussionsGroup(SnippetViewSetGroup):
    menu_label = _("Discussions")
    menu_icon = "comment"
    items = (SpaceViewSet, TopicViewSet, ModerationLogViewSet, AppealViewSet)


register_snippet(DiscussionsGroup)
