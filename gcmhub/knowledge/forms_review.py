"""Forms of the peer review: screening, assignment, withdrawal, decision, the reviewer's
declaration and score sheet, and the roster. The workflow rules live in `review.py`."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gcmhub.accounts.actions import find_user_by_email
from gcmhub.knowledge.criteria import SCORE_MAX, SCORE_MIN, Criterion, CrossCuttingIssue, ResourceLanguage
from gcmhub.knowledge.models import Review, ReviewerProfile
from gcmhub.knowledge.review import DEFAULT_DUE_DAYS
from gcmhub.lib.concurrency import VersionedFormMixin
from gcmhub.lib.formats import language_name
from gcmhub.lib.forms import field_of
from gcmhub.lib.widgets import PickerSelect, PickerSelectMultiple
from gcmhub.taxonomy.models import Objective, Organisation


class ScreeningForm(VersionedFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Screening decision"),
        widget=forms.RadioSelect,
        choices=[
            ("accept", _("Accept for peer review")),
            ("return", _("Return to the submitter for more information")),
            ("decline", _("Decline")),
        ],
    )
    note = forms.CharField(
        label=_("Reason or message for the submitter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required to return or decline. The submitter sees it and receives it by e-mail."),
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("decision") in ("return", "decline") and not data.get("note", "").strip():
            self.add_error("note", _("Give the submitter a reason."))
        return data


class ReviewerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, profile):
        kind = _("UN") if profile.is_un else _("external")
        languages = ", ".join(language_name(code, in_sentence=True) for code in profile.languages or ()) or "—"
        return _("%(name)s (%(kind)s; languages: %(languages)s; open reviews: %(load)s)") % {
            "name": profile,
            "kind": kind,
            "languages": languages,
            "load": getattr(profile, "load", 0),
        }


class AssignForm(forms.Form):
    reviewer = ReviewerChoiceField(
        label=_("Reviewer"),
        queryset=ReviewerProfile.objects.none(),
        help_text=_("Best matches first: expertise, language and region of the practice."),
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    is_extra = forms.BooleanField(
        label=_("Extra reviewer (the reviewers disagree)"),
        required=False,
    )

    def __init__(self, *args, candidates=(), **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("due_date", timezone.localdate() + datetime.timedelta(days=DEFAULT_DUE_DAYS))
        super().__init__(*args, **kwargs)
        candidates = list(candidates)
        reviewer = field_of(self, "reviewer", forms.ModelChoiceField)
        reviewer.queryset = ReviewerProfile.objects.filter(pk__in=[c.pk for c in candidates])
        # The choices are the candidates already loaded and sorted, not a new query.
        reviewer.choices = [("", "---------")] + [(c.pk, reviewer.label_from_instance(c)) for c in candidates]

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("The due date is in the past."))
        return due


class WithdrawForm(forms.Form):
    note = forms.CharField(label=_("Why is this reviewer withdrawn?"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(VersionedFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("publish", _("Publish")), ("revise", _("Request a revision")), ("decline", _("Decline"))],
    )
    feedback = forms.CharField(
        label=_("Feedback for the submitter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Required to request a revision or decline. The submitter sees it and receives it by e-mail, "
            "with the reviewers' comments for them."
        ),
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("decision") in ("revise", "decline") and not data.get("feedback", "").strip():
            self.add_error("feedback", _("Give the submitter feedback."))
        return data


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Conflict of interest"),
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        choices=[
            ("no", _("I have no conflict of interest with this practice, its implementers or its submitter")),
            ("yes", _("I have a conflict of interest")),
        ],
    )
    note = forms.CharField(
        label=_("Describe the conflict of interest"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required if you have a conflict. Only the Hub team sees it."),
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("has_conflict") and not data.get("note", "").strip():
            self.add_error("note", _("Describe the conflict of interest."))
        return data


SCORE_CHOICES = [(n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1)]


class ReviewForm(VersionedFormMixin, forms.Form):
    """One radio group per criterion (fields `score_<criterion>`), then the recommendation."""

    recommendation = forms.ChoiceField(
        label=_("Recommendation"), widget=forms.RadioSelect, choices=Review.Recommendation.choices
    )
    comments_for_submitter = forms.CharField(
        label=_("Comments for the submitter"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Sent to the submitter with the decision, without your name."),
    )
    comments_for_hub = forms.CharField(
        label=_("Confidential comments for the Hub team"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        scores = {}
        for criterion in Criterion:
            scores[f"score_{criterion.value}"] = forms.TypedChoiceField(
                label=criterion.label,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.fields = {**scores, **self.fields}

    def score_fields(self):
        return [self[f"score_{c.value}"] for c in Criterion]

    @property
    def scores(self) -> dict:
        return {c.value: self.cleaned_data[f"score_{c.value}"] for c in Criterion}


class RosterFilterForm(forms.Form):
    objective = forms.ModelChoiceField(
        label=_("Expertise: GCM objective"),
        queryset=Objective.objects.all(),
        required=False,
        empty_label=_("Any objective"),
        widget=PickerSelect,
    )
    language = forms.ChoiceField(
        label=_("Working language"), required=False, choices=[("", _("Any language")), *ResourceLanguage.choices]
    )
    kind = forms.ChoiceField(
        label=_("UN or external"),
        required=False,
        choices=[("", _("UN and external")), ("un", _("UN")), ("external", _("External"))],
    )

    def filter(self, profiles):
        if not self.is_valid():
            return profiles
        data = self.cleaned_data
        if data["objective"]:
            profiles = profiles.filter(objectives=data["objective"])
        if data["kind"]:
            profiles = profiles.filter(is_un=data["kind"] == "un")
        return profiles

    def filter_language(self, profiles) -> list:
        """Working languages are a JSON list: filtered here, the same on SQLite and PostgreSQL."""
        language = self.cleaned_data.get("language") if self.is_valid() else ""
        return [p for p in profiles if not language or language in (p.languages or [])]


class ReviewerProfileForm(VersionedFormMixin, forms.ModelForm):
    cross_cutting = forms.MultipleChoiceField(
        label=_("Expertise: cross-cutting issues"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=CrossCuttingIssue.choices,
    )
    languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        widget=forms.CheckboxSelectMultiple,
        choices=ResourceLanguage.choices,
    )

    class Meta:
        model = ReviewerProfile
        fields = [
            "is_un",
            "affiliation",
            "affiliation_other",
            "objectives",
            "cross_cutting",
            "languages",
            "regions",
            "gender",
            "is_active",
            "notes",
        ]
        widgets = {
            "affiliation": PickerSelect,
            "objectives": forms.CheckboxSelectMultiple,
            "regions": PickerSelectMultiple(attrs={"size": 6}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "affiliation", forms.ModelChoiceField).queryset = Organisation.objects.order_by("name_en")
        self.fields["regions"].required = False


class RosterAddForm(ReviewerProfileForm):
    email = forms.EmailField(
        label=_("E-mail address of the person"),
        help_text=_("They need an account on the Hub; the reviewer role is granted if missing."),
    )

    field_order = ["email"]

    def clean_email(self):
        person = find_user_by_email(self.cleaned_data["email"])
        if person is None:
            raise forms.ValidationError(_("No account has this e-mail address."))
        if ReviewerProfile.objects.filter(user=person).exists():
            raise forms.ValidationError(_("This person is already on the roster: edit their entry instead."))
        self.person = person
        return person.email
