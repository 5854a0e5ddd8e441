from django import forms

from cpeg.core.forms import GovukFormMixin
from cpeg.notifications.choices import Frequency


class PreferenceForm(GovukFormMixin, forms.Form):
    frequency = forms.ChoiceField(
        label="How do you want to get emails about your work?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often you want to get emails"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
