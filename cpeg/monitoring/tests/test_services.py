"""Opening, pre-filling, answering, submitting and reviewing quarterly returns."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from cpeg.accounts.tests.factories import GroupAdminFactory, GroupExecutiveFactory, OfficerFactory
from cpeg.core.errors import EditConflict, InvalidTransition
from cpeg.core.fiscal import Quarter
from cpeg.core.models import AuditEvent
from cpeg.groups.choices import GroupStatus
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.monitoring import services
from cpeg.monitoring.choices import Rag, ReturnStatus
from cpeg.monitoring.models import QuarterlyReturn
from cpeg.monitoring.tests.factories import activity, complete_lines, group_sla, standard_template

pytestmark = pytest.mark.django_db

AFTER_Q2 = dt.date(2025, 10, 1)


@pytest.fixture
def camden():
    """Camden's 2025/26 SLA varies public meetings to 6 a year; its activity record:

    public meetings 10 May, 20 Jun (Q1), 15 Aug (Q2), 1 Oct (Q3);
    newsletter 30 Apr (Q1); one meeting the year before (15 Mar 2025).
    """
    group = EngagementGroupFactory(borough=borough("camden"))
    group_sla(group, 2025, targets={"public-meetings": 6}, reasons={"public-meetings": "Two extra ward meetings"})
    for day in (dt.date(2025, 5, 10), dt.date(2025, 6, 20), dt.date(2025, 8, 15), dt.date(2025, 10, 1)):
        activity(group, day, "public-meetings")
    activity(group, dt.date(2025, 4, 30), "newsletters")
    activity(group, dt.date(2025, 3, 15), "public-meetings")
    return group


@pytest.fixture
def hackney():
    """Hackney has no SLA for 2025/26 (the standard one applies); 1 meeting in Q2,
    1 newsletter, and Camden's figures must not leak into its return."""
    group = EngagementGroupFactory(borough=borough("hackney"))
    standard_template(2025)
    activity(group, dt.date(2025, 7, 7), "public-meetings")
    activity(group, dt.date(2025, 9, 30), "newsletters")
    return group


def _lines(qr):
    return {line.output_code: line for line in qr.lines.all()}


def test_a_return_opens_pre_filled_with_counts_against_pro_rata_targets_including_a_local_variation(camden, hackney):
    qr = services.return_open(group=camden, quarter=Quarter(2025, 2), today=AFTER_Q2)

    assert (qr.financial_year, qr.quarter, qr.status) == (2025, 2, ReturnStatus.DRAFT)
    assert qr.due_on == dt.date(2025, 10, 21)
    lines = _lines(qr)
    assert list(lines) == ["public-meetings", "sla-monitoring", "newsletters", "annual-report", "two-way-engagement"]
    meetings = lines["public-meetings"]
    # Target varied to 6: Q2 pro-rata 6 x 2 / 4 = 3; held 10 May, 20 Jun, 15 Aug = 3 (1 Oct is Q3, March last year).
    assert (meetings.annual_target, meetings.pro_rata_target, meetings.count_to_date) == (6, Decimal("3.00"), 3)
    assert meetings.is_variation
    assert meetings.variation_reason == "Two extra ward meetings"
    assert meetings.suggested_rag == meetings.rag == Rag.GREEN
    # Newsletters: 1 of 4 x 2 / 4 = 2: within one -> amber.
    assert (lines["newsletters"].pro_rata_target, lines["newsletters"].count_to_date) == (Decimal("2.00"), 1)
    assert lines["newsletters"].suggested_rag == Rag.AMBER
    # Annual report: 0 of 1 x 2 / 4 = 0.5 -> within one -> amber.
    assert (lines["annual-report"].pro_rata_target, lines["annual-report"].count_to_date) == (Decimal("0.50"), 0)
    assert lines["annual-report"].suggested_rag == Rag.AMBER
    # Yes/no and narrative lines: their evidence (none here) but no target,
    # no suggestion, no status yet.
    for code in ("sla-monitoring", "two-way-engagement"):
        assert (lines[code].count_to_date, lines[code].pro_rata_target, lines[code].suggested_rag) == (0, None, "")
        assert lines[code].rag == ""


def test_the_q1_return_counts_only_to_the_end_of_june(camden):
    qr = services.return_open(group=camden, quarter=Quarter(2025, 1), today=dt.date(2025, 7, 1))
    meetings = _lines(qr)["public-meetings"]
    # 6 x 1 / 4 = 1.5; held 10 May and 20 Jun = 2 -> green.
    assert (meetings.pro_rata_target, meetings.count_to_date, meetings.suggested_rag) == (
        Decimal("1.50"),
        2,
        Rag.GREEN,
    )
    assert qr.due_on == dt.date(2025, 7, 21)  # 30 Jun + 15 working days, no bank holidays


def test_a_group_without_an_sla_gets_the_standard_targets_and_only_its_own_activities(camden, hackney):
    qr = services.return_open(group=hackney, quarter=Quarter(2025, 2), today=AFTER_Q2)
    meetings = _lines(qr)["public-meetings"]
    # Standard 4 a year: Q2 pro-rata 2; Hackney held 1 (7 Jul) -> within one -> amber.
    assert (meetings.annual_target, meetings.pro_rata_target, meetings.count_to_date) == (4, Decimal("2.00"), 1)
    assert meetings.suggested_rag == Rag.AMBER
    assert not meetings.is_variation


def test_opening_is_idempotent_and_refused_before_the_quarter_ends(camden):
    first = services.return_open(group=camden, quarter=Quarter(2025, 2), today=AFTER_Q2)
    again = services.return_open(group=camden, quarter=Quarter(2025, 2), today=AFTER_Q2)
    assert first.pk == again.pk
    assert QuarterlyReturn.objects.count() == 1
    assert first.lines.count() == 5
    with pytest.raises(ValidationError, match="has not ended"):
        services.return_open(group=camden, quarter=Quarter(2025, 3), today=AFTER_Q2)


def test_the_cron_command_opens_every_missing_return_once(camden, hackney, capsys):
    standard_template(2024)
    EngagementGroupFactory(borough=borough("sutton"), status=GroupStatus.SUSPENDED)
    call_command("open_quarterly_returns", today="2025-10-01")
    # Camden and Hackney: 2024/25 Q4 (standard SLA), 2025/26 Q1 and Q2. The suspended group gets none.
    assert QuarterlyReturn.objects.count() == 6
    assert set(QuarterlyReturn.objects.values_list("financial_year", "quarter").distinct()) == {
        (2024, 4),
        (2025, 1),
        (2025, 2),
    }
    call_command("open_quarterly_returns", today="2025-10-01")
    call_command("open_quarterly_returns", today="2025-10-02")
    assert QuarterlyReturn.objects.count() == 6
    assert "0 returns opened" in capsys.readouterr().out
    assert AuditEvent.objects.filter(event_type="RETURN_OPENED").count() == 6


def test_a_year_with_no_sla_and_no_standard_sla_opens_no_return(camden):
    assert services.return_open(group=camden, quarter=Quarter(2023, 2), today=AFTER_Q2) is None


def test_figures_refresh_while_draft_and_freeze_once_submitted(camden):
    """The group asks for the figures to be brought up to date (audited);
    once submitted the figures are frozen and a refresh is refused."""
    qr = services.return_open(group=camden, quarter=Quarter(2025, 2), today=AFTER_Q2)
    admin = GroupAdminFactory(group=camden)
    activity(camden, dt.date(2025, 9, 1), "newsletters")
    assert services.return_refresh_figures(quarterly_return=qr, actor=admin) is True
    newsletters = _lines(qr)["newsletters"]
    # 2 of 2 now: the status followed the suggestion from amber to green.
    assert (newsletters.count_to_date, newsletters.suggested_rag, newsletters.rag) == (2, Rag.GREEN, Rag.GREEN)
    qr.refresh_from_db()
    assert qr.version == 1  # a refresh does not make anyone's open form stale
    event = AuditEvent.objects.get(event_type="RETURN_FIGURES_UPDATED")
    assert (event.actor, event.target_id, event.payload["lines"]) == (admin, qr.pk, ["newsletters"])
    # Nothing new on the activity record: nothing changes and nothing is recorded.
    assert services.return_refresh_figures(quarterly_return=qr, actor=admin) is False
    assert AuditEvent.objects.filter(event_type="RETURN_FIGURES_UPDATED").count() == 1

    complete_lines(qr)
    services.return_submit(quarterly_return=qr, actor=admin, loaded_version=qr.version)
    activity(camden, dt.date(2025, 9, 2), "newsletters")
    with pytest.raises(InvalidTransition, match="cannot be changed"):
        services.return_refresh_figures(quarterly_return=qr, actor=admin)
    assert _lines(qr)["newsletters"].count_to_date == 2


def test_only_the_groups_people_may_refresh_a_returns_figures(camden):
    qr = services.return_open(group=camden, quarter=Quarter(2025, 2), today=AFTER_Q2)
    for outsider in (OfficerFactory(), GroupAdminFactory(group=EngagementGroupFactory(borough=borough("hackney")))):
        with pytest.raises(PermissionDenied):
            services.return_refresh_figures(quarterly_return=qr, actor=outsider)
    assert not AuditEvent.objects.filter(event_type="RETURN_FIGURES_UPDATED").exists()


def test_an_officer_opens_a_groups_missing_returns(camden):
    """As the daily command would, with the officer as the opener; a group's
    own people may not."""
    standard_template(2024)
    with pytest.raises(PermissionDenied):
        services.returns_open_missing(group=camden, actor=GroupAdminFactory(group=camden), today=AFTER_Q2)
    officer = OfficerFactory()
    opened = services.returns_open_missing(group=camden, actor=officer, today=AFTER_Q2)
    assert sorted((qr.financial_year, qr.quarter) for qr in opened) == [(2024, 4), (2025, 1), (2025, 2)]
    events = AuditEvent.objects.filter(event_type="RETURN_OPENED")
    assert [e.actor for e in events] == [officer] * 3
    assert services.returns_open_missing(group=camden, actor=officer, today=AFTER_Q2) == []


def test_an_overridden_status_is_kept_when_the_figures_change(camden):
    qr = services.return_open(group=camden, quarter=Quarter(2025, 2), today=AFTER_Q2)
    admin = GroupAdminFactory(group=camden)
    line = _lines(qr)["newsletters"]
    services.return_save(
        quarterly_return=qr,
        actor=admin,
        answers={line.pk: {"rag": Rag.RED, "rag_override_reason": "Printer lost the autumn issue"}},
        loaded_version=1,
    )
    activity(camden, dt.date(2025, 9, 1), "newsletters")
    services.return_refresh_figures(quarterly_return=qr, actor=admin)
    line.refresh_from_db()
    assert (line.suggested_rag, line.rag) == (Rag.GREEN, Rag.RED)


def test_a_rag_override_without_a_reason_is_refused_and_nothing_is_saved(camden):
    qr = services.return_open(group=camden, quarter=Quarter(2025, 2), today=AFTER_Q2)
    admin = GroupAdminFactory(group=camden)
    lines = _lines(qr)
    answers = {
        lines["public-meetings"].pk: {"progress": "Three meetings held"},
        lines["newsletters"].pk: {"rag": Rag.GREEN, "rag_override_reason": "  "},
    }
    with pytest.raises(ValidationError) as error:
        services.return_save(quarterly_return=qr, actor=admin, answers=answers, loaded_version=1)
    key = services.line_field_key(lines["newsletters"], "rag_override_reason")
    assert error.value.message_dict[key] == [
        "Enter why Publish and disseminate at least 4 newsletters is green when the figures suggest amber"
    ]
    assert _lines(qr)["public-meetings"].progress == ""
    qr.refresh_from_db()
    assert qr.version == 1


def test_two_people_editing_one_draft_cannot_overwrite_each_other(camden):
    qr = services.return_open(group=camden, quarter=Quarter(2025, 2), today=AFTER_Q2)
    admin, chair = GroupAdminFactory(group=camden), GroupExecutiveFactory(group=camden)
    line = _lines(qr)["public-meetings"]
    services.return_save(quarterly_return=qr, actor=admin, answers={line.pk: {"progress": "Admin's"}}, loaded_version=1)
    with pytest.raises(EditConflict):
        services.return_save(
            quarterly_return=qr, actor=chair, answers={line.pk: {"progress": "Chair's"}}, loaded_version=1
        )
    line.refresh_from_db()
    assert line.progress == "Admin's"


def test_submitting_with_empty_lines_is_refused_naming_each_line(camden):
    qr = services.return_open(group=camden, quarter=Quarter(2025, 2), today=AFTER_Q2)
    admin = GroupAdminFactory(group=camden)
    with pytest.raises(ValidationError) as error:
        services.return_submit(quarterly_return=qr, actor=admin, loaded_version=1)
    messages = sorted(m for ms in error.value.message_dict.values() for m in ms)
    assert "Select a RAG status for Sign up to SLA and take part in quarterly monitoring process" in messages
    assert "Enter the progress on Hold at least 4 public meetings/events per annum" in messages
    # Five lines without progress, two without a status (the counted ones have the suggestion).
    assert len(messages) == 7
    qr.refresh_from_db()
    assert qr.status == ReturnStatus.DRAFT


def test_the_whole_workflow_draft_submitted_returned_resubmitted_accepted(camden):
    qr = services.return_open(group=camden, quarter=Quarter(2025, 2), today=AFTER_Q2)
    admin, officer = GroupAdminFactory(group=camden), OfficerFactory()
    complete_lines(qr)
    with pytest.raises(PermissionDenied):
        services.return_submit(quarterly_return=qr, actor=officer)
    qr = services.return_submit(quarterly_return=qr, actor=admin, loaded_version=1)
    assert (qr.status, qr.submitted_by, qr.version) == (ReturnStatus.SUBMITTED, admin, 2)
    first = qr.first_submitted_at

    with pytest.raises(InvalidTransition, match="cannot be changed"):
        services.return_save(quarterly_return=qr, actor=admin, answers={}, loaded_version=qr.version)
    with pytest.raises(PermissionDenied):
        services.return_accept(quarterly_return=qr, actor=admin)
    with pytest.raises(ValidationError) as error:
        services.return_send_back(quarterly_return=qr, actor=officer, comments=" ")
    assert error.value.message_dict == {"officer_comments": ["Enter your comments for the group"]}

    qr = services.return_send_back(quarterly_return=qr, actor=officer, comments="Say more about newsletters")
    assert (qr.status, qr.reviewed_by, qr.officer_comments) == (
        ReturnStatus.RETURNED,
        officer,
        "Say more about newsletters",
    )
    line = _lines(qr)["newsletters"]
    qr = services.return_save(
        quarterly_return=qr, actor=admin, answers={line.pk: {"progress": "Two more planned"}}, loaded_version=qr.version
    )
    qr = services.return_submit(quarterly_return=qr, actor=admin, loaded_version=qr.version)
    assert qr.status == ReturnStatus.SUBMITTED
    assert qr.first_submitted_at == first
    qr = services.return_accept(quarterly_return=qr, actor=officer, loaded_version=qr.version)
    assert qr.status == ReturnStatus.ACCEPTED
    with pytest.raises(InvalidTransition, match="This return is accepted, so it cannot be returned for changes"):
        services.return_send_back(quarterly_return=qr, actor=officer, comments="Too late")
    with pytest.raises(InvalidTransition, match="This return is accepted, so it cannot be accepted"):
        services.return_accept(quarterly_return=qr, actor=officer)

    events = list(
        AuditEvent.objects.filter(target_id=qr.pk, target_type__model="quarterlyreturn")
        .order_by("id")
        .values_list("event_type", flat=True)
    )
    assert events == [
        "RETURN_OPENED",
        "RETURN_SUBMITTED",
        "RETURN_RETURNED",
        "RETURN_UPDATED",
        "RETURN_RESUBMITTED",
        "RETURN_ACCEPTED",
    ]
    statuses = list(QuarterlyReturn.history.filter(id=qr.pk).order_by("history_id").values_list("status", flat=True))
    assert statuses == ["draft", "submitted", "returned", "returned", "submitted", "accepted"]


def test_a_return_submitted_after_its_due_date_is_late(camden):
    qr = services.return_open(group=camden, quarter=Quarter(2025, 2), today=AFTER_Q2)
    complete_lines(qr)
    late = dt.datetime(2025, 10, 22, 9, 0, tzinfo=dt.UTC)
    qr = services.return_submit(quarterly_return=qr, actor=GroupAdminFactory(group=camden), at=late)
    assert qr.was_late
    assert "after the deadline" in AuditEvent.objects.filter(event_type="RETURN_SUBMITTED").get().summary


def test_an_officer_marks_support_as_provided(camden):
    qr = services.return_open(group=camden, quarter=Quarter(2025, 2), today=AFTER_Q2)
    complete_lines(qr)
    line = _lines(qr)["newsletters"]
    line.support_requested = "Help with printing costs"
    line.save()
    services.return_submit(quarterly_return=qr, actor=GroupAdminFactory(group=camden))
    officer = OfficerFactory()
    with pytest.raises(ValidationError) as error:
        services.support_mark_provided(line=line, actor=officer, support_given="")
    assert error.value.message_dict == {"support_given": ["Enter the support the authority gave"]}
    line = services.support_mark_provided(line=line, actor=officer, support_given="Printing paid from reserve")
    assert line.support_resolved_by == officer
    assert not line.has_open_support_request
    with pytest.raises(InvalidTransition, match="already marked"):
        services.support_mark_provided(line=line, actor=officer, support_given="Again")


def test_support_asked_for_in_a_draft_cannot_be_marked_as_provided(camden):
    qr = services.return_open(group=camden, quarter=Quarter(2025, 2), today=AFTER_Q2)
    line = _lines(qr)["newsletters"]
    line.support_requested = "Help with printing costs"
    line.save()
    with pytest.raises(InvalidTransition, match="not been submitted"):
        services.support_mark_provided(line=line, actor=OfficerFactory(), support_given="Paid")
