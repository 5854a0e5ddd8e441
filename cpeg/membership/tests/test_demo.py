"""The membership demo loads through the services and shows what it should."""

import datetime as dt

import pytest

from cpeg.groups.models import EngagementGroup
from cpeg.membership import selectors
from cpeg.membership.models import AttendanceRegister, EqualityProfile, Member, MembershipReview

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)


def test_the_demo_registers_flag_absentees_and_suppress_small_groups(demo_data):
    assert Member.objects.count() == 28 + 40 + 22 + 16 + 8
    assert MembershipReview.objects.count() == 5
    assert AttendanceRegister.objects.count() == 20
    camden = EngagementGroup.objects.get(borough__slug="camden")
    page = selectors.register_page(group=camden, today=TODAY)
    assert page.figures.organisations == 17  # one of 18 has left
    assert page.figures.individuals == 10
    assert page.figures.former == 1
    assert page.figures.at_risk >= 2
    harrow = EngagementGroup.objects.get(borough__slug="harrow")
    report = selectors.representation_for_group(group=harrow, today=TODAY)
    assert report.members.total is None  # 3 individuals at most: nothing shown
    assert EqualityProfile.objects.filter(group=harrow, member__isnull=False).count() <= 3


def test_the_demo_has_skills_audits_training_and_other_funding(demo_data):
    from decimal import Decimal

    from cpeg.accounts.models import User
    from cpeg.membership.models import OtherFunding, SkillAssessment, SkillsAudit, SupportUsed, TrainingAttended

    audits = SkillsAudit.objects.count()
    assert audits > 50  # most groups: executive and administrator
    assert SkillsAudit.objects.filter(administrator__isnull=False).exists()
    assert SkillAssessment.objects.filter(training_needed=True).count() > audits // 2
    assert TrainingAttended.objects.exists()
    london = selectors.training_needs_london(today=TODAY)
    assert london.totals.identified == sum(r.needs.identified for r in london.rows) > 0
    assert 0 < london.totals.met < london.totals.identified
    # Some groups have no audit yet, so their summary says so.
    assert EngagementGroup.objects.exclude(skills_audits__isnull=False).exists()
    statuses = set(OtherFunding.objects.values_list("status", flat=True))
    assert statuses == {"applied", "awarded", "refused"}
    assert SupportUsed.objects.exists()
    awarded = sum(OtherFunding.objects.filter(status="awarded").values_list("awarded_amount", flat=True), Decimal(0))
    officer = User.objects.get(username="officer")
    assert selectors.other_funding_london(user=officer).totals.awarded == awarded
