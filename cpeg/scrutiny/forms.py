"""Forms for scrutiny: uploading a police.uk file, recording a monitoring meeting."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.fields import DateInputField
from django import forms

from cpeg.core.forms import GovukFormMixin
from cpeg.scrutiny.choices import Force
from cpeg.scrutiny.periods import Period

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class MonthField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        try:
            return dt.date.fromisoformat(f"{value.strip()}-01")
        except ValueError:
            raise forms.ValidationError("Enter the month as year and month, like 2018-10") from None


class ImportUploadForm(GovukFormMixin, forms.Form):
    force = forms.ChoiceField(
        label="Police force",
        choices=Force.choices,
        initial=Force.METROPOLITAN,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the police force"},
    )
    month = MonthField(
        label="Month the file covers",
        help_text="Year and month, like 2018-10",
        max_length=7,
        error_messages={"required": "Enter the month the file covers"},
    )
    file = forms.FileField(
        label="police.uk file (CSV, or the API's JSON)",
        help_text="The monthly stop and search file from data.police.uk, as downloaded",
        error_messages={"required": "Select a police.uk stop and search file", "empty": "The selected file is empty"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB")
        return upload


class MeetingDateField(DateInputField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.require_all_fields = False
        self.error_messages["required"] = "Enter the date of the meeting"

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except forms.ValidationError as error:
            raise forms.ValidationError("Date must be a real date, like 14 5 2025") from error


class MeetingForm(GovukFormMixin, forms.Form):
    held_on = MeetingDateField(label="Date of the meeting", help_text="For example, 27 3 2025")
    period = forms.CharField(
        label="Figures discussed",
        help_text="The month (2018-10), quarter of the financial year (2018-Q3) or financial year (2018/19)",
        max_length=10,
        error_messages={"required": "Enter the period of the figures the meeting discussed"},
    )
    police_attended = forms.BooleanField(label="A police officer attended to answer questions", required=False)
    attendance = forms.IntegerField(
        label="People attending",
        required=False,
        min_value=0,
        error_messages={"invalid": "People attending must be a whole number", "min_value": "Enter 0 or more"},
    )
    summary = forms.CharField(
        label="What the group discussed",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what the group discussed"},
    )
    recommendations = forms.CharField(
        label="Recommendations or questions to the police",
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    activity = forms.ModelChoiceField(
        label="The meeting in the activity record (optional)",
        queryset=None,
        required=False,
        empty_label="Not in the activity record",
    )

    def __init__(self, *args, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        self.fields["activity"].widget.attrs["class"] = "govuk-select"
        self.fields["activity"].label_from_instance = lambda a: f"{a.held_on:%-d %b %Y}: {a.title}"

    def clean_period(self):
        try:
            return Period.parse(self.cleaned_data["period"]).key
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
