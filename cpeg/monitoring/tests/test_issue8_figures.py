"""Figures an officer can stand behind (issue 8): every output an activity
evidences is pre-filled, yearly outputs are judged by their due quarter,
and "late" has one meaning."""

import datetime as dt
from decimal import Decimal

import pytest

from cpeg.agreements.models import GroupSlaOutput, SlaTemplateOutput
from cpeg.agreements.seed import YEARLY_OUTPUT_DUE_QUARTER
from cpeg.core.fiscal import Quarter
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.monitoring import services
from cpeg.monitoring.choices import Rag, ReturnStatus
from cpeg.monitoring.figures import pro_rata_target
from cpeg.monitoring.tests.factories import activity, group_sla
from cpeg.monitoring.workflow import is_late

pytestmark = pytest.mark.django_db


@pytest.fixture
def camden():
    """Camden's signed 2025/26 SLA (the small standard one); a meeting on
    10 May also evidences the yes/no SLA monitoring line, and a Face the
    People on 1 June evidences the narrative two-way engagement line."""
    group = EngagementGroupFactory(borough=borough("camden"))
    group_sla(group, 2025)
    meeting = activity(group, dt.date(2025, 5, 10), "public-meetings")
    meeting.evidence.create(output_code="sla-monitoring")
    activity(group, dt.date(2025, 6, 1), "two-way-engagement")
    return group


def test_yes_no_and_narrative_lines_are_pre_filled_with_their_evidence(camden):
    qr = services.return_open(group=camden, quarter=Quarter(2025, 1), today=dt.date(2025, 7, 1))
    lines = {line.output_code: line for line in qr.lines.all()}
    assert lines["sla-monitoring"].count_to_date == 1
    assert lines["two-way-engagement"].count_to_date == 1
    # Still no target and no suggested status for what is not counted.
    assert (lines["sla-monitoring"].pro_rata_target, lines["sla-monitoring"].suggested_rag) == (None, "")


@pytest.mark.parametrize(
    ("quarter", "due_quarter", "expected"),
    [(1, 4, "0"), (3, 4, "0"), (4, 4, "1"), (1, 2, "0"), (2, 2, "1"), (3, 2, "1"), (1, None, "0.25")],
)
def test_an_output_due_in_one_quarter_is_judged_against_the_whole_target_from_then(quarter, due_quarter, expected):
    assert pro_rata_target(1, quarter, due_quarter=due_quarter) == Decimal(expected)


def test_the_standard_sla_makes_the_annual_report_and_membership_review_due_in_q4():
    assert YEARLY_OUTPUT_DUE_QUARTER == {"annual-report": 4, "membership-review": 4}
    for model in (SlaTemplateOutput, GroupSlaOutput):
        assert model._meta.get_field("due_quarter").null is True


def test_an_annual_report_not_yet_published_in_q1_is_on_track(camden):
    SlaTemplateOutput.objects.filter(code="annual-report").update(due_quarter=4)
    GroupSlaOutput.objects.filter(code="annual-report").update(due_quarter=4)
    qr = services.return_open(group=camden, quarter=Quarter(2025, 1), today=dt.date(2025, 7, 1))
    line = qr.lines.get(output_code="annual-report")
    assert (line.pro_rata_target, line.count_to_date, line.suggested_rag) == (Decimal("0.00"), 0, Rag.GREEN)
    assert line.due_quarter == 4


@pytest.mark.parametrize(
    ("status", "first_submitted_on", "today", "late"),
    [
        (ReturnStatus.DRAFT, None, dt.date(2025, 10, 21), False),  # due today
        (ReturnStatus.DRAFT, None, dt.date(2025, 10, 22), True),  # not submitted, past due
        ("not_opened", None, dt.date(2025, 10, 22), True),
        (ReturnStatus.ACCEPTED, dt.date(2025, 10, 22), dt.date(2025, 12, 1), True),  # submitted after
        (ReturnStatus.ACCEPTED, dt.date(2025, 10, 21), dt.date(2025, 12, 1), False),
        (ReturnStatus.RETURNED, dt.date(2025, 10, 20), dt.date(2025, 12, 1), False),
    ],
)
def test_late_means_not_submitted_by_the_due_date(status, first_submitted_on, today, late):
    due_on = dt.date(2025, 10, 21)
    assert is_late(status=status, due_on=due_on, first_submitted_on=first_submitted_on, today=today) is late


# --- Withdrawn activities after a return froze ---------------------------------------


@pytest.fixture
def submitted_q1(camden):
    """Camden's Q1 return (one meeting counted) submitted by its administrator."""
    from cpeg.accounts.tests.factories import GroupAdminFactory
    from cpeg.monitoring.tests.factories import complete_lines

    qr = services.return_open(group=camden, quarter=Quarter(2025, 1), today=dt.date(2025, 7, 1))
    complete_lines(qr)
    return services.return_submit(quarterly_return=qr, actor=GroupAdminFactory(group=camden))


def _withdraw_meeting(group):
    from django.utils import timezone

    from cpeg.activities.models import Activity

    Activity.objects.filter(group=group, held_on=dt.date(2025, 5, 10)).update(
        withdrawn_at=timezone.now(), withdrawal_reason="Recorded twice"
    )


def test_a_submitted_return_shows_an_activity_withdrawn_since_and_the_officer_updates_the_figure(submitted_q1):
    from cpeg.accounts.tests.factories import OfficerFactory
    from cpeg.core.models import AuditEvent
    from cpeg.monitoring.selectors import return_page

    _withdraw_meeting(submitted_q1.group)
    changes = return_page(quarterly_return=submitted_q1).count_changes
    assert [(c.line.output_code, c.line.count_to_date, c.live, c.text) for c in changes] == [
        ("public-meetings", 1, 0, "1 activity counted in this return has since been withdrawn"),
        ("sla-monitoring", 1, 0, "1 activity counted in this return has since been withdrawn"),
    ]
    codes = services.return_counts_decide(quarterly_return=submitted_q1, actor=OfficerFactory(), update=True)
    assert codes == ["public-meetings", "sla-monitoring"]
    assert submitted_q1.lines.get(output_code="public-meetings").count_to_date == 0
    event = AuditEvent.objects.get(event_type="RETURN_COUNTS_UPDATED")
    assert event.payload["changes"]["public-meetings"] == {"old": 1, "new": 0}
    assert return_page(quarterly_return=submitted_q1).count_changes == []


def test_the_officer_may_keep_the_submitted_figure_instead(submitted_q1):
    from cpeg.accounts.tests.factories import OfficerFactory
    from cpeg.monitoring.selectors import return_page

    _withdraw_meeting(submitted_q1.group)
    services.return_counts_decide(quarterly_return=submitted_q1, actor=OfficerFactory(), update=False)
    assert submitted_q1.lines.get(output_code="public-meetings").count_to_date == 1
    assert return_page(quarterly_return=submitted_q1).count_changes == []


def test_only_an_officer_decides_and_only_on_a_frozen_return(camden, submitted_q1):
    from django.core.exceptions import PermissionDenied

    from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
    from cpeg.core.errors import InvalidTransition

    with pytest.raises(PermissionDenied):
        services.return_counts_decide(quarterly_return=submitted_q1, actor=GroupAdminFactory(group=camden), update=True)
    draft = services.return_open(group=camden, quarter=Quarter(2025, 2), today=dt.date(2025, 10, 1))
    with pytest.raises(InvalidTransition, match="not been submitted"):
        services.return_counts_decide(quarterly_return=draft, actor=OfficerFactory(), update=True)
