from django import forms

from cpeg.core.forms import GovukFormMixin


class NarrativeForm(GovukFormMixin, forms.Form):
    """Officers' text for one section: recommendations and context."""

    text = forms.CharField(
        label="Narrative for this section",
        help_text="Context, explanation and recommendations for the committee. Shown under the section's figures.",
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=10000,
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ConfirmForm(GovukFormMixin, forms.Form):
    """A POST confirming an action shown on the page (publish, new draft)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class StartForm(GovukFormMixin, forms.Form):
    year = forms.TypedChoiceField(label="Financial year", coerce=int, choices=())

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y.start_year, y.label) for y in years]
