from django import forms
from django.utils.translation import gettext_lazy as _

from gcmhub.lib.forms import field_of
from gcmhub.taxonomy.models import Organisation


class CountryFilterForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "region", forms.ChoiceField).choices = [("", _("All regions"))] + [
            (r.m49, r.name) for r in regions
        ]


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name, acronym or other spelling"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Organisation.Kind.choices]
    )
