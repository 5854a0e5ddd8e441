"""The skills audit, training attended, and training needs per group and
across groups, against hand counts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cpeg.accounts.roles import Role
from cpeg.accounts.tests.factories import GroupAdminFactory, GroupExecutiveFactory, OfficerFactory
from cpeg.activities.choices import ActivityType
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, ExecutiveMembershipFactory, borough
from cpeg.membership import figures, selectors, services
from cpeg.membership.models import Skill, SkillAssessment

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def skills():
    """The seeded list (migration 0003), restored if a transactional test
    emptied the table before this one ran."""
    services.skills_seed()


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"))


def _answers(needs=()):
    """Every active skill at "some"; training needed for the names given."""
    return {s.pk: ("some", s.name in needs) for s in Skill.objects.filter(is_active=True)}


def _audit(person, actor, needs=()):
    return services.skills_audit_save(
        person=person, actor=actor, data={"assessed_on": dt.date(2026, 6, 1), "skills": _answers(needs)}
    )


def test_the_skill_list_is_seeded_and_asked_in_order():
    assert services.skills_seed() == 0  # idempotent
    names = list(Skill.objects.filter(is_active=True).values_list("name", flat=True))
    assert names[:3] == ["Chairing meetings", "Finance and budgeting", "Safeguarding"]
    assert "Data protection" in names
    assert "Engagement methods" in names


def test_the_administrator_records_an_executive_members_audit_and_changes_it(camden):
    admin = GroupAdminFactory(group=camden)
    seat = ExecutiveMembershipFactory(group=camden)
    audit = _audit(seat, admin, needs=("Safeguarding",))
    assert audit.assessments.count() == Skill.objects.filter(is_active=True).count()
    assert list(audit.assessments.filter(training_needed=True).values_list("skill__name", flat=True)) == [
        "Safeguarding"
    ]
    again = services.skills_audit_save(
        person=seat,
        actor=admin,
        data={"assessed_on": dt.date(2026, 7, 1), "skills": _answers(("Finance and budgeting",))},
        loaded_version=audit.version,
    )
    assert again.pk == audit.pk
    assert again.version == audit.version + 1
    assert set(again.assessments.filter(training_needed=True).values_list("skill__name", flat=True)) == {
        "Finance and budgeting"
    }
    assert SkillAssessment.history.filter(audit_id=audit.pk).count() > again.assessments.count()
    assert AuditEvent.objects.filter(event_type="SKILLS_AUDIT_RECORDED", group=camden).count() == 2


def test_a_skill_left_unanswered_is_refused_and_nothing_is_saved(camden):
    admin = GroupAdminFactory(group=camden)
    seat = ExecutiveMembershipFactory(group=camden)
    answers = _answers()
    answers.pop(Skill.objects.get(name="Safeguarding").pk)
    with pytest.raises(ValidationError, match="Select a level for Safeguarding"):
        services.skills_audit_save(person=seat, actor=admin, data={"assessed_on": TODAY, "skills": answers})
    assert not selectors.skills_audit_for(seat)


def test_the_chair_and_another_groups_administrator_cannot_change_the_audit(camden):
    seat = ExecutiveMembershipFactory(group=camden)
    for actor in (GroupExecutiveFactory(group=camden), GroupAdminFactory(group=EngagementGroupFactory())):
        with pytest.raises(PermissionDenied):
            _audit(seat, actor)


def test_training_must_be_one_of_the_groups_training_sessions(camden):
    admin = GroupAdminFactory(group=camden)
    audit = _audit(ExecutiveMembershipFactory(group=camden), admin, needs=("Safeguarding",))
    meeting = ActivityFactory(group=camden, activity_type=ActivityType.PUBLIC_MEETING, held_on=dt.date(2026, 7, 1))
    elsewhere = ActivityFactory(activity_type=ActivityType.TRAINING, held_on=dt.date(2026, 7, 1))
    for activity in (meeting, elsewhere):
        with pytest.raises(ValidationError, match="training sessions"):
            services.training_attended_add(audit=audit, actor=admin, activity=activity)


def test_training_needs_per_group_and_across_groups_match_a_hand_count(camden, client):
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    camden_admin_user = GroupAdminFactory(group=camden)
    officer = OfficerFactory()
    safeguarding = Skill.objects.get(name="Safeguarding")
    Skill.objects.get(name="Finance and budgeting")
    chair = ExecutiveMembershipFactory(group=camden, role="chair")
    treasurer = ExecutiveMembershipFactory(group=camden, role="treasurer")
    hackney_chair = ExecutiveMembershipFactory(group=hackney, role="chair")
    a1 = _audit(chair, officer, needs=("Safeguarding", "Finance and budgeting"))
    _audit(treasurer, officer, needs=("Safeguarding",))
    _audit(hackney_chair, officer, needs=("Safeguarding",))
    assignment = camden_admin_user.role_assignments.get(role=Role.GROUP_ADMIN)
    _audit(assignment, officer, needs=("Finance and budgeting",))
    # A former executive member's need is not counted.
    former = ExecutiveMembershipFactory(group=camden, role="other", ends_on=dt.date(2025, 1, 1))
    _audit(former, officer, needs=("Safeguarding",))
    session = ActivityFactory(group=camden, activity_type=ActivityType.TRAINING, held_on=dt.date(2026, 9, 1))
    services.training_attended_add(audit=a1, actor=officer, activity=session, skill=safeguarding)

    # Hand count, Camden: safeguarding needs chair + treasurer = 2, met 1
    # (chair trained); finance chair + administrator = 2, met 0.
    page = selectors.skills_page(group=camden, today=TODAY)
    summary = {row.skill.name: row.needs for row in page.summary}
    assert summary["Safeguarding"] == figures.NeedCount(2, 1)
    assert summary["Finance and budgeting"] == figures.NeedCount(2, 0)
    assert len(page.people) == 3  # chair, treasurer, administrator
    listed = selectors.skills_page(group=camden, today=TODAY, need=str(safeguarding.pk)).people
    assert [p.name for p in listed] == [treasurer.person.full_name]

    # London: safeguarding 3 needs (2 Camden + 1 Hackney), 1 met, 2 groups
    # still needing it; finance 2 needs, 1 group.
    london = selectors.training_needs_london(today=TODAY, skill=str(safeguarding.pk))
    rows = {r.skill.name: r for r in london.rows}
    assert rows["Safeguarding"].needs == figures.NeedCount(3, 1)
    assert rows["Safeguarding"].groups == 2
    assert rows["Finance and budgeting"].needs == figures.NeedCount(2, 0)
    assert rows["Finance and budgeting"].groups == 1
    assert london.totals == figures.NeedCount(5, 1)
    assert sorted((p.group_name, p.met) for p in london.people) == sorted(
        [(camden.name, True), (camden.name, False), (hackney.name, False)]
    )

    client.force_login(officer)
    response = client.get(reverse("membership:training-needs") + f"?skill={safeguarding.pk}")
    assert response.status_code == 200
    assert hackney_chair.person.full_name in response.content.decode()


def test_skills_page_queries_are_bounded(camden, client, django_assert_max_num_queries):
    officer = OfficerFactory()
    for role in ("chair", "vice_chair", "secretary", "treasurer"):
        _audit(ExecutiveMembershipFactory(group=camden, role=role), officer, needs=("Safeguarding",))
    client.force_login(officer)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("membership:skills", kwargs={"pk": camden.pk})).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("membership:training-needs")).status_code == 200


def test_the_administrator_records_an_audit_through_the_form(camden, client):
    admin = GroupAdminFactory(group=camden)
    seat = ExecutiveMembershipFactory(group=camden)
    client.force_login(admin)
    url = reverse("membership:executive-skills", kwargs={"pk": seat.pk})
    data = {"assessed_on_0": "1", "assessed_on_1": "6", "assessed_on_2": "2026"}
    for skill in Skill.objects.filter(is_active=True):
        data[f"level_{skill.pk}"] = "confident"
    response = client.post(url, data | {f"level_{Skill.objects.first().pk}": ""})
    assert response.status_code == 400
    assert "Select a level for Chairing meetings" in response.content.decode()
    response = client.post(url, data)
    assert response.status_code == 302
    assert selectors.skills_audit_for(seat).assessments.filter(level="confident").count() == len(
        [k for k in data if k.startswith("level_")]
    )
