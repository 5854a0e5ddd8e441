"""The capacity and other-funding pages take the same number of queries
for 2 groups as for 12 (bench/membership_capacity_bench.py times them at
2,000)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cpeg.accounts.tests.factories import ManagerFactory, OfficerFactory
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, ExecutiveMembershipFactory
from cpeg.membership import services
from cpeg.membership.models import Skill, SkillAssessment, TrainingAttended
from cpeg.membership.tests.factories import OtherFundingFactory, SkillsAuditFactory, SupportUsedFactory

pytestmark = pytest.mark.django_db
MOST = 15


def _groups(n: int):
    from cpeg.groups.models import Borough, EngagementGroup

    services.skills_seed()
    skills = list(Skill.objects.filter(is_active=True))
    free = Borough.objects.exclude(pk__in=EngagementGroup.objects.values("borough_id")).order_by("name")
    made = []
    for place in list(free)[:n]:
        group = EngagementGroupFactory(borough=place)
        session = ActivityFactory(group=group, activity_type="training", held_on=dt.date(2025, 9, 1))
        for seat_number in range(3):
            audit = SkillsAuditFactory(executive=ExecutiveMembershipFactory(group=group))
            for index, skill in enumerate(skills):
                SkillAssessment.objects.create(
                    audit=audit, skill=skill, level="some", training_needed=(index + seat_number) % 3 == 0
                )
            TrainingAttended.objects.create(audit=audit, activity=session, skill=skills[seat_number])
        OtherFundingFactory(group=group)
        OtherFundingFactory(
            group=group,
            status="awarded",
            awarded_amount=Decimal("1000.00"),
            decided_on=dt.date(2025, 6, 1),
        )
        SupportUsedFactory(group=group)
        made.append(group)
    return made


def _counts(client, group) -> dict[str, int]:
    skill = Skill.objects.order_by("position").first()
    urls = {
        "training needs": reverse("membership:training-needs"),
        "one skill": reverse("membership:training-needs") + f"?skill={skill.pk}",
        "other funding": reverse("membership:other-funding-london"),
        "group skills": reverse("membership:skills", kwargs={"pk": group.pk}),
        "group funding": reverse("membership:other-funding", kwargs={"pk": group.pk}),
        "skill list": reverse("membership:skill-list"),
    }
    counts = {}
    for label, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[label] = len(queries)
    return counts


def test_capacity_and_other_funding_pages_take_a_fixed_number_of_queries(client):
    officer = OfficerFactory()
    manager = ManagerFactory()
    small = _groups(2)
    client.force_login(manager)
    before = _counts(client, small[0])
    _groups(10)
    after = _counts(client, small[0])
    assert after == before
    assert max(after.values()) <= MOST, after
    client.force_login(officer)
    assert client.get(reverse("membership:training-needs")).status_code == 200
