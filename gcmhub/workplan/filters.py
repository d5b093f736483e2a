"""The activity filters shared by the list page, the exports, the calendar and the API.

Every filter is a GET parameter so a filtered view is a shareable URL:
kind, area, objective, lead, participant, organisation, status, period, overdue, q.
"""

import datetime
import re

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gcmhub.taxonomy.models import Objective, Organisation, ThematicArea
from gcmhub.workplan.models import ActivityOrganisation, Involvement, Priority, PriorityOrganisation, Status

PERIOD_RE = re.compile(r"^(?P<year>[0-9]{4})(?:-Q(?P<quarter>[1-4]))?$")
# Years a period filter may name: work plans run from the Compact's adoption (2018) on; the margin
# keeps every date Python and the databases can hold (`9999-Q4` ends in year 10000, `0000` is no year).
MIN_PERIOD_YEAR = 1900
MAX_PERIOD_YEAR = 2199


def period_bounds(value: str) -> tuple[datetime.date, datetime.date] | None:
    """'2021' -> the year; '2021-Q2' -> the quarter; anything else, or a year out of range -> None."""
    match = PERIOD_RE.match(value or "")
    if not match:
        return None
    year = int(match["year"])
    if not MIN_PERIOD_YEAR <= year <= MAX_PERIOD_YEAR:
        return None
    if match["quarter"]:
        q = int(match["quarter"])
        start = datetime.date(year, 3 * q - 2, 1)
        end_month = 3 * q
        end = (datetime.date(year + (end_month == 12), end_month % 12 + 1, 1)) - datetime.timedelta(days=1)
        return start, end
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


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
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, data=None, *, workplan=None, organisations=None, **kwargs):
        super().__init__(data, **kwargs)
        self.workplan = workplan
        self.fields["kind"].choices = [("", _("All kinds")), *Priority.Kind.choices]
        self.fields["area"].choices = [("", _("All thematic areas"))] + [
            (a.number, str(a)) for a in ThematicArea.objects.all()
        ]
        self.fields["objective"].choices = [("", _("All objectives"))] + [
            (o.number, str(o)) for o in Objective.objects.all()
        ]
        orgs = organisations if organisations is not None else self._plan_organisations()
        org_choices = [(o.slug, o.label) for o in orgs]
        self.fields["lead"].choices = [("", _("Any lead organisation")), *org_choices]
        self.fields["participant"].choices = [("", _("Any participating organisation")), *org_choices]
        self.fields["status"].choices = [("", _("Any status")), *Status.choices]

    def _plan_organisations(self):
        qs = Organisation.objects.all()
        if self.workplan is not None:
            # Two IN subqueries, not two joins: joining both involvement tables multiplies rows
            # (every priority role × every activity role of the organisation, in every plan).
            qs = qs.filter(
                Q(
                    pk__in=PriorityOrganisation.objects.filter(priority__workplan=self.workplan).values(
                        "organisation_id"
                    )
                )
                | Q(
                    pk__in=ActivityOrganisation.objects.filter(activity__priority__workplan=self.workplan).values(
                        "organisation_id"
                    )
                )
            )
        return sorted(qs, key=lambda o: o.label.lower())

    def clean_period(self):
        value = self.cleaned_data["period"].strip()
        if value and period_bounds(value) is None:
            raise forms.ValidationError(_("Write a year (2021) or a quarter (2021-Q2)."))
        return value

    def filter(self, qs, today=None):
        """Apply the valid filters to an Activity queryset (invalid ones are ignored)."""
        if not self.is_bound:
            return qs
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("q"):
            text = data["q"]
            qs = qs.filter(Q(text_en__icontains=text) | Q(text_fr__icontains=text) | Q(text_es__icontains=text))
        if data.get("kind"):
            qs = qs.filter(priority__kind=data["kind"])
        if data.get("area"):
            qs = qs.filter(priority__thematic_area__number=data["area"])
        if data.get("objective"):
            qs = qs.filter(Q(priority__objectives__number=data["objective"]) | Q(priority__all_objectives=True))
        if data.get("lead"):
            qs = qs.leads_by(data["lead"])
        if data.get("participant"):
            qs = qs.involving(data["participant"], Involvement.PARTICIPANT)
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        if data.get("period"):
            start, end = period_bounds(data["period"])
            qs = qs.filter(periods__start__lte=end, periods__end__gte=start)
        if data.get("overdue"):
            qs = qs.overdue(today or timezone.localdate())
        return qs.distinct()

    def active_filters(self) -> dict:
        """The filters in use, for chips and export links."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}
