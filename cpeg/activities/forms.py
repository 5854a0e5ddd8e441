"""Forms for activities, their documents and spreadsheet imports.

Forms check the shape of input; the rules (dates the group existed,
venues of the group, evidence) live in ``activities.services``. The
activity form also runs those rules from clean() on the fields that passed,
so a person sees every error at once; the service checks them again.
"""

import datetime as dt

from crispy_forms_gds.fields import DateInputField
from django import forms

from cpeg.activities.choices import DEFAULT_OUTPUT_FOR_TYPE, ActivityType, DocumentType
from cpeg.activities.outputs import OUTPUT_CHOICES, OutputCatalogue
from cpeg.activities.services import ACTIVITY_FIELDS, ATTENDANCE_MESSAGE, MAX_PUBLIC_ATTENDANCE, activity_rule_errors
from cpeg.core.files import ALLOWED_TYPES_TEXT, check_document
from cpeg.core.forms import GovukFormMixin
from cpeg.core.idempotency import FORM_TOKEN_FIELD, FormTokenMixin


class WholeNumberField(forms.IntegerField):
    """A whole number typed as people write it: "1,200" or "1 200" is 1200."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace(" ", "")
        return super().to_python(value)


class ActivityDateField(DateInputField):
    """GOV.UK date input whose impossible dates (31 2 2025) get a plain message."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.require_all_fields = False
        self.error_messages["required"] = "Enter the date of the activity"

    def compress(self, data_list):
        try:
            return super().compress(data_list)
        except forms.ValidationError as error:
            raise forms.ValidationError("Date must be a real date, like 14 5 2025") from error


class DocumentField(forms.FileField):
    """An uploaded evidence document whose content must match its name's
    type (PDF, DOCX, ODT, DOC, XLSX, JPG or PNG), within the size limit."""

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if not value or value is initial or not hasattr(value, "read"):
            return value
        check_document(value)
        return value


class ActivityForm(GovukFormMixin, forms.Form):
    """An activity's details and the SLA outputs it evidences."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    activity_type = forms.ChoiceField(
        label="Type of activity",
        choices=ActivityType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of activity"},
    )
    title = forms.CharField(
        max_length=200,
        help_text="For example, Spring public meeting, or Summer newsletter",
        error_messages={
            "required": "Enter the title of the activity",
            "max_length": "Title must be 200 characters or fewer",
        },
    )
    held_on = ActivityDateField(
        label="Date", help_text="The day it was held, or is planned for. For example, 14 5 2025"
    )
    starts_at = forms.TimeField(
        label="Start time (optional)",
        required=False,
        # 18:30:00, as older pages and spreadsheets wrote it, is accepted
        # too; the form itself refills the time as 18:30.
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S", "%I%p", "%I:%M%p", "%I.%M%p", "%I %p", "%I:%M %p"],
        help_text="For example, 19:00 or 7pm",
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input--width-5", "spellcheck": "false"}),
        error_messages={"invalid": "Enter the start time like 19:00 or 7pm"},
    )
    venue = forms.ModelChoiceField(
        label="Venue",
        queryset=None,
        required=False,
        empty_label="Not one of the group's venues",
        error_messages={"invalid_choice": "Select one of the group's venues"},
    )
    venue_text = forms.CharField(
        label="Other venue",
        max_length=200,
        required=False,
        help_text="If it was not at one of the group's venues",
        error_messages={"max_length": "Other venue must be 200 characters or fewer"},
    )
    public_attendance = WholeNumberField(
        label="Members of the public attending",
        required=False,
        min_value=0,
        max_value=MAX_PUBLIC_ATTENDANCE,
        help_text="Leave blank for a planned meeting or for a newsletter",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-5"}),
        error_messages={
            "invalid": ATTENDANCE_MESSAGE,
            "min_value": ATTENDANCE_MESSAGE,
            "max_value": ATTENDANCE_MESSAGE,
        },
    )
    borough_commander_present = forms.BooleanField(label="The borough commander or deputy was there", required=False)
    local_authority_present = forms.BooleanField(label="The local authority was represented", required=False)
    other_partners_present = forms.CharField(
        label="Other CDRP partners present",
        max_length=300,
        required=False,
        help_text="For example, Probation Service, London Fire Brigade",
        error_messages={"max_length": "Other CDRP partners present must be 300 characters or fewer"},
    )
    topics = forms.CharField(
        max_length=2000,
        required=False,
        help_text="What was discussed or covered",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Topics must be 2,000 characters or fewer"},
    )
    outputs = forms.MultipleChoiceField(
        label="SLA outputs this activity evidences",
        choices=OUTPUT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply. The type's own output is always included: a public meeting "
        "counts towards the public meetings output, a newsletter towards newsletters.",
        error_messages={"invalid_choice": "Select SLA outputs from the list"},
    )
    notes = forms.CharField(
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Notes must be 4,000 characters or fewer"},
    )
    is_public = forms.BooleanField(
        label="Show on the group's public page",
        required=False,
        help_text="Upcoming public meetings, Face the People events and targeted events ticked here are listed "
        "on the public page. Public meetings and Face the People events are usually shown; targeted events "
        "usually not.",
    )

    def __init__(self, *args, group, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.catalogue = OutputCatalogue(group)
        # The group's own outputs (standard and local) for the activity's
        # financial year: the date sent, else the date loaded, else today.
        self.fields["outputs"].choices = self.catalogue.choices_for(self._activity_date())
        venues = group.venues.all()
        current = (self.initial or {}).get("venue")
        venue_filter = {"is_active": True}
        self.fields["venue"].queryset = venues.filter(**venue_filter) | venues.filter(
            pk=getattr(current, "pk", current)
        )
        self.fields["venue"].widget.attrs["class"] = "govuk-select"

    def _activity_date(self):
        if self.is_bound:
            field = self.fields["held_on"]
            try:
                return field.clean(field.widget.value_from_datadict(self.data, self.files, self.add_prefix("held_on")))
            except forms.ValidationError:
                pass
        held_on = (self.initial or {}).get("held_on")
        return held_on if isinstance(held_on, dt.date) else None

    def clean(self):
        """Apply the service's rules to the fields that passed, so the date
        and venue rules show alongside any other error, not on a second
        attempt."""
        cleaned = super().clean()
        values = {name: cleaned[name] for name in ACTIVITY_FIELDS if name in cleaned}
        outputs = cleaned.get("outputs") or []
        errors = activity_rule_errors(group=self.group, values=values, outputs=outputs, catalogue=self.catalogue)
        for name, message in errors.items():
            if name in self.fields and name in cleaned and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    @classmethod
    def initial_for(cls, activity) -> dict:
        data = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
        # The type's own output is always evidenced, so it is not shown as
        # ticked: changing the type then moves it rather than keeping both.
        default = DEFAULT_OUTPUT_FOR_TYPE.get(activity.activity_type)
        data["outputs"] = [c for c in activity.evidence.values_list("output_code", flat=True) if c != default]
        data["version"] = activity.version
        return data

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in {"version", FORM_TOKEN_FIELD}}
        for key in ("title", "venue_text", "other_partners_present", "topics", "notes"):
            data[key] = data.get(key) or ""
        return data


class ActivityCreateForm(FormTokenMixin, ActivityForm):
    """A new activity: the one-time token makes a repeated POST record it once."""


class WithdrawForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label="Why is this activity being withdrawn?",
        max_length=2000,
        help_text="For example, entered twice, or the meeting was cancelled. Withdrawn activities are not "
        "counted anywhere; an officer can restore one.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the activity is being withdrawn",
            "max_length": "Reason must be 2,000 characters or fewer",
        },
    )


class RestoreForm(GovukFormMixin, forms.Form):
    confirm = forms.ChoiceField(
        label="Restore this activity?",
        choices=[("yes", "Yes, count it again"), ("no", "No, keep it withdrawn")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you want to restore the activity"},
    )


class ImportUndoForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is this import being undone?",
        max_length=2000,
        help_text="Every activity it recorded is withdrawn: not counted anywhere. An officer can restore them "
        "one by one.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the import is being undone",
            "max_length": "Reason must be 2,000 characters or fewer",
        },
    )


class DocumentForm(GovukFormMixin, forms.Form):
    document_type = forms.ChoiceField(
        label="Type of document",
        choices=DocumentType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of document"},
    )
    file = DocumentField(
        label="Document",
        help_text=f"A {ALLOWED_TYPES_TEXT} file",
        error_messages={"required": "Select a document to upload", "empty": "The selected file is empty"},
    )


class DocumentDeleteForm(GovukFormMixin, forms.Form):
    confirm = forms.ChoiceField(
        label="Are you sure you want to delete this document?",
        choices=[("yes", "Yes, delete it"), ("no", "No, keep it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if you want to delete the document"},
    )


class ImportForm(FormTokenMixin, GovukFormMixin, forms.Form):
    """A spreadsheet of activities; officers also pick the group."""

    group = forms.ModelChoiceField(
        label="Group",
        queryset=None,
        empty_label="Select a group",
        error_messages={"required": "Select the group", "invalid_choice": "Select a group from the list"},
    )
    file = forms.FileField(
        label="Spreadsheet (CSV or XLSX)",
        help_text="Use the template: one activity per row, column names in the first row",
        error_messages={"required": "Select a CSV or XLSX file", "empty": "The selected file is empty"},
    )

    def __init__(self, *args, groups, checked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # "Import these activities" after a clean check posts the kept file's
        # key instead of a file.
        self.fields["file"].required = not checked
        self.fields["group"].queryset = groups
        self.fields["group"].widget.attrs["class"] = "govuk-select"
        self.fields["group"].label_from_instance = lambda g: g.name
        self.fixed_group = None
        if len(groups) == 1:
            # Someone with one group imports for it; there is nothing to pick.
            self.fixed_group = groups[0]
            del self.fields["group"]
            if "group" in self.helper.layout.fields:
                self.helper.layout.fields.remove("group")

    def chosen_group(self):
        return self.fixed_group or self.cleaned_data["group"]
