"""Forms for status updates and contribution notes. The rules live in `actions.py`; these forms
check the same things early so errors show next to the fields."""

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.concurrency import set_bound_value
from gcmhub.lib.formats import percent_text
from gcmhub.lib.forms import field_of
from gcmhub.workplan import actions
from gcmhub.workplan.models import Status, StatusUpdate

if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class LatestUpdateMixin(_FormBase):
    """A hidden `latest_update`: the id of the newest update the page showed (0 for none), so
    that an update written from an older page is refused rather than silently combined."""

    def add_latest_update_field(self, latest_update: int | None) -> None:
        self.fields["latest_update"] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
        if latest_update is not None:
            self.initial["latest_update"] = latest_update
        self.newer_updates: list[StatusUpdate] = []

    def show_newer_updates(self, newer: list[StatusUpdate], latest: int) -> None:
        """Refuse the post: list the updates it did not see and move the hidden id past them, so
        posting again (after reading them) is deliberate. What was typed stays."""
        self.newer_updates = newer
        set_bound_value(self, "latest_update", str(latest))
        self.add_error(None, _("Nothing was posted: a newer update was posted while you were writing (shown below)."))


class EvidenceMixin(_FormBase):
    def clean_evidence_links(self):
        return actions.clean_evidence_links(self.cleaned_data.get("evidence_links", ""))

    def clean_evidence_file(self):
        evidence_file = self.cleaned_data.get("evidence_file")
        actions.check_evidence_file(evidence_file)
        return evidence_file


def _evidence_fields():
    links = forms.CharField(
        label=_("Evidence links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Web addresses of reports, pages or recordings, one per line."),
    )
    document = forms.FileField(
        label=_("Evidence document"),
        required=False,
        help_text=_("Optional. PDF, Word (.docx), Excel (.xlsx), PNG or JPEG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}),
    )
    return links, document


class StatusUpdateForm(LatestUpdateMixin, EvidenceMixin, forms.Form):
    prefix = "status"

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    percent_complete = forms.IntegerField(
        label=_("Percent complete"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Optional. A whole number from 0 to 100."),
    )
    narrative = forms.CharField(
        label=_("What happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Progress, results, obstacles and next steps."),
    )
    evidence_links, evidence_file = _evidence_fields()

    def __init__(self, *args, activity=None, latest_update=None, **kwargs):
        super().__init__(*args, **kwargs)
        if activity is not None and not self.is_bound:
            self.initial.setdefault("status", activity.status)
        self.add_latest_update_field(latest_update)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("status") == Status.COMPLETED and cleaned.get("percent_complete") not in (None, 100):
            self.add_error(
                "percent_complete", _("A completed activity is %(percent)s complete.") % {"percent": percent_text(100)}
            )
        return cleaned


class ContributionNoteForm(LatestUpdateMixin, EvidenceMixin, forms.Form):
    prefix = "note"

    organisation = forms.TypedChoiceField(label=_("On behalf of"), coerce=int, required=False, empty_value=None)
    narrative = forms.CharField(
        label=_("Our contribution"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What your organisation did for this activity."),
    )
    evidence_links, evidence_file = _evidence_fields()

    def __init__(self, *args, organisations=(), latest_update=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_latest_update_field(latest_update)
        self.organisations = {org.pk: org for org in organisations}
        field = field_of(self, "organisation", forms.TypedChoiceField)
        field.choices = [(org.pk, org.label) for org in organisations]
        field.required = bool(organisations)
        if len(organisations) == 1:
            field.initial = organisations[0].pk
        else:
            field.choices = [("", _("Choose an organisation")), *field.choices]

    @property
    def organisation_key(self) -> str:
        """The organisations offered, as text: the unbound form's fields are kept per value."""
        return ",".join(str(pk) for pk in self.organisations)

    def clean_organisation(self):
        pk = self.cleaned_data.get("organisation")
        if pk is None:
            return None
        if pk not in self.organisations:
            raise ValidationError(_("Choose one of your organisations."))
        return self.organisations[pk]


def add_action_errors(form: forms.Form, error: ValidationError) -> None:
    """Show an action's ValidationError on the form's fields (or at the top)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
