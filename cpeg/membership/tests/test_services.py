"""The membership services: permissions, rules, audit, and erasure."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from cpeg.accounts.tests.factories import GroupAdminFactory, GroupExecutiveFactory, LinkMemberFactory, OfficerFactory
from cpeg.activities.choices import ActivityType
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, ExecutiveMembershipFactory, borough
from cpeg.membership import selectors, services
from cpeg.membership.choices import EthnicGroup, MemberType, OrganisationKind
from cpeg.membership.models import AttendanceMark, EqualityProfile, Member
from cpeg.membership.tests.factories import EqualityProfileFactory, MemberFactory

pytestmark = pytest.mark.django_db

ANSWERS = {
    "consent_given_on": dt.date(2025, 5, 1),
    "ethnic_group": EthnicGroup.BLACK_CARIBBEAN,
    "sex": "female",
    "age_band": "25_34",
    "disability": "not_disabled",
    "religion": "christian",
    "sexual_orientation": "prefer_not_to_say",
}


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"))


def test_an_organisation_needs_a_kind_and_an_individual_keeps_none(camden):
    officer = OfficerFactory()
    base = {"name": "Kentish Town TRA", "joined_on": dt.date(2024, 4, 1)}
    with pytest.raises(ValidationError, match="kind of organisation"):
        services.member_add(group=camden, actor=officer, data=base | {"member_type": MemberType.ORGANISATION})
    person = services.member_add(
        group=camden,
        actor=officer,
        data=base | {"member_type": MemberType.INDIVIDUAL, "organisation_kind": "faith_group", "people_represented": 9},
    )
    assert person.organisation_kind == ""
    assert person.people_represented is None
    assert AuditEvent.objects.filter(event_type=AuditEventType.MEMBER_ADDED, target_id=person.pk).exists()


def test_a_current_member_cannot_be_added_twice_and_leaving_must_follow_joining(camden):
    officer = OfficerFactory()
    data = {"member_type": MemberType.ORGANISATION, "organisation_kind": OrganisationKind.BUSINESS}
    data |= {"name": "Camden Traders", "joined_on": dt.date(2024, 4, 1)}
    member = services.member_add(group=camden, actor=officer, data=data)
    with pytest.raises(ValidationError, match="already a current member"):
        services.member_add(group=camden, actor=officer, data=data | {"name": "camden traders "[:-1]})
    with pytest.raises(ValidationError, match="on or after the date joined"):
        services.member_update(
            member=member, actor=officer, data={"left_on": dt.date(2024, 1, 1)}, loaded_version=member.version
        )


def test_other_groups_and_link_members_cannot_change_the_register(camden):
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    data = {"member_type": MemberType.INDIVIDUAL, "name": "A Person", "joined_on": dt.date(2024, 4, 1)}
    for user in (GroupAdminFactory(group=hackney), LinkMemberFactory(boroughs=[borough("camden")])):
        with pytest.raises(PermissionDenied):
            services.member_add(group=camden, actor=user, data=data)


def test_attendance_flags_members_at_risk_under_the_rule(camden):
    admin = GroupAdminFactory(group=camden)
    services.attendance_rule_set(group=camden, actor=admin, data={"missed_meetings_limit": 3})
    steady, drifting, gone = (MemberFactory(group=camden, name=n) for n in ("Steady", "Drifting", "Gone"))
    seat = ExecutiveMembershipFactory(group=camden, starts_on=dt.date(2024, 1, 1))
    meetings = [
        ActivityFactory(group=camden, activity_type=ActivityType.PUBLIC_MEETING, held_on=dt.date(2025, m, 10))
        for m in (3, 6, 9)
    ]
    # Steady attends all; Drifting the first only; Gone none.
    for index, meeting in enumerate(meetings):
        present = [steady.pk] + ([drifting.pk] if index == 0 else [])
        services.attendance_record(activity=meeting, actor=admin, member_ids=present, executive_ids=[seat.pk])
    page = selectors.register_page(group=camden, today=dt.date(2025, 10, 1))
    rows = {r.member.name: r for r in page.rows}
    assert (rows["Steady"].missed_in_a_row, rows["Steady"].at_risk) == (0, False)
    assert (rows["Drifting"].missed_in_a_row, rows["Drifting"].at_risk, rows["Drifting"].reached_limit) == (
        2,
        True,
        False,
    )
    assert (rows["Gone"].missed_in_a_row, rows["Gone"].reached_limit) == (3, True)
    assert page.figures.at_risk == 2
    # Saving a register again replaces it.
    services.attendance_record(activity=meetings[-1], actor=admin, member_ids=[drifting.pk], executive_ids=[])
    assert set(AttendanceMark.objects.filter(register__activity=meetings[-1]).values_list("member_id", flat=True)) == {
        drifting.pk
    }


def test_attendance_refuses_people_who_were_not_members_on_the_day(camden):
    admin = GroupAdminFactory(group=camden)
    late = MemberFactory(group=camden, joined_on=dt.date(2025, 7, 1))
    meeting = ActivityFactory(group=camden, activity_type=ActivityType.PUBLIC_MEETING, held_on=dt.date(2025, 6, 1))
    with pytest.raises(ValidationError, match="members on the day"):
        services.attendance_record(activity=meeting, actor=admin, member_ids=[late.pk], executive_ids=[])
    newsletter = ActivityFactory(group=camden, newsletter=True)
    with pytest.raises(ValidationError, match="public meetings only"):
        services.attendance_record(activity=newsletter, actor=admin, member_ids=[], executive_ids=[])


def test_only_the_groups_administrator_records_equality_answers(camden):
    member = MemberFactory(group=camden)
    for user in (
        OfficerFactory(),
        GroupExecutiveFactory(group=camden),
        LinkMemberFactory(boroughs=[borough("camden")]),
    ):
        with pytest.raises(PermissionDenied):
            services.equality_answers_record(person=member, actor=user, data=ANSWERS)
    admin = GroupAdminFactory(group=camden)
    profile = services.equality_answers_record(person=member, actor=admin, data=ANSWERS)
    assert profile.ethnic_group == EthnicGroup.BLACK_CARIBBEAN
    event = AuditEvent.objects.get(event_type=AuditEventType.EQUALITY_ANSWERS_RECORDED)
    # The event says that answers were recorded, never what they are.
    assert "caribbean" not in (event.summary + str(event.payload)).lower()
    organisation = MemberFactory(group=camden, organisation=True)
    with pytest.raises(ValidationError, match="Organisations"):
        services.equality_answers_record(person=organisation, actor=admin, data=ANSWERS)


def test_equality_answers_keep_no_history_and_erasing_leaves_no_copy(camden):
    """The profile has no simple-history table: erased means gone."""
    assert not hasattr(EqualityProfile, "history")
    tables = connection.introspection.table_names()
    assert not [t for t in tables if "historicalequalityprofile" in t]
    profile = EqualityProfileFactory(member=MemberFactory(group=camden))
    officer = OfficerFactory()
    with pytest.raises(ValidationError, match="Enter why"):
        services.equality_answers_erase(person=profile.member, actor=officer, reason=" ")
    assert services.equality_answers_erase(person=profile.member, actor=officer, reason="Asked by the person") is True
    assert not EqualityProfile.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM membership_equalityprofile")
        assert cursor.fetchone()[0] == 0


def test_answers_are_erased_once_the_retention_period_after_leaving_passes(camden):
    left_long_ago = EqualityProfileFactory(member=MemberFactory(group=camden, left_on=dt.date(2025, 1, 30)))
    left_lately = EqualityProfileFactory(member=MemberFactory(group=camden, left_on=dt.date(2025, 1, 31)))
    # exactly 90 days before: kept
    current = EqualityProfileFactory(member=MemberFactory(group=camden))
    assert services.equality_answers_erase_lapsed(today=dt.date(2025, 5, 1), retention_days=90) == 1
    assert set(EqualityProfile.objects.values_list("pk", flat=True)) == {left_lately.pk, current.pk}
    assert not Member.objects.filter(pk=left_long_ago.member_id, equality_profile__isnull=False).exists()
