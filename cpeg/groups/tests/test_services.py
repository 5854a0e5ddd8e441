import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.core.errors import EditConflict
from cpeg.core.models import AuditEvent
from cpeg.groups import services
from cpeg.groups.choices import ExecutiveRole, GroupStatus, StaffingModel
from cpeg.groups.models import EngagementGroup, ExecutiveMembership
from cpeg.groups.tests.factories import EngagementGroupFactory, ExecutiveMembershipFactory, borough

pytestmark = pytest.mark.django_db


def _group_data(**overrides):
    data = {
        "name": "Camden Community and Police Engagement Group",
        "borough": borough("camden"),
        "status": GroupStatus.ACTIVE,
        "staffing_model": StaffingModel.DIRECT,
        "administrator_hours_per_week": Decimal("37.5"),
        "is_published": True,
    }
    return data | overrides


def test_officer_sets_up_a_group_and_the_event_is_audited():
    officer = OfficerFactory()
    group = services.group_create(actor=officer, data=_group_data())
    assert group.slug == "camden-community-and-police-engagement-group"
    assert group.created_by == officer
    event = AuditEvent.objects.get(event_type="GROUP_CREATED")
    assert event.actor == officer
    assert event.group == group
    assert group.history.count() == 1


def test_group_admin_cannot_set_up_a_group():
    admin = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("hackney")))
    with pytest.raises(PermissionDenied):
        services.group_create(actor=admin, data=_group_data())
    assert not EngagementGroup.objects.filter(borough__slug="camden").exists()


def test_a_borough_can_have_only_one_current_group():
    officer = OfficerFactory()
    services.group_create(actor=officer, data=_group_data())
    with pytest.raises(ValidationError, match="already has a group"):
        services.group_create(actor=officer, data=_group_data(name="Camden Second Group"))
    assert EngagementGroup.objects.filter(borough__slug="camden").count() == 1


def test_a_disbanded_group_makes_way_for_a_successor():
    officer = OfficerFactory()
    old = services.group_create(actor=officer, data=_group_data())
    services.group_update(group=old, actor=officer, data={"status": GroupStatus.DISBANDED}, loaded_version=1)
    new = services.group_create(actor=officer, data=_group_data(name="Camden Safer Neighbourhood Board"))
    assert new.borough == old.borough
    assert AuditEvent.objects.filter(event_type="GROUP_STATUS_CHANGED").count() == 1


def test_duplicate_group_names_are_refused():
    officer = OfficerFactory()
    services.group_create(actor=officer, data=_group_data())
    with pytest.raises(ValidationError) as info:
        services.group_create(actor=officer, data=_group_data(borough=borough("hackney")))
    assert "name" in info.value.error_dict


def test_hours_outside_0_to_80_are_refused_and_nothing_saved():
    officer = OfficerFactory()
    with pytest.raises(ValidationError) as info:
        services.group_create(actor=officer, data=_group_data(administrator_hours_per_week=Decimal("90")))
    assert "administrator_hours_per_week" in info.value.error_dict
    assert EngagementGroup.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_over_long_name_is_refused():
    with pytest.raises(ValidationError) as info:
        services.group_create(actor=OfficerFactory(), data=_group_data(name="x" * 151))
    assert "name" in info.value.error_dict


def test_other_staffing_model_needs_a_description():
    with pytest.raises(ValidationError, match="Describe the other staffing arrangement"):
        services.group_create(actor=OfficerFactory(), data=_group_data(staffing_model=StaffingModel.OTHER))


def test_group_admin_changes_their_group_but_not_its_status_or_borough():
    group = EngagementGroupFactory(borough=borough("camden"))
    admin = GroupAdminFactory(group=group)
    old_email = group.email
    services.group_update(
        group=group,
        actor=admin,
        data={"email": "new@example.org", "status": GroupStatus.DISBANDED, "borough": borough("hackney")},
        loaded_version=group.version,
    )
    group.refresh_from_db()
    assert group.email == "new@example.org"
    assert group.status == GroupStatus.ACTIVE
    assert group.borough.slug == "camden"
    assert group.version == 2
    event = AuditEvent.objects.get(event_type="GROUP_UPDATED", target_id=group.pk)
    # Field labels in words, and the old and new values kept with the event.
    assert event.summary == "Changed contact email"
    assert event.payload["changes"] == {"email": {"old": old_email, "new": "new@example.org"}}


def test_an_update_that_changes_nothing_records_nothing():
    group = EngagementGroupFactory(borough=borough("camden"))
    officer = OfficerFactory()
    services.group_update(group=group, actor=officer, data={"email": group.email}, loaded_version=group.version)
    assert not AuditEvent.objects.filter(event_type="GROUP_UPDATED").exists()


def test_group_admin_cannot_change_another_group():
    group = EngagementGroupFactory(borough=borough("camden"))
    admin = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("hackney")))
    with pytest.raises(PermissionDenied):
        services.group_update(group=group, actor=admin, data={"email": "x@example.org"}, loaded_version=1)


def test_a_stale_edit_is_refused_and_the_first_change_kept():
    group = EngagementGroupFactory(borough=borough("camden"))
    officer = OfficerFactory()
    services.group_update(group=group, actor=officer, data={"email": "first@example.org"}, loaded_version=1)
    with pytest.raises(EditConflict, match="Someone else changed this record"):
        services.group_update(group=group, actor=officer, data={"email": "second@example.org"}, loaded_version=1)
    group.refresh_from_db()
    assert group.email == "first@example.org"


def test_executive_term_must_not_end_before_it_starts():
    group = EngagementGroupFactory(borough=borough("camden"))
    with pytest.raises(ValidationError, match="must end on or after"):
        services.executive_member_add(
            group=group,
            actor=OfficerFactory(),
            data={
                "person_full_name": "Ada Lovelace",
                "role": ExecutiveRole.SECRETARY,
                "starts_on": dt.date(2025, 4, 1),
                "ends_on": dt.date(2025, 3, 1),
            },
        )
    assert ExecutiveMembership.objects.count() == 0


def test_only_one_chair_at_a_time():
    group = EngagementGroupFactory(borough=borough("camden"))
    ExecutiveMembershipFactory(group=group, role=ExecutiveRole.CHAIR, starts_on=dt.date(2024, 4, 1))
    with pytest.raises(ValidationError, match="End their term before this one starts"):
        services.executive_member_add(
            group=group,
            actor=OfficerFactory(),
            data={"person_full_name": "New Chair", "role": ExecutiveRole.CHAIR, "starts_on": dt.date(2025, 4, 1)},
        )


def test_a_new_chair_can_follow_one_whose_term_ended():
    group = EngagementGroupFactory(borough=borough("camden"))
    ExecutiveMembershipFactory(
        group=group, role=ExecutiveRole.CHAIR, starts_on=dt.date(2023, 4, 1), ends_on=dt.date(2025, 3, 31)
    )
    member = services.executive_member_add(
        group=group,
        actor=OfficerFactory(),
        data={"person_full_name": "New Chair", "role": ExecutiveRole.CHAIR, "starts_on": dt.date(2025, 4, 1)},
    )
    assert member.person.full_name == "New Chair"
    assert AuditEvent.objects.filter(event_type="EXECUTIVE_MEMBER_ADDED").count() == 1


def test_one_person_can_sit_on_two_groups_and_hold_an_outside_role():
    officer = OfficerFactory()
    first = ExecutiveMembershipFactory(group=EngagementGroupFactory(borough=borough("camden")))
    second_group = EngagementGroupFactory(borough=borough("hackney"))
    services.executive_member_add(
        group=second_group,
        actor=officer,
        data={
            "person": first.person,
            "role": ExecutiveRole.OTHER,
            "role_title": "Co-opted member",
            "starts_on": dt.date(2025, 4, 1),
        },
    )
    services.other_role_add(
        person=first.person,
        actor=officer,
        data={"title": "Chair", "organisation": "Kentish Town Safer Neighbourhood Panel", "borough": borough("camden")},
    )
    assert first.person.executive_roles.count() == 2
    assert first.person.other_roles.get().organisation == "Kentish Town Safer Neighbourhood Panel"
