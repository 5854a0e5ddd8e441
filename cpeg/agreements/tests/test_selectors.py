import pytest

from cpeg.accounts.tests.factories import OfficerFactory
from cpeg.agreements import services
from cpeg.agreements.choices import SlaStatus
from cpeg.agreements.selectors import OutputTarget, current_sla_for, sla_targets_for_groups, template_for_year
from cpeg.agreements.tests.factories import chair_user, group_sla, standard_template
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db

YEAR = 2030


@pytest.fixture
def officer():
    return OfficerFactory()


@pytest.fixture
def groups():
    standard_template(YEAR)
    return [EngagementGroupFactory(borough=borough(slug)) for slug in ("camden", "hackney", "islington", "brent")]


def test_template_for_year_finds_the_years_template_or_none():
    template = standard_template(YEAR)
    assert template_for_year(YEAR) == template
    assert template_for_year(2049) is None


def test_current_sla_for_returns_the_current_version_whatever_its_status(groups, officer):
    camden = groups[0]
    v1 = group_sla(group=camden, year=YEAR, status=SlaStatus.SIGNED, officer=officer)
    v2 = services.group_sla_output_vary(
        sla=v1,
        code="newsletters",
        actor=officer,
        data={"measure": "count", "annual_target": 6, "reason": "Council pays for printing"},
        loaded_version=v1.version,
    )
    found = current_sla_for(group=camden, financial_year=YEAR)
    assert found == v2
    assert found.status == SlaStatus.DRAFT
    assert current_sla_for(group=groups[1], financial_year=YEAR) is None


def test_current_sla_for_prefetches_its_outputs(groups, officer, django_assert_num_queries):
    group_sla(group=groups[0], year=YEAR, officer=officer)
    with django_assert_num_queries(2):
        sla = current_sla_for(group=groups[0], financial_year=YEAR)
        codes = [o.code for o in sla.outputs.all()]
    assert codes[:2] == ["public-meetings", "sla-monitoring"]
    assert len(codes) == 18


def test_targets_use_each_groups_sla_and_fall_back_to_the_template(groups, officer, django_assert_num_queries):
    camden, hackney, islington, brent = groups
    sla = group_sla(group=camden, year=YEAR, officer=officer)
    sla = services.group_sla_output_vary(
        sla=sla,
        code="public-meetings",
        actor=officer,
        data={"measure": "count", "annual_target": 6, "reason": "Bi-monthly meetings"},
        loaded_version=sla.version,
    )
    services.group_sla_output_remove(
        sla=sla, code="olympics", actor=officer, reason="Not a host borough", loaded_version=sla.version
    )
    group_sla(group=hackney, year=YEAR, officer=officer)

    with django_assert_num_queries(2):
        targets = sla_targets_for_groups(group_ids=[camden.pk, hackney.pk, islington.pk, brent.pk], financial_year=YEAR)

    camden_targets = {t.code: t for t in targets[camden.pk]}
    assert len(camden_targets) == 17  # the Olympics output was removed
    assert camden_targets["public-meetings"] == OutputTarget(
        code="public-meetings",
        output="Hold at least 4 public meetings/events per annum",
        heading_title="",
        measure="count",
        annual_target=6,
        position=10,
        is_variation=True,
        variation_reason="Bi-monthly meetings",
        from_template=False,
    )
    assert camden_targets["newsletters"].heading_title == "Publicise the group's role, functions and achievements"
    assert len(targets[hackney.pk]) == 18
    assert not any(t.from_template for t in targets[hackney.pk])
    for gid in (islington.pk, brent.pk):
        assert len(targets[gid]) == 18
        assert all(t.from_template for t in targets[gid])
        assert targets[gid][0].code == "public-meetings"
        assert targets[gid][0].annual_target == 4


def test_targets_for_groups_that_all_have_slas_take_one_query(groups, officer, django_assert_num_queries):
    for group in groups:
        group_sla(group=group, year=YEAR, officer=officer)
    with django_assert_num_queries(1):
        targets = sla_targets_for_groups(group_ids=[g.pk for g in groups], financial_year=YEAR)
    assert sorted(len(v) for v in targets.values()) == [18, 18, 18, 18]


def test_targets_for_a_year_without_template_or_slas_are_empty(groups):
    assert sla_targets_for_groups(group_ids=[groups[0].pk], financial_year=2049) == {groups[0].pk: []}


def _vary_meetings(sla, officer, target):
    return services.group_sla_output_vary(
        sla=sla,
        code="public-meetings",
        actor=officer,
        data={"measure": "count", "annual_target": target, "reason": f"{target} meetings agreed"},
        loaded_version=sla.version,
    )


def _meetings_target(group) -> int:
    targets = sla_targets_for_groups(group_ids=[group.pk], financial_year=YEAR)[group.pk]
    return next(t.annual_target for t in targets if t.code == "public-meetings")


def test_targets_stay_with_the_signed_version_until_the_group_signs_a_variation(groups, officer):
    camden = groups[0]
    v1 = group_sla(group=camden, year=YEAR, status=SlaStatus.SIGNED, officer=officer)
    v2 = _vary_meetings(v1, officer, 6)  # a new draft version the group has not signed
    assert v2.status == SlaStatus.DRAFT
    assert _meetings_target(camden) == 4
    chair = chair_user(group=camden)
    v2 = services.group_sla_sign(sla=v2, actor=chair, loaded_version=v2.version)
    assert _meetings_target(camden) == 6  # signed by the group: counts before the countersignature
    v3 = _vary_meetings(v2, officer, 8)
    assert v3.status == SlaStatus.DRAFT
    assert _meetings_target(camden) == 6  # the latest signed version, not the first


def test_a_group_that_has_signed_nothing_yet_is_judged_against_its_draft(groups, officer):
    camden = groups[0]
    _vary_meetings(group_sla(group=camden, year=YEAR, officer=officer), officer, 6)
    targets = sla_targets_for_groups(group_ids=[camden.pk], financial_year=YEAR)[camden.pk]
    meetings = next(t for t in targets if t.code == "public-meetings")
    assert (meetings.annual_target, meetings.is_variation, meetings.from_template) == (6, True, False)


def test_targets_for_groups_with_signed_and_draft_versions_still_take_one_query(
    groups, officer, django_assert_num_queries
):
    for group in groups:
        _vary_meetings(group_sla(group=group, year=YEAR, status=SlaStatus.SIGNED, officer=officer), officer, 6)
    with django_assert_num_queries(1):
        targets = sla_targets_for_groups(group_ids=[g.pk for g in groups], financial_year=YEAR)
    for group in groups:
        assert len(targets[group.pk]) == 18
        assert next(t for t in targets[group.pk] if t.code == "public-meetings").annual_target == 4


def test_a_group_whose_sla_has_no_counted_outputs_left_gets_none_not_the_standard_ones(groups, officer):
    from cpeg.agreements.models import GroupSlaOutput

    camden, hackney = groups[:2]
    sla = group_sla(group=camden, year=YEAR, officer=officer)
    GroupSlaOutput.objects.filter(sla=sla, measure="count").update(
        is_removed=True, variation="removed", variation_reason="Not for this group"
    )
    counted = sla_targets_for_groups(group_ids=[camden.pk, hackney.pk], financial_year=YEAR, measure="count")
    assert counted[camden.pk] == []
    assert {t.code for t in counted[hackney.pk]} >= {"public-meetings", "newsletters", "annual-report"}
    assert all(t.measure == "count" and t.from_template for t in counted[hackney.pk])
    everything = sla_targets_for_groups(group_ids=[camden.pk], financial_year=YEAR)[camden.pk]
    assert everything
    assert all(t.measure != "count" for t in everything)
