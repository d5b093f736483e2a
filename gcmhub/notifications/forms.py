from django import forms

from gcmhub.notifications.models import Frequency, Preference
from gcmhub.notifications.registry import KINDS


class PreferencesForm(forms.Form):
    """One choice of e-mail frequency per kind of notification."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = dict(Preference.objects.filter(user=user).values_list("kind", "frequency"))
        for key, kind in KINDS.items():
            self.fields[key] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.help,
                choices=Frequency.choices,
                initial=chosen.get(key, kind.default),
                widget=forms.RadioSelect,
            )

    def chosen(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key in KINDS}
