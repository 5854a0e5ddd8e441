"""Forms for funding rounds, applications, assessment, allocation,
payments, spend and the history import.

Forms check the shape of input only; rules live in ``funding.services``.
Money is typed as text and read by ``funding.money.parse_money`` into a
Decimal (never a float).
"""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.validators import RegexValidator
from django.utils import timezone

from cpeg.core.fiscal import financial_year_choices
from cpeg.core.forms import GovukFormMixin
from cpeg.funding.choices import BudgetCategory, SupportKind, WhatIfRule
from cpeg.funding.money import MoneyError, parse_money
from cpeg.groups.choices import PartnerRole


def _refresh_layout(form) -> None:
    """Rebuild the crispy helper after adding fields in ``__init__`` (the
    helper made by GovukFormMixin lays out only the fields it saw)."""
    from crispy_forms_gds.helper import FormHelper

    form.helper = FormHelper(form)
    form.helper.form_tag = False
    form.helper.disable_csrf = True


class VersionErrorMixin:
    """Show a missing or bad edit version in the error summary.

    ``version`` is a hidden field, and the error summary lists only visible
    fields and non-field errors, so its error is moved to the form.
    """

    def full_clean(self):
        super().full_clean()
        if "version" in self._errors:
            errors = self._errors.pop("version")
            self._errors.setdefault(NON_FIELD_ERRORS, self.error_class(error_class="nonfield")).extend(errors)
            self.cleaned_data.pop("version", None)


class MoneyField(forms.CharField):
    """An amount in pounds: "1250", "1,250.50" or "£1250.50" -> Decimal."""

    def __init__(self, *args, label_for_errors: str = "", allow_zero: bool = True, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.label_for_errors = label_for_errors
        self.allow_zero = allow_zero
        self.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false", "class": "govuk-input--width-10"})

    def clean(self, value):
        value = super().clean(value)
        if value in (None, ""):
            return None
        label = self.label_for_errors or str(self.label or "The amount")
        try:
            return parse_money(value, label=label, allow_zero=self.allow_zero)
        except MoneyError as error:
            raise forms.ValidationError(str(error)) from error


YES_NO = [("yes", "Yes"), ("no", "No")]


class PlainDateField(DateInputField):
    """A GOV.UK date input whose every error names the date in plain words
    ("The date paid must be a real date"), never Python's ("day is out of
    range for month"), and reports a missing part and a bad part together."""

    def __init__(self, *, what: str, **kwargs):
        super().__init__(**kwargs)
        self.what = what
        for part, name in zip(self.fields, ("day", "month", "year"), strict=True):
            part.error_messages["incomplete"] = f"{what} must include a {name}"
            part.validators = [RegexValidator(r"^[0-9]+$", f"{what} must be a real date")]
        self.error_messages["required"] = self.error_messages["incomplete"] = f"Enter {what[0].lower()}{what[1:]}"

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(year) != 4:
            raise forms.ValidationError(f"{self.what} must include a year with 4 numbers, like 2026", code="year")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as error:
            raise forms.ValidationError(f"{self.what} must be a real date", code="invalid_date") from error


def plain_date_field(label: str, *, what: str, required: bool = True, help_text: str = "") -> PlainDateField:
    """A date field for a funding form; ``what`` names the date in its errors."""
    field = PlainDateField(what=what, label=label, required=required, help_text=help_text or "For example, 27 3 2025")
    # Each part is checked on its own, so a missing day is named; a date
    # with only some parts given is refused, never read as blank.
    field.require_all_fields = False
    for part in field.fields:
        part.required = True
    return field


class RoundForm(VersionErrorMixin, GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    financial_year = forms.TypedChoiceField(
        label="Financial year",
        coerce=int,
        choices=(),
        error_messages={"required": "Select the financial year"},
    )
    title = forms.CharField(
        label="Title", max_length=150, required=False, help_text="For example, CPEG funding 2026/27"
    )
    pot_amount = MoneyField(
        label="Total available (the pot), in pounds",
        label_for_errors="The pot",
        error_messages={"required": "Enter the pot"},
    )
    cap_amount = MoneyField(
        label="Most any group may be awarded (the cap), in pounds",
        label_for_errors="The cap",
        error_messages={"required": "Enter the cap"},
    )
    floor_amount = MoneyField(
        label="Least any funded group may be awarded (the floor), in pounds",
        label_for_errors="The floor",
        required=False,
        help_text="Leave blank if there is no floor",
    )
    opens_on = plain_date_field("Applications open", what="The date applications open")
    closes_on = plain_date_field("Application deadline", what="The application deadline")
    assessment_ends_on = plain_date_field("Assessment complete by", what="The date assessment ends")
    decisions_on = plain_date_field("Decisions by", what="The date decisions are due")
    show_scores_to_groups = forms.BooleanField(
        label="Show groups their scores once the round is decided", required=False, initial=True
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["financial_year"].choices = [("", "Select a year")] + financial_year_choices(before=2, after=2)
        if editing:
            del self.fields["financial_year"]
        for name in ("opens_on", "closes_on", "assessment_ends_on", "decisions_on"):
            self.fields[name].error_messages["required"] = f"Enter the date: {self.fields[name].label.lower()}"

    # The timetable's order (also a rule in ``services.rounds``): checked here
    # too so every date out of order is reported with the other errors at once.
    DATE_ORDER = (
        ("opens_on", "closes_on", "The application deadline must be on or after the day applications open"),
        ("closes_on", "assessment_ends_on", "Assessment must end on or after the application deadline"),
        ("assessment_ends_on", "decisions_on", "Decisions must be on or after the end of assessment"),
    )

    def clean(self):
        cleaned = super().clean()
        for earlier, later, message in self.DATE_ORDER:
            first, then = cleaned.get(earlier), cleaned.get(later)
            if first and then and then < first:
                self.add_error(later, message)
        return cleaned

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class CriterionForm(VersionErrorMixin, GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label="Criterion", max_length=200, error_messages={"required": "Enter the criterion"})
    guidance = forms.CharField(
        label="Guidance for assessors", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    weight = forms.IntegerField(
        label="Weight",
        min_value=1,
        max_value=100,
        help_text="A whole number from 1 to 100. A criterion of weight 30 counts three times one of weight 10.",
        error_messages={
            "required": "Enter the weight",
            "invalid": "The weight must be a whole number, like 20",
            "min_value": "The weight must be 1 or more",
            "max_value": "The weight must be 100 or less",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weight"].widget.attrs.update({"class": "govuk-input--width-3", "inputmode": "numeric"})


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


class ApplicationForm(VersionErrorMixin, GovukFormMixin, forms.Form):
    """The narrative, work programme and local consultation of a draft."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    work_programme_summary = forms.CharField(
        label="Your work programme for the year",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    priorities = forms.CharField(
        label="Your priorities for the year", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    targets = forms.CharField(
        label="Your targets", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    outcomes = forms.CharField(
        label="The outcomes you expect", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, items=(), consultations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        self.consultations = list(consultations)
        for item in self.items:
            self.fields[f"wp_{item.pk}_plan"] = forms.CharField(
                label=f"What you plan for: {item.output_title}",
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"wp_{item.pk}_target"] = forms.IntegerField(
                label=f"Target for the year: {item.output_title}",
                required=False,
                min_value=0,
                max_value=999,
                error_messages={
                    "invalid": f"The target for {item.output_title} must be a whole number, like 4",
                    "min_value": f"The target for {item.output_title} must be 0 or more",
                    "max_value": f"The target for {item.output_title} must be 999 or fewer",
                },
            )
            self.fields[f"wp_{item.pk}_target"].widget = forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}
            )
            self.initial.setdefault(f"wp_{item.pk}_plan", item.planned_activity)
            self.initial.setdefault(f"wp_{item.pk}_target", item.target)
        for consultation in self.consultations:
            role = consultation.partner_role
            label = PartnerRole(role).label
            self.fields[f"{role}_consulted"] = forms.ChoiceField(
                label=f"Did you consult the {_sentence_case(label)} on this bid?",
                choices=YES_NO,
                widget=forms.RadioSelect,
                required=False,
            )
            self.fields[f"{role}_on"] = plain_date_field(
                f"Date you consulted the {_sentence_case(label)}",
                what=f"The date of the consultation with the {_sentence_case(label)}",
                required=False,
            )
            self.fields[f"{role}_comments"] = forms.CharField(
                label=f"The {_sentence_case(label)}'s comments",
                max_length=2000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            if consultation.was_consulted is not None:
                self.initial.setdefault(f"{role}_consulted", "yes" if consultation.was_consulted else "no")
            self.initial.setdefault(f"{role}_on", consultation.consulted_on)
            self.initial.setdefault(f"{role}_comments", consultation.comments)

    def clean(self):
        cleaned = super().clean()
        for consultation in self.consultations:
            role = consultation.partner_role
            if (
                cleaned.get(f"{role}_consulted") == "yes"
                and not cleaned.get(f"{role}_on")
                and not self.has_error(f"{role}_on")
            ):
                self.add_error(
                    f"{role}_on", f"Enter the date you consulted the {_sentence_case(PartnerRole(role).label)}"
                )
            on = cleaned.get(f"{role}_on")
            if on and cleaned.get(f"{role}_consulted") == "yes" and on > timezone.localdate():
                # Also a rule in the service; checked here too so it is
                # reported with every other error on the page at once.
                self.add_error(
                    f"{role}_on",
                    f"The date of the consultation with the {_sentence_case(PartnerRole(role).label)} "
                    "must be today or in the past",
                )
        return cleaned

    def service_data(self) -> dict:
        data = {
            k: self.cleaned_data.get(k) or "" for k in ("work_programme_summary", "priorities", "targets", "outcomes")
        }
        data["work_programme"] = {
            item.pk: (self.cleaned_data.get(f"wp_{item.pk}_plan") or "", self.cleaned_data.get(f"wp_{item.pk}_target"))
            for item in self.items
        }
        data["consultations"] = {}
        for consultation in self.consultations:
            role = consultation.partner_role
            was = _yes_no(self.cleaned_data.get(f"{role}_consulted"))
            data["consultations"][role] = (
                was,
                self.cleaned_data.get(f"{role}_on") if was else None,
                self.cleaned_data.get(f"{role}_comments") or "",
            )
        return data


class BudgetLineForm(VersionErrorMixin, GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    category = forms.ChoiceField(
        label="Budget category",
        choices=BudgetCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the budget category", "invalid_choice": "Select a budget category"},
    )
    description = forms.CharField(
        label="Description", max_length=200, error_messages={"required": "Enter a description of the budget line"}
    )
    post_title = forms.CharField(label="Post (staffing only)", max_length=150, required=False)
    hours_per_week = forms.DecimalField(
        label="Hours per week (staffing only)",
        required=False,
        max_digits=4,
        decimal_places=1,
        min_value=0,
        max_value=80,
        error_messages={
            "invalid": "Hours per week must be a number, like 18.5",
            "min_value": "Hours per week must be 0 or more",
            "max_value": "Hours per week must be 80 or fewer",
            "max_decimal_places": "Hours per week can have one decimal place at most",
            "max_digits": "Hours per week must be 80 or fewer",
        },
    )
    salary_amount = MoneyField(
        label="Salary for the year (staffing only), in pounds", label_for_errors="The salary", required=False
    )
    on_costs_amount = MoneyField(
        label="On-costs for the year (staffing only), in pounds",
        label_for_errors="The on-costs",
        required=False,
        help_text="Employer's National Insurance and pension",
    )
    amount = MoneyField(
        label="Amount, in pounds (other categories)",
        label_for_errors="The amount",
        required=False,
        help_text="For staffing, the amount is the salary plus on-costs",
    )
    note = forms.CharField(label="Note", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hours_per_week"].widget.attrs["class"] = "govuk-input--width-4"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("category") == BudgetCategory.STAFFING:
            if not cleaned.get("post_title"):
                self.add_error("post_title", "Enter the post, like Administrator")
            if cleaned.get("hours_per_week") is None and not self.has_error("hours_per_week"):
                self.add_error("hours_per_week", "Enter the hours per week")
            if cleaned.get("salary_amount") is None and not self.has_error("salary_amount"):
                self.add_error("salary_amount", "Enter the salary")
        elif cleaned.get("category") and cleaned.get("amount") is None and not self.has_error("amount"):
            self.add_error("amount", "Enter the amount")
        return cleaned

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class OtherSupportForm(GovukFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Type of support",
        choices=SupportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether this is in-kind support or other funding"},
    )
    provider = forms.CharField(
        label="Who provides it", max_length=150, error_messages={"required": "Enter who provides the support"}
    )
    description = forms.CharField(
        label="What it is",
        max_length=300,
        help_text="For example, subsidised rent for the office at the civic centre",
        error_messages={"required": "Enter what the support is"},
    )
    value_amount = MoneyField(label="Estimated value a year, in pounds", label_for_errors="The value", required=False)


class AssessmentForm(VersionErrorMixin, GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.title} (weight {criterion.weight})",
                help_text=criterion.guidance,
                coerce=int,
                choices=[(n, str(n)) for n in range(0, 6)],
                widget=forms.RadioSelect,
                error_messages={"required": f"Select a score for {criterion.title}"},
            )
        self.fields["comments"] = forms.CharField(
            label="Your comments",
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 5}),
            error_messages={"required": "Enter your comments on the application"},
        )
        self.fields["recommended_amount"] = MoneyField(
            label="Recommended award, in pounds",
            label_for_errors="The recommended award",
            error_messages={"required": "Enter the recommended award"},
        )
        _refresh_layout(self)

    def scores(self) -> dict:
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}


class ModerationForm(VersionErrorMixin, GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    moderation_comments = forms.CharField(
        label="Your moderation comments",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter your moderation comments"},
    )
    moderated_amount = MoneyField(
        label="Recommended award after moderation, in pounds",
        label_for_errors="The recommended award",
        required=False,
        help_text="Leave as it is to agree the assessor's recommendation",
    )


class AllocationForm(VersionErrorMixin, GovukFormMixin, forms.Form):
    """One award box per bid."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            application = row.application
            row.field_name = f"award_{application.pk}"
            self.fields[row.field_name] = MoneyField(
                label=f"Award for {application.group.name}, in pounds",
                label_for_errors=f"The award for {application.group.name}",
                required=False,
            )

    def awards(self) -> dict:
        return {r.application.pk: self.cleaned_data.get(f"award_{r.application.pk}") for r in self.rows}


UNIT_CHOICES = [
    ("", "Do not round"),
    ("1", "To the nearest £1"),
    ("10", "To the nearest £10"),
    ("100", "To the nearest £100"),
    ("500", "To the nearest £500"),
    ("1000", "To the nearest £1,000"),
]


class WhatIfForm(forms.Form):
    """The what-if panel (read from the query string; nothing is saved)."""

    rule = forms.ChoiceField(choices=WhatIfRule.choices, required=False)
    unit = forms.ChoiceField(choices=UNIT_CHOICES, required=False)


class PaymentScheduleForm(VersionErrorMixin, GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    SLOTS = 6

    def __init__(self, *args, slots: int = SLOTS, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = slots
        for n in range(1, slots + 1):
            self.fields[f"due_on_{n}"] = plain_date_field(
                f"Instalment {n}: date due", what=f"The date instalment {n} is due", required=False, help_text=" "
            )
            self.fields[f"amount_{n}"] = MoneyField(
                label=f"Instalment {n}: amount, in pounds", label_for_errors=f"Instalment {n}", required=False
            )
        _refresh_layout(self)

    def clean(self):
        cleaned = super().clean()
        for n in range(1, self.slots + 1):
            due, amount = cleaned.get(f"due_on_{n}"), cleaned.get(f"amount_{n}")
            if due and amount is None and not self.has_error(f"amount_{n}"):
                self.add_error(f"amount_{n}", f"Enter the amount of instalment {n}")
            if amount is not None and not due and not self.has_error(f"due_on_{n}"):
                self.add_error(f"due_on_{n}", f"Enter the date instalment {n} is due")
        return cleaned

    def instalments(self) -> list:
        out = []
        for n in range(1, self.slots + 1):
            due, amount = self.cleaned_data.get(f"due_on_{n}"), self.cleaned_data.get(f"amount_{n}")
            if due or amount is not None:
                out.append((due, amount))
        return out


class MarkPaidForm(GovukFormMixin, forms.Form):
    paid_on = plain_date_field("Date paid", what="The date paid")


class SpendReportForm(VersionErrorMixin, GovukFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in BudgetCategory.choices:
            self.fields[f"spend_{value}"] = MoneyField(
                label=f"{label}: spent this quarter, in pounds",
                label_for_errors=f"Spend on {label.lower()}",
                required=False,
            )
        self.fields["notes"] = forms.CharField(
            label="Notes on spending",
            max_length=2000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="Explain any underspend or overspend",
        )
        _refresh_layout(self)

    def amounts(self) -> dict:
        return {v: self.cleaned_data.get(f"spend_{v}") for v in BudgetCategory.values}


class SpendCheckForm(VersionErrorMixin, GovukFormMixin, forms.Form):
    """Confirming a quarter's saved spend: carries the version checked."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReconciliationForm(VersionErrorMixin, GovukFormMixin, forms.Form):
    """The officer confirms the worked-out reconciliation, or adjusts the
    sum to be returned with a reason."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    return_amount = MoneyField(
        label="Sum to be returned to the authority, in pounds",
        label_for_errors="The sum to be returned",
        required=False,
        help_text="Worked out as paid minus spent (never below 0). Change it only if there is a reason to",
    )
    adjustment_reason = forms.CharField(
        label="Reason for changing the sum to be returned",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only if you change the sum worked out",
    )
    reconciliation_notes = forms.CharField(
        label="Notes", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(VersionErrorMixin, GovukFormMixin, forms.Form):
    """The reason an officer reopens a frozen record (spend or reconciliation)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label="Why does it need to be reopened?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why you are reopening it"},
    )


class HistoryImportForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="Spreadsheet (CSV or XLSX)",
        error_messages={"required": "Select a CSV or XLSX file"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("The selected file must be a CSV or XLSX file")
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The selected file must be smaller than 5MB")
        return upload


def _sentence_case(label) -> str:
    """A label inside a sentence: first letter lower case, the rest as written
    ("community safety manager (CDRP)", not "(cdrp)")."""
    text = str(label)
    return text[:1].lower() + text[1:]
