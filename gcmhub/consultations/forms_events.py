"""Forms of the event pages. They check types and bounds; the actions (`actions_events`) take the
cleaned values, never a form, and check the event's required answers again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gcmhub.consultations.models import REGISTRATION_NOTE_MAX_CHARS, Event, EventNotice
from gcmhub.lib.forms import field_of
from gcmhub.lib.i18n import active_language
from gcmhub.taxonomy.models import Country


class RegistrationForm(forms.Form):
    """The questions asked at registration: optional unless the event requires them."""

    organisation = forms.CharField(label=_("Your organisation"), max_length=300, required=False)
    country = forms.ModelChoiceField(
        label=_("Country"),
        queryset=Country.objects.none(),
        required=False,
        empty_label=_("Choose a country"),
        help_text=_("The country you work in or on."),
    )
    role = forms.CharField(label=_("Your role"), max_length=300, required=False, help_text=_("e.g. policy officer"))
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        max_length=REGISTRATION_NOTE_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sign language, captions, documents in advance, step-free access…: the organisers prepare it."),
    )
    question = forms.CharField(
        label=_("A question for the speakers"),
        max_length=REGISTRATION_NOTE_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Collected for the event and its summary report, without your name."),
    )

    FIELD_OF_QUESTION = {
        "organisation": "organisation",
        "country": "country",
        "role": "role",
        "accessibility": "accessibility_needs",
    }

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "country", forms.ModelChoiceField).queryset = Country.objects.listed().by_name(active_language())
        for question in event.required_questions or []:
            name = self.FIELD_OF_QUESTION.get(question)
            if name:
                self.fields[name].required = True


class AnnounceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to announce"),
        choices=[
            (EventNotice.Kind.CHANGED, _("A change (time, place, link, programme)")),
            (EventNotice.Kind.CANCELLED, _("The cancellation of the event")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Message to the registrants and followers"),
        max_length=REGISTRATION_NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Make the change in the CMS first; this message says what changed and is sent to each of them."),
    )


class EventFilterForm(forms.Form):
    """The list's filters, from the query string: unknown values are ignored, not errors."""

    when = forms.ChoiceField(
        label=_("When"),
        choices=[("upcoming", _("Upcoming")), ("past", _("Past"))],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind of event"), choices=[("", _("All kinds")), *Event.Kind.choices], required=False
    )
    series = forms.ChoiceField(label=_("Series"), required=False)

    def __init__(self, *args, series_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "series", forms.ChoiceField).choices = [("", _("All series")), *series_choices]

    def value(self, name: str) -> str:
        """The filter's value if it is one of the field's choices, else "" (no error shown)."""
        raw = self.data.get(name, "") if self.is_bound else ""
        field = field_of(self, name, forms.ChoiceField)
        return raw if isinstance(raw, str) and raw and field.valid_value(raw) else ""
