"""Membership pages: what each role sees, suppression on the page, and a
bounded number of queries at two sizes of data."""

import datetime as dt
import logging

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.activities.choices import ActivityType
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, ExecutiveMembershipFactory, borough
from cpeg.membership import services
from cpeg.membership.choices import EthnicGroup
from cpeg.membership.models import EqualityProfile
from cpeg.membership.tests.factories import EqualityProfileFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"))


def _fill(group, n, *, ethnic=EthnicGroup.WHITE_BRITISH):
    for _ in range(n):
        EqualityProfileFactory(member=MemberFactory(group=group), ethnic_group=ethnic)


def test_one_person_in_a_category_is_never_on_the_representation_page(client, camden):
    _fill(camden, 9)
    _fill(camden, 1, ethnic=EthnicGroup.BLACK_CARIBBEAN)
    client.force_login(OfficerFactory())
    response = client.get(reverse("membership:representation", kwargs={"pk": camden.pk}))
    assert response.status_code == 200
    rows = {t.name: {r.key: r.count for r in t.rows} for t in response.context["report"].members.tables}
    # 9 White, 1 Black: Black hidden, and White with it (the total is 10).
    assert rows["high_level"]["black"] is None
    assert rows["high_level"]["white"] is None
    assert rows["high_level"]["asian"] == 0
    html = response.content.decode()
    assert "Not shown" in html
    assert ">1<" not in html


def test_officers_and_link_members_never_reach_individual_answers(client, camden):
    profile = EqualityProfileFactory(member=MemberFactory(group=camden))
    url = reverse("membership:equality", kwargs={"pk": profile.member_id})
    for user in (OfficerFactory(), LinkMemberFactory(boroughs=[borough("camden")])):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"sex": "male"}).status_code == 404
    assert EqualityProfile.objects.get().sex == "female"


def test_the_administrator_reads_answers_and_each_reading_is_logged(client, camden, caplog):
    profile = EqualityProfileFactory(member=MemberFactory(group=camden))
    admin = GroupAdminFactory(group=camden)
    client.force_login(admin)
    with caplog.at_level(logging.INFO, logger="cpeg.membership.equality_access"):
        response = client.get(reverse("membership:equality", kwargs={"pk": profile.member_id}))
    assert response.status_code == 200
    assert f"user {admin.pk} read the equality answers of member {profile.member_id}" in caplog.text


def test_the_administrator_records_answers_with_consent_through_the_form(client, camden):
    member = MemberFactory(group=camden)
    client.force_login(GroupAdminFactory(group=camden))
    url = reverse("membership:equality", kwargs={"pk": member.pk})
    data = {
        "consent_given_on_0": "3",
        "consent_given_on_1": "4",
        "consent_given_on_2": "2025",
        "ethnic_group": EthnicGroup.ASIAN_INDIAN,
        "sex": "prefer_not_to_say",
        "age_band": "35_44",
        "disability": "not_disabled",
        "religion": "hindu",
        "sexual_orientation": "straight",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Confirm that the person has given consent" in response.content.decode()
    response = client.post(url, data | {"consent": "on"})
    assert response.status_code == 302
    assert EqualityProfile.objects.get(member=member).consent_given_on == dt.date(2025, 4, 3)


def _build(group, members):
    services.attendance_rule_set(group=group, actor=OfficerFactory(), data={"missed_meetings_limit": 2})
    people = [MemberFactory(group=group) for _ in range(members)]
    people += [MemberFactory(group=group, organisation=True) for _ in range(members)]
    seats = [ExecutiveMembershipFactory(group=group, starts_on=dt.date(2024, 1, 1)) for _ in range(3)]
    for person in people[: members // 2]:
        EqualityProfileFactory(member=person)
    for seat in seats:
        EqualityProfileFactory(member=None, executive=seat)
    admin = GroupAdminFactory(group=group)
    for month in (3, 6, 9):
        meeting = ActivityFactory(
            group=group, activity_type=ActivityType.PUBLIC_MEETING, held_on=dt.date(2025, month, 1)
        )
        services.attendance_record(
            activity=meeting, actor=admin, member_ids=[p.pk for p in people[::2]], executive_ids=[seats[0].pk]
        )
    return admin


@pytest.mark.parametrize("size", [3, 30])
def test_membership_pages_take_a_fixed_number_of_queries(client, django_assert_max_num_queries, size):
    group = EngagementGroupFactory(borough=borough("camden"))
    admin = _build(group, size)
    meeting = group.activities.first()
    client.force_login(admin)
    for name, pk in (
        ("membership:register", group.pk),
        ("membership:representation", group.pk),
        ("membership:attendance", meeting.pk),
    ):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(name, kwargs={"pk": pk})).status_code == 200
    client.force_login(OfficerFactory())
    with django_assert_max_num_queries(20):
        assert client.get(reverse("membership:representation-london")).status_code == 200


def test_a_public_meetings_page_links_its_attendance_register_for_the_group_only(client, camden):
    meeting = ActivityFactory(group=camden, activity_type=ActivityType.PUBLIC_MEETING)
    url = reverse("activities:activity-detail", kwargs={"pk": meeting.pk})
    register = reverse("membership:attendance", kwargs={"pk": meeting.pk})
    client.force_login(GroupAdminFactory(group=camden))
    assert register in client.get(url).content.decode()
    client.force_login(LinkMemberFactory(boroughs=[borough("camden")]))
    response = client.get(url)
    assert response.status_code == 200
    assert register not in response.content.decode()


def test_the_london_figures_for_a_link_member_add_only_their_boroughs_groups(client, camden):
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    _fill(camden, 6)
    _fill(hackney, 7)
    client.force_login(LinkMemberFactory(boroughs=[borough("camden")]))
    report = client.get(reverse("membership:representation-london")).context["report"]
    assert report.members.total == 6
    client.force_login(OfficerFactory())
    report = client.get(reverse("membership:representation-london")).context["report"]
    assert report.members.total == 13
    white = report.members.tables[0].table.cell("white")
    assert white.value == 13
