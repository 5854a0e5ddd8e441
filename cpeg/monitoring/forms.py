"""Forms for quarterly returns: the group's answers, officer review, support
follow-up and the settings. Shape only; rules live in ``monitoring.services``."""

from __future__ import annotations

from copy import copy

from crispy_forms_gds.layout import HTML, Field, Fieldset, Layout, Size
from django import forms
from django.template.loader import render_to_string

from cpeg.core.forms import GovukFormMixin
from cpeg.monitoring.choices import Rag
from cpeg.monitoring.sections import line_field_key, missing_answers
from cpeg.monitoring.services import ANSWER_FIELDS

RAG_CHOICES = [
    (Rag.GREEN, "Green: on track"),
    (Rag.AMBER, "Amber: slightly behind"),
    (Rag.RED, "Red: behind"),
]


class ReturnForm(GovukFormMixin, forms.Form):
    """One fieldset per SLA line: RAG status (with a reason when it differs from
    the suggestion), progress, barriers and support wanted."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, lines, activity_urls=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        activity_urls = activity_urls or {}
        layout = ["version"]
        for line in lines:
            name = line.output
            self.fields[line_field_key(line, "rag")] = forms.ChoiceField(
                label="RAG status",
                choices=RAG_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                help_text=(
                    f"The figures suggest {line.suggested_rag_short.lower()}."
                    if line.suggested_rag
                    else "Choose the status that best describes delivery so far."
                ),
                error_messages={"invalid_choice": f"Select a RAG status for {name}"},
            )
            if line.suggested_rag:
                self.fields[line_field_key(line, "rag_override_reason")] = self._reason_field(name)
            self.fields[line_field_key(line, "progress")] = forms.CharField(
                label="Progress",
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"max_length": f"Progress on {name} must be 4,000 characters or fewer"},
            )
            self.fields[line_field_key(line, "barriers")] = forms.CharField(
                label="Barriers to delivery (optional)",
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": f"Barriers for {name} must be 4,000 characters or fewer"},
            )
            self.fields[line_field_key(line, "support_requested")] = forms.CharField(
                label="Support wanted from the authority (optional)",
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": f"Support wanted for {name} must be 4,000 characters or fewer"},
            )
            for field in ANSWER_FIELDS:
                self.initial.setdefault(line_field_key(line, field), getattr(line, field))
            figures_html = render_to_string(
                "monitoring/_line_figures.html",
                {"line": line, "activity_url": activity_urls.get(line.output_code, "")},
            )
            fields = [HTML(figures_html), Field.radios(line_field_key(line, "rag"), legend_size=Size.SMALL, small=True)]
            if line.suggested_rag:
                fields.append(Field.textarea(line_field_key(line, "rag_override_reason"), label_size=Size.SMALL))
            fields += [
                Field.textarea(line_field_key(line, "progress"), label_size=Size.SMALL),
                Field.textarea(line_field_key(line, "barriers"), label_size=Size.SMALL),
                Field.textarea(line_field_key(line, "support_requested"), label_size=Size.SMALL),
            ]
            layout.append(Fieldset(*fields, legend=_escape(name), legend_size=Size.MEDIUM, legend_tag="h2"))
        self.helper.layout = Layout(*layout)

    @staticmethod
    def _reason_field(name: str) -> forms.CharField:
        return forms.CharField(
            label="If you chose a different status from the suggestion, say why",
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
            error_messages={"max_length": f"The reason for {name} must be 2,000 characters or fewer"},
        )

    def clean(self):
        """The reason a status differs from the suggestion is checked here as
        well as in the service, so it is reported in the same pass as a text
        that is too long (not on the next try)."""
        cleaned = super().clean()
        for line in self.lines:
            key = line_field_key(line, "rag_override_reason")
            if key not in self.fields or self.has_error(key):
                continue
            rag = cleaned.get(line_field_key(line, "rag")) or ""
            line_as_given = copy(line)
            line_as_given.rag = rag
            line_as_given.rag_override_reason = cleaned.get(key) or ""
            for missing in missing_answers(line_as_given):
                if missing.field == "rag_override_reason":
                    self.add_error(key, missing.message)
        return cleaned

    def answers(self) -> dict:
        """line id -> {field: value}, for ``services.return_save``."""
        result = {}
        for line in self.lines:
            result[line.pk] = {
                field: self.cleaned_data.get(line_field_key(line, field), "")
                for field in ANSWER_FIELDS
                if line_field_key(line, field) in self.fields
            }
        return result


def _escape(text: str) -> str:
    from django.utils.html import escape

    return escape(text)


class ReviewForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    decision = forms.ChoiceField(
        label="What is your decision?",
        choices=[
            ("accept", "Accept the return"),
            ("return", "Return it to the group for changes"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to accept the return or return it to the group"},
    )
    officer_comments = forms.CharField(
        label="Comments for the group",
        help_text="Needed when you return it: say what the group should change.",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "Comments must be 4,000 characters or fewer"},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "return" and not (cleaned.get("officer_comments") or "").strip():
            self.add_error("officer_comments", "Enter your comments for the group")
        return cleaned


class SupportProvidedForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    support_given = forms.CharField(
        label="What support did the authority give?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the support the authority gave",
            "max_length": "The support given must be 2,000 characters or fewer",
        },
    )


class MonitoringSettingsForm(GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    deadline_working_days = forms.IntegerField(
        label="How many working days after a quarter ends is its return due?",
        help_text="Weekends and England and Wales bank holidays are not counted.",
        min_value=1,
        max_value=60,
        error_messages={
            "required": "Enter the number of working days a return is due after the quarter ends",
            "invalid": "The number of working days must be a whole number, like 15",
            "min_value": "The number of working days must be 1 or more",
            "max_value": "The number of working days must be 60 or fewer",
        },
    )
    reminder_working_days_before = forms.IntegerField(
        label="How many working days before the deadline is a reminder sent?",
        help_text="Enter 0 to send no reminder before the deadline. Overdue reminders are always sent.",
        min_value=0,
        max_value=30,
        error_messages={
            "required": "Enter the number of working days before the deadline a reminder is sent",
            "invalid": "The number of working days before the deadline must be a whole number, like 5",
            "min_value": "The number of working days before the deadline must be 0 or more",
            "max_value": "The number of working days before the deadline must be 30 or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("deadline_working_days", "reminder_working_days_before"):
            self.fields[name].widget.attrs.update({"class": "govuk-input--width-3", "inputmode": "numeric"})
