"""The submitter's form for a practice: one form for "Save draft" and "Submit for review".

The form itself only checks types (dates, e-mail, links, files), so a draft saves with whatever
was typed; the fields needed to submit are checked on the saved practice by
`actions.submission_errors` and reported on this form's fields by `add_submission_errors`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gcmhub.knowledge.actions.submissions import clean_links
from gcmhub.knowledge.criteria import Criterion
from gcmhub.knowledge.models import (
    GCM_ADOPTION,
    PRACTICE_ATTACHMENT_EXTENSIONS,
    CallForPractices,
    GeographicScope,
    Practice,
)
from gcmhub.lib.concurrency import VersionedFormMixin
from gcmhub.lib.filetypes import check_upload
from gcmhub.lib.forms import field_of
from gcmhub.lib.i18n import Language, active_language
from gcmhub.lib.widgets import PickerSelect, PickerSelectMultiple
from gcmhub.taxonomy.models import Country, GuidingPrinciple, Objective, Organisation, Region, ThematicArea

MAX_ATTACHMENT_SIZE = 25 * 1024 * 1024  # 25 MB per file
ALLOWED_EXTENSIONS = PRACTICE_ATTACHMENT_EXTENSIONS

# Fields a practice needs before it can be submitted (the form marks the others "optional").
SUBMIT_REQUIRED = frozenset(
    {
        "language",
        "title",
        "summary",
        "geographic_scope",
        "implementing_organisation",
        "start_date",
        "completion",
        "objectives",
        "description",
        "results",
    }
)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one `<input type="file" multiple>`; cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class PracticeForm(VersionedFormMixin, forms.ModelForm):
    """Carries the practice's version (hidden): a save from an older page is refused, see views."""

    criteria_met = forms.MultipleChoiceField(
        label=_("Criteria checklist"),
        choices=Criterion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the criteria of the repository that your practice meets."),
    )
    new_attachments = MultipleFileField(
        label=_("Attach files"),
        required=False,
        help_text=_(
            "You may choose several files, up to 25 MB each: PDF, Word, Excel, PowerPoint, "
            "OpenDocument text, JPEG, PNG, plain text or CSV."
        ),
        widget=MultipleFileInput(
            attrs={"multiple": True, "accept": ",".join(f".{extension}" for extension in ALLOWED_EXTENSIONS)}
        ),
    )

    class Meta:
        model = Practice
        fields = [
            "language",
            "call",
            "title",
            "summary",
            "geographic_scope",
            "countries",
            "regions",
            "implementing_organisation",
            "implementing_organisation_name",
            "partner_organisations",
            "partners_other",
            "submitted_for_other_entity",
            "focal_point_name",
            "focal_point_email",
            "start_date",
            "end_date",
            "completion",
            "objectives",
            "principles",
            "thematic_area",
            "description",
            "results",
            "challenges",
            "lessons",
            "innovation",
            "sustainability",
            "links",
            "criteria_met",
        ]
        widgets = {
            "language": forms.RadioSelect,
            "geographic_scope": forms.RadioSelect,
            "completion": forms.RadioSelect,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "countries": PickerSelectMultiple,
            "regions": PickerSelectMultiple(attrs={"size": 6}),
            "implementing_organisation": PickerSelect,
            "partner_organisations": PickerSelectMultiple,
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "objectives": forms.CheckboxSelectMultiple,
            "principles": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 8}),
            "results": forms.Textarea(attrs={"rows": 6}),
            "challenges": forms.Textarea(attrs={"rows": 5}),
            "lessons": forms.Textarea(attrs={"rows": 5}),
            "innovation": forms.Textarea(attrs={"rows": 5}),
            "sustainability": forms.Textarea(attrs={"rows": 5}),
            "links": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "call": _("In answer to a call for practices"),
            "implementing_organisation": _("Implementing organisation"),
            "implementing_organisation_name": _("Implementing organisation, if it is not in the list"),
            "partner_organisations": _("Partner organisations"),
            "partners_other": _("Other partners, if not in the list"),
            "focal_point_name": _("Name of the main implementer's focal point"),
            "focal_point_email": _("E-mail of the main implementer's focal point"),
            "completion": _("Status of implementation"),
            "objectives": _("GCM objectives"),
            "principles": _("GCM guiding principles"),
            "description": _("Description, objectives and principles of the practice"),
        }
        help_texts = {
            "language": _("The language you write this submission in. It is published in that language."),
            "title": _("A short, descriptive title."),
            "summary": _("Two or three sentences: what the practice is and what it achieved."),
            "countries": _("Needed for a national or local practice."),
            "regions": _("Needed for a regional practice."),
            "implementing_organisation": _("Choose it from the list, or type its name in the next field."),
            "submitted_for_other_entity": _("Then the main implementer's focal point is needed."),
            "start_date": _("Practices that began after the GCM's adoption in December 2018 are preferred."),
            "end_date": _("Leave empty if the practice is ongoing."),
            "links": _("One web address per line, starting with http:// or https://."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SUBMIT_REQUIRED | {"countries", "regions", "focal_point_name", "focal_point_email"}:
            self.fields[name].required = False
        lang = active_language()
        # No blank choice: there is a default (language) or the blank is not a choice to offer.
        field_of(self, "language", forms.ChoiceField).choices = Language.choices
        if not self.instance.language:
            self.initial.setdefault("language", lang)
        field_of(self, "geographic_scope", forms.ChoiceField).choices = GeographicScope.choices
        field_of(self, "completion", forms.ChoiceField).choices = Practice.Completion.choices

        calls = CallForPractices.objects.open()
        if self.instance.call_id:
            calls = calls | CallForPractices.objects.filter(pk=self.instance.call_id)
        call = field_of(self, "call", forms.ModelChoiceField)
        call.queryset = calls.order_by("deadline")
        call.empty_label = gettext("Not in answer to a call")

        organisations = Organisation.objects.by_name(lang)
        implementing = field_of(self, "implementing_organisation", forms.ModelChoiceField)
        implementing.queryset = organisations
        implementing.empty_label = gettext("Not in the list")
        field_of(self, "partner_organisations", forms.ModelChoiceField).queryset = organisations
        for name in ("implementing_organisation", "partner_organisations"):
            # A label per field instance; django-stubs only knows the method.
            field_of(self, name, forms.ModelChoiceField).label_from_instance = _organisation_label  # type: ignore[method-assign,assignment]
        querysets = {
            "countries": Country.objects.offered(
                self.instance.countries.values("pk") if self.instance.pk else None
            ).by_name(lang),
            "regions": Region.objects.order_by(f"name_{lang}", "name_en"),
            "objectives": Objective.objects.order_by("number"),
            "principles": GuidingPrinciple.objects.all(),
            "thematic_area": ThematicArea.objects.order_by("number"),
        }
        for name, queryset in querysets.items():
            field_of(self, name, forms.ModelChoiceField).queryset = queryset

    @property
    def submit_required(self) -> frozenset[str]:
        return SUBMIT_REQUIRED

    def clean_links(self) -> str:
        return clean_links(self.cleaned_data.get("links", ""))

    def clean_new_attachments(self) -> list:
        files = self.cleaned_data.get("new_attachments") or []
        errors = []
        for uploaded in files:
            if uploaded.size > MAX_ATTACHMENT_SIZE:
                errors.append(
                    ValidationError(
                        gettext("“%(name)s” is %(size)s; a file may be up to %(max)s."),
                        params={
                            "name": uploaded.name,
                            "size": filesizeformat(uploaded.size),
                            "max": filesizeformat(MAX_ATTACHMENT_SIZE),
                        },
                        code="file_size",
                    )
                )
                continue
            try:
                check_upload(uploaded, ALLOWED_EXTENSIONS)
            except ValidationError as exc:
                errors.append(exc)
        if errors:
            raise ValidationError(errors)
        return files

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        # Files cannot be put back into a re-displayed form: say so instead of losing them silently.
        if self.errors and self.files.get(self.add_prefix("new_attachments")) and "new_attachments" not in self.errors:
            self.add_error(
                "new_attachments",
                gettext("Please choose your files again: the form had errors, so they were not saved."),
            )
        return cleaned

    def add_submission_errors(self, errors: dict[str, list[str]]) -> None:
        """Show the errors of `actions.submission_errors` (or of the call) next to the fields."""
        for field, messages in errors.items():
            target = field if field in self.fields else None
            for message in messages:
                self.add_error(target, message)

    def began_before_gcm(self) -> bool:
        """Whether the start date typed (or saved) is before the GCM's adoption: a warning, not an error."""
        start = None
        if self.is_bound and hasattr(self, "cleaned_data"):
            start = self.cleaned_data.get("start_date")
        elif self.instance.pk:
            start = self.instance.start_date
        return bool(start and start < GCM_ADOPTION)


def _organisation_label(organisation: Organisation) -> str:
    acronym, name = organisation.acronym, organisation.name
    return f"{name} ({acronym})" if acronym and acronym != name else name


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing it?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The Hub team will see this."),
    )
