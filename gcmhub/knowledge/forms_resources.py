"""Forms of the Hub's library: proposing a resource, deciding on a proposal, feedback on a tool."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gcmhub.knowledge.criteria import Audience, ResourceLanguage
from gcmhub.knowledge.models import RESOURCE_FILE_EXTENSIONS, Resource, ToolFeedback
from gcmhub.lib.concurrency import VersionedFormMixin
from gcmhub.lib.filetypes import check_upload
from gcmhub.lib.formats import native_language_name
from gcmhub.lib.forms import field_of
from gcmhub.lib.i18n import LANGUAGE_CODES, Language, active_language, translated_names
from gcmhub.lib.widgets import PickerSelect, PickerSelectMultiple
from gcmhub.taxonomy.models import Country, Organisation, Region
from gcmhub.workplan.models import Activity, Priority

MAX_FILE_SIZE = 25 * 1024 * 1024  # 25 MB per file
LANGUAGE_NAMES = dict(Language.choices)


class ResourceProposalForm(forms.ModelForm):
    """Everything a Network member's focal point tells the Hub team about a resource.

    Title and summary are required in the source language only; files come one per language.
    """

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

    class Meta:
        model = Resource
        fields = [
            "kind",
            "source_language",
            *(name for code in LANGUAGE_CODES for name in (f"title_{code}", f"summary_{code}")),
            "external_url",
            "publishers",
            "publication_date",
            "languages",
            "geographic_scope",
            "countries",
            "regions",
            "objectives",
            "is_general",
            "principles",
            "thematic_area",
            "audiences",
            "output_of_priority",
            "output_of_activity",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "source_language": forms.RadioSelect,
            "geographic_scope": forms.RadioSelect,
            "publication_date": forms.DateInput(attrs={"type": "date"}),
            **{name: forms.Textarea(attrs={"rows": 5}) for name in translated_names("summary")},
            "publishers": PickerSelectMultiple,
            "countries": PickerSelectMultiple,
            "regions": PickerSelectMultiple(attrs={"size": 6}),
            "output_of_priority": PickerSelect,
            "output_of_activity": PickerSelect,
            "objectives": forms.CheckboxSelectMultiple,
            "principles": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "external_url": _("Give a link or upload at least one file."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_language"].help_text = _(
            "The language the title and summary are written in; the other two are optional."
        )
        querysets = {
            "publishers": Organisation.objects.order_by("name_en"),
            "countries": Country.objects.offered(
                self.instance.countries.values("pk") if self.instance.pk else None
            ).by_name(active_language()),
            "regions": Region.objects.order_by("name_en"),
            "output_of_priority": Priority.objects.select_related("workplan").order_by(
                "-workplan__is_current", "workplan__slug", "order"
            ),
            "output_of_activity": Activity.objects.select_related("priority").order_by(
                "-priority__workplan__is_current", "priority__order", "order"
            ),
        }
        for name, queryset in querysets.items():
            field_of(self, name, forms.ModelChoiceField).queryset = queryset
        output_of_activity = field_of(self, "output_of_activity", forms.ModelChoiceField)
        # A label per field instance; django-stubs only knows the method.
        output_of_activity.label_from_instance = lambda a: f"{a.priority.heading} – {a.label}"  # type: ignore[method-assign,assignment]
        accept = ",".join(f".{extension}" for extension in RESOURCE_FILE_EXTENSIONS)
        for code in LANGUAGE_CODES:  # a file per language of the settings
            field = self.fields[f"file_{code}"] = forms.FileField(
                label=gettext("File in %(language)s") % {"language": LANGUAGE_NAMES[code]}, required=False
            )
            field.help_text = _(
                "PDF, Word, Excel, PowerPoint, OpenDocument, RTF, plain text, CSV, JSON, ZIP or an image "
                "(JPEG, PNG, GIF, WebP); 25 MB at most."
            )
            field.widget.attrs["accept"] = accept

    def _clean_file(self, code):
        upload = self.cleaned_data.get(f"file_{code}")
        if upload and upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                gettext("This file is %(size)s; files may be 25 MB at most.") % {"size": filesizeformat(upload.size)}
            )
        if upload:
            check_upload(upload, RESOURCE_FILE_EXTENSIONS)
        return upload

    def language_sections(self) -> list[tuple[str, str, list]]:
        """[(code, the language's own name, [its title and summary fields]), …] for the template."""
        return [
            (code, native_language_name(code), [self[f"title_{code}"], self[f"summary_{code}"]])
            for code in LANGUAGE_CODES
        ]

    def file_fields(self) -> list:
        return [self[f"file_{code}"] for code in LANGUAGE_CODES]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for code in LANGUAGE_CODES:
            if f"file_{code}" in cleaned:
                try:
                    cleaned[f"file_{code}"] = self._clean_file(code)
                except forms.ValidationError as error:
                    self.add_error(f"file_{code}", error)
        source = cleaned.get("source_language")
        if source:
            language = LANGUAGE_NAMES[source]
            if not (cleaned.get(f"title_{source}") or "").strip():
                self.add_error(
                    f"title_{source}",
                    gettext("Give the title in %(language)s, the source language.") % {"language": language},
                )
            if not (cleaned.get(f"summary_{source}") or "").strip():
                self.add_error(
                    f"summary_{source}",
                    gettext("Give the summary in %(language)s, the source language.") % {"language": language},
                )
        has_file = any(cleaned.get(f"file_{code}") for code in LANGUAGE_CODES)
        if not cleaned.get("external_url") and not has_file and "external_url" not in self.errors:
            self.add_error("external_url", gettext("Give a link to the resource or upload a file."))
        return cleaned

    def uploaded_files(self) -> list[tuple[str, object]]:
        """[(language code, upload), ...] for the files given, in en/fr/es order."""
        return [
            (code, self.cleaned_data[f"file_{code}"])
            for code in LANGUAGE_CODES
            if self.cleaned_data.get(f"file_{code}")
        ]


class ResourceDecisionForm(VersionedFormMixin, forms.Form):
    PUBLISH, DECLINE = "publish", "decline"

    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[(PUBLISH, _("Publish")), (DECLINE, _("Decline"))],
    )
    note = forms.CharField(
        label=_("Note to the proposer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you decline: say why."),
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("decision") == self.DECLINE and not (cleaned.get("note") or "").strip():
            self.add_error("note", gettext("Say why the resource is declined."))
        return cleaned


class ToolFeedbackForm(forms.ModelForm):
    rating = forms.TypedChoiceField(
        label=_("How useful was it?"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (1, _("1 – not useful")),
            (2, _("2")),
            (3, _("3")),
            (4, _("4")),
            (5, _("5 – very useful")),
        ],
    )

    class Meta:
        model = ToolFeedback
        fields = ["rating", "how_used", "country", "improvements", "may_contact", "contact_email"]
        labels = {
            "how_used": _("How did you use it?"),
            "improvements": _("What should be improved?"),
            "country": _("Country where you used it"),
            "contact_email": _("Your e-mail"),
        }
        help_texts = {"contact_email": _("Required if the Network may contact you.")}
        widgets = {
            "how_used": forms.Textarea(attrs={"rows": 3}),
            "country": PickerSelect,
            "improvements": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "country" in self.fields:
            field_of(self, "country", forms.ModelChoiceField).queryset = Country.objects.listed().by_name(
                active_language()
            )
        if user is not None and user.is_authenticated and not self.is_bound:
            self.initial.setdefault("contact_email", user.email)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("may_contact") and not cleaned.get("contact_email") and "contact_email" not in self.errors:
            self.add_error("contact_email", gettext("Give an e-mail address so the Network can contact you."))
        if not cleaned.get("may_contact"):
            cleaned["contact_email"] = ""
        return cleaned


class ToolFeedbackContactForm(ToolFeedbackForm):
    """The feedback form's e-mail field alone, as a GET renders it (prefilled with a signed-in
    visitor's address): the other, empty fields are kept (resources/detail.html), so a page
    view builds this one-field form, not the whole one."""

    rating = None  # type: ignore[assignment]

    class Meta(ToolFeedbackForm.Meta):
        fields = ["contact_email"]
