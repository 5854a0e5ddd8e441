"""The scale data set: N groups x Y financial years, bulk-created.

One builder for the benchmarks (``bench/*_bench.py``), the load test
(``bench/loadtest.py``) and the ``make_scale_data`` management command
(``cpeg/core/management/commands/make_scale_data.py``), so every figure in
``bench/README.md`` is measured on the same shape of data.

Each group lives in its own synthetic borough ("Scale borough 00042"), has a
chair and a secretary, and, for every year: its SLA on the standard template
(one group in ten with a varied target), about 12 activities with their
evidence, a quarterly return with a line per output for every ended quarter
(past years accepted; the latest quarter in every state, with barriers and
support requests in recent quarters); a decided funding round for every past
year (an award per group with six budget lines and four paid instalments) and
an open round this year (a moderated bid per group with an assessment scored
on four criteria, half the awards entered). Accounts: ``scale-officer``,
``scale-manager``, ``scale-link`` (link member for two boroughs) and
``scale-admin-NNNNN`` (group administrator of the first groups), all with the
password given.

Everything goes in through ``bulk_create`` (no services, no audit, no
history): this is load, not a demonstration. 2,000 groups x 5 years takes a
few minutes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

BATCH = 2000
STAFFING_MODELS = ["direct", "council", "voluntary", "other"]
# Activities per group and year: (output code, activity type, how many).
ACTIVITY_PLAN = [
    ("public-meetings", "public_meeting", 4),
    ("newsletters", "newsletter", 4),
    ("annual-report", "annual_report", 1),
    ("two-way-engagement", "face_the_people", 1),
    ("executive-training", "training", 2),
]
# Budget per bid: (category, share of the request). Staffing shares vary per group.
OTHER_LINES = [("administration", 20), ("venue", 25), ("meetings", 25), ("publicity", 20), ("training", 10)]
CRITERIA = [("Last year's delivery", 40), ("Work programme", 30), ("Value for money", 20), ("Local support", 10)]
SCALE_PREFIX = "scale-"
GROUP_ADMINS = 20


@dataclass
class Built:
    """What the builder made (the load test and the benchmarks pick from it)."""

    groups: list = field(default_factory=list)
    boroughs: list = field(default_factory=list)
    years: list = field(default_factory=list)
    users: dict = field(default_factory=dict)  # "officer", "manager", "link", "admins": [..]
    rounds: dict = field(default_factory=dict)  # start year -> FundingRound
    counts: dict = field(default_factory=dict)


def holds_data() -> bool:
    """Whether the database already holds groups or accounts (real data, or the demo)."""
    from django.contrib.auth import get_user_model

    from cpeg.groups.models import EngagementGroup

    return EngagementGroup.objects.exists() or get_user_model().objects.exists()


def _logger(log: Callable[[str], None] | None):
    started = time.perf_counter()

    def say(message: str) -> None:
        if log:
            log(f"  {message} ({time.perf_counter() - started:.1f} s)")

    return say


def build_groups(count: int, *, password: str = "scale", log=None, group_admins: int = GROUP_ADMINS) -> Built:
    """``count`` boroughs and active groups (staffing models in turn), each
    with a chair and a secretary, and the scale accounts."""
    from django.contrib.auth.hashers import make_password

    from cpeg.accounts.models import RoleAssignment, User
    from cpeg.groups.choices import ExecutiveRole
    from cpeg.groups.models import Borough, EngagementGroup, ExecutiveMembership, Person

    say = _logger(log)
    built = Built()
    start = Borough.objects.filter(name__startswith="Scale borough").count()
    numbers = range(start, start + count)
    built.boroughs = Borough.objects.bulk_create(
        [Borough(ons_code=f"E9{i:07d}", name=f"Scale borough {i:05d}", slug=f"scale-{i:05d}") for i in numbers],
        batch_size=BATCH,
    )
    built.groups = EngagementGroup.objects.bulk_create(
        [
            EngagementGroup(
                name=f"Scale group {i:05d}",
                slug=f"scale-group-{i:05d}",
                borough=b,
                staffing_model=STAFFING_MODELS[i % len(STAFFING_MODELS)],
                email=f"group{i}@example.org",
            )
            for i, b in zip(numbers, built.boroughs, strict=True)
        ],
        batch_size=BATCH,
    )
    people = Person.objects.bulk_create(
        [
            Person(full_name=f"{role.title()} {i:05d}", email=f"{role}{i}@example.org")
            for i in numbers
            for role in ("chair", "secretary")
        ],
        batch_size=BATCH,
    )
    ExecutiveMembership.objects.bulk_create(
        [
            ExecutiveMembership(group=g, person=people[2 * n + k], role=role, starts_on=dt.date(2020, 4, 1))
            for n, g in enumerate(built.groups)
            for k, role in enumerate((ExecutiveRole.CHAIR, ExecutiveRole.SECRETARY))
        ],
        batch_size=BATCH,
    )
    hashed = make_password(password)

    def account(name: str) -> User:
        username = f"{SCALE_PREFIX}{name}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, password=hashed, email=f"{username}@example.org")
            user.save()
        return user

    built.users["officer"] = officer = account("officer")
    built.users["manager"] = manager = account("manager")
    built.users["link"] = link = account("link")
    roles = [RoleAssignment(user=officer, role="officer"), RoleAssignment(user=manager, role="manager")]
    roles += [RoleAssignment(user=link, role="link_member", borough=b) for b in built.boroughs[:2]]
    admins = []
    for n, g in enumerate(built.groups[:group_admins]):
        admin = account(f"admin-{start + n:05d}")
        admins.append(admin)
        roles.append(RoleAssignment(user=admin, role="group_admin", group=g))
    built.users["admins"] = admins
    RoleAssignment.objects.bulk_create(roles, ignore_conflicts=True)
    built.counts.update(groups=len(built.groups), people=len(people))
    say(f"{count} boroughs and groups, {len(people)} people, {3 + len(admins)} accounts")
    return built


def build_monitoring(built: Built, years, today: dt.date, *, log=None) -> None:
    """SLAs, activities with evidence, returns and return lines for ``years``."""
    from django.utils import timezone

    from cpeg.activities.models import Activity, ActivityEvidence
    from cpeg.agreements.choices import SlaStatus
    from cpeg.agreements.models import GroupSla, GroupSlaOutput, SlaHeading, SlaTemplate, SlaTemplateOutput
    from cpeg.agreements.seed import seed_standard_template
    from cpeg.core.fiscal import Quarter
    from cpeg.monitoring.choices import ReturnStatus
    from cpeg.monitoring.figures import pro_rata_target, return_due_on, suggest_rag
    from cpeg.monitoring.models import QuarterlyReturn, ReturnLine

    say = _logger(log)
    groups = built.groups
    outputs_by_year = {}
    for year in years:
        template = seed_standard_template(SlaTemplate, SlaHeading, SlaTemplateOutput, financial_year=year.start_year)
        outputs_by_year[year.start_year] = list(template.outputs.select_related("heading").order_by("position"))
    slas = GroupSla.objects.bulk_create(
        [
            GroupSla(
                group=g,
                financial_year=year.start_year,
                template_id=outputs_by_year[year.start_year][0].template_id,
                status=SlaStatus.SIGNED,
            )
            for year in years
            for g in groups
        ],
        batch_size=BATCH,
    )
    targets = {}  # (group id, year) -> {code: (template output, target)}
    sla_outputs = []
    for sla in slas:
        varied = sla.group_id % 10 == 0
        entry = {}
        for t in outputs_by_year[sla.financial_year]:
            target = 6 if varied and t.code == "public-meetings" else t.annual_target
            entry[t.code] = (t, target)
            sla_outputs.append(
                GroupSlaOutput(
                    sla=sla,
                    template_output=t,
                    code=t.code,
                    heading_title=t.heading.title if t.heading else "",
                    position=t.position,
                    output=t.output,
                    measure=t.measure,
                    annual_target=target,
                    variation="changed" if target != t.annual_target else "",
                    variation_reason="Extra ward meetings" if target != t.annual_target else "",
                )
            )
        targets[(sla.group_id, sla.financial_year)] = entry
    GroupSlaOutput.objects.bulk_create(sla_outputs, batch_size=BATCH)
    say(f"{len(slas)} SLAs with {len(sla_outputs)} outputs")

    activities, codes, held = [], [], {}
    for g in groups:
        for year in years:
            for code, kind, n in ACTIVITY_PLAN:
                # Some groups fall behind: they hold fewer than planned.
                n = n - (1 if (g.pk + year.start_year) % 4 == 0 else 0)
                for k in range(max(n, 0)):
                    day = year.starts_on + dt.timedelta(days=(k * 365) // max(n, 1) + (g.pk % 20))
                    if day > today:
                        continue
                    attendance = 20 + (g.pk + k) % 40 if kind == "public_meeting" else None
                    activities.append(
                        Activity(
                            group=g, activity_type=kind, title=f"{kind} {k}", held_on=day, public_attendance=attendance
                        )
                    )
                    codes.append(code)
                    held.setdefault((g.pk, code), []).append(day)
    Activity.objects.bulk_create(activities, batch_size=BATCH)
    ActivityEvidence.objects.bulk_create(
        [ActivityEvidence(activity=a, output_code=c) for a, c in zip(activities, codes, strict=True)],
        batch_size=BATCH,
    )
    say(f"{len(activities)} activities")

    ended = [q for year in years for q in year.quarters if q.ends_on < today]
    returns = []
    for g in groups:
        for q in ended:
            due = return_due_on(q, 15)
            status = ReturnStatus.ACCEPTED
            if q == ended[-1]:
                states = [ReturnStatus.DRAFT, ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED, ReturnStatus.RETURNED]
                status = states[g.pk % 4]
            submitted = (
                None if status == ReturnStatus.DRAFT else timezone.make_aware(dt.datetime.combine(due, dt.time(9)))
            )
            returns.append(
                QuarterlyReturn(
                    group=g,
                    financial_year=q.start_year,
                    quarter=q.number,
                    status=status,
                    due_on=due,
                    first_submitted_at=submitted,
                    submitted_at=submitted,
                    reviewed_at=submitted if status in (ReturnStatus.ACCEPTED, ReturnStatus.RETURNED) else None,
                    officer_comments="Please add dates." if status == ReturnStatus.RETURNED else "",
                )
            )
    QuarterlyReturn.objects.bulk_create(returns, batch_size=BATCH)
    say(f"{len(returns)} returns")

    lines = []
    for r in returns:
        q = Quarter(r.financial_year, r.quarter)
        recent = len(ended) >= 3 and q >= ended[-3] and r.group_id % 7 == 0
        for code, (t, target) in targets[(r.group_id, r.financial_year)].items():
            counted = t.measure == "count"
            pro = pro_rata_target(target, r.quarter) if counted else None
            count = (
                sum(1 for d in held.get((r.group_id, code), []) if q.financial_year.starts_on <= d <= q.ends_on)
                if counted
                else None
            )
            suggested = suggest_rag(count, pro)
            lines.append(
                ReturnLine(
                    quarterly_return=r,
                    output_code=code,
                    output=t.output,
                    position=t.position,
                    measure=t.measure,
                    annual_target=target,
                    pro_rata_target=pro,
                    count_to_date=count,
                    is_variation=target != t.annual_target,
                    suggested_rag=suggested,
                    rag=suggested or "green",
                    progress="On plan",
                    barriers="No venue this quarter" if recent and code == "public-meetings" else "",
                    support_requested="Help finding a venue" if recent and code == "public-meetings" else "",
                )
            )
    ReturnLine.objects.bulk_create(lines, batch_size=BATCH)
    say(f"{len(lines)} return lines")
    built.counts.update(
        slas=len(slas),
        sla_outputs=len(sla_outputs),
        activities=len(activities),
        returns=len(returns),
        return_lines=len(lines),
    )


def _request_for(i: int) -> Decimal:
    return Decimal(20000 + (i * 137) % 32000)


def _budget(application, request: Decimal, staffing_share: int):
    """Six lines adding up to ``request`` exactly: staffing, staff office and the rest."""
    from cpeg.funding.models import BudgetLine

    staffing = (request * staffing_share / 100).quantize(Decimal("0.01"))
    office = (request * 10 / 100).quantize(Decimal("0.01"))
    rest = request - staffing - office
    lines = [
        BudgetLine(application=application, category="staffing", description="Administrator", amount=staffing),
        BudgetLine(application=application, category="staff_office", description="Office rent", amount=office),
    ]
    shared = Decimal("0")
    for i, (category, share) in enumerate(OTHER_LINES):
        amount = rest - shared if i == len(OTHER_LINES) - 1 else (rest * share / 100).quantize(Decimal("0.01"))
        shared += amount
        lines.append(BudgetLine(application=application, category=category, description=category, amount=amount))
    return lines


def _round(year, *, decided: bool, today: dt.date, pot: Decimal, manager):
    from django.utils import timezone

    from cpeg.funding.models import FundingRound

    existing = FundingRound.objects.filter(financial_year=year.start_year).first()
    if existing is not None:
        return existing
    if decided:
        return FundingRound.objects.create(
            financial_year=year.start_year,
            title=f"CPEG funding {year.label}",
            pot_amount=pot,
            cap_amount=Decimal("50000"),
            floor_amount=Decimal("20000"),
            opens_on=year.starts_on - dt.timedelta(days=150),
            closes_on=year.starts_on - dt.timedelta(days=100),
            assessment_ends_on=year.starts_on - dt.timedelta(days=60),
            decisions_on=year.starts_on - dt.timedelta(days=30),
            status="decided",
            decided_at=timezone.make_aware(dt.datetime.combine(year.starts_on - dt.timedelta(days=30), dt.time(12))),
            decided_by=manager,
        )
    return FundingRound.objects.create(
        financial_year=year.start_year,
        title=f"CPEG funding {year.label}",
        pot_amount=pot,
        cap_amount=Decimal("50000"),
        floor_amount=Decimal("20000"),
        opens_on=today - dt.timedelta(days=60),
        closes_on=today - dt.timedelta(days=30),
        assessment_ends_on=today + dt.timedelta(days=30),
        decisions_on=today + dt.timedelta(days=60),
    )


def build_funding(built: Built, years, today: dt.date, *, log=None, activities: bool = False) -> None:
    """A decided round for each past year in ``years`` (awards, budgets, paid
    instalments) and an open round for the last (moderated bids with scored
    assessments). ``activities`` adds the decided years' public meetings and
    targeted events (for a run without ``build_monitoring``)."""
    from django.utils import timezone

    from cpeg.activities.models import Activity
    from cpeg.funding.models import (
        Assessment,
        AssessmentCriterion,
        Award,
        BudgetLine,
        CriterionScore,
        FundingApplication,
        Payment,
    )

    say = _logger(log)
    groups = built.groups
    manager, officer = built.users["manager"], built.users["officer"]
    pot = Decimal(40000) * len(groups)
    *past_years, current = years
    lines, payments, awards_made, made = [], [], 0, []
    for year in past_years:
        decided = _round(year, decided=True, today=today, pot=pot, manager=manager)
        built.rounds[year.start_year] = decided
        apps = FundingApplication.objects.bulk_create(
            [
                FundingApplication(
                    funding_round=decided,
                    group=g,
                    status="decided",
                    award_amount=min(_request_for(i + year.start_year), Decimal(50000)),
                )
                for i, g in enumerate(groups)
            ],
            batch_size=BATCH,
        )
        for i, a in enumerate(apps):
            lines += _budget(a, _request_for(i + year.start_year), 24 + (i * 7) % 63)
        names = {g.pk: g.name for g in groups}
        awards = Award.objects.bulk_create(
            [
                Award(
                    application=a,
                    funding_round=decided,
                    group_id=a.group_id,
                    recipient_name=names[a.group_id],
                    amount=a.award_amount,
                    awarded_on=decided.decisions_on,
                )
                for a in apps
            ],
            batch_size=BATCH,
        )
        awards_made += len(awards)
        for award in awards:
            quarter = (award.amount / 4).quantize(Decimal("0.01"))
            for n, q in enumerate(year.quarters, start=1):
                amount = award.amount - quarter * 3 if n == 4 else quarter
                paid = q.starts_on <= today
                payments.append(
                    Payment(
                        award=award,
                        instalment=n,
                        due_on=q.starts_on,
                        amount=amount,
                        status="paid" if paid else "scheduled",
                        paid_on=q.starts_on if paid else None,
                    )
                )
        if activities:
            for i, g in enumerate(groups):
                for k in range(4 + i % 3):
                    made.append(
                        Activity(
                            group=g,
                            activity_type="public_meeting",
                            title=f"Public meeting {k}",
                            held_on=year.starts_on + dt.timedelta(days=80 * k + i % 30),
                            public_attendance=20 + (i + k) % 40,
                        )
                    )
                for k in range(i % 5):
                    made.append(
                        Activity(
                            group=g,
                            activity_type="targeted_event",
                            title=f"Targeted event {k}",
                            held_on=year.starts_on + dt.timedelta(days=60 * k + 15),
                            public_attendance=10 + k,
                        )
                    )
    Payment.objects.bulk_create(payments, batch_size=BATCH)
    Activity.objects.bulk_create(made, batch_size=BATCH)
    say(f"{len(past_years)} decided rounds: {awards_made} awards, {len(payments)} payments")

    open_round = _round(current, decided=False, today=today, pot=pot, manager=manager)
    built.rounds[current.start_year] = open_round
    criteria = list(open_round.criteria.all())
    if not criteria:
        criteria = AssessmentCriterion.objects.bulk_create(
            [
                AssessmentCriterion(funding_round=open_round, title=title, weight=weight, position=i)
                for i, (title, weight) in enumerate(CRITERIA)
            ]
        )
    submitted_at = timezone.make_aware(dt.datetime.combine(open_round.closes_on - dt.timedelta(days=2), dt.time(10)))
    bids = FundingApplication.objects.bulk_create(
        [
            FundingApplication(
                funding_round=open_round,
                group=g,
                status="moderated",
                submitted_at=submitted_at,
                award_amount=min(_request_for(i + 1), Decimal(50000)) if i % 2 else None,
            )
            for i, g in enumerate(groups)
        ],
        batch_size=BATCH,
    )
    for i, a in enumerate(bids):
        lines += _budget(a, _request_for(i + 1), 30 + (i * 11) % 60)
    BudgetLine.objects.bulk_create(lines, batch_size=BATCH)
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                application=a,
                assessor=officer,
                assessed_at=submitted_at,
                comments="Delivered most outputs last year.",
                recommended_amount=min(_request_for(i + 1), Decimal(50000)),
                moderator=manager,
                moderated_at=submitted_at,
                moderated_amount=(_request_for(i + 1) * Decimal("0.9")).quantize(Decimal("1")) if i % 3 == 0 else None,
            )
            for i, a in enumerate(bids)
        ],
        batch_size=BATCH,
    )
    CriterionScore.objects.bulk_create(
        [CriterionScore(assessment=s, criterion=c, score=(s.pk + c.pk) % 6) for s in assessments for c in criteria],
        batch_size=BATCH,
    )
    say(f"open round: {len(bids)} moderated bids; {len(lines)} budget lines in all")
    built.counts.update(
        rounds=len(years),
        applications=len(groups) * len(years),
        awards=awards_made,
        payments=len(payments),
        budget_lines=len(lines),
    )
    if activities:
        built.counts["activities"] = built.counts.get("activities", 0) + len(made)


def build(groups: int, years: int, *, today: dt.date | None = None, password: str = "scale", log=None) -> Built:
    """The whole scale data set: ``groups`` groups x ``years`` financial years
    ending with this one. Call it inside a transaction."""
    from django.utils import timezone

    from cpeg.core.fiscal import FinancialYear

    today = today or timezone.localdate()
    current = FinancialYear.containing(today)
    fin_years = [FinancialYear(current.start_year - n) for n in range(years - 1, -1, -1)]
    built = build_groups(groups, password=password, log=log)
    built.years = fin_years
    build_monitoring(built, fin_years, today, log=log)
    build_funding(built, fin_years, today, log=log)
    # The decided rounds' 360Giving files, as the task worker builds them
    # after a decision (bulk_create above runs no service to queue it).
    from cpeg.funding.services import open_data_refresh

    rounds = open_data_refresh()
    _logger(log)(f"360Giving files of {len(rounds)} decided rounds")
    return built
