"""Forms for groups, executives, venues, partner contacts and people.

Forms check the shape of input only; rules live in ``groups.services``.
"""

from django import forms

from cpeg.core.files import check_document
from cpeg.core.forms import GovukFormMixin, gds_date_field
from cpeg.groups.choices import ExecutiveRole, GroupStatus, PartnerRole, StaffingModel
from cpeg.groups.models import Borough, EngagementGroup, Person

CONSTITUTION_TYPES = frozenset({".pdf", ".docx", ".odt", ".doc"})


class DocumentField(forms.FileField):
    """An uploaded document whose content must match its name's type."""

    def __init__(self, *args, allowed=CONSTITUTION_TYPES, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed
        self.error_messages["empty"] = "The selected file is empty"

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if not value or value is initial or not hasattr(value, "read"):
            return value
        check_document(value, allowed=self.allowed)
        return value


class GroupForm(GovukFormMixin, forms.Form):
    """A group's details. Officers also see borough and status."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Group name", max_length=150, error_messages={"required": "Enter the group's name"})
    borough = forms.ModelChoiceField(
        queryset=Borough.objects.order_by("name"),
        empty_label="Select a borough",
        error_messages={
            "required": "Select the borough",
            "invalid_choice": "Select a borough from the list",
        },
    )
    status = forms.ChoiceField(
        choices=GroupStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the group's status"},
    )
    is_published = forms.BooleanField(label="Show this group on the public directory", required=False)
    description = forms.CharField(
        label="About the group", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    how_to_join = forms.CharField(
        label="How to join", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    email = forms.EmailField(
        label="Contact email",
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    phone = forms.CharField(label="Contact telephone", max_length=20, required=False)
    website = forms.URLField(
        label="Website",
        max_length=200,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://example.org"},
    )
    postal_address = forms.CharField(
        label="Postal address", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    staffing_model = forms.ChoiceField(
        label="How is the group's administrator provided?",
        choices=StaffingModel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the administrator is provided"},
    )
    staffing_model_other = forms.CharField(label="Other staffing arrangement", max_length=200, required=False)
    administrator_hours_per_week = forms.DecimalField(
        label="Administrator's hours per week",
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=80,
        error_messages={
            "invalid": "Administrator's hours per week must be a number, like 18.5",
            "min_value": "Administrator's hours per week must be 0 or more",
            "max_value": "Administrator's hours per week must be 80 or fewer",
            "max_digits": "Administrator's hours per week must be 80 or fewer",
            "max_decimal_places": "Administrator's hours per week can have one decimal place at most",
        },
    )
    established_on = gds_date_field("Date the group was set up", required=False)
    constitution_adopted_on = gds_date_field("Date the constitution was adopted", required=False)
    constitution_document = DocumentField(label="Constitution (PDF, DOCX, ODT or DOC)", required=False)

    def __init__(self, *args, officer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not officer:
            for name in ("borough", "status", "established_on"):
                del self.fields[name]
        self.fields["administrator_hours_per_week"].widget.attrs["class"] = "govuk-input--width-4"

    @classmethod
    def initial_for(cls, group: EngagementGroup) -> dict:
        data = {name: getattr(group, name) for name in cls.base_fields if hasattr(group, name)}
        data["constitution_document"] = None
        data["version"] = group.version
        return data

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        if not data.get("constitution_document"):
            data.pop("constitution_document", None)
        for key in (
            "email",
            "phone",
            "website",
            "postal_address",
            "description",
            "how_to_join",
            "staffing_model_other",
        ):
            if key in data and data[key] is None:
                data[key] = ""
        return data


class PersonFieldsMixin(forms.Form):
    """Who holds the role: a new person, or (officers) one already recorded.

    For officers, a person whose email is already in the register is
    linked, not copied; anyone else always records a new person, and
    officers merge duplicates.
    """

    person = forms.ModelChoiceField(
        label="Someone already recorded (optional)",
        queryset=Person.objects.none(),
        required=False,
        empty_label="No - a new person",
        help_text="Choose them if they already hold another role; otherwise enter their details below.",
    )
    person_full_name = forms.CharField(label="Full name", max_length=150, required=False)
    person_email = forms.EmailField(
        label="Email",
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    person_phone = forms.CharField(label="Telephone", max_length=20, required=False)

    def setup_person_choice(self, *, officer: bool, editing: bool) -> None:
        if editing or not officer:
            self.fields.pop("person", None)
        else:
            self.fields["person"].queryset = Person.objects.order_by("full_name")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person") and not cleaned.get("person_full_name") and "person_full_name" in self.fields:
            self.add_error("person_full_name", "Enter the person's full name")
        return cleaned


class ExecutiveMemberForm(GovukFormMixin, PersonFieldsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    role = forms.ChoiceField(
        choices=ExecutiveRole.choices, widget=forms.RadioSelect, error_messages={"required": "Select the role"}
    )
    role_title = forms.CharField(label="Title of the other role", max_length=100, required=False)
    starts_on = gds_date_field("Term starts")
    ends_on = gds_date_field("Term ends", required=False, help_text="Leave blank if the term has no end date yet")
    authorised_to_sign = forms.BooleanField(
        label="Authorised to sign the group's SLA (the chair always is)", required=False
    )

    field_order = [
        "person",
        "person_full_name",
        "person_email",
        "person_phone",
        "role",
        "role_title",
        "starts_on",
        "ends_on",
        "authorised_to_sign",
    ]

    def __init__(self, *args, editing: bool = False, officer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_person_choice(officer=officer, editing=editing)
        if editing:
            for name in ("person_full_name", "person_email", "person_phone"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The term must end on or after the day it starts")
        return cleaned


class VenueForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Venue name", max_length=150, error_messages={"required": "Enter the venue's name"})
    address = forms.CharField(
        max_length=500, widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter the address"}
    )
    postcode = forms.CharField(max_length=10, required=False)
    accessibility = forms.CharField(
        label="Access information", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_active = forms.BooleanField(label="Still in use", required=False, initial=True)


class PartnerContactForm(GovukFormMixin, PersonFieldsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    role = forms.ChoiceField(
        choices=PartnerRole.choices, widget=forms.RadioSelect, error_messages={"required": "Select the role"}
    )
    organisation = forms.CharField(max_length=150, required=False)
    starts_on = gds_date_field("From", required=False)
    ends_on = gds_date_field("Until", required=False)

    def __init__(self, *args, editing: bool = False, officer: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_person_choice(officer=officer, editing=editing)
        if editing:
            for name in ("person_full_name", "person_email", "person_phone"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be on or after the start date")
        return cleaned


class PersonForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    full_name = forms.CharField(max_length=150, error_messages={"required": "Enter the person's full name"})
    email = forms.EmailField(
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    phone = forms.CharField(label="Telephone", max_length=20, required=False)


class OtherRoleForm(GovukFormMixin, forms.Form):
    title = forms.CharField(label="Role", max_length=100, error_messages={"required": "Enter the role"})
    organisation = forms.CharField(max_length=150, error_messages={"required": "Enter the organisation"})
    borough = forms.ModelChoiceField(
        queryset=Borough.objects.order_by("name"), required=False, empty_label="Not borough-specific"
    )
    starts_on = gds_date_field("From", required=False)
    ends_on = gds_date_field("Until", required=False)


class PersonMergeForm(GovukFormMixin, forms.Form):
    duplicate = forms.IntegerField(
        label="Record number of the duplicate",
        min_value=1,
        help_text="The number shown beside the duplicate below, or at the end of its page's address",
        error_messages={
            "required": "Enter the record number of the duplicate",
            "invalid": "Enter the record number as digits, like 123",
            "min_value": "Enter the record number as digits, like 123",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-5"}),
    )
