"""Benchmark: the monitoring dashboard and scorecard on 2,000 groups x 5 years.

Run: .venv/bin/python bench/monitoring_bench.py   (or `make bench` for every benchmark)

Builds a throwaway SQLite database under /tmp (or uses DATABASE_URL if set)
with settings config.settings.test, and bulk-creates 2,000 active groups
(each in its own synthetic borough), the standard SLA and every group's SLA
for five financial years (some with a local variation), about 12 activities
per group and year, and a quarterly return with its lines for every ended
quarter (past years accepted; this year's latest quarter in every state, with
barriers and support requests). Then times the selectors directly and the
pages through Django's test client, and prints median and 95th-percentile
wall time and the SQL queries per call.
"""

import datetime as dt
import os
import time

from common import page, print_table, setup

setup("monitoring")

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

GROUPS = int(os.environ.get("BENCH_GROUPS", "2000"))
YEARS = 5
BATCH = 2000
# Activities per group and year: (output code, activity type, how many).
ACTIVITY_PLAN = [
    ("public-meetings", "public_meeting", 4),
    ("newsletters", "newsletter", 4),
    ("annual-report", "annual_report", 1),
    ("two-way-engagement", "face_the_people", 1),
    ("executive-training", "training", 2),
]


def _log(message: str, started: float) -> None:
    print(f"  {message} ({time.perf_counter() - started:.1f} s)", flush=True)


def build(today: dt.date) -> None:
    from cpeg.accounts.models import RoleAssignment, User
    from cpeg.activities.models import Activity, ActivityEvidence
    from cpeg.agreements.choices import SlaStatus
    from cpeg.agreements.models import GroupSla, GroupSlaOutput, SlaHeading, SlaTemplate, SlaTemplateOutput
    from cpeg.agreements.seed import seed_standard_template
    from cpeg.core.fiscal import FinancialYear, Quarter
    from cpeg.groups.models import Borough, EngagementGroup
    from cpeg.monitoring.choices import ReturnStatus
    from cpeg.monitoring.figures import pro_rata_target, return_due_on, suggest_rag
    from cpeg.monitoring.models import QuarterlyReturn, ReturnLine

    started = time.perf_counter()
    current = FinancialYear.containing(today)
    years = [FinancialYear(current.start_year - n) for n in range(YEARS - 1, -1, -1)]

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
                staffing_model="direct",
                email=f"group{i}@example.org",
            )
            for i, b in enumerate(boroughs)
        ],
        batch_size=BATCH,
    )
    officer = User.objects.create_user("bench-officer", password="x")
    RoleAssignment.objects.create(user=officer, role="officer")
    link = User.objects.create_user("bench-link", password="x")
    RoleAssignment.objects.bulk_create([RoleAssignment(user=link, role="link_member", borough=b) for b in boroughs[:2]])
    _log(f"{GROUPS} boroughs and groups", started)

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
    targets = {}  # (group id, year) -> {code: (output, measure, target)}
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
    _log(f"{len(slas)} SLAs with {len(sla_outputs)} outputs", started)

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
                    activities.append(Activity(group=g, activity_type=kind, title=f"{kind} {k}", held_on=day))
                    codes.append(code)
                    held.setdefault((g.pk, code), []).append(day)
    Activity.objects.bulk_create(activities, batch_size=BATCH)
    ActivityEvidence.objects.bulk_create(
        [ActivityEvidence(activity=a, output_code=c) for a, c in zip(activities, codes, strict=True)],
        batch_size=BATCH,
    )
    _log(f"{len(activities)} activities", started)

    ended = [q for year in years for q in year.quarters if q.ends_on < today]
    latest = ended[-1]
    returns = []
    for g in groups:
        for q in ended:
            due = return_due_on(q, 15)
            status = ReturnStatus.ACCEPTED
            if q == latest:
                status = [
                    ReturnStatus.DRAFT,
                    ReturnStatus.SUBMITTED,
                    ReturnStatus.ACCEPTED,
                    ReturnStatus.RETURNED,
                ][g.pk % 4]
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
    _log(f"{len(returns)} returns", started)

    lines = []
    for r in returns:
        q = Quarter(r.financial_year, r.quarter)
        recent = q >= ended[-3] and r.group_id % 7 == 0
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
    _log(f"{len(lines)} return lines", started)


def main() -> None:
    from cpeg.accounts.models import User
    from cpeg.core.fiscal import FinancialYear
    from cpeg.groups.models import EngagementGroup
    from cpeg.monitoring.models import QuarterlyReturn
    from cpeg.reporting.monitoring import selectors

    today = timezone.localdate()
    print(f"Monitoring benchmark: {GROUPS} groups x {YEARS} years ({connection.vendor}), today {today}")
    started = time.perf_counter()
    with transaction.atomic():
        build(today)
    print(f"  data generated in {time.perf_counter() - started:.1f} s", flush=True)

    officer = User.objects.get(username="bench-officer")
    link = User.objects.get(username="bench-link")
    year = FinancialYear.containing(today)
    past = year.previous()
    group = EngagementGroup.objects.order_by("pk")[GROUPS // 2]
    qr = QuarterlyReturn.objects.filter(group=group).order_by("-financial_year", "-quarter").first()
    client = Client()
    client.force_login(officer)
    link_client = Client()
    link_client.force_login(link)

    dashboard_url = reverse("reporting:monitoring-dashboard")
    cases = [
        (
            "selector dashboard, officer, this year",
            lambda: selectors.dashboard(user=officer, year=year, today=today),
            5,
        ),
        (
            "selector dashboard, officer, last year",
            lambda: selectors.dashboard(user=officer, year=past, today=today),
            5,
        ),
        (
            "selector dashboard, link member (2 groups)",
            lambda: selectors.dashboard(user=link, year=year, today=today),
            20,
        ),
        ("selector scorecard, this year", lambda: selectors.scorecard(group=group, year=year, today=today), 30),
        ("selector scorecard, last year", lambda: selectors.scorecard(group=group, year=past, today=today), 30),
        ("page dashboard (first 50 of all)", page(client, dashboard_url), 5),
        ("page dashboard, needing attention", page(client, dashboard_url + "?show=attention"), 5),
        ("page dashboard, link member", page(link_client, dashboard_url), 20),
        ("page scorecard", page(client, reverse("reporting:monitoring-scorecard", kwargs={"pk": group.pk})), 30),
        ("page group's returns", page(client, reverse("monitoring:return-list", kwargs={"pk": group.pk})), 30),
        ("page return", page(client, qr.get_absolute_url()), 30),
    ]
    print_table(cases, width=45)


if __name__ == "__main__":
    main()
