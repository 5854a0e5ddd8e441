"""Benchmark: allocation, cost analysis, payments and 360Giving export with 2,000 groups.

Run: .venv/bin/python bench/funding_bench.py   (or `make bench` for every benchmark)

Builds a throwaway SQLite database under /tmp (or uses DATABASE_URL if set)
with settings config.settings.test, and bulk-creates 2,000 active groups (each
in its own synthetic borough, staffing models mixed), a past funding round
fully decided (an award per group with six budget lines, four paid instalments,
and the year's public meetings and targeted events with attendance), and a
current round with a moderated bid per group (budget lines, an assessment
scored on four criteria). Then times the selectors directly and the pages
through Django's test client, and prints median and 95th-percentile wall time
and the SQL queries per call. `BENCH_GROUPS=100` makes a smaller run.
"""

import datetime as dt
import os
import time
from decimal import Decimal

from common import page, print_table, setup

setup("funding")

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

GROUPS = int(os.environ.get("BENCH_GROUPS", "2000"))
BATCH = 2000
MODELS = ["direct", "council", "voluntary", "other"]
# Budget per bid: (category, share of the request). Staffing shares vary per group.
OTHER_LINES = [("administration", 20), ("venue", 25), ("meetings", 25), ("publicity", 20), ("training", 10)]


def _log(message: str, started: float) -> None:
    print(f"  {message} ({time.perf_counter() - started:.1f} s)", flush=True)


def _budget(application, request: Decimal, staffing_share: int):
    """Six lines adding up to `request` exactly: staffing, staff office and the rest."""
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


def build(today: dt.date) -> dict:
    from cpeg.accounts.models import RoleAssignment, User
    from cpeg.activities.models import Activity
    from cpeg.core.fiscal import FinancialYear
    from cpeg.funding.models import (
        Assessment,
        AssessmentCriterion,
        Award,
        CriterionScore,
        FundingApplication,
        FundingRound,
        Payment,
    )
    from cpeg.groups.models import Borough, EngagementGroup

    started = time.perf_counter()
    current = FinancialYear.containing(today)
    past = current.previous()

    boroughs = Borough.objects.bulk_create(
        [Borough(ons_code=f"E9{i:07d}", name=f"Bench borough {i:05d}", slug=f"bench-{i:05d}") for i in range(GROUPS)],
        batch_size=BATCH,
    )
    groups = EngagementGroup.objects.bulk_create(
        [
            EngagementGroup(
                name=f"Bench group {i:05d}",
                slug=f"bench-group-{i:05d}",
                borough=b,
                staffing_model=MODELS[i % len(MODELS)],
                email=f"group{i}@example.org",
            )
            for i, b in enumerate(boroughs)
        ],
        batch_size=BATCH,
    )
    officer = User.objects.create_user("bench-officer", password="x")
    RoleAssignment.objects.create(user=officer, role="officer")
    manager = User.objects.create_user("bench-manager", password="x")
    RoleAssignment.objects.create(user=manager, role="manager")
    link = User.objects.create_user("bench-link", password="x")
    RoleAssignment.objects.bulk_create([RoleAssignment(user=link, role="link_member", borough=b) for b in boroughs[:2]])
    _log(f"{GROUPS} boroughs and groups", started)

    pot = Decimal(40000) * GROUPS
    decided_round = FundingRound.objects.create(
        financial_year=past.start_year,
        title=f"CPEG funding {past.label}",
        pot_amount=pot,
        cap_amount=Decimal("50000"),
        floor_amount=Decimal("20000"),
        opens_on=past.starts_on - dt.timedelta(days=150),
        closes_on=past.starts_on - dt.timedelta(days=100),
        assessment_ends_on=past.starts_on - dt.timedelta(days=60),
        decisions_on=past.starts_on - dt.timedelta(days=30),
        status="decided",
        decided_at=timezone.make_aware(dt.datetime.combine(past.starts_on - dt.timedelta(days=30), dt.time(12))),
        decided_by=manager,
    )
    open_round = FundingRound.objects.create(
        financial_year=current.start_year,
        title=f"CPEG funding {current.label}",
        pot_amount=pot,
        cap_amount=Decimal("50000"),
        floor_amount=Decimal("20000"),
        opens_on=today - dt.timedelta(days=60),
        closes_on=today - dt.timedelta(days=30),
        assessment_ends_on=today + dt.timedelta(days=30),
        decisions_on=today + dt.timedelta(days=60),
    )
    criteria = AssessmentCriterion.objects.bulk_create(
        [
            AssessmentCriterion(funding_round=open_round, title=title, weight=weight, position=i)
            for i, (title, weight) in enumerate(
                [("Last year's delivery", 40), ("Work programme", 30), ("Value for money", 20), ("Local support", 10)]
            )
        ]
    )

    def request_for(i: int) -> Decimal:
        return Decimal(20000 + (i * 137) % 32000)

    # The past round: decided applications, awards, paid instalments.
    past_apps = FundingApplication.objects.bulk_create(
        [
            FundingApplication(
                funding_round=decided_round, group=g, status="decided", award_amount=min(request_for(i), Decimal(50000))
            )
            for i, g in enumerate(groups)
        ],
        batch_size=BATCH,
    )
    lines = []
    for i, a in enumerate(past_apps):
        lines += _budget(a, request_for(i), 24 + (i * 7) % 63)
    names = {g.pk: g.name for g in groups}
    awards = Award.objects.bulk_create(
        [
            Award(
                application=a,
                funding_round=decided_round,
                group_id=a.group_id,
                recipient_name=names[a.group_id],
                amount=a.award_amount,
                awarded_on=decided_round.decisions_on,
            )
            for a in past_apps
        ],
        batch_size=BATCH,
    )
    payments = []
    for award in awards:
        quarter = (award.amount / 4).quantize(Decimal("0.01"))
        for n, q in enumerate(past.quarters, start=1):
            amount = award.amount - quarter * 3 if n == 4 else quarter
            payments.append(
                Payment(
                    award=award, instalment=n, due_on=q.starts_on, amount=amount, status="paid", paid_on=q.starts_on
                )
            )
    Payment.objects.bulk_create(payments, batch_size=BATCH)
    activities = []
    for i, g in enumerate(groups):
        for k in range(4 + i % 3):
            activities.append(
                Activity(
                    group=g,
                    activity_type="public_meeting",
                    title=f"Public meeting {k}",
                    held_on=past.starts_on + dt.timedelta(days=80 * k + i % 30),
                    public_attendance=20 + (i + k) % 40,
                )
            )
        for k in range(i % 5):
            activities.append(
                Activity(
                    group=g,
                    activity_type="targeted_event",
                    title=f"Targeted event {k}",
                    held_on=past.starts_on + dt.timedelta(days=60 * k + 15),
                    public_attendance=10 + k,
                )
            )
    Activity.objects.bulk_create(activities, batch_size=BATCH)
    _log(f"past round: {len(awards)} awards, {len(payments)} payments, {len(activities)} activities", started)

    # The open round: a moderated bid per group with an assessment and scores.
    submitted_at = timezone.make_aware(dt.datetime.combine(open_round.closes_on - dt.timedelta(days=2), dt.time(10)))
    bids = FundingApplication.objects.bulk_create(
        [
            FundingApplication(
                funding_round=open_round,
                group=g,
                status="moderated",
                submitted_at=submitted_at,
                award_amount=min(request_for(i + 1), Decimal(50000)) if i % 2 else None,
            )
            for i, g in enumerate(groups)
        ],
        batch_size=BATCH,
    )
    for i, a in enumerate(bids):
        lines += _budget(a, request_for(i + 1), 30 + (i * 11) % 60)
    from cpeg.funding.models import BudgetLine

    BudgetLine.objects.bulk_create(lines, batch_size=BATCH)
    assessments = Assessment.objects.bulk_create(
        [
            Assessment(
                application=a,
                assessor=officer,
                assessed_at=submitted_at,
                comments="Delivered most outputs last year.",
                recommended_amount=min(request_for(i + 1), Decimal(50000)),
                moderator=manager,
                moderated_at=submitted_at,
                moderated_amount=(request_for(i + 1) * Decimal("0.9")).quantize(Decimal("1")) if i % 3 == 0 else None,
            )
            for i, a in enumerate(bids)
        ],
        batch_size=BATCH,
    )
    CriterionScore.objects.bulk_create(
        [CriterionScore(assessment=s, criterion=c, score=(s.pk + c.pk) % 6) for s in assessments for c in criteria],
        batch_size=BATCH,
    )
    _log(f"open round: {len(bids)} moderated bids, {len(lines)} budget lines in all", started)
    return {"decided": decided_round, "open": open_round, "past": past}


def main() -> None:
    from cpeg.accounts.models import User
    from cpeg.funding import allocation as allocation_rule
    from cpeg.funding import opendata
    from cpeg.reporting.funding import selectors as reporting_selectors

    today = timezone.localdate()
    print(f"Funding benchmark: {GROUPS} groups ({connection.vendor}), today {today}")
    started = time.perf_counter()
    with transaction.atomic():
        built = build(today)
    print(f"  data generated in {time.perf_counter() - started:.1f} s", flush=True)

    decided, open_round, past = built["decided"], built["open"], built["past"]
    manager = User.objects.get(username="bench-manager")
    officer = User.objects.get(username="bench-officer")
    link = User.objects.get(username="bench-link")
    clients = {}
    for name, user in (("manager", manager), ("officer", officer), ("link", link)):
        clients[name] = Client()
        clients[name].force_login(user)

    allocation = reverse("funding:allocation", kwargs={"pk": open_round.pk})
    cost = reverse("reporting:cost-analysis") + f"?year={past.start_year}"
    lines_all = reverse("reporting:cost-lines-all", kwargs={"year": past.start_year})
    package = opendata.grants_package(decided)
    assert opendata.validate_package(package) == [], "the 360Giving package does not validate"
    cases = [
        ("selector allocation", lambda: allocation_rule.allocation_page(funding_round=open_round), 10),
        ("selector cost analysis", lambda: reporting_selectors.cost_analysis(year=past), 10),
        ("page allocation", page(clients["manager"], allocation), 5),
        (
            "page allocation, what-if pro rata, £100 unit",
            page(clients["manager"], allocation + "?rule=pro_rata&unit=100"),
            5,
        ),
        (
            "page allocation, what-if cap and redistribute",
            page(clients["manager"], allocation + "?rule=cap_redistribute&unit=1"),
            5,
        ),
        ("page cost analysis, officer", page(clients["officer"], cost), 5),
        ("page cost analysis, link member", page(clients["link"], cost), 5),
        ("page budget lines across groups, staffing", page(clients["officer"], lines_all + "?category=staffing"), 5),
        (
            "page round payments",
            page(clients["manager"], reverse("funding:round-payments", kwargs={"pk": decided.pk})),
            5,
        ),
        (
            "360Giving JSON download",
            page(clients["officer"], reverse("funding:export-360giving-json", kwargs={"pk": decided.pk})),
            5,
        ),
        (
            "360Giving XLSX download",
            page(clients["officer"], reverse("funding:export-360giving-xlsx", kwargs={"pk": decided.pk})),
            3,
        ),
        ("360Giving schema validation (not a page)", lambda: opendata.validate_package(package), 3),
    ]
    print_table(cases)


if __name__ == "__main__":
    main()
