"""The membership demo loads through the services and shows what it should."""

import datetime as dt

import pytest

from cpeg.groups.models import EngagementGroup
from cpeg.membership import selectors
from cpeg.membership.models import EqualityProfile, Member, MembershipReview

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)


def test_the_demo_registers_flag_absentees_and_suppress_small_groups(demo_data):
    assert Member.objects.count() == (69 + 30) + (34 + 40) + (56 + 8) + (42 + 7) + 8 + 21 + 28 + 16 + 19
    assert MembershipReview.objects.count() == 9
    camden = EngagementGroup.objects.get(borough__slug="camden")
    page = selectors.register_page(group=camden, today=TODAY)
    assert page.figures.organisations == 68  # one of 69 has left
    assert page.figures.individuals == 30
    assert page.figures.former == 1
    assert page.figures.at_risk >= 2
    harrow = EngagementGroup.objects.get(borough__slug="harrow")
    report = selectors.representation_for_group(group=harrow, today=TODAY)
    assert report.members.total is None  # 3 individuals at most: nothing shown
    assert EqualityProfile.objects.filter(group=harrow, member__isnull=False).count() <= 3


def test_most_registers_hold_8_to_40_members_and_none_fewer_organisations_than_a_response_claims(demo_data):
    from cpeg.consultations.models import ConsultationResponse

    sizes = [g.members.count() for g in EngagementGroup.objects.filter(members__isnull=False).distinct()]
    assert sum(1 for n in sizes if 8 <= n <= 40) > len(sizes) / 2
    checked = 0
    for response in ConsultationResponse.objects.filter(organisations_count__isnull=False).select_related("group"):
        day = response.submitted_at.date() if response.submitted_at else TODAY
        held = selectors.organisation_count(group_id=response.group_id, day=day)
        if held is not None:
            assert held >= response.organisations_count, response.group.name
            checked += 1
    assert checked >= 8  # Camden, Lambeth, Croydon and Hackney's responses


def test_two_groups_show_some_figures_while_small_tables_stay_suppressed(demo_data):
    shown_somewhere = 0
    for slug in ("camden", "hackney"):
        group = EngagementGroup.objects.get(borough__slug=slug)
        report = selectors.representation_for_group(group=group, today=TODAY)
        table = next(t for t in report.members.tables if t.name == "high_level")
        counts = [r.count for r in table.rows]
        assert any(c for c in counts), slug  # a category shown
        assert None in counts, slug  # and a small one hidden
        assert report.organisations.total is not None  # organisations' profiles show too
        shown_somewhere += 1
        assert table.compared  # the 2011 sample table is loaded for every borough
    assert shown_somewhere == 2


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
