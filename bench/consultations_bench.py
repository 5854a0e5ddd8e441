"""Benchmark: consultation pages and the programme matrix at 2,000 groups.

Run: .venv/bin/python bench/consultations_bench.py   (or `make bench`)

Bulk-creates 2,000 active groups (each in its own synthetic borough), 5 consultations each asking every group
(10,000 responses: a quarter sent, some not responding, some late), and 7
partner programmes with an engagement for most groups (about 11,000). Then
times the pages through Django's test client as an officer. ``BENCH_GROUPS``
makes a smaller run.
"""

import datetime as dt
import os

from common import page, print_table, setup

setup("consultations")

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

GROUPS = int(os.environ.get("BENCH_GROUPS", "2000"))


def build():
    from cpeg.accounts.models import RoleAssignment, User
    from cpeg.consultations.models import (
        Consultation,
        ConsultationResponse,
        EngagementLevel,
        PartnerProgramme,
        ProgrammeEngagement,
    )
    from cpeg.groups.models import Borough, EngagementGroup

    boroughs = Borough.objects.bulk_create(
        [Borough(ons_code=f"E9{i:07d}", name=f"Bench borough {i:05d}", slug=f"bench-{i:05d}") for i in range(GROUPS)],
        batch_size=500,
    )
    groups = EngagementGroup.objects.bulk_create(
        [
            EngagementGroup(
                name=f"Group {i:05d}",
                slug=f"group-{i:05d}",
                borough=boroughs[i],
                staffing_model="direct",
            )
            for i in range(GROUPS)
        ],
        batch_size=500,
    )
    for n in range(5):
        consultation = Consultation.objects.create(
            kind="policing_plan" if n % 2 == 0 else "budget",
            title=f"Consultation {n}",
            questions="?",
            opens_on=dt.date(2022 + n, 11, 1),
            closes_on=dt.date(2023 + n, 1, 31),
            status="closed" if n < 4 else "open",
        )
        consultation.groups_asked.add(*groups)
        rows = []
        for i, group in enumerate(groups):
            kind = i % 8
            rows.append(
                ConsultationResponse(
                    consultation=consultation,
                    group=group,
                    status="submitted" if kind < 3 else ("late" if kind == 3 else "awaiting"),
                    decision="responding" if kind < 2 or kind == 3 else ("not_responding" if kind == 2 else ""),
                    organisations_count=i % 50 if kind < 2 else None,
                    individuals_count=i % 3 if kind < 2 else None,
                )
            )
        ConsultationResponse.objects.bulk_create(rows, batch_size=1000)
    for n in range(7):
        programme = PartnerProgramme.objects.create(financial_year=2025, name=f"Programme {n}")
        levels = [EngagementLevel.objects.create(programme=programme, name=f"Level {r}", rank=r) for r in (1, 2)]
        programme.expected_level = levels[0]
        programme.save()
        ProgrammeEngagement.objects.bulk_create(
            [
                ProgrammeEngagement(programme=programme, group=g, level=levels[i % 2], engaged_on=dt.date(2025, 6, 1))
                for i, g in enumerate(groups)
                if (i + n) % 5
            ],
            batch_size=1000,
        )
    user = User.objects.create_user("bench-officer", password="x")
    RoleAssignment.objects.create(user=user, role="officer")
    return user, Consultation.objects.order_by("-opens_on").first()


def main() -> None:
    user, latest = build()
    client = Client()
    client.force_login(user)
    print(f"Consultations and programmes, {GROUPS} groups")
    detail = reverse("consultations:consultation-detail", args=[latest.pk])
    responded = reverse("consultations:response-list", args=[latest.pk]) + "?show=responded"
    matrix = reverse("consultations:programme-matrix") + "?year=2025"
    print_table(
        [
            (
                "page consultation list (5, London figures)",
                page(client, reverse("consultations:consultation-list")),
                10,
            ),
            ("page consultation (figures + last year)", page(client, detail), 10),
            ("page responses behind 'responded' (first 50)", page(client, responded), 10),
            (f"page programme matrix ({GROUPS} x 7)", page(client, matrix), 3),
        ]
    )


if __name__ == "__main__":
    main()
