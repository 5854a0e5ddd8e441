"""The scopers in accounts.access agree with the read and change rules."""

import datetime as dt

import pytest

from cpeg.accounts import access
from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.groups.models import EngagementGroup
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups():
    return {slug: EngagementGroupFactory(borough=borough(slug)) for slug in ("camden", "islington", "hackney")}


@pytest.fixture
def people(groups):
    return {
        "officer": OfficerFactory(),
        "camden_admin": GroupAdminFactory(group=groups["camden"]),
        "link_member": LinkMemberFactory(boroughs=[borough("camden"), borough("islington")]),
    }


def _slugs(queryset, path="borough__slug"):
    return set(queryset.values_list(path, flat=True))


@pytest.mark.parametrize(
    ("who", "readable"),
    [
        ("officer", {"camden", "islington", "hackney"}),
        ("camden_admin", {"camden"}),
        ("link_member", {"camden", "islington"}),
    ],
)
def test_records_are_scoped_like_the_groups_that_own_them(groups, people, who, readable):
    user = people[who]
    for group in groups.values():
        ActivityFactory(group=group, held_on=dt.date(2025, 5, 1))
    assert _slugs(access.scope_groups(user, EngagementGroup.objects.all())) == readable
    records = access.scope_group_records(user, ActivityFactory._meta.model.objects.all())
    assert _slugs(records, "group__borough__slug") == readable
    for group in groups.values():
        assert user.has_perm("groups.view_engagementgroup", group) is (group.borough.slug in readable)


@pytest.mark.parametrize(
    ("who", "own"),
    [("officer", {"camden", "islington", "hackney"}), ("camden_admin", {"camden"}), ("link_member", set())],
)
def test_the_groups_a_person_works_on_are_every_group_for_officers_else_their_own(groups, people, who, own):
    assert _slugs(access.scope_own_groups(people[who], EngagementGroup.objects.all())) == own
