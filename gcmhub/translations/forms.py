from django import forms
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.formats import language_name
from gcmhub.lib.i18n import Language
from gcmhub.translations.exchange import MAX_IMPORT_BYTES
from gcmhub.translations.models import TranslationState


class SegmentForm(forms.Form):
    """One translation, with the fingerprints of the source and of the translation the translator
    started from: a save made from an older page is refused, what was typed kept."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), strip=True)
    source_fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=16)
    base_fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=16, required=False)

    def __init__(self, *args, max_length: int | None = None, field_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = max_length
        self.field_label = field_label
        self.fields["text"].error_messages["required"] = _("Write the translation before saving it.")

    def clean_text(self):
        text = self.cleaned_data["text"]
        if self.max_length and len(text) > self.max_length:
            raise forms.ValidationError(
                _("%(field)s: at most %(limit)s characters; this translation has %(length)s."),
                code="max_length",
                params={"field": self.field_label, "limit": self.max_length, "length": len(text)},
            )
        return text


class ExportForm(forms.Form):
    source_language = forms.ChoiceField(label=_("Source language"))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xliff", _("XLIFF 2.0 (translation tools)")), ("po", _("PO (gettext)"))],
        initial="xliff",
        widget=forms.RadioSelect,
    )
    kinds = forms.MultipleChoiceField(label=_("Content"), widget=forms.CheckboxSelectMultiple)
    include_suggested = forms.BooleanField(label=_("Include the suggested translations to review"), required=False)

    def __init__(self, *args, language: str, kinds, source_counts, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for code, _label in Language.choices:
            if code == language:
                continue
            name = language_name(code)
            choices.append(
                (
                    code,
                    _("%(language)s (%(count)s segments have a text in it)")
                    % {"language": name, "count": source_counts.get(code, 0)},
                )
            )
        self.fields["source_language"].choices = choices  # type: ignore[attr-defined]
        best = max((c for c, _n in Language.choices if c != language), key=lambda c: source_counts.get(c, 0))
        self.fields["source_language"].initial = best
        self.fields["kinds"].choices = [(kind.key, kind.label) for kind in kinds]  # type: ignore[attr-defined]
        self.fields["kinds"].initial = [kind.key for kind in kinds]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Translated file"),
        help_text=_("The XLIFF 2.0 or PO file of an export, filled in; 10 MB at most."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlf,.xliff,.po,.xml"}),
    )
    status = forms.ChoiceField(
        label=_("These translations are"),
        choices=[
            (TranslationState.Status.HUMAN, _("translated by a person")),
            (TranslationState.Status.SUGGESTED, _("machine translations or drafts, to review")),
        ],
        initial=TranslationState.Status.HUMAN,
        widget=forms.RadioSelect,
    )
    apply_anyway = forms.BooleanField(
        label=_("If some segments are refused, apply the others anyway"),
        required=False,
        help_text=_("Unticked, nothing is applied from a file with a refused segment: you see the report first."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is too large (10 MB at most)."), code="size")
        return upload
