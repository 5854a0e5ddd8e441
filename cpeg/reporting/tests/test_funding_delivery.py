"""Last year's delivery beside an application being assessed (moved from
funding): judged against the signed SLA, returns owed since the group was
set up, and the assessment page showing it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cpeg.core.fiscal import FinancialYear
from cpeg.funding.tests.factories import FundingRoundFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.reporting.funding import selectors

pytestmark = pytest.mark.django_db
YEAR = FinancialYear(2024)


@pytest.mark.parametrize(
    ("established_on", "expected"),
    [
        (None, 4),
        (dt.date(2001, 4, 1), 4),
        (dt.date(2024, 6, 30), 4),  # set up on the last day of Q1: owes Q1
        (dt.date(2024, 7, 1), 3),
        (dt.date(2024, 11, 15), 2),
        (dt.date(2025, 3, 31), 1),
        (dt.date(2025, 4, 1), 0),  # set up after the year
    ],
)
def test_returns_expected_count_only_the_quarters_since_the_group_was_set_up(established_on, expected):
    group = EngagementGroupFactory(borough=borough("camden"), established_on=established_on)
    delivery = selectors.previous_year_delivery(group=group, year=YEAR)
    assert delivery.returns_expected == expected


def _delivery_year(group):
    """Camden's 2024/25, worked out by hand.

    Signed SLA (version 1): meetings 6 a year (a local variation), newsletters
    4, annual report 1 (counted); a yes/no and a narrative output. An officer
    then varies meetings to 2: a draft version 2 the group has not signed.

    Activities in the year: 3 meetings, 4 newsletters, 1 annual report (plus a
    meeting either side of the year, not counted). Against the signed targets
    newsletters and the annual report are met, meetings (3 of 6) are not:
    2 of 3 counted outputs. Against the draft it would wrongly be 3 of 3.

    Returns: Q1 on time; Q2 first submitted at 23:30 UTC on its due date,
    00:30 the next day in London, so late; Q3 on time, asking for support;
    Q4 still a draft, whose support request never reached the authority.
    On time: 2 of the 4 owed. Support needed: the Q3 request only.
    """
    from cpeg.accounts.tests.factories import OfficerFactory
    from cpeg.agreements import services as sla_services
    from cpeg.monitoring.tests.factories import QuarterlyReturnFactory, ReturnLineFactory, activity, group_sla

    signed = group_sla(group, 2024, targets={"public-meetings": 6})
    draft = sla_services.group_sla_output_vary(
        sla=signed,
        code="public-meetings",
        actor=OfficerFactory(),
        data={"measure": "count", "annual_target": 2, "reason": "Fewer halls available"},
        loaded_version=signed.version,
    )
    assert (draft.version_number, draft.status, draft.superseded_at) == (2, "draft", None)
    for day in (dt.date(2024, 5, 10), dt.date(2024, 9, 12), dt.date(2025, 2, 20)):
        activity(group, day, "public-meetings")
    activity(group, dt.date(2024, 3, 30), "public-meetings")  # 2023/24
    activity(group, dt.date(2025, 4, 2), "public-meetings")  # 2025/26
    for day in (dt.date(2024, 6, 1), dt.date(2024, 9, 1), dt.date(2024, 12, 1), dt.date(2025, 3, 1)):
        activity(group, day, "newsletters")
    activity(group, dt.date(2025, 3, 20), "annual-report")

    def submitted(year, month, day, hour=10, minute=0, tz=None):
        when = dt.datetime(year, month, day, hour, minute)
        return when.replace(tzinfo=tz) if tz else timezone.make_aware(when)

    QuarterlyReturnFactory(
        group=group,
        financial_year=2024,
        quarter=1,
        status="accepted",
        due_on=dt.date(2024, 7, 21),
        first_submitted_at=submitted(2024, 7, 15),
    )
    QuarterlyReturnFactory(
        group=group,
        financial_year=2024,
        quarter=2,
        status="accepted",
        due_on=dt.date(2024, 10, 21),
        first_submitted_at=submitted(2024, 10, 21, 23, 30, tz=dt.UTC),
    )
    q3 = QuarterlyReturnFactory(
        group=group,
        financial_year=2024,
        quarter=3,
        status="submitted",
        due_on=dt.date(2025, 1, 21),
        first_submitted_at=submitted(2025, 1, 20),
    )
    ReturnLineFactory(quarterly_return=q3, output="Hold public meetings", support_requested="Help finding a hall")
    ReturnLineFactory(quarterly_return=q3, output="Publish newsletters")
    q4 = QuarterlyReturnFactory(group=group, financial_year=2024, quarter=4, due_on=dt.date(2025, 4, 21))
    ReturnLineFactory(quarterly_return=q4, output="Publish newsletters", support_requested="Never sent")
    earlier = QuarterlyReturnFactory(
        group=group,
        financial_year=2023,
        quarter=4,
        status="accepted",
        due_on=dt.date(2024, 4, 21),
        first_submitted_at=submitted(2024, 4, 10),
    )
    ReturnLineFactory(quarterly_return=earlier, output="Hold public meetings", support_requested="Last year's")


def test_last_years_delivery_is_judged_against_the_signed_sla_not_an_unsigned_variation():
    group = EngagementGroupFactory(borough=borough("camden"))
    _delivery_year(group)
    delivery = selectors.previous_year_delivery(group=group, year=YEAR)
    assert [(o.code, o.target, o.delivered) for o in delivery.outputs] == [
        ("public-meetings", 6, 3),
        ("sla-monitoring", None, 0),
        ("newsletters", 4, 4),
        ("annual-report", 1, 1),
        ("two-way-engagement", None, 0),
    ]
    assert (delivery.outputs_met, delivery.outputs_with_targets) == (2, 3)
    assert delivery.public_meetings == 3
    assert (delivery.returns_on_time, delivery.returns_expected) == (2, 4)
    assert delivery.support_needed == ["Q3, Hold public meetings: Help finding a hall"]


def test_the_assessment_page_shows_last_years_delivery(client):
    from cpeg.accounts.tests.factories import OfficerFactory
    from cpeg.funding.tests.factories import FundingApplicationFactory

    group = EngagementGroupFactory(borough=borough("camden"))
    _delivery_year(group)
    application = FundingApplicationFactory(
        group=group, funding_round=FundingRoundFactory(financial_year=2025), submitted=True
    )
    client.force_login(OfficerFactory())
    page = client.get(reverse("funding:application-assess", kwargs={"pk": application.pk})).content.decode()
    assert "Delivery in 2024/25" in page
    assert "2 of 3 counted outputs" in page
    assert "2 of 4" in page
    assert "Q3, Hold public meetings: Help finding a hall" in page
    assert "Never sent" not in page
