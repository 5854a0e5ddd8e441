"""Forms for scrutiny: uploading a police.uk file, recording a monitoring meeting."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.fields import DateInputField
from django import forms

from cpeg.core.forms import GovukFormMixin
from cpeg.scrutiny.choices import Force
from cpeg.scrutiny.periods import Period
from cpeg.scrutiny.services import VISIT_COUNTS, VISIT_TEXTS

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


# The report's answers a form shows as the visit holds them (the suite,
# the pair and the date and time are filled in by their own rules).
VISIT_FORM_FIELDS = (
    "unannounced",
    "access_refused",
    "minutes_to_gain_access",
    *VISIT_COUNTS,
    *VISIT_TEXTS,
    "issues_resolved",
)


def _count_field(label):
    return forms.IntegerField(
        label=label,
        min_value=0,
        initial=0,
        error_messages={
            "required": f"Enter {label[0].lower() + label[1:]} (0 if none)",
            "invalid": f"{label} must be a whole number",
            "min_value": f"{label} must be 0 or more",
        },
    )


class VisitForm(GovukFormMixin, forms.Form):
    """A custody visit's report, entered after the visit (works on a phone)."""

    suite = forms.ModelChoiceField(
        label="Custody suite", queryset=None, empty_label=None, error_messages={"required": "Select the suite"}
    )
    first_visitor = forms.ModelChoiceField(
        label="First visitor", queryset=None, empty_label="Select", error_messages={"required": "Select a visitor"}
    )
    second_visitor = forms.ModelChoiceField(
        label="Second visitor",
        queryset=None,
        empty_label="Select",
        error_messages={"required": "Select the second visitor"},
    )
    visited_on = MeetingDateField(label="Date of the visit", help_text="For example, 27 3 2025")
    arrived_at = forms.TimeField(
        label="Time you arrived",
        help_text="24-hour clock, like 21:30",
        input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(format="%H:%M"),
        error_messages={"required": "Enter the time you arrived", "invalid": "Enter the time like 21:30"},
    )
    unannounced = forms.BooleanField(label="The visit was unannounced", required=False, initial=True)
    access_refused = forms.BooleanField(label="Access was refused", required=False)
    minutes_to_gain_access = _count_field("Minutes waited to be let in")
    in_custody = _count_field("People in custody at the time")
    not_available = _count_field("Not available (for example in interview)")
    not_offered = _count_field("Not offered a visit (for example for safety)")
    offered = _count_field("Offered a visit")
    accepted = _count_field("Accepted and seen")
    declined = _count_field("Declined")
    observed_only = _count_field("Observed only (through the hatch)")
    rights_concerns = forms.CharField(
        label="Rights and entitlements: concerns", max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )
    health_concerns = forms.CharField(
        label="Health and wellbeing: concerns", max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )
    conditions_concerns = forms.CharField(
        label="Conditions and facilities: concerns", max_length=2000, required=False, widget=forms.Textarea({"rows": 3})
    )
    issues_raised = forms.CharField(
        label="Issues raised with the custody officer",
        help_text="Never write anyone's name or custody number",
        max_length=2000,
        required=False,
        widget=forms.Textarea({"rows": 3}),
    )
    issues_resolved = forms.BooleanField(label="The issues were resolved at the time", required=False)

    def __init__(self, *args, panel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suite"].queryset = panel.suites.filter(is_active=True)
        visitors = panel.visitors.all()
        for name in ("suite", "first_visitor", "second_visitor"):
            self.fields[name].widget.attrs["class"] = "govuk-select"
        self.fields["first_visitor"].queryset = visitors
        self.fields["second_visitor"].queryset = visitors
        for name in ("minutes_to_gain_access", *VISIT_COUNTS):
            self.fields[name].widget = forms.TextInput(
                attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input govuk-input--width-3"}
            )

    service_field_map = {"visited_at": "visited_on"}

    def visit_fields(self) -> dict:
        data = dict(self.cleaned_data)
        day, time = data.pop("visited_on"), data.pop("arrived_at")
        from django.utils import timezone

        data["visited_at"] = timezone.make_aware(dt.datetime.combine(day, time))
        return data


class VisitChangeForm(VisitForm):
    """A saved visit's report, to correct: the same questions, filled in
    from the visit, with the version it was loaded from. A resolution
    recorded later is changed on its own page, so the "resolved at the
    time" box is left out for such a visit."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, visit, **kwargs):
        from django.db.models import Q
        from django.utils import timezone

        arrived = timezone.localtime(visit.visited_at)
        initial = {name: getattr(visit, name) for name in VISIT_FORM_FIELDS}
        initial |= {
            "suite": visit.suite_id,
            "first_visitor": visit.first_visitor_id,
            "second_visitor": visit.second_visitor_id,
            "visited_on": arrived.date(),
            "arrived_at": arrived.time().replace(second=0, microsecond=0),
            "version": visit.version,
        }
        super().__init__(*args, panel=visit.panel, initial=initial, **kwargs)
        self.visit = visit
        # The visit's own suite stays selectable even if no longer in use.
        self.fields["suite"].queryset = visit.panel.suites.filter(Q(is_active=True) | Q(pk=visit.suite_id))
        if visit.issues_resolved_on:
            del self.fields["issues_resolved"]

    def visit_fields(self) -> dict:
        data = super().visit_fields()
        # The form asks for the minute: a time saved with seconds is kept
        # when the minute shown was left as it was.
        if data["visited_at"] == self.visit.visited_at.replace(second=0, microsecond=0):
            data["visited_at"] = self.visit.visited_at
        return data


class ResolvedDateField(MeetingDateField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["required"] = "Enter the date the issues were resolved"


class IssueResolutionForm(GovukFormMixin, forms.Form):
    """When and how a visit's issues raised with the custody officer were
    resolved (works on a phone)."""

    issues_resolved_on = ResolvedDateField(label="Date the issues were resolved", help_text="For example, 27 3 2025")
    resolution = forms.CharField(
        label="What was done",
        help_text="Never write anyone's name or custody number",
        max_length=2000,
        widget=forms.Textarea({"rows": 4}),
        error_messages={
            "required": "Enter what was done to resolve the issues",
            "max_length": "What was done must be 2,000 characters or fewer",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
