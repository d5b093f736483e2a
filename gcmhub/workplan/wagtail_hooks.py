"""The work plan in the CMS: the Secretariat edits plans, priorities and activities there.
Wagtail records every change in its audit log (who, when); status updates are read-only there,
because their history is never overwritten."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from gcmhub.lib.cms_concurrency import VersionedSnippetViewSet
from gcmhub.lib.i18n import translated_names
from gcmhub.lib.panels import ReadOnlyPolicy, translated_panel
from gcmhub.workplan.models import Activity, Priority, StatusUpdate, WorkPlan


class WorkPlanViewSet(VersionedSnippetViewSet):
    model = WorkPlan
    icon = "calendar-alt"
    menu_label = _("Work plans")
    list_display = ["__str__", "period_start", "period_end", "is_current"]
    list_filter = ["is_current", "source_language"]
    search_fields = [*translated_names("title"), "slug"]
    panels = [
        translated_panel("title", _("Title")),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
        translated_panel("as_of", _("As of (as written)")),
        FieldPanel("source_language"),
        FieldPanel("is_current"),
    ]


class PriorityViewSet(VersionedSnippetViewSet):
    model = Priority
    icon = "list-ul"
    menu_label = _("Priorities")
    list_display = ["heading", "workplan", "kind", "thematic_area"]
    list_filter = ["workplan", "kind", "thematic_area"]
    search_fields = [*translated_names("title"), "code"]
    panels = [
        FieldPanel("workplan"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("code"), FieldPanel("order")]),
        FieldPanel("slug"),
        translated_panel("title", _("Title")),
        FieldPanel("source_language"),
        FieldPanel("thematic_area"),
        MultiFieldPanel(
            [
                FieldPanel("objectives"),
                FieldPanel("all_objectives"),
                FieldPanel("cross_cutting"),
                translated_panel("objectives_text", _("Objectives (as written)")),
            ],
            heading=_("GCM objectives"),
        ),
    ]


class ActivityViewSet(VersionedSnippetViewSet):
    model = Activity
    icon = "tasks"
    menu_label = _("Activities")
    list_display = ["__str__", "due_date", "status", "deadline_state"]
    list_filter = ["priority__workplan", "status", "deadline_state", "ongoing"]
    search_fields = [*translated_names("text"), *translated_names("deadline_text")]
    panels = [
        FieldPanel("priority"),
        FieldRowPanel([FieldPanel("number"), FieldPanel("order")]),
        translated_panel("text", _("Text")),
        FieldPanel("source_language"),
        translated_panel("other_participants", _("Other participants (as written)")),
        MultiFieldPanel(
            [
                translated_panel("deadline_text", _("Deadline (as written)")),
                FieldPanel("deadline_state"),
                FieldPanel("ongoing"),
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("due_date")]),
            ],
            heading=_("Deadline"),
        ),
    ]


class StatusUpdateViewSet(SnippetViewSet):
    model = StatusUpdate
    icon = "history"
    menu_label = _("Status updates")
    list_display = ["__str__", "author", "created_at", "kind"]
    list_filter = ["kind", "status"]
    inspect_view_enabled = True
    # Append-only: no add/edit screens; updates are made on the activity pages or the API.
    add_to_admin_menu = False


register_permission_policy(StatusUpdate, ReadOnlyPolicy(StatusUpdate))


class WorkPlanGroup(SnippetViewSetGroup):
    menu_label = _("Work plan")
    menu_icon = "calendar-alt"
    items = (WorkPlanViewSet, PriorityViewSet, ActivityViewSet, StatusUpdateViewSet)


register_snippet(WorkPlanGroup)
