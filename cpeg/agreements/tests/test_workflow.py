import pytest

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.agreements import workflow
from cpeg.agreements.choices import SlaStatus
from cpeg.agreements.tests.factories import chair_user, group_sla, standard_template
from cpeg.core.errors import InvalidTransition
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.choices import GroupStatus
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"))


def test_the_table_moves_an_sla_draft_to_group_signed_to_signed_only():
    assert dict(workflow.SLA_WORKFLOW.transitions) == {
        SlaStatus.DRAFT: {SlaStatus.GROUP_SIGNED},
        SlaStatus.GROUP_SIGNED: {SlaStatus.SIGNED},
        SlaStatus.SIGNED: set(),
    }


@pytest.mark.parametrize(
    ("status", "chair_signs", "officer_countersigns"),
    [(SlaStatus.DRAFT, True, False), (SlaStatus.GROUP_SIGNED, False, True), (SlaStatus.SIGNED, False, False)],
)
def test_only_the_next_step_is_offered_to_the_person_who_takes_it(camden, status, chair_signs, officer_countersigns):
    sla = group_sla(group=camden, status=status)
    chair, officer = chair_user(group=camden), OfficerFactory()
    assert workflow.can_sign(chair, sla) is chair_signs
    assert workflow.can_countersign(officer, sla) is officer_countersigns
    assert workflow.can_sign(officer, sla) is False
    assert workflow.can_countersign(chair, sla) is False
    assert workflow.can_sign(GroupAdminFactory(group=camden), sla) is False
    assert workflow.can_countersign(LinkMemberFactory(boroughs=[camden.borough]), sla) is False


def test_a_superseded_version_is_never_signed_or_changed(camden):
    sla = group_sla(group=camden)
    sla.superseded_at = sla.created_at
    assert workflow.can_sign(chair_user(group=camden), sla) is False
    assert workflow.can_change(OfficerFactory(), sla) is False


def test_the_services_refuse_a_step_the_status_does_not_allow(camden):
    draft = group_sla(group=camden)
    with pytest.raises(InvalidTransition, match="The group must sign the SLA before it is countersigned"):
        workflow.ensure_countersignable(draft)
    draft.status = SlaStatus.SIGNED
    with pytest.raises(InvalidTransition, match="Only a draft SLA can be signed for the group"):
        workflow.ensure_signable(draft)


def test_an_officer_may_make_an_sla_only_for_a_group_without_one_that_is_not_disbanded(camden):
    year = FinancialYear.current().start_year
    template, officer = standard_template(year), OfficerFactory()
    assert workflow.can_make(officer, camden, template=template, sla=None) is True
    assert workflow.can_make(officer, camden, template=None, sla=None) is False
    assert workflow.can_make(chair_user(group=camden), camden, template=template, sla=None) is False
    camden.status = GroupStatus.DISBANDED
    assert workflow.can_make(officer, camden, template=template, sla=None) is False
