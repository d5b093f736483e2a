"""The activity filters of the pages: the list, the calendar and the downloads (CSV, XLSX, PDF).

Every filter is a GET parameter so a filtered view is a shareable URL:
kind, area, objective, lead, participant, status, period, overdue, q. The form validates them
into an `ActivityFilter` (cleaned values), which `Activity.objects.matching()` applies; the API
validates its own query parameters into the same `ActivityFilter`.
"""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.forms import field_of
from gcmhub.lib.i18n import active_language, translated_names
from gcmhub.lib.prepared import prepared
from gcmhub.taxonomy.models import Objective, Organisation, ThematicArea
from gcmhub.workplan.calendar import period_bounds
from gcmhub.workplan.models import (
    ActivityFilter,
    ActivityOrganisation,
    Priority,
    PriorityOrganisation,
    Status,
    WorkPlan,
)
from gcmhub.workplan.rows import pick_value

__all__ = ["ActivityFilterForm", "period_bounds", "plan_organisations"]


ORG_COLUMNS = ("slug", *translated_names("name"), *translated_names("acronym"))


# The form's choices, read by queries compiled once per process (`gcmhub.lib.prepared`): the
# lists, calendars and exports of every plan build this form at each request.
@prepared
def _organisation_rows_of_plan(plan_id: int):
    # Two IN subqueries, not two joins: joining both involvement tables multiplies rows
    # (every priority role × every activity role of the organisation, in every plan).
    return (
        Organisation.objects.filter(
            Q(pk__in=PriorityOrganisation.objects.filter(priority__workplan_id=plan_id).values("organisation_id"))
            | Q(
                pk__in=ActivityOrganisation.objects.filter(activity__priority__workplan_id=plan_id).values(
                    "organisation_id"
                )
            )
        )
        .order_by()
        .values(*ORG_COLUMNS)
    )


@prepared
def _organisation_rows():
    return Organisation.objects.order_by().values(*ORG_COLUMNS)


@prepared
def _area_rows():
    return ThematicArea.objects.values("number", *translated_names("name"))


@prepared
def _objective_rows():
    return Objective.objects.values("number", *translated_names("short"))


def plan_organisations(workplan: WorkPlan | None) -> list[tuple[str, str]]:
    """(slug, label) of the organisations named in the plan (on a priority or an activity), sorted
    by label. Plain rows, not model instances: a filter form needs no more."""
    rows = _organisation_rows_of_plan(workplan.pk) if workplan is not None else _organisation_rows()
    lang = active_language()
    choices = [(row["slug"], pick_value(row, "acronym", lang) or pick_value(row, "name", lang)) for row in rows]
    return sorted(choices, key=lambda choice: choice[1].lower())


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Text contains"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind of priority"), required=False)
    area = forms.TypedChoiceField(label=_("Thematic area"), required=False, coerce=int, empty_value=None)
    objective = forms.TypedChoiceField(label=_("GCM objective"), required=False, coerce=int, empty_value=None)
    lead = forms.ChoiceField(label=_("Lead organisation"), required=False)
    participant = forms.ChoiceField(label=_("Participating organisation"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    period = forms.CharField(
        label=_("Period"), required=False, max_length=7, help_text=_("A year (2021) or a quarter (2021-Q2)")
    )
    overdue = forms.BooleanField(
        label=_("Overdue only"),
        required=False,
        help_text=_("Past their last deadline, and neither completed, cancelled nor ongoing."),
    )

    def __init__(self, data=None, *, workplan=None, organisations=None, **kwargs):
        super().__init__(data, **kwargs)
        self.workplan = workplan
        field_of(self, "kind", forms.ChoiceField).choices = [("", _("All kinds")), *Priority.Kind.choices]
        lang = active_language()
        # Labels as `str()` of the models gives them ("3. Name"), from plain rows.
        field_of(self, "area", forms.ChoiceField).choices = [("", _("All thematic areas"))] + [
            (row["number"], f"{row['number']}. {pick_value(row, 'name', lang)}") for row in _area_rows()
        ]
        field_of(self, "objective", forms.ChoiceField).choices = [("", _("All objectives"))] + [
            (row["number"], f"{row['number']}. {pick_value(row, 'short', lang)}") for row in _objective_rows()
        ]
        if organisations is not None:
            org_choices = [(o.slug, o.label) for o in organisations]
        else:
            org_choices = plan_organisations(workplan)
        field_of(self, "lead", forms.ChoiceField).choices = [("", _("Any lead organisation")), *org_choices]
        field_of(self, "participant", forms.ChoiceField).choices = [
            ("", _("Any participating organisation")),
            *org_choices,
        ]
        field_of(self, "status", forms.ChoiceField).choices = [("", _("Any status")), *Status.choices]

    def clean_q(self):
        return self.cleaned_data["q"].replace("\x00", "").strip()

    def clean_period(self):
        value = self.cleaned_data["period"].strip()
        if value and period_bounds(value) is None:
            raise forms.ValidationError(_("Write a year (2021) or a quarter (2021-Q2)."))
        return value

    def activity_filter(self) -> ActivityFilter:
        """The valid filters as cleaned values (an invalid one is left out, and shown as an
        error by the form), for `Activity.objects.matching()`."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = getattr(self, "cleaned_data", {})
        return ActivityFilter(
            workplan_id=self.workplan.pk if self.workplan is not None else None,
            q=data.get("q") or "",
            kind=data.get("kind") or "",
            area=data.get("area"),
            objective=data.get("objective"),
            lead=data.get("lead") or "",
            participant=data.get("participant") or "",
            status=data.get("status") or "",
            period=period_bounds(data["period"]) if data.get("period") else None,
            overdue=True if data.get("overdue") else None,
        )

    def active_filters(self) -> dict:
        """The filters in use (valid ones), for chips and export links."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v not in (None, "", False)}
