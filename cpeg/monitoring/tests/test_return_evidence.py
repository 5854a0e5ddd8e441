"""A return line shows the records that evidence it: the group's
consultation response, programme engagements, two-way mechanisms, Policing
Pledge reports and membership reviews, each linked, in a fixed number of
queries."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.activities.choices import ActivityType
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.consultations.choices import MechanismKind
from cpeg.consultations.models import (
    EngagementLevel,
    PartnerProgramme,
    PledgeReport,
    ProgrammeEngagement,
    TwoWayMechanism,
)
from cpeg.consultations.tests.factories import ConsultationFactory, SentResponseFactory
from cpeg.core.fiscal import Quarter
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.membership.models import MembershipReview
from cpeg.monitoring import services
from cpeg.monitoring.tests.factories import group_sla, standard_template

pytestmark = pytest.mark.django_db

OUTPUTS = [
    ("public-meetings", "Hold at least 4 public meetings/events per annum", "count", 4),
    ("policing-plan-consultation", "Annual Policing Plan Consultation", "yes_no", None),
    ("met-forward", "Respond to Met Forward programmes as they arise", "narrative", None),
    ("policing-pledge", "Policing Pledge/Confidence", "narrative", None),
    ("two-way-engagement", "Develop Two-Way Mechanisms For Engagement & Consultation", "narrative", None),
    ("membership-review", "Keep Membership Under Regular Review", "count", 1),
]


@pytest.fixture
def camden():
    group = EngagementGroupFactory(borough=borough("camden"))
    standard_template(2025, outputs=OUTPUTS)
    group_sla(group, 2025)
    return group


@pytest.fixture
def q3(camden):
    """Camden's return for Q3 2025/26 (October to December 2025)."""
    return services.return_open(group=camden, quarter=Quarter(2025, 3), today=dt.date(2026, 1, 2))


def _programme():
    programme = PartnerProgramme.objects.create(
        financial_year=2025, name="Met Forward: gangs", output_code="met-forward"
    )
    return programme, EngagementLevel.objects.create(programme=programme, name="Briefing note circulated", rank=1)


def _records(group, n: int, programme, level):
    """n of each kind of record, all inside the year to the end of Q3."""
    for i in range(n):
        SentResponseFactory(
            group=group,
            consultation=ConsultationFactory(opens_on=dt.date(2025, 11, 3), closes_on=dt.date(2026, 1, 30)),
            organisations_count=12 + i,
            individuals_count=3,
            submitted_at=dt.datetime(2025, 12, 1, 12, tzinfo=dt.UTC),
        )
        ProgrammeEngagement.objects.create(
            programme=programme, group=group, level=level, engaged_on=dt.date(2025, 10, 15)
        )
        TwoWayMechanism.objects.create(
            group=group,
            kind=MechanismKind.CDRP_SEAT,
            held_on=dt.date(2025, 9, 1),
            description=f"The chair attended the CDRP board ({i})",
        )
        meeting = ActivityFactory(group=group, held_on=dt.date(2025, 11, 10), title=f"Autumn public meeting {i}")
        PledgeReport.objects.create(activity=meeting, group=group, performance_reported=True, confidence_reported=False)
        MembershipReview.objects.create(
            group=group, reviewed_on=dt.date(2025, 6, 30), members_reviewed=30, members_removed=2, outcome="Reviewed"
        )


def _evidence(html: str, code: str) -> str:
    match = re.search(rf'data-evidence="{code}">(.*?)</dd>', html, re.S)
    assert match, code
    return match.group(1)


def test_each_line_lists_the_records_that_evidence_it_linked(client, camden, q3):
    programme, level = _programme()
    _records(camden, 1, programme, level)
    # Outside the period: a response sent after the end of Q3, an
    # engagement of last year, a meeting with nothing reported.
    SentResponseFactory(group=camden, submitted_at=dt.datetime(2026, 1, 20, 12, tzinfo=dt.UTC))
    meeting = ActivityFactory(group=camden, held_on=dt.date(2025, 10, 2), title="Quiet meeting")
    PledgeReport.objects.create(activity=meeting, group=camden, performance_reported=False, confidence_reported=False)
    face = ActivityFactory(group=camden, activity_type=ActivityType.FACE_THE_PEOPLE, held_on=dt.date(2025, 11, 20))
    TwoWayMechanism.objects.create(
        group=camden,
        kind=MechanismKind.FACE_THE_PEOPLE,
        held_on=face.held_on,
        description="Face the People",
        activity=face,
    )
    client.force_login(OfficerFactory())
    html = client.get(q3.get_absolute_url()).content.decode()

    plan = _evidence(html, "policing-plan-consultation")
    response = camden.consultation_responses.get(submitted_at__date=dt.date(2025, 12, 1))
    assert reverse("consultations:response-detail", args=[response.pk]) in plan
    assert "responded for 12 member organisations and 3 individuals" in plan
    assert plan.count("<li>") == 1
    forward = _evidence(html, "met-forward")
    assert "Met Forward: gangs: Briefing note circulated" in forward
    assert reverse("consultations:group-programmes", args=[camden.pk]) in forward
    two_way = _evidence(html, "two-way-engagement")
    assert two_way.count("<li>") == 2
    assert "Representation on the CDRP: The chair attended the CDRP board (0)" in two_way
    assert reverse("activities:activity-detail", args=[face.pk]) in two_way
    pledge = _evidence(html, "policing-pledge")
    assert "Autumn public meeting 0: the borough commander reported performance figures" in pledge
    assert "Quiet meeting" not in pledge
    review = _evidence(html, "membership-review")
    assert "Membership review: 30 members reviewed, 2 whose membership ended" in review
    assert reverse("membership:register", args=[camden.pk]) in review
    # Lines no record can evidence show no such row.
    assert 'data-evidence="public-meetings"' not in html


def test_a_link_member_sees_the_review_but_no_link_to_the_register(client, camden, q3):
    MembershipReview.objects.create(
        group=camden, reviewed_on=dt.date(2025, 6, 30), members_reviewed=30, members_removed=2, outcome="Reviewed"
    )
    client.force_login(LinkMemberFactory(boroughs=[borough("camden")]))
    review = _evidence(client.get(q3.get_absolute_url()).content.decode(), "membership-review")
    assert "30 members reviewed" in review
    assert reverse("membership:register", args=[camden.pk]) not in review


def test_the_section_the_group_fills_in_shows_the_evidence_too(client, camden, q3):
    programme, level = _programme()
    _records(camden, 1, programme, level)
    client.force_login(GroupAdminFactory(group=camden))
    html = "".join(
        client.get(reverse("monitoring:return-section", args=[q3.pk, number])).content.decode() for number in (1, 2, 3)
    )
    assert "responded for 12 member organisations and 3 individuals" in html
    assert "None recorded yet" not in _evidence(html, "met-forward")


def test_the_return_page_reads_the_same_number_of_queries_for_more_records(
    client, camden, q3, django_assert_max_num_queries
):
    programme, level = _programme()
    _records(camden, 1, programme, level)
    client.force_login(OfficerFactory())
    with django_assert_max_num_queries(40) as few:
        assert client.get(q3.get_absolute_url()).status_code == 200
    _records(camden, 6, programme, level)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(q3.get_absolute_url()).content.decode()
    assert _evidence(html, "two-way-engagement").count("<li>") == 7
