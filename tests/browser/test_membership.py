"""An administrator takes a meeting's attendance register, sees absentees
flagged, records a membership review and a member's equality answers, and
reads the representation report; axe checks every page."""

import datetime as dt
import re

import pytest

from cpeg.accounts.tests.factories import GroupAdminFactory
from cpeg.activities.choices import ActivityType
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, ExecutiveMembershipFactory, borough
from cpeg.membership import services
from cpeg.membership.models import EqualityProfile
from cpeg.membership.tests.factories import EqualityProfileFactory, MemberFactory
from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def camden():
    group = EngagementGroupFactory(borough=borough("camden"), name="Camden Community and Police Engagement Group")
    admin = GroupAdminFactory(username="camden-admin", group=group)
    services.attendance_rule_set(group=group, actor=admin, data={"missed_meetings_limit": 3})
    ExecutiveMembershipFactory(group=group, person__full_name="Chris Chair", starts_on=dt.date(2024, 4, 1))
    members = [MemberFactory(group=group, name=name) for name in ("Ada Steady", "Ben Absent", "Cara New")]
    MemberFactory(group=group, organisation=True, name="Kentish Town TRA", people_represented=240)
    for member in members[:1]:
        EqualityProfileFactory(member=member)
    earlier = ActivityFactory(
        group=group, activity_type=ActivityType.PUBLIC_MEETING, title="September meeting", held_on=dt.date(2026, 9, 8)
    )
    services.attendance_record(activity=earlier, actor=admin, member_ids=[members[0].pk], executive_ids=[])
    ActivityFactory(
        group=group, activity_type=ActivityType.PUBLIC_MEETING, title="November meeting", held_on=dt.date(2026, 11, 10)
    )
    return group


def submit(page, name):
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_an_administrator_reviews_membership_after_a_meeting_register_flags_absentees(page, live_server, camden):
    sign_in(page, live_server, "camden-admin")
    meeting = camden.activities.get(title="November meeting")
    visit(page, f"{live_server.url}/activities/{meeting.pk}/")
    page.get_by_role("link", name="Members and executive present (attendance register)").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Attendance register: November meeting").is_visible()
    assert_accessible(page)
    page.get_by_label("Ada Steady").check()
    page.get_by_label("Chris Chair (Chair)").check()
    submit(page, "Save attendance")

    # Ben has missed both registered meetings: one short of the rule's 3.
    assert page.get_by_role("heading", name="Membership of Camden Community and Police Engagement Group").is_visible()
    ben = page.get_by_role("row").filter(has_text="Ben Absent")
    assert ben.get_by_text("At risk").is_visible()
    assert page.get_by_role("row").filter(has_text="Ada Steady").get_by_text("At risk").count() == 0
    assert_accessible(page)
    page.get_by_role("link", name="members at risk: list them").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Members at risk under the attendance rule").is_visible()
    assert page.get_by_role("cell", name="Ben Absent", exact=True).is_visible()
    assert page.get_by_role("cell", name="Ada Steady", exact=True).count() == 0

    page.get_by_role("link", name="Record a membership review").click()
    page.wait_for_load_state()
    submit(page, "Save")
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.get_by_role("link", name="Enter the outcome of the review").is_visible()
    assert_accessible(page)
    page.get_by_label("Day", exact=True).fill("12")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_label("How many members were reviewed?").fill("4")
    page.get_by_label("How many members' membership ended?").fill("0")
    page.get_by_label("Outcome").fill("Wrote to Ben Absent about attendance.")
    page.get_by_label("Meeting where it was agreed (optional)").select_option(label=str(meeting))
    submit(page, "Save")
    assert page.get_by_role("cell", name="Wrote to Ben Absent about attendance.").is_visible()
    assert_accessible(page)


def test_a_member_fills_in_the_equality_form_with_the_administrator(page, live_server, camden):
    sign_in(page, live_server, "camden-admin")
    visit(page, f"{live_server.url}/membership/groups/{camden.pk}/")
    page.get_by_role("link", name="Record equality answers for Cara New").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Equality monitoring: Cara New").is_visible()
    assert_accessible(page)
    page.get_by_role("radio", name="Asian, Asian British or Asian Welsh: Indian").check()
    submit(page, "Save answers")
    assert page.get_by_role("link", name="Confirm that the person has given consent").is_visible()
    assert page.get_by_role("link", name="Select sex, or prefer not to say").is_visible()
    # What was chosen is kept.
    assert page.get_by_role("radio", name="Asian, Asian British or Asian Welsh: Indian").is_checked()
    assert_accessible(page)
    page.get_by_label("The person has agreed").check()
    page.get_by_label("Day", exact=True).fill("20")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill("2026")
    for group_name in ("Sex", "Age", "Religion", "Sexual orientation (people aged 16 or over)"):
        page.get_by_role("group", name=group_name, exact=True).get_by_role("radio", name="Prefer not to say").check()
    page.get_by_role("radio", name="Not disabled").check()
    submit(page, "Save answers")
    assert page.get_by_text("Equality monitoring answers saved for Cara New").is_visible()
    assert EqualityProfile.objects.filter(member__name="Cara New", ethnic_group="asian_indian").exists()

    page.get_by_role("link", name="Who the group represents").click()
    page.wait_for_load_state()
    assert page.get_by_text("Fewer than 5 people have answered: no figures are shown.").first.is_visible()
    assert_accessible(page)


def test_an_administrator_records_a_skills_audit_and_sees_the_training_need(page, live_server, camden):
    from cpeg.membership.models import Skill, SkillsAudit

    services.skills_seed()  # a transactional test before this may have emptied the table
    sign_in(page, live_server, "camden-admin")
    visit(page, f"{live_server.url}/membership/groups/{camden.pk}/")
    page.get_by_role("link", name="Skills and training").click()
    page.wait_for_load_state()
    assert page.get_by_role(
        "heading", name="Skills and training: Camden Community and Police Engagement Group"
    ).is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record a skills audit of Chris Chair").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Skills audit: Chris Chair").is_visible()
    page.get_by_label("Chairing meetings", exact=True).select_option(label="Could train others")
    submit(page, "Save")
    # Every missing answer is listed at once, and what was chosen is kept.
    assert page.get_by_role("link", name="Select a level for Safeguarding").is_visible()
    assert page.get_by_label("Chairing meetings", exact=True).input_value() == "expert"
    assert_accessible(page)
    for skill in Skill.objects.filter(is_active=True).exclude(name="Chairing meetings"):
        page.get_by_label(skill.name, exact=True).select_option(label="Some experience")
    page.get_by_label("Needs training in safeguarding").check()
    page.get_by_label("Day", exact=True).fill("1")
    page.get_by_label("Month", exact=True).fill("6")
    page.get_by_label("Year", exact=True).fill("2026")
    submit(page, "Save")
    assert page.get_by_text("Skills audit saved for Chris Chair").is_visible()
    assert (
        SkillsAudit.objects.get(executive__person__full_name="Chris Chair")
        .assessments.filter(training_needed=True, skill__name="Safeguarding")
        .exists()
    )
    page.get_by_role("link", name="still needing training in Safeguarding: list them").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Still needing training in safeguarding").is_visible()
    assert page.get_by_role("heading", name="Chris Chair (Chair)").is_visible()
    assert_accessible(page)


def test_an_administrator_records_the_profile_of_the_people_an_organisation_speaks_for(page, live_server, camden):
    from cpeg.membership.models import OrganisationProfile

    sign_in(page, live_server, "camden-admin")
    visit(page, f"{live_server.url}/membership/groups/{camden.pk}/")
    row = page.get_by_role("row").filter(has_text="Kentish Town TRA")
    row.get_by_role("link", name="Profile of the people it speaks for").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="The people Kentish Town TRA speaks for").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Add\s+sex$")).click()
    page.wait_for_load_state()
    page.get_by_label("Female", exact=True).fill("300")
    submit(page, "Save")
    # 300 is more than the 240 people it speaks for, and the date and source are missing.
    assert page.get_by_role(
        "link", name="Enter where the figures come from, like our own survey 2025 or estimate"
    ).is_visible()
    assert page.get_by_label("Female", exact=True).input_value() == "300"
    assert_accessible(page)
    page.get_by_label("Female", exact=True).fill("120")
    page.get_by_label("Male", exact=True).fill("100")
    page.get_by_label("Day", exact=True).fill("1")
    page.get_by_label("Month", exact=True).fill("6")
    page.get_by_label("Year", exact=True).fill("2025")
    page.get_by_label("Where the figures come from").fill("Our own survey 2025")
    submit(page, "Save")
    assert page.get_by_text("Sex profile saved for Kentish Town TRA").is_visible()
    assert OrganisationProfile.objects.get().counts == {"female": 120, "male": 100, "prefer_not_to_say": 0}
    assert_accessible(page)
