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

import scale_data
from common import page, print_table, setup

setup("monitoring")

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

GROUPS = int(os.environ.get("BENCH_GROUPS", "2000"))
YEARS = 5


def build(today: dt.date) -> None:
    """The scale data set's groups and monitoring records (bench/scale_data.py)."""
    from cpeg.core.fiscal import FinancialYear

    current = FinancialYear.containing(today)
    years = [FinancialYear(current.start_year - n) for n in range(YEARS - 1, -1, -1)]
    built = scale_data.build_groups(GROUPS, log=print)
    scale_data.build_monitoring(built, years, today, log=print)


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

    officer = User.objects.get(username="scale-officer")
    link = User.objects.get(username="scale-link")
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
