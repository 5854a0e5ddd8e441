"""Demo funding data, built through the services (runs last).

- Last financial year: a round decided and fully paid, every award
  reconciled. Its budgets reproduce the 2009 annual review's analysis to
  the whole per cent: 61% of the total on staffing (83% with staff office
  costs), group shares from 24% to 96%, eight groups over 75%, shares
  varying by staffing model (directly employed administrators highest).
- This financial year: a round decided before the year began, instalments
  due so far paid, and spend reported for each ended quarter (two groups
  drift from their budget, so the monitoring dashboard has flags).
- Next financial year: the current round, open, with applications in
  every state: draft, submitted, assessed, moderated, and one reopened by
  a manager after the deadline (the decided state is this year's round).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from cpeg.core.demo import DemoContext
from cpeg.core.fiscal import FinancialYear
from cpeg.funding import services
from cpeg.funding.choices import BudgetCategory, PaymentStatus
from cpeg.funding.models import FundingApplication
from cpeg.funding.money import ZERO, round_money
from cpeg.funding.tasks import open_data_refresh_task
from cpeg.groups.choices import GroupStatus, StaffingModel

# Staffing shares (%) handed out in this order to groups ordered by
# staffing model (directly employed first) then borough: eight over 75%,
# 24% to 96%, and with BUDGETS 61.0% of the total on staffing (83.2% with
# staff office costs), the review's 61% and 83% to the whole per cent.
STAFFING_SHARES = [
    96,
    91,
    87,
    84,
    81,
    79,
    78,
    76,
    74,
    72,
    70,
    68,
    65,
    63,
    61,
    59,
    57,
    56,
    55,
    52,
    51,
    49,
    47,
    45,
    43,
    41,
    39,
    37,
    34,
    31,
    28,
    24,
]
# Budgets (= awards) in the same order: £24,000 to £50,000.
BUDGETS = [
    50000,
    50000,
    49000,
    50000,
    48500,
    47000,
    50000,
    46000,
    50000,
    49500,
    48000,
    50000,
    47500,
    46000,
    49000,
    45000,
    50000,
    44000,
    48500,
    47000,
    46500,
    45000,
    50000,
    43000,
    47000,
    42000,
    45500,
    41000,
    38000,
    36000,
    30000,
    24000,
]
MODEL_ORDER = [StaffingModel.DIRECT, StaffingModel.VOLUNTARY, StaffingModel.OTHER, StaffingModel.COUNCIL]
# What is left after staffing and staff office costs, shared between these.
OTHER_SPLIT = [
    (BudgetCategory.ADMINISTRATION, "Stationery, postage and telephone", Decimal("0.20")),
    (BudgetCategory.VENUE, "Hire of meeting rooms", Decimal("0.25")),
    (BudgetCategory.MEETINGS, "Public meetings and events", Decimal("0.20")),
    (BudgetCategory.PUBLICITY, "Four newsletters and the annual report", Decimal("0.20")),
    (BudgetCategory.TRAINING, "Training for the executive", Decimal("0.05")),
    (BudgetCategory.PROJECTS, "Youth engagement project", Decimal("0.10")),
]
CRITERIA = [
    ("Delivery of last year's SLA outputs and objectives", 40),
    ("The work programme and its targets for the year", 25),
    ("Local consultation and partnership support", 20),
    ("Value for money of the budget", 15),
]
CONSULTED = {
    "borough_commander": "Supports the programme, in particular the stop and search monitoring work.",
    "community_safety_manager": "Welcomes the plan to host the CDRP's Face the People event.",
    "link_member": "Content with the bid.",
}
# Spend drift this year: slug -> multiplier on one category's pro-rata spend.
DRIFT = {"camden": (BudgetCategory.PUBLICITY, Decimal("1.8")), "lewisham": (BudgetCategory.MEETINGS, Decimal("0.2"))}


def _office_share(staffing: int) -> int:
    """Staff office costs share: larger where staffing is smaller, so the
    total on staff comes to about 83%."""
    return max(2, min(40, round(0.5 * (100 - staffing)) + 3)) if staffing < 90 else 2


def _budget(total: Decimal, staffing_pct: int, hours) -> list[dict]:
    staffing = round_money(total * staffing_pct / 100)
    office = round_money(total * _office_share(staffing_pct) / 100)
    rest = total - staffing - office
    salary = round_money(staffing / Decimal("1.22"))
    lines = [
        {
            "category": BudgetCategory.STAFFING,
            "description": "Administrator",
            "post_title": "Administrator" if staffing_pct >= 50 else "Part-time administrator",
            "hours_per_week": hours,
            "salary_amount": salary,
            "on_costs_amount": staffing - salary,
            "note": "Salary with employer's National Insurance and pension",
        },
        {
            "category": BudgetCategory.STAFF_OFFICE,
            "description": "Office rent, IT and telephone for the administrator",
            "amount": office,
            "note": "",
        },
    ]
    given = ZERO
    for index, (category, description, part) in enumerate(OTHER_SPLIT):
        amount = rest - given if index == len(OTHER_SPLIT) - 1 else round_money(rest * part)
        given += amount
        if amount > 0:
            lines.append({"category": category, "description": description, "amount": amount, "note": ""})
    return lines


def _fill(application, group, actor, today, budget_lines, *, consulted=True):
    for line in budget_lines:
        services.budget_line_add(application=application, actor=actor, data=line)
    application.refresh_from_db()
    items = {
        item.pk: (f"Deliver {item.output_title[:1].lower()}{item.output_title[1:]}", None)
        for item in application.work_programme.all()
    }
    services.application_update(
        application=application,
        actor=actor,
        loaded_version=application.version,
        data={
            "work_programme_summary": (
                f"Quarterly public meetings across {group.borough.name}, four newsletters, the annual report, "
                "a stop and search monitoring group and work with young people."
            ),
            "priorities": "Confidence in local policing; youth engagement; stop and search.",
            "targets": "Four public meetings, four newsletters, two targeted events, one local survey.",
            "outcomes": "A wider membership, better attended meetings and community views fed into local plans.",
            "work_programme": items,
            "consultations": {
                role: (True, today - dt.timedelta(days=10), comment) if consulted else (None, None, "")
                for role, comment in CONSULTED.items()
            },
        },
    )


def _round(ctx, year: FinancialYear, opens_on: dt.date) -> object:
    funding_round = services.round_create(
        actor=ctx.manager,
        data={
            "financial_year": year.start_year,
            "title": f"CPEG funding {year.label}",
            "pot_amount": Decimal("1600000.00"),
            "cap_amount": Decimal("50000.00"),
            "floor_amount": Decimal("20000.00"),
            "opens_on": opens_on,
            "closes_on": opens_on + dt.timedelta(days=42),
            "assessment_ends_on": opens_on + dt.timedelta(days=70),
            "decisions_on": opens_on + dt.timedelta(days=90),
            "show_scores_to_groups": True,
        },
    )
    # A round copies the latest earlier round's criteria; the first gets the demo's.
    for title, weight in CRITERIA if not funding_round.criteria.exists() else ():
        services.criterion_add(funding_round=funding_round, actor=ctx.manager, data={"title": title, "weight": weight})
    return funding_round


def _ordered_groups(ctx, *, include_suspended: bool):
    groups = [g for g in ctx.groups.values() if include_suspended or g.status == GroupStatus.ACTIVE]
    return sorted(groups, key=lambda g: (MODEL_ORDER.index(g.staffing_model), g.borough.name))


def _apply(ctx, funding_round, group, today, lines, *, stage: str, score_shift: int = 0):
    """Take one application as far as ``stage``: draft, submitted, assessed, moderated."""
    admin = ctx.admins.get(group.borough.slug)
    actor = admin if admin is not None else ctx.manager
    application = services.application_start(funding_round=funding_round, group=group, actor=actor, today=today)
    _fill(application, group, actor, today, lines)
    if stage == "draft":
        return application
    application.refresh_from_db()
    services.application_submit(application=application, actor=actor, today=today)
    if stage == "submitted":
        return application
    total = sum((line.get("amount") or line["salary_amount"] + line["on_costs_amount"] for line in lines), ZERO)
    criteria = list(funding_round.criteria.all())
    scores = {c.pk: max(0, min(5, 4 - (i + score_shift) % 3 + 1)) for i, c in enumerate(criteria)}
    services.application_assess(
        application=application,
        actor=ctx.officer,
        scores=scores,
        comments="Delivered its SLA outputs; a realistic work programme and budget.",
        recommended_amount=min(total, funding_round.cap_amount),
    )
    if stage == "assessed":
        return application
    services.application_moderate(application=application, actor=ctx.manager, comments="Agreed.")
    return application


def _decided_round(ctx, year: FinancialYear, *, with_shape: bool):
    """A round for ``year``, decided the February before it began."""
    opens_on = dt.date(year.start_year - 1, 11, 1)
    funding_round = _round(ctx, year, opens_on)
    applied_on = opens_on + dt.timedelta(days=14)
    groups = _ordered_groups(ctx, include_suspended=with_shape)
    for index, group in enumerate(groups):
        share = STAFFING_SHARES[index % len(STAFFING_SHARES)]
        total = Decimal(BUDGETS[index % len(BUDGETS)])
        if not with_shape:
            total = min(Decimal("50000"), total + 1000)
        lines = _budget(total, share, group.administrator_hours_per_week or Decimal("18.5"))
        _apply(ctx, funding_round, group, applied_on, lines, stage="moderated", score_shift=index)
    funding_round.refresh_from_db()
    awards = {
        a.pk: a.assessment.final_recommendation
        for a in FundingApplication.objects.filter(funding_round=funding_round).select_related("assessment")
    }
    funding_round = services.allocation_save(funding_round=funding_round, actor=ctx.manager, awards=awards)
    return services.allocation_decide(
        funding_round=funding_round, actor=ctx.manager, today=opens_on + dt.timedelta(days=100)
    ), funding_round


def _pay_due(ctx, awards, today):
    for award in awards:
        for payment in award.payments.filter(status=PaymentStatus.SCHEDULED, due_on__lte=today):
            services.payment_mark_paid(payment=payment, actor=ctx.officer, paid_on=payment.due_on)


def _report_spend(ctx, awards, year: FinancialYear, today, *, with_drift: bool = True):
    """Spend for every quarter of ``year`` that has ended by ``today``.

    The monitoring demo (which runs first) has already submitted most of
    these quarters' returns, which freezes their spend; those quarters are
    recorded from the authority's records by the manager
    (``spend_report_import``), the rest by the group itself. A year reported
    in full spends exactly its awarded budget, drift apart.
    """
    from cpeg.funding.selectors import award_budget_by_category

    for award in awards:
        admin = ctx.admins.get(award.group.borough.slug)
        budget = award_budget_by_category(award)
        drift = DRIFT.get(award.group.borough.slug) if with_drift else None
        for quarter in year.quarters:
            if quarter.ends_on >= today:
                break
            amounts = {}
            for category, amount in budget.items():
                spent = round_money(amount / 4)
                if quarter.number == 4:
                    spent = amount - 3 * spent
                if drift and drift[0] == category:
                    spent = round_money(spent * drift[1])
                amounts[category] = spent
            notes = "Spending as planned." if not drift else "Spending differs from the budget this year."
            locked = services.spend_lock_reason(award=award, quarter=quarter.number, report=None)
            if admin is not None and locked is None:
                services.spend_report_save(
                    award=award,
                    quarter=quarter.number,
                    actor=admin,
                    amounts=amounts,
                    submit=True,
                    notes=notes,
                    loaded_version=0,
                    today=today,
                )
            else:
                services.spend_report_import(
                    award=award, quarter=quarter.number, actor=ctx.manager, amounts=amounts, notes=notes
                )


def load(ctx: DemoContext) -> None:
    current = FinancialYear.current(ctx.today)
    past = current.previous()

    past_awards, past_round = _decided_round(ctx, past, with_shape=True)
    _pay_due(ctx, past_awards, past.ends_on)
    _report_spend(ctx, past_awards, past, past.ends_on + dt.timedelta(days=1), with_drift=False)
    for award in past_awards:
        # Worked out from the payments and the spend: spent in full.
        services.award_reconcile(award=award, actor=ctx.officer, notes="Spent in full, as budgeted.")

    this_awards, _ = _decided_round(ctx, current, with_shape=False)
    _pay_due(ctx, this_awards, ctx.today)
    _report_spend(ctx, this_awards, current, ctx.today)

    # The current round: next year's applications, open now.
    next_year = current.next()
    funding_round = _round(ctx, next_year, ctx.today - dt.timedelta(days=21))
    groups = _ordered_groups(ctx, include_suspended=False)
    stages = ["draft", "submitted", "assessed", "moderated"]
    for index, group in enumerate(groups):
        stage = "draft" if group.borough.slug == "camden" else stages[index % len(stages)]
        total = Decimal(BUDGETS[index % len(BUDGETS)])
        lines = _budget(total, STAFFING_SHARES[index % len(STAFFING_SHARES)], group.administrator_hours_per_week)
        application = _apply(
            ctx, funding_round, group, ctx.today - dt.timedelta(days=7), lines, stage=stage, score_shift=index
        )
        if group.borough.slug == "hackney":
            services.application_reopen(
                application=application,
                actor=ctx.manager,
                reason="Its treasurer was ill before the deadline",
                today=ctx.today,
            )
    # The decided rounds' 360Giving files: notifications and receivers stay
    # quiet while the demo loads, so one build is queued for when it commits.
    transaction.on_commit(open_data_refresh_task.enqueue)
    ctx.log.append(
        f"Funding: {past.label} decided and paid ({len(past_awards)} awards), {current.label} decided "
        f"({len(this_awards)} awards, spend reported), {next_year.label} open with applications in every state"
    )
