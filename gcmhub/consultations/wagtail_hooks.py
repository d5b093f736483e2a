"""Discussions in the CMS: the Secretariat edits spaces (with their managers and members) and
topics (with their questions, attachments and moderators) there, and reads the moderation log and
the appeals (read-only: decisions are taken on the site, where each is logged and told).

Events too: series, and events with their speakers inline; the announced changes and the log of
attendee-list exports read-only. Registrations are not in the CMS: they are personal data, seen
on the event's attendee page by its organisers and the Secretariat (`permissions_events`). When
an edit adds seats, the people waiting get them (`actions_events.do_fill_seats`)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from gcmhub.consultations.models import (
    INTERPRETATION_LANGUAGES,
    Appeal,
    Event,
    EventNotice,
    EventSeries,
    ModerationAction,
    RegistrationExport,
    Space,
    Topic,
)
from gcmhub.lib.cms_concurrency import VersionedAdminForm, VersionedSnippetViewSet
from gcmhub.lib.formats import language_name
from gcmhub.lib.forms import field_of
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


# Events -----------------------------------------------------------------------------------------


class EventSeriesAdminForm(SpaceAdminForm):
    pass


class EventAdminForm(VersionedAdminForm):
    """Interpretation languages and required answers are lists of codes stored as JSON: edited as
    checkboxes."""

    interpretation_languages = forms.MultipleChoiceField(
        label=_("Interpretation"), required=False, widget=forms.CheckboxSelectMultiple
    )
    required_questions = forms.MultipleChoiceField(
        label=_("Answers every participant must give"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("organisation", _("Organisation")),
            ("country", _("Country")),
            ("role", _("Role")),
            ("accessibility", _("Accessibility needs")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "interpretation_languages", forms.MultipleChoiceField).choices = [
            (code, language_name(code)) for code in INTERPRETATION_LANGUAGES
        ]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        source = cleaned.get("source_language")
        if source and not (cleaned.get(f"title_{source}") or "").strip():
            self.add_error(f"title_{source}", gettext("Give the title in the source language."))
        return cleaned


class EventSeriesViewSet(VersionedSnippetViewSet):
    model = EventSeries
    icon = "list-ul"
    menu_label = _("Event series")
    list_display = ["title", "created_at"]
    search_fields = [*translated_names("title")]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("slug"), FieldPanel("source_language")]),
            translated_panel("title", _("Title")),
            translated_panel("description", _("Description")),
        ],
        base_form_class=EventSeriesAdminForm,
    )


class EventViewSet(VersionedSnippetViewSet):
    model = Event
    icon = "date"
    menu_label = _("Events")
    list_display = ["title", "kind", "series", "starts_at", "published_at", "cancelled_at"]
    list_filter = ["kind", "series", "format"]
    search_fields = [*translated_names("title")]
    edit_handler = ObjectList(
        [
            FieldRowPanel(
                [FieldPanel("kind"), FieldPanel("series"), FieldPanel("slug"), FieldPanel("source_language")]
            ),
            translated_panel("title", _("Title")),
            translated_panel("description", _("Description")),
            translated_panel("agenda", _("Agenda")),
            translated_panel("audience", _("Audience")),
            MultiFieldPanel(
                [
                    FieldPanel("time_zone"),
                    FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                    FieldPanel("published_at"),
                ],
                heading=_("Dates (entered in the CMS's time zone; the site shows them in the event's zone too)"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("format"),
                    FieldPanel("place"),
                    FieldPanel("online_link"),
                    FieldPanel("interpretation_languages"),
                ],
                heading=_("Where"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("organisers", widget=forms.SelectMultiple(attrs={"size": 8})),
                    FieldPanel("managers", widget=forms.SelectMultiple(attrs={"size": 8})),
                ],
                heading=_("Organisers"),
            ),
            InlinePanel(
                "speakers",
                heading=_("Speakers"),
                label=_("Speaker"),
                panels=[FieldRowPanel([FieldPanel("order"), FieldPanel("name"), FieldPanel("role")])],
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("registration_open"), FieldPanel("capacity")]),
                    FieldPanel("registration_closes_at"),
                    FieldPanel("required_questions"),
                    FieldPanel("reminder_hours"),
                ],
                heading=_("Registration"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("topics", widget=forms.SelectMultiple(attrs={"size": 8})),
                    FieldPanel("resources", widget=forms.SelectMultiple(attrs={"size": 8})),
                ],
                heading=_("Related discussions and resources"),
            ),
            MultiFieldPanel(
                [FieldPanel("recording_url"), FieldPanel("summary_report")],
                heading=_("After the event"),
            ),
        ],
        base_form_class=EventAdminForm,
    )


class EventNoticeViewSet(SnippetViewSet):
    model = EventNotice
    icon = "warning"
    menu_label = _("Announced changes")
    list_display = ["event", "kind", "actor", "created_at"]
    list_filter = ["kind"]
    inspect_view_enabled = True


class RegistrationExportViewSet(SnippetViewSet):
    model = RegistrationExport
    icon = "download"
    menu_label = _("Attendee list exports")
    list_display = ["event", "user", "format", "rows", "created_at"]
    inspect_view_enabled = True


register_permission_policy(EventNotice, ReadOnlyPolicy(EventNotice))
register_permission_policy(RegistrationExport, ReadOnlyPolicy(RegistrationExport))


class EventsGroup(SnippetViewSetGroup):
    menu_label = _("Events")
    menu_icon = "date"
    items = (EventViewSet, EventSeriesViewSet, EventNoticeViewSet, RegistrationExportViewSet)


register_snippet(EventsGroup)


@hooks.register("after_edit_snippet")
def fill_seats_after_edit(request, instance):
    """More seats (or no limit any more): the people waiting get them, in order, and are told."""
    if isinstance(instance, Event):
        from gcmhub.consultations.actions_events import do_fill_seats

        do_fill_seats(instance)
