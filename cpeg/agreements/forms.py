"""Forms for the standard SLA template and each group's SLA.

Forms check the shape of input only; rules live in ``agreements.services``.
"""

from django import forms

from cpeg.agreements.choices import MeasureType
from cpeg.agreements.models import SlaHeading
from cpeg.core.forms import GovukFormMixin

TARGET_MAX = 999


def target_field(label="Yearly target"):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=TARGET_MAX,
        help_text="Only for a counted output, for example 4 public meetings a year",
        error_messages={
            "invalid": "Enter the yearly target as a whole number, like 4",
            "min_value": "The yearly target must be 1 or more",
            "max_value": f"The yearly target must be {TARGET_MAX} or fewer",
        },
    )


def measure_field():
    return forms.ChoiceField(
        label="How is it measured?",
        choices=MeasureType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the output is measured"},
    )


def output_field():
    return forms.CharField(
        label="Output",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the output"},
    )


def reason_field(label="Reason for the variation"):
    return forms.CharField(
        label=label,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the group's SLA next to the change",
        error_messages={"required": "Enter the reason for this variation"},
    )


def due_quarter_field():
    """When a yearly output falls due: empty spreads the target over the year."""
    return forms.TypedChoiceField(
        label="Due by the end of",
        choices=[("", "Spread over the year")] + [(str(n), f"Quarter {n}") for n in (1, 2, 3, 4)],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="For a yearly output such as the annual report: judged against the whole target from that "
        "quarter, and nothing before it",
        error_messages={"invalid_choice": "Select a quarter from the list"},
    )


class MeasureMixin(forms.Form):
    def clean(self):
        cleaned = super().clean()
        measure = cleaned.get("measure")
        if measure == MeasureType.COUNT:
            if cleaned.get("annual_target") is None and "annual_target" not in self.errors:
                self.add_error("annual_target", "Enter the yearly target for a counted output")
        elif measure:
            # Only a count has a target; ignore one typed for another measure.
            cleaned["annual_target"] = None
            self.errors.pop("annual_target", None)
        return cleaned


class TemplateOutputForm(GovukFormMixin, MeasureMixin, forms.Form):
    """One output of the standard SLA."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    heading = forms.ModelChoiceField(
        queryset=SlaHeading.objects.none(),
        required=False,
        empty_label="Core requirements (no heading, before the others)",
        error_messages={"invalid_choice": "Select a heading from the list"},
    )
    output = output_field()
    outcomes = forms.CharField(
        label="Outcomes",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the outcomes"},
    )
    in_practice = forms.CharField(
        label="What this means in practice",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    activity_refs = forms.RegexField(
        label="Service standards activities",
        regex=r"^\s*\d{1,2}(\s*,\s*\d{1,2})*\s*$",
        max_length=50,
        required=False,
        help_text="Activity numbers, for example 3, or 14, 15",
        error_messages={"invalid": "Enter activity numbers separated by commas, like 14, 15"},
    )
    measure = measure_field()
    annual_target = target_field()
    due_quarter = due_quarter_field()

    def __init__(self, *args, template, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["heading"].queryset = template.headings.order_by("position")

    def clean_activity_refs(self):
        value = self.cleaned_data.get("activity_refs") or ""
        return ", ".join(part.strip() for part in value.split(",") if part.strip())

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class ConfirmForm(GovukFormMixin, forms.Form):
    """A confirmation with nothing to fill in, carrying the loaded version."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SlaOutputVaryForm(GovukFormMixin, MeasureMixin, forms.Form):
    """A local change to one output's measure or yearly target."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    measure = measure_field()
    annual_target = target_field()
    reason = reason_field()


class SlaOutputAddForm(GovukFormMixin, MeasureMixin, forms.Form):
    """A local output added to one group's SLA."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    heading_title = forms.ChoiceField(label="Heading", required=False)
    output = output_field()
    outcomes = forms.CharField(
        label="Outcomes", max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    in_practice = forms.CharField(
        label="What this means in practice",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    measure = measure_field()
    annual_target = target_field()
    due_quarter = due_quarter_field()
    reason = reason_field("Reason for adding this output")

    def __init__(self, *args, headings: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["heading_title"].choices = [("", "Core requirements (no heading, before the others)")] + [
            (h, h) for h in headings
        ]
        self.fields["heading_title"].error_messages["invalid_choice"] = "Select a heading from the list"

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class SlaOutputRemoveForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = reason_field("Reason for removing this output")


class SlaSignForm(GovukFormMixin, forms.Form):
    """The chair's (or an authorised executive member's) signature for the
    group. Who signs, and in what role, comes from their executive seat."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label="I am authorised to sign for the group, and the group agrees to deliver this SLA",
        error_messages={"required": "Confirm that you are authorised to sign this SLA for the group"},
    )


class SlaCountersignForm(GovukFormMixin, forms.Form):
    """An officer's countersignature for the authority."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    countersignatory_name = forms.CharField(
        label="Your full name", max_length=150, error_messages={"required": "Enter your full name"}
    )
    confirm = forms.BooleanField(
        label="I countersign this SLA for the authority",
        error_messages={"required": "Confirm that you countersign this SLA for the authority"},
    )
