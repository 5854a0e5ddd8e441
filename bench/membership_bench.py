"""Benchmark: the representation report for one group and London-wide,
with 32 and 2,000 groups (20 members each, 12 with equality answers, and
5 executive members with answers).

Run: .venv/bin/python bench/membership_bench.py   (or `make bench`)
"""

import datetime as dt
import random

from common import page, setup, timed

setup("membership")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

REPEATS = 5


def build(count: int) -> None:
    from cpeg.accounts.models import RoleAssignment, User
    from cpeg.groups.choices import ExecutiveRole, GroupStatus
    from cpeg.groups.models import Borough, EngagementGroup, ExecutiveMembership, Person
    from cpeg.membership.choices import AgeBand, Disability, EthnicGroup, Religion, Sex, SexualOrientation
    from cpeg.membership.models import EqualityProfile, Member

    rng = random.Random(count)
    existing = EngagementGroup.objects.count()
    boroughs = list(Borough.objects.all())
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
    members = Member.objects.bulk_create(
        [
            Member(group=g, member_type="individual", name=f"Member {g.pk}-{n}", joined_on=dt.date(2024, 1, 1))
            for g in groups
            for n in range(20)
        ],
        batch_size=1000,
    )
    people = Person.objects.bulk_create([Person(full_name=f"Person {g.pk}-{n}") for g in groups for n in range(5)])
    seats = ExecutiveMembership.objects.bulk_create(
        [
            ExecutiveMembership(group=p_group, person=p, role=ExecutiveRole.OTHER, starts_on=dt.date(2024, 1, 1))
            for p, p_group in zip(people, [g for g in groups for _ in range(5)], strict=True)
        ],
        batch_size=1000,
    )

    def answers():
        return {
            "consent_given_on": dt.date(2025, 1, 1),
            "ethnic_group": rng.choice(EthnicGroup.values),
            "sex": rng.choice(Sex.values),
            "age_band": rng.choice(AgeBand.values),
            "disability": rng.choice(Disability.values),
            "religion": rng.choice(Religion.values),
            "sexual_orientation": rng.choice(SexualOrientation.values),
        }

    profiles = [EqualityProfile(group_id=m.group_id, member=m, **answers()) for m in members if rng.random() < 0.6]
    profiles += [EqualityProfile(group_id=s.group_id, executive=s, **answers()) for s in seats]
    EqualityProfile.objects.bulk_create(profiles, batch_size=1000)
    if not User.objects.filter(username="bench-officer").exists():
        user = User.objects.create_user("bench-officer", password="x")
        RoleAssignment.objects.create(user=user, role="officer")


def main() -> None:
    from cpeg.accounts.models import User
    from cpeg.groups.models import EngagementGroup

    rows = []
    for count in (32, 2000):
        build(count)
        client = Client()
        client.force_login(User.objects.get(username="bench-officer"))
        group = EngagementGroup.objects.order_by("pk").first()
        for label, url in (
            ("one group", reverse("membership:representation", kwargs={"pk": group.pk})),
            ("London-wide", reverse("membership:representation-london")),
            ("register", reverse("membership:register", kwargs={"pk": group.pk})),
        ):
            median, p95, queries = timed(page(client, url), REPEATS)
            rows.append((count, label, median, p95, queries))
    print(f"Representation report, {REPEATS} requests each ({connection.vendor})")
    print(f"{'groups':>7} {'page':<12} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for count, label, median, p95, queries in rows:
        print(f"{count:>7} {label:<12} {median:>10.1f} {p95:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
