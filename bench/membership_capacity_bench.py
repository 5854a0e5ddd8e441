"""Benchmark: the capacity and other-funding pages at 32 and 2,000 groups.

The first 32 groups are current (one per borough, a database rule), the
rest former (disbanded) groups with the same records, which the training
needs page leaves out of its figures but its queries still pass over. Each
group: 5 executive members with a skills audit (every active skill,
about a quarter needing training), one training session attended by two
of them, 2 applications for other funding (awarded, refused or waiting)
and 1 kind of support used. Times, through the test client as an officer:
training needs across the groups (and the people behind one skill), other
funding across the groups, and one group's skills and other-funding pages.

Run: .venv/bin/python bench/membership_capacity_bench.py
"""

import datetime as dt
import random
from decimal import Decimal

from common import page, setup, timed

setup("membership-capacity")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

REPEATS = 5
START = dt.date(2025, 4, 1)


def build(count: int) -> None:
    from cpeg.accounts.models import RoleAssignment, User
    from cpeg.activities.models import Activity
    from cpeg.groups.choices import ExecutiveRole, GroupStatus
    from cpeg.groups.models import Borough, EngagementGroup, ExecutiveMembership, Person
    from cpeg.membership import services
    from cpeg.membership.models import (
        OtherFunding,
        Skill,
        SkillAssessment,
        SkillsAudit,
        SupportUsed,
        TrainingAttended,
    )

    services.skills_seed()
    rng = random.Random(count)
    skills = list(Skill.objects.filter(is_active=True))
    existing = EngagementGroup.objects.count()
    boroughs = list(Borough.objects.all())
    groups = EngagementGroup.objects.bulk_create(
        [
            EngagementGroup(
                name=f"Group {i:05d}",
                slug=f"group-{i:05d}",
                borough=boroughs[i % len(boroughs)],
                # One current group per borough (a database rule): the rest
                # are former groups, whose records every query still scans.
                status=GroupStatus.ACTIVE if i < len(boroughs) else GroupStatus.DISBANDED,
                staffing_model="direct",
            )
            for i in range(existing, count)
        ],
        batch_size=500,
    )
    people = Person.objects.bulk_create([Person(full_name=f"Person {g.pk}-{n}") for g in groups for n in range(5)])
    owners = [g for g in groups for _ in range(5)]
    seats = ExecutiveMembership.objects.bulk_create(
        [
            ExecutiveMembership(group=g, person=p, role=ExecutiveRole.OTHER, starts_on=dt.date(2024, 1, 1))
            for p, g in zip(people, owners, strict=True)
        ],
        batch_size=1000,
    )
    audits = SkillsAudit.objects.bulk_create(
        [SkillsAudit(group_id=s.group_id, executive=s, assessed_on=dt.date(2025, 6, 1)) for s in seats],
        batch_size=1000,
    )
    SkillAssessment.objects.bulk_create(
        [
            SkillAssessment(
                audit=a, skill=s, level=rng.choice(["none", "some", "confident"]), training_needed=rng.random() < 0.25
            )
            for a in audits
            for s in skills
        ],
        batch_size=2000,
    )
    sessions = Activity.objects.bulk_create(
        [
            Activity(group=g, activity_type="training", title="Safeguarding training", held_on=dt.date(2025, 9, 1))
            for g in groups
        ],
        batch_size=1000,
    )
    by_group = {}
    for a in audits:
        by_group.setdefault(a.group_id, []).append(a)
    TrainingAttended.objects.bulk_create(
        [
            TrainingAttended(audit=a, activity=session, skill=skills[2])
            for session in sessions
            for a in by_group[session.group_id][:2]
        ],
        batch_size=1000,
    )
    funding = []
    for g in groups:
        for n in range(2):
            status = rng.choice(["awarded", "refused", "applied"])
            funding.append(
                OtherFunding(
                    group=g,
                    funder=f"Trust {n}",
                    requested_amount=Decimal("2500.00"),
                    awarded_amount=Decimal("2000.00") if status == "awarded" else None,
                    applied_on=dt.date(2025, 5, 1),
                    decided_on=dt.date(2025, 7, 1) if status != "applied" else None,
                    status=status,
                )
            )
    OtherFunding.objects.bulk_create(funding, batch_size=1000)
    SupportUsed.objects.bulk_create(
        [
            SupportUsed(
                group=g, kind="council", provider="Council", description="Rooms", started_on=dt.date(2025, 4, 1)
            )
            for g in groups
        ],
        batch_size=1000,
    )
    if not User.objects.filter(username="bench-officer").exists():
        user = User.objects.create_user("bench-officer", password="x")
        RoleAssignment.objects.create(user=user, role="officer")


def main() -> None:
    from cpeg.accounts.models import User
    from cpeg.groups.models import EngagementGroup
    from cpeg.membership.models import Skill

    rows = []
    for count in (32, 2000):
        build(count)
        client = Client()
        client.force_login(User.objects.get(username="bench-officer"))
        group = EngagementGroup.objects.order_by("pk").first()
        skill = Skill.objects.order_by("position").first()
        for label, url in (
            ("training needs", reverse("membership:training-needs")),
            ("needs: one skill", reverse("membership:training-needs") + f"?skill={skill.pk}"),
            ("other funding", reverse("membership:other-funding-london")),
            ("group skills", reverse("membership:skills", kwargs={"pk": group.pk})),
            ("group funding", reverse("membership:other-funding", kwargs={"pk": group.pk})),
        ):
            median, p95, queries = timed(page(client, url), REPEATS)
            rows.append((count, label, median, p95, queries))
    print(f"Capacity and other funding, {REPEATS} requests each ({connection.vendor})")
    print(f"{'groups':>7} {'page':<17} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for count, label, median, p95, queries in rows:
        print(f"{count:>7} {label:<17} {median:>10.1f} {p95:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
