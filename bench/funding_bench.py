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

import scale_data
from common import page, print_table, setup

setup("funding")

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

GROUPS = int(os.environ.get("BENCH_GROUPS", "2000"))


def build(today: dt.date) -> dict:
    """The scale data set's groups and funding for last year and this
    (bench/scale_data.py), with last year's meetings and events."""
    from cpeg.core.fiscal import FinancialYear

    current = FinancialYear.containing(today)
    past = current.previous()
    built = scale_data.build_groups(GROUPS, log=print)
    scale_data.build_funding(built, [past, current], today, log=print, activities=True)
    return {"decided": built.rounds[past.start_year], "open": built.rounds[current.start_year], "past": past}


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
    manager = User.objects.get(username="scale-manager")
    officer = User.objects.get(username="scale-officer")
    link = User.objects.get(username="scale-link")
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
