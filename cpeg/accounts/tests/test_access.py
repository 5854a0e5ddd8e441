"""The permission predicates and scopers in accounts.access."""

import pytest

from cpeg.accounts import access
from cpeg.accounts.tests.factories import (
    GroupAdminFactory,
    GroupExecutiveFactory,
    LinkMemberFactory,
    ManagerFactory,
    OfficerFactory,
)
from cpeg.groups.models import EngagementGroup
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups():
    return {slug: EngagementGroupFactory(borough=borough(slug)) for slug in ("camden", "islington", "hackney")}


def _visible(user):
    return set(access.scope_groups(user, EngagementGroup.objects.all()).values_list("borough__slug", flat=True))


def test_officers_and_managers_see_every_group(groups):
    assert _visible(OfficerFactory()) == {"camden", "islington", "hackney"}
    assert _visible(ManagerFactory()) == {"camden", "islington", "hackney"}


def test_group_people_see_only_their_group(groups):
    assert _visible(GroupAdminFactory(group=groups["camden"])) == {"camden"}
    assert _visible(GroupExecutiveFactory(group=groups["hackney"])) == {"hackney"}


def test_link_members_see_the_groups_of_their_boroughs(groups):
    assert _visible(LinkMemberFactory(boroughs=[borough("camden"), borough("islington")])) == {"camden", "islington"}


def test_link_members_read_but_do_not_change(groups):
    link = LinkMemberFactory(boroughs=[borough("camden")])
    assert link.has_perm("groups.view_engagementgroup", groups["camden"]) is True
    assert link.has_perm("groups.change_engagementgroup", groups["camden"]) is False
    assert link.has_perm("groups.view_engagementgroup", groups["hackney"]) is False


def test_only_the_groups_executive_signs_its_sla(groups):
    admin = GroupAdminFactory(group=groups["camden"])
    chair = GroupExecutiveFactory(group=groups["camden"])
    assert chair.has_perm("agreements.sign_groupsla", groups["camden"]) is True
    assert admin.has_perm("agreements.sign_groupsla", groups["camden"]) is False
    assert chair.has_perm("agreements.sign_groupsla", groups["hackney"]) is False


def test_only_managers_use_the_admin_and_decide_awards():
    assert ManagerFactory().has_perm("core.use_admin") is True
    assert OfficerFactory().has_perm("core.use_admin") is False
    assert OfficerFactory().has_perm("funding.decide_allocation") is False


def test_inactive_users_have_no_roles(groups):
    officer = OfficerFactory(is_active=False)
    assert access.roles_of(officer) == set()
    assert _visible(officer) == set()
