"""Benchmark: the officer's groups dashboard with 32 and 2,000 groups.

Run: .venv/bin/python bench/groups_bench.py   (or `make bench` for every benchmark)

Builds a throwaway SQLite database under /tmp (or uses DATABASE_URL if set),
bulk-creates groups with a chair each and partner contacts, then times the
dashboard page through Django's test client. Prints the median and 95th
percentile wall time and the number of SQL queries per request.
"""

import datetime as dt

from common import page, setup, timed

setup("groups")

from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

REPEATS = 30


def build(count: int) -> None:
    from cpeg.accounts.models import RoleAssignment, User
    from cpeg.groups.choices import ExecutiveRole, GroupStatus, PartnerRole
    from cpeg.groups.models import Borough, EngagementGroup, ExecutiveMembership, PartnerContact, Person

    existing = EngagementGroup.objects.count()
    boroughs = list(Borough.objects.all())
    people = Person.objects.bulk_create([Person(full_name=f"Person {i}") for i in range(existing, count)])
    groups = EngagementGroup.objects.bulk_create(
        [
            EngagementGroup(
                name=f"Group {i:05d}",
                slug=f"group-{i:05d}",
                borough=boroughs[i % len(boroughs)],
                status=GroupStatus.DISBANDED,
                staffing_model="direct",
            )
            for i in range(existing, count)
        ],
        batch_size=500,
    )
    ExecutiveMembership.objects.bulk_create(
        [
            ExecutiveMembership(group=g, person=p, role=ExecutiveRole.CHAIR, starts_on=dt.date(2020, 1, 1))
            for g, p in zip(groups, people, strict=True)
        ],
        batch_size=500,
    )
    if not PartnerContact.objects.exists():
        person = Person.objects.create(full_name="Partner")
        PartnerContact.objects.bulk_create(
            [PartnerContact(borough=b, person=person, role=r) for b in boroughs for r in PartnerRole.values]
        )
    if not User.objects.filter(username="bench-officer").exists():
        user = User.objects.create_user("bench-officer", password="x")
        RoleAssignment.objects.create(user=user, role="officer")


def main() -> None:
    from cpeg.accounts.models import User

    rows = []
    for count in (32, 2000):
        build(count)
        client = Client()
        client.force_login(User.objects.get(username="bench-officer"))
        for label, query in (("first page", "?sort=name"), ("filtered", "?staffing_model=direct&sort=hours")):
            median, p95, queries = timed(page(client, reverse("groups:group-list") + query), REPEATS)
            rows.append((count, label, median, p95, queries))
        reset_queries()
    print(f"Groups dashboard, {REPEATS} requests each ({connection.vendor})")
    print(f"{'groups':>7} {'page':<12} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for count, label, median, p95, queries in rows:
        print(f"{count:>7} {label:<12} {median:>10.1f} {p95:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
