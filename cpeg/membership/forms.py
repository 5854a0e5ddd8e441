"""Forms for the membership register, attendance, reviews and equality
monitoring. Shape of input only; rules live in ``membership.services``."""

from decimal import Decimal

from crispy_forms_gds.layout import Layout
from django import forms

from cpeg.core.forms import GovukFormMixin, gds_date_field
from cpeg.core.idempotency import FormTokenMixin
from cpeg.membership.choices import (
    AgeBand,
    Disability,
    EthnicGroup,
    MemberType,
    OrganisationKind,
    OtherFundingStatus,
    Religion,
    Sex,
    SexualOrientation,
    SkillLevel,
    SupportKind,
)


class MemberForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    member_type = forms.ChoiceField(
        label="Type of member",
        choices=MemberType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of member"},
    )
    name = forms.CharField(
        label="Name",
        max_length=150,
        help_text="The organisation's name, or the individual member's full name",
        error_messages={"required": "Enter the member's name"},
    )
    organisation_kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=[("", "Select a kind")] + OrganisationKind.choices,
        required=False,
        help_text="Organisations only",
        error_messages={"invalid_choice": "Select a kind of organisation from the list"},
    )
    people_represented = forms.IntegerField(
        label="Number of people the organisation speaks for (if known)",
        required=False,
        min_value=0,
        max_value=1_000_000,
        error_messages={
            "invalid": "Number of people must be a whole number, like 120",
            "min_value": "Number of people must be 0 or more",
            "max_value": "Number of people must be 1,000,000 or fewer",
        },
    )
    representative = forms.CharField(label="Representative (organisations)", max_length=150, required=False)
    deputy = forms.CharField(label="Deputy representative (organisations)", max_length=150, required=False)
    email = forms.EmailField(
        label="Contact email",
        max_length=254,
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    joined_on = gds_date_field("Date joined")
    left_on = gds_date_field("Date left (only if they have left)", required=False)
    leaving_reason = forms.CharField(label="Why they left", max_length=300, required=False)

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        for key in ("name", "representative", "deputy", "email", "leaving_reason", "organisation_kind"):
            data[key] = (data.get(key) or "").strip()
        return data


class AttendanceRuleForm(GovukFormMixin, forms.Form):
    missed_meetings_limit = forms.IntegerField(
        label="How many meetings in a row may a member miss before losing membership?",
        min_value=1,
        max_value=24,
        error_messages={
            "required": "Enter the number of meetings",
            "invalid": "The number of meetings must be a whole number, like 3",
            "min_value": "The number of meetings must be 1 or more",
            "max_value": "The number of meetings must be 24 or fewer",
        },
    )
    constitution_wording = forms.CharField(
        label="What the constitution says (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MembershipReviewForm(GovukFormMixin, forms.Form):
    reviewed_on = gds_date_field("Date of the review")
    members_reviewed = forms.IntegerField(
        label="How many members were reviewed?",
        min_value=0,
        error_messages={
            "required": "Enter how many members were reviewed",
            "invalid": "Members reviewed must be a whole number",
            "min_value": "Members reviewed must be 0 or more",
        },
    )
    members_removed = forms.IntegerField(
        label="How many members' membership ended?",
        min_value=0,
        error_messages={
            "required": "Enter how many members' membership ended (0 if none)",
            "invalid": "Members whose membership ended must be a whole number",
            "min_value": "Members whose membership ended must be 0 or more",
        },
    )
    outcome = forms.CharField(
        label="Outcome",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was agreed, for example members written to about attendance, or how to widen membership",
        error_messages={"required": "Enter the outcome of the review"},
    )
    meeting = forms.ModelChoiceField(
        label="Meeting where it was agreed (optional)",
        queryset=None,
        required=False,
        empty_label="Not at a meeting",
        error_messages={"invalid_choice": "Select one of the group's meetings"},
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


class AttendanceForm(GovukFormMixin, forms.Form):
    members = forms.MultipleChoiceField(label="Members present", required=False, widget=forms.CheckboxSelectMultiple)
    executives = forms.MultipleChoiceField(
        label="Executive members present", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, page, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(str(m.pk), m.name) for m in page.members]
        self.fields["members"].error_messages["invalid_choice"] = "Select members from the list"
        self.fields["executives"].choices = [
            (str(e.pk), f"{e.person.full_name} ({e.role_label})") for e in page.executives
        ]
        self.fields["executives"].error_messages["invalid_choice"] = "Select executive members from the list"


def _radio(label, choices, what):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": f"Select {what}, or prefer not to say"},
    )


class EqualityForm(GovukFormMixin, forms.Form):
    consent = forms.BooleanField(
        label="The person has agreed that their answers are recorded, for monitoring the group's diversity",
        error_messages={"required": "Confirm that the person has given consent"},
    )
    consent_given_on = gds_date_field("Date the person gave consent")
    ethnic_group = _radio("Ethnic group", EthnicGroup.choices, "an ethnic group")
    sex = _radio("Sex", Sex.choices, "sex")
    age_band = _radio("Age", AgeBand.choices, "an age group")
    disability = _radio(
        "Disability: are their day-to-day activities limited because of a health problem or disability "
        "which has lasted, or is expected to last, at least 12 months?",
        Disability.choices,
        "an answer about disability",
    )
    religion = _radio("Religion", Religion.choices, "a religion")
    sexual_orientation = _radio(
        "Sexual orientation (people aged 16 or over)", SexualOrientation.choices, "a sexual orientation"
    )


class EqualityEraseForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are the answers being erased?",
        max_length=300,
        help_text="For example, the person asked for their answers to be deleted",
        error_messages={"required": "Enter why the answers are erased"},
    )


class PopulationLoadForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Borough population table (CSV or XLSX)",
        error_messages={"required": "Select a CSV or XLSX file", "empty": "The selected file is empty"},
    )


class MemberImportForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Membership list (CSV or XLSX)",
        error_messages={"required": "Select a CSV or XLSX file", "empty": "The selected file is empty"},
    )


def _count_field(label: str, what: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={
            "invalid": f"{what} must be a whole number, like 40",
            "min_value": f"{what} must be 0 or more",
            "max_value": f"{what} must be 1,000,000 or fewer",
        },
    )


class OrganisationProfileForm(GovukFormMixin, forms.Form):
    """How many of the people an organisation speaks for are in each
    category of one characteristic (fields ``count_<category>``)."""

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        for key, label in categories:
            self.fields[f"count_{key}"] = _count_field(label, f"Number of people ({label})")
        self.fields["counted_on"] = gds_date_field("Date of the figures")
        self.fields["source"] = forms.CharField(
            label="Where the figures come from",
            max_length=200,
            help_text="For example, our own survey 2025, or estimate",
            error_messages={"required": "Enter where the figures come from, like our own survey 2025 or estimate"},
        )
        self.helper.layout = Layout(*self.fields)

    def counts(self) -> dict[str, int]:
        return {key: self.cleaned_data.get(f"count_{key}") or 0 for key, _label in self.categories}


# --- Capacity -----------------------------------------------------------------


class SkillsAuditForm(GovukFormMixin, forms.Form):
    """A level for each skill on the authority's list, and whether the
    person needs training in it (fields ``level_<id>`` and ``need_<id>``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    assessed_on = gds_date_field("Date of the audit")

    def __init__(self, *args, skills, **kwargs):
        super().__init__(*args, **kwargs)
        self.skills = skills
        for skill in skills:
            self.fields[f"level_{skill.pk}"] = forms.ChoiceField(
                label=skill.name,
                help_text=skill.description,
                choices=[("", "Select a level")] + SkillLevel.choices,
                error_messages={
                    "required": f"Select a level for {skill.name}",
                    "invalid_choice": f"Select a level for {skill.name} from the list",
                },
            )
            self.fields[f"need_{skill.pk}"] = forms.BooleanField(
                label=f"Needs training in {skill.name.lower()}", required=False
            )
        self.fields["notes"] = forms.CharField(
            label="Notes (optional)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
        )
        # The helper made in GovukFormMixin laid out only the fields it saw.
        self.helper.layout = Layout(*self.fields)

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "assessed_on": data["assessed_on"],
            "notes": data.get("notes", ""),
            "skills": {s.pk: (data[f"level_{s.pk}"], data.get(f"need_{s.pk}", False)) for s in self.skills},
        }


class SkillForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Skill", max_length=100, error_messages={"required": "Enter the name of the skill"})
    description = forms.CharField(
        label="What it covers (optional)",
        max_length=300,
        required=False,
        help_text="Shown under the skill on the audit form",
    )
    position = forms.IntegerField(
        label="Place on the form",
        min_value=0,
        max_value=999,
        help_text="Skills are asked in this order, lowest first",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the skill's place on the form, like 3",
            "invalid": "Place on the form must be a whole number, like 3",
            "min_value": "Place on the form must be 0 or more",
            "max_value": "Place on the form must be 999 or less",
        },
    )
    is_active = forms.BooleanField(
        label="Ask this skill in new skills audits",
        required=False,
        help_text="Untick to retire a skill: past audits keep their answers",
    )

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "version"}
        data["name"] = " ".join(data["name"].split())
        data["description"] = data.get("description", "").strip()
        return data


class TrainingAttendedForm(GovukFormMixin, forms.Form):
    activity = forms.ModelChoiceField(
        label="Training session",
        queryset=None,
        empty_label="Select a training session",
        help_text="Training recorded in the group's activity record",
        error_messages={
            "required": "Select the training session",
            "invalid_choice": "Select one of the group's training sessions",
        },
    )
    skill = forms.ModelChoiceField(
        label="Skill it covered (optional)",
        queryset=None,
        required=False,
        empty_label="Not one skill on the list",
        error_messages={"invalid_choice": "Select a skill from the list"},
    )

    def __init__(self, *args, sessions, skills, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = sessions
        self.fields["activity"].label_from_instance = lambda a: f"{a.title} ({a.held_on:%d %B %Y})"
        self.fields["skill"].queryset = skills


# --- Alternative funding and support ------------------------------------------


def _money(label, *, required=True):
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("99999999.99"),
        error_messages={
            "required": f"Enter the {label.lower().removesuffix(' (£)')}",
            "invalid": f"{label.removesuffix(' (£)')} must be an amount in pounds, like 2500 or 2500.50",
            "min_value": f"{label.removesuffix(' (£)')} must be more than £0",
            "max_value": f"{label.removesuffix(' (£)')} must be less than £100,000,000",
            "max_digits": f"{label.removesuffix(' (£)')} must be less than £100,000,000",
            "max_decimal_places": f"{label.removesuffix(' (£)')} can have pence (2 decimal places) at most",
        },
    )


class OtherFundingForm(FormTokenMixin, GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    funder = forms.CharField(
        label="Funder",
        max_length=150,
        help_text="For example, a charitable trust, the council's community chest or a lottery fund",
        error_messages={"required": "Enter the funder's name"},
    )
    purpose = forms.CharField(label="What it is for (optional)", max_length=300, required=False)
    requested_amount = _money("Amount applied for (£)")
    applied_on = gds_date_field("Date applied")
    status = forms.ChoiceField(
        label="Decision",
        choices=OtherFundingStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision, or waiting for a decision"},
    )
    awarded_amount = _money("Amount awarded (£)", required=False)
    decided_on = gds_date_field("Date of the decision (if decided)", required=False)

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("version", "form_token")}
        data["funder"] = data["funder"].strip()
        data["purpose"] = (data.get("purpose") or "").strip()
        return data


class SupportForm(FormTokenMixin, GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(
        label="Who gave the support?",
        choices=SupportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who gave the support"},
    )
    provider = forms.CharField(
        label="Name of the organisation", max_length=150, error_messages={"required": "Enter the organisation's name"}
    )
    description = forms.CharField(
        label="What the support was",
        max_length=300,
        help_text="For example, volunteers to staff a stall, free use of a meeting room, printing",
        error_messages={"required": "Enter what the support was"},
    )
    started_on = gds_date_field("From")
    ended_on = gds_date_field("Until (leave blank if it continues)", required=False)

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("version", "form_token")}
        data["provider"] = data["provider"].strip()
        data["description"] = data["description"].strip()
        return data
