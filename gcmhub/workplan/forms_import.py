from pathlib import PurePath

from django import forms
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.concurrency import VersionedFormMixin
from gcmhub.lib.i18n import Language
from gcmhub.workplan.deadlines import parse_deadline
from gcmhub.workplan.importer import MAX_UPLOAD_BYTES, NEW, SUPPORTED_EXTENSIONS


class UploadForm(forms.Form):
    document = forms.FileField(
        label=_("Work-plan document"),
        help_text=_("A .docx, .md or .txt file of at most 10 MB, in English, French or Spanish."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUPPORTED_EXTENSIONS)}),
    )
    language = forms.ChoiceField(
        label=_("Language of the document"),
        choices=[("", _("Detect automatically")), *Language.choices],
        required=False,
    )

    def clean_document(self):
        document = self.cleaned_data["document"]
        if PurePath(document.name).suffix.lower() not in SUPPORTED_EXTENSIONS:
            raise forms.ValidationError(_("Upload a .docx, .md or .txt file."), code="extension")
        if document.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (10 MB at most)."), code="size")
        return document


class MappingForm(forms.Form):
    """One required choice per organisation name the alias table does not know: an existing
    organisation, or a new one named as written."""

    def __init__(self, *args, unknown: list[str], organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.unknown = unknown
        choices = [
            ("", _("Choose…")),
            (NEW, _("Create a new organisation with this name")),
            (_("Existing organisations"), [(str(org.pk), _org_choice_label(org)) for org in organisations]),
        ]
        for index, name in enumerate(unknown):
            self.fields[f"org_{index}"] = forms.ChoiceField(
                label=name,
                choices=choices,
                error_messages={"required": _("Choose an organisation or create a new one.")},
            )

    def mapping(self) -> dict[str, int | str]:
        result = {}
        for index, name in enumerate(self.unknown):
            value = self.cleaned_data[f"org_{index}"]
            result[name] = value if value == NEW else int(value)
        return result


def _org_choice_label(org) -> str:
    return f"{org.name} ({org.acronym})" if org.acronym and org.acronym != org.name else org.name


class DeadlineForm(VersionedFormMixin, forms.Form):
    deadline_text = forms.CharField(
        label=_("Deadline as written"),
        help_text=_("One deadline per line, in English, French or Spanish, e.g. “2e trimestre 2021” or “Q3 2022”."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=1000,
    )
    confirm = forms.BooleanField(
        label=_("I have checked the periods: mark this deadline as confirmed"),
        required=False,
    )

    def __init__(self, *args, activity, **kwargs):
        kwargs.setdefault("initial", {"deadline_text": activity.deadline_as_written})
        kwargs.setdefault("current", activity)
        super().__init__(*args, **kwargs)
        self.activity = activity

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        text = cleaned.get("deadline_text", "")
        if cleaned.get("confirm") and text:
            plan = self.activity.priority.workplan
            parsed = parse_deadline(text, plan_start=plan.period_start, plan_end=plan.period_end)
            if not parsed.ok:
                self.add_error(
                    "confirm",
                    _(
                        "This deadline cannot be read yet, so it cannot be confirmed. Rewrite it, e.g. “2e trimestre 2021”."
                    ),
                )
        return cleaned
