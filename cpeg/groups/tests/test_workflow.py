import pytest

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.core.errors import InvalidTransition
from cpeg.groups import services, workflow
from cpeg.groups.choices import GroupStatus
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


def test_the_status_predicates_read_the_group_status():
    group = EngagementGroupFactory.build(status=GroupStatus.SUSPENDED, is_published=True)
    assert (workflow.is_active(group), workflow.is_suspended(group), workflow.is_disbanded(group)) == (
        False,
        True,
        False,
    )
    assert workflow.holds_borough(group) is True
    assert workflow.is_listed_publicly(group) is True
    group.status = GroupStatus.DISBANDED
    assert workflow.holds_borough(group) is False
    assert workflow.is_listed_publicly(group) is False


def test_only_officers_change_a_groups_status():
    camden = EngagementGroupFactory(borough=borough("camden"))
    assert workflow.can_change_status(OfficerFactory(), camden) is True
    assert workflow.can_change_status(GroupAdminFactory(group=camden), camden) is False


def test_the_service_refuses_a_move_the_table_does_not_allow(monkeypatch):
    camden = EngagementGroupFactory(borough=borough("camden"))
    no_moves = workflow.Workflow(name="group", transitions={})
    monkeypatch.setattr(services, "GROUP_WORKFLOW", no_moves)
    with pytest.raises(InvalidTransition, match="This group is active, so it cannot be made suspended"):
        services.group_update(
            group=camden, actor=OfficerFactory(), data={"status": GroupStatus.SUSPENDED}, loaded_version=camden.version
        )
