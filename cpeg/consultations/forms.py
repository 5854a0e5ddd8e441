"""Forms for consultations and responses: input shape only.

The rules (closing after opening; a response's text or document, counts
or reason) are ``consultations.services``'s ``*_rule_errors``, which the
forms' clean() also runs so every error shows at once.
"""

from __future__ import annotations

from django import forms

from cpeg.activities.forms import ActivityDateField, DocumentField
from cpeg.consultations.cdrp import cdrp_rule_errors
from cpeg.consultations.choices import ConsultationKind, MechanismKind, ResponseDecision
from cpeg.consultations.models import EngagementLevel
from cpeg.consultations.partnerships import panel_rule_errors
from cpeg.consultations.programmes import engagement_rule_errors, mechanism_rule_errors, programme_rule_errors
from cpeg.consultations.services import (
    CONSULTATION_FIELDS,
    RESPONSE_FIELDS,
    consultation_rule_errors,
    register_organisations,
    response_rule_errors,
)
from cpeg.core.files import ALLOWED_TYPES_TEXT
from cpeg.core.forms import GovukFormMixin
from cpeg.core.idempotency import FormTokenMixin


class ConsultationDateField(ActivityDateField):
    def __init__(self, *, required_message: str, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["required"] = required_message


def _show_rule_errors(form, errors: dict) -> None:
    for name, message in errors.items():
        if name in form.fields and name in form.cleaned_data and name not in form.errors:
            form.add_error(name, message)


class ConsultationForm(GovukFormMixin, forms.Form):
    """A consultation's details and (while it is a draft) the groups asked."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(
        label="Kind of consultation",
        choices=ConsultationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of consultation"},
    )
    title = forms.CharField(
        max_length=200,
        help_text="For example, Policing plan 2027/28",
        error_messages={"required": "Enter the title of the consultation"},
    )
    questions = forms.CharField(
        label="Questions or what the authority is asking",
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the questions or what the authority is asking"},
    )
    document_url = forms.URLField(
        label="Link to the consultation document (optional)",
        max_length=500,
        required=False,
        help_text="For example, https://www.example.gov.uk/policing-plan-consultation",
        error_messages={"invalid": "Enter a web address, like https://www.example.gov.uk/plan"},
    )
    opens_on = ConsultationDateField(
        label="Opens", help_text="For example, 1 11 2026", required_message="Enter the date it opens"
    )
    closes_on = ConsultationDateField(
        label="Closes",
        help_text="The last day to respond. A response sent after it needs an officer's acceptance.",
        required_message="Enter the closing date",
    )
    groups_asked = forms.ModelMultipleChoiceField(
        label="Groups asked",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every active group is selected to start with.",
        error_messages={"required": "Select the groups asked", "invalid_choice": "Select groups from the list"},
    )

    def __init__(self, *args, groups, ask_groups: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if ask_groups:
            self.fields["groups_asked"].queryset = groups
            self.fields["groups_asked"].label_from_instance = lambda g: g.name
        else:
            del self.fields["groups_asked"]

    def clean(self):
        cleaned = super().clean()
        _show_rule_errors(self, consultation_rule_errors(cleaned))
        return cleaned

    @classmethod
    def initial_for(cls, consultation) -> dict:
        data = {name: getattr(consultation, name) for name in CONSULTATION_FIELDS}
        data["version"] = consultation.version
        data["groups_asked"] = list(consultation.groups_asked.values_list("pk", flat=True))
        return data

    def service_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in CONSULTATION_FIELDS}


class ResponseForm(GovukFormMixin, forms.Form):
    """A group's response: on behalf of its member organisations and the
    individuals who responded through it, or "not responding" and why."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(
        label="Is the group responding to this consultation?",
        choices=[
            (ResponseDecision.RESPONDING, "Yes, the group is responding"),
            (ResponseDecision.NOT_RESPONDING, "No, the group is not responding"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the group is responding"},
    )
    response_text = forms.CharField(
        label="The group's response",
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Type or paste the response, or upload it as a document below.",
    )
    document = DocumentField(
        label="Response document (optional)",
        required=False,
        help_text=f"A {ALLOWED_TYPES_TEXT} file. Uploading a new one replaces the one already sent.",
    )
    organisations_count = forms.IntegerField(
        label="How many member organisations does the response represent?",
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-5"}),
        help_text="The organisations in the group's membership that agreed the response.",
        error_messages={
            "invalid": "Member organisations must be a whole number, 0 or more",
            "min_value": "Member organisations must be a whole number, 0 or more",
        },
    )
    organisations = forms.TypedMultipleChoiceField(
        label="Which member organisations does the response represent?",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "The organisations in the group's membership register that agreed the response. Select all that apply."
        ),
        error_messages={"invalid_choice": "Select member organisations from the group's membership register"},
    )
    individuals_count = forms.IntegerField(
        label="How many individuals responded through the group?",
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-5"}),
        error_messages={
            "invalid": "Individuals must be a whole number, 0 or more",
            "min_value": "Individuals must be a whole number, 0 or more",
        },
    )
    not_responding_reason = forms.CharField(
        label="If the group is not responding, why not?",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, response, **kwargs):
        super().__init__(*args, **kwargs)
        self.response = response
        # A group with a membership register ticks its organisations by
        # name (the count is the number ticked); one without gives a number.
        self.register = register_organisations(group=response.group)
        self.register_note = ""
        if self.register is None:
            del self.fields["organisations"]
        else:
            del self.fields["organisations_count"]
            if self.register:
                self.fields["organisations"].choices = [(member.pk, member.name) for member in self.register]
            else:
                del self.fields["organisations"]
                self.register_note = (
                    "The group's membership register lists no member organisations today, "
                    "so the response represents none."
                )

    def clean(self):
        cleaned = super().clean()
        values = {**cleaned, "has_document": bool(cleaned.get("document")) or bool(self.response.document)}
        if self.register is not None:
            values["organisations_count"] = len(cleaned.get("organisations") or [])
        errors = response_rule_errors(group=self.response.group, values=values)
        if self.register is not None and "organisations_count" in errors and "organisations" in self.fields:
            errors["organisations"] = errors.pop("organisations_count")
        _show_rule_errors(self, errors)
        return cleaned

    @classmethod
    def initial_for(cls, response) -> dict:
        data = {name: getattr(response, name) for name in RESPONSE_FIELDS}
        data["version"] = response.version
        data["organisations"] = list(response.organisations.values_list("pk", flat=True))
        return data

    def service_data(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in RESPONSE_FIELDS}
        for key in ("response_text", "not_responding_reason"):
            data[key] = data[key] or ""
        if self.register is not None:
            data["organisations"] = list(self.cleaned_data.get("organisations") or [])
        return data


class ConfirmForm(GovukFormMixin, forms.Form):
    """A POST that confirms an action shown on the page (open, close, send,
    accept); carries the version where the record is edited."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class EngagementForm(GovukFormMixin, forms.Form):
    """A group's engagement with a partner programme at one of its levels."""

    programme = forms.ModelChoiceField(
        label="Programme", queryset=None, error_messages={"required": "Select the programme"}
    )
    level = forms.ModelChoiceField(
        label="Level of engagement",
        queryset=None,
        help_text="For example, a briefing note, or a presentation at a public meeting.",
        error_messages={"required": "Select the level of engagement"},
    )
    engaged_on = ConsultationDateField(
        label="Date", help_text="For example, 14 5 2025", required_message="Enter the date"
    )
    activity = forms.ModelChoiceField(
        label="Activity that evidences it (optional)",
        queryset=None,
        required=False,
        help_text="A presentation at a public meeting is that meeting.",
    )
    notes = forms.CharField(max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, group, programmes, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["programme"].queryset = programmes
        self.fields["programme"].label_from_instance = lambda p: (
            f"{p.name} ({p.financial_year}/{(p.financial_year + 1) % 100:02d})"
        )
        self.fields["level"].queryset = EngagementLevel.objects.filter(programme__in=programmes).select_related(
            "programme"
        )
        self.fields["level"].label_from_instance = lambda lv: f"{lv.programme.name}: {lv.name}"
        self.fields["activity"].queryset = activities
        for name in ("programme", "level", "activity"):
            self.fields[name].widget.attrs["class"] = "govuk-select"

    def clean(self):
        cleaned = super().clean()
        _show_rule_errors(self, engagement_rule_errors(group=self.group, values=cleaned))
        return cleaned


class MechanismForm(GovukFormMixin, forms.Form):
    """A CDRP two-way mechanism the group took part in."""

    kind = forms.ChoiceField(
        label="Kind of mechanism",
        choices=MechanismKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the kind of mechanism"},
    )
    held_on = ConsultationDateField(label="Date", help_text="For example, 14 5 2025", required_message="Enter the date")
    description = forms.CharField(
        label="What happened",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, who sat on the CDRP for the group, or which views went into the assessment.",
        error_messages={"required": "Enter what happened"},
    )
    activity = forms.ModelChoiceField(
        label="Activity that evidences it (optional)",
        queryset=None,
        required=False,
        help_text="A Face the People session is usually an activity already recorded.",
    )

    def __init__(self, *args, group, activities, **kwargs):
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["activity"].queryset = activities
        self.fields["activity"].widget.attrs["class"] = "govuk-select"

    def clean(self):
        cleaned = super().clean()
        _show_rule_errors(self, mechanism_rule_errors(group=self.group, values=cleaned))
        return cleaned


class ProgrammeForm(GovukFormMixin, forms.Form):
    """A manager sets up (or changes) one of a year's partner programmes.

    Levels are typed one a line, least engagement first, so the form needs
    no JavaScript; the level expected of every group and of the host and
    priority boroughs is typed as one of them."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    financial_year = forms.TypedChoiceField(
        label="Financial year", coerce=int, choices=(), error_messages={"required": "Select the financial year"}
    )
    name = forms.CharField(
        max_length=150,
        help_text="For example, Olympics policing",
        error_messages={"required": "Enter the name of the programme"},
    )
    owner_team = forms.CharField(
        label="Owner team (optional)", max_length=150, required=False, help_text="The team that runs it."
    )
    description = forms.CharField(
        label="About the programme (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    output_code = forms.ChoiceField(label="SLA output it serves", required=False, choices=())
    levels = forms.CharField(
        label="Levels of engagement",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One a line, the least engagement first. For example: Briefing note circulated, then "
        "Presentation at a public meeting.",
        error_messages={"required": "Enter the levels of engagement the programme uses, one a line"},
    )
    expected_level = forms.CharField(
        label="Level expected of every group (optional)",
        max_length=150,
        required=False,
        help_text="Type one of the levels above, as it is written there.",
    )
    hosts = forms.ModelMultipleChoiceField(
        label="Host boroughs (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select boroughs from the list"},
    )
    priorities = forms.ModelMultipleChoiceField(
        label="Priority boroughs (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select boroughs from the list"},
    )
    borough_level = forms.CharField(
        label="Level expected of the host and priority boroughs",
        max_length=150,
        required=False,
        help_text="Type one of the levels above. Needed if you selected any host or priority boroughs.",
    )

    def __init__(self, *args, years, boroughs, outputs, programme=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["financial_year"].choices = [("", "Select a year")] + years
        self.fields["financial_year"].widget.attrs["class"] = "govuk-select"
        self.fields["output_code"].choices = [("", "None")] + outputs
        self.fields["output_code"].widget.attrs["class"] = "govuk-select"
        for name in ("hosts", "priorities"):
            self.fields[name].queryset = boroughs
            self.fields[name].label_from_instance = lambda b: b.name

    def clean_levels(self):
        return [line.strip() for line in self.cleaned_data["levels"].splitlines() if line.strip()]

    def clean(self):
        cleaned = super().clean()
        _show_rule_errors(self, programme_rule_errors(values=cleaned, programme=self.programme))
        return cleaned

    @classmethod
    def initial_for(cls, programme) -> dict:
        boroughs = list(programme.boroughs.select_related("expected_level"))
        return {
            "version": programme.version,
            "financial_year": programme.financial_year,
            "name": programme.name,
            "owner_team": programme.owner_team,
            "description": programme.description,
            "output_code": programme.output_code,
            "levels": "\n".join(level.name for level in programme.levels.all()),
            "expected_level": programme.expected_level.name if programme.expected_level else "",
            "hosts": [b.borough_id for b in boroughs if b.role == "host"],
            "priorities": [b.borough_id for b in boroughs if b.role == "priority"],
            "borough_level": boroughs[0].expected_level.name if boroughs else "",
        }


YES_NO = [(True, "Yes"), (False, "No")]


def _yes_no(value):
    return {"True": True, "False": False, True: True, False: False}.get(value)


class PledgeReportForm(GovukFormMixin, forms.Form):
    """What the borough commander reported at a public meeting on the
    Policing Pledge and public confidence, and the topics raised."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    performance_reported = forms.TypedChoiceField(
        label="Did the borough commander (or deputy) report performance figures?",
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the borough commander reported performance figures"},
    )
    confidence_reported = forms.TypedChoiceField(
        label="Did they report public confidence figures?",
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        help_text="For example, the public attitude survey's confidence measure for the borough.",
        error_messages={"required": "Select whether the borough commander reported public confidence figures"},
    )
    topics = forms.CharField(
        label="Topics the public raised (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, antisocial behaviour on the estate, response times, stop and search.",
    )

    @classmethod
    def initial_for(cls, report) -> dict:
        if report is None:
            return {}
        return {
            "version": report.version,
            "performance_reported": report.performance_reported,
            "confidence_reported": report.confidence_reported,
            "topics": report.topics,
        }


def _seat_label(seat) -> str:
    return f"{seat.person.full_name} ({seat.role_label}, {seat.group.name})"


class WardPanelForm(GovukFormMixin, forms.Form):
    """A Safer Neighbourhood ward panel: ward, cluster, and the CPEG
    executive members who chair and attend it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    ward = forms.CharField(max_length=150, error_messages={"required": "Enter the ward"})
    cluster = forms.CharField(
        label="Cluster (optional)",
        max_length=150,
        required=False,
        help_text="The group of ward panels it meets with, for example North cluster.",
    )
    chair = forms.ModelChoiceField(
        label="CPEG executive member who chairs it (optional)",
        queryset=None,
        required=False,
        empty_label="Not chaired by a CPEG executive member",
    )
    attendees = forms.ModelMultipleChoiceField(
        label="CPEG executive members who attend (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select executive members from the list"},
    )

    def __init__(self, *args, borough, executives, panel=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.borough, self.panel = borough, panel
        for name in ("chair", "attendees"):
            self.fields[name].queryset = executives
            self.fields[name].label_from_instance = _seat_label
        self.fields["chair"].widget.attrs["class"] = "govuk-select"

    def clean(self):
        cleaned = super().clean()
        _show_rule_errors(self, panel_rule_errors(borough=self.borough, values=cleaned, panel=self.panel))
        return cleaned

    @classmethod
    def initial_for(cls, panel) -> dict:
        return {
            "version": panel.version,
            "ward": panel.ward,
            "cluster": panel.cluster,
            "chair": panel.chair_id,
            "attendees": list(panel.attendees.values_list("pk", flat=True)),
        }


class ChairsForumMeetingForm(FormTokenMixin, GovukFormMixin, forms.Form):
    """A meeting of the chairs' forum (LCP2): date, title, main items, the
    groups represented and the minutes."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(
        max_length=200,
        help_text="For example, LCP2 chairs' meeting: Olympics policing",
        error_messages={"required": "Enter the title of the meeting"},
    )
    held_on = ConsultationDateField(
        label="Date", help_text="For example, 14 5 2026", required_message="Enter the date of the meeting"
    )
    notes = forms.CharField(
        label="Main items (optional)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    groups_attended = forms.ModelMultipleChoiceField(
        label="Groups represented",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select groups from the list"},
    )
    minutes = DocumentField(
        label="Minutes (optional)",
        required=False,
        help_text=f"A {ALLOWED_TYPES_TEXT} file. Uploading a new one replaces the one already there.",
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups_attended"].queryset = groups
        self.fields["groups_attended"].label_from_instance = lambda g: g.name

    @classmethod
    def initial_for(cls, meeting) -> dict:
        return {
            "version": meeting.version,
            "title": meeting.title,
            "held_on": meeting.held_on,
            "notes": meeting.notes,
            "groups_attended": list(meeting.groups_attended.values_list("pk", flat=True)),
        }


class CdrpMeetingForm(FormTokenMixin, GovukFormMixin, forms.Form):
    """A meeting of the borough's CDRP: date, whether the CPEG's seat was
    filled, who from the executive attended, main items and the minutes."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    held_on = ConsultationDateField(
        label="Date of the meeting",
        help_text="For example, 14 5 2026",
        required_message="Enter the date of the meeting",
    )
    seat_filled = forms.TypedChoiceField(
        label="Was the CPEG's seat on the CDRP filled?",
        choices=YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the CPEG's seat was filled"},
    )
    attendees = forms.ModelMultipleChoiceField(
        label="Who attended for the CPEG (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The group's executive members who were at the meeting.",
        error_messages={"invalid_choice": "Select executive members from the list"},
    )
    notes = forms.CharField(
        label="Main items (optional)", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    minutes = DocumentField(
        label="Minutes (optional)",
        required=False,
        help_text=f"A {ALLOWED_TYPES_TEXT} file. Uploading a new one replaces the one already there.",
    )

    def __init__(self, *args, borough, executives, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.borough, self.today = borough, today
        self.fields["attendees"].queryset = executives
        self.fields["attendees"].label_from_instance = _seat_label

    def clean(self):
        cleaned = super().clean()
        _show_rule_errors(self, cdrp_rule_errors(borough=self.borough, values=cleaned, today=self.today))
        return cleaned

    @classmethod
    def initial_for(cls, meeting) -> dict:
        return {
            "version": meeting.version,
            "held_on": meeting.held_on,
            "seat_filled": meeting.seat_filled,
            "notes": meeting.notes,
            "attendees": list(meeting.attendees.values_list("pk", flat=True)),
        }
