"""Funding forms' dates: plain words for a date that does not exist, and
every error on the page in one pass (issue 9, item 5)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from cpeg.funding.forms import ApplicationForm, MarkPaidForm, PaymentScheduleForm
from cpeg.groups.choices import PartnerRole


def _consultation(role):
    return SimpleNamespace(partner_role=role, was_consulted=None, consulted_on=None, comments="")


def _date(prefix, day, month, year):
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year}


def _application_form(data):
    roles = [PartnerRole.BOROUGH_COMMANDER, PartnerRole.LINK_MEMBER]
    return ApplicationForm(data, consultations=[_consultation(r) for r in roles])


def test_a_consultation_date_that_does_not_exist_and_one_in_the_future_are_both_reported_at_once():
    next_year = timezone.localdate().year + 1
    data = {
        "borough_commander_consulted": "yes",
        **_date("borough_commander_on", "31", "2", "2025"),
        "link_member_consulted": "yes",
        **_date("link_member_on", "1", "6", str(next_year)),
    }
    form = _application_form(data)
    assert not form.is_valid()
    assert form.errors["borough_commander_on"] == [
        "The date of the consultation with the borough commander must be a real date"
    ]
    assert form.errors["link_member_on"] == [
        "The date of the consultation with the link member must be today or in the past"
    ]
    assert "out of range" not in str(form.errors)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("30", "2", "2025", "The date paid must be a real date"),
        ("1", "13", "2025", "The date paid must be a real date"),
        ("x", "3", "2025", "The date paid must be a real date"),
        ("1", "3", "25", "The date paid must include a year with 4 numbers, like 2026"),
        ("1", "", "2025", "The date paid must include a month"),
        ("", "", "", "Enter the date paid"),
    ],
)
def test_a_payment_date_is_refused_in_plain_words(day, month, year, message):
    form = MarkPaidForm(_date("paid_on", day, month, year))
    assert not form.is_valid()
    assert form.errors["paid_on"] == [message]


def test_a_real_date_is_read_and_a_past_consultation_date_is_accepted():
    assert MarkPaidForm(_date("paid_on", "29", "2", "2024")).is_valid()
    form = _application_form({"borough_commander_consulted": "yes", **_date("borough_commander_on", "3", "4", "2025")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["borough_commander_on"] == dt.date(2025, 4, 3)


def test_a_payment_schedule_reports_a_bad_date_and_a_missing_amount_together():
    data = {**_date("due_on_1", "31", "4", "2026"), **_date("due_on_2", "1", "5", "2026")}
    form = PaymentScheduleForm(data)
    assert not form.is_valid()
    assert form.errors["due_on_1"] == ["The date instalment 1 is due must be a real date"]
    assert form.errors["amount_2"] == ["Enter the amount of instalment 2"]


def test_a_rounds_timetable_reports_a_date_that_does_not_exist_and_each_date_out_of_order_at_once():
    from cpeg.funding.forms import RoundForm

    data = {
        "financial_year": "2026",
        "pot_amount": "100000",
        "cap_amount": "10000",
        **_date("opens_on", "1", "5", "2026"),
        **_date("closes_on", "1", "4", "2026"),
        **_date("assessment_ends_on", "31", "6", "2026"),
        **_date("decisions_on", "1", "3", "2026"),
    }
    form = RoundForm(data, editing=True)
    assert not form.is_valid()
    assert form.errors["closes_on"] == ["The application deadline must be on or after the day applications open"]
    assert form.errors["assessment_ends_on"] == ["The date assessment ends must be a real date"]
    assert "decisions_on" not in form.errors  # its neighbour is not a real date, so it cannot be compared
