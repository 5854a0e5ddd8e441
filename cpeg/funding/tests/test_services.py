"""Every write in the funding process: success, each refusal, and its audit trail."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cpeg.core.errors import EditConflict, InvalidTransition
from cpeg.core.models import AuditEvent
from cpeg.funding import services
from cpeg.funding.choices import ApplicationStatus, BudgetCategory, PaymentStatus, RoundStatus
from cpeg.funding.models import BudgetLine, FundingApplication, FundingRound, Payment
from cpeg.funding.tests.factories import AwardFactory, FundingRoundFactory, PaymentFactory

D = Decimal
pytestmark = pytest.mark.django_db


def _after_deadline(funding_round):
    """A day after the round's application deadline: it may be decided."""
    return funding_round.closes_on + dt.timedelta(days=1)


def _today():
    return timezone.localdate()


def _round_data(**overrides):
    today = _today()
    data = {
        "financial_year": 2030,
        "title": "",
        "pot_amount": D("1600000.00"),
        "cap_amount": D("50000.00"),
        "floor_amount": D("20000.00"),
        "opens_on": today,
        "closes_on": today + dt.timedelta(days=30),
        "assessment_ends_on": today + dt.timedelta(days=60),
        "decisions_on": today + dt.timedelta(days=90),
        "show_scores_to_groups": True,
    }
    data.update(overrides)
    return data


def _events(event_type):
    return AuditEvent.objects.filter(event_type=event_type)


def _ready_application(funding_round, group, admin):
    application = services.application_start(funding_round=funding_round, group=group, actor=admin)
    services.budget_line_add(
        application=application,
        actor=admin,
        data={
            "category": BudgetCategory.STAFFING,
            "description": "Administrator",
            "post_title": "Administrator",
            "hours_per_week": D("37.5"),
            "salary_amount": D("25000.00"),
            "on_costs_amount": D("5000.00"),
        },
    )
    services.budget_line_add(
        application=application,
        actor=admin,
        data={"category": BudgetCategory.VENUE, "description": "Hall hire", "amount": D("2400.00")},
    )
    application.refresh_from_db()
    consulted = {
        role: (True, _today() - dt.timedelta(days=3), "Supportive")
        for role in ("borough_commander", "community_safety_manager", "link_member")
    }
    services.application_update(
        application=application,
        actor=admin,
        loaded_version=application.version,
        data={
            "work_programme_summary": "Four public meetings",
            "priorities": "Youth engagement",
            "consultations": consulted,
        },
    )
    application.refresh_from_db()
    return application


def _moderated(funding_round, group, admin, officer, manager, amount="30000.00"):
    application = _ready_application(funding_round, group, admin)
    services.application_submit(application=application, actor=admin)
    criteria = list(funding_round.criteria.all())
    services.application_assess(
        application=application,
        actor=officer,
        scores={c.pk: 4 for c in criteria},
        comments="Good",
        recommended_amount=amount,
    )
    services.application_moderate(application=application, actor=manager, comments="Agreed")
    application.refresh_from_db()
    return application


# --- Rounds -------------------------------------------------------------------


def test_manager_sets_up_a_round_and_it_is_audited(manager):
    funding_round = services.round_create(actor=manager, data=_round_data())
    assert funding_round.title == "CPEG funding 2030/31"
    assert funding_round.pot_amount == D("1600000.00")
    assert _events("FUNDING_ROUND_CREATED").get().target_id == funding_round.pk


def test_officer_cannot_set_up_a_round(officer):
    with pytest.raises(PermissionDenied):
        services.round_create(actor=officer, data=_round_data())


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"cap_amount": D("2000000.00")}, "cap_amount", "The cap must not be more than the pot"),
        ({"floor_amount": D("60000.00")}, "floor_amount", "The floor must not be more than the cap"),
        ({"pot_amount": D("-1.00")}, "pot_amount", "must be 0 or more"),
        ({"cap_amount": D("10.005")}, "cap_amount", "more than 2 decimal places"),
        ({"closes_on": _today() - dt.timedelta(days=1)}, "closes_on", "deadline must be on or after"),
    ],
)
def test_a_round_with_bad_amounts_or_timetable_is_refused(manager, overrides, field, message):
    with pytest.raises(ValidationError, match=message) as info:
        services.round_create(actor=manager, data=_round_data(**overrides))
    assert field in info.value.message_dict
    assert not FundingRound.objects.exists()


def test_a_second_round_for_the_same_year_is_refused(manager):
    services.round_create(actor=manager, data=_round_data())
    with pytest.raises(ValidationError, match="already a funding round for 2030/31"):
        services.round_create(actor=manager, data=_round_data())


def test_round_edit_with_a_stale_version_is_an_edit_conflict(manager, open_round):
    with pytest.raises(EditConflict):
        services.round_update(
            funding_round=open_round, actor=manager, data={"title": "New"}, loaded_version=open_round.version - 1
        )


# --- The group's application ------------------------------------------------------


def test_group_starts_a_draft_listing_its_three_local_partners(open_round, camden, camden_admin):
    application = services.application_start(funding_round=open_round, group=camden, actor=camden_admin)
    assert application.status == ApplicationStatus.DRAFT
    assert sorted(application.consultations.values_list("partner_role", flat=True)) == [
        "borough_commander",
        "community_safety_manager",
        "link_member",
    ]
    assert _events("FUNDING_APPLICATION_STARTED").get().group == camden


def test_group_cannot_start_another_groups_application(open_round, camden, hackney_admin):
    with pytest.raises(PermissionDenied):
        services.application_start(funding_round=open_round, group=camden, actor=hackney_admin)


def test_starting_after_the_deadline_is_refused(open_round, camden, camden_admin):
    with pytest.raises(ValidationError, match="deadline for applications was"):
        services.application_start(
            funding_round=open_round, group=camden, actor=camden_admin, today=open_round.closes_on + dt.timedelta(1)
        )


def test_staffing_line_amount_is_salary_plus_on_costs_never_typed(open_round, camden, camden_admin):
    application = services.application_start(funding_round=open_round, group=camden, actor=camden_admin)
    line = services.budget_line_add(
        application=application,
        actor=camden_admin,
        data={
            "category": "staffing",
            "description": "Administrator",
            "post_title": "Administrator",
            "hours_per_week": D("18.5"),
            "salary_amount": D("14000.00"),
            "on_costs_amount": D("2100.50"),
            "amount": D("1.00"),
        },
    )
    assert line.amount == D("16100.50")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"category": "", "description": "x", "amount": "10"}, "category", "Select the budget category"),
        ({"category": "venue", "description": "x", "amount": "-10"}, "amount", "must be 0 or more"),
        ({"category": "venue", "description": "x", "amount": "ten"}, "amount", "must be an amount in pounds"),
        ({"category": "venue", "description": "x", "amount": "10.123"}, "amount", "more than 2 decimal places"),
        ({"category": "venue", "description": "x", "amount": 10.5}, "amount", "must be an amount in pounds"),
        ({"category": "venue", "description": "", "amount": "10"}, "description", "Enter a description"),
        ({"category": "staffing", "description": "x", "post_title": ""}, "post_title", "Enter the post"),
    ],
)
def test_a_bad_budget_line_is_refused_with_a_clear_message(open_round, camden, camden_admin, data, field, message):
    application = services.application_start(funding_round=open_round, group=camden, actor=camden_admin)
    with pytest.raises(ValidationError, match=message) as info:
        services.budget_line_add(application=application, actor=camden_admin, data=data)
    assert field in info.value.message_dict
    assert not BudgetLine.objects.exists()


def test_group_submits_a_complete_draft_once(open_round, camden, camden_admin):
    application = _ready_application(open_round, camden, camden_admin)
    services.application_submit(application=application, actor=camden_admin)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.submitted_by == camden_admin
    assert _events("FUNDING_APPLICATION_SUBMITTED").count() == 1
    with pytest.raises(InvalidTransition, match="cannot submit an application that is submitted"):
        services.application_submit(application=application, actor=camden_admin)
    with pytest.raises(InvalidTransition):
        services.budget_line_add(application=application, actor=camden_admin, data={"category": "venue"})


def test_an_incomplete_draft_cannot_be_submitted(open_round, camden, camden_admin):
    application = services.application_start(funding_round=open_round, group=camden, actor=camden_admin)
    with pytest.raises(ValidationError) as info:
        services.application_submit(application=application, actor=camden_admin)
    problems = info.value.message_dict
    assert problems["budget"] == ["Add at least one budget line"]
    assert "work_programme_summary" in problems
    assert "borough_commander_consulted" in problems


def test_a_budget_above_the_cap_cannot_be_submitted(open_round, camden, camden_admin):
    application = _ready_application(open_round, camden, camden_admin)
    services.budget_line_add(
        application=application,
        actor=camden_admin,
        data={"category": "projects", "description": "Big", "amount": "20000"},
    )
    with pytest.raises(ValidationError, match="more than the most any group may be awarded"):
        services.application_submit(application=application, actor=camden_admin)


def test_submitting_after_the_deadline_is_blocked_until_a_manager_reopens(open_round, camden, camden_admin, manager):
    application = _ready_application(open_round, camden, camden_admin)
    late = open_round.closes_on + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot submit after the deadline"):
        services.application_submit(application=application, actor=camden_admin, today=late)
    with pytest.raises(PermissionDenied):
        services.application_reopen(application=application, actor=camden_admin, reason="Late", today=late)
    services.application_reopen(application=application, actor=manager, reason="Late", today=late)
    application.refresh_from_db()
    assert application.late_submission_until > late
    services.application_submit(application=application, actor=camden_admin, today=late)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert _events("FUNDING_APPLICATION_REOPENED").count() == 1


# --- Assessment and moderation -------------------------------------------------------


def test_officer_scores_every_criterion_and_recommends(open_round, camden, camden_admin, officer):
    application = _ready_application(open_round, camden, camden_admin)
    services.application_submit(application=application, actor=camden_admin)
    criteria = list(open_round.criteria.all())
    with pytest.raises(ValidationError, match="Select a score for Work programme"):
        services.application_assess(
            application=application, actor=officer, scores={criteria[0].pk: 3}, comments="x", recommended_amount="1"
        )
    with pytest.raises(ValidationError, match="not be more than the cap"):
        services.application_assess(
            application=application,
            actor=officer,
            scores={c.pk: 3 for c in criteria},
            comments="x",
            recommended_amount=D("50000.01"),
        )
    assessment = services.application_assess(
        application=application,
        actor=officer,
        scores={c.pk: 3 for c in criteria},
        comments="Sound",
        recommended_amount=D("31000.00"),
    )
    assert assessment.scores.count() == 2
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ASSESSED


def test_group_people_cannot_assess(open_round, camden, camden_admin):
    application = _ready_application(open_round, camden, camden_admin)
    with pytest.raises(PermissionDenied):
        services.application_assess(
            application=application, actor=camden_admin, scores={}, comments="", recommended_amount="1"
        )


def test_moderator_must_differ_from_the_assessor(open_round, camden, camden_admin, officer, second_officer):
    application = _ready_application(open_round, camden, camden_admin)
    services.application_submit(application=application, actor=camden_admin)
    scores = {c.pk: 4 for c in open_round.criteria.all()}
    services.application_assess(
        application=application, actor=officer, scores=scores, comments="ok", recommended_amount=D("30000")
    )
    with pytest.raises(PermissionDenied, match="Someone other than the assessor must moderate"):
        services.application_moderate(application=application, actor=officer, comments="Agreed")
    assessment = services.application_moderate(
        application=application, actor=second_officer, comments="Reduce", moderated_amount=D("28000")
    )
    assert assessment.final_recommendation == D("28000.00")
    assert assessment.moderator == second_officer


def test_a_manager_cannot_moderate_their_own_assessment(open_round, camden, camden_admin, manager, officer):
    """Managers are held to the same four-eyes rule as officers."""
    application = _ready_application(open_round, camden, camden_admin)
    services.application_submit(application=application, actor=camden_admin)
    scores = {c.pk: 4 for c in open_round.criteria.all()}
    services.application_assess(
        application=application, actor=manager, scores=scores, comments="ok", recommended_amount=D("30000")
    )
    application.refresh_from_db()
    with pytest.raises(PermissionDenied, match="you assessed this application"):
        services.application_moderate(application=application, actor=manager, comments="Agreed")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ASSESSED
    assert not _events("FUNDING_APPLICATION_MODERATED").exists()
    services.application_moderate(application=application, actor=officer, comments="Agreed")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.MODERATED


# --- Allocation and decision ---------------------------------------------------------------


def test_awards_above_the_cap_or_the_pot_are_refused_and_nothing_is_saved(
    camden, camden_admin, hackney, hackney_admin, officer, manager
):
    funding_round = FundingRoundFactory(pot_amount=D("60000.00"), cap_amount=D("50000.00"), floor_amount=None)
    from cpeg.funding.tests.factories import CriterionFactory

    CriterionFactory(funding_round=funding_round)
    a = _moderated(funding_round, camden, camden_admin, officer, manager)
    b = _moderated(funding_round, hackney, hackney_admin, officer, manager)
    with pytest.raises(ValidationError) as info:
        services.allocation_save(funding_round=funding_round, actor=manager, awards={a.pk: D("50000.01"), b.pk: D("1")})
    assert "more than the cap of £50,000" in info.value.message_dict[f"award_{a.pk}"][0]
    with pytest.raises(ValidationError, match="more than the pot of £60,000") as info:
        services.allocation_save(
            funding_round=funding_round, actor=manager, awards={a.pk: D("40000"), b.pk: D("30000")}
        )
    assert not FundingApplication.objects.filter(award_amount__isnull=False).exists()


def test_an_award_below_the_floor_is_refused(open_round, camden, camden_admin, officer, manager):
    application = _moderated(open_round, camden, camden_admin, officer, manager)
    with pytest.raises(ValidationError, match="less than the floor of £20,000"):
        services.allocation_save(funding_round=open_round, actor=manager, awards={application.pk: D("19999.99")})


def test_only_a_manager_sets_awards(open_round, officer):
    with pytest.raises(PermissionDenied):
        services.allocation_save(funding_round=open_round, actor=officer, awards={})


def test_deciding_needs_every_bid_moderated(open_round, camden, camden_admin, manager):
    application = _ready_application(open_round, camden, camden_admin)
    services.application_submit(application=application, actor=camden_admin)
    with pytest.raises(ValidationError, match="has not been moderated yet"):
        services.allocation_decide(funding_round=open_round, actor=manager, today=_after_deadline(open_round))
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN


def test_deciding_records_awards_with_four_quarterly_instalments(open_round, camden, camden_admin, officer, manager):
    application = _moderated(open_round, camden, camden_admin, officer, manager)
    services.allocation_save(funding_round=open_round, actor=manager, awards={application.pk: D("30000.03")})
    awards = services.allocation_decide(funding_round=open_round, actor=manager, today=_after_deadline(open_round))
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.DECIDED
    assert open_round.decided_by == manager
    award = awards[0]
    payments = list(award.payments.order_by("instalment"))
    assert [p.amount for p in payments] == [D("7500.03"), D("7500.00"), D("7500.00"), D("7500.00")]
    assert [p.due_on for p in payments] == [q.starts_on for q in open_round.year.quarters]
    assert _events("FUNDING_AWARD_DECIDED").get().target_id == award.pk
    assert _events("FUNDING_ROUND_DECIDED").count() == 1
    with pytest.raises(InvalidTransition, match="has been decided"):
        services.allocation_save(funding_round=open_round, actor=manager, awards={})


def test_an_award_keeps_the_groups_name_as_it_was_when_decided(open_round, camden, camden_admin, officer, manager):
    name = camden.name
    application = _moderated(open_round, camden, camden_admin, officer, manager)
    services.allocation_save(funding_round=open_round, actor=manager, awards={application.pk: D("30000.00")})
    award = services.allocation_decide(funding_round=open_round, actor=manager, today=_after_deadline(open_round))[0]
    camden.name = "Camden Safer Neighbourhoods Board"
    camden.save()
    award.refresh_from_db()
    assert award.recipient_name == name


# --- Payments, spend and reconciliation --------------------------------------------------------


def test_a_schedule_that_does_not_add_up_to_the_award_is_refused(officer):
    award = AwardFactory(amount=D("40000.00"))
    PaymentFactory(award=award, amount=D("40000.00"))
    today = _today()
    with pytest.raises(ValidationError, match="add up to £39,999.99 but the award is £40,000"):
        services.payment_schedule_set(
            award=award, actor=officer, instalments=[(today, D("20000.00")), (today, D("19999.99"))]
        )
    assert Payment.objects.get(award=award).amount == D("40000.00")
    payments = services.payment_schedule_set(
        award=award, actor=officer, instalments=[(today, D("25000.00")), (today, D("15000.00"))]
    )
    assert [p.amount for p in payments] == [D("25000.00"), D("15000.00")]
    assert _events("FUNDING_PAYMENT_SCHEDULE_SET").count() == 1


def test_marking_a_payment_paid_is_audited_and_happens_once(officer, camden_admin):
    payment = PaymentFactory()
    with pytest.raises(PermissionDenied):
        services.payment_mark_paid(payment=payment, actor=camden_admin, paid_on=_today())
    services.payment_mark_paid(payment=payment, actor=officer, paid_on=_today())
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert payment.paid_by == officer
    assert _events("FUNDING_PAYMENT_PAID").count() == 1
    with pytest.raises(InvalidTransition, match="already marked paid"):
        services.payment_mark_paid(payment=payment, actor=officer, paid_on=_today())


def test_group_reports_spend_by_category_and_bad_amounts_are_refused(camden, camden_admin, officer):
    award = AwardFactory(
        group=camden,
        funding_round=FundingRoundFactory(
            decided=True,
            financial_year=2020,
            opens_on=dt.date(2020, 1, 1),
            closes_on=dt.date(2020, 1, 2),
            assessment_ends_on=dt.date(2020, 1, 3),
            decisions_on=dt.date(2020, 1, 4),
        ),
    )
    with pytest.raises(ValidationError, match="must be 0 or more") as info:
        services.spend_report_save(award=award, quarter=1, actor=camden_admin, amounts={"venue": "-1", "training": "5"})
    assert "spend_venue" in info.value.message_dict
    assert not award.spend_reports.exists()
    with pytest.raises(PermissionDenied):
        services.spend_report_save(award=award, quarter=1, actor=officer, amounts={})
    report = services.spend_report_save(
        award=award, quarter=1, actor=camden_admin, amounts={"venue": D("600.00")}, submit=True
    )
    assert report.status == "submitted"
    assert report.lines.get(category="venue").amount == D("600.00")
    assert report.lines.count() == len(BudgetCategory.values)
